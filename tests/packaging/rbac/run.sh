#!/usr/bin/env bash
# check_calls_against_role.py compares the chart's RBAC with the operator's API calls from an
# audit log. Here it runs on a recorded log, proving it accepts a log that uses exactly the
# grants and rejects a forbidden call and an unused grant; the e2e run feeds it the log of a
# real operator against the API server emulator (usage: run.sh AUDIT_LOG.jsonl).
source "$(dirname "$0")/../lib/common.sh"
require_tool helm
python=$(python_with_yaml)
make_scratch_dir
checker="$HVO_PACKAGING_TESTS/rbac/check_calls_against_role.py"
helm template hyperv-operator "$HVO_REPO/charts/hyperv-operator" --namespace hyperv-system >"$HVO_SCRATCH/render.yaml"
run_checker() {
  "$python" "$checker" --render "$HVO_SCRATCH/render.yaml" --audit-log "$1" \
    --service-account hyperv-system:hyperv-operator
}

if (($# > 0)); then
  run_checker "$1"
  exit
fi

log="$HVO_PACKAGING_TESTS/rbac/fixtures/audit_operator_uses_every_grant.jsonl"
run_checker "$log" || fail "a log using exactly the granted calls was rejected"

# A call the role does not allow: deleting a VirtualMachine (users own them).
cp "$log" "$HVO_SCRATCH/forbidden.jsonl"
echo '{"kind":"Event","apiVersion":"audit.k8s.io/v1","stage":"ResponseComplete","verb":"delete","user":{"username":"system:serviceaccount:hyperv-system:hyperv-operator"},"objectRef":{"resource":"virtualmachines","apiGroup":"hyperv.operator.io","namespace":"team-a","name":"web-1"}}' >>"$HVO_SCRATCH/forbidden.jsonl"
if run_checker "$HVO_SCRATCH/forbidden.jsonl" >"$HVO_SCRATCH/out.txt"; then
  fail "a forbidden call (delete virtualmachines) was accepted"
fi
grep -q "delete virtualmachines" "$HVO_SCRATCH/out.txt" || fail "the forbidden call was not named"

# A grant never used: the operator never read a Secret.
grep -v '"verb": "get".*"objectRef": {"resource": "secrets"' "$log" >"$HVO_SCRATCH/unused.jsonl"
if run_checker "$HVO_SCRATCH/unused.jsonl" >"$HVO_SCRATCH/out.txt"; then
  fail "an unused grant (get secrets) was accepted"
fi
grep -q "granted but never used: get secrets" "$HVO_SCRATCH/out.txt" || fail "the unused grant was not named"

# The same unused grant, justified in the chart by `# unused-in-e2e: <why>` above its rule.
awk '/^  - apiGroups: \[""\]$/ { rule = $0; next }
     rule != "" { if ($0 ~ /resources: \["secrets"\]/) print "  # unused-in-e2e: read only on an upgrade path"
                  print rule; rule = "" }
     { print }' "$HVO_SCRATCH/render.yaml" >"$HVO_SCRATCH/justified.yaml"
grep -q "unused-in-e2e" "$HVO_SCRATCH/justified.yaml" || fail "could not mark the Secrets rule in the render"
"$python" "$checker" --render "$HVO_SCRATCH/justified.yaml" --audit-log "$HVO_SCRATCH/unused.jsonl" \
  --service-account hyperv-system:hyperv-operator >"$HVO_SCRATCH/out.txt" ||
  { cat "$HVO_SCRATCH/out.txt"; fail "an unused grant justified by unused-in-e2e was rejected"; }
grep -q "unused, justified: get secrets .*: read only on an upgrade path" "$HVO_SCRATCH/out.txt" ||
  fail "the justified unused grant was not listed with its reason"
echo "the RBAC checker accepts exact use, names forbidden calls and unused grants, and accepts justified unused ones"
