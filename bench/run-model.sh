#!/usr/bin/env bash
# The product's real work on the default model's shape (bench_model.c),
# then the same iteration in PyTorch on this CPU, and their ratio.
#   bench/run-model.sh [build-dir] [bench_model options: MODEL --tasks --schedules]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" bench/bench_model >/dev/null
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
export GANPRIOR_PERCEPTUAL=${GANPRIOR_PERCEPTUAL:-models/squeezenet1.1.safetensors}
engine=$("$build/bench/bench_model" "$@" | tee -a /dev/stderr |
         sed -n 's/^engine iteration without the perceptual term: \([0-9.]*\) s.*/\1/p')
# PyTorch at its best: glibc keeps freed blocks, or each iteration
# page-faults its activations in again (bench/results/speed.md).
torch=$(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 \
        /usr/bin/python3 bench/torch_iteration.py --shape default --iterations 6 \
          --threads "$OPENBLAS_NUM_THREADS" | tee -a /dev/stderr |
        sed -n 's/^pytorch.*: \([0-9.]*\) s per iteration.*/\1/p')
/usr/bin/python3 -c "import sys; e, t = map(float, sys.argv[1:]); print(f'iteration without the perceptual term: engine {e:.3f} s, pytorch {t:.3f} s, pytorch/engine = {t / e:.2f}x')" "$engine" "$torch"
