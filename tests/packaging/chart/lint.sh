#!/usr/bin/env bash
# helm lint --strict passes with the chart's defaults and with every optional part switched on.
source "$(dirname "$0")/../lib/common.sh"
require_tool helm
chart="$HVO_REPO/charts/hyperv-operator"
helm lint --strict "$chart"
helm lint --strict "$chart" --namespace hyperv-system -f "$HVO_PACKAGING_TESTS/chart/values-full.yaml"
