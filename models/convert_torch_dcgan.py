"""Converts the Udacity face-generation DCGAN (PyTorch pickle state_dict) to a
ganprior model.

The generator is fc Linear(z -> 128*4*4) -> view(128, 4, 4) [-> BatchNorm2d
-> ReLU in the `batch_norm_fc` variants] -> ConvTranspose2d(k4, s2, p1) + BN +
ReLU stages -> a last ConvTranspose2d -> tanh; z ~ U(-1, 1).  Its layer
names map one to one onto engine layers, so the tensors keep their names
(`t_conv1.0.weight`, `t_conv1.1.running_mean`, ...).
"""
import argparse
import sys

import torch

import safetensors_io


def convert(sd):
    """Returns (tensors, arch) for the state dict."""
    tensors = {k: v.detach().float().cpu().numpy() for k, v in sd.items()
               if not k.endswith("num_batches_tracked")}
    if "fc.weight" not in tensors:
        sys.exit("convert_torch_dcgan: no fc.weight: not the Udacity DCGAN generator")
    latent = tensors["fc.weight"].shape[1]
    c0 = tensors["t_conv1.0.weight"].shape[0]
    side = int(round((tensors["fc.weight"].shape[0] / c0) ** 0.5))
    layers = [{"type": "dense", "name": "fc", "in": latent, "out": [c0, side, side],
               "bias": "fc.bias" in tensors}]
    if "batch_norm_fc.weight" in tensors:
        layers += [{"type": "batchnorm", "name": "batch_norm_fc", "c": c0, "eps": 1e-5},
                   {"type": "relu"}]
    i, size = 1, side
    while f"t_conv{i}.0.weight" in tensors:
        cin, cout, k, _ = tensors[f"t_conv{i}.0.weight"].shape
        layers.append({"type": "conv_transpose2d", "name": f"t_conv{i}.0", "cin": cin,
                       "cout": cout, "k": k, "stride": 2, "pad": [1, 1],
                       "bias": f"t_conv{i}.0.bias" in tensors, "block": True})
        if f"t_conv{i}.1.weight" in tensors:
            layers += [{"type": "batchnorm", "name": f"t_conv{i}.1", "c": cout, "eps": 1e-5},
                       {"type": "relu"}]
        i, size = i + 1, (size - 1) * 2 + k - 2
    layers.append({"type": "tanh"})
    arch = {"family": "sequential", "latent_size": latent, "latent_dist": "uniform",
            "range": [-1, 1], "input": [latent, 1, 1], "layers": layers}
    print(f"convert_torch_dcgan: {len(layers)} layers, {cout}x{size}x{size} output", file=sys.stderr)
    return tensors, arch


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="generator .pt (pickled state_dict)")
    ap.add_argument("output", help="ganprior .safetensors to write")
    safetensors_io.add_model_arguments(
        ap, name="celeba32-dcgan", licence="none stated: evaluation only, do not redistribute",
        provenance="github efleurine/faces-dcgan @ 5e44d3c4")
    a = ap.parse_args()
    tensors, arch = convert(torch.load(a.input, map_location="cpu"))
    safetensors_io.write_model(a, tensors, arch)


if __name__ == "__main__":
    main()
