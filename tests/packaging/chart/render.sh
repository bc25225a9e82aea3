#!/usr/bin/env bash
# Renders the chart with helm template (defaults, or the values file given) and checks the result
# with check_render.py.  usage: render.sh [VALUES.yaml]
source "$(dirname "$0")/../lib/common.sh"
require_tool helm
python=$(python_with_yaml)
make_scratch_dir
values=${1:--}
args=(template hyperv-operator "$HVO_REPO/charts/hyperv-operator" --namespace hyperv-system)
[[ "$values" == "-" ]] || args+=(-f "$values")
helm "${args[@]}" >"$HVO_SCRATCH/render.yaml"
"$python" "$HVO_PACKAGING_TESTS/chart/check_render.py" "$HVO_SCRATCH/render.yaml" "$values"
