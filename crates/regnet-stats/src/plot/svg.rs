//! A small hand-written SVG writer: no fonts are needed to *write* the files (text is left to the viewer,
//! with a generic `sans-serif` fallback), so plots render on a headless machine.

use std::fmt::Write as _;

/// Matplotlib's "tab10" colours, used for spaces in input order.
pub const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// The colour of the i-th series.
pub fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

pub(crate) const FONT: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An SVG document being written.
pub(crate) struct Svg {
    width: f64,
    height: f64,
    body: String,
}

/// Horizontal text anchor.
#[derive(Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Middle => "middle",
            Self::End => "end",
        }
    }
}

impl Svg {
    pub(crate) fn new(width: f64, height: f64) -> Self {
        Self {
            width,
            height,
            body: String::new(),
        }
    }

    /// A line segment between two points.
    pub(crate) fn line(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        stroke: &str,
        width: f64,
        dash: Option<&str>,
    ) {
        let ((x1, y1), (x2, y2)) = (from, to);
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let _ = writeln!(
            self.body,
            "<line x1=\"{x1:.2}\" y1=\"{y1:.2}\" x2=\"{x2:.2}\" y2=\"{y2:.2}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{dash}/>"
        );
    }

    pub(crate) fn polyline(
        &mut self,
        points: &[(f64, f64)],
        stroke: &str,
        width: f64,
        dash: Option<&str>,
    ) {
        if points.is_empty() {
            return;
        }
        let mut pts = String::with_capacity(points.len() * 14);
        for (x, y) in points {
            let _ = write!(pts, "{x:.2},{y:.2} ");
        }
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let _ = writeln!(
            self.body,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"{dash}/>",
            pts.trim_end()
        );
    }

    /// A rectangle given as (left, top, width, height).
    pub(crate) fn rect(
        &mut self,
        rect: (f64, f64, f64, f64),
        fill: &str,
        opacity: f64,
        stroke: Option<&str>,
    ) {
        let (x, y, w, h) = rect;
        let stroke = stroke
            .map(|s| format!(" stroke=\"{s}\""))
            .unwrap_or_default();
        let _ = writeln!(
            self.body,
            "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{fill}\" fill-opacity=\"{opacity}\"{stroke}/>",
            w.max(0.0),
            h.max(0.0)
        );
    }

    /// Many dots of one colour in one group, positions to 0.1 px (a scatter of thousands of models stays
    /// at about 35 bytes per dot).
    pub(crate) fn dots(&mut self, points: &[(f64, f64)], r: f64, fill: &str, opacity: f64) {
        if points.is_empty() {
            return;
        }
        let _ = write!(self.body, "<g fill=\"{fill}\" fill-opacity=\"{opacity}\">");
        for (x, y) in points {
            let _ = write!(self.body, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\"/>");
        }
        self.body.push_str("</g>\n");
    }

    pub(crate) fn text(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: Anchor) {
        let _ = writeln!(
            self.body,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" font-size=\"{size}\" text-anchor=\"{}\">{}</text>",
            anchor.as_str(),
            escape(s)
        );
    }

    pub(crate) fn text_rotated(&mut self, x: f64, y: f64, s: &str, size: f64) {
        let _ = writeln!(
            self.body,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" font-size=\"{size}\" text-anchor=\"middle\" transform=\"rotate(-90 {x:.2} {y:.2})\">{}</text>",
            escape(s)
        );
    }

    pub(crate) fn finish(self) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
             font-family=\"{FONT}\" fill=\"#222\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n{body}</svg>\n",
            w = self.width,
            h = self.height,
            body = self.body
        )
    }
}

/// How an axis maps data to pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleKind {
    /// Linear.
    Linear,
    /// Base-2 logarithmic (widths: ticks at powers of two).
    Log2,
    /// Base-10 logarithmic (flops, params: ticks at 1, 2, 5 × 10^k).
    Log10,
}

impl ScaleKind {
    /// Log10 when all values are positive and the largest is more than 10× the smallest, else linear
    /// (the issue's rule for quantities such as flops and params that span 30–100×).
    pub fn for_values(values: &[f64]) -> Self {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if lo > 0.0 && hi > 10.0 * lo {
            Self::Log10
        } else {
            Self::Linear
        }
    }

    /// [`ScaleKind::for_values`], with base 2 for widths (`w0`, `w1`…`w4`, `ws`): channel counts are
    /// read in doublings.
    pub fn for_param(name: &str, values: &[f64]) -> Self {
        let kind = Self::for_values(values);
        let width = name == "ws"
            || (name.len() >= 2
                && name.starts_with('w')
                && name[1..].chars().all(|c| c.is_ascii_digit()));
        if kind == Self::Log10 && width {
            Self::Log2
        } else {
            kind
        }
    }

    fn is_log(self) -> bool {
        self != Self::Linear
    }
}

/// What the numbers on an axis measure, for tick labels with units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A plain number (d, g, wm, …); large values get K / M suffixes.
    Plain,
    /// A percentage (errors): `36%`.
    Percent,
    /// Multiply-adds: `400MF`, `1.2GF`.
    Flops,
    /// A count (params, acts): `2.5M`, `340K`.
    Count,
}

impl Unit {
    /// The unit of a parameter or metric by its name: `flops` → [`Unit::Flops`], `params` / `acts` →
    /// [`Unit::Count`], names containing `err` → [`Unit::Percent`], anything else [`Unit::Plain`].
    pub fn for_name(name: &str) -> Self {
        match name {
            "flops" => Self::Flops,
            "params" | "acts" => Self::Count,
            n if n.contains("err") => Self::Percent,
            _ => Self::Plain,
        }
    }

    /// The axis title with its unit, e.g. `error (%)`, `flops (multiply-adds)`.
    pub fn title(self, name: &str) -> String {
        match self {
            Self::Percent => format!("{name} (%)"),
            Self::Flops => format!("{name} (multiply-adds)"),
            Self::Count => format!("{name} (count)"),
            Self::Plain => name.to_string(),
        }
    }

    /// The SI divisor and suffix for values up to `max` in magnitude.
    fn prefix(self, max: f64) -> (f64, &'static str) {
        let (div, p) = if max >= 1e9 {
            (1e9, "G")
        } else if max >= 1e6 {
            (1e6, "M")
        } else if max >= 1e4 || (max >= 1e3 && self != Self::Plain) {
            (1e3, "K")
        } else {
            (1.0, "")
        };
        match (self, p) {
            (Self::Percent, _) => (1.0, "%"),
            (Self::Flops, "G") => (div, "GF"),
            (Self::Flops, "M") => (div, "MF"),
            (Self::Flops, "K") => (div, "KF"),
            _ => (div, p),
        }
    }

    /// One value with its unit and up to `decimals` decimals (trailing zeros dropped): `1.2GF`, `36.5%`.
    pub fn format(self, v: f64, decimals: usize) -> String {
        let (div, suffix) = self.prefix(v.abs());
        format!("{}{suffix}", trim_decimals(v / div, decimals))
    }
}

/// `v` with `decimals` decimals, trailing zeros and a trailing point removed.
fn trim_decimals(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// Labels for the ticks of one axis: one SI prefix and one number of decimals for a linear axis (so the
/// labels read alike: `0MF 200MF 400MF`), a prefix per label on a log axis (`100MF 1GF`).
///
/// ```
/// use regnet_stats::plot::{ScaleKind, Unit, tick_labels};
/// assert_eq!(
///     tick_labels(&[2e8, 4e8, 6e8], Unit::Flops, ScaleKind::Linear),
///     ["200MF", "400MF", "600MF"]
/// );
/// assert_eq!(tick_labels(&[36.0, 38.5], Unit::Percent, ScaleKind::Linear), ["36%", "38.5%"]);
/// ```
pub fn tick_labels(ticks: &[f64], unit: Unit, kind: ScaleKind) -> Vec<String> {
    if kind.is_log() {
        return ticks.iter().map(|&t| unit.format(t, 2)).collect();
    }
    let max = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
    let (div, suffix) = unit.prefix(max);
    let step = ticks
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(f64::INFINITY, f64::min);
    // The fewest decimals that write every tick exactly (2.5 needs one, 200 none).
    let decimals = (0..=4)
        .find(|&d| {
            let f = 10f64.powi(d);
            ticks.iter().all(|&t| {
                let v = t / div;
                ((v * f).round() / f - v).abs() <= 1e-6 * (step / div).max(1e-12)
            })
        })
        .unwrap_or(4) as usize;
    ticks
        .iter()
        .map(|&t| {
            if t == 0.0 {
                "0".to_string()
            } else {
                format!("{}{suffix}", trim_decimals(t / div, decimals))
            }
        })
        .collect()
}

/// A linear or logarithmic map from data to pixels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    p0: f64,
    p1: f64,
    kind: ScaleKind,
}

impl Scale {
    pub(crate) fn new(kind: ScaleKind, lo: f64, hi: f64, p0: f64, p1: f64) -> Self {
        match kind {
            ScaleKind::Linear => Self::linear(lo, hi, p0, p1),
            ScaleKind::Log2 | ScaleKind::Log10 => {
                let mut s = Self::log2(lo, hi, p0, p1);
                s.kind = kind;
                s
            }
        }
    }

    pub(crate) fn linear(lo: f64, hi: f64, p0: f64, p1: f64) -> Self {
        let (lo, hi) = widen(lo, hi);
        Self {
            lo,
            hi,
            p0,
            p1,
            kind: ScaleKind::Linear,
        }
    }

    /// A log2 scale; `lo` and `hi` must be positive.
    pub(crate) fn log2(lo: f64, hi: f64, p0: f64, p1: f64) -> Self {
        let (l, h) = widen(
            lo.max(f64::MIN_POSITIVE).log2(),
            hi.max(f64::MIN_POSITIVE).log2(),
        );
        Self {
            lo: l.exp2(),
            hi: h.exp2(),
            p0,
            p1,
            kind: ScaleKind::Log2,
        }
    }

    pub(crate) fn kind(&self) -> ScaleKind {
        self.kind
    }

    pub(crate) fn map(&self, v: f64) -> f64 {
        let (v, lo, hi) = if self.kind.is_log() {
            (
                v.max(f64::MIN_POSITIVE).log2(),
                self.lo.log2(),
                self.hi.log2(),
            )
        } else {
            (v, self.lo, self.hi)
        };
        self.p0 + (v - lo) / (hi - lo) * (self.p1 - self.p0)
    }

    pub(crate) fn ticks(&self, target: usize) -> Vec<f64> {
        match self.kind {
            ScaleKind::Log2 => {
                let (a, b) = (self.lo.log2().ceil() as i32, self.hi.log2().floor() as i32);
                let step = ((b - a) / target.max(1) as i32).max(1);
                (a..=b)
                    .step_by(step as usize)
                    .map(|e| 2f64.powi(e))
                    .collect()
            }
            ScaleKind::Log10 => {
                let (a, b) = (
                    self.lo.log10().floor() as i32,
                    self.hi.log10().ceil() as i32,
                );
                let inside =
                    |v: &f64| *v >= self.lo * (1.0 - 1e-12) && *v <= self.hi * (1.0 + 1e-12);
                for mantissas in [&[1.0, 2.0, 5.0][..], &[1.0][..]] {
                    let t: Vec<f64> = (a..=b)
                        .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
                        .filter(inside)
                        .collect();
                    if t.len() >= 2 && t.len() <= 2 * target {
                        return t;
                    }
                }
                nice_ticks(self.lo, self.hi, target)
            }
            ScaleKind::Linear => nice_ticks(self.lo, self.hi, target),
        }
    }
}

/// Gives a degenerate range some width.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if hi > lo {
        (lo, hi)
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        (lo - pad, hi + pad)
    }
}

/// [lo, hi] padded by `fraction` of the span on each side (multiplicatively on a log scale), so that no
/// data point or best-value line sits on the frame.
pub(crate) fn padded(lo: f64, hi: f64, fraction: f64, kind: ScaleKind) -> (f64, f64) {
    if kind.is_log() && lo > 0.0 && hi > 0.0 {
        let f = (hi / lo).powf(fraction).max(1.05);
        (lo / f, hi * f)
    } else {
        let pad = ((hi - lo) * fraction).max(if hi == lo {
            lo.abs().max(1.0) * 0.05
        } else {
            0.0
        });
        (lo - pad, hi + pad)
    }
}

/// Round-number ticks inside [lo, hi], about `target` of them.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span > 0.0 && span.is_finite()) {
        return vec![lo];
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= target as f64 + 0.5)
        .unwrap_or(10.0 * mag);
    let (start, end) = ((lo / step).ceil(), (hi / step + 1e-9).floor());
    if !(step > 0.0 && start.is_finite() && end.is_finite() && end - start <= 100.0) {
        return vec![lo, hi];
    }
    (start as i64..=end as i64)
        .map(|k| k as f64 * step)
        .collect()
}

/// A compact label for a value in text (not a tick): no e-notation, K / M / G suffixes for large numbers.
pub(crate) fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if a >= 1e4 {
        return Unit::Plain.format(v, 2);
    }
    let decimals = if a >= 100.0 || v.fract() == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        // Three significant digits below 1.
        (3 - a.log10().floor() as i32 - 1).clamp(3, 8) as usize
    };
    trim_decimals(v, decimals)
}

/// `10000` as `10,000`.
pub(crate) fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Estimated width in pixels of a label at font size 11.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

/// Keeps every k-th tick (k = 1, 2, 3, …) until neighbouring labels are at least their size apart.
fn thin(ticks: Vec<(f64, String)>, room: impl Fn(&str) -> f64) -> Vec<(f64, String)> {
    for k in 1..=ticks.len().max(1) {
        let kept: Vec<(f64, String)> = ticks.iter().step_by(k).cloned().collect();
        let ok = kept
            .windows(2)
            .all(|w| (w[1].0 - w[0].0).abs() >= (room(&w[0].1) + room(&w[1].1)) / 2.0 + 8.0);
        if ok {
            return kept;
        }
    }
    ticks.into_iter().take(1).collect()
}

/// A plotting area with its two scales.
pub(crate) struct Axes {
    pub x: Scale,
    pub y: Scale,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// What to write on an axis: its title and the unit of its tick labels.
pub(crate) struct AxisLabel<'a> {
    pub title: &'a str,
    pub unit: Unit,
}

impl<'a> AxisLabel<'a> {
    pub(crate) fn plain(title: &'a str) -> Self {
        Self {
            title,
            unit: Unit::Plain,
        }
    }
}

impl Axes {
    /// Axes in the rectangle (left, top, width, height) of the document.
    pub(crate) fn new(
        x: (f64, f64),
        y: (f64, f64),
        rect: (f64, f64, f64, f64),
        x_kind: ScaleKind,
        y_kind: ScaleKind,
    ) -> Self {
        let (left, top, width, height) = rect;
        Self {
            x: Scale::new(x_kind, x.0, x.1, left, left + width),
            y: Scale::new(y_kind, y.0, y.1, top + height, top),
            left,
            top,
            width,
            height,
        }
    }

    pub(crate) fn px(&self, x: f64, y: f64) -> (f64, f64) {
        (self.x.map(x), self.y.map(y))
    }

    /// Frame, grid, ticks (thinned until their labels do not touch), axis titles and title.
    pub(crate) fn draw(&self, svg: &mut Svg, title: &str, x: AxisLabel, y: AxisLabel) {
        let (l, t, w, h) = (self.left, self.top, self.width, self.height);
        let labelled = |s: &Scale, unit: Unit, target: usize| -> Vec<(f64, String)> {
            let ticks = s.ticks(target);
            let labels = tick_labels(&ticks, unit, s.kind());
            ticks.iter().map(|&v| s.map(v)).zip(labels).collect()
        };
        let y_ticks = thin(labelled(&self.y, y.unit, 5), |_| 13.0);
        let mut widest: f64 = 0.0;
        for (py, label) in &y_ticks {
            svg.line((l, *py), (l + w, *py), "#e6e6e6", 1.0, None);
            svg.line((l - 4.0, *py), (l, *py), "#444", 1.0, None);
            svg.text(l - 6.0, py + 4.0, label, 11.0, Anchor::End);
            widest = widest.max(text_width(label, 11.0));
        }
        let x_ticks = thin(labelled(&self.x, x.unit, 6), |s| text_width(s, 11.0));
        for (px, label) in &x_ticks {
            svg.line((*px, t), (*px, t + h), "#e6e6e6", 1.0, None);
            svg.line((*px, t + h), (*px, t + h + 4.0), "#444", 1.0, None);
            svg.text(*px, t + h + 16.0, label, 11.0, Anchor::Middle);
        }
        svg.rect((l, t, w, h), "none", 0.0, Some("#444"));
        svg.text(l + w / 2.0, t + h + 34.0, x.title, 12.0, Anchor::Middle);
        svg.text_rotated(l - widest - 16.0, t + h / 2.0, y.title, 12.0);
        if !title.is_empty() {
            svg.text(l + w / 2.0, t - 8.0, title, 13.0, Anchor::Middle);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside() {
        assert_eq!(
            nice_ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(
            nice_ticks(31.0, 58.0, 5),
            vec![35.0, 40.0, 45.0, 50.0, 55.0]
        );
        let s = Scale::log2(16.0, 1024.0, 0.0, 100.0);
        assert_eq!(
            s.ticks(8),
            vec![16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0]
        );
        assert_eq!(s.map(16.0), 0.0);
        assert!((s.map(128.0) - 50.0).abs() < 1e-12);
    }

    #[test]
    fn tick_labels_have_units_and_one_style() {
        let t = nice_ticks(0.0, 1.0e9, 5);
        assert_eq!(
            tick_labels(&t, Unit::Flops, ScaleKind::Linear),
            vec!["0", "0.2GF", "0.4GF", "0.6GF", "0.8GF", "1GF"]
        );
        assert_eq!(
            tick_labels(&[35.0, 37.5, 40.0], Unit::Percent, ScaleKind::Linear),
            vec!["35%", "37.5%", "40%"]
        );
        assert_eq!(
            tick_labels(&[1e5, 2e5, 5e5, 1e6, 2e6], Unit::Count, ScaleKind::Log10),
            vec!["100K", "200K", "500K", "1M", "2M"]
        );
        let s = Scale::new(ScaleKind::Log10, 3.0e5, 2.0e7, 0.0, 100.0);
        assert_eq!(s.ticks(6), vec![5e5, 1e6, 2e6, 5e6, 1e7, 2e7]);
        assert_eq!(ScaleKind::for_values(&[1.0, 9.0]), ScaleKind::Linear);
        assert_eq!(ScaleKind::for_values(&[1.0, 30.0]), ScaleKind::Log10);
        assert_eq!(ScaleKind::for_param("w4", &[32.0, 1024.0]), ScaleKind::Log2);
        assert_eq!(ScaleKind::for_param("wa", &[2.0, 40.0]), ScaleKind::Log10);
        assert_eq!(
            ScaleKind::for_param("w4", &[256.0, 1024.0]),
            ScaleKind::Linear
        );
    }

    #[test]
    fn crowded_ticks_are_thinned() {
        // Labels 60 px wide every 20 px: only every 4th survives (20·4 ≥ 60 + 8).
        let ticks: Vec<(f64, String)> = (0..9).map(|i| (20.0 * i as f64, "x".repeat(10))).collect();
        let kept = thin(ticks, |s| text_width(s, 11.0) - 6.0);
        assert_eq!(
            kept.iter().map(|k| k.0).collect::<Vec<_>>(),
            vec![0.0, 80.0, 160.0]
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(36.0), "36");
        assert_eq!(fmt_num(1.5e9), "1.5G");
        assert_eq!(fmt_num(0.0524), "0.0524");
        assert_eq!(group_digits(50_000), "50,000");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}
