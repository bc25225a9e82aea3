#!/usr/bin/env bash
# The e2e run of the observability checks: the demo (devcluster with three simulated hosts, the
# operator and the examples) runs until its VMs are Ready, one host goes down so the agent error
# counter exists too, then live_scrape.sh has a real Prometheus scrape the operator, evaluate every
# alert rule without error, and checks every metric the alerts and dashboard use against the scrape.
source "$(dirname "$0")/../lib/common.sh"
source "$HVO_PACKAGING_TESTS/lib/devcluster.sh"
require_tool curl
make_scratch_dir
start_devcluster --hosts 3
require_operator_running

echo "== applying the examples (namespaces, tenant team-a with quotas, three VMs)"
kubectl apply -f "$HVO_REPO/examples/00-namespaces.yaml" -f "$HVO_REPO/examples/20-tenant-team-a.yaml" \
  -f "$HVO_REPO/examples/30-vm-minimal.yaml" -f "$HVO_REPO/examples/31-vm-cloud-init-vlan.yaml" \
  -f "$HVO_REPO/examples/32-vm-userdata-secret.yaml" >/dev/null
kubectl wait --for=condition=Ready hypervhosts --all --timeout=90s >/dev/null || fail "hosts not Ready"
kubectl wait --for=condition=Ready virtualmachines --all -n team-a --timeout=120s >/dev/null ||
  fail "VMs not Ready"
kubectl get virtualmachines -n team-a

echo "== the agents export per-VM usage (the dashboard's tenant panels)"
agent_scrapes=()
for index in 1 2 3; do
  agent="$HVO_DEVCLUSTER/agents/hv-0$index" port_var="AGENT_PORT_$index"
  curl -fsS --cacert "$agent/ca.crt" --cert "$agent/client.crt" --key "$agent/client.key" \
    -H "Authorization: Bearer $(cat "$agent/token")" "https://127.0.0.1:${!port_var}/metrics" \
    >"$HVO_SCRATCH/agent-hv-0$index.prom" || fail "scraping hv-0$index's agent failed"
  agent_scrapes+=("$HVO_SCRATCH/agent-hv-0$index.prom")
done
cat "${agent_scrapes[@]}" | grep -q '^hyperv_agent_vm_cpu_seconds_total{namespace="team-a"' ||
  fail "no agent exports per-VM usage of team-a's VMs"

echo "== hv-03 goes down: the operator counts failed agent calls"
set_sim_faults hv-03 3 '{"hostDown": true}'
poll_until 120 "hyperv_agent_request_errors_total in the operator's scrape" \
  operator_exports hyperv_agent_request_errors_total

echo "== Prometheus scrapes the operator"
bash "$HVO_PACKAGING_TESTS/prometheus/live_scrape.sh" "127.0.0.1:$OPERATOR_METRICS_PORT" \
  "${agent_scrapes[@]}"
