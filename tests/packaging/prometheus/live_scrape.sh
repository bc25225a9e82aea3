#!/usr/bin/env bash
# A real Prometheus (Debian's prometheus) loads the chart's alert rules, scrapes a metrics
# endpoint as job "hyperv-operator" and evaluates every rule without error.
#   live_scrape.sh                 scrapes a saved /metrics response served on 127.0.0.1
#   live_scrape.sh HOST:PORT [AGENT_SCRAPE...]
#                                  scrapes a running operator (the e2e demo), then also checks
#                                  every metric the alerts and dashboard use against its scrape
#                                  and the saved agent scrapes (the per-VM usage panels)
source "$(dirname "$0")/../lib/common.sh"
require_tool prometheus
require_tool curl
python=$(python_with_yaml)
make_scratch_dir
pids=()
stop_processes() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$HVO_SCRATCH"
}
trap stop_processes EXIT

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Polls a command until it exits 0 (done) or 1 (failed); 3 means not yet. Bounded, never timed.
poll() {
  local attempt status
  for ((attempt = 0; attempt < 120; attempt++)); do
    status=0
    "$@" || status=$?
    ((status == 3)) || return "$status"
    sleep 0.5
  done
  fail "gave up waiting for: $*"
}

port_file_written() { [[ -s "$1" ]] && return 0; return 3; }

target=${1:-}
if [[ -z "$target" ]]; then
  "$python" "$HVO_PACKAGING_TESTS/prometheus/serve_metrics.py" \
    "$HVO_PACKAGING_TESTS/prometheus/fixtures/scrape_with_histogram.prom" "$HVO_SCRATCH/metrics.port" &
  pids+=($!)
  poll port_file_written "$HVO_SCRATCH/metrics.port" || fail "the metrics fixture server did not start"
  target="127.0.0.1:$(cat "$HVO_SCRATCH/metrics.port")"
fi

cat >"$HVO_SCRATCH/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $HVO_REPO/charts/hyperv-operator/files/prometheus/alerts.yaml
scrape_configs:
  - job_name: hyperv-operator
    static_configs:
      - targets: ["$target"]
CONFIG

port=$(free_port)
prometheus --config.file="$HVO_SCRATCH/prometheus.yml" --storage.tsdb.path="$HVO_SCRATCH/tsdb" \
  --web.listen-address="127.0.0.1:$port" >"$HVO_SCRATCH/prometheus.log" 2>&1 &
pids+=($!)
if ! poll "$python" "$HVO_PACKAGING_TESTS/prometheus/check_prometheus_state.py" "http://127.0.0.1:$port"; then
  tail -n 20 "$HVO_SCRATCH/prometheus.log" >&2
  fail "Prometheus did not scrape $target and evaluate the rules cleanly"
fi

if [[ -n "${1:-}" ]]; then
  curl -fsS "http://$target/metrics" >"$HVO_SCRATCH/scrape.txt"
  scrapes=(--scrape "$HVO_SCRATCH/scrape.txt")
  for agent_scrape in "${@:2}"; do scrapes+=(--scrape "$agent_scrape"); done
  "$python" "$HVO_PACKAGING_TESTS/prometheus/check_metric_names.py" "${scrapes[@]}"
fi
