#!/usr/bin/env bash
# The demo: a local control plane (etcd + the API server emulator), three simulated Hyper-V hosts
# and the operator, with the examples applied, and kubectl pointed at it.
# `make demo` runs this after building; `make demo-down` stops everything.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="${HVO_DEMO_DIR:-$repo/.devcluster}"
export PATH="$repo/.tools/bin:$PATH"

"$repo/tools/devcluster" up --dir "$dir" --hosts 3 >/dev/null
export KUBECONFIG="$dir/kubeconfig"

echo "== applying examples/ (namespaces, tenant team-a with quotas, three VMs)"
# The example hosts point at hv-0N.example.net; the demo registered its own simulated hosts.
kubectl apply -f "$repo/examples/00-namespaces.yaml" -f "$repo/examples/20-tenant-team-a.yaml" \
  -f "$repo/examples/30-vm-minimal.yaml" -f "$repo/examples/31-vm-cloud-init-vlan.yaml" \
  -f "$repo/examples/32-vm-userdata-secret.yaml"

if [[ -f "$dir/operator.pid" ]] && kill -0 "$(cat "$dir/operator.pid")" 2>/dev/null; then
  echo "== waiting for the hosts and VMs to become Ready"
  kubectl wait --for=condition=Ready hypervhosts --all --timeout=60s || true
  kubectl wait --for=condition=Ready virtualmachines --all -n team-a --timeout=120s || true
else
  echo "== the operator is not running (not built yet?): objects are stored but not reconciled"
fi

echo
echo "== kubectl get hyperv -A"
kubectl get hyperv -A
cat <<USAGE

The demo control plane is running. Use it with:

  export KUBECONFIG=$KUBECONFIG
  export PATH=$repo/.tools/bin:\$PATH
  kubectl get hyperv -A                        # hosts, tenants, quotas and VMs
  kubectl get hvm -n team-a -w                 # watch the VMs
  kubectl describe hvm web-1 -n team-a         # status, conditions and events
  kubectl patch hvm web-1 -n team-a --type merge -p '{"spec":{"runStrategy":"Halted"}}'
  tools/devcluster status                      # processes, ports, logs in $dir

Stop it with: make demo-down
USAGE
