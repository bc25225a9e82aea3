#!/usr/bin/env bash
# The Argo CD health checks, as shipped in examples/gitops/argocd/argocd-cm-health.yaml, give the
# expected health for every sample object in cases/, under lua5.1.
source "$(dirname "$0")/../lib/common.sh"
require_tool lua5.1
python=$(python_with_yaml)
make_scratch_dir
"$python" "$HVO_PACKAGING_TESTS/argocd/export_cases.py" "$HVO_SCRATCH/cases.lua"
lua5.1 "$HVO_PACKAGING_TESTS/argocd/run_health_tests.lua" "$HVO_SCRATCH/cases.lua"
