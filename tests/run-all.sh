#!/usr/bin/env bash
# The whole test suite from a source tree: install what it needs
# (tests/install-deps.sh), configure, build, run every registered test, then
# print one line "N passed, N failed".
#   tests/run-all.sh              # release build in build/
#   GANPRIOR_SANITIZE=1 tests/run-all.sh   # AddressSanitizer + UBSan in build-asan/
#   GANPRIOR_FUZZ_SECONDS=N tests/run-all.sh  # each fuzz target N s (default 60, 0: none)
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${GANPRIOR_NO_INSTALL:-0}" != 1 ]; then
  tests/install-deps.sh || { echo "installing the test dependencies failed"; echo "0 passed, 1 failed"; exit 1; }
fi

dir=build
opts=()
if [ "${GANPRIOR_SANITIZE:-0}" = 1 ]; then
  dir=build-asan
  opts=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
fi
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "${opts[@]}" || { echo "0 passed, 1 failed"; exit 1; }
fi
if ! ninja -C "$dir"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
meson test -C "$dir" --print-errorlogs --num-processes 1 "$@"
status=$?
# The fuzz targets, each for GANPRIOR_FUZZ_SECONDS (0: not run); they build
# with clang and the sanitizers of their own, so once per suite run.
fuzz_log="$dir/fuzz-summary.log"
: > "$fuzz_log"
if [ "${GANPRIOR_FUZZ_SECONDS:-60}" != 0 ] && [ "${GANPRIOR_SANITIZE:-0}" != 1 ] && [ $# -eq 0 ]; then
  tests/fuzz/run.sh | tee "$fuzz_log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
/usr/bin/python3 - "$dir/meson-logs/testlog.json" "$fuzz_log" <<'PY'
import json, re, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "TIMEOUT": 0, "ERROR": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0}
for line in open(sys.argv[1]):
    r = json.loads(line)
    counts[r["result"]] = counts.get(r["result"], 0) + 1
passed = counts["OK"] + counts["EXPECTEDFAIL"]
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
fuzz = [re.fullmatch(r"(\d+) passed, (\d+) failed", l.strip()) for l in open(sys.argv[2])]
for m in filter(None, fuzz[-1:]):
    passed, failed = passed + int(m[1]), failed + int(m[2])
print(f'{passed} passed, {failed} failed, {counts["SKIP"]} skipped')
PY
exit $status
