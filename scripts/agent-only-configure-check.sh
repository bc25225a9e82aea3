#!/usr/bin/env bash
# Proves that the agent-only build (HVO_AGENT_ONLY=ON, what a Windows host builds) configures
# without cpprestsdk and GoogleTest, and that nothing the agent links names cpprest. Configure
# only: the agent's sources are compiled by the test build and, for Windows, by
# scripts/windows-compile-check.sh.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake -S "$repo" -B "$work" -DHVO_AGENT_ONLY=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_cpprestsdk=ON -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON >"$work.log" 2>&1 || {
  cat "$work.log" >&2
  rm -f "$work.log"
  echo "agent-only-configure-check: configuring without cpprestsdk and GoogleTest failed" >&2
  exit 1
}
rm -f "$work.log"
if grep -rIl cpprest "$work/hostagent" "$work/common" >/dev/null 2>&1; then
  echo "agent-only-configure-check: the agent's build files name cpprest:" >&2
  grep -rIl cpprest "$work/hostagent" "$work/common" >&2
  exit 1
fi
if [[ -d "$work/operator" || -d "$work/tests" ]]; then
  echo "agent-only-configure-check: the agent-only build configured more than the agent" >&2
  exit 1
fi
echo "agent-only-configure-check: the agent configures alone, without cpprestsdk or GoogleTest"
