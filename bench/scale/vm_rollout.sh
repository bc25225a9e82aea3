#!/usr/bin/env bash
# VM rollout benchmark: how long N VirtualMachines take from one `kubectl apply` to Ready on
# simulated Hyper-V hosts, and what it costs the operator (peak RSS, CPU time, API requests).
# Everything runs for real: etcd, apiserver-lite, the operator and sim agents from a devcluster in
# a scratch directory, torn down at the end.
#
#   bench/scale/vm_rollout.sh [--vms N] [--hosts N] [--build-dir DIR]
#
# The sim agents answer with the latencies devcluster gives them (create 200 ms, start 1.5 s), so
# the figure is the operator's pipeline (admission, quota, scheduling, agent calls, status) on top
# of those. Use an optimised build (`make bench` builds build-bench/) for figures worth reporting.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vms=200
hosts=3
build_dir="$repo/build-bench"
while (($#)); do
  case "$1" in
    --vms) vms=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    *) sed -n '7p' "${BASH_SOURCE[0]}" | sed 's/^# *//'; exit 2 ;;
  esac
done
export PATH="$repo/.tools/bin:$PATH"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/hvo-rollout.XXXXXX")
cleanup() {
  HVO_BUILD_DIR="$build_dir" "$repo/tools/devcluster" down --dir "$scratch" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

HVO_BUILD_DIR="$build_dir" "$repo/tools/devcluster" up --dir "$scratch" --hosts "$hosts" >/dev/null
export KUBECONFIG="$scratch/kubeconfig"
operator_pid=$(cat "$scratch/operator.pid")
# shellcheck source=/dev/null
source "$scratch/ports.env"

kubectl wait --for=condition=Ready hypervhost --all --timeout=120s >/dev/null

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
  hard: {vcpus: 100000, memory: 100Ti, storage: 10000Ti, vms: 100000}
TENANT
for ((i = 0; i < 120; i++)); do
  kubectl get namespace bench >/dev/null 2>&1 && break
  sleep 0.5
done

manifest="$scratch/vms.yaml"
for ((i = 1; i <= vms; i++)); do
  cat <<VM
---
apiVersion: hyperv.operator.io/v1alpha1
kind: VirtualMachine
metadata: {name: vm-$i, namespace: bench}
spec:
  cpu: {count: 1}
  memory: {startup: 512Mi}
  image: rocky-9
  networks: [{name: lan, switch: external}]
VM
done >"$manifest"

# Operator figures before the rollout, to report what the rollout itself cost.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$operator_pid/stat"; }
requests_total() {
  curl -sf "http://127.0.0.1:$OPERATOR_METRICS_PORT/metrics" |
    awk '/^rest_client_requests_total/ {sum += $NF} END {print sum + 0}'
}
ticks_before=$(cpu_ticks)
requests_before=$(requests_total)
rss_before_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$operator_pid/status")

start=$(date +%s.%N)
kubectl apply -f "$manifest" >/dev/null
applied=$(date +%s.%N)

ready=0
while ((ready < vms)); do
  sleep 1
  ready=$(kubectl get virtualmachines -n bench -o json | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(sum(1 for vm in items for c in vm.get("status", {}).get("conditions", [])
          if c["type"] == "Ready" and c["status"] == "True"))')
  elapsed=$(python3 -c "print(int($(date +%s.%N) - $start))")
  ((elapsed < 1800)) || { echo "gave up: $ready/$vms Ready after ${elapsed}s" >&2; exit 1; }
done
done_at=$(date +%s.%N)

hwm_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$operator_pid/status")
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$operator_pid/status")
ticks_after=$(cpu_ticks)
requests_after=$(requests_total)
placement=$(kubectl get virtualmachines -n bench -o json | python3 -c '
import collections, json, sys
hosts = collections.Counter(vm.get("status", {}).get("host", "?") for vm in json.load(sys.stdin)["items"])
print(", ".join(f"{h}={n}" for h, n in sorted(hosts.items())))')

python3 - "$vms" "$hosts" "$start" "$applied" "$done_at" "$rss_before_kb" "$rss_kb" "$hwm_kb" \
  "$ticks_before" "$ticks_after" "$(getconf CLK_TCK)" "$requests_before" "$requests_after" \
  "$placement" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'REPORT'
import sys
(vms, hosts, start, applied, done, rss0, rss, hwm, t0, t1, hz, r0, r1, placement, cpus,
 load) = sys.argv[1:]
start, applied, done = float(start), float(applied), float(done)
print(f"VM rollout: {vms} VMs on {hosts} sim hosts ({cpus} CPUs, load {load})")
print(f"  kubectl apply returned      {applied - start:8.1f} s")
print(f"  all VMs Ready after         {done - start:8.1f} s")
print(f"  throughput                  {int(vms) / (done - start):8.1f} VMs/s")
print(f"  operator RSS before/after   {int(rss0) / 1024:8.1f} / {int(rss) / 1024:.1f} MiB")
print(f"  operator peak RSS (VmHWM)   {int(hwm) / 1024:8.1f} MiB")
print(f"  operator CPU during rollout {(int(t1) - int(t0)) / int(hz):8.1f} s")
print(f"  operator API requests       {int(float(r1) - float(r0)):8d}")
print(f"  placement                   {placement}")
REPORT
