#!/usr/bin/env python3
"""Count the same specs with pycls 0.1.1, and sample the same spaces the pycls way (for docs/performance.md).

Two modes, both single-threaded, timing only the counting / sampling loop (not imports or JSON parsing):

  count   Read the JSON lines written by `regnet sample` and count every `spec` with pycls's
          `AnyNet._complexity` at the line's resolution; check that flops, params and acts equal the
          Rust integers (exits 1 on any mismatch) and print specs counted per second.

              regnet sample --space anynetx-a --n 2000 --seed 0 --out /tmp/a.jsonl
              python3 bench/pycls_count.py count /tmp/a.jsonl

  sample  Rejection-sample N models in 360-400 MF at 224 from anynetx-a or pycls-regnet with numpy draws
          (the distributions of docs/conventions.md §D: log-uniform with ceil quantization, power-of-two
          choices), pycls's `generate_regnet` / `adjust_ws_gs_comp` and `AnyNet._complexity`; print
          accepted samples per second and the acceptance rate.

              python3 bench/pycls_count.py sample anynetx-a 100

pycls 0.1.1's `adjust_ws_gs_comp` is the paper-era rule (truncate w*b, clamp g, round to a multiple of g);
for bot_mul <= 1 it equals the lcm version in regnet-quantized.
"""

import json
import math
import sys
import time

import numpy as np
from pycls.models.anynet import AnyNet
from pycls.models.regnet import adjust_ws_gs_comp, generate_regnet


def kwargs_of(spec):
    st = spec["stages"]
    return {
        "stem_type": spec["stem"],
        "stem_w": spec["stem_w"],
        "block_type": spec["block"],
        "ds": [s["depth"] for s in st],
        "ws": [s["width"] for s in st],
        "ss": [s["stride"] for s in st],
        "bms": [s["bottleneck_multiplier"] for s in st],
        "gws": [s["group_width"] for s in st],
        "se_r": spec.get("se_r"),
        "nc": spec["num_classes"],
    }


def count(cx_size, kw):
    cx = {"h": cx_size, "w": cx_size, "flops": 0, "params": 0, "acts": 0}
    cx = AnyNet._complexity(cx, **kw)
    return cx["flops"], cx["params"], cx["acts"]


def mode_count(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    jobs = [(r.get("resolution", 224), kwargs_of(r["spec"]), (r["flops"], r["params"], r["acts"])) for r in rows]
    # Warm-up (imports, first-call overheads), then the timed loop.
    for res, kw, _ in jobs[:50]:
        count(res, kw)
    best = math.inf
    for _ in range(3):
        t = time.perf_counter()
        got = [count(res, kw) for res, kw, _ in jobs]
        best = min(best, time.perf_counter() - t)
    bad = [(i, g, j[2]) for i, (g, j) in enumerate(zip(got, jobs)) if tuple(g) != tuple(j[2])]
    print(f"pycls count: {len(jobs)} specs in {best:.4f} s (best of 3) = {len(jobs) / best:.0f} specs/s")
    print(f"exact match with regnet: {len(jobs) - len(bad)} of {len(jobs)}")
    if bad:
        print("mismatches (index, pycls, regnet):", bad[:5])
        sys.exit(1)


def log_uniform(rng, low, high, q):
    lo = math.log(low - min(q, low / 2))
    f = math.exp(rng.uniform(lo, math.log(high)))
    return min(max(math.ceil(f / q) * q, low), high)


def power2(rng, low, high):
    e = math.floor(rng.uniform(math.log2(low), math.log2(high) + 1))
    return 2 ** min(e, int(math.log2(high)))


def anynetx_a(rng):
    ds = [int(log_uniform(rng, 1, 16, 1)) for _ in range(4)]
    ws = [int(log_uniform(rng, 8, 1024, 8)) for _ in range(4)]
    bs = [power2(rng, 1, 4) for _ in range(4)]
    gs = [power2(rng, 1, 32) for _ in range(4)]
    bms = [1.0 / b for b in bs]
    ws, gs = adjust_ws_gs_comp(ws, bms, gs)
    return ds, ws, bms, gs


def pycls_regnet(rng):
    d = int(math.floor(rng.uniform(12, 29)))
    w0 = int(log_uniform(rng, 8, 256, 8))
    wa = round(log_uniform(rng, 8.0, 256.0, 0.1), 1)
    wm = round(log_uniform(rng, 2.0, 3.0, 0.001), 3)
    g = int(log_uniform(rng, 8, 128, 8))  # power2_or_log_uniform with q = 8 >= every power of two drawn
    ws, num_stages, total_stages, _ = generate_regnet(wa, w0, wm, d)
    if num_stages != 4 or total_stages != 4:
        return None
    s_ws, s_ds = [], []
    for w in ws:
        if s_ws and s_ws[-1] == w:
            s_ds[-1] += 1
        else:
            s_ws.append(w)
            s_ds.append(1)
    s_ws, s_gs = adjust_ws_gs_comp(s_ws, [1.0] * 4, [g] * 4)
    return s_ds, s_ws, [1.0] * 4, s_gs


def mode_sample(space, n):
    draw = {"anynetx-a": anynetx_a, "pycls-regnet": pycls_regnet}[space]
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    tries = accepted = 0
    while accepted < n:
        tries += 1
        m = draw(rng)
        if m is None:
            continue
        ds, ws, bms, gs = m
        kw = {"stem_type": "simple_stem_in", "stem_w": 32, "block_type": "res_bottleneck_block",
              "ds": ds, "ws": ws, "ss": [2] * 4, "bms": bms, "gws": gs, "se_r": None, "nc": 1000}
        flops, _, _ = count(224, kw)
        if 360e6 <= flops <= 400e6:
            accepted += 1
    dt = time.perf_counter() - t
    print(f"pycls sample {space}: {accepted} accepted of {tries} tries ({100 * accepted / tries:.3f}%) "
          f"in {dt:.3f} s = {accepted / dt:.1f} accepted/s, {tries / dt:.0f} tries/s")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "count":
        mode_count(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "sample":
        mode_sample(sys.argv[2], int(sys.argv[3]))
    else:
        print(__doc__)
        sys.exit(2)
