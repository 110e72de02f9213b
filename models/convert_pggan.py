"""Converts a genforce / mGANprior PGGAN generator `.pth` to a ganprior model.

The state dict holds `layer{i}.conv.weight` / `layer{i}.wscale.bias` for two
convolutions per resolution, a toRGB head `output{b}` per resolution and a
`lod` buffer.  The engine only runs the finished generator (lod 0), so the
converter keeps the last head, drops `lod`, infers resolution, latent size
and widths from the shapes and stores the weights unscaled (the engine folds
the equalised-learning-rate scale in at load).  See models/README.md.
"""
import argparse
import sys

import torch

import safetensors_io


def unwrap(obj):
    """The generator's state dict from a bare dict or a genforce checkpoint."""
    for key in ("generator_smooth", "generator", "state_dict"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
    return {k[7:] if k.startswith("module.") else k: v for k, v in obj.items()}


def convert(sd):
    """Returns (tensors, arch) for a genforce PGGAN state dict."""
    def get(name, shape):
        if name not in sd:
            sys.exit(f"convert_pggan: tensor {name} is missing (not a genforce PGGAN state dict?)")
        t = sd[name].detach().float().cpu()
        if list(t.shape) != list(shape):
            sys.exit(f"convert_pggan: {name} has shape {list(t.shape)}, expected {list(shape)}")
        return t.numpy()

    levels = 0
    while f"layer{2 * levels}.conv.weight" in sd:
        levels += 1
    if levels == 0:
        sys.exit("convert_pggan: no layer0.conv.weight: not a genforce PGGAN state dict")
    lod = float(sd["lod"]) if "lod" in sd else 0.0
    if lod != 0.0:
        print(f"convert_pggan: warning: lod is {lod}, the engine renders lod 0 (full resolution)",
              file=sys.stderr)
    latent = sd["layer0.conv.weight"].shape[1]
    channels = [int(sd[f"layer{2 * i}.conv.weight"].shape[0]) for i in range(levels)]
    tensors, prev = {}, latent
    for i, nf in enumerate(channels):
        k = 4 if i == 0 else 3
        for j, cin in ((2 * i, prev), (2 * i + 1, nf)):
            tensors[f"layer{j}.conv.weight"] = get(f"layer{j}.conv.weight", [nf, cin, k, k])
            tensors[f"layer{j}.wscale.bias"] = get(f"layer{j}.wscale.bias", [nf])
            k = 3
        prev = nf
    last = levels - 1
    tensors[f"output{last}.conv.weight"] = get(f"output{last}.conv.weight", [3, prev, 1, 1])
    tensors[f"output{last}.wscale.bias"] = get(f"output{last}.wscale.bias", [3])
    known = set(tensors) | {"lod"} | {f"output{b}.{p}" for b in range(levels)
                                      for p in ("conv.weight", "wscale.bias")}
    extra = sorted(set(sd) - known)
    if extra:
        sys.exit(f"convert_pggan: unexpected tensors {extra[:5]} (fused-scale or conditional PGGAN?)")
    arch = {"family": "pggan", "resolution": 4 << last, "latent_size": int(latent),
            "latent_dist": "normal", "range": [-1, 1], "channels": channels}
    return tensors, arch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="genforce / mGANprior generator .pth")
    ap.add_argument("output", help="ganprior .safetensors to write")
    safetensors_io.add_model_arguments(ap, name="pggan")
    a = ap.parse_args()
    tensors, arch = convert(unwrap(torch.load(a.input, map_location="cpu")))
    safetensors_io.write_model(a, tensors, arch)


if __name__ == "__main__":
    main()
