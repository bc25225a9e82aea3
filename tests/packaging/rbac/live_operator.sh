#!/usr/bin/env bash
# The e2e run of the RBAC check: the operator runs in a devcluster as its own user
# (system:serviceaccount:hyperv-system:hyperv-operator) through a workload that takes every path
# it has (tenants creating and labelling namespaces and binding admins, admins changing, quotas,
# VMs created, stopped, started, restarted, refused by quota and deleted, a host going down and
# back), then every API call the emulator's audit log records for that user is compared with the
# chart's ClusterRole and leader-election Role (rbac/run.sh LOG): no call the roles lack, no grant
# never used unless the chart justifies it with `# unused-in-e2e: <why>`.
source "$(dirname "$0")/../lib/common.sh"
source "$HVO_PACKAGING_TESTS/lib/devcluster.sh"
require_tool curl
make_scratch_dir
start_devcluster --hosts 2
require_operator_running
audit_log="$HVO_DEVCLUSTER/audit.log"
[[ -f "$audit_log" ]] ||
  fail "the emulator writes no audit log: its --audit-log-path is needed (tools/apiserver-lite)"

jsonpath() { kubectl get "$1" "${@:3}" -o "jsonpath=$2"; }
# equals EXPECTED KUBECTL-GET-ARGS...: the jsonpath output equals EXPECTED (for poll_until).
equals() {
  local expected=$1
  shift
  [[ "$(jsonpath "$@" 2>/dev/null)" == "$expected" ]]
}
gone() { ! kubectl get "$@" >/dev/null 2>&1; }

echo "== tenants: team-a (examples) and team-b (one namespace to create, one to label)"
kubectl apply -f "$HVO_REPO/examples/00-namespaces.yaml" -f "$HVO_REPO/examples/20-tenant-team-a.yaml" >/dev/null
kubectl apply -f - >/dev/null <<'TENANT'
apiVersion: v1
kind: Namespace
metadata: {name: team-b-shared}
---
apiVersion: hyperv.operator.io/v1alpha1
kind: Tenant
metadata: {name: team-b}
spec:
  namespaces: [team-b, team-b-shared]
  admins: {users: [bob@example.com]}
---
apiVersion: hyperv.operator.io/v1alpha1
kind: Quota
metadata: {name: team-b}
spec:
  tenant: team-b
  hard: {vcpus: 4, vms: 2}
TENANT
poll_until 240 "namespace team-b created by the operator" equals team-b namespace \
  '{.metadata.labels.hyperv\.operator\.io/tenant}' team-b
poll_until 240 "namespace team-b-shared labelled by the operator" equals team-b namespace \
  '{.metadata.labels.hyperv\.operator\.io/tenant}' team-b-shared
poll_until 240 "team-b's admins bound in team-b-shared" equals bob@example.com rolebinding \
  '{.subjects[*].name}' hyperv-tenant-admins -n team-b-shared

echo "== team-b's admins change: the operator replaces their RoleBindings"
kubectl patch tenant team-b --type merge -p '{"spec":{"admins":{"users":["bob@example.com","carol@example.com"]}}}' >/dev/null
poll_until 240 "team-b's new admins bound" equals "bob@example.com carol@example.com" rolebinding \
  '{.subjects[*].name}' hyperv-tenant-admins -n team-b

echo "== VMs: created (one with user data from a Secret), then Ready"
kubectl apply -f "$HVO_REPO/examples/30-vm-minimal.yaml" -f "$HVO_REPO/examples/32-vm-userdata-secret.yaml" >/dev/null
kubectl wait --for=condition=Ready hypervhosts --all --timeout=120s >/dev/null || fail "hosts not Ready"
kubectl wait --for=condition=Ready virtualmachines --all -n team-a --timeout=120s >/dev/null || fail "VMs not Ready"

echo "== a VM over team-b's quota stays Pending"
kubectl apply -f - >/dev/null <<'VM'
apiVersion: hyperv.operator.io/v1alpha1
kind: VirtualMachine
metadata: {name: too-big, namespace: team-b}
spec:
  cpu: {count: 8}
  memory: {startup: 4Gi}
  image: rocky-9
VM
poll_until 240 "too-big refused by quota" equals False virtualmachine \
  '{.status.conditions[?(@.type=="QuotaReserved")].status}' too-big -n team-b

echo "== minimal: stopped, started, restarted"
kubectl patch virtualmachine minimal -n team-a --type merge -p '{"spec":{"runStrategy":"Halted"}}' >/dev/null
poll_until 240 "minimal Stopped" equals Stopped virtualmachine '{.status.phase}' minimal -n team-a
kubectl patch virtualmachine minimal -n team-a --type merge -p '{"spec":{"runStrategy":"Always"}}' >/dev/null
poll_until 240 "minimal Running" equals Running virtualmachine '{.status.phase}' minimal -n team-a
requested=$(date -u +%Y-%m-%dT%H:%M:%SZ)
kubectl patch virtualmachine minimal -n team-a --type merge -p "{\"spec\":{\"restartRequestedAt\":\"$requested\"}}" >/dev/null
poll_until 240 "minimal restarted" equals "$requested" virtualmachine '{.status.lastRestartTime}' minimal -n team-a

echo "== hv-02 goes down and comes back"
set_sim_faults hv-02 2 '{"hostDown": true}'
poll_until 240 "hv-02 unreachable" equals False hypervhost \
  '{.status.conditions[?(@.type=="Reachable")].status}' hv-02
set_sim_faults hv-02 2 '{}'
poll_until 240 "hv-02 reachable again" equals True hypervhost \
  '{.status.conditions[?(@.type=="Reachable")].status}' hv-02

echo "== VMs deleted: the operator removes them from their hosts, then its finalizer"
kubectl delete virtualmachine --all -n team-a --wait=false >/dev/null
kubectl delete virtualmachine too-big -n team-b --wait=false >/dev/null
poll_until 240 "team-a's VMs gone" gone virtualmachine minimal web-2 -n team-a
poll_until 240 "too-big gone" gone virtualmachine too-big -n team-b
poll_until 240 "team-a's quota released" equals 0 quota '{.status.used.vms}' team-a

echo "== the operator's API calls vs the chart's roles"
cp "$audit_log" "$HVO_SCRATCH/audit.jsonl"
bash "$HVO_PACKAGING_TESTS/rbac/run.sh" "$HVO_SCRATCH/audit.jsonl"
