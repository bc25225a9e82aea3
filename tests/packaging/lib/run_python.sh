#!/usr/bin/env bash
# Runs a packaging check written in Python with a python3 that has the yaml module.
# usage: run_python.sh SCRIPT [args...]
source "$(dirname "$0")/common.sh"
python=$(python_with_yaml)
exec "$python" "$@"
