#!/usr/bin/env bash
# promtool unit tests: each alert fires on the series it is meant for and not on its neighbours.
source "$(dirname "$0")/../lib/common.sh"
require_tool promtool
promtool test rules "$HVO_PACKAGING_TESTS/prometheus/alerts_test.yaml"
