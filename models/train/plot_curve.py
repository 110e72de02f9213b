"""Plots a run's distance curve (fid.jsonl) against images seen, one colour
per resolution, for the model card.

    /usr/bin/python3 models/train/plot_curve.py RUN_DIR models/faces-curve.png
"""
import argparse
import json
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run")
    ap.add_argument("output")
    ap.add_argument("--floor", action="append", default=[], metavar="RES:VALUE",
                    help="the training-faces floor at a resolution, drawn as a line")
    a = ap.parse_args()
    with open(os.path.join(a.run, "fid.jsonl")) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    colours = {}
    for res in sorted({r["res"] for r in rows}):
        pts = [r for r in rows if r["res"] == res]
        line, = ax.plot([r["kimg"] for r in pts], [r["fid_squeezenet"] for r in pts], "o-", ms=3,
                        label=f"{res} px")
        colours[res] = line.get_color()
    for spec in a.floor:
        res, value = spec.split(":")
        ax.axhline(float(value), ls="--", lw=1, color=colours.get(int(res), "gray"),
                   label=f"floor at {res} px (training faces)")
    ax.set_yscale("log")
    ax.set_xlabel("images seen (thousands)")
    ax.set_ylabel("Fréchet distance, SqueezeNet pooled features")
    last = rows[-1]
    ax.set_title(f"{last['kimg']:.0f} kimg in {last['seconds'] / 3600:.1f} h "
                 f"(samples vs the 1,000 held-out faces)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(a.output)


if __name__ == "__main__":
    main()
