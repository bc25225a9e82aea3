#!/usr/bin/env bash
# `kubectl kustomize` builds config/default (and config/default + config/prometheus), and each
# render installs the same objects as the Helm chart with the matching values.
source "$(dirname "$0")/../lib/common.sh"
require_tool kubectl
require_tool helm
python=$(python_with_yaml)
make_scratch_dir
chart="$HVO_REPO/charts/hyperv-operator"
compare="$HVO_PACKAGING_TESTS/kustomize/compare_with_chart.py"

echo "== config/default vs the chart's defaults"
kubectl kustomize "$HVO_REPO/config/default" >"$HVO_SCRATCH/kustomize-default.yaml"
helm template hyperv-operator "$chart" --namespace hyperv-system --include-crds >"$HVO_SCRATCH/helm-default.yaml"
"$python" "$compare" "$HVO_SCRATCH/kustomize-default.yaml" "$HVO_SCRATCH/helm-default.yaml"

echo "== config/default + config/prometheus vs the chart with monitoring on"
mkdir "$HVO_SCRATCH/overlay"
# kustomize takes relative paths only.
config=$(realpath --relative-to="$HVO_SCRATCH/overlay" "$HVO_REPO/config")
cat >"$HVO_SCRATCH/overlay/kustomization.yaml" <<OVERLAY
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: hyperv-system
resources:
  - $config/default
  - $config/prometheus
OVERLAY
kubectl kustomize "$HVO_SCRATCH/overlay" >"$HVO_SCRATCH/kustomize-monitoring.yaml"
helm template hyperv-operator "$chart" --namespace hyperv-system --include-crds \
  --set serviceMonitor.enabled=true --set prometheusRule.enabled=true \
  --set grafanaDashboard.enabled=true >"$HVO_SCRATCH/helm-monitoring.yaml"
"$python" "$compare" "$HVO_SCRATCH/kustomize-monitoring.yaml" "$HVO_SCRATCH/helm-monitoring.yaml"
