# Shared by the packaging test scripts: locate the repository, put the pinned tools first on
# PATH, and fail (never skip) when a tool the test needs is missing.
# shellcheck shell=bash
set -euo pipefail

HVO_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
export HVO_REPO
# helm 3.17 and kubectl 1.32 from scripts/install-deps.sh, ahead of any system copy.
export PATH="$HVO_REPO/.tools/bin:$PATH"
HVO_PACKAGING_TESTS="$HVO_REPO/tests/packaging"
export HVO_PACKAGING_TESTS
export PYTHONPATH="$HVO_PACKAGING_TESTS/lib${PYTHONPATH:+:$PYTHONPATH}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

require_tool() {
  local tool=$1
  command -v "$tool" >/dev/null 2>&1 ||
    fail "$tool is not installed; run scripts/install-deps.sh (make deps)"
}

# A python3 that can import yaml: the one on PATH, else Debian's (python3-yaml).
python_with_yaml() {
  local candidate
  for candidate in "$(command -v python3 || true)" /usr/bin/python3; do
    if [[ -n "$candidate" && -x "$candidate" ]] && "$candidate" -c 'import yaml' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  fail "no python3 with the yaml module; run scripts/install-deps.sh (Debian python3-yaml)"
}

# A scratch directory removed when the test exits, whatever the outcome.
make_scratch_dir() {
  HVO_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/hvo-packaging.XXXXXX")
  trap 'rm -rf "$HVO_SCRATCH"' EXIT
}
