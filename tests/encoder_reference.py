"""Writes a small generator, an encoder trained for it, the same encoder
labelled for another model, and the values the engine must give for them,
computed in float64 PyTorch from engine/model/encoder.h's and
engine/loss/domain.h's descriptions.

  encoder_reference.py GEN.safetensors ENC.safetensors OTHER.safetensors GOLDEN.safetensors

GEN: a 16 px "sequential" generator, latent 8 (normal), range [-1, 1]:
dense to [16, 4, 4], ELU, up-sample, conv 3x3 (16 -> 8), ELU, up-sample,
conv 3x3 (8 -> 3), tanh: smooth, for finite differences.
ENC: conv 4x4 stride 2 (3 -> 8), ELU, conv 4x4 stride 2 (8 -> 16), ELU,
dense to [8, 1, 1], trained for a few seconds on GEN's own samples so that
E(G(z)) is near z (the engine's in-domain inversion of a generated image
must then come back to its code).  OTHER is ENC naming another model.

GOLDEN: x [3, 16, 16] in [-1, 1] and code = E(x); z [8], weight, and the
domain term L(z) = weight * mean((z - E(G(z)))^2) with dL/dz by autograd
(through E and G).
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
import safetensors_io  # noqa: E402

LATENT, SIZE = 8, 16
GEN = [{"type": "dense", "name": "fc", "in": LATENT, "out": [16, 4, 4], "bias": True},
       {"type": "elu", "alpha": 1.0}, {"type": "upsample2", "block": True},
       {"type": "conv2d", "name": "c1", "cin": 16, "cout": 8, "k": 3, "pad": 1, "bias": True},
       {"type": "elu", "alpha": 1.0}, {"type": "upsample2", "block": True},
       {"type": "conv2d", "name": "c2", "cin": 8, "cout": 3, "k": 3, "pad": 1, "bias": True},
       {"type": "tanh"}]
ENC = [{"type": "conv2d", "name": "e1", "cin": 3, "cout": 8, "k": 4, "stride": 2, "pad": 1, "bias": True},
       {"type": "elu", "alpha": 1.0},
       {"type": "conv2d", "name": "e2", "cin": 8, "cout": 16, "k": 4, "stride": 2, "pad": 1, "bias": True},
       {"type": "elu", "alpha": 1.0},
       {"type": "dense", "name": "code", "in": 16 * 16, "out": [LATENT, 1, 1], "bias": True}]


def generator(w, z):
    x = F.elu(F.linear(z, w["fc.weight"], w["fc.bias"]).view(-1, 16, 4, 4))
    x = F.elu(F.conv2d(F.interpolate(x, scale_factor=2), w["c1.weight"], w["c1.bias"], padding=1))
    return torch.tanh(F.conv2d(F.interpolate(x, scale_factor=2), w["c2.weight"], w["c2.bias"], padding=1))


def encoder(w, x):
    h = F.elu(F.conv2d(x, w["e1.weight"], w["e1.bias"], stride=2, padding=1))
    h = F.elu(F.conv2d(h, w["e2.weight"], w["e2.bias"], stride=2, padding=1))
    return F.linear(h.flatten(1), w["code.weight"], w["code.bias"])


def random_weights(shapes, gen):
    w = {}
    for name, shape in shapes.items():
        fan_in = 1
        for d in shape[1:]:
            fan_in *= d
        w[name] = (torch.randn(shape, generator=gen, dtype=torch.float64) / fan_in ** 0.5
                   if name.endswith("weight") else 0.1 * torch.randn(shape, generator=gen, dtype=torch.float64))
    return w


def train_encoder(G, E, steps=600):
    params = [p.requires_grad_(True) for p in E.values()]
    opt = torch.optim.Adam(params, 3e-3)
    gen = torch.Generator().manual_seed(5)
    for _ in range(steps):
        z = torch.randn(64, LATENT, generator=gen, dtype=torch.float64)
        with torch.no_grad():
            x = generator(G, z)
        loss = F.mse_loss(encoder(E, x), z)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {k: v.detach() for k, v in E.items()}, loss.item()


def write_net(path, layers, w, name, extra):
    arch = {"family": "sequential", "input": [3, SIZE, SIZE], "layers": layers}
    meta = {"ganprior.arch": json.dumps(arch), "ganprior.name": name, "ganprior.licence": "test",
            "ganprior.provenance": "tests/encoder_reference.py"}
    meta.update(extra)
    safetensors_io.write(path, {k: v.numpy() for k, v in w.items()}, meta)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("gen", "enc", "other", "golden"):
        ap.add_argument(name)
    a = ap.parse_args()
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    G = random_weights({"fc.weight": (256, LATENT), "fc.bias": (256,), "c1.weight": (8, 16, 3, 3),
                        "c1.bias": (8,), "c2.weight": (3, 8, 3, 3), "c2.bias": (3,)}, gen)
    G["c2.weight"] *= 3.0  # images that use the range, not a gray blur
    E = random_weights({"e1.weight": (8, 3, 4, 4), "e1.bias": (8,), "e2.weight": (16, 8, 4, 4),
                        "e2.bias": (16,), "code.weight": (LATENT, 256), "code.bias": (LATENT,)}, gen)
    E, final = train_encoder(G, E)
    gen_arch = {"family": "sequential", "latent_size": LATENT, "latent_dist": "normal", "range": [-1, 1],
                "input": [LATENT, 1, 1], "layers": GEN}
    safetensors_io.write(a.gen, {k: v.numpy() for k, v in G.items()},
                         {"ganprior.arch": json.dumps(gen_arch), "ganprior.name": "gen16",
                          "ganprior.licence": "test", "ganprior.provenance": "tests/encoder_reference.py"})
    for path, owner in ((a.enc, "gen16"), (a.other, "another-model")):
        write_net(path, ENC, E, owner + "-encoder",
                  {"ganprior.encoder": json.dumps({"model": owner, "latent_size": LATENT})})

    x = torch.rand(1, 3, SIZE, SIZE, generator=gen, dtype=torch.float64) * 2 - 1
    z = torch.randn(1, LATENT, generator=gen, dtype=torch.float64).requires_grad_(True)
    weight = 2.0
    loss = weight * ((z - encoder(E, generator(G, z))) ** 2).mean()
    (grad,) = torch.autograd.grad(loss, z)
    safetensors_io.write(a.golden, {"x": x[0].numpy(), "code": encoder(E, x)[0].numpy(),
                                    "z": z[0].detach().numpy(), "weight": torch.tensor([weight]).numpy(),
                                    "loss": loss.detach().view(1).numpy(), "grad": grad[0].numpy()})
    print(f"encoder trained to mse {final:.4f} on the generator's samples")


if __name__ == "__main__":
    main()
