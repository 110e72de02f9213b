"""Reference features of the SqueezeNet v1.1 perceptual network, for
test_squeezenet_file.

Runs torch's own conv2d / max_pool2d (floor mode, as Keras) in float64 on the
raw OIHW arrays of the shared `.f32` file, read by its manifest, and stores
a fixed input x and the features at the seven LPIPS tap points (after
relu1, fire3, fire5, fire6, fire7, fire8, fire9) as f0 .. f6.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import safetensors_io  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("f32", help="squeezenet_v1.1_features_OIHW.f32 (manifest beside it)")
    ap.add_argument("output")
    ap.add_argument("--size", type=int, default=67, help="input side (odd sizes test floor pooling)")
    a = ap.parse_args()
    raw = np.fromfile(a.f32, dtype="<f4").astype(np.float64)
    with open(a.f32 + ".json") as f:
        w = {e["name"]: torch.from_numpy(raw[e["offset_floats"]:e["offset_floats"] + int(np.prod(e["shape"]))]
                                          .reshape(e["shape"])) for e in json.load(f)}

    def fire(x, i):
        def conv(x, part, pad):
            return F.relu(F.conv2d(x, w[f"fire{i}/{part}.weight_OIHW"], w[f"fire{i}/{part}.bias"], padding=pad))
        s = conv(x, "squeeze1x1", 0)
        return torch.cat([conv(s, "expand1x1", 0), conv(s, "expand3x3", 1)], dim=1)

    rng = np.random.default_rng(5)
    x = rng.uniform(-120, 140, (2, 3, a.size, a.size)).astype(np.float32).astype(np.float64)
    h = F.relu(F.conv2d(torch.from_numpy(x), w["conv1.weight_OIHW"], w["conv1.bias"], stride=2))
    feats = [h]
    for i in range(2, 10):
        if i in (2, 4, 6):
            h = F.max_pool2d(h, 3, 2)
        h = fire(h, i)
        if i in (3, 5, 6, 7, 8, 9):
            feats.append(h)
    out = {"x": x}
    out.update({f"f{k}": f.numpy() for k, f in enumerate(feats)})
    safetensors_io.write(a.output, out)


if __name__ == "__main__":
    main()
