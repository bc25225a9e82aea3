#!/usr/bin/env bash
# Builds the example VM folder with kustomize (as Argo CD and Flux do) and checks the GitOps
# examples against it and against the CRDs.
source "$(dirname "$0")/../lib/common.sh"
require_tool kubectl
python=$(python_with_yaml)
make_scratch_dir
kubectl kustomize "$HVO_REPO/examples/gitops/vms/team-a" >"$HVO_SCRATCH/vms.yaml"
"$python" "$HVO_PACKAGING_TESTS/gitops/check_examples.py" "$HVO_SCRATCH/vms.yaml"
