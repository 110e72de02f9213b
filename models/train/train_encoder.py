"""Trains an encoder E from images to a generator's latent code, for the
in-domain inversion methods (Zhu et al. 2020, in-domain GAN inversion; Leng
et al. 2021, force-in-domain), with the generator frozen:

  E's loss on real training faces x, reconstruction y = G(E(x)):
      ‖x − y‖²  (+ perceptual ‖φ(x) − φ(y)‖, SqueezeNet, from 64 px)
      + λ_adv · softplus(−D(y))            D learns real x vs y alongside
      + λ_z · softplus(−D_z(E(x)))         force-in-domain only: D_z learns
                                           prior codes vs E's codes
The encoder is a plain chain the engine runs ("sequential": stride-2
convolutions with LeakyReLU, a dense layer to the code, tanh for a uniform
prior), written next to the generator as MODEL-encoder.safetensors (or
-encoder-fid for the force-in-domain variant) with metadata naming the
generator it belongs to.

    /usr/bin/python3 models/train/train_encoder.py --model build/tests/celeba32-dcgan.safetensors \
        --run /tmp/enc32 --variant indomain --out celeba32-dcgan-encoder.safetensors
"""
import argparse
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import engine_model  # noqa: E402
import faces  # noqa: E402
import fid  # noqa: E402
import safetensors_io  # noqa: E402
from train_gan import DEFAULT_DATA, Reals, save_atomic  # noqa: E402


def arguments(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="the generator (a ganprior model file)")
    ap.add_argument("--run", required=True, help="run folder (checkpoint, log); resumed if present")
    ap.add_argument("--out", required=True, help="encoder file to write at the end")
    ap.add_argument("--variant", choices=("indomain", "forceindomain"), default="indomain")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--width", type=int, default=32, help="channels of the first stage (doubling, ≤ 256)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--kimg", type=float, default=200.0, help="training images to show in all")
    ap.add_argument("--perceptual", type=float, default=1.0, help="weight of the perceptual term (≥ 64 px)")
    ap.add_argument("--adv", type=float, default=0.01, help="λ_adv, the image discriminator's term")
    ap.add_argument("--latent-adv", type=float, default=0.01, help="λ_z, force-in-domain's code term")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--minutes", type=float, default=float("inf"))
    ap.add_argument("--report-seconds", type=float, default=60.0)
    return ap.parse_args(argv)


def encoder_layers(res, latent, width, uniform):
    """The arch's layer list: stride-2 4×4 convolutions from res down to 4 px."""
    layers, cin, c = [], 3, width
    for i in range(int(math.log2(res // 4))):
        layers += [{"type": "conv2d", "name": f"conv{i}", "cin": cin, "cout": c, "k": 4, "stride": 2,
                    "pad": 1, "bias": True}, {"type": "lrelu", "slope": 0.2}]
        cin, c = c, min(2 * c, 256)
    layers.append({"type": "dense", "name": "code", "in": cin * 16, "out": [latent, 1, 1], "bias": True})
    if uniform:
        layers.append({"type": "tanh"})
    return layers


class Encoder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers
        for spec in layers:
            if spec["type"] == "conv2d":
                self.add_module(spec["name"], nn.Conv2d(spec["cin"], spec["cout"], spec["k"], spec["stride"],
                                                        spec["pad"]))
            elif spec["type"] == "dense":
                self.add_module(spec["name"], nn.Linear(spec["in"], spec["out"][0]))

    def forward(self, x):
        for spec in self.layers:
            t = spec["type"]
            if t == "conv2d":
                x = getattr(self, spec["name"])(x)
            elif t == "dense":
                x = getattr(self, spec["name"])(x.flatten(1))
            else:
                x = engine_model.ACTIVATIONS[t](x, spec)
        return x


def image_discriminator(res, width):
    """D of real faces vs reconstructions: the encoder's shape, one logit."""
    mods, cin, c = [], 3, width
    for _ in range(int(math.log2(res // 4))):
        mods += [nn.Conv2d(cin, c, 4, 2, 1), nn.LeakyReLU(0.2)]
        cin, c = c, min(2 * c, 256)
    return nn.Sequential(*mods, nn.Flatten(), nn.Linear(cin * 16, 1))


def latent_discriminator(latent):
    return nn.Sequential(nn.Linear(latent, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256), nn.LeakyReLU(0.2),
                         nn.Linear(256, 1))


def prior(info, n, generator=None):
    z = torch.randn(n, info["latent_size"], generator=generator)
    return z if info.get("latent_dist", "normal") == "normal" else torch.rand(
        n, info["latent_size"], generator=generator) * 2 - 1


def to_unit(img, info):
    """Generator values in info["range"] -> [-1, 1], the training faces' scale."""
    lo, hi = info["range"]
    return (img - lo) * (2.0 / (hi - lo)) - 1.0


class Perceptual:
    """Mean |Δφ| / mean |φ(x)| over SqueezeNet's pooled stages (the engine's
    form), or nothing below 64 px where the network sees a pixel or two."""

    def __init__(self, res, weight):
        self.net = fid.SqueezeNet() if res >= 64 and weight > 0 else None
        self.weight = weight

    def __call__(self, y, x):
        if self.net is None:
            return torch.zeros(())
        fy, fx = self.net.pooled(F.interpolate(y, 128)), self.net.pooled(F.interpolate(x, 128))
        return self.weight * (fy - fx).abs().mean() / (fx.abs().mean() + 1e-6)


def held_out_report(E, G, info, data_dir, res, count=100):
    """Mean PSNR of G(E(x)) on held-out faces, and the Fréchet distance of
    E's codes on them from the prior's (lower: codes look like the prior's)."""
    x = torch.from_numpy(faces.load_test(data_dir)[:max(count, 1000)]).float() / 127.5 - 1
    x = F.avg_pool2d(x, x.shape[-1] // res) if x.shape[-1] != res else x
    with torch.no_grad():
        codes = torch.cat([E(x[i:i + 100]) for i in range(0, x.shape[0], 100)])
        y = to_unit(G(codes[:count]), info).clamp(-1, 1)
    mse = ((y - x[:count]) ** 2).mean(dim=(1, 2, 3))
    psnr = (10 * torch.log10(4.0 / mse)).mean().item()
    z = prior(info, codes.shape[0], torch.Generator().manual_seed(9)).double().numpy()
    return psnr, fid.frechet(codes.double().numpy(), z)


def main():
    a = arguments()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    G, info = engine_model.load(a.model)
    res, latent = info.get("resolution") or G(prior(info, 1)).shape[-1], info["latent_size"]
    uniform = info.get("latent_dist", "normal") == "uniform"
    layers = encoder_layers(res, latent, a.width, uniform)
    E, D = Encoder(layers), image_discriminator(res, a.width)
    Dz = latent_discriminator(latent) if a.variant == "forceindomain" else None
    opt_E = torch.optim.Adam(E.parameters(), a.lr, betas=(0.9, 0.99))
    opt_D = torch.optim.Adam(list(D.parameters()) + (list(Dz.parameters()) if Dz else []), a.lr,
                             betas=(0.9, 0.99))
    os.makedirs(a.run, exist_ok=True)
    ckpt, state = os.path.join(a.run, "checkpoint.pt"), {"nimg": 0, "seconds": 0.0}
    if os.path.exists(ckpt):
        s = torch.load(ckpt)
        for k, m in (("E", E), ("D", D), ("opt_E", opt_E), ("opt_D", opt_D)) + ((("Dz", Dz),) if Dz else ()):
            m.load_state_dict(s[k])
        state = {"nimg": s["nimg"], "seconds": s["seconds"]}
        torch.set_rng_state(s["torch_rng"])
    data = torch.from_numpy(faces.load(a.data, faces.TRAIN_SHARDS, os.path.join(a.run, "train-faces.npy")))
    reals, perceptual = Reals(data, a.seed, torch.device("cpu")), Perceptual(res, a.perceptual)

    stop = {"flag": False}
    signal.signal(signal.SIGINT, lambda *_: stop.update(flag=True))
    signal.signal(signal.SIGTERM, lambda *_: stop.update(flag=True))
    log = open(os.path.join(a.run, "log.jsonl"), "a")
    start, last, sums, count = time.time(), time.time(), np.zeros(4), 0
    seconds0 = state["seconds"]
    while not stop["flag"] and state["nimg"] < a.kimg * 1000 and time.time() - start < a.minutes * 60:
        x = reals.batch(state["nimg"], a.batch, res, 1.0)
        code = E(x)
        y = to_unit(G(code), info)
        # D (and D_z) first, on detached reconstructions and codes.
        loss_d = F.softplus(D(y.detach())).mean() + F.softplus(-D(x)).mean()
        if Dz is not None:
            loss_d = loss_d + F.softplus(Dz(code.detach())).mean() + F.softplus(-Dz(prior(info, a.batch))).mean()
        opt_D.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_D.step()
        pixel = F.mse_loss(y, x)
        adv = F.softplus(-D(y)).mean()
        loss = pixel + perceptual(y, x) + a.adv * adv
        if Dz is not None:
            loss = loss + a.latent_adv * F.softplus(-Dz(code)).mean()
        opt_E.zero_grad(set_to_none=True)
        loss.backward()
        opt_E.step()
        state["nimg"] += a.batch
        state["seconds"] = seconds0 + time.time() - start
        sums += (loss.item(), pixel.item(), adv.item(), loss_d.item())
        count += 1
        if time.time() - last >= a.report_seconds:
            rec = dict(zip(("loss", "pixel", "adv", "loss_d"), (sums / count).round(5).tolist()),
                       kimg=state["nimg"] / 1000, seconds=round(state["seconds"], 1))
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(json.dumps(rec), flush=True)
            sums[:], count, last = 0, 0, time.time()
    save_atomic({"E": E.state_dict(), "D": D.state_dict(), "opt_E": opt_E.state_dict(),
                 "opt_D": opt_D.state_dict(), **({"Dz": Dz.state_dict()} if Dz else {}),
                 "torch_rng": torch.get_rng_state(), **state}, ckpt)
    psnr, dist = held_out_report(E, G, info, a.data, res)
    report = {"variant": a.variant, "kimg": state["nimg"] / 1000, "hours": round(state["seconds"] / 3600, 3),
              "held_out_psnr": round(psnr, 3), "code_frechet_to_prior": round(dist, 3)}
    print(json.dumps(report), flush=True)
    write(a, E, layers, info, res, report)


def write(a, E, layers, info, res, report):
    tensors = {}
    for spec in layers:
        if spec["type"] in ("conv2d", "dense"):
            m = getattr(E, spec["name"])
            tensors[spec["name"] + ".weight"] = m.weight.detach().numpy()
            tensors[spec["name"] + ".bias"] = m.bias.detach().numpy()
    arch = {"family": "sequential", "input": [3, res, res], "layers": layers}
    meta = {"ganprior.arch": json.dumps(arch), "ganprior.name": info["name"] + "-encoder",
            "ganprior.licence": info["metadata"].get("ganprior.licence", "unknown"),
            "ganprior.provenance": f"models/train/train_encoder.py ({a.variant}) for {info['name']}",
            "ganprior.encoder": json.dumps({"model": info["name"], "latent_size": info["latent_size"],
                                            "latent_dist": info.get("latent_dist", "normal"),
                                            "variant": a.variant, "training": report})}
    safetensors_io.write(a.out, tensors, meta)


if __name__ == "__main__":
    main()
