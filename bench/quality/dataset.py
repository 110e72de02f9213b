"""The fixed evaluation set, read in place from the shared folder.

Nothing here is ever copied into the repository: the faces and masks are
not the project's (see shared/README.md), so they are decoded into memory
from $GANPRIOR_SHARED (default ../shared beside the checkout) on each run.

  faces128  the first N faces of data/faces128/test-000.tar in archive
            order (the held-out shard; the training shards are never
            opened), already 128x128.
  celebahq  the 20 faces of data/eval/celebahq-dev, 1024x1024 JPEG,
            resized to 128 with Lanczos (PIL), as the peers did.
  masks     data/eval/masks/*.png (256x256, white = hole), resized to 128
            with nearest neighbour and thresholded at 128: the protocol
            the peer figures were measured with (box or bilinear
            resizing grows the holes by a pixel row and costs the peers
            about 0.1 dB).
"""
import glob
import io
import os
import tarfile

import numpy as np
from PIL import Image

SIZE = 128
FACES128_SHARD = "data/faces128/test-000.tar"
CELEBAHQ_DIR = "data/eval/celebahq-dev"
MASK_DIR = "data/eval/masks"


def shared_dir(repo_root):
    """$GANPRIOR_SHARED, else ../shared beside the checkout (as meson's default)."""
    return os.environ.get("GANPRIOR_SHARED") or os.path.join(repo_root, "..", "shared")


class FaceSet:
    """A named list of uint8 [SIZE, SIZE, 3] images with their source names."""

    def __init__(self, name, images, names, note):
        self.name, self.images, self.names, self.note = name, images, names, note


def faces128(shared, limit=100):
    images, names = [], []
    with tarfile.open(os.path.join(shared, FACES128_SHARD)) as tar:
        for member in tar:
            if not member.isfile() or not member.name.lower().endswith((".jpg", ".jpeg")):
                continue
            img = Image.open(io.BytesIO(tar.extractfile(member).read())).convert("RGB")
            if img.size != (SIZE, SIZE):  # the shard is 128 already; stay safe
                img = img.resize((SIZE, SIZE), Image.LANCZOS)
            images.append(np.asarray(img))
            names.append(member.name)
            if len(images) == limit:
                break
    return FaceSet("faces128", images, names,
                   f"first {len(images)} faces of faces128/test-000.tar (held out)")


def celebahq(shared, limit=20):
    paths = sorted(glob.glob(os.path.join(shared, CELEBAHQ_DIR, "*.jpg")))[:limit]
    images = [np.asarray(Image.open(p).convert("RGB").resize((SIZE, SIZE), Image.LANCZOS))
              for p in paths]
    return FaceSet("celebahq", images, [os.path.basename(p) for p in paths],
                   f"{len(images)} faces of eval/celebahq-dev, 1024 -> 128 Lanczos")


def masks(shared):
    """[(name, bool [SIZE, SIZE] hole)] of the shared masks."""
    out = []
    for path in sorted(glob.glob(os.path.join(shared, MASK_DIR, "*.png"))):
        # convert("L") also covers mask-1, which is RGBA with anti-aliased
        # gray edges; its alpha is opaque everywhere.
        m = Image.open(path).convert("L").resize((SIZE, SIZE), Image.NEAREST)
        out.append((os.path.splitext(os.path.basename(path))[0], np.asarray(m) >= 128))
    return out


def centre_hole(side=SIZE // 4):
    """The centre side x side hole (32x32 at 128)."""
    hole = np.zeros((SIZE, SIZE), bool)
    lo = (SIZE - side) // 2
    hole[lo:lo + side, lo:lo + side] = True
    return hole


def load(repo_root, limit=None):
    """Both face sets (limit caps each) and the masks; fails clearly without the data."""
    shared = shared_dir(repo_root)
    if not os.path.isfile(os.path.join(shared, FACES128_SHARD)):
        raise SystemExit(f"quality: no shared data at {shared} (set $GANPRIOR_SHARED)")
    sets = [faces128(shared, 100 if limit is None else min(limit, 100)),
            celebahq(shared, 20 if limit is None else min(limit, 20))]
    return sets, masks(shared)
