#!/usr/bin/env bash
# Runs every fuzz target of a clang fuzzing build for a set time and reports executions and
# crashes per target (`make fuzz`). Each target starts from its seed corpus (fuzz/corpus/<t>/,
# read only) plus the inputs earlier runs found (BUILD/corpus/<t>/, where new ones are written);
# a crash, leak, timeout or sanitizer report leaves its input in BUILD/artifacts/<t>/.
# Usage: fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]   (default: every target)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
targets=("$@")
if ((${#targets[@]} == 0)); then
  for binary in "$build"/fuzz/fuzz_*; do
    [[ -x "$binary" ]] && targets+=("${binary##*/fuzz_}")
  done
fi
((${#targets[@]})) || { echo "fuzz: no fuzz_* binaries in $build/fuzz (make fuzz builds them)" >&2; exit 2; }

report="$build/fuzz-report.txt"
{
  echo "# fuzz run $(date -u +%Y-%m-%dT%H:%M:%SZ), ${seconds} s per target, $(nproc) cores"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-20s %12s %8s %10s %8s\n' target executions exec/s corpus crashes
} >"$report"

total=0
failed=0
for target in "${targets[@]}"; do
  binary="$build/fuzz/fuzz_$target"
  [[ -x "$binary" ]] || { echo "fuzz: $binary is missing" >&2; exit 2; }
  mkdir -p "$build/corpus/$target" "$build/artifacts/$target"
  log="$build/artifacts/$target/last-run.log"
  marker="$build/artifacts/$target/.run-start"
  touch "$marker"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb bounds memory per process.
  "$binary" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/artifacts/$target/" \
    "$build/corpus/$target" "$here/fuzz/corpus/$target" >"$log" 2>&1
  status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  corpus=$(find "$build/corpus/$target" -type f | wc -l)
  crashes=$(find "$build/artifacts/$target" -type f \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) -newer "$marker" 2>/dev/null | wc -l)
  if ((status != 0)) && ((crashes == 0)); then
    crashes=1  # a sanitizer report or an abort without an artifact still counts
  fi
  ((failed += crashes))
  ((total += ${executions:-0}))
  printf '%-20s %12s %8s %10s %8s\n' "$target" "${executions:-0}" "${rate:-0}" "$corpus" \
    "$crashes" >>"$report"
  if ((crashes)); then
    echo "fuzz: $target failed (exit $status); log: $log" >&2
    grep -m 5 -E 'ERROR|runtime error|property failed|Test unit written' "$log" >&2
  fi
done
{
  printf '%-20s %12s\n' total "$total"
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$report"
cat "$report"
((failed == 0))
