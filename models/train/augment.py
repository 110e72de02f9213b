"""Differentiable augmentation (Zhao et al. 2020, DiffAugment): the same
random colour, translation and cutout applied to real and generated images
before the discriminator, so that 21k faces are not memorised.  Every step
is differentiable in the image, so the generator learns through it.  The
random numbers come from torch's global generator (seeded, checkpointed)."""
import torch
import torch.nn.functional as F


def color(x):
    b = x.shape[0]
    r = lambda: torch.rand(b, 1, 1, 1, device=x.device, dtype=x.dtype)  # noqa: E731
    x = x + (r() - 0.5)                                   # brightness
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (r() * 2) + mean                     # saturation
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (r() + 0.5) + mean                # contrast


def translation(x, ratio=0.125):
    """Shifts each image by up to ratio of its size, filling with zeros."""
    b, _, h, w = x.shape
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    if sy == 0 and sx == 0:
        return x
    dy = torch.randint(-sy, sy + 1, (b, 1, 1), device=x.device)
    dx = torch.randint(-sx, sx + 1, (b, 1, 1), device=x.device)
    gy = (torch.arange(h, device=x.device).view(1, h, 1) + dy + 1).clamp(0, h + 1)
    gx = (torch.arange(w, device=x.device).view(1, 1, w) + dx + 1).clamp(0, w + 1)
    padded = F.pad(x, (1, 1, 1, 1))
    bi = torch.arange(b, device=x.device).view(b, 1, 1)
    return padded.permute(0, 2, 3, 1)[bi, gy, gx].permute(0, 3, 1, 2)


def cutout(x, ratio=0.5):
    """Zeros a box of ratio × the size at a random place in each image."""
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    oy = torch.randint(0, h + (1 - ch % 2), (b, 1, 1), device=x.device) - ch // 2
    ox = torch.randint(0, w + (1 - cw % 2), (b, 1, 1), device=x.device) - cw // 2
    ys = torch.arange(h, device=x.device).view(1, h, 1)
    xs = torch.arange(w, device=x.device).view(1, 1, w)
    keep = ~((ys >= oy) & (ys < oy + ch) & (xs >= ox) & (xs < ox + cw))
    return x * keep.unsqueeze(1).to(x.dtype)


POLICIES = {"color": color, "translation": translation, "cutout": cutout}


def augment(x, policy):
    """policy: a list of names from POLICIES, applied in order."""
    for name in policy:
        x = POLICIES[name](x)
    return x
