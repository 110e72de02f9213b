#!/bin/bash
# Big pictures through `ganprior … --full` (what the GIMP plug-in's bridge
# does on a whole layer): wall time and peak RSS of each, printed as a table.
#   bench/big_pictures.sh [BUILD] [MODEL]
# BUILD defaults to build/, MODEL to the 32 px CelebA DCGAN the tests convert
# (BUILD/tests/celeba32-dcgan.safetensors).  The 6000×4000 photo is a face
# from ../shared's evaluation set enlarged with sensor-like noise added, so
# that its PNG costs what a real photo's does to decode; nothing is kept.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
model=${2:-$build/tests/celeba32-dcgan.safetensors}
shared=${GANPRIOR_SHARED:-$src/../shared}
cli=$build/cli/ganprior
[ -x "$cli" ] || { echo "no $cli: build first"; exit 1; }
[ -f "$model" ] || { echo "no model $model"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

/usr/bin/python3 - "$shared/data/eval/celebahq-dev" "$T" <<'PY'
import os, sys
import numpy as np
from PIL import Image
src, out = sys.argv[1:]
face = Image.open(os.path.join(src, sorted(os.listdir(src))[0])).convert("RGB")
big = np.asarray(face.resize((6000, 4000), Image.BICUBIC), dtype=np.float32)
big += np.random.default_rng(1).normal(0, 3, big.shape).astype(np.float32)
big = Image.fromarray(np.clip(big, 0, 255).astype(np.uint8))
big.save(f"{out}/photo.png")
big.convert("L").save(f"{out}/gray.png")
mask = np.zeros((4000, 6000), np.uint8)
mask[1900:2100, 2900:3100] = 255
Image.fromarray(mask).save(f"{out}/mask.png")
Image.new("L", (14000, 14000), 128).save(f"{out}/huge.png")
big.resize((1500, 1000), Image.BICUBIC).save(f"{out}/small.png")
PY

printf '| picture | command | wall | peak RSS | result |\n|---|---|---|---|---|\n'
run() { # LABEL COMMAND...
  local label=$1; shift
  local rc=0
  /usr/bin/time -f "%e %M" -o "$T/time" "$cli" "$@" > "$T/out" 2> "$T/err" || rc=$?
  read -r wall rss < <(tail -1 "$T/time")
  local result
  if [ $rc -eq 0 ]; then result="written"; else result="refused: $(head -c 120 "$T/err" | tr '\n' ' ')"; fi
  printf '| %s | `%s` | %.1f s | %d MB | %s |\n' "$label" "$1 $2" "$wall" $((rss / 1024)) "$result"
}
run "6000×4000, 200×200 hole" inpaint --full -m "$model" -i "$T/photo.png" --mask "$T/mask.png" -o "$T/o1.png"
run "6000×4000, 200×200 hole → JPEG" inpaint --full -m "$model" -i "$T/photo.png" --mask "$T/mask.png" -o "$T/o1.jpg"
run "6000×4000 gray" colorize --full -m "$model" -i "$T/gray.png" -o "$T/o2.png"
run "1500×1000 → 6000×4000" superres --full --factor 4 -m "$model" -i "$T/small.png" -o "$T/o3.png"
run "14000×14000" reconstruct --full -m "$model" -i "$T/huge.png" -o "$T/o4.png"
