#!/usr/bin/env bash
# Runs the engine benchmark and the PyTorch reference iteration one after
# the other on this machine and prints the figures and their ratio.
#   bench/run.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" bench/bench_engine >/dev/null
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
engine=$("$build/bench/bench_engine" 6 | tee -a /dev/stderr | sed -n 's/^engine:.*: \([0-9.]*\) s per iteration.*/\1/p')
# PyTorch at its best: glibc keeps freed blocks (bench/results/speed.md).
torch=$(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 /usr/bin/python3 bench/torch_iteration.py --iterations 4 --threads "$OPENBLAS_NUM_THREADS" | tee -a /dev/stderr |
        sed -n 's/^pytorch.*: \([0-9.]*\) s per iteration.*/\1/p')
/usr/bin/python3 -c "import sys; e, t = map(float, sys.argv[1:]); print(f'iteration: engine {e:.3f} s, pytorch {t:.3f} s, pytorch/engine = {t / e:.2f}x')" "$engine" "$torch"
