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

    pub(crate) fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, opacity: f64) {
        let _ = writeln!(
            self.body,
            "<circle cx=\"{cx:.2}\" cy=\"{cy:.2}\" r=\"{r}\" fill=\"{fill}\" fill-opacity=\"{opacity}\"/>"
        );
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

/// A linear or base-2 logarithmic map from data to pixels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    p0: f64,
    p1: f64,
    log2: bool,
}

impl Scale {
    pub(crate) fn linear(lo: f64, hi: f64, p0: f64, p1: f64) -> Self {
        let (lo, hi) = widen(lo, hi);
        Self {
            lo,
            hi,
            p0,
            p1,
            log2: false,
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
            log2: true,
        }
    }

    pub(crate) fn map(&self, v: f64) -> f64 {
        let (v, lo, hi) = if self.log2 {
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
        if self.log2 {
            let (a, b) = (self.lo.log2().ceil() as i32, self.hi.log2().floor() as i32);
            let step = ((b - a) / target.max(1) as i32).max(1);
            (a..=b)
                .step_by(step as usize)
                .map(|e| 2f64.powi(e))
                .collect()
        } else {
            nice_ticks(self.lo, self.hi, target)
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

/// A compact label for a tick or a value.
pub(crate) fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    let s = if !(1e-3..1e6).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
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

impl Axes {
    /// Axes in the rectangle (left, top, width, height) of the document.
    pub(crate) fn new(
        x: (f64, f64),
        y: (f64, f64),
        rect: (f64, f64, f64, f64),
        x_log2: bool,
        y_log2: bool,
    ) -> Self {
        let (left, top, width, height) = rect;
        let xs = if x_log2 {
            Scale::log2(x.0, x.1, left, left + width)
        } else {
            Scale::linear(x.0, x.1, left, left + width)
        };
        let ys = if y_log2 {
            Scale::log2(y.0, y.1, top + height, top)
        } else {
            Scale::linear(y.0, y.1, top + height, top)
        };
        Self {
            x: xs,
            y: ys,
            left,
            top,
            width,
            height,
        }
    }

    pub(crate) fn px(&self, x: f64, y: f64) -> (f64, f64) {
        (self.x.map(x), self.y.map(y))
    }

    /// Frame, grid, ticks, axis labels and title.
    pub(crate) fn draw(&self, svg: &mut Svg, title: &str, x_label: &str, y_label: &str) {
        let (l, t, w, h) = (self.left, self.top, self.width, self.height);
        for v in self.y.ticks(5) {
            let y = self.y.map(v);
            svg.line((l, y), (l + w, y), "#e6e6e6", 1.0, None);
            svg.line((l - 4.0, y), (l, y), "#444", 1.0, None);
            svg.text(l - 6.0, y + 4.0, &fmt_num(v), 11.0, Anchor::End);
        }
        for v in self.x.ticks(6) {
            let x = self.x.map(v);
            svg.line((x, t), (x, t + h), "#e6e6e6", 1.0, None);
            svg.line((x, t + h), (x, t + h + 4.0), "#444", 1.0, None);
            svg.text(x, t + h + 16.0, &fmt_num(v), 11.0, Anchor::Middle);
        }
        svg.rect((l, t, w, h), "none", 0.0, Some("#444"));
        svg.text(l + w / 2.0, t + h + 34.0, x_label, 12.0, Anchor::Middle);
        svg.text_rotated(l - 44.0, t + h / 2.0, y_label, 12.0);
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
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(fmt_num(0.25), "0.25");
        assert_eq!(fmt_num(36.0), "36");
        assert_eq!(fmt_num(1.5e9), "1.50e9");
    }
}
