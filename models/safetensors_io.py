"""Minimal safetensors reader/writer for the converters and test fixtures.

The `safetensors` package is not available where the converters run, and the
format is small: u64 little-endian header length, a JSON header (padded with
spaces to a multiple of 8 bytes) naming each tensor's dtype, shape and byte
range, then the raw little-endian bytes.  `__metadata__` values must be
strings, as the format requires.
"""
import json
import struct

import numpy as np

_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2")}


def write(path, tensors, metadata=None, dtype="F32"):
    """Writes {name: array} (in insertion order) as F32 or F16."""
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be F32 or F16, not {dtype}")
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, value in tensors.items():
        array = np.ascontiguousarray(np.asarray(value, dtype=_DTYPES[dtype]))
        if not np.all(np.isfinite(array)):
            raise ValueError(f"tensor {name} holds a NaN or infinity (after conversion to {dtype})")
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def read(path):
    """Returns ({name: float32 array}, metadata dict)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    data, tensors = blob[8 + n:], {}
    for name, t in header.items():
        b, e = t["data_offsets"]
        array = np.frombuffer(data[b:e], dtype=_DTYPES[t["dtype"]])
        tensors[name] = array.astype(np.float32).reshape(t["shape"])
    return tensors, meta


def add_model_arguments(parser, name=None, licence="unknown", provenance="unknown"):
    """The options every generator converter takes (--name is required
    when no default is given)."""
    parser.add_argument("--name", default=name, required=name is None)
    parser.add_argument("--licence", default=licence)
    parser.add_argument("--provenance", default=provenance)
    parser.add_argument("--dtype", choices=("F32", "F16"), default="F32")


def write_model(args, tensors, arch, extra=None):
    """Writes a generator file with the metadata the engine reads (and any
    `extra` string keys, e.g. how it was trained)."""
    meta = {"ganprior.arch": json.dumps(arch), "ganprior.name": args.name,
            "ganprior.licence": args.licence, "ganprior.provenance": args.provenance}
    meta.update(extra or {})
    write(args.output, tensors, meta, args.dtype)
