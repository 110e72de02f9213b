"""Model files written by the training program's exporter
(models/train/export.py) from a small random generator/discriminator pair of
models/train/networks.py, with float64 PyTorch references, for the engine
to match: the generator grown to level 1 of 3 (8 px; its 16 px level and
toRGB heads must be cut away) and its discriminator at the same level, each
image scored alone as the adversarial terms do.

Writes G.safetensors, D.safetensors and GOLDEN.safetensors holding z, y, r,
dz (the layout of test_pggan_golden) and x, logits (test_trained_export).
"""
import argparse
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models", "train"))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
import export  # noqa: E402
import networks  # noqa: E402
import safetensors_io  # noqa: E402
from convert_pggan import convert  # noqa: E402

LATENT, CHANNELS, LEVEL = 16, [16, 12, 8], 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("generator")
    ap.add_argument("discriminator")
    ap.add_argument("golden")
    a = ap.parse_args()
    torch.manual_seed(3)
    G, D = networks.build(LATENT, CHANNELS)
    with torch.no_grad():   # trained-looking biases, so the exporter's handling of them is tested
        for p in list(G.parameters()) + list(D.parameters()):
            if p.dim() == 1:
                p.normal_(0, 0.1)
    meta = argparse.Namespace(name="trained-export", licence="test", provenance="test", dtype="F32")
    meta.output = a.generator
    safetensors_io.write_model(meta, *convert(export.truncated(G.state_dict(), LEVEL)),
                               extra=export.generator_metadata())
    meta.output = a.discriminator
    safetensors_io.write_model(meta, *export.discriminator_file(D.state_dict(), CHANNELS, LEVEL))

    G, D = G.double().eval(), D.double().eval()
    gen = torch.Generator().manual_seed(5)
    z = torch.randn(3, LATENT, generator=gen).float().double().requires_grad_(True)
    y = G.render(z, LEVEL)
    r = torch.randn(y.shape, generator=gen).float().double()
    (y * r).sum().backward()
    res = 4 << LEVEL
    x = (torch.rand(4, 3, res, res, generator=gen) * 2 - 1).float().double()
    with torch.no_grad():
        logits = torch.cat([D(x[i:i + 1], LEVEL) for i in range(x.shape[0])])
    safetensors_io.write(a.golden, {"z": z.detach().numpy(), "y": y.detach().numpy(), "r": r.numpy(),
                                    "dz": z.grad.numpy(), "x": x.numpy(), "logits": logits.numpy()})


if __name__ == "__main__":
    main()
