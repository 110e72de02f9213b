"""Progressive growing as a pure function of images seen, so a resumed run
lands exactly where it stopped.  Level 0 is 4 px; level L is 4·2^L px and
starts with a fade-in (its toRGB/fromRGB heads blended in linearly over
`fade` images) followed by `stable` images at full weight.  The last level
is stable for ever."""

# kimg (thousands of images) per level: (fade, stable).  Chosen for 2 CPU
# cores: the low levels are cheap and learn the layout of a face; 64 px
# gets 180 kimg and 128 px the rest.  The budget moved up to the resolution
# that ships as 128 px got cheaper: 64 px had 600 kimg while a step
# page-faulted its memory in and 128 px ran 2-3 img/s; 300 kimg with
# train_gan.keep_freed_memory (bare step: 64 px ~25 img/s, 128 px ~14);
# 120 kimg stable since bf16 autocast on CPUs that have it, where a 128 px
# step costs only 1.33x a 64 px one (1.06 against 0.80 s, Zen 5, batch 32).
DEFAULT = "0+10,10+20,20+40,40+60,60+120,60+inf"


def parse(spec, levels):
    """'f+s,f+s,...' -> list of (fade, stable) in images, one per level."""
    phases = []
    for part in spec.split(","):
        fade, stable = part.split("+")
        phases.append((int(float(fade) * 1000), float(stable) * 1000))
    if len(phases) < levels:
        raise ValueError(f"schedule has {len(phases)} levels, the network {levels}")
    phases = phases[:levels]
    phases[-1] = (phases[-1][0], float("inf"))
    return phases


def position(phases, nimg, max_level=None):
    """(level, alpha) after nimg images.  max_level stops growing early."""
    last = len(phases) - 1 if max_level is None else min(max_level, len(phases) - 1)
    start = 0
    for level, (fade, stable) in enumerate(phases):
        if level == last:
            return level, min(1.0, (nimg - start) / fade) if fade else 1.0
        if nimg < start + fade:
            return level, (nimg - start) / fade
        if nimg < start + fade + stable:
            return level, 1.0
        start += fade + stable
    raise AssertionError("unreachable: the last level is open-ended")
