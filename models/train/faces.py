"""The face images: JPEG members of tar shards decoded once into one uint8
array [N, 3, S, S], cached as .npy beside the run so a restart is fast; or a
packed file (pack()) small enough to travel to a GPU machine."""
import io
import os
import tarfile
from multiprocessing import Pool

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
    """Decodes the named shards of `folder` (or reads `cache` if present), or
    a packed .npz file given as `folder`.  The held-out shard is refused here
    so no run can train on it by mistake."""
    if folder.endswith(".npz"):
        return load_packed(folder)
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


def load_test(where):
    """The 1,000 held-out faces (evaluation only), from the shards' folder or
    from a pack()ed copy of them (a .npz)."""
    return load_packed(where) if where.endswith(".npz") else decode_tar(os.path.join(where, TEST_SHARD))


def _encode(args):
    img, fmt, quality = args
    buf = io.BytesIO()
    Image.fromarray(img.transpose(1, 2, 0)).save(buf, fmt, quality=quality, **(
        {"method": 6} if fmt == "WEBP" else {}))
    return buf.getvalue()


def _decode(blob):
    return np.asarray(Image.open(io.BytesIO(blob)).convert("RGB")).transpose(2, 0, 1)


def pack(data, path, fmt="WEBP", quality=80, processes=None):
    """Writes uint8 [N, 3, S, S] as one .npz of compressed images (all the
    bytes in one array, with offsets): what travels to a GPU machine."""
    with Pool(processes) as pool:
        blobs = pool.map(_encode, ((img, fmt, quality) for img in data), chunksize=256)
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64)
    np.savez(path, blob=np.frombuffer(b"".join(blobs), dtype=np.uint8), offsets=offsets,
             format=np.array(fmt))


def load_packed(path, processes=None):
    """The uint8 [N, 3, S, S] array of a pack()ed file."""
    z = np.load(path)
    blob, offsets = z["blob"].tobytes(), z["offsets"]
    with Pool(processes) as pool:
        imgs = pool.map(_decode, (blob[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)),
                        chunksize=256)
    return np.stack(imgs)
