#!/usr/bin/env python3
"""Summarise a budget study (bench/budget_study.sh): one markdown table over every setting and budget,
and an SVG of the mean error against SGD steps per model for each space and recipe. Python standard library
only.

    python3 bench/budget_table.py OUT [SVG]

OUT holds one folder per setting (`OUT/steps-B/` for the plain recipe, `OUT/<variant>/steps-B/` for
a variant); each has the refinement example's `report/summary.json` (or, as committed under
docs/results/budget-study/, `summary.json`). Settings under `OUT/factors/<change>/steps-B/` change
one thing (learning rate, stem, flops window, resolution) against the warmup1-zinit recipe at budget
B: they get a second table, headed by that recipe's row at the same budget, and stay out of the
curve. The KS
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
# One-factor runs live under OUT/factors/<change>/steps-B/ and compare against BASELINE at budget B.
FACTORS = "factors/"
BASELINE = "warmup1-zinit"


def settings(out):
    """(variant, steps, summary) for every finished setting under `out`."""
    found = []
    for path in sorted(glob.glob(os.path.join(out, "**", "summary.json"), recursive=True)):
        # The example writes steps-B/report/summary.json; docs/results/budget-study keeps steps-B/summary.json.
        run = os.path.dirname(path)
        if os.path.basename(run) == "report":
            run = os.path.dirname(run)
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


def table(rows, first="recipe"):
    """One markdown row per (setting, space); `first` names the first column."""
    print(f"| {first} | steps | space | n | min err % | mean err % | vs AnyNetX_A: mean Δ pp, KS p | "
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
    """Two panels against steps (log scale): above, the mean error per space, one line style per recipe
    variant; below, RegNetX's mean error minus AnyNetX_A's per recipe (filled dot: exact KS p < 0.05)."""
    import math
    variants = sorted({v for v, _, _ in rows})
    if not variants:
        return
    dashes = ["", ' stroke-dasharray="6,4"', ' stroke-dasharray="2,3"', ' stroke-dasharray="8,3,2,3"']
    w, h, l, r, t, b = 640, 380, 60, 230, 20, 50
    # The lower panel: its own y axis from y2top to y2bot, below the upper panel's axis labels.
    gap, h2 = 30, 260
    y2top, y2bot = h + gap, h + gap + h2 - b
    steps = sorted({st for _, st, _ in rows})
    x0, x1 = math.log10(min(steps)) - 0.1, math.log10(max(steps)) + 0.1
    y0, y1 = 0.0, 100.0

    def px(v):
        return l + (math.log10(v) - x0) / (x1 - x0) * (w - l - r)

    def py(v):
        return t + (1 - (v - y0) / (y1 - y0)) * (h - t - b)

    H = h + gap + h2
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{H}" font-family="sans-serif" '
           f'font-size="12"><rect width="{w}" height="{H}" fill="white"/>']
    for yv in range(0, 101, 20):
        out.append(f'<line x1="{l}" x2="{w - r}" y1="{py(yv):.1f}" y2="{py(yv):.1f}" stroke="#ddd"/>'
                   f'<text x="{l - 6}" y="{py(yv) + 4:.1f}" text-anchor="end">{yv}</text>')

    def x_axis(bottom):
        """The step labels under a panel whose plot area ends at `bottom`, and the axis title."""
        for st in steps:
            out.append(f'<text x="{px(st):.1f}" y="{bottom + 16}" text-anchor="middle">{st}</text>')
        out.append(f'<text x="{(l + w - r) / 2}" y="{bottom + b - 12}" text-anchor="middle">SGD steps '
                   f'per model (batch 128, log scale)</text>')

    x_axis(h - b)
    out.append(f'<text transform="translate(16,{(t + h - b) / 2}) rotate(-90)" text-anchor="middle">'
               f'mean test error % (n = 20)</text>')
    ly = t + 12
    for vi, variant in enumerate(variants):
        dash = dashes[vi % len(dashes)]
        for name in SPACES:
            pts = sorted((st, x["mean_error"]) for v, st, s in rows if v == variant
                         for x in s["spaces"] if x["name"] == name)
            if not pts:
                continue
            d = " ".join(f"{px(a):.1f},{py(v):.1f}" for a, v in pts)
            out.append(f'<polyline points="{d}" fill="none" stroke="{COLORS[name]}" '
                       f'stroke-width="2"{dash}/>')
            for a, v in pts:
                out.append(f'<circle cx="{px(a):.1f}" cy="{py(v):.1f}" r="3" fill="{COLORS[name]}"/>')
            out.append(f'<line x1="{w - r + 10}" x2="{w - r + 40}" y1="{ly}" y2="{ly}" '
                       f'stroke="{COLORS[name]}" stroke-width="2"{dash}/>'
                       f'<text x="{w - r + 46}" y="{ly + 4}">{name}, {variant}</text>')
            ly += 18
        ly += 8
    # Lower panel: RegNetX minus AnyNetX_A, in pp, per recipe.
    deltas = {}
    for v, st, s in rows:
        p, d = ks(s, "regnetx", "anynetx-a")
        if p is not None:
            deltas.setdefault(v, []).append((st, d, p))
    if deltas:
        span = max(5.0, max(abs(d) for pts in deltas.values() for _, d, _ in pts))
        span = 5.0 * math.ceil(span / 5.0)

        def qy(v):
            return y2top + (1 - (v + span) / (2 * span)) * (y2bot - y2top)

        step = 5 if span <= 10 else 10
        for yv in range(-int(span), int(span) + 1, step):
            colour = "#888" if yv == 0 else "#ddd"
            out.append(f'<line x1="{l}" x2="{w - r}" y1="{qy(yv):.1f}" y2="{qy(yv):.1f}" stroke="{colour}"/>'
                       f'<text x="{l - 6}" y="{qy(yv) + 4:.1f}" text-anchor="end">{yv:+d}</text>')
        x_axis(y2bot)
        out.append(f'<text transform="translate(16,{(y2top + y2bot) / 2}) rotate(-90)" '
                   f'text-anchor="middle">RegNetX − AnyNetX_A, pp</text>')
        recipe_colours = ["#000", "#ff7f0e", "#8c564b", "#9467bd"]
        ly = y2top + 12
        for vi, variant in enumerate(variants):
            pts = sorted(deltas.get(variant, []))
            if not pts:
                continue
            colour, dash = recipe_colours[vi % len(recipe_colours)], dashes[vi % len(dashes)]
            d = " ".join(f"{px(a):.1f},{qy(v):.1f}" for a, v, _ in pts)
            out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for a, v, p in pts:
                fill = colour if p < 0.05 else "white"
                out.append(f'<circle cx="{px(a):.1f}" cy="{qy(v):.1f}" r="4" fill="{fill}" '
                           f'stroke="{colour}" stroke-width="1.5"/>')
            out.append(f'<line x1="{w - r + 10}" x2="{w - r + 40}" y1="{ly}" y2="{ly}" '
                       f'stroke="{colour}" stroke-width="2"{dash}/>'
                       f'<text x="{w - r + 46}" y="{ly + 4}">{variant}</text>')
            ly += 18
        out.append(f'<text x="{w - r + 10}" y="{ly + 10}">filled: exact KS p &lt; 0.05</text>'
                   f'<text x="{w - r + 10}" y="{ly + 28}">below 0: RegNetX better</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = settings(sys.argv[1])
    # Runs under OUT/factors/<change>/ change one thing against the baseline recipe at one budget: a
    # second table beside that baseline, and not in the curve (which is about the budget).
    budget = [r for r in rows if not r[0].startswith(FACTORS)]
    factors = [(v[len(FACTORS):], st, s) for v, st, s in rows if v.startswith(FACTORS)]
    table(budget)
    if factors:
        base = [("none (" + v + ")", st, s) for v, st, s in budget
                if v == BASELINE and st in {f[1] for f in factors}]
        print()
        table(base + factors, first="change")
    if len(sys.argv) > 2:
        svg(budget, sys.argv[2])


if __name__ == "__main__":
    main()
