#!/usr/bin/env bash
# Windows build check for hyperv-agent, run on Linux: every source file of the agent and of the
# common libraries it links, Windows implementation files included (*_windows.cpp) and POSIX
# ones left out, compiled with mingw-w64 (GCC, C++17) to -fsyntax-only against the header-only
# libraries. It proves the Windows code paths compile; it does not link (there are no Windows
# builds of the libraries here), run anything, or stand in for MSVC. docs/windows-agent.md says
# what only a Windows host can prove.
#
#   scripts/windows-compile-check.sh            # exit 0 ok, 1 failures, 77 skipped (no mingw)
#   HVO_MINGW_CXX=... JOBS=4 scripts/windows-compile-check.sh
#   HVO_WCC_ONLY=private_path scripts/windows-compile-check.sh   # only the files matching
#
# Without the compiler the check is skipped (exit 77, ctest reports it as skipped) unless
# CI=true, where it fails. Every .cpp under the covered folders must appear in exactly one of
# the lists below (compiled, or excluded with the reason), so a new file is never silently
# left out.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cxx=${HVO_MINGW_CXX:-x86_64-w64-mingw32-g++-posix}
jobs=${JOBS:-2}

# Folders whose every .cpp must be listed below.
covered=(hostagent common/logging common/metrics common/net common/process)

# Compiled, one list per CMake library so each gets that library's Windows definitions.
agent=(  # hvo_agent + hyperv-agent (hostagent/CMakeLists.txt: NOMINMAX on Windows)
  hostagent/app/agent_app.cpp
  hostagent/app/driver_factory.cpp
  hostagent/app/service_host_windows.cpp
  hostagent/certs/certificate_maker.cpp
  hostagent/certs/certs_command.cpp
  hostagent/config/agent_config.cpp
  hostagent/driver/convergence.cpp
  hostagent/hyperv/hyperv_driver.cpp
  hostagent/hyperv/powershell_worker.cpp
  hostagent/hyperv/ps_json.cpp
  hostagent/hyperv/runner_pool.cpp
  hostagent/hyperv/script_runner.cpp
  hostagent/hyperv/vm_row.cpp
  hostagent/hyperv/usage_row.cpp
  hostagent/iso/cloud_init_seed.cpp
  hostagent/iso/iso9660_writer.cpp
  hostagent/main.cpp
  hostagent/server/agent_api.cpp
  hostagent/server/agent_metrics.cpp
  hostagent/server/bearer_token.cpp
  hostagent/server/lease_epoch_store.cpp
  hostagent/server/metered_driver.cpp
  hostagent/server/vm_usage_metrics.cpp
  hostagent/server/operation_runner.cpp
  hostagent/server/route.cpp
  hostagent/server/seed_store.cpp
  hostagent/server/vm_service.cpp
  hostagent/sim/sim_driver.cpp
  hostagent/sim/sim_fabric.cpp
  hostagent/sim/sim_usage.cpp
  hostagent/sim/sim_faults_json.cpp
  hostagent/sim/sim_state_file.cpp
  hostagent/sim/sim_vm.cpp
  hostagent/util/atomic_file.cpp
  hostagent/util/private_path_windows.cpp
)
protocol=(  # hvo_agent_protocol
  hostagent/protocol/error_body.cpp
  hostagent/protocol/host_info.cpp
  hostagent/protocol/inventory_digest.cpp
  hostagent/protocol/json_fields.cpp
  hostagent/protocol/operation.cpp
  hostagent/protocol/migrate.cpp
  hostagent/protocol/spec_hash.cpp
  hostagent/protocol/vm_spec.cpp
  hostagent/protocol/vm_spec_validation.cpp
  hostagent/protocol/vm_status.cpp
)
process=(  # hvo_process (NOMINMAX on Windows)
  common/process/environment.cpp
  common/process/executable_path.cpp
  common/process/exit_status.cpp
  common/process/process.cpp
  common/process/process_windows.cpp
  common/process/service_runner_windows.cpp
  common/process/windows_command_line.cpp
  common/process/windows_io.cpp
  common/process/windows_launch.cpp
)
metrics=(  # hvo_metrics (NOMINMAX on Windows)
  common/metrics/histogram.cpp
  common/metrics/names.cpp
  common/metrics/proc_stat_parser.cpp
  common/metrics/process_metrics.cpp
  common/metrics/process_stats_windows.cpp
  common/metrics/registry.cpp
  common/metrics/text_format.cpp
)
logging=(  # hvo_logging
  common/logging/formatters.cpp
  common/logging/logging.cpp
  common/logging/message_fields.cpp
  common/logging/redact.cpp
)
net=(  # hvo_net: the HTTPS server (Boost.Beast) and the types and helpers it uses
  common/net/chunked_stream.cpp
  common/net/elastic_thread_pool.cpp
  common/net/free_port.cpp
  common/net/http_server.cpp
  common/net/server_connection.cpp
  common/net/server_tls.cpp
  common/net/tls_files.cpp
  common/net/url_codec.cpp
)

# Left out, each with its reason ("file|reason").
excluded=(
  "hostagent/app/service_host_posix.cpp|POSIX implementation"
  "hostagent/util/private_path_posix.cpp|POSIX implementation"
  "common/process/posix_io.cpp|POSIX implementation"
  "common/process/posix_launch.cpp|POSIX implementation"
  "common/process/process_posix.cpp|POSIX implementation"
  "common/process/service_runner_posix.cpp|POSIX implementation"
  "common/metrics/process_stats_linux.cpp|Linux implementation (/proc)"
  # The operator's HTTP client (hvo_http_client, cpprest): not part of the agent.
  "common/net/http_client.cpp|client side (operator and emulator), cpprest"
  "common/net/client_tls.cpp|client side, cpprest's TLS context"
  "common/net/replay_policy.cpp|client side"
  "common/net/line_splitter.cpp|client side (watch streams)"
)

if ! command -v "$cxx" >/dev/null 2>&1; then
  message="windows-compile-check: $cxx not found; install Debian's g++-mingw-w64-x86-64-posix (scripts/install-deps.sh does)"
  if [[ "${CI:-}" == "true" ]]; then
    echo "$message; CI=true: failing" >&2
    exit 1
  fi
  echo "SKIPPED: $message" >&2
  exit 77
fi

cd "$repo"

# --- every covered file listed exactly once ------------------------------------------------
declare -A listed=()
problems=()
note() { problems+=("$1"); }
for file in "${agent[@]}" "${protocol[@]}" "${process[@]}" "${metrics[@]}" "${logging[@]}" \
  "${net[@]}"; do
  [[ -z "${listed[$file]:-}" ]] || note "$file is listed twice"
  listed[$file]=compiled
done
for entry in "${excluded[@]}"; do
  file=${entry%%|*}
  [[ -z "${listed[$file]:-}" ]] || note "$file is both compiled and excluded"
  listed[$file]=excluded
done
for file in "${!listed[@]}"; do
  [[ -f "$file" ]] || note "$file is listed but does not exist: remove it from the list"
done
while IFS= read -r file; do
  [[ -n "${listed[$file]:-}" ]] ||
    note "$file is in neither list: add it to its library's list, or to excluded with the reason"
done < <(find "${covered[@]}" -name '*.cpp' | sort)
if ((${#problems[@]})); then
  printf 'windows-compile-check: %s\n' "${problems[@]}" >&2
  exit 1
fi

# --- a private include folder: the header-only libraries, not /usr/include itself -------------
# (Linux system headers there would shadow mingw's own.)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/include" "$work/arch/openssl"
for lib in boost nlohmann yaml-cpp spdlog fmt openssl; do
  [[ -d "/usr/include/$lib" ]] || {
    echo "windows-compile-check: /usr/include/$lib missing (run scripts/install-deps.sh)" >&2
    exit 1
  }
  ln -s "/usr/include/$lib" "$work/include/$lib"
done
# OpenSSL's generated configuration headers live in the multiarch folder.
arch_openssl=$(find /usr/include -maxdepth 2 -path '*-linux-gnu*/openssl' -type d | head -n1)
[[ -n "$arch_openssl" ]] || {
  echo "windows-compile-check: OpenSSL's configuration headers not found" >&2
  exit 1
}
cp "$arch_openssl"/*.h "$work/arch/openssl/"

# POSIX headers that mingw-w64 ships and MSVC does not: a file including one would compile here
# and fail under MSVC, so they are replaced by headers that stop the compile.
msvc_absent=(unistd.h dirent.h poll.h strings.h sys/socket.h sys/wait.h arpa/inet.h netinet/in.h)
for header in "${msvc_absent[@]}"; do
  mkdir -p "$work/msvc-absent/$(dirname "$header")"
  printf '#error "<%s> is a POSIX header that MSVC does not have"\n' "$header" \
    >"$work/msvc-absent/$header"
done

# The flags go into a GCC response file (quoted there: HVO_VERSION is a string literal).
# -isystem: warnings in the libraries' own headers are theirs, not ours.
# -Wno-deprecated-declarations: Boost 1.74's asio/ssl calls OpenSSL 1.x functions.
# -Wno-redundant-move: windows_launch.cpp moves a move-only value into a Result explicitly,
#   which GCC calls redundant and older compilers need.
cat >"$work/flags" <<FLAGS
-std=c++17 -fsyntax-only -Wall -Wextra -Werror -Wno-deprecated-declarations -Wno-redundant-move
-D_WIN32_WINNT=0x0A00 -DSPDLOG_FMT_EXTERNAL '-DHVO_VERSION="0.0.0-check"'
'-I$work/msvc-absent' '-I$repo' -isystem '$work/include' -isystem '$work/arch'
FLAGS
export HVO_WCC_CXX=$cxx HVO_WCC_FLAGS=$work/flags HVO_WCC_LOGS=$work/logs
mkdir -p "$work/logs"

# One compile; its output is kept in a log named after the file and shown on failure. No second
# try: a compiler that crashed or was killed is a failure to look at, not to retry away.
compile_one() {
  local define=$1 file=$2 code=0
  local log="$HVO_WCC_LOGS/${file//\//_}.log"
  "$HVO_WCC_CXX" "@$HVO_WCC_FLAGS" "$define" "$file" >"$log" 2>&1 || code=$?
  if ((code != 0)); then
    echo "FAIL $file (exit $code)"
    echo "windows-compile-check: compiler exited $code" >>"$log"
    return 1
  fi
}
export -f compile_one

# "<library's define> <file>" per line; HVO_WCC_ONLY (a regular expression) narrows the files
# while working on a few of them.
{
  for f in "${agent[@]}" "${process[@]}" "${metrics[@]}"; do echo "-DNOMINMAX $f"; done
  for f in "${protocol[@]}" "${logging[@]}" "${net[@]}"; do echo "-UNOMINMAX $f"; done
} | grep -E -- "${HVO_WCC_ONLY:-.}" >"$work/files" || true
total=$(wc -l <"$work/files")
echo "windows-compile-check: $total files with $("$cxx" -dumpversion) ($cxx), $jobs at a time"

start=$SECONDS
status=0
# Two words per compile (define, file), $jobs at once.
# shellcheck disable=SC2016  # $1 and $2 are expanded by the bash that xargs starts
xargs -P "$jobs" -n 2 bash -c 'compile_one "$1" "$2"' _ <"$work/files" || status=$?

if ((status != 0)); then
  for log in "$work"/logs/*.log; do
    [[ -s "$log" ]] || continue
    echo "--- $(basename "$log" .log)" >&2
    head -n 40 "$log" >&2
  done
  echo "windows-compile-check: FAILED (xargs exit $status, $((SECONDS - start)) s)" >&2
  exit 1
fi
echo "windows-compile-check: $total files compile for Windows ($((SECONDS - start)) s)"
