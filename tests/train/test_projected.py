"""The projected discriminator (models/train/projected.py):
- its Darknet-tiny, with batch norm folded into the convolutions, equals a
  plain numpy forward of the TensorFlow.js weights as Keras defines them
  (HWIO kernels, 'same' padding, batch norm, LeakyReLU 0.1, 2x2 max pool);
- its spectral-norm convolution equals torch's spectral_norm, in the same
  parameter order;
- a training step moves its heads and leaves the frozen parts alone;
- a toy run with it, stopped and resumed, ends bit-identical to one go.

    test_projected.py TRAIN_GAN_PY DARKNET_FOLDER
"""
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_train_resume import FAILED, check, same, train, write_faces  # noqa: E402


def keras_forward(arrays, img, taps, pools, depth):
    """NHWC float64 forward from the raw weights: the reference."""
    x, out = img, []
    for i in range(1, depth + 1):
        k = arrays[f"conv2d_{i}/kernel"].astype(np.float64)
        kh, kw = k.shape[:2]
        p = np.pad(x, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
        h, w = x.shape[1:3]
        y = sum(np.einsum("nhwc,co->nhwo", p[:, dy:dy + h, dx:dx + w], k[dy, dx])
                for dy in range(kh) for dx in range(kw))
        bn = {s: arrays[f"batch_normalization_{i}/{s}"].astype(np.float64)
              for s in ("gamma", "beta", "moving_mean", "moving_variance")}
        y = (y - bn["moving_mean"]) / np.sqrt(bn["moving_variance"] + 1e-3) * bn["gamma"] + bn["beta"]
        x = np.where(y > 0, y, 0.1 * y)
        if i in taps:
            out.append(x)
        if i in pools:
            n, h, w, c = x.shape
            x = x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))
    return out


def check_darknet(projected, folder):
    arrays, layers = projected.read_tfjs(folder)
    eps = {l["config"].get("epsilon") for l in layers if l["class_name"] == "BatchNormalization"}
    check(eps == {1e-3}, f"batch norm epsilon as the reference assumes: {eps}")
    img = np.random.default_rng(3).uniform(0, 1, (2, 32, 32, 3))
    want = keras_forward(arrays, img, projected.TAPS, projected.POOL_AFTER, projected.DEPTH)
    D = projected.ProjectedDiscriminator(folder).double()
    got = D.features(torch.from_numpy(img.transpose(0, 3, 1, 2) * 2 - 1))
    for t, g, w in zip(projected.TAPS, got, want):
        err = np.abs(g.detach().numpy().transpose(0, 2, 3, 1) - w).max() / np.abs(w).max()
        # the folding is done in float32 (the weights' type): 1e-5, where a
        # wrong layout or fold is off by O(1)
        check(g.shape[1] == w.shape[3] and err < 1e-5, f"Darknet conv {t} equals the numpy reference "
              f"(relative error {err:.1e})")


def check_spectral(projected):
    """SpectralConv equals torch's spectral_norm (same state, same power
    iteration) in value, state and weight gradient, step after step."""
    torch.manual_seed(0)
    ref = torch.nn.utils.spectral_norm(torch.nn.Conv2d(8, 16, 4, 2, 1))
    mine = projected.SpectralConv(8, 16, 4, 2, 1)
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(2, 8, 8, 8)
    err = max(max((ref(x) - mine(x)).abs().max().item(), (ref.weight_u - mine.weight_u).abs().max().item())
              for _ in range(3))
    ga = torch.autograd.grad(ref(x).square().sum(), ref.weight_orig)[0]
    gb = torch.autograd.grad(mine(x).square().sum(), mine.weight_orig)[0]
    err = max(err, (ga - gb).abs().max().item() / ga.abs().max().item())
    check(err < 1e-6, f"SpectralConv equals torch's spectral_norm over 3 steps (error {err:.1e})")
    check([n for n, _ in ref.named_parameters()] == [n for n, _ in mine.named_parameters()],
          "SpectralConv's parameters in spectral_norm's order (optimiser states follow it)")


def check_frozen(train_gan, folder):
    a = train_gan.arguments(["--run", "-", "--latent", "16", "--channels", "16,8", "--discriminator",
                             "projected", "--darknet", folder, "--r1", "0"])
    torch.manual_seed(0)
    run = train_gan.Run(a, torch.device("cpu"))
    before = {k: v.clone() for k, v in run.D.named_buffers() if not k.endswith(("_u", "_v", "running_mean",
                                                                                 "running_var", "tracked"))}
    heads = {k: v.clone() for k, v in run.D.named_parameters()}
    amp = lambda: torch.autocast("cpu", enabled=False)  # noqa: E731
    x = torch.rand(8, 3, 8, 8) * 2 - 1
    train_gan.d_step(run, a, x, 1, 1.0, ["color"], amp)
    train_gan.g_step(run, a, 8, 1, 1.0, ["color"], amp, torch.device("cpu"))
    check(all(torch.equal(v, dict(run.D.named_buffers())[k]) for k, v in before.items()),
          f"a step leaves Darknet and the {sum(k.startswith(('mix', 'up')) for k in before)} "
          "random projections as they were")
    moved = [k for k, v in run.D.named_parameters() if not torch.equal(v, heads[k])]
    check(len(moved) == len(heads) > 0, f"a step trains every head weight ({len(moved)} of {len(heads)})")
    keys = run.D.state_dict().keys()
    check(not any(k.startswith("dark") for k in keys) and any(k.startswith("mix") for k in keys),
          "checkpoints hold the projections but not Darknet's weights")


def check_resume(script, folder):
    extra = ["--discriminator", "projected", "--darknet", folder, "--r1", "0", "--lr-d", "2e-4"]
    with tempfile.TemporaryDirectory() as tmp:
        write_faces(os.path.join(tmp, "toy.tar"), count=32)
        whole, halves = os.path.join(tmp, "whole"), os.path.join(tmp, "halves")
        r = train(script, tmp, whole, 0.128, extra=extra)
        check(r.returncode == 0, f"a projected run in one go (exit {r.returncode}) {r.stderr[-400:]}")
        r1 = train(script, tmp, halves, 0.064, extra=extra)
        r2 = train(script, tmp, halves, 0.128, extra=extra)
        check(r1.returncode == 0 and r2.returncode == 0, "a projected run in two halves")
        a = torch.load(os.path.join(whole, "checkpoint.pt"))
        b = torch.load(os.path.join(halves, "checkpoint.pt"))
        for k in ("G", "G_ema", "D", "opt_G", "opt_D"):
            check(same(a[k], b[k]), f"{k} identical after a resume (projected)")


def main():
    script, folder = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.dirname(script))
    import projected
    import train_gan
    torch.set_num_threads(1)
    check_darknet(projected, folder)
    check_spectral(projected)
    check_frozen(train_gan, folder)
    check_resume(script, folder)
    print(f"{len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
