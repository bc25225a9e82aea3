#!/usr/bin/env bash
# devcluster supervises the operator like a pod (tools/devcluster-supervise): a killed operator is
# started again after a back-off that doubles (shortened here: 1 s, then 2 s, ...), and an API
# outage (the API server stopped) long enough for the leader to give up its Lease and exit
# (status 1) is survived: once the API server runs again, a restarted operator serves its health
# endpoint. `down` leaves neither
# the supervisor nor any operator running. Needs HVO_BUILD_DIR (the build tree with the binaries).
source "$(dirname "$0")/../packaging/lib/common.sh"
require_tool etcd
require_tool kubectl
[[ -n "${HVO_BUILD_DIR:-}" ]] || fail "HVO_BUILD_DIR is not set (the build tree with the binaries)"
export HVO_BUILD_DIR
export DEVCLUSTER_RESTART_BACKOFF_S=1
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

# Waits (up to $2 s, generous for a loaded machine) until the operator runs under a pid other than
# $1 and answers its health check; prints the new pid.
wait_for_new_operator() {
  local old=$1 deadline=$((SECONDS + $2)) pid
  # shellcheck source=/dev/null
  source "$dir/ports.env"
  while ((SECONDS < deadline)); do
    pid=$(cat "$dir/operator.pid" 2>/dev/null || true)
    if [[ -n "$pid" && "$pid" != "$old" ]] && kill -0 "$pid" 2>/dev/null &&
      curl -sf --max-time 2 "http://127.0.0.1:$OPERATOR_HEALTH_PORT/healthz" >/dev/null 2>&1; then
      echo "$pid"
      return 0
    fi
    sleep 0.2
  done
  fail "the operator was not restarted within $2 s (pid file: $(cat "$dir/operator.pid" 2>/dev/null)); log tail: $(tail -5 "$dir/operator.log")"
}

echo "== up (one simulated host and the supervised operator) (at ${SECONDS} s)"
"$devcluster" up --dir "$dir" --hosts 1 >/dev/null 2>"$HVO_SCRATCH/up.err" ||
  { cat "$HVO_SCRATCH/up.err" >&2; fail "up failed"; }
# shellcheck source=/dev/null
source "$dir/ports.env"
supervisor=$(cat "$dir/operator-supervisor.pid")
kill -0 "$supervisor" 2>/dev/null || fail "the supervisor (pid $supervisor) is not running"
first=$(cat "$dir/operator.pid")
"$devcluster" status --dir "$dir" >"$HVO_SCRATCH/status.out" || fail "status failed"
grep -qx "operator: running (pid $first)" "$HVO_SCRATCH/status.out" ||
  fail "status does not report the operator as pid $first: $(cat "$HVO_SCRATCH/status.out")"
grep -qx "operator-supervisor: running (pid $supervisor)" "$HVO_SCRATCH/status.out" ||
  fail "status does not report the supervisor as pid $supervisor"

echo "== SIGKILL the operator: restarted after 1 s (at ${SECONDS} s)"
kill -KILL "$first"
second=$(wait_for_new_operator "$first" 120)
grep -q "devcluster-supervise: restart=1 exitStatus=137 .* backoffSeconds=1$" "$dir/operator.log" ||
  fail "no restart line for the first kill: $(grep devcluster-supervise "$dir/operator.log")"

echo "== SIGKILL it again: the back-off doubles (at ${SECONDS} s)"
kill -KILL "$second"
third=$(wait_for_new_operator "$second" 120)
grep -q "devcluster-supervise: restart=2 exitStatus=137 .* backoffSeconds=2$" "$dir/operator.log" ||
  fail "the second restart did not wait twice as long: $(grep devcluster-supervise "$dir/operator.log")"

echo "== API outage: the leader gives up its Lease and exits; it is restarted once the API is back (at ${SECONDS} s)"
# Only a leader exits without the API (a standby keeps campaigning): wait until it leads (the
# killed predecessors' Lease expires first).
deadline=$((SECONDS + 120))
until curl -sf --max-time 2 "http://127.0.0.1:$OPERATOR_METRICS_PORT/metrics" 2>/dev/null |
  grep -Eq '^leader_election_master_status\{.*\} 1(\.0*)?$'; do
  ((SECONDS < deadline)) || fail "the restarted operator (pid $third) did not take the Lease within 120 s"
  sleep 0.5
done
apiserver=$(cat "$dir/apiserver.pid")
mapfile -d '' apiserver_cmd <"/proc/$apiserver/cmdline"
kill -TERM "$apiserver"
deadline=$((SECONDS + 60))
while kill -0 "$apiserver" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
! kill -0 "$apiserver" 2>/dev/null || fail "the API server (pid $apiserver) did not stop"
deadline=$((SECONDS + 300))
while kill -0 "$third" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
! kill -0 "$third" 2>/dev/null || fail "the operator (pid $third) did not exit during a 300 s API outage"
echo "== the API server starts again (at ${SECONDS} s)"
nohup "${apiserver_cmd[@]}" >>"$dir/apiserver.log" 2>&1 &
echo $! >"$dir/apiserver.pid"
fourth=$(wait_for_new_operator "$third" 180)
grep -q "devcluster-supervise: restart=3 exitStatus=1 " "$dir/operator.log" ||
  fail "the exit after the outage was not a restart with status 1: $(grep devcluster-supervise "$dir/operator.log")"
deadline=$((SECONDS + 60))
until KUBECONFIG="$dir/kubeconfig" kubectl get hypervhost hv-01 >/dev/null 2>&1; do
  ((SECONDS < deadline)) || fail "the API does not answer after the outage"
  sleep 0.5
done
restarts=$(grep -c "devcluster-supervise: restart=" "$dir/operator.log")

echo "== down: no supervisor, no operator left (at ${SECONDS} s)"
"$devcluster" down --dir "$dir" 2>/dev/null || fail "down failed"
for pid in "$supervisor" "$fourth"; do
  ! kill -0 "$pid" 2>/dev/null || fail "pid $pid still runs after down"
done
[[ "$(grep -c "devcluster-supervise: restart=" "$dir/operator.log")" == "$restarts" ]] ||
  fail "down made the supervisor restart the operator"
echo "devcluster: the operator was restarted after 2 kills and an API outage ($first → $second → $third → $fourth)"
