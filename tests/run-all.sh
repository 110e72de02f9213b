#!/usr/bin/env bash
# The whole test suite from a source tree: install what it needs
# (tests/install-deps.sh), configure, build, run every registered test, then
# print one line "N passed, N failed".
#   tests/run-all.sh              # release build in build/
#   GANPRIOR_SANITIZE=1 tests/run-all.sh   # AddressSanitizer + UBSan in build-asan/
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
/usr/bin/python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "TIMEOUT": 0, "ERROR": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0}
for line in open(sys.argv[1]):
    r = json.loads(line)
    counts[r["result"]] = counts.get(r["result"], 0) + 1
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
print(f'{counts["OK"] + counts["EXPECTEDFAIL"]} passed, {failed} failed, {counts["SKIP"]} skipped')
PY
exit $status
