#!/usr/bin/env bash
# The alert rules file the chart ships is valid for Prometheus (syntax, PromQL, templates).
source "$(dirname "$0")/../lib/common.sh"
require_tool promtool
promtool check rules "$HVO_REPO/charts/hyperv-operator/files/prometheus/alerts.yaml"
