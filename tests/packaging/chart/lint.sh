#!/usr/bin/env bash
# helm lint --strict passes with the chart's defaults and with every optional part switched on.
source "$(dirname "$0")/../lib/common.sh"
require_tool helm
chart="$HVO_REPO/charts/hyperv-operator"
helm lint --strict "$chart"
helm lint --strict "$chart" --namespace hyperv-system -f "$HVO_PACKAGING_TESTS/chart/values-full.yaml"

# The oldest Kubernetes the chart supports (CEL validation in the CRDs is GA in 1.25) renders,
# with every optional part on; an older cluster is refused by Chart.yaml's kubeVersion.
helm template hyperv-operator "$chart" --namespace hyperv-system --kube-version 1.25.0 \
  -f "$HVO_PACKAGING_TESTS/chart/values-full.yaml" >/dev/null
if output=$(helm template hyperv-operator "$chart" --kube-version 1.24.0 2>&1); then
  fail "the chart rendered for Kubernetes 1.24, below its kubeVersion"
fi
grep -q "kubeVersion" <<<"$output" || fail "refusing Kubernetes 1.24 did not name kubeVersion: $output"
echo "renders for Kubernetes 1.25, refuses 1.24"
