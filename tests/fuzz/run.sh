#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, AddressSanitizer and UBSan in
# build-fuzz/ and runs each for GANPRIOR_FUZZ_SECONDS (default 60) from its
# seed corpus (or until GANPRIOR_FUZZ_RUNS inputs, if set: the long runs
# of bench/results/fuzz.md).  Any crash, sanitizer report, leak, timeout (10 s an input)
# or allocation over 2 GB is a finding: its input is kept in
# build-fuzz/findings/ and the target fails.  Ends with "N passed, N failed".
#   tests/fuzz/run.sh [model arch png]
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${GANPRIOR_FUZZ_SECONDS:-60}
runs_arg=()
[ -z "${GANPRIOR_FUZZ_RUNS:-}" ] || runs_arg=(-runs="$GANPRIOR_FUZZ_RUNS")
dir=build-fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model arch png)
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized -Dbridge=disabled -Dgimp_api=none > "${TMPDIR:-/tmp}/ganprior-fuzz-setup.log" 2>&1 ||
    { cat "${TMPDIR:-/tmp}/ganprior-fuzz-setup.log"; echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$dir" $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") tests/fuzz/corpus.stamp ||
  { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$dir/findings"
passed=0 failed=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  cp -r "$dir/tests/fuzz/corpus/$t/." "$work/"
  log="$dir/fuzz-$t.log"
  start=$SECONDS
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    "$dir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 \
    -malloc_limit_mb=2048 -print_final_stats=1 "${runs_arg[@]}" -artifact_prefix="$dir/findings/$t-" "$work" > "$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rm -rf "$work"
  if [ $status -eq 0 ]; then
    echo "fuzz-$t: ${runs:-?} inputs in $((SECONDS - start)) s, no finding"
    passed=$((passed + 1))
  else
    grep -E "ERROR|runtime error|SUMMARY|Test unit written" "$log" | head -8
    echo "fuzz-$t: FINDING (log $log)"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
