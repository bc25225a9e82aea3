#!/usr/bin/env bash
# argocd-cm-health.yaml is what generate-argocd-cm.sh makes from health/*.lua: nobody edited the
# generated file by hand, nobody forgot to regenerate it.
source "$(dirname "$0")/../lib/common.sh"
make_scratch_dir
argocd="$HVO_REPO/examples/gitops/argocd"
cp -r "$argocd" "$HVO_SCRATCH/argocd"
bash "$HVO_SCRATCH/argocd/generate-argocd-cm.sh"
diff -u "$argocd/argocd-cm-health.yaml" "$HVO_SCRATCH/argocd/argocd-cm-health.yaml" ||
  fail "examples/gitops/argocd/argocd-cm-health.yaml is stale: run examples/gitops/argocd/generate-argocd-cm.sh"
echo "argocd-cm-health.yaml matches health/*.lua"
