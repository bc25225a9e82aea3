#!/usr/bin/env bash
# tools/devcluster under test: `up` twice starts one cluster (the second reports it running and
# starts nothing), `status` names every component, `down` stops every process it started (none
# is left whose command line names the cluster's directory), `down` twice is harmless, and `up`
# after `down` restarts on the kept data.  Needs HVO_BUILD_DIR (the build tree with the binaries).
source "$(dirname "$0")/../packaging/lib/common.sh"
require_tool etcd
require_tool kubectl
[[ -n "${HVO_BUILD_DIR:-}" ]] || fail "HVO_BUILD_DIR is not set (the build tree with the binaries)"
export HVO_BUILD_DIR
make_scratch_dir
devcluster="$HVO_REPO/tools/devcluster"
dir="$HVO_SCRATCH/cluster"
cleanup() {
  local status=$?
  "$devcluster" down --dir "$dir" >/dev/null 2>&1 || true
  rm -rf "$HVO_SCRATCH"
  exit "$status"
}
trap cleanup EXIT
components=(etcd apiserver hv-01 operator)

# Pids of processes (other than this test) whose command line mentions the cluster directory.
processes_of_cluster() {
  local proc pid
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [[ "$pid" != "$$" ]] || continue
    # A process may end between the listing and the read.
    if { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null | grep -qF -- "$dir/"; then echo "$pid"; fi
  done
}

pids_from_files() {
  local name
  for name in "${components[@]}"; do
    [[ -f "$dir/$name.pid" ]] || fail "no pid file for $name"
    echo "$name=$(cat "$dir/$name.pid")"
  done
}

echo "== up (one simulated host and the operator)"
"$devcluster" up --dir "$dir" --hosts 1 >"$HVO_SCRATCH/up1.out" 2>"$HVO_SCRATCH/up1.err" ||
  { cat "$HVO_SCRATCH/up1.err" >&2; fail "the first up failed"; }
grep -qx "export KUBECONFIG=$dir/kubeconfig" "$HVO_SCRATCH/up1.out" || fail "up did not print the export line"
first=$(pids_from_files)
for entry in $first; do
  kill -0 "${entry#*=}" 2>/dev/null || fail "${entry%%=*} (pid ${entry#*=}) is not running after up"
done
KUBECONFIG="$dir/kubeconfig" kubectl get hypervhost hv-01 >/dev/null || fail "hv-01 was not registered"

echo "== up again: reports the running cluster, starts nothing"
"$devcluster" up --dir "$dir" --hosts 1 >"$HVO_SCRATCH/up2.out" 2>"$HVO_SCRATCH/up2.err" ||
  { cat "$HVO_SCRATCH/up2.err" >&2; fail "the second up failed"; }
grep -q "already running" "$HVO_SCRATCH/up2.err" || fail "the second up did not report the running cluster"
grep -qx "export KUBECONFIG=$dir/kubeconfig" "$HVO_SCRATCH/up2.out" || fail "the second up did not print the export line"
[[ "$(pids_from_files)" == "$first" ]] || fail "the second up replaced processes: $(pids_from_files) vs $first"

echo "== status"
"$devcluster" status --dir "$dir" >"$HVO_SCRATCH/status.out" || fail "status failed"
cat "$HVO_SCRATCH/status.out"
for entry in $first; do
  grep -qx "${entry%%=*}: running (pid ${entry#*=})" "$HVO_SCRATCH/status.out" ||
    fail "status does not report ${entry%%=*} running as pid ${entry#*=}"
done
grep -q "^apiserver: https://127.0.0.1:[0-9]" "$HVO_SCRATCH/status.out" || fail "status does not name the API server's URL"

echo "== down"
"$devcluster" down --dir "$dir" 2>"$HVO_SCRATCH/down1.err" || { cat "$HVO_SCRATCH/down1.err" >&2; fail "down failed"; }
for entry in $first; do
  ! kill -0 "${entry#*=}" 2>/dev/null || fail "${entry%%=*} (pid ${entry#*=}) still runs after down"
done
left=$(processes_of_cluster)
[[ -z "$left" ]] || fail "processes of the cluster remain after down: $(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
! ls "$dir"/*.pid >/dev/null 2>&1 || fail "pid files remain after down: $(ls "$dir"/*.pid)"
"$devcluster" status --dir "$dir" >"$HVO_SCRATCH/status2.out" || fail "status of a stopped cluster failed"
for name in "${components[@]}"; do
  grep -qx "$name: stopped" "$HVO_SCRATCH/status2.out" || fail "status after down does not report $name stopped"
done

echo "== down again: nothing to stop"
"$devcluster" down --dir "$dir" 2>"$HVO_SCRATCH/down2.err" || fail "the second down failed"
! grep -q "stopped" "$HVO_SCRATCH/down2.err" || fail "the second down stopped something: $(cat "$HVO_SCRATCH/down2.err")"

echo "== up after down: restarts on the kept data"
"$devcluster" up --dir "$dir" --hosts 1 >/dev/null 2>"$HVO_SCRATCH/up3.err" ||
  { cat "$HVO_SCRATCH/up3.err" >&2; fail "up after down failed"; }
KUBECONFIG="$dir/kubeconfig" kubectl get hypervhost hv-01 >/dev/null || fail "hv-01 was lost across down and up"
second=$(pids_from_files)
"$devcluster" down --dir "$dir" 2>/dev/null || fail "the last down failed"
for entry in $second; do
  ! kill -0 "${entry#*=}" 2>/dev/null || fail "${entry%%=*} (pid ${entry#*=}) still runs after the last down"
done
[[ -z "$(processes_of_cluster)" ]] || fail "processes of the cluster remain after the last down"
echo "devcluster: up, up, status, down, down, up, down behave"
