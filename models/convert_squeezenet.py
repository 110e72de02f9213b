"""Converts the SqueezeNet v1.1 feature network (raw float32 OIHW + JSON
manifest) to a ganprior safetensors file for the perceptual loss.

The network is conv1 (3x3/2, no padding) + ReLU, max-pool 3/2, fire2, fire3,
max-pool, fire4, fire5, max-pool, fire6 .. fire9 (Keras floor-mode pooling).
The perceptual loss taps features at the LPIPS "squeeze" points: after
conv1's ReLU and after fire3, fire5, fire6, fire7, fire8, fire9.  Each tap
ends a block, so the loss can run the network block by block; the arch's
"taps" key lists the layer indices after which features are taken.  Input:
BGR, 0..255, minus the Caffe mean (metadata "ganprior.preprocess").
"""
import argparse
import json
import os

import numpy as np

import safetensors_io

FIRES = {2: (16, 64), 3: (16, 64), 4: (32, 128), 5: (32, 128),
         6: (48, 192), 7: (48, 192), 8: (64, 256), 9: (64, 256)}
TAP_AFTER = ("relu1", "fire3", "fire5", "fire6", "fire7", "fire8", "fire9")
PARTS = {"squeeze": "squeeze1x1", "expand1x1": "expand1x1", "expand3x3": "expand3x3"}


def arch_layers():
    """The layer list and the indices of the tapped layers."""
    layers = [{"type": "conv2d", "name": "conv1", "cin": 3, "cout": 64, "k": 3, "stride": 2,
               "pad": 0, "bias": True}, {"type": "relu", "name": "relu1"}]
    cin = 64
    for i, (sq, e) in FIRES.items():
        if i in (2, 4, 6):
            layers.append({"type": "maxpool", "k": 3, "stride": 2})
        layers.append({"type": "fire", "name": f"fire{i}", "cin": cin, "squeeze": sq,
                       "e1": e, "e3": e})
        cin = 2 * e
    taps = [i for i, layer in enumerate(layers) if layer.get("name") in TAP_AFTER]
    for t in taps[:-1]:
        layers[t + 1]["block"] = True
    return layers, taps


def load_raw(f32_path):
    """{manifest name: array} from the .f32 file and its .json manifest."""
    with open(f32_path + ".json") as f:
        manifest = json.load(f)
    raw = np.fromfile(f32_path, dtype="<f4")
    out = {}
    for e in manifest:
        n = int(np.prod(e["shape"]))
        out[e["name"]] = raw[e["offset_floats"]:e["offset_floats"] + n].reshape(e["shape"])
    return out


def tensors_from(raw):
    """Engine tensor names (models/README.md) from the manifest's names."""
    t = {"conv1.weight": raw["conv1.weight_OIHW"], "conv1.bias": raw["conv1.bias"]}
    for i in FIRES:
        for ours, theirs in PARTS.items():
            t[f"fire{i}.{ours}.weight"] = raw[f"fire{i}/{theirs}.weight_OIHW"]
            t[f"fire{i}.{ours}.bias"] = raw[f"fire{i}/{theirs}.bias"]
    if len(t) != len(raw):
        raise SystemExit(f"convert_squeezenet: {len(raw) - len(t)} tensors of the manifest are unused")
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="squeezenet_v1.1_features_OIHW.f32 (with .f32.json beside it)")
    ap.add_argument("output", help="safetensors file to write")
    ap.add_argument("--dtype", choices=("F32", "F16"), default="F32")
    a = ap.parse_args()
    layers, taps = arch_layers()
    arch = {"family": "sequential", "input": [3, 128, 128], "layers": layers, "taps": taps,
            "input_note": "any input size >= 64 works; 128 is only for the shape check"}
    src = os.path.join(os.path.dirname(os.path.abspath(a.input)), "SOURCE.txt")
    with open(src) as f:
        provenance = f.readline().strip().removeprefix("Source: ")
    meta = {"ganprior.arch": json.dumps(arch), "ganprior.name": "squeezenet1.1",
            "ganprior.licence": "MIT (Copyright (c) 2016 Jesper Wohlert; Keras port of the "
                                "BSD-2-Clause Caffe SqueezeNet v1.1)",
            "ganprior.provenance": provenance + " (squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5,"
                                   " converted to OIHW)",
            "ganprior.preprocess": "bgr255-caffe-mean",
            "ganprior.caffe_mean_bgr": "103.939,116.779,123.68"}
    safetensors_io.write(a.output, tensors_from(load_raw(a.input)), meta, a.dtype)


if __name__ == "__main__":
    main()
