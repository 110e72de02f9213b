#!/usr/bin/env bash
# Quality benchmark (issue #6): every task x method on the fixed face set;
# writes bench/results/quality.md and a picture grid in /tmp.
#   bench/quality/run.sh [--build DIR] [--model M] [--method NAME[:ARGS]]...
#                        [--limit N] [--settings KEYS] [--out DIR] [--grid PNG]
# Needs Debian's python3 with numpy, PIL, scipy and torch, gmic and gegl
# (see bench/quality/README.md).  --help lists every option.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Two cores are shared with other work: one BLAS/torch pool of two threads.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
exec /usr/bin/python3 bench/quality/run.py "$@"
