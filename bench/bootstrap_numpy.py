#!/usr/bin/env python3
"""numpy equivalent of crates/regnet-stats/benches/bootstrap.rs: best-model bootstrap over 500 models.

    pip install numpy scipy
    python3 bench/bootstrap_numpy.py

Same computation as regnet_stats::bootstrap_best (and pycls's get_filters): B resamples of
n_sample = max(1, floor(0.25 n)) indices drawn with replacement, the x of the minimum-error index of each
resample (np.argmin: first on ties), then np.percentile(..., [2.5, 50, 97.5]). Vectorized as pycls does it
(one (B, n_sample) index matrix). Also times scipy.stats.ks_2samp(method="asymp") on 500 vs 500.

Prints the median and minimum over repeats of the per-call time in milliseconds, as wall time and as the
process CPU time (time.process_time; numpy runs these single-threaded), the latter for a busy machine.
"""

import math
import time
import timeit

import numpy as np
import scipy.stats as st


def population(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 30, 500).astype(float)
    e = np.round(40.0 + 0.05 * (x - 16.0) ** 2 + rng.uniform(-1.5, 1.5, 500), 1)
    return x, e


def bootstrap_best(x, e, b, rng, fraction=0.25):
    n_sample = max(1, int(math.floor(fraction * x.size)))
    idx = rng.integers(0, x.size, size=(b, n_sample))
    best = idx[np.arange(b), np.argmin(e[idx], axis=1)]
    return np.percentile(x[best], [2.5, 50.0, 97.5])


def report(label, fn, number, repeat=15):
    for clock, timer in (("wall", time.perf_counter), ("cpu", time.process_time)):
        times = np.array(timeit.repeat(fn, number=number, repeat=repeat, timer=timer)) / number * 1e3
        print(f"{label:<32} {clock:<4} median {np.median(times):8.3f} ms   min {times.min():8.3f} ms")


def main():
    x, e = population(1)
    _, e2 = population(2)
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}")
    report("bootstrap_best n=500 B=10000", lambda: bootstrap_best(x, e, 10_000, rng), number=5)
    report("bootstrap_best n=500 B=2500", lambda: bootstrap_best(x, e, 2_500, rng), number=20)
    report("ks_2samp 500 vs 500", lambda: st.ks_2samp(e, e2, method="asymp"), number=200)


if __name__ == "__main__":
    main()
