#!/usr/bin/env bash
# `kubectl kustomize config/samples` builds, and every sample is valid against its CRD.
source "$(dirname "$0")/../lib/common.sh"
require_tool kubectl
python=$(python_with_yaml)
make_scratch_dir
kubectl kustomize "$HVO_REPO/config/samples" >"$HVO_SCRATCH/samples.yaml"
"$python" "$HVO_PACKAGING_TESTS/kustomize/check_samples.py" "$HVO_SCRATCH/samples.yaml"
