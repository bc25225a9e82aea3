#!/usr/bin/env bash
# check_metric_names.py accepts what is right and rejects what is wrong, in both of its modes:
# against docs/metrics.md, and against a scrape of /metrics (the live e2e check feeds it a real
# scrape of the operator).
source "$(dirname "$0")/../lib/common.sh"
python=$(python_with_yaml)
checker="$HVO_PACKAGING_TESTS/prometheus/check_metric_names.py"
fixtures="$HVO_PACKAGING_TESTS/prometheus/fixtures"
failures=0

expect() {
  local outcome=$1 why=$2
  shift 2
  if "$python" "$checker" "$@" >/dev/null 2>&1; then
    [[ "$outcome" == pass ]] || { echo "FAIL: accepted $why" >&2; failures=$((failures + 1)); return; }
  else
    [[ "$outcome" == fail ]] || { echo "FAIL: rejected $why" >&2; failures=$((failures + 1)); return; }
  fi
  echo "ok: $outcome on $why"
}

expect fail "a metric missing from docs/metrics.md" --rules "$fixtures/unknown_metric_rules.yaml"
expect pass "documented metrics" --rules "$fixtures/workqueue_rules.yaml"
expect fail "a histogram the scrape does not have yet" \
  --rules "$fixtures/workqueue_rules.yaml" --scrape "$fixtures/scrape_runtime_only.prom"
expect pass "a scrape that has every series" \
  --rules "$fixtures/workqueue_rules.yaml" --scrape "$fixtures/scrape_with_histogram.prom"

((failures == 0)) || fail "$failures checker cases went wrong"
