#!/usr/bin/env bash
# Writes argocd-cm-health.yaml: the argocd-cm entries holding the Lua health checks of the four
# hyperv.operator.io kinds, each health/common.lua followed by the kind's script. Run it after
# editing health/*.lua; tests/packaging checks the file is up to date.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/argocd-cm-health.yaml"

{
  cat <<'HEADER'
# Argo CD health checks for hyperv-operator's custom resources. Generated from health/*.lua by
# generate-argocd-cm.sh: edit those, not this file.
# Merge into Argo CD's argocd-cm ConfigMap, e.g.
#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd-cm-health.yaml
# or with the Argo CD Helm chart, copy the data entries under configs.cm.
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
HEADER
  for pair in VirtualMachine:virtualmachine HyperVHost:hypervhost Tenant:tenant Quota:quota; do
    kind=${pair%%:*}
    file=${pair##*:}
    echo "  resource.customizations.health.hyperv.operator.io_${kind}: |"
    cat "$here/health/common.lua" "$here/health/$file.lua" | sed -e 's/^/    /' -e 's/^ *$//'
  done
} >"$out"
