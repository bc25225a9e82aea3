#!/usr/bin/env bash
# The chart's crds/, config/crd/bases/ and config/prometheus/ hold exact copies of crds/ and of
# the chart's alert rules and dashboard (charts/sync-copies.sh makes them).
source "$(dirname "$0")/lib/common.sh"
bash "$HVO_REPO/charts/sync-copies.sh" --check
