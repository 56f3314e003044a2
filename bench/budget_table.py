#!/usr/bin/env python3
"""Summarise a budget study (bench/budget_study.sh): one markdown table over every setting and budget,
and an SVG of mean and min error against SGD steps per model for each space. Python standard library
only.

    python3 bench/budget_table.py OUT [SVG]

OUT holds one folder per setting (`OUT/steps-B/` for the plain recipe, `OUT/<variant>/steps-B/` for
a variant run with EXTRA flags); each has the refinement example's `report/summary.json`. The KS
p-values are the exact two-sample ones the example's report computes (regnet-stats `ks_2samp`,
scipy's default method at these sizes).
"""

import glob
import json
import os
import re
import sys

SPACES = ["anynetx-a", "anynetx-e", "regnetx"]
COLORS = {"anynetx-a": "#1f77b4", "anynetx-e": "#2ca02c", "regnetx": "#d62728"}


def settings(out):
    """(variant, steps, summary) for every finished setting under `out`."""
    found = []
    for path in sorted(glob.glob(os.path.join(out, "**", "report", "summary.json"), recursive=True)):
        run = os.path.dirname(os.path.dirname(path))
        m = re.fullmatch(r"steps-(\d+)", os.path.basename(run))
        if not m:
            continue
        variant = os.path.relpath(os.path.dirname(run), out)
        variant = "plain" if variant == "." else variant
        with open(path) as f:
            found.append((variant, int(m.group(1)), json.load(f)))
    return sorted(found, key=lambda t: (t[0] != "plain", t[0], t[1]))


def ks(summary, a, b):
    for k in summary["ks"]:
        if {k["a"], k["b"]} == {a, b}:
            sign = 1 if k["a"] == a else -1
            return k["p_value"], sign * k["mean_difference"]["difference"]
    return None, None


def table(rows):
    print("| setting | steps | space | n | min err % | mean err % | vs AnyNetX_A: mean Δ pp, KS p | "
          "vs AnyNetX_E: mean Δ pp, KS p |")
    print("|---|---:|---|---:|---:|---:|---|---|")
    for variant, steps, s in rows:
        by = {x["name"]: x for x in s["spaces"]}
        for name in SPACES:
            if name not in by:
                continue
            x = by[name]
            cells = []
            for other in ["anynetx-a", "anynetx-e"]:
                if other == name or other not in by:
                    cells.append("")
                    continue
                p, d = ks(s, name, other)
                cells.append("" if p is None else f"{d:+.1f}, p = {p:.3g}")
            print(f"| {variant} | {steps} | {name} | {x['n']} | {x['min_error']:.1f} | "
                  f"{x['mean_error']:.1f} | {cells[0]} | {cells[1]} |")


def svg(rows, path):
    plain = [(steps, s) for variant, steps, s in rows if variant == "plain"]
    if not plain:
        return
    import math
    w, h, l, r, t, b = 560, 360, 60, 150, 20, 50
    xs = [math.log10(st) for st, _ in plain]
    x0, x1 = min(xs) - 0.1, max(xs) + 0.1
    y0, y1 = 0.0, 100.0

    def px(v):
        return l + (math.log10(v) - x0) / (x1 - x0) * (w - l - r)

    def py(v):
        return t + (1 - (v - y0) / (y1 - y0)) * (h - t - b)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" '
           f'font-size="12"><rect width="{w}" height="{h}" fill="white"/>']
    for yv in range(0, 101, 20):
        out.append(f'<line x1="{l}" x2="{w - r}" y1="{py(yv):.1f}" y2="{py(yv):.1f}" stroke="#ddd"/>'
                   f'<text x="{l - 6}" y="{py(yv) + 4:.1f}" text-anchor="end">{yv}</text>')
    for st, _ in plain:
        out.append(f'<text x="{px(st):.1f}" y="{h - b + 16}" text-anchor="middle">{st}</text>')
    out.append(f'<text x="{(l + w - r) / 2}" y="{h - 12}" text-anchor="middle">SGD steps per model '
               f'(batch 128, log scale)</text>')
    out.append(f'<text transform="translate(16,{(t + h - b) / 2}) rotate(-90)" text-anchor="middle">'
               f'test error %</text>')
    for i, name in enumerate(SPACES):
        for key, dash in [("mean_error", ""), ("min_error", ' stroke-dasharray="5,4"')]:
            pts = [(st, x[key]) for st, s in plain for x in s["spaces"] if x["name"] == name]
            if not pts:
                continue
            d = " ".join(f"{px(a):.1f},{py(v):.1f}" for a, v in pts)
            out.append(f'<polyline points="{d}" fill="none" stroke="{COLORS[name]}" stroke-width="2"{dash}/>')
            for a, v in pts:
                out.append(f'<circle cx="{px(a):.1f}" cy="{py(v):.1f}" r="3" fill="{COLORS[name]}"/>')
        ly = t + 20 + 36 * i
        out.append(f'<line x1="{w - r + 10}" x2="{w - r + 34}" y1="{ly}" y2="{ly}" stroke="{COLORS[name]}" '
                   f'stroke-width="2"/><text x="{w - r + 40}" y="{ly + 4}">{name} mean</text>')
        out.append(f'<line x1="{w - r + 10}" x2="{w - r + 34}" y1="{ly + 16}" y2="{ly + 16}" '
                   f'stroke="{COLORS[name]}" stroke-width="2" stroke-dasharray="5,4"/>'
                   f'<text x="{w - r + 40}" y="{ly + 20}">{name} min</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = settings(sys.argv[1])
    table(rows)
    if len(sys.argv) > 2:
        svg(rows, sys.argv[2])


if __name__ == "__main__":
    main()
