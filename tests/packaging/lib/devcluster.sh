# Live packaging tests: a devcluster (tools/devcluster: etcd, the API server emulator, optionally
# simulated hosts and the operator) in the test's scratch directory, stopped when the test exits.
# HVO_BUILD_DIR names the build tree holding apiserver-lite, hyperv-operator and hyperv-agent
# (CMake passes it; the tests are registered only when those targets exist).
# shellcheck shell=bash

# start_devcluster [devcluster up flags...]: sets HVO_DEVCLUSTER (its directory), exports
# KUBECONFIG (the admin) and sources ports.env (APISERVER_PORT, OPERATOR_METRICS_PORT, ...).
start_devcluster() {
  [[ -n "${HVO_BUILD_DIR:-}" ]] || fail "HVO_BUILD_DIR is not set (the build tree with the binaries)"
  require_tool etcd
  require_tool kubectl
  require_tool openssl
  export HVO_BUILD_DIR
  HVO_DEVCLUSTER="$HVO_SCRATCH/devcluster"
  trap stop_devcluster EXIT
  if ! "$HVO_REPO/tools/devcluster" up --dir "$HVO_DEVCLUSTER" "$@" >"$HVO_SCRATCH/devcluster-up.log" 2>&1; then
    cat "$HVO_SCRATCH/devcluster-up.log" >&2
    fail "tools/devcluster up $* failed"
  fi
  export KUBECONFIG="$HVO_DEVCLUSTER/kubeconfig"
  # shellcheck source=/dev/null
  source "$HVO_DEVCLUSTER/ports.env"
}

# The EXIT trap: on failure show the end of each component's log, then stop everything by pid.
stop_devcluster() {
  local status=$?
  if [[ -n "${HVO_DEVCLUSTER:-}" && -d "$HVO_DEVCLUSTER" ]]; then
    if ((status != 0)); then
      local log
      for log in "$HVO_DEVCLUSTER"/*.log; do
        [[ -e "$log" && "$(basename "$log")" != audit.log ]] || continue
        echo "== last lines of $(basename "$log")" >&2
        tail -n 15 "$log" >&2
      done
    fi
    "$HVO_REPO/tools/devcluster" down --dir "$HVO_DEVCLUSTER" >/dev/null 2>&1 || true
  fi
  rm -rf "$HVO_SCRATCH"
  exit "$status"
}

# Polls a command until it succeeds; bounded (about `attempts` half seconds), never a timing check.
poll_until() {
  local attempts=$1 what=$2
  shift 2
  local attempt
  for ((attempt = 0; attempt < attempts; attempt++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  fail "gave up waiting for $what"
}

# set_sim_faults HOST INDEX JSON: replaces the failure injection of simulated host HOST (hv-0N,
# INDEX N) through its test endpoint, e.g. '{"hostDown": true}'.
set_sim_faults() {
  local host=$1 faults=$3 agent="$HVO_DEVCLUSTER/agents/$1" port_var="AGENT_PORT_$2"
  curl -fsS --cacert "$agent/ca.crt" --cert "$agent/client.crt" --key "$agent/client.key" \
    -H "Authorization: Bearer $(cat "$agent/token")" -X PUT -d "$faults" \
    "https://127.0.0.1:${!port_var}/v1/sim/faults" >/dev/null || fail "setting faults on $host failed"
}

# The operator's metrics as served now.
scrape_operator() {
  curl -fsS "http://127.0.0.1:$OPERATOR_METRICS_PORT/metrics"
}

operator_exports() {
  scrape_operator | grep -q "^$1[{ ]"
}

require_operator_running() {
  if [[ ! -f "$HVO_DEVCLUSTER/operator.pid" ]] || ! kill -0 "$(cat "$HVO_DEVCLUSTER/operator.pid")" 2>/dev/null; then
    fail "the devcluster operator is not running (see operator.log)"
  fi
}
