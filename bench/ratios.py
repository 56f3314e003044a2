#!/usr/bin/env python3
"""Counting and sampling speed of regnet against pycls 0.1.1 as medians of interleaved repeats
(docs/performance.md, "Design spaces").

Each round runs the Rust criterion benchmark and the pycls loop of each measurement back to back,
alternating which goes first, so that a change of machine load touches both sides alike; the table
gives the median throughput of each side over the rounds and the ratio of the medians, with the range
of the per-round ratios.

    python3 bench/ratios.py [ROUNDS]          # default 5 rounds; needs torch, pycls 0.1.1, numpy

Rust side: `cargo bench -p regnet-anynet --bench sampling` (group `count`: the first 1,000 samples of
seed 0 without a window; group `sample_360_400mf`: 100 accepted models in 360-400 MF at 224, one
thread). Python side: bench/pycls_count.py on 2,000 specs of the same stream (`regnet sample … --seed 0`)
and its numpy sampler (100 accepted models, one thread).
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNITS = {"elem/s": 1.0, "Kelem/s": 1e3, "Melem/s": 1e6, "Gelem/s": 1e9}


def sh(cmd):
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout + out.stderr


def criterion(filter_):
    """Median throughput (elements/s) criterion reports for the one benchmark matching `filter_`."""
    text = sh(["cargo", "bench", "-q", "-p", "regnet-anynet", "--bench", "sampling", "--",
               "--exact", filter_, "--warm-up-time", "1", "--measurement-time", "3", "--noplot"])
    m = re.search(r"thrpt:\s*\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", text)
    if not m:
        sys.exit(f"no throughput for {filter_} in:\n{text}")
    return float(m.group(1)) * UNITS[m.group(2)]


def pycls(*args):
    """Specs counted or samples accepted per second that bench/pycls_count.py prints."""
    text = sh([sys.executable, "bench/pycls_count.py", *args])
    m = re.search(r"= ([0-9.]+) (?:specs|accepted)/s", text)
    if not m:
        sys.exit(f"no rate in:\n{text}")
    return float(m.group(1))


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sh(["cargo", "build", "-q", "--release", "-p", "regnet-cli"])
    sh(["cargo", "bench", "-q", "-p", "regnet-anynet", "--bench", "sampling", "--no-run"])
    tmp = tempfile.mkdtemp()
    files = {}
    for space in ["anynetx-a", "regnetx"]:
        files[space] = os.path.join(tmp, f"{space}.jsonl")
        sh(["target/release/regnet", "sample", "--space", space, "--n", "2000", "--seed", "0",
            "--out", files[space]])
    cases = [
        ("count AnyNetX_A specs/s", lambda: criterion("count/anynetx-a/fast"),
         lambda: pycls("count", files["anynetx-a"])),
        ("count RegNetX specs/s", lambda: criterion("count/regnetx/fast"),
         lambda: pycls("count", files["regnetx"])),
        ("sample AnyNetX_A 360-400 MF accepted/s", lambda: criterion("sample_360_400mf/anynetx-a"),
         lambda: pycls("sample", "anynetx-a", "100")),
        ("sample pycls-regnet 360-400 MF accepted/s",
         lambda: criterion("sample_360_400mf/pycls-regnet"),
         lambda: pycls("sample", "pycls-regnet", "100")),
    ]
    results = {name: ([], []) for name, _, _ in cases}
    for r in range(rounds):
        for name, rust, py in cases:
            first, second = (rust, py) if r % 2 == 0 else (py, rust)
            a, b = first(), second()
            rs, ps = (a, b) if r % 2 == 0 else (b, a)
            results[name][0].append(rs)
            results[name][1].append(ps)
            print(f"round {r + 1}/{rounds} {name}: regnet {rs:,.0f}, pycls {ps:,.1f}, "
                  f"ratio {rs / ps:.0f}x", flush=True)
    load = os.getloadavg()
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("| what | regnet (median) | pycls 0.1.1 (median) | ratio of medians | per-round ratios |")
    print("|---|---:|---:|---:|---|")
    for name, _, _ in cases:
        rs, ps = results[name]
        ratios = sorted(a / b for a, b in zip(rs, ps))
        print(f"| {name} | {statistics.median(rs):,.0f} | {statistics.median(ps):,.1f} | "
              f"**{statistics.median(rs) / statistics.median(ps):.0f}x** | "
              f"{ratios[0]:.0f}-{ratios[-1]:.0f}x |")


if __name__ == "__main__":
    main()
