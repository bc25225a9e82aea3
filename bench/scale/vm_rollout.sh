#!/usr/bin/env bash
# VM rollout benchmark (issue 11): N VirtualMachines created at once on H simulated Hyper-V hosts,
# timed to all Ready, with what it cost the operator and the API server.
#
#   bench/scale/vm_rollout.sh [--vms N] [--hosts H] [--sim-latency-ms MS] [--timeout S]
#                             [--idle-seconds S] [--host-poll-interval D] [--no-restart]
#                             [--build-dir DIR] [--summary FILE]
#
# Everything runs for real in a scratch devcluster (etcd, apiserver-lite with its audit log, H
# hyperv-agent processes with the sim driver, the operator), torn down at the end. Without
# --sim-latency-ms the sim hosts keep devcluster's latencies (create 200 ms, start 1.5 s); with 0
# they answer at once, so the figures are the operator's own pipeline. The operator polls each
# host every --host-poll-interval (default 30s, the operator's own default; devcluster's is 5s),
# which sets most of the idle CPU and the host heartbeat writes.
#
# Phases and what each reports (keys of the summary in brackets):
#   rollout  VMs created from 4 connections (rollout_measure.py create); a watch records when each
#            VM appeared and turned Ready (ms precision, client receive time; the API's
#            timestamps have one-second granularity) [all_ready_s, create_to_ready_p50_s/p95_s];
#            the operator's CPU ticks during the rollout / VMs [operator_cpu_ms_per_vm], VmHWM
#            [operator_peak_rss_mb]; the operator's requests in the audit log by verb and resource
#            [rollout_*_per_vm, rollout_max_writes_per_s_one_*].
#   idle     --idle-seconds (60) once the Events recorded during the rollout are written
#            [events_settled_s: when, after all Ready]: operator and agents' CPU [idle_cpu_pct,
#            agents_idle_cpu_pct_*], the operator's requests [idle_*]; writes that trail the
#            rollout (the Event backlog, late status writes) fall between the two, so total_*
#            counts the operator's requests from the first create to the end of the idle period.
#   restart  SIGTERM the operator, start it again with the same command line and environment,
#            time until its work queues drained [restart_drain_s] and its writes from the restart
#            until 5 s after the drain [restart_writes] (target: 0).
# On --timeout (default 1800 s) the rollout stops there: all_ready=0 and ready_vms=N tell how far
# it got (per-VM write figures still divide by N: read the absolute counts); idle and restart are
# skipped (restart_writes=skipped). Exit status: 0 all Ready, 3 timed out, other: failed.
#
# The summary (one key=value per line) is printed after a human table and, with --summary FILE,
# written to FILE. Use the optimised build (`make bench` builds build-bench/) for real figures.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
measure="$repo/bench/scale/rollout_measure.py"
vms=200
hosts=3
sim_latency_ms=
timeout=1800
idle_seconds=60
host_poll_interval=30s
restart=1
build_dir="$repo/build-bench"
summary_file=
usage() {
  sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# *//'
  exit 2
}
while (($#)); do
  case "$1" in
    --vms) vms=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --sim-latency-ms) sim_latency_ms=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --idle-seconds) idle_seconds=$2; shift 2 ;;
    --host-poll-interval) host_poll_interval=$2; shift 2 ;;
    --no-restart) restart=0; shift ;;
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    --summary) summary_file=$2; shift 2 ;;
    *) usage ;;
  esac
done
export PATH="$repo/.tools/bin:$PATH"
operator_user=system:serviceaccount:hyperv-system:hyperv-operator

scratch=$(mktemp -d "${TMPDIR:-/tmp}/hvo-rollout.XXXXXX")
watcher_pid=
cleanup() {
  if [[ -n "$watcher_pid" ]]; then kill "$watcher_pid" 2>/dev/null || true; fi
  # SIGTERM every sim agent at once: devcluster stops them one by one, which takes minutes for 200.
  local pid_file
  for pid_file in "$scratch"/hv-*.pid; do
    if [[ -f "$pid_file" ]]; then kill -TERM "$(cat "$pid_file")" 2>/dev/null || true; fi
  done
  HVO_BUILD_DIR="$build_dir" "$repo/tools/devcluster" down --dir "$scratch" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "vm_rollout: $(date -u +%T) $*" >&2; }
now() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$@"; }

latency_args=()
if [[ -n "$sim_latency_ms" ]]; then latency_args=(--sim-latency-ms "$sim_latency_ms"); fi
log "starting a devcluster with $hosts sim hosts in $scratch"
devcluster_started=$(now)
HVO_BUILD_DIR="$build_dir" "$repo/tools/devcluster" up --dir "$scratch" --hosts "$hosts" \
  "${latency_args[@]}" --host-poll-interval "$host_poll_interval" >/dev/null 2>"$scratch/devcluster-up.log" ||
  { cat "$scratch/devcluster-up.log" >&2; exit 1; }
devcluster_s=$(seconds "$devcluster_started" "$(now)")
export KUBECONFIG="$scratch/kubeconfig"
[[ -f "$scratch/operator.pid" ]] || { echo "vm_rollout: the operator did not start" >&2; exit 1; }
operator_pid=$(cat "$scratch/operator.pid")
# shellcheck source=/dev/null
source "$scratch/ports.env"
server="https://127.0.0.1:$APISERVER_PORT"
metrics="http://127.0.0.1:$OPERATOR_METRICS_PORT/metrics"
awk '/token:/ {print $2; exit}' "$scratch/kubeconfig" >"$scratch/admin.token"
api_args=(--server "$server" --ca "$scratch/certs/ca.crt" --token-file "$scratch/admin.token"
  --namespace bench --vms "$vms")

kubectl wait --for=condition=Ready hypervhost --all --timeout="$((120 + hosts))s" >/dev/null
log "devcluster up in ${devcluster_s}s; all $hosts hosts Ready"

kubectl apply -f - >/dev/null <<TENANT
apiVersion: hyperv.operator.io/v1alpha1
kind: Tenant
metadata: {name: bench}
spec:
  namespaces: [bench]
---
apiVersion: hyperv.operator.io/v1alpha1
kind: Quota
metadata: {name: bench}
spec:
  tenant: bench
  hard: {vcpus: 1000000, memory: 1000Ti, storage: 100000Ti, vms: 1000000}
TENANT
for ((i = 0; i < 240; i++)); do
  kubectl get namespace bench >/dev/null 2>&1 && break
  sleep 0.5
done

# CPU ticks (user + system) of one process, and of all sim agents together.
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
agent_pids() { cat "$scratch"/hv-*.pid; }
agents_ticks() {
  local total=0 pid
  for pid in $(agent_pids); do total=$((total + $(ticks "$pid"))); done
  echo "$total"
}
status_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

ticks_before=$(ticks "$operator_pid")
rss_before_kb=$(status_kb "$operator_pid" VmRSS)

watch_file="$scratch/watch.json"
python3 "$measure" watch "${api_args[@]}" --timeout "$timeout" --out "$watch_file" &
watcher_pid=$!
for ((i = 0; i < 600; i++)); do
  [[ -f "$watch_file.listed" ]] && break
  sleep 0.1
done
[[ -f "$watch_file.listed" ]] || { echo "vm_rollout: the watch did not start" >&2; exit 1; }

log "creating $vms VMs"
start=$(now)
created_at=$(python3 "$measure" create "${api_args[@]}")
log "created in $(seconds "$start" "$created_at")s; waiting for all Ready (timeout ${timeout}s)"
all_ready=1
wait "$watcher_pid" || all_ready=0
watcher_pid=
done_at=$(now)
ticks_after=$(ticks "$operator_pid")
hwm_kb=$(status_kb "$operator_pid" VmHWM)
rss_kb=$(status_kb "$operator_pid" VmRSS)
latency=$(python3 "$measure" latency --watch-file "$watch_file")
ready_vms=$(sed -n 's/^ready_vms=//p' <<<"$latency")
if ((all_ready)); then
  ready_at=$(sed -n 's/^last_ready_at=//p' <<<"$latency")
  log "all $vms VMs Ready after $(seconds "$start" "$ready_at")s"
else
  ready_at=$done_at
  log "not Ready after ${timeout}s: $ready_vms of $vms Ready"
fi

# Sim agents' footprint: RSS each (with VMs on them) and, below, CPU while the operator idles.
agents_rss=$(for pid in $(agent_pids); do status_kb "$pid" VmRSS; done | sort -n |
  awk '{a[NR] = $1; s += $1} END {printf "agents_rss_mb_avg=%.1f\nagents_rss_mb_max=%.1f\nagents_rss_mb_total=%.1f\n", s / NR / 1024, a[NR] / 1024, s / 1024}')

idle_cpu_pct=nan agents_idle_cpu_pct_total=nan agents_idle_cpu_pct_avg=nan
idle_start=$done_at idle_end=$done_at settled_s=nan
if ((all_ready && idle_seconds > 0)); then
  # Events recorded during the rollout are written in the background after it: idle starts once
  # they are out (no Event create for 5 s), and how long that took is reported [events_settled_s].
  settled_at=$(python3 "$measure" settle --metrics "$metrics" --timeout 600) || true
  settled_s=$(seconds "$ready_at" "$settled_at")
  log "idle for ${idle_seconds}s (the last trailing Event ${settled_s}s after all Ready)"
  idle_ticks0=$(ticks "$operator_pid")
  agents_ticks0=$(agents_ticks)
  idle_start=$(now)
  sleep "$idle_seconds"
  idle_end=$(now)
  idle_ticks1=$(ticks "$operator_pid")
  agents_ticks1=$(agents_ticks)
  read -r idle_cpu_pct agents_idle_cpu_pct_total agents_idle_cpu_pct_avg < <(python3 -c '
import sys
op0, op1, ag0, ag1, hz, start, end, hosts = map(float, sys.argv[1:])
span = (end - start) * hz / 100
print(f"{(op1 - op0) / span:.2f} {(ag1 - ag0) / span:.2f} {(ag1 - ag0) / span / hosts:.3f}")' \
    "$idle_ticks0" "$idle_ticks1" "$agents_ticks0" "$agents_ticks1" "$hz" "$idle_start" \
    "$idle_end" "$hosts")
fi
hwm_kb=$(status_kb "$operator_pid" VmHWM)
# Which Events the operator recorded (the audit log has no bodies): reason=count, most first.
events_by_reason=$(kubectl get events -A -o json | python3 -c '
import collections, json, sys
reasons = collections.Counter()
for event in json.load(sys.stdin)["items"]:
    reasons[event.get("reason", "?")] += event.get("count") or 1
print(";".join(f"{reason}:{n}" for reason, n in reasons.most_common()))')

restart_drain_s=nan restart_start=$idle_end restart_end=$idle_end
if ((all_ready && restart)); then
  # The same command line and environment devcluster started the operator with.
  mapfile -d '' operator_cmd <"/proc/$operator_pid/cmdline"
  mapfile -d '' operator_env < <(grep -z -E '^(POD_NAMESPACE|POD_NAME)=' "/proc/$operator_pid/environ")
  log "restarting the operator (SIGTERM pid $operator_pid)"
  restart_start=$(now)
  kill -TERM "$operator_pid"
  for ((i = 0; i < 300; i++)); do
    kill -0 "$operator_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$operator_pid" 2>/dev/null; then
    log "the operator ignored SIGTERM for 30 s: killing it"
    kill -KILL "$operator_pid"
  fi
  stopped_at=$(now)
  env "${operator_env[@]}" nohup "${operator_cmd[@]}" >>"$scratch/operator.log" 2>&1 &
  operator_pid=$!
  echo "$operator_pid" >"$scratch/operator.pid"
  restarted_at=$(now)
  if drained_at=$(python3 "$measure" queues --metrics "$metrics" --min-adds "$vms" --timeout 300); then
    restart_drain_s=$(seconds "$restarted_at" "$drained_at")
    log "queues drained ${restart_drain_s}s after the start (stopping took $(seconds "$restart_start" "$stopped_at")s)"
  else
    drained_at=$(now)
    restart_drain_s=timeout
    log "queues not drained 300 s after the restart"
  fi
  sleep 5
  restart_end=$(now)
fi

audit=$(python3 "$measure" audit --log "$scratch/audit.log" --user "$operator_user" --vms "$vms" \
  --window rollout "$start" "$ready_at" --window idle "$idle_start" "$idle_end" \
  --window total "$start" "$idle_end" \
  --window restart "$restart_start" "$restart_end")
get() { sed -n "s/^$1=//p" <<<"$audit"; }

summary=$(
  cat <<SUMMARY
vms=$vms
hosts=$hosts
sim_latency_ms=${sim_latency_ms:-devcluster}
host_poll_interval=$host_poll_interval
build_dir=$build_dir
date=$(date -u +%FT%TZ)
cpus=$(nproc)
loadavg=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)
devcluster_up_s=$devcluster_s
all_ready=$all_ready
ready_vms=$ready_vms
create_s=$(seconds "$start" "$created_at")
all_ready_s=$(seconds "$start" "$ready_at")
$(grep -E '^create_to_ready' <<<"$latency")
operator_cpu_ms_per_vm=$(python3 -c "print(f'{($ticks_after - $ticks_before) * 1000 / $hz / max(1, $ready_vms):.1f}')")
operator_cpu_rollout_s=$(python3 -c "print(f'{($ticks_after - $ticks_before) / $hz:.1f}')")
operator_rss_before_mb=$(python3 -c "print(f'{$rss_before_kb / 1024:.1f}')")
operator_rss_after_mb=$(python3 -c "print(f'{$rss_kb / 1024:.1f}')")
operator_peak_rss_mb=$(python3 -c "print(f'{$hwm_kb / 1024:.1f}')")
idle_cpu_pct=$idle_cpu_pct
events_settled_s=$settled_s
$agents_rss
agents_idle_cpu_pct_total=$agents_idle_cpu_pct_total
agents_idle_cpu_pct_avg=$agents_idle_cpu_pct_avg
restart_drain_s=$restart_drain_s
events_by_reason=$events_by_reason
restart_writes=$(if [[ "$restart_drain_s" == nan ]]; then echo skipped; else get restart_writes; fi)
$(grep -v '^restart_writes=' <<<"$audit")
SUMMARY
)
[[ -z "$summary_file" ]] || echo "$summary" >"$summary_file"

python3 - <<TABLE
summary = dict(line.split("=", 1) for line in """$summary""".splitlines() if "=" in line)
s = summary.get
rows = [
    ("VMs / hosts / sim latency ms / host poll",
     f"{s('vms')} / {s('hosts')} / {s('sim_latency_ms')} / {s('host_poll_interval')}"),
    ("date, load average", f"{s('date')}, {s('loadavg')} ({s('cpus')} CPUs)"),
    ("all Ready after (s)", s("all_ready_s") if s("all_ready") == "1"
     else f"not Ready after {s('all_ready_s')} s, {s('ready_vms')} Ready"),
    ("create -> Ready p50 / p95 / max (s)",
     f"{s('create_to_ready_p50_s')} / {s('create_to_ready_p95_s')} / {s('create_to_ready_max_s')}"),
    ("writes per VM (rollout)", s("rollout_writes_per_vm")),
    ("  VM update / status update / patch",
     f"{s('rollout_vm_update_per_vm')} / {s('rollout_vm_status_update_per_vm')} / "
     f"{float(s('rollout_vm_patch_per_vm')) + float(s('rollout_vm_status_patch_per_vm')):.2f}"),
    ("  Event / Quota / Tenant / Host status",
     f"{s('rollout_event_writes_per_vm')} / {s('rollout_quota_status_per_vm')} / "
     f"{s('rollout_tenant_status_per_vm')} / {s('rollout_host_status_per_vm')}"),
    ("  other writes, conflicts (409)",
     f"{s('rollout_other_writes_per_vm')}, {s('rollout_conflicts')}"),
    ("writes per VM (rollout + idle)", s("total_writes_per_vm")),
    ("  Event writes per VM (rollout + idle)", s("total_event_writes_per_vm")),
    ("GETs / LISTs per VM (rollout)", f"{s('rollout_gets_per_vm')} / {s('rollout_lists_per_vm')}"),
    ("max writes/s to one Quota / Tenant / Host",
     f"{s('rollout_max_writes_per_s_one_quotas')} / {s('rollout_max_writes_per_s_one_tenants')} / "
     f"{s('rollout_max_writes_per_s_one_hypervhosts')}"),
    ("operator CPU per VM (ms)", s("operator_cpu_ms_per_vm")),
    ("operator RSS before / after / peak (MB)",
     f"{s('operator_rss_before_mb')} / {s('operator_rss_after_mb')} / {s('operator_peak_rss_mb')}"),
    ("trailing Events written until (s after all Ready)", s("events_settled_s")),
    ("idle operator CPU (% of a core)", s("idle_cpu_pct")),
    ("idle operator writes", s("idle_writes")),
    ("sim agent RSS avg / max (MB)", f"{s('agents_rss_mb_avg')} / {s('agents_rss_mb_max')}"),
    ("idle sim agents CPU total / each (%)",
     f"{s('agents_idle_cpu_pct_total')} / {s('agents_idle_cpu_pct_avg')}"),
    ("restart: queues drained after (s)", s("restart_drain_s")),
    ("restart: writes (of them HyperVHost status, heartbeats due)",
     f"{s('restart_writes')} ({s('restart_host_status')})"),
]
width = max(len(name) for name, _ in rows)
print("VM rollout benchmark")
for name, value in rows:
    print(f"  {name:<{width}}  {value}")
print("--- summary")
TABLE
echo "$summary"
((all_ready)) || exit 3
