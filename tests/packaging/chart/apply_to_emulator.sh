#!/usr/bin/env bash
# The chart (default and non-default values) and the kustomize installs apply to the API server
# emulator with `kubectl apply --dry-run=server`, for the kinds it serves: CRDs and Namespaces are
# applied for real first, everything else is dry-run, the kinds it does not serve (Deployment,
# Service, ServiceMonitor, ...) are named as skipped. A dry run must leave nothing behind.
source "$(dirname "$0")/../lib/common.sh"
source "$HVO_PACKAGING_TESTS/lib/devcluster.sh"
require_tool helm
python=$(python_with_yaml)
make_scratch_dir
start_devcluster --hosts 0
chart="$HVO_REPO/charts/hyperv-operator"

# stored_versions FILE: kind/name@resourceVersion of each object of FILE that is stored.
stored_versions() {
  kubectl get -f "$1" --ignore-not-found \
    -o jsonpath='{range .items[*]}{.kind}/{.metadata.name}@{.metadata.resourceVersion}{"\n"}{end}' 2>&1
}

# check_install NAME: dry-runs $HVO_SCRATCH/NAME/render.yaml.
check_install() {
  local name=$1 dir="$HVO_SCRATCH/$1"
  echo "== $name"
  "$python" "$HVO_PACKAGING_TESTS/chart/split_by_served_kinds.py" "$dir/render.yaml" "$dir" ||
    fail "$name: could not split the render by served kinds"
  kubectl apply -f "$dir/prerequisites.yaml" >/dev/null || fail "$name: applying its CRDs and Namespaces failed"
  kubectl wait --for condition=Established --timeout=60s crd --all >/dev/null ||
    fail "$name: its CRDs were not established"
  local expected applied before after
  expected=$(grep -c '^kind:' "$dir/dry-run.yaml")
  # devcluster runs its operator with the chart's own roles, so some objects exist already: the
  # dry run must leave them as they were and add none.
  before=$(stored_versions "$dir/dry-run.yaml")
  if ! kubectl apply --dry-run=server -f "$dir/dry-run.yaml" >"$dir/apply.out" 2>&1; then
    cat "$dir/apply.out" >&2
    fail "$name: the server refused the dry run"
  fi
  applied=$(grep -c '(server dry run)$' "$dir/apply.out" || true)
  ((applied == expected)) || { cat "$dir/apply.out" >&2; fail "$name: $applied of $expected objects dry-run"; }
  after=$(stored_versions "$dir/dry-run.yaml")
  [[ "$after" == "$before" ]] ||
    fail "$name: the dry run wrote objects: $(diff <(echo "$before") <(echo "$after") | grep '^>')"
  echo "$name: $applied objects accepted by the server's dry run"
}

mkdir "$HVO_SCRATCH/chart-defaults" "$HVO_SCRATCH/chart-all-options" \
  "$HVO_SCRATCH/kustomize-default" "$HVO_SCRATCH/kustomize-monitoring"
helm template hyperv-operator "$chart" --namespace hyperv-system --include-crds \
  >"$HVO_SCRATCH/chart-defaults/render.yaml"
helm template hyperv-operator "$chart" --namespace hyperv-system --include-crds \
  -f "$HVO_PACKAGING_TESTS/chart/values-full.yaml" >"$HVO_SCRATCH/chart-all-options/render.yaml"
kubectl kustomize "$HVO_REPO/config/default" >"$HVO_SCRATCH/kustomize-default/render.yaml"
# config/default with config/prometheus (kustomize takes relative paths only).
config=$(realpath --relative-to="$HVO_SCRATCH/kustomize-monitoring" "$HVO_REPO/config")
cat >"$HVO_SCRATCH/kustomize-monitoring/kustomization.yaml" <<OVERLAY
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: hyperv-system
resources:
  - $config/default
  - $config/prometheus
OVERLAY
kubectl kustomize "$HVO_SCRATCH/kustomize-monitoring" >"$HVO_SCRATCH/kustomize-monitoring/render.yaml"

for install in chart-defaults chart-all-options kustomize-default kustomize-monitoring; do
  check_install "$install"
done

# The check itself notices a refusal: a VirtualMachine the CRD's schema rejects.
echo "== an object the server refuses fails the check"
mkdir "$HVO_SCRATCH/refused"
cat >"$HVO_SCRATCH/refused/render.yaml" <<'VM'
apiVersion: hyperv.operator.io/v1alpha1
kind: VirtualMachine
metadata: {name: refused, namespace: hyperv-system}
spec:
  cpu: {count: many}
  memory: {startup: 4Gi}
  image: rocky-9
VM
if (check_install refused) >"$HVO_SCRATCH/refused/out.txt" 2>&1; then
  cat "$HVO_SCRATCH/refused/out.txt" >&2
  fail "a VirtualMachine with cpu.count 'many' passed the dry run"
fi
grep -q "refused the dry run" "$HVO_SCRATCH/refused/out.txt" ||
  { cat "$HVO_SCRATCH/refused/out.txt" >&2; fail "the refusal was not reported"; }
echo "refused: the server's dry run rejected an invalid VirtualMachine, and the check failed"
