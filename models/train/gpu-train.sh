#!/bin/sh
# The device command: continues the default model's training on a lent GPU
# for at most MINUTES (default 8.5), then leaves its weights, logs and
# latest samples in $OUT (<= 8 files, each <= 16 MiB).  Prepared on the CPU:
#   /usr/bin/python3 models/train/pack_faces.py gpu-data/faces128.npz --cache RUN/train-faces.npy
#   /usr/bin/python3 models/train/train_gan.py --run RUN ... --save-weights gpu-data/warm \
#       --weights-dtype float16 --kimg 0      # or: snapshot.py RUN gpu-data/warm
#   cp -r ../shared/models/perceptual/darknet-tiny gpu-data/   # the projected D's network
# then run   sh models/train/gpu-train.sh   with carry ["gpu-data"].
# Back here: train_gan.py --run NEWRUN --warm <the fetched weights folder>.
set -eu
minutes=${MINUTES:-8.5}
py=${PYTHON:-python3}
out=${OUT:?set OUT to the folder that comes back}
run=${RUN_DIR:-/tmp/ganprior-gpu-run}
"$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
"$py" models/train/train_gan.py --run "$run" --data gpu-data/faces128.npz \
  --test-data gpu-data/faces128-test.npz --warm gpu-data/warm --darknet gpu-data/darknet-tiny \
  --device "${DEVICE:-auto}" --threads 8 --minutes "$minutes" --batch 256,256,256,128,128,64 \
  --report-seconds 20 --sample-kimg 100 --fid-kimg "${FID_KIMG:-200}" --fid-samples 2000 \
  --checkpoint-minutes 1000 --save-weights "$out/weights" "$@"
cp "$run/log.jsonl" "$out/"
[ -f "$run/fid.jsonl" ] && cp "$run/fid.jsonl" "$out/"
cp "$run/samples/latest.png" "$out/"
