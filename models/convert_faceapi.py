#!/usr/bin/python3
"""Converts face-api's tiny face detector and 68-point tiny landmark net.

Source: the npm package @vladmandic/face-api (MIT), whose model/ folder
holds TF.js weights: a manifest (JSON: tensor names, shapes, and for
uint8-quantised tensors the scale and min) and a .bin of the raw bytes in
manifest order.  Each value is dequantised as TF.js does,
float32(q * scale + min), so the F32 files here hold exactly the numbers
face-api runs with (conversion error 0).

Layouts are changed to the engine's (engine/faces/README.md):
  conv filters  HWIO [kh, kw, cin, cout] -> [cout, cin, kh, kw]
  depthwise     [3, 3, c, 1]             -> [c, 3, 3]
  pointwise     [1, 1, cin, cout]        -> [cout, cin]
  dense         [in, out]                -> [out, in]

  convert_faceapi.py [--package DIR] [--out-dir models/]
Without --package, `npm pack @vladmandic/face-api@VERSION` fetches the
package into a temporary folder.  Writes faceapi-detector.safetensors,
faceapi-landmarks.safetensors and faceapi.LICENSE.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402

PACKAGE = "@vladmandic/face-api"
VERSION = "1.7.15"
NETS = {
    # output file: (manifest stem, ganprior.arch)
    "faceapi-detector.safetensors": ("tiny_face_detector_model", "faceapi-tiny-face-detector"),
    "faceapi-landmarks.safetensors": ("face_landmark_68_tiny_model", "faceapi-landmark68-tiny"),
}


def fetch_package(tmp):
    """npm pack into tmp and unpack; returns the package folder."""
    out = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp,
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with tarfile.open(os.path.join(tmp, out)) as tar:
        # Only the files needed, each checked to stay inside tmp.
        wanted = [m for m in tar.getmembers() if m.isfile() and not m.name.startswith("/")
                  and ".." not in m.name.split("/")
                  and (m.name.startswith("package/model/") or m.name in ("package/LICENSE", "package/package.json"))]
        tar.extractall(tmp, members=wanted)
    return os.path.join(tmp, "package")


def read_weights(model_dir, stem):
    """{tf name: float32 array} dequantised from the manifest and its .bin files."""
    with open(os.path.join(model_dir, stem + "-weights_manifest.json")) as f:
        manifest = json.load(f)
    weights = {}
    for group in manifest:
        blob = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if w["dtype"] != "float32":
                raise SystemExit(f"{w['name']}: dtype {w['dtype']} not handled")
            if q is None:
                values = np.frombuffer(blob, "<f4", count, offset)
                offset += 4 * count
            elif q["dtype"] == "uint8":
                raw = np.frombuffer(blob, np.uint8, count, offset)
                offset += count
                # TF.js: Float32Array of (v * scale + min) computed in doubles.
                values = (raw.astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
            else:
                raise SystemExit(f"{w['name']}: quantisation {q['dtype']} not handled")
            weights[w["name"]] = values.reshape(w["shape"])
        if offset != len(blob):
            raise SystemExit(f"{stem}: {len(blob) - offset} bytes left over in the .bin")
    return weights


def engine_layout(weights):
    """TF.js names and layouts -> the engine's ("conv1/pointwise_filter" ->
    "conv1.pointwise" [cout, cin], ...)."""
    out = {}
    for name, w in weights.items():
        layer, kind = name.rsplit("/", 1)
        key = layer.replace("/", ".")
        if kind == "filters":
            out[key + ".weight"] = w.transpose(3, 2, 0, 1)
        elif kind == "depthwise_filter":
            out[key + ".depthwise"] = w[:, :, :, 0].transpose(2, 0, 1)
        elif kind == "pointwise_filter":
            out[key + ".pointwise"] = w[0, 0].T
        elif kind == "weights":
            out[key + ".weight"] = w.T
        elif kind == "bias":
            out[key + ".bias"] = w
        else:
            raise SystemExit(f"{name}: unknown tensor kind")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", help="an unpacked @vladmandic/face-api package (default: npm pack)")
    ap.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pkg = args.package or fetch_package(tmp)
        with open(os.path.join(pkg, "package.json")) as f:
            meta = json.load(f)
        if meta.get("name") != PACKAGE or meta.get("license") != "MIT":
            raise SystemExit(f"{pkg} is not the MIT-licensed {PACKAGE}")
        for out_name, (stem, arch) in NETS.items():
            tensors = engine_layout(read_weights(os.path.join(pkg, "model"), stem))
            md = {"ganprior.arch": arch,
                  "ganprior.name": arch,
                  "ganprior.licence": "MIT (see faceapi.LICENSE)",
                  "ganprior.provenance": f"npm {PACKAGE}@{meta['version']} model/{stem}.bin, "
                                         "uint8 dequantised with the manifest's scale and min "
                                         "(models/convert_faceapi.py)"}
            path = os.path.join(args.out_dir, out_name)
            safetensors_io.write(path, tensors, md, "F32")
            count = sum(t.size for t in tensors.values())
            print(f"{path}: {len(tensors)} tensors, {count} values")
        shutil.copyfile(os.path.join(pkg, "LICENSE"), os.path.join(args.out_dir, "faceapi.LICENSE"))


if __name__ == "__main__":
    main()
