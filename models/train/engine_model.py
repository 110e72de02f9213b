"""A ganprior model file (models/README.md) as a PyTorch module, so that
offline training (encoders, discriminators) can run any generator the engine
runs: the "pggan" family through models/pggan_reference.py, the
"sequential" family layer by layer as the engine defines each type.

    G, info = engine_model.load("celeba32-dcgan.safetensors")
    img = G(z)          # [n, 3, H, W] in info["range"]
"""
import json
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import safetensors_io  # noqa: E402
from pggan_reference import PGGANGenerator  # noqa: E402


class Layer(nn.Module):
    """One entry of a "sequential" arch with its tensors (as buffers: the
    networks loaded here are never trained, only run and differentiated)."""

    def __init__(self, spec, tensors):
        super().__init__()
        self.spec = spec
        name, scale = spec.get("name", ""), spec.get("scale", 1.0)
        for key, value in tensors.items():
            if key.startswith(name + "."):
                t = torch.from_numpy(value.copy())
                if key.endswith(".weight") and spec["type"] in ("conv2d", "dense", "conv_transpose2d"):
                    t = t * scale
                self.register_buffer(key[len(name) + 1:].replace(".", "_"), t)

    def get(self, key):
        return getattr(self, key, None)

    def forward(self, x):
        s, t = self.spec, self.spec["type"]
        if t == "dense":
            out = s["out"] if isinstance(s["out"], list) else [s["out"]]
            y = F.linear(x.flatten(1), self.weight, self.get("bias"))
            return y.view(x.shape[0], *(out + [1] * (3 - len(out))))
        if t == "conv2d":
            return F.conv2d(x, self.weight, self.get("bias"), stride=s.get("stride", 1), padding=s.get("pad", 0))
        if t == "conv_transpose2d":
            pb, pe = s["pad"]
            y = F.conv_transpose2d(x, self.weight, self.get("bias"), stride=s["stride"])
            return y[:, :, pb:y.shape[2] - pe, pb:y.shape[3] - pe]
        if t == "batchnorm":
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                                training=False, eps=s.get("eps", 1e-5))
        if t == "bias":
            return x + self.bias.view(1, -1, 1, 1)
        if t == "chanscale":
            return x * self.scale.view(1, -1, 1, 1)
        if t == "fire":
            sq = F.relu(F.conv2d(x, self.squeeze_weight, self.squeeze_bias))
            return torch.cat([F.relu(F.conv2d(sq, self.expand1x1_weight, self.expand1x1_bias)),
                              F.relu(F.conv2d(sq, self.expand3x3_weight, self.expand3x3_bias, padding=1))], 1)
        if t == "pixelnorm":
            return x * torch.rsqrt(x.pow(2).mean(1, keepdim=True) + s.get("eps", 1e-8))
        if t == "upsample2":
            return F.interpolate(x, scale_factor=2, mode="nearest")
        if t == "maxpool":
            return F.max_pool2d(x, s["k"], s["stride"])
        if t == "avgpool":
            return F.avg_pool2d(x, s["k"], s["stride"])
        return ACTIVATIONS[t](x, s)


ACTIVATIONS = {
    "relu": lambda x, s: F.relu(x),
    "tanh": lambda x, s: torch.tanh(x),
    "linear": lambda x, s: x,
    "lrelu": lambda x, s: F.leaky_relu(x, s.get("slope", 0.2)),
    "elu": lambda x, s: F.elu(x, s.get("alpha", 1.0)),
}


class Sequential(nn.Module):
    def __init__(self, arch, tensors):
        super().__init__()
        self.input = arch.get("input", [arch.get("latent_size", 0), 1, 1])
        self.layers = nn.ModuleList(Layer(spec, tensors) for spec in arch["layers"])

    def forward(self, x):
        x = x.reshape(x.shape[0], *self.input)
        for layer in self.layers:
            x = layer(x)
        return x


def pggan(arch, tensors):
    g = PGGANGenerator(arch["latent_size"], arch["channels"])
    state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
    state["lod"] = torch.zeros(())
    last = len(arch["channels"]) - 1
    for i in range(last):   # the file keeps only the last toRGB head
        state[f"output{i}.conv.weight"] = g.state_dict()[f"output{i}.conv.weight"]
        state[f"output{i}.wscale.bias"] = g.state_dict()[f"output{i}.wscale.bias"]
    g.load_state_dict(state)
    return g


def load(path):
    """(module in eval mode with no trainable parameters, info) where info
    is the arch document plus "name" and the raw metadata."""
    tensors, meta = safetensors_io.read(path)
    arch = json.loads(meta["ganprior.arch"])
    net = pggan(arch, tensors) if arch["family"] == "pggan" else Sequential(arch, tensors)
    net.eval().requires_grad_(False)
    info = dict(arch, name=meta.get("ganprior.name", ""), metadata=meta)
    return net, info
