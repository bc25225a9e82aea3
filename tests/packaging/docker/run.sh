#!/usr/bin/env bash
# Reads the Dockerfile and .dockerignore (no Docker engine needed) and, given built binaries,
# checks the libraries they link against the runtime packages.  usage: run.sh [BINARY...]
source "$(dirname "$0")/../lib/common.sh"
python=$(python_with_yaml)
args=()
for binary in "$@"; do
  [[ -x "$binary" ]] || fail "$binary is not a built executable"
  args+=(--binary "$binary")
done
"$python" "$HVO_PACKAGING_TESTS/docker/check_dockerfile.py" "${args[@]}"
