//! SVG figures in the style of the paper and of pycls's sweep plots, and the HTML report.
//!
//! Every function returns a complete, self-contained SVG document as a `String` (hand-written SVG: no font
//! files are read, so it works on a headless machine; text uses a generic sans-serif family).

mod report;
pub mod svg;

pub use report::{Figure, report_html};

use crate::bootstrap::BootstrapRange;
use crate::compare::TrendPoint;
use crate::edf::{Edf, EdfStep};
use crate::runtime::LineFitSummary;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use svg::{Anchor, Axes, AxisLabel, Svg, color, group_digits, padded, text_width};
pub use svg::{ScaleKind, Unit, tick_labels};

/// Colours for individual models (best and worst of a space in the width plots): a palette of its own, so
/// that the colours which mean *spaces* elsewhere are not reused for models. The first four (blues and
/// greens) are for the best models, the last four (reds and browns) for the worst; see [`model_color`].
pub const MODEL_PALETTE: [&str; 8] = [
    "#08519c", "#41ab5d", "#6baed6", "#006d2c", "#a50f15", "#fb6a4a", "#7f2704", "#fdae6b",
];

/// The colour of a model labelled `best i…` or `worst i…` (1-based i): best models in the cool half of
/// [`MODEL_PALETTE`], worst in the warm half; `fallback` indexes the palette for other labels. The width
/// plots, the training curves and the report's model table all use it, so a model keeps its colour.
///
/// ```
/// use regnet_stats::plot::{model_color, MODEL_PALETTE};
/// assert_eq!(model_color("best 1: error 36.2 %", 5), MODEL_PALETTE[0]);
/// assert_eq!(model_color("worst 2", 0), MODEL_PALETTE[5]);
/// assert_eq!(model_color("other", 3), MODEL_PALETTE[3]);
/// ```
pub fn model_color(label: &str, fallback: usize) -> &'static str {
    let mut words = label.split([' ', ':']);
    let offset = match words.next() {
        Some("best") => 0,
        Some("worst") => 4,
        _ => return MODEL_PALETTE[fallback % MODEL_PALETTE.len()],
    };
    match words.next().and_then(|w| w.parse::<usize>().ok()) {
        Some(i) if i >= 1 => MODEL_PALETTE[offset + (i - 1) % 4],
        _ => MODEL_PALETTE[fallback % MODEL_PALETTE.len()],
    }
}

/// Above this many models a scatter panel shows a seeded random subsample (the best models always kept).
pub const MAX_SCATTER_POINTS: usize = 2_000;

/// One curve of an EDF plot.
#[derive(Debug, Clone, PartialEq)]
pub struct EdfCurve {
    /// Legend entry, e.g. `AnyNetX_A [500|36.2|41.3]`.
    pub label: String,
    /// The step points of the EDF.
    pub steps: Vec<EdfStep>,
}

impl EdfCurve {
    /// The curve of an EDF (plain or weighted) with the paper's legend `name [n|min|mean]`.
    pub fn from_edf(name: &str, edf: &Edf) -> Self {
        Self {
            label: edf.legend(name),
            steps: edf.steps(),
        }
    }
}

/// The vertices of an EDF step curve on `axes`, at most two per pixel column (plus the two ends): steps
/// that fall into one column are merged into one vertical segment, so 50,000 models draw as a few hundred
/// vertices and the picture is the same.
pub(crate) fn edf_vertices(steps: &[EdfStep], axes: &Axes) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    let Some(first) = steps.first() else {
        return pts;
    };
    let column = |v: f64| axes.x.map(v).round();
    pts.push((axes.left, axes.y.map(0.0)));
    // (pixel column, fraction on entering it, fraction on leaving it)
    let mut current = (column(first.value), 0.0, first.fraction);
    for s in &steps[1..] {
        let c = column(s.value);
        if c == current.0 {
            current.2 = s.fraction;
        } else {
            pts.push((current.0, axes.y.map(current.1)));
            pts.push((current.0, axes.y.map(current.2)));
            current = (c, current.2, s.fraction);
        }
    }
    pts.push((current.0, axes.y.map(current.1)));
    pts.push((current.0, axes.y.map(current.2)));
    pts.push((axes.left + axes.width, axes.y.map(current.2)));
    pts
}

/// Error EDFs of several spaces overlaid (RegNet paper Fig. 2 left and later figures): cumulative
/// probability against error, one step curve per space in the space's colour, legend `name [n|min|mean]`
/// to the right of the plot (never over the curves). `x_label` is the metric name; errors get `%` ticks.
pub fn edf_svg(curves: &[EdfCurve], x_label: &str) -> String {
    let legend_w = legend_width(curves.iter().map(|c| c.label.as_str()));
    let (pw, h) = (520.0, 380.0);
    let mut svg = Svg::new(pw + legend_w + 16.0, h);
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
    let (xlo, xhi) = padded(lo, hi, 0.03, ScaleKind::Linear);
    let axes = Axes::new(
        (xlo, xhi),
        (0.0, 1.0),
        (64.0, 20.0, pw - 84.0, h - 74.0),
        ScaleKind::Linear,
        ScaleKind::Linear,
    );
    let unit = Unit::for_name(x_label);
    axes.draw(
        &mut svg,
        "",
        AxisLabel {
            title: &unit.title(x_label),
            unit,
        },
        AxisLabel::plain("cumulative prob."),
    );
    for (i, c) in curves.iter().enumerate() {
        svg.polyline(&edf_vertices(&c.steps, &axes), color(i), 2.0, None);
    }
    legend(
        &mut svg,
        pw,
        axes.top,
        curves
            .iter()
            .enumerate()
            .map(|(i, c)| (c.label.as_str(), color(i), None)),
    );
    svg.finish()
}

fn legend_width<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    if longest == 0.0 {
        0.0
    } else {
        34.0 + longest * 6.4
    }
}

/// Draws a legend box with its top-left corner at (`left`, `top`); entries are (label, colour, dash).
fn legend<'a>(
    svg: &mut Svg,
    left: f64,
    top: f64,
    entries: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>,
) {
    let entries: Vec<_> = entries.collect();
    if entries.is_empty() {
        return;
    }
    let box_w = legend_width(entries.iter().map(|e| e.0));
    let box_h = 18.0 * entries.len() as f64 + 8.0;
    svg.rect((left, top, box_w, box_h), "white", 0.9, Some("#bbb"));
    for (i, (label, stroke, dash)) in entries.iter().enumerate() {
        let ly = top + 16.0 + 18.0 * i as f64;
        svg.line(
            (left + 6.0, ly - 4.0),
            (left + 26.0, ly - 4.0),
            stroke,
            3.0,
            *dash,
        );
        svg.text(left + 30.0, ly, label, 11.0, Anchor::Start);
    }
}

/// One panel of an error-vs-parameter scatter (RegNet paper Fig. 2 middle/right).
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPanel {
    /// Panel title (usually the space name).
    pub title: String,
    /// Name of the parameter on the x axis (its unit follows from the name, see [`Unit::for_name`]).
    pub x_label: String,
    /// Name of the error on the y axis.
    pub y_label: String,
    /// Parameter values of the models drawn.
    pub x: Vec<f64>,
    /// Errors of the models drawn.
    pub y: Vec<f64>,
    /// Number of models in the population; when larger than `x.len()`, the panel says that a subsample is
    /// drawn (see [`subsample`]).
    pub total: usize,
    /// Bootstrap range of the best models: [low, high] shaded, `best` drawn as a vertical black line.
    pub good: Option<BootstrapRange>,
    /// Index into the colour palette (the space's colour).
    pub color: usize,
}

/// Indices of at most `max` of the models, sorted: every model when there are no more than `max`;
/// otherwise the best `max / 20` by error (so the lower envelope the bootstrap looks at stays visible)
/// plus a uniform random subset of the others from `ChaCha8Rng::seed_from_u64(seed)`.
///
/// ```
/// let e: Vec<f64> = (0..10_000).map(|i| (i % 977) as f64).collect();
/// let keep = regnet_stats::plot::subsample(&e, 2_000, 0);
/// assert_eq!(keep.len(), 2_000);
/// assert!(keep.windows(2).all(|w| w[0] < w[1]));
/// assert!(keep.contains(&0)); // error 0: among the best
/// assert_eq!(keep, regnet_stats::plot::subsample(&e, 2_000, 0));
/// ```
pub fn subsample(errors: &[f64], max: usize, seed: u64) -> Vec<usize> {
    let n = errors.len();
    if n <= max {
        return (0..n).collect();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| errors[a].total_cmp(&errors[b]).then(a.cmp(&b)));
    let best = max / 20;
    let mut rest = order.split_off(best);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Partial Fisher–Yates: the first max − best of `rest` become a uniform random subset.
    for i in 0..(max - best) {
        let j = rng.random_range(i..rest.len());
        rest.swap(i, j);
    }
    order.extend_from_slice(&rest[..max - best]);
    order.sort_unstable();
    order
}

/// Error against a parameter, one panel per entry laid out in rows of `columns`, with the bootstrap band
/// shaded and the best value as a vertical line (RegNet paper Fig. 2 middle/right; pycls `plot_values`).
///
/// All panels share one error axis and one parameter axis, so they compare by eye; the parameter axis is
/// logarithmic when it spans more than 10× (base 2 for widths); axes are padded so that no point or line sits on the frame;
/// the best value and range are written above each panel on a white background.
pub fn scatter_svg(panels: &[ScatterPanel], columns: usize) -> String {
    let columns = columns.clamp(1, panels.len().max(1));
    let (pw, ph) = (300.0, 280.0);
    let rows = panels.len().div_ceil(columns).max(1);
    let mut svg = Svg::new(pw * columns as f64, ph * rows as f64);
    let all_x: Vec<f64> = panels.iter().flat_map(|p| p.x.iter().copied()).collect();
    let all_y: Vec<f64> = panels.iter().flat_map(|p| p.y.iter().copied()).collect();
    let x_kind = ScaleKind::for_param(panels.first().map_or("", |p| p.x_label.as_str()), &all_x);
    let (xlo, xhi) = min_max(&all_x);
    let (ylo, yhi) = min_max(&all_y);
    let x_range = padded(xlo, xhi, 0.05, x_kind);
    let y_range = padded(ylo, yhi, 0.08, ScaleKind::Linear);
    for (k, p) in panels.iter().enumerate() {
        let (ox, oy) = ((k % columns) as f64 * pw, (k / columns) as f64 * ph);
        let axes = Axes::new(
            x_range,
            y_range,
            (ox + 62.0, oy + 40.0, pw - 76.0, ph - 96.0),
            x_kind,
            ScaleKind::Linear,
        );
        let (xu, yu) = (Unit::for_name(&p.x_label), Unit::for_name(&p.y_label));
        axes.draw(
            &mut svg,
            "",
            AxisLabel {
                title: &xu.title(&p.x_label),
                unit: xu,
            },
            AxisLabel {
                title: &yu.title(&p.y_label),
                unit: yu,
            },
        );
        svg.text(ox + pw / 2.0, oy + 14.0, &p.title, 13.0, Anchor::Middle);
        if let Some(g) = p.good {
            let (x0, x1) = (axes.x.map(g.low), axes.x.map(g.high));
            svg.rect(
                (x0.min(x1), axes.top, (x1 - x0).abs().max(1.0), axes.height),
                "#888",
                0.18,
                None,
            );
        }
        let dots: Vec<(f64, f64)> = p.x.iter().zip(&p.y).map(|(&x, &y)| axes.px(x, y)).collect();
        svg.dots(&dots, 2.6, color(p.color), 0.55);
        if let Some(g) = p.good {
            let x = axes.x.map(g.best);
            svg.line(
                (x, axes.top),
                (x, axes.top + axes.height),
                "black",
                1.5,
                None,
            );
            let label = format!(
                "best {} [{}, {}]",
                xu.format(g.best, 2),
                xu.format(g.low, 2),
                xu.format(g.high, 2)
            );
            let w = text_width(&label, 10.0) + 8.0;
            let cx = ox + pw / 2.0;
            svg.rect(
                (cx - w / 2.0, oy + 19.0, w, 15.0),
                "white",
                1.0,
                Some("#bbb"),
            );
            svg.text(cx, oy + 30.0, &label, 10.0, Anchor::Middle);
        }
        if p.total > p.x.len() {
            svg.text(
                axes.left + axes.width,
                oy + ph - 8.0,
                &format!(
                    "{} of {} models shown (seeded subsample)",
                    group_digits(p.x.len()),
                    group_digits(p.total)
                ),
                9.5,
                Anchor::End,
            );
        }
    }
    svg.finish()
}

/// The per-block widths of one model (pycls `plot_models`).
#[derive(Debug, Clone, PartialEq)]
pub struct WidthSeries {
    /// Legend entry (e.g. `best 1: error 36.20 %`).
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
/// pycls's `plot_models` and the paper's Fig. 7. Models take the colours of [`MODEL_PALETTE`] in order
/// (not the space colours); the legend sits to the right of the plot.
pub fn widths_svg(series: &[WidthSeries], title: &str) -> String {
    let legend_w = legend_width(series.iter().map(|s| s.label.as_str()));
    let (pw, h) = (520.0, 360.0);
    let mut svg = Svg::new(pw + legend_w + 16.0, h);
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
        (64.0, 30.0, pw - 84.0, h - 84.0),
        ScaleKind::Linear,
        ScaleKind::Log2,
    );
    axes.draw(
        &mut svg,
        title,
        AxisLabel::plain("block index j"),
        AxisLabel::plain("width w_j (channels, log2)"),
    );
    for (i, s) in series.iter().enumerate() {
        let c = model_color(&s.label, i);
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
                c,
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
        svg.polyline(&pts, c, 2.0, None);
        if let Some(fit) = &s.fit {
            let fit_pts: Vec<(f64, f64)> = fit
                .iter()
                .enumerate()
                .filter(|(_, v)| positive(v))
                .map(|(j, &u)| axes.px(j as f64, u))
                .collect();
            svg.polyline(&fit_pts, c, 1.5, Some("6,4"));
        }
    }
    legend(
        &mut svg,
        pw,
        axes.top,
        series
            .iter()
            .enumerate()
            .map(|(i, s)| (s.label.as_str(), model_color(&s.label, i), None)),
    );
    svg.finish()
}

/// The test error after each epoch of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSeries {
    /// Legend entry (e.g. `best 1: error 36.20 %`).
    pub label: String,
    /// Error after epoch 1, 2, ….
    pub values: Vec<f64>,
}

/// Training curves (error against epoch) of several models, for example the best and worst of a space, in
/// the colours of [`MODEL_PALETTE`] (as the width plots and the report's model table); legend to the right.
pub fn curves_svg(series: &[CurveSeries], title: &str, y_label: &str) -> String {
    let legend_w = legend_width(series.iter().map(|s| s.label.as_str()));
    let (pw, h) = (520.0, 340.0);
    let mut svg = Svg::new(pw + legend_w + 16.0, h);
    let epochs = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let all: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .collect();
    let (lo, hi) = min_max(&all);
    let axes = Axes::new(
        padded(1.0, epochs as f64, 0.04, ScaleKind::Linear),
        padded(lo, hi, 0.06, ScaleKind::Linear),
        (64.0, 30.0, pw - 84.0, h - 84.0),
        ScaleKind::Linear,
        ScaleKind::Linear,
    );
    let unit = Unit::for_name(y_label);
    axes.draw(
        &mut svg,
        title,
        AxisLabel::plain("epoch"),
        AxisLabel {
            title: &unit.title(y_label),
            unit,
        },
    );
    for (i, s) in series.iter().enumerate() {
        let c = model_color(&s.label, i);
        let pts: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(e, &v)| axes.px((e + 1) as f64, v))
            .collect();
        svg.polyline(&pts, c, 2.0, None);
        svg.dots(&pts, 3.0, c, 1.0);
    }
    legend(
        &mut svg,
        pw,
        axes.top,
        series.iter().enumerate().map(|(i, s)| {
            (
                s.label.as_str(),
                MODEL_PALETTE[i % MODEL_PALETTE.len()],
                None,
            )
        }),
    );
    svg.finish()
}

/// The trend of a parameter across spaces (pycls `plot_trends`): per space the full min–max range (light),
/// the bootstrap good range (dark) and the best value (black tick), in the space's colour; a log axis
/// when the parameter spans more than 10×.
pub fn trend_svg(param: &str, points: &[TrendPoint]) -> String {
    let (w, h) = (80.0 + 90.0 * points.len().max(1) as f64, 320.0);
    let w = w.max(300.0);
    let mut svg = Svg::new(w, h);
    let lo = points.iter().map(|p| p.min).fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .map(|p| p.max)
        .fold(f64::NEG_INFINITY, f64::max);
    let kind = ScaleKind::for_param(param, &[lo, hi]);
    let n = points.len().max(1) as f64;
    let axes = Axes::new(
        (-0.5, n - 0.5),
        padded(lo, hi, 0.05, kind),
        (72.0, 30.0, w - 92.0, h - 84.0),
        ScaleKind::Linear,
        kind,
    );
    let unit = Unit::for_name(param);
    // Category axis: y grid and ticks only; the space names stand under their bars.
    let ticks = axes.y.ticks(5);
    let labels = tick_labels(&ticks, unit, kind);
    let mut widest: f64 = 0.0;
    for (v, label) in ticks.iter().zip(&labels) {
        let y = axes.y.map(*v);
        svg.line(
            (axes.left, y),
            (axes.left + axes.width, y),
            "#e6e6e6",
            1.0,
            None,
        );
        svg.text(axes.left - 6.0, y + 4.0, label, 11.0, Anchor::End);
        widest = widest.max(text_width(label, 11.0));
    }
    svg.rect(
        (axes.left, axes.top, axes.width, axes.height),
        "none",
        0.0,
        Some("#444"),
    );
    svg.text_rotated(
        axes.left - widest - 16.0,
        axes.top + axes.height / 2.0,
        &unit.title(param),
        12.0,
    );
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

/// The timed models of one space in a runtime plot.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeSeries {
    /// Legend entry (the space name).
    pub label: String,
    /// The complexity of each model (flops, params or acts).
    pub x: Vec<f64>,
    /// Its training time per image, in seconds (drawn in ms).
    pub t: Vec<f64>,
    /// Index into the colour palette (the space's colour).
    pub color: usize,
}

/// Training time per image against a complexity (RegNet paper §5): the models of each space as dots in
/// the space's colour, the least-squares line `fit` in black over the range of the data, Pearson's r in
/// the title and in the legend (to the right of the plot). Linear axes, so the fitted line is straight;
/// t is drawn in ms per image, the complexity with its unit (`400MF`, `2.5M`).
pub fn runtime_svg(x_label: &str, series: &[RuntimeSeries], fit: LineFitSummary) -> String {
    let r_text = match fit.r {
        Some(r) => format!("r = {r:.3}"),
        None => "r undefined".to_string(),
    };
    let fit_label = match (fit.slope, fit.intercept) {
        (Some(_), Some(_)) => format!("least squares, {r_text}"),
        _ => format!("no fit: {x_label} is the same for every model"),
    };
    let labels: Vec<&str> = series
        .iter()
        .map(|s| s.label.as_str())
        .chain([fit_label.as_str()])
        .collect();
    let legend_w = legend_width(labels.iter().copied());
    let (pw, h) = (520.0, 360.0);
    let mut svg = Svg::new(pw + legend_w + 16.0, h);
    let all_x: Vec<f64> = series.iter().flat_map(|s| s.x.iter().copied()).collect();
    let (xlo, xhi) = min_max(&all_x);
    let line = match (fit.slope, fit.intercept) {
        (Some(a), Some(c)) if !all_x.is_empty() => Some([(xlo, a * xlo + c), (xhi, a * xhi + c)]),
        _ => None,
    };
    let all_ms: Vec<f64> = series
        .iter()
        .flat_map(|s| s.t.iter().map(|t| t * 1e3))
        .chain(line.iter().flatten().map(|(_, t)| t * 1e3))
        .collect();
    let (ylo, yhi) = min_max(&all_ms);
    let axes = Axes::new(
        padded(xlo, xhi, 0.05, ScaleKind::Linear),
        padded(ylo, yhi, 0.08, ScaleKind::Linear),
        (64.0, 30.0, pw - 84.0, h - 84.0),
        ScaleKind::Linear,
        ScaleKind::Linear,
    );
    let unit = Unit::for_name(x_label);
    axes.draw(
        &mut svg,
        &format!("t vs {x_label}: {r_text}"),
        AxisLabel {
            title: &unit.title(x_label),
            unit,
        },
        AxisLabel::plain("t (ms per training image)"),
    );
    for s in series {
        let dots: Vec<(f64, f64)> =
            s.x.iter()
                .zip(&s.t)
                .filter(|(x, t)| x.is_finite() && t.is_finite())
                .map(|(&x, &t)| axes.px(x, t * 1e3))
                .collect();
        svg.dots(&dots, 2.6, color(s.color), 0.6);
    }
    if let Some([(x0, t0), (x1, t1)]) = line {
        svg.line(
            axes.px(x0, t0 * 1e3),
            axes.px(x1, t1 * 1e3),
            "black",
            1.8,
            None,
        );
    }
    legend(
        &mut svg,
        pw,
        axes.top,
        series
            .iter()
            .map(|s| (s.label.as_str(), color(s.color), None))
            .chain([(fit_label.as_str(), "black", None)]),
    );
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
        // The legend is right of the plot area (which ends at x = 500), never over the curves.
        assert!(s.contains("<rect x=\"520.00\""));
        assert!(s.contains(">error (%)</text>"));
    }

    #[test]
    fn edf_of_many_models_has_at_most_two_vertices_per_pixel_column() {
        let errors: Vec<f64> = (0..50_000)
            .map(|i| 30.0 + (i as f64 * 0.618_033_988_749_894_8).fract() * 20.0)
            .collect();
        let edf = Edf::new(&errors).unwrap();
        let steps = edf.steps();
        assert_eq!(steps.len(), 50_000);
        let axes = Axes::new(
            (29.0, 51.0),
            (0.0, 1.0),
            (64.0, 20.0, 436.0, 300.0),
            ScaleKind::Linear,
            ScaleKind::Linear,
        );
        let v = edf_vertices(&steps, &axes);
        assert!(v.len() <= 2 * 437 + 3, "{} vertices", v.len());
        // The data cover 20 of the 22 units of the axis: about 396 columns, each drawn.
        assert!(v.len() > 2 * 390, "every column is drawn: {}", v.len());
        // Starts at 0 on the left edge, ends at 1 on the right edge, never goes down.
        assert_eq!(v[0], (64.0, 320.0));
        assert_eq!(*v.last().unwrap(), (500.0, 20.0));
        assert!(v.windows(2).all(|w| w[1].0 >= w[0].0 && w[1].1 <= w[0].1));
    }

    #[test]
    fn scatter_says_when_it_draws_a_subsample() {
        let p = ScatterPanel {
            title: "A".into(),
            x_label: "flops".into(),
            y_label: "error".into(),
            x: vec![1e8, 3e8, 2e9],
            y: vec![40.0, 35.0, 38.0],
            total: 50_000,
            good: None,
            color: 1,
        };
        let s = scatter_svg(&[p], 1);
        assert!(s.contains("3 of 50,000 models shown (seeded subsample)"));
        // 1e8..2e9 spans 20×: log axis with MF / GF ticks, and the axis title names the unit.
        assert!(s.contains(">1GF</text>") && s.contains(">200MF</text>"));
        assert!(s.contains(">flops (multiply-adds)</text>"));
        assert!(s.contains(">error (%)</text>"));
    }

    #[test]
    fn scatter_draws_band_and_best_line() {
        let p = ScatterPanel {
            title: "A".into(),
            x_label: "d".into(),
            y_label: "error".into(),
            x: vec![1.0, 2.0, 3.0],
            y: vec![3.0, 1.0, 2.0],
            total: 3,
            good: Some(BootstrapRange {
                low: 1.5,
                best: 2.0,
                high: 2.5,
            }),
            color: 0,
        };
        let s = scatter_svg(&[p.clone(), p], 2);
        assert_eq!(s.matches("<circle").count(), 6);
        assert_eq!(s.matches("fill-opacity=\"0.18\"").count(), 2);
        assert!(s.contains("best 2 [1.5, 2.5]"));
        assert!(!s.contains("models shown"));
    }

    #[test]
    fn runtime_plot_has_dots_line_and_r() {
        let s = runtime_svg(
            "flops",
            &[
                RuntimeSeries {
                    label: "A".into(),
                    x: vec![2e8, 4e8],
                    t: vec![1e-3, 2e-3],
                    color: 0,
                },
                RuntimeSeries {
                    label: "B".into(),
                    x: vec![6e8],
                    t: vec![3.1e-3],
                    color: 1,
                },
            ],
            LineFitSummary {
                slope: Some(5e-12),
                intercept: Some(0.0),
                r: Some(0.9987),
                r2: Some(0.9974),
            },
        );
        assert_eq!(s.matches("<circle").count(), 3);
        assert!(s.contains(">t vs flops: r = 0.999</text>"));
        assert!(s.contains(">least squares, r = 0.999</text>"));
        assert!(s.contains(">flops (multiply-adds)</text>"));
        assert!(s.contains(">t (ms per training image)</text>"));
        assert!(s.contains(">400MF</text>"));
        assert!(s.contains("stroke=\"black\" stroke-width=\"1.8\""));
        let none = runtime_svg(
            "acts",
            &[RuntimeSeries {
                label: "A".into(),
                x: vec![1e6, 1e6],
                t: vec![1e-3, 2e-3],
                color: 0,
            }],
            LineFitSummary::default(),
        );
        assert!(none.contains(">no fit: acts is the same for every model</text>"));
        assert!(!none.contains("stroke-width=\"1.8\""));
        assert!(!none.contains("NaN"));
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
