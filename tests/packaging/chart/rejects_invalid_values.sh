#!/usr/bin/env bash
# Values that would install something broken are refused at render time with a message that
# names the problem (values.schema.json and the chart's own checks).
source "$(dirname "$0")/../lib/common.sh"
require_tool helm
chart="$HVO_REPO/charts/hyperv-operator"
failures=0

expect_refusal() {
  local why=$1 expected_message=$2
  shift 2
  local output
  if output=$(helm template hyperv-operator "$chart" --namespace hyperv-system "$@" 2>&1); then
    echo "FAIL: accepted values that should be refused ($why): $*" >&2
    failures=$((failures + 1))
  elif ! grep -qF -- "$expected_message" <<<"$output"; then
    echo "FAIL: refused ($why) without naming the problem; expected '$expected_message' in:" >&2
    echo "$output" >&2
    failures=$((failures + 1))
  else
    echo "ok: refused $why"
  fi
}

expect_refusal "unknown log format" "logFormat" --set operator.logFormat=xml
expect_refusal "misspelled top-level value" "replicas" --set replicas=2
expect_refusal "zero VM workers" "vmWorkers" --set operator.vmWorkers=0
expect_refusal "zero API requests per second" "kubeApiQps" --set operator.kubeApiQps=0
expect_refusal "duration without a unit" "hostPollInterval" --set operator.hostPollInterval=30
expect_refusal "port out of range" "healthPort" --set healthPort=70000
expect_refusal "two replicas without leader election" "needs leaderElection.enabled=true" \
  --set replicaCount=2 --set leaderElection.enabled=false
expect_refusal "existing ServiceAccount without a name" "serviceAccount.name is required" \
  --set serviceAccount.create=false

((failures == 0)) || fail "$failures invalid value sets were not refused as expected"
