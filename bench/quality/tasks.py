"""The task settings: how each one degrades a face and how it is scored.

Every method of a setting gets the same degraded inputs and is scored by
the same function here, so peers and ours are measured alike:

  reconstruct     input = the face; whole-image scores.
  inpaint-centre  the centre 32x32 hole set to 0 in the input; PSNR and
  inpaint-masks   SSIM over the hole pixels only, after the known pixels
                  are copied back from the original (no method is credited
                  or blamed for pixels it was given).  inpaint-masks runs
                  each face with each of the shared masks; its figures are
                  the mean over all face x mask pairs (= the mean over
                  masks, every mask having the same faces).
  colorize        input = Rec. 601 gray (PIL convert("L")) on three equal
                  channels; scored on chroma (AuC, a*/b* MAE) and on how
                  well the luma of the result keeps the input's.
  superres-xF     input = F x F box-filter reduction (PIL reduce); whole-
                  image scores against the original at 128.
"""
import numpy as np
from PIL import Image

from dataset import centre_hole
import metrics


class Item:
    """One input of a setting: face `index` of its set, degraded."""

    def __init__(self, index, variant, original, input, hole=None):
        self.index, self.variant, self.original, self.input, self.hole = index, variant, original, input, hole


class Setting:
    def __init__(self, key, task, title, factor=None, holes=None):
        self.key, self.task, self.title, self.factor = key, task, title, factor
        self.holes = holes  # [(name, bool hole)] for inpainting

    def items(self, faces):
        """The degraded inputs of this setting for a FaceSet."""
        out = []
        for i, img in enumerate(faces.images):
            if self.task == "inpaint":
                for name, hole in self.holes:
                    x = img.copy()
                    x[hole] = 0
                    out.append(Item(i, name, img, x, hole))
            elif self.task == "colorize":
                g = np.asarray(Image.fromarray(img).convert("L"))
                out.append(Item(i, "", img, np.repeat(g[..., None], 3, axis=2)))
            elif self.task == "superres":
                out.append(Item(i, "", img, np.asarray(Image.fromarray(img).reduce(self.factor))))
            else:
                out.append(Item(i, "", img, img))
        return out

    def finish(self, item, out):
        """The method's output as scored: known pixels copied back for inpainting."""
        if self.task == "inpaint":
            out = out.copy()
            out[~item.hole] = item.original[~item.hole]
        return out

    def score(self, item, out):
        """{metric: value} of a finished output (perceptual distance is added
        by the caller, in batches)."""
        where = item.hole if self.task == "inpaint" else None
        s = {"psnr": metrics.psnr(out, item.original, where),
             "ssim": metrics.ssim(out, item.original, where)}
        if self.task == "colorize":
            s.update(metrics.chroma_scores(out, item.original))
            s["luma_psnr"] = metrics.luma_psnr(out, item.input)
        return s


def settings(masks):
    """All settings, in table order."""
    return [
        Setting("inpaint-centre", "inpaint", "Inpainting, centre 32x32 hole", holes=[("centre", centre_hole())]),
        Setting("inpaint-masks", "inpaint", f"Inpainting, the {len(masks)} shared masks (mean over masks)",
                holes=masks),
        Setting("superres-x4", "superres", "Super-resolution x4 (32 -> 128)", factor=4),
        Setting("superres-x8", "superres", "Super-resolution x8 (16 -> 128)", factor=8),
        Setting("colorize", "colorize", "Colorization (from Rec. 601 gray)"),
        Setting("reconstruct", "reconstruct", "Reconstruction"),
    ]
