//! SVG figures in the style of the paper and of pycls's sweep plots, and the HTML report.
//!
//! Every function returns a complete, self-contained SVG document as a `String` (hand-written SVG: no font
//! files are read, so it works on a headless machine; text uses a generic sans-serif family).

mod report;
pub mod svg;

pub use report::{Figure, report_html};

use crate::bootstrap::BootstrapRange;
use crate::compare::TrendPoint;
use crate::edf::{Edf, EdfStep, WeightedEdf};
use svg::{Anchor, Axes, Svg, color, fmt_num};

/// One curve of an EDF plot.
#[derive(Debug, Clone, PartialEq)]
pub struct EdfCurve {
    /// Legend entry, e.g. `AnyNetX_A [500|36.2|41.3]`.
    pub label: String,
    /// The step points of the EDF.
    pub steps: Vec<EdfStep>,
}

impl EdfCurve {
    /// The curve of a plain EDF with the paper's legend `name [n|min|mean]`.
    pub fn from_edf(name: &str, edf: &Edf) -> Self {
        Self {
            label: edf.legend(name),
            steps: edf.steps(),
        }
    }

    /// The curve of a weighted (normalized) EDF, legend `name [n|min|weighted mean]`.
    pub fn from_weighted(name: &str, edf: &WeightedEdf) -> Self {
        Self {
            label: format!("{name} [{}|{:.1}|{:.1}]", edf.n(), edf.min(), edf.mean()),
            steps: edf.steps(),
        }
    }
}

/// Error EDFs of several spaces overlaid (RegNet paper Fig. 2 left and later figures): cumulative
/// probability against error, one step curve per space, legend `name [n|min|mean]`.
pub fn edf_svg(curves: &[EdfCurve], x_label: &str) -> String {
    let (w, h) = (560.0, 400.0);
    let mut svg = Svg::new(w, h);
    let lo = curves
        .iter()
        .filter_map(|c| c.steps.first())
        .map(|s| s.value)
        .fold(f64::INFINITY, f64::min);
    let hi = curves
        .iter()
        .filter_map(|c| c.steps.last())
        .map(|s| s.value)
        .fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.03).max(1e-9);
    let axes = Axes::new(
        (lo - pad, hi + pad),
        (0.0, 1.0),
        (64.0, 30.0, w - 84.0, h - 84.0),
        false,
        false,
    );
    axes.draw(&mut svg, "", x_label, "cumulative prob.");
    for (i, c) in curves.iter().enumerate() {
        let mut pts = Vec::with_capacity(2 * c.steps.len() + 2);
        let mut prev = 0.0;
        for s in &c.steps {
            pts.push(axes.px(s.value, prev));
            pts.push(axes.px(s.value, s.fraction));
            prev = s.fraction;
        }
        if let Some(last) = c.steps.last() {
            pts.push(axes.px(axes.x.hi, last.fraction));
        }
        svg.polyline(&pts, color(i), 2.0, None);
    }
    legend(
        &mut svg,
        axes.left + axes.width - 8.0,
        axes.top + axes.height - 12.0,
        curves.iter().map(|c| c.label.as_str()),
        true,
    );
    svg.finish()
}

/// Draws a legend box whose right edge is at `right`; `bottom_up` stacks the entries upwards from `y`.
fn legend<'a>(
    svg: &mut Svg,
    right: f64,
    y: f64,
    labels: impl Iterator<Item = &'a str>,
    bottom_up: bool,
) {
    let labels: Vec<&str> = labels.collect();
    if labels.is_empty() {
        return;
    }
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let box_w = 34.0 + longest * 6.4;
    let box_h = 18.0 * labels.len() as f64 + 8.0;
    let left = right - box_w;
    let top = if bottom_up { y - box_h } else { y };
    svg.rect((left, top, box_w, box_h), "white", 0.85, Some("#bbb"));
    for (i, label) in labels.iter().enumerate() {
        let ly = top + 16.0 + 18.0 * i as f64;
        svg.line(
            (left + 6.0, ly - 4.0),
            (left + 26.0, ly - 4.0),
            color(i),
            3.0,
            None,
        );
        svg.text(left + 30.0, ly, label, 11.0, Anchor::Start);
    }
}

/// One panel of an error-vs-parameter scatter (RegNet paper Fig. 2 middle/right).
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPanel {
    /// Panel title (usually the space name).
    pub title: String,
    /// Name of the parameter on the x axis.
    pub x_label: String,
    /// Name of the error on the y axis.
    pub y_label: String,
    /// Parameter values.
    pub x: Vec<f64>,
    /// Errors.
    pub y: Vec<f64>,
    /// Bootstrap range of the best models: [low, high] shaded, `best` drawn as a vertical black line.
    pub good: Option<BootstrapRange>,
    /// Index into the colour palette.
    pub color: usize,
}

/// Error against a parameter, one panel per entry laid out in rows of `columns`, with the bootstrap band
/// shaded and the best value as a vertical line (RegNet paper Fig. 2 middle/right; pycls `plot_values`,
/// whose y range is padded by a fifth of the error span, split over both ends here).
pub fn scatter_svg(panels: &[ScatterPanel], columns: usize) -> String {
    let columns = columns.clamp(1, panels.len().max(1));
    let (pw, ph) = (300.0, 260.0);
    let rows = panels.len().div_ceil(columns).max(1);
    let mut svg = Svg::new(pw * columns as f64, ph * rows as f64);
    for (k, p) in panels.iter().enumerate() {
        let (ox, oy) = ((k % columns) as f64 * pw, (k / columns) as f64 * ph);
        let (xlo, xhi) = min_max(&p.x);
        let (ylo, yhi) = min_max(&p.y);
        let xpad = ((xhi - xlo) * 0.05).max(if xhi == xlo { 0.5 } else { 0.0 });
        let ypad = ((yhi - ylo) / 10.0).max(if yhi == ylo { 0.5 } else { 0.0 });
        let axes = Axes::new(
            (xlo - xpad, xhi + xpad),
            (ylo - ypad, yhi + ypad),
            (ox + 58.0, oy + 26.0, pw - 74.0, ph - 72.0),
            false,
            false,
        );
        axes.draw(&mut svg, &p.title, &p.x_label, &p.y_label);
        if let Some(g) = p.good {
            let (x0, x1) = (axes.x.map(g.low), axes.x.map(g.high));
            svg.rect(
                (x0.min(x1), axes.top, (x1 - x0).abs().max(1.0), axes.height),
                color(p.color),
                0.2,
                None,
            );
        }
        for (&x, &y) in p.x.iter().zip(&p.y) {
            let (px, py) = axes.px(x, y);
            svg.circle(px, py, 2.2, color(p.color), 0.6);
        }
        if let Some(g) = p.good {
            let x = axes.x.map(g.best);
            svg.line(
                (x, axes.top),
                (x, axes.top + axes.height),
                "black",
                1.5,
                None,
            );
            svg.text(
                axes.left + axes.width - 4.0,
                axes.top + 14.0,
                &format!(
                    "best {} [{}, {}]",
                    fmt_num(g.best),
                    fmt_num(g.low),
                    fmt_num(g.high)
                ),
                10.0,
                Anchor::End,
            );
        }
    }
    svg.finish()
}

/// The per-block widths of one model (pycls `plot_models`).
#[derive(Debug, Clone, PartialEq)]
pub struct WidthSeries {
    /// Legend entry (e.g. `best 1: 36.2%`).
    pub label: String,
    /// Width of each block j = 0..d−1 (constant within a stage).
    pub widths: Vec<f64>,
    /// Index of the first block of each stage after the first; empty to infer them where the width changes.
    pub stage_starts: Vec<usize>,
    /// Continuous widths u_j = w0 + wa·j (RegNet paper Eq. 2) or another fitted line, one per block.
    pub fit: Option<Vec<f64>>,
}

/// Per-block widths of several models (for example the best and worst of a space) on a log2 axis, stage
/// starts marked with dotted lines and each model's fitted line (u_j, RegNet paper Eq. 2) dashed, as
/// pycls's `plot_models` and the paper's Fig. 7.
pub fn widths_svg(series: &[WidthSeries], title: &str) -> String {
    let (w, h) = (560.0, 380.0);
    let mut svg = Svg::new(w, h);
    let blocks = series
        .iter()
        .map(|s| s.widths.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let positive = |v: &&f64| **v > 0.0 && v.is_finite();
    let all: Vec<f64> = series
        .iter()
        .flat_map(|s| s.widths.iter().chain(s.fit.iter().flatten()))
        .filter(positive)
        .copied()
        .collect();
    let (lo, hi) = if all.is_empty() {
        (1.0, 2.0)
    } else {
        min_max(&all)
    };
    let axes = Axes::new(
        (-0.5, blocks as f64 - 0.5),
        (lo / 1.2, hi * 1.2),
        (64.0, 30.0, w - 84.0, h - 84.0),
        false,
        true,
    );
    axes.draw(&mut svg, title, "block index j", "width (log2)");
    for (i, s) in series.iter().enumerate() {
        let starts = if s.stage_starts.is_empty() {
            (1..s.widths.len())
                .filter(|&j| s.widths[j] != s.widths[j - 1])
                .collect()
        } else {
            s.stage_starts.clone()
        };
        for j in starts {
            let x = axes.x.map(j as f64 - 0.5);
            svg.line(
                (x, axes.top),
                (x, axes.top + axes.height),
                color(i),
                1.0,
                Some("2,3"),
            );
        }
        let mut pts = Vec::new();
        for (j, &wj) in s.widths.iter().enumerate().filter(|(_, v)| positive(v)) {
            let (x0, y) = axes.px(j as f64 - 0.5, wj);
            let x1 = axes.x.map(j as f64 + 0.5);
            pts.push((x0, y));
            pts.push((x1, y));
        }
        svg.polyline(&pts, color(i), 2.0, None);
        if let Some(fit) = &s.fit {
            let fit_pts: Vec<(f64, f64)> = fit
                .iter()
                .enumerate()
                .filter(|(_, v)| positive(v))
                .map(|(j, &u)| axes.px(j as f64, u))
                .collect();
            svg.polyline(&fit_pts, color(i), 1.5, Some("6,4"));
        }
    }
    legend(
        &mut svg,
        axes.left + axes.width - 8.0,
        axes.top + 8.0,
        series.iter().map(|s| s.label.as_str()),
        false,
    );
    svg.finish()
}

/// The trend of a parameter across spaces (pycls `plot_trends`): per space the full min–max range (light),
/// the bootstrap good range (dark) and the best value (black tick).
pub fn trend_svg(param: &str, points: &[TrendPoint]) -> String {
    let (w, h) = (80.0 + 90.0 * points.len().max(1) as f64, 320.0);
    let mut svg = Svg::new(w.max(300.0), h);
    let lo = points.iter().map(|p| p.min).fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .map(|p| p.max)
        .fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.05).max(if hi == lo { 0.5 } else { 0.0 });
    let n = points.len().max(1) as f64;
    let axes = Axes::new(
        (-0.5, n - 0.5),
        (lo - pad, hi + pad),
        (64.0, 30.0, w.max(300.0) - 84.0, h - 84.0),
        false,
        false,
    );
    // Category axis: draw the frame without numeric x ticks.
    for v in axes.y.ticks(5) {
        let y = axes.y.map(v);
        svg.line(
            (axes.left, y),
            (axes.left + axes.width, y),
            "#e6e6e6",
            1.0,
            None,
        );
        svg.text(axes.left - 6.0, y + 4.0, &fmt_num(v), 11.0, Anchor::End);
    }
    svg.rect(
        (axes.left, axes.top, axes.width, axes.height),
        "none",
        0.0,
        Some("#444"),
    );
    svg.text_rotated(axes.left - 44.0, axes.top + axes.height / 2.0, param, 12.0);
    svg.text(
        axes.left + axes.width / 2.0,
        axes.top - 10.0,
        &format!("trend of {param}"),
        13.0,
        Anchor::Middle,
    );
    for (i, p) in points.iter().enumerate() {
        let x = axes.x.map(i as f64);
        let (y0, y1) = (axes.y.map(p.max), axes.y.map(p.min));
        svg.rect(
            (x - 18.0, y0, 36.0, (y1 - y0).max(1.0)),
            color(i),
            0.2,
            None,
        );
        let (g0, g1) = (axes.y.map(p.good.high), axes.y.map(p.good.low));
        svg.rect(
            (x - 18.0, g0, 36.0, (g1 - g0).max(1.0)),
            color(i),
            0.6,
            None,
        );
        let yb = axes.y.map(p.good.best);
        svg.line((x - 22.0, yb), (x + 22.0, yb), "black", 2.0, None);
        svg.text(
            x,
            axes.top + axes.height + 16.0,
            &p.space,
            11.0,
            Anchor::Middle,
        );
    }
    svg.finish()
}

fn min_max(v: &[f64]) -> (f64, f64) {
    let lo = v
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f64::INFINITY, f64::min);
    let hi = v
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edf_plot_has_one_curve_per_space_and_paper_legend() {
        let a = Edf::new(&[1.0, 2.0, 3.0]).unwrap();
        let b = Edf::new(&[2.0, 4.0]).unwrap();
        let s = edf_svg(
            &[EdfCurve::from_edf("A", &a), EdfCurve::from_edf("B<x>", &b)],
            "error",
        );
        assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert_eq!(s.matches("<polyline").count(), 2);
        assert!(s.contains(">A [3|1.0|2.0]</text>"));
        assert!(s.contains(">B&lt;x&gt; [2|2.0|3.0]</text>"));
    }

    #[test]
    fn scatter_draws_band_and_best_line() {
        let p = ScatterPanel {
            title: "A".into(),
            x_label: "d".into(),
            y_label: "error".into(),
            x: vec![1.0, 2.0, 3.0],
            y: vec![3.0, 1.0, 2.0],
            good: Some(BootstrapRange {
                low: 1.5,
                best: 2.0,
                high: 2.5,
            }),
            color: 0,
        };
        let s = scatter_svg(&[p.clone(), p], 2);
        assert_eq!(s.matches("<circle").count(), 6);
        assert_eq!(s.matches("fill-opacity=\"0.2\"").count(), 2);
        assert!(s.contains("best 2 [1.5, 2.5]"));
    }

    #[test]
    fn widths_marks_inferred_stage_starts() {
        let s = widths_svg(
            &[WidthSeries {
                label: "best".into(),
                widths: vec![32.0, 64.0, 64.0, 128.0],
                stage_starts: vec![],
                fit: Some(vec![30.0, 50.0, 70.0, 90.0]),
            }],
            "A",
        );
        assert_eq!(s.matches("stroke-dasharray=\"2,3\"").count(), 2);
        assert_eq!(s.matches("stroke-dasharray=\"6,4\"").count(), 1);
    }
}
