"""A perceptual distance on SqueezeNet v1.1 features, LPIPS-style.

LPIPS (Zhang et al. 2018) unit-normalises each tap's features along the
channels, squares the difference, and sums a learned per-channel
weighting averaged over space.  Its learned "squeeze" weights belong to
torchvision's SqueezeNet, not to the Keras port we have (SOURCE.txt beside
the weights says so), so this is the unweighted baseline ("lpips=False"
in the LPIPS code): every channel weighs 1, taps are summed.  0 means the
same features; it is comparable across rows of one run, not to published
LPIPS numbers.

The network is read from the shared raw float32 file by its manifest, as
models/convert_squeezenet.py and tests/perceptual_reference.py read it:
conv1 3x3/2 + ReLU, max-pool 3/2 (floor, as Keras), fire2..fire9; taps
after relu1, fire3, fire5, fire6, fire7, fire8, fire9; input BGR 0..255
minus the Caffe mean.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

WEIGHTS = "models/perceptual/squeezenet1.1/squeezenet_v1.1_features_OIHW.f32"
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
TAP_FIRES = (3, 5, 6, 7, 8, 9)  # and relu1


class Distance:
    def __init__(self, shared):
        path = os.path.join(shared, WEIGHTS)
        raw = np.fromfile(path, dtype="<f4")
        with open(path + ".json") as f:
            manifest = json.load(f)
        self.w = {e["name"]: torch.from_numpy(raw[e["offset_floats"]:e["offset_floats"] + int(np.prod(e["shape"]))]
                                              .reshape(e["shape"]).copy()) for e in manifest}
        self.mean = torch.tensor(CAFFE_MEAN_BGR, dtype=torch.float32).view(1, 3, 1, 1)

    def _conv(self, x, name, stride=1, pad=0):
        return F.relu(F.conv2d(x, self.w[name + ".weight_OIHW"], self.w[name + ".bias"], stride=stride, padding=pad))

    def _fire(self, x, i):
        s = self._conv(x, f"fire{i}/squeeze1x1")
        return torch.cat([self._conv(s, f"fire{i}/expand1x1"), self._conv(s, f"fire{i}/expand3x3", pad=1)], dim=1)

    @torch.no_grad()
    def features(self, images):
        """Unit-normalised tap features of a list of uint8 [H, W, 3] RGB images."""
        x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float().flip(1) - self.mean
        h = self._conv(x, "conv1", stride=2)
        taps = [h]
        for i in range(2, 10):
            if i in (2, 4, 6):
                h = F.max_pool2d(h, 3, 2)
            h = self._fire(h, i)
            if i in TAP_FIRES:
                taps.append(h)
        # LPIPS's normalize_tensor: divide by the channel norm (+1e-10).
        return [t / (t.pow(2).sum(1, keepdim=True).sqrt() + 1e-10) for t in taps]

    @torch.no_grad()
    def __call__(self, outs, refs, batch=32):
        """Distances between outs[i] and refs[i] (lists of uint8 images)."""
        d = []
        for i in range(0, len(outs), batch):
            fo, fr = self.features(outs[i:i + batch]), self.features(refs[i:i + batch])
            d.append(sum(((a - b) ** 2).sum(1).mean((1, 2)) for a, b in zip(fo, fr)))
        return torch.cat(d).numpy().astype(np.float64)
