"""The face images: JPEG members of tar shards decoded once into one uint8
array [N, 3, S, S], cached as .npy beside the run so a restart is fast."""
import io
import os
import tarfile

import numpy as np
from PIL import Image

TRAIN_SHARDS = [f"shard-{i:03d}.tar" for i in range(5)]
TEST_SHARD = "test-000.tar"


def decode_tar(path):
    """All images of one tar, in member order, as uint8 [n, 3, S, S]."""
    out = []
    with tarfile.open(path) as tar:
        for m in tar:
            if m.isfile() and m.name.lower().endswith((".jpg", ".jpeg", ".png")):
                img = Image.open(io.BytesIO(tar.extractfile(m).read())).convert("RGB")
                out.append(np.asarray(img).transpose(2, 0, 1))
    return np.stack(out)


def load(folder, shards, cache=None):
    """Decodes the named shards of `folder` (or reads `cache` if present).
    The held-out shard is refused here so no run can train on it by mistake."""
    if any(os.path.basename(s) == TEST_SHARD for s in shards):
        raise ValueError(f"{TEST_SHARD} is held out for evaluation: never train on it")
    if cache and os.path.exists(cache):
        return np.load(cache, mmap_mode=None)
    data = np.concatenate([decode_tar(os.path.join(folder, s)) for s in shards])
    if cache:
        tmp = cache + ".tmp.npy"
        np.save(tmp, data)
        os.replace(tmp, cache)
    return data


def load_test(folder):
    """The 1,000 held-out faces (evaluation only)."""
    return decode_tar(os.path.join(folder, TEST_SHARD))
