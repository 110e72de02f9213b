"""Trains the default face model: a progressive-growing PGGAN generator in the
genforce layout (models/README.md) on the faces of ../shared/data/faces128.

Recipe, chosen for little compute (models/faces128.md has the figures):
non-saturating logistic loss, an EMA of the generator (the one that
ships), horizontal flips plus DiffAugment (colour, translation, cutout) on
everything D sees, progressive growing from 4 px so the cheap low
resolutions come first, equalised learning rate in G, Adam (β1 0, β2
0.99).  D: the projected one (projected.py: frozen Darknet-tiny features,
spectral norm, no R1), which the default run switched to at 416 kimg; or
PGGAN's (--discriminator pggan: grows with G, minibatch standard
deviation, lazy R1), which trained the run's 4 to 64 px stages.

Runs unchanged on the CPU (PyTorch 1.13) and on a CUDA GPU (the data decoded
once into GPU memory).  The networks run under bf16 autocast on a GPU and on
a CPU with native bf16 dot products (AVX512_BF16, AMX), in float32
elsewhere.  Resumable (checkpoint.pt in the run folder, written atomically
every few minutes and on SIGINT/SIGTERM) and deterministic for a seed on
one device, precision and thread count.  Logs one JSON line per report to
log.jsonl: images seen, level, alpha, losses, seconds.

    nice /usr/bin/python3 models/train/train_gan.py --run ~/ganprior-run
    /usr/bin/python3 models/train/export.py ~/ganprior-run models/faces64.safetensors
"""
import argparse
import copy
import ctypes
import ctypes.util
import json
import os
import shutil
import signal
import sys
import time

# Before numpy and torch load OpenBLAS: its own thread pool, woken for each
# small matrix product (spectral norm's power iteration, the dense layers),
# cost 3-4 ms a call against torch's threads, 14 % of a projected-D step.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import augment  # noqa: E402
import safetensors_io  # noqa: E402
import faces  # noqa: E402
import fid  # noqa: E402
import networks  # noqa: E402
import projected  # noqa: E402
import schedule  # noqa: E402

DEFAULT_DATA = os.path.join(HERE, "..", "..", "..", "shared", "data", "faces128")
# The last committed state (EMA generator, discriminator, counters, logs): a
# run on a new machine starts here, since run folders live outside git.
COMMITTED = os.path.join(HERE, "resume")
LOGS = ("log.jsonl", "fid.jsonl")


def keep_freed_memory():
    """Tells glibc's malloc to keep freed blocks instead of returning them to
    the kernel.  By default every tensor above its mmap threshold is a fresh
    mapping, so each step page-faults its activations in again: measured
    here (PyTorch 1.13, 2 cores, batch 32) a GAN step took 2.3 s at 64 px
    and 9.7 s at 128 px that way, 1.3 s and 2.3 s with the blocks kept.
    Memory stays at the step's peak.  A no-op where libc is not glibc."""
    M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(M_MMAP_MAX, 0)
        libc.mallopt(M_TRIM_THRESHOLD, 2 ** 31 - 1)
    except (OSError, AttributeError, TypeError):
        pass


def arguments(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", required=True, help="run folder (checkpoint, log, samples); resumed if present")
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder of the training tar shards")
    ap.add_argument("--shards", default=",".join(faces.TRAIN_SHARDS))
    ap.add_argument("--test-data", default=DEFAULT_DATA, help="the held-out faces (shards folder or packed)")
    ap.add_argument("--latent", type=int, default=256)
    ap.add_argument("--channels", default="256,256,128,64,32,16", help="width at 4, 8, ... px")
    ap.add_argument("--schedule", default=schedule.DEFAULT, help="kimg 'fade+stable' per level")
    ap.add_argument("--max-level", type=int, default=None, help="stop growing at this level")
    ap.add_argument("--batch", default="64,64,64,32,32,32", help="batch size per level")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--lr-d", type=float, default=None,
                    help="D's learning rate (default: --lr; 2e-4 for the projected D, as its paper)")
    ap.add_argument("--discriminator", choices=("pggan", "projected"), default="projected",
                    help="projected: frozen Darknet-tiny features and small trained heads "
                         "(projected.py; the default run's since 416 kimg); pggan: grows with G")
    ap.add_argument("--darknet", default=projected.DARKNET, help="Darknet-tiny's folder (TF.js weights)")
    ap.add_argument("--r1", type=float, default=None,
                    help="R1 weight γ (penalty γ/2·|∇D|²); default 0.1, 0 for the projected D "
                         "(spectral norm keeps its heads smooth)")
    ap.add_argument("--r1-every", type=int, default=16, help="lazy R1: every N D steps")
    ap.add_argument("--ema-kimg", type=float, default=10.0, help="EMA half-life in kimg")
    ap.add_argument("--ema-rampup", type=float, default=0.05, help="half-life ≤ this × images seen")
    ap.add_argument("--augment", default="color,translation,cutout")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2, help="CPU threads")
    ap.add_argument("--device", default="auto", help="auto, cpu or cuda")
    ap.add_argument("--precision", choices=("auto", "float32", "bfloat16"), default="auto",
                    help="autocast type; auto: bfloat16 where the hardware computes it natively")
    ap.add_argument("--minutes", type=float, default=float("inf"), help="stop (with a checkpoint) after this long")
    ap.add_argument("--kimg", type=float, default=float("inf"), help="stop after this many kimg in all")
    ap.add_argument("--checkpoint-minutes", type=float, default=5.0)
    ap.add_argument("--report-seconds", type=float, default=60.0)
    ap.add_argument("--sample-kimg", type=float, default=20.0, help="write a sample grid every N kimg")
    ap.add_argument("--fid-kimg", type=float, default=20.0, help="measure the distance every N kimg (0: never)")
    ap.add_argument("--fid-samples", type=int, default=2000, help="samples per distance on the curve")
    ap.add_argument("--warm", default=COMMITTED if os.path.isdir(COMMITTED) else "none",
                    help="a weights folder (--save-weights, snapshot.py) a new run starts from; "
                         "default: the committed models/train/resume, 'none': from scratch")
    ap.add_argument("--save-weights", default=None, help="at the end, also write the weights to this folder")
    ap.add_argument("--weights-dtype", choices=("float32", "float16"), default="float32")
    return discriminator_defaults(ap.parse_args(argv))


def discriminator_defaults(a):
    """R1 and D's learning rate left unset get the chosen discriminator's."""
    projected_d = a.discriminator == "projected"
    if a.r1 is None:
        a.r1 = 0.0 if projected_d else 0.1
    if a.lr_d is None:
        a.lr_d = 2e-4 if projected_d else a.lr
    return a


LAYOUT = torch.channels_last


class Run:
    """Everything that a checkpoint holds."""

    def __init__(self, a, device):
        torch.manual_seed(a.seed)
        self.channels = [int(c) for c in a.channels.split(",")]
        self.G, self.D = networks.build(a.latent, self.channels)
        if a.discriminator == "projected":
            self.D = projected.ProjectedDiscriminator(a.darknet)
        # NHWC: with freed memory kept (keep_freed_memory), oneDNN runs a
        # bare GAN step up to 10 % faster at 64 px and 15 % at 128 px than
        # in NCHW (PyTorch 1.13, 2 cores); cuDNN prefers it under bf16 too.
        self.G.to(device, memory_format=LAYOUT), self.D.to(device, memory_format=LAYOUT)
        self.G_ema = copy.deepcopy(self.G).eval().requires_grad_(False)
        self.opt_G = torch.optim.Adam(self.G.parameters(), a.lr, betas=(0.0, 0.99), eps=1e-8)
        # Lazy R1 (StyleGAN2): D's step is rescaled so the penalty's weight is unchanged.
        c = a.r1_every / (a.r1_every + 1)
        self.opt_D = torch.optim.Adam(self.D.parameters(), a.lr_d * c, betas=(0.0, 0.99 ** c), eps=1e-8)
        self.nimg, self.drawn, self.steps, self.seconds = 0, 0, 0, 0.0
        self.fixed_z = torch.randn(64, a.latent, generator=torch.Generator().manual_seed(a.seed + 7)).to(device)

    def state(self):
        return {"G": self.G.state_dict(), "D": self.D.state_dict(), "G_ema": self.G_ema.state_dict(),
                "opt_G": self.opt_G.state_dict(), "opt_D": self.opt_D.state_dict(),
                "nimg": self.nimg, "drawn": self.drawn, "steps": self.steps, "seconds": self.seconds,
                "torch_rng": torch.get_rng_state(),
                "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}

    def load(self, s):
        for k in ("G", "D", "G_ema", "opt_G", "opt_D"):
            getattr(self, k).load_state_dict(s[k])
        for opt in (self.opt_G, self.opt_D):   # moments in the weights' layout
            for state in opt.state.values():
                for k, v in state.items():
                    if torch.is_tensor(v) and v.dim() == 4:
                        state[k] = v.contiguous(memory_format=LAYOUT)
        self.nimg, self.drawn, self.steps, self.seconds = s["nimg"], s["drawn"], s["steps"], s["seconds"]
        torch.set_rng_state(s["torch_rng"])
        if s.get("cuda_rng") is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(s["cuda_rng"])


NETS = ("G", "G_ema", "D")
DTYPES = {"float32": "F32", "float16": "F16"}


def save_weights(run, folder, dtype, nets=NETS):
    """The named networks, one safetensors file each, and the counters: a
    small snapshot that travels between machines (optimiser state is left
    behind)."""
    os.makedirs(folder, exist_ok=True)
    for name in nets:
        tensors = {k: v.detach().float().cpu().numpy() for k, v in getattr(run, name).state_dict().items()}
        path = os.path.join(folder, name + ".safetensors")
        safetensors_io.write(path + ".tmp", tensors, {"nimg": run.nimg}, DTYPES[dtype])
        os.replace(path + ".tmp", path)
    with open(os.path.join(folder, "counters.json"), "w") as f:
        json.dump({"nimg": run.nimg, "drawn": run.drawn, "steps": run.steps, "seconds": run.seconds}, f)


def load_weights(run, folder, device):
    """Starts run from a save_weights() folder (fresh optimisers).  A folder
    without G (the committed one) starts G from its EMA; a discriminator of
    another kind than the run's is left behind (D starts fresh)."""
    for name in NETS:
        path = os.path.join(folder, name + ".safetensors")
        if name == "G" and not os.path.exists(path):
            continue
        tensors, _ = safetensors_io.read(path)
        if name == "D" and set(tensors) != set(run.D.state_dict()):
            print(f"{path}: another kind of discriminator; D starts fresh", flush=True)
            continue
        getattr(run, name).load_state_dict({k: torch.from_numpy(v).to(device) for k, v in tensors.items()})
    if not os.path.exists(os.path.join(folder, "G.safetensors")):
        run.G.load_state_dict(run.G_ema.state_dict())
    with open(os.path.join(folder, "counters.json")) as f:
        c = json.load(f)
    run.nimg, run.drawn, run.steps, run.seconds = c["nimg"], c["drawn"], c["steps"], c["seconds"]


def cpu_has_bf16():
    """Whether this CPU computes bf16 dot products natively (Linux flags).
    Without them oneDNN emulates bf16, slower than float32."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(device, precision):
    """'auto' made concrete: bf16 on a GPU and on a CPU with native bf16 (a
    64 px step 1.24 -> 0.80 s on a Zen 5 EPYC, 2 threads), else float32."""
    if precision != "auto":
        return precision
    return "bfloat16" if device.type == "cuda" or cpu_has_bf16() else "float32"


def carry_logs(src, dst):
    """Copies a weights folder's curve and log into a new run folder, so the
    history continues across machines."""
    for name in LOGS:
        if os.path.exists(os.path.join(src, name)) and not os.path.exists(os.path.join(dst, name)):
            shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


class Reals:
    """Batches of training faces in a fixed, seeded order: epoch e is
    permutation(seed, e), and `drawn` (in the checkpoint) says where we are."""

    def __init__(self, data, seed, device):
        self.data, self.seed, self.device = data, seed, device
        self.n = data.shape[0]
        self.perm_epoch, self.perm = -1, None

    def indices(self, start, count):
        out = []
        while count:
            epoch, off = divmod(start, self.n)
            if epoch != self.perm_epoch:
                self.perm = np.random.default_rng([self.seed, epoch]).permutation(self.n)
                self.perm_epoch = epoch
            take = min(count, self.n - off)
            out.append(self.perm[off:off + take])
            start, count = start + take, count - take
        return np.concatenate(out)

    def batch(self, start, count, res, alpha):
        """[count, 3, res, res] in [-1, 1], box-reduced from 128 px, randomly
        flipped; during a fade the reals fade between res/2 and res as the
        generator's images do."""
        idx = torch.from_numpy(self.indices(start, count)).to(self.data.device)
        x = self.data[idx].to(self.device).float() / 127.5 - 1.0
        if x.shape[-1] != res:
            x = F.avg_pool2d(x, x.shape[-1] // res)
        if alpha < 1.0:
            low = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2, mode="nearest")
            x = torch.lerp(low, x, alpha)
        flip = torch.rand(count, device=x.device) < 0.5
        return torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x).contiguous(memory_format=LAYOUT)


def d_step(run, a, reals, level, alpha, policy, amp):
    z = torch.randn(reals.shape[0], a.latent, device=reals.device)
    with amp():
        with torch.no_grad():
            fake = run.G.render(z, level, alpha)
        loss = (F.softplus(run.D(augment.augment(fake.float(), policy), level, alpha)).mean()
                + F.softplus(-run.D(augment.augment(reals, policy), level, alpha)).mean())
    run.opt_D.zero_grad(set_to_none=True)
    loss.float().backward()
    r1 = torch.zeros(())
    if a.r1 > 0 and run.steps % a.r1_every == 0:
        x = reals.detach().requires_grad_(True)   # penalty in float32, outside autocast
        score = run.D(augment.augment(x, policy), level, alpha).sum()
        (grad,) = torch.autograd.grad(score, x, create_graph=True)
        r1 = grad.pow(2).sum(dim=(1, 2, 3)).mean()
        (r1 * (a.r1 / 2) * a.r1_every).backward()
    run.opt_D.step()
    return loss.item(), r1.item()


def g_step(run, a, batch, level, alpha, policy, amp, device):
    z = torch.randn(batch, a.latent, device=device)
    run.D.requires_grad_(False)
    with amp():
        loss = F.softplus(-run.D(augment.augment(run.G.render(z, level, alpha).float(), policy),
                                 level, alpha)).mean()
    run.opt_G.zero_grad(set_to_none=True)
    loss.float().backward()
    run.opt_G.step()
    run.D.requires_grad_(True)
    return loss.item()


def ema_update(run, a, batch):
    half = a.ema_kimg * 1000
    if a.ema_rampup:
        half = min(half, run.nimg * a.ema_rampup)
    beta = 0.5 ** (batch / max(half, 1e-8))
    with torch.no_grad():
        for pe, p in zip(run.G_ema.parameters(), run.G.parameters()):
            pe.copy_(torch.lerp(p, pe, beta))


def load_run(folder):
    """(training arguments, checkpoint, level, alpha) of a run folder."""
    with open(os.path.join(folder, "args.json")) as f:
        targs = json.load(f)
    ckpt = torch.load(os.path.join(folder, "checkpoint.pt"), map_location="cpu")
    phases = schedule.parse(targs["schedule"], len(targs["channels"].split(",")))
    level, alpha = schedule.position(phases, ckpt["nimg"], targs.get("max_level"))
    return targs, ckpt, level, alpha


def load_ema(folder):
    """The EMA generator of a run, with its level, alpha and images seen."""
    targs, ckpt, level, alpha = load_run(folder)
    G = networks.Generator(targs["latent"], [int(c) for c in targs["channels"].split(",")])
    G.load_state_dict(ckpt["G_ema"])
    return G.eval(), level, alpha, ckpt["nimg"]


def measure_fid(run, level, alpha, a, net):
    """Fréchet distance of the EMA generator now, appended to fid.jsonl."""
    res = 4 << level
    real = fid.real_features(net, a.test_data, res, a.run)
    with torch.no_grad():
        fake = fid.generator_features(net, lambda z: run.G_ema.render(z.to(run.fixed_z.device), level, alpha)
                                      .float(), a.latent, res, a.fid_samples)
    rec = {"kimg": round(run.nimg / 1000, 3), "res": res, "alpha": round(alpha, 4),
           "fid_squeezenet": round(fid.frechet(fake, real), 3), "samples": a.fid_samples,
           "seconds": round(run.seconds, 1)}
    with open(os.path.join(a.run, "fid.jsonl"), "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(json.dumps(rec), flush=True)


def save_grid(run, level, alpha, path):
    """8×8 EMA samples of the fixed latents, enlarged to 128 px, as PNG."""
    from PIL import Image
    with torch.no_grad():
        img = run.G_ema.render(run.fixed_z, level, alpha).float().cpu()
    img = F.interpolate(img, size=128, mode="nearest").clamp(-1, 1)
    img = ((img + 1) * 127.5).round().byte().view(8, 8, 3, 128, 128).permute(0, 3, 1, 4, 2)
    Image.fromarray(img.reshape(8 * 128, 8 * 128, 3).numpy()).save(path)


def main():
    keep_freed_memory()
    a = arguments()
    device = torch.device("cuda" if a.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if a.device == "auto" else a.device))
    torch.set_num_threads(a.threads)
    cuda = device.type == "cuda"
    torch.backends.cudnn.benchmark = cuda
    a.precision = resolve_precision(device, a.precision)   # args.json records it
    amp = lambda: torch.autocast(device.type, dtype=torch.bfloat16,  # noqa: E731
                                 enabled=a.precision == "bfloat16")
    os.makedirs(os.path.join(a.run, "samples"), exist_ok=True)
    shards = a.shards.split(",")
    data = torch.from_numpy(faces.load(a.data, shards, cache=os.path.join(a.run, "train-faces.npy")))
    if cuda:
        data = data.to(device)     # decoded once, kept in GPU memory
    run = Run(a, device)
    ckpt = os.path.join(a.run, "checkpoint.pt")
    if os.path.exists(ckpt):
        run.load(torch.load(ckpt, map_location=device))
        print(f"resumed at {run.nimg / 1000:.1f} kimg ({a.precision})", flush=True)
    elif a.warm != "none":
        load_weights(run, a.warm, device)
        carry_logs(a.warm, a.run)
        print(f"warm start from {a.warm} at {run.nimg / 1000:.1f} kimg ({a.precision})", flush=True)
    with open(os.path.join(a.run, "args.json"), "w") as f:
        json.dump(vars(a), f, indent=1, default=str)
    phases = schedule.parse(a.schedule, len(run.channels))
    batches = [int(b) for b in a.batch.split(",")]
    policy = [p for p in a.augment.split(",") if p]
    reals = Reals(data, a.seed, device)

    stop = {"flag": False}
    def on_signal(signum, frame):  # noqa: E306
        stop["flag"] = True
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    start, last_ckpt, last_report = time.time(), time.time(), time.time()
    seconds0, nimg_report = run.seconds, run.nimg
    next_grid = (run.nimg // int(a.sample_kimg * 1000) + 1) * int(a.sample_kimg * 1000)
    fid_every = int(a.fid_kimg * 1000) or None
    next_fid = (run.nimg // fid_every + 1) * fid_every if fid_every else float("inf")
    net = fid.SqueezeNet(device=device) if fid_every else None
    log = open(os.path.join(a.run, "log.jsonl"), "a")
    sums, count = np.zeros(3), 0
    while not stop["flag"]:
        level, alpha = schedule.position(phases, run.nimg, a.max_level)
        batch = batches[min(level, len(batches) - 1)]
        x = reals.batch(run.drawn, batch, 4 << level, alpha)
        run.drawn += batch
        loss_d, r1 = d_step(run, a, x, level, alpha, policy, amp)
        loss_g = g_step(run, a, batch, level, alpha, policy, amp, device)
        run.nimg += batch
        run.steps += 1
        ema_update(run, a, batch)
        sums += (loss_d, loss_g, r1)
        count += 1
        now = time.time()
        run.seconds = seconds0 + now - start
        if now - last_report >= a.report_seconds:
            # over this report's interval only, so that the start (on a new
            # machine ~3 min of decoding the data) does not hide the speed
            rate = (run.nimg - nimg_report) / max(now - last_report, 1e-9)
            rec = {"kimg": round(run.nimg / 1000, 3), "level": level, "res": 4 << level,
                   "alpha": round(alpha, 4), "loss_d": sums[0] / count, "loss_g": sums[1] / count,
                   "r1": sums[2] / max(1, count // a.r1_every), "seconds": round(run.seconds, 1),
                   "img_per_s": round(rate, 2)}
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(json.dumps(rec), flush=True)
            sums[:], count, last_report, nimg_report = 0, 0, now, run.nimg
        if run.nimg >= next_grid:
            save_grid(run, level, alpha, os.path.join(a.run, "samples", f"{run.nimg / 1000:08.1f}k.png"))
            next_grid += int(a.sample_kimg * 1000)
        if run.nimg >= next_fid:
            measure_fid(run, level, alpha, a, net)
            next_fid += fid_every
        if now - last_ckpt >= a.checkpoint_minutes * 60:
            save_atomic(run.state(), ckpt)
            last_ckpt = now
        if now - start >= a.minutes * 60 or run.nimg >= a.kimg * 1000:
            break
    save_atomic(run.state(), ckpt)
    if a.save_weights:
        save_weights(run, a.save_weights, a.weights_dtype)
    level, alpha = schedule.position(phases, run.nimg, a.max_level)
    save_grid(run, level, alpha, os.path.join(a.run, "samples", "latest.png"))
    print(f"checkpoint at {run.nimg / 1000:.1f} kimg, level {level} alpha {alpha:.3f}, "
          f"{run.seconds / 3600:.2f} h in all", flush=True)


if __name__ == "__main__":
    main()
