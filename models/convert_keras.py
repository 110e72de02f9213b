"""Converts a Keras HDF5 full-model generator (Keras 2 or 3) to a ganprior model.

The architecture comes from the file's `model_config` attribute (a Sequential,
or a Model wrapping a chain of them), the arrays from its `model_weights`
group.  Keras is NHWC and the engine NCHW, so kernels are transposed and a
Dense layer followed by a Reshape to (h, w, c) gets its output units
reordered so the engine's [c, h, w] view of them matches.  Supported: Dense,
Reshape (after Dense), BatchNormalization, Conv2DTranspose, Conv2D,
UpSampling2D (nearest, x2), Activation/ReLU/LeakyReLU, Dropout (ignored).
"""
import argparse
import json
import sys

import h5py
import numpy as np

import safetensors_io


def fail(msg):
    sys.exit(f"convert_keras: {msg}")


def flat_layers(config):
    """The chain of layer configs, nested Sequential / Model layers expanded."""
    out = []
    for layer in config["config"]["layers"]:
        if layer["class_name"] in ("Sequential", "Model", "Functional"):
            out += flat_layers(layer)
        elif layer["class_name"] != "InputLayer":
            out.append(layer)
        else:
            cfg = layer["config"]
            out.append({"class_name": "InputLayer",
                        "shape": cfg.get("batch_shape") or cfg.get("batch_input_shape")})
    return out


def read_weights(group):
    """{layer name: {role: array}} from `model_weights` (Keras 2 and 3 paths)."""
    weights = {}

    def visit(path, obj):
        if isinstance(obj, h5py.Dataset):
            parts = path.split("/")
            weights.setdefault(parts[-2], {})[parts[-1].split(":")[0]] = np.asarray(obj, np.float32)
    group.visititems(visit)
    return weights


def same_pad(k, stride, transpose):
    """(begin, end) padding of TensorFlow's 'same' for a square kernel."""
    total = k - stride if transpose else k - 1
    if total < 0 or (not transpose and stride != 1):
        fail(f"'same' padding with kernel {k}, stride {stride} is not supported")
    return total // 2, total - total // 2


class Converter:
    def __init__(self, weights):
        self.weights, self.tensors, self.layers = weights, {}, []
        self.shape = None  # (c, h, w) of the current activation

    def param(self, lname, role):
        try:
            return self.weights[lname][role]
        except KeyError:
            fail(f"layer {lname} has no weight '{role}' in model_weights")

    def activation(self, name):
        simple = {"linear": None, "relu": "relu", "tanh": "tanh"}
        if name not in simple:
            fail(f"activation '{name}' is not supported")
        if simple[name]:
            self.layers.append({"type": simple[name]})

    def dense(self, cfg, reshape):
        name, units = cfg["name"], cfg["units"]
        kernel = self.param(name, "kernel")
        n_in = kernel.shape[0]
        if self.shape is not None and self.shape[1:] != (1, 1):
            fail(f"{name}: Dense on a spatial input (Flatten) is not supported")
        w = kernel.T  # [out, in]
        out = [units, 1, 1]
        if reshape is not None:
            h, wd, c = reshape
            if h * wd * c != units:
                fail(f"{name}: Reshape {reshape} does not match {units} units")
            # Keras unit (y, x, ch) becomes engine unit (ch, y, x).
            w = w.reshape(h, wd, c, n_in).transpose(2, 0, 1, 3).reshape(units, n_in)
            out = [c, h, wd]
        self.tensors[f"{name}.weight"] = w
        bias = cfg.get("use_bias", True)
        if bias:
            b = self.param(name, "bias")
            self.tensors[f"{name}.bias"] = b if reshape is None else \
                b.reshape(h, wd, c).transpose(2, 0, 1).reshape(units)
        self.layers.append({"type": "dense", "name": name, "in": n_in, "out": out, "bias": bias})
        self.shape = tuple(out)
        self.activation(cfg.get("activation", "linear"))

    def conv(self, cfg, transpose):
        name, k, s = cfg["name"], cfg["kernel_size"], cfg["strides"]
        if k[0] != k[1] or s[0] != s[1] or list(cfg.get("dilation_rate", [1, 1])) != [1, 1]:
            fail(f"{name}: only square kernels, equal strides and no dilation are supported")
        if cfg.get("data_format", "channels_last") != "channels_last" or cfg.get("output_padding"):
            fail(f"{name}: channels_first / output_padding are not supported")
        k, s = k[0], s[0]
        kernel = self.param(name, "kernel")
        if cfg["padding"] == "same":
            pad = same_pad(k, s, transpose)
        elif cfg["padding"] == "valid" and (not transpose or k >= s):
            pad = (0, 0)
        else:
            fail(f"{name}: padding '{cfg['padding']}' is not supported")
        c, h, w = self.shape
        if transpose:  # (kh, kw, out, in) -> [in, out, kh, kw]
            weight, cin, cout = kernel.transpose(3, 2, 0, 1), kernel.shape[3], kernel.shape[2]
            h, w = [(d - 1) * s + k - sum(pad) for d in (h, w)]
        else:  # HWIO -> OIHW
            weight, cin, cout = kernel.transpose(3, 2, 0, 1), kernel.shape[2], kernel.shape[3]
            h, w = [(d + sum(pad) - k) // s + 1 for d in (h, w)]
        if pad[0] != pad[1] and not transpose:
            fail(f"{name}: asymmetric padding {pad} for a convolution is not supported")
        if cin != c:
            fail(f"{name}: kernel expects {cin} input channels, the input has {c}")
        self.tensors[f"{name}.weight"] = weight
        bias = cfg.get("use_bias", True)
        if bias:
            self.tensors[f"{name}.bias"] = self.param(name, "bias")
        self.layers.append({"type": "conv_transpose2d" if transpose else "conv2d", "name": name,
                            "cin": int(cin), "cout": int(cout), "k": k, "stride": s,
                            "pad": list(pad) if transpose else pad[0], "bias": bias,
                            "block": transpose and s > 1})
        self.shape = (int(cout), h, w)
        self.activation(cfg.get("activation", "linear"))

    def batchnorm(self, cfg):
        name, c = cfg["name"], self.shape[0]
        axis = cfg.get("axis", -1)
        if (axis[0] if isinstance(axis, list) else axis) not in (-1, 3):
            fail(f"{name}: only channel-axis batch normalisation is supported")
        p = self.weights.get(name, {})
        self.tensors[f"{name}.weight"] = p["gamma"] if cfg.get("scale", True) else np.ones(c, np.float32)
        self.tensors[f"{name}.bias"] = p["beta"] if cfg.get("center", True) else np.zeros(c, np.float32)
        self.tensors[f"{name}.running_mean"] = self.param(name, "moving_mean")
        self.tensors[f"{name}.running_var"] = self.param(name, "moving_variance")
        self.layers.append({"type": "batchnorm", "name": name, "c": c, "eps": cfg.get("epsilon", 1e-3)})

    def run(self, chain):
        i = 0
        while i < len(chain):
            layer = chain[i]
            kind, cfg = layer["class_name"], layer.get("config", {})
            nxt = chain[i + 1] if i + 1 < len(chain) else None
            if kind == "InputLayer":
                if len(layer["shape"]) != 2:
                    fail("only a flat latent input is supported")
                self.shape = (layer["shape"][1], 1, 1)
            elif kind == "Dense":
                reshape = None
                if nxt and nxt["class_name"] == "Reshape":
                    reshape = tuple(nxt["config"]["target_shape"])
                    i += 1
                self.dense(cfg, reshape)
            elif kind in ("Conv2D", "Conv2DTranspose"):
                self.conv(cfg, kind == "Conv2DTranspose")
            elif kind == "BatchNormalization":
                self.batchnorm(cfg)
            elif kind == "UpSampling2D":
                if list(cfg.get("size", [2, 2])) != [2, 2] or cfg.get("interpolation", "nearest") != "nearest":
                    fail(f"{cfg['name']}: only nearest x2 up-sampling is supported")
                c, h, w = self.shape
                self.layers.append({"type": "upsample2", "block": True})
                self.shape = (c, 2 * h, 2 * w)
            elif kind == "LeakyReLU":
                slope = cfg.get("negative_slope", cfg.get("alpha", 0.3))
                self.layers.append({"type": "lrelu", "slope": slope})
            elif kind == "ReLU" and not cfg.get("max_value") and not cfg.get("negative_slope"):
                self.layers.append({"type": "relu"})
            elif kind == "Activation":
                self.activation(cfg["activation"])
            elif kind != "Dropout":
                fail(f"layer {cfg.get('name')} of type {kind} is not supported")
            i += 1
        for layer in self.layers:
            if layer.get("block") is False:
                del layer["block"]
        return self.layers


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="Keras .h5 full model")
    ap.add_argument("output", help="ganprior .safetensors to write")
    safetensors_io.add_model_arguments(ap)
    ap.add_argument("--latent-dist", choices=("normal", "uniform"), default="normal")
    ap.add_argument("--range", default="-1,1", help="min,max of the generator's output")
    a = ap.parse_args()
    with h5py.File(a.input, "r") as f:
        if "model_config" not in f.attrs:
            fail(f"{a.input} has no model_config (weights-only file?)")
        config = json.loads(f.attrs["model_config"])
        conv = Converter(read_weights(f["model_weights"]))
    chain = flat_layers(config)
    if chain[0]["class_name"] != "InputLayer":
        first = chain[0]["config"]
        shape = first.get("batch_input_shape") or first.get("batch_shape")
        chain.insert(0, {"class_name": "InputLayer", "shape": shape})
    layers = conv.run(chain)
    latent = chain[0]["shape"][1]
    lo, hi = (float(v) for v in a.range.split(","))
    arch = {"family": "sequential", "latent_size": latent, "latent_dist": a.latent_dist,
            "range": [lo, hi], "input": [latent, 1, 1], "layers": layers}
    print(f"convert_keras: {len(layers)} layers, output {conv.shape}", file=sys.stderr)
    safetensors_io.write_model(a, conv.tensors, arch)


if __name__ == "__main__":
    main()
