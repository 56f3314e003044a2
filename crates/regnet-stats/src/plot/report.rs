//! The self-contained HTML report: summary tables and inline SVG figures, no external assets.

use std::fmt::Write as _;

use super::svg::{escape, fmt_num};
use crate::analyze::{AnalyzeSummary, SMALL_POPULATION};
use crate::ks::{KsMethod, format_p_value};

/// One figure of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Heading shown above the figure.
    pub title: String,
    /// A complete SVG document, inlined as is.
    pub svg: String,
    /// A sentence below the figure.
    pub caption: String,
}

const STYLE: &str = "body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1400px}\
table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid #ccc;padding:4px 10px;text-align:right}\
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}figure{margin:16px 0 28px}\
figcaption{font-size:13px;color:#555;max-width:900px}h2{margin-top:32px;border-bottom:1px solid #ddd}\
.skip{font-size:13px;color:#8a2a2a}\
.warn{background:#fff4d6;border:1px solid #e0b84c;padding:8px 12px;max-width:980px}tr.sig td{background:#eaf5ea}";

/// Lays out a summary and figures as one HTML page: summary table per space (n, min, mean, bootstrap range
/// of each parameter), KS table per pair, skipped lines, then the figures with their SVG inline.
pub fn report_html(summary: &AnalyzeSummary, figures: &[Figure]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Design-space analysis</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<h1>Design-space analysis</h1>\n"
    );
    let b = &summary.bootstrap_options;
    let _ = writeln!(
        h,
        "<p>Metric <code>{}</code>. Best-model ranges: empirical bootstrap (RegNet paper, footnote 4) with \
         B = {} resamples of {} % of the models, {}–{} percentiles, seed {}.</p>",
        escape(&summary.metric),
        b.resamples,
        fmt_num(b.fraction * 100.0),
        fmt_num(b.alpha / 2.0),
        fmt_num(100.0 - b.alpha / 2.0),
        b.seed
    );

    let small: Vec<String> = summary
        .spaces
        .iter()
        .filter(|s| s.n < SMALL_POPULATION)
        .map(|s| format!("{} (n = {})", escape(&s.name), s.n))
        .collect();
    if !small.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"warn\"><strong>Small population{}:</strong> {}. The paper's smallest populations have \
             {SMALL_POPULATION} models. Below that the EDF moves in steps of more than 1 %, the bootstrap \
             \"good\" ranges approach the min–max range of the sample (they say little about where the good \
             models are), and the KS test only detects large differences: read these numbers as indicative.</p>",
            if small.len() == 1 { "" } else { "s" },
            small.join(", ")
        );
    }

    let params: Vec<&String> = summary.params.iter().collect();
    h.push_str("<h2>Summary</h2>\n<table>\n<tr><th>space</th><th>n</th><th>min error</th><th>mean error</th>");
    for p in &params {
        let _ = write!(h, "<th>{} best [low, high]</th>", escape(p));
    }
    h.push_str("</tr>\n");
    for s in &summary.spaces {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.2}</td>",
            escape(&s.name),
            s.n,
            s.min_error,
            s.mean_error
        );
        for p in &params {
            match s.bootstrap.get(*p) {
                Some(r) => {
                    let _ = write!(
                        h,
                        "<td>{} [{}, {}]</td>",
                        fmt_num(r.best),
                        fmt_num(r.low),
                        fmt_num(r.high)
                    );
                }
                None => h.push_str("<td>–</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");

    if !summary.ks.is_empty() {
        let m = summary.ks.len();
        let significant = summary.ks.iter().filter(|k| k.significant).count();
        let _ = writeln!(
            h,
            "<h2>Pairwise comparison</h2>\n<p>Kolmogorov–Smirnov statistic D = sup |F<sub>a</sub> − F<sub>b</sub>| of \
             the error EDFs with its two-sided p-value as SciPy's default <code>ks_2samp</code> computes it (exact \
             up to {} models per space, asymptotic above), and the difference of mean errors with its bootstrap \
             range. <strong>{m} comparison{} made at once</strong>: p-values are Holm-adjusted, and a pair is marked \
             significant when its adjusted p ≤ {} ({significant} of {m}).</p>\n<table>\n<tr><th>a</th><th>b</th>\
             <th>D</th><th>p</th><th>p (Holm, ×{m})</th><th>method</th><th>mean(a) − mean(b) [low, high]</th></tr>",
            crate::ks::MAX_EXACT_N,
            if m == 1 { " is" } else { "s are" },
            fmt_num(crate::analyze::HOLM_ALPHA),
        );
        for k in &summary.ks {
            let p = format_p_value(k.p_value.unwrap_or(f64::NAN));
            let holm = format_p_value(k.p_holm.unwrap_or(f64::NAN));
            let mark = if k.significant { " class=\"sig\"" } else { "" };
            let method = match k.method {
                KsMethod::Exact => "exact",
                _ => "asymptotic",
            };
            let d = &k.mean_difference;
            let _ = writeln!(
                h,
                "<tr{mark}><td>{}</td><td>{}</td><td>{:.3}</td><td>{p}</td><td>{holm}{}</td><td>{method}</td>\
                 <td>{:.2} [{:.2}, {:.2}]</td></tr>",
                escape(&k.a),
                escape(&k.b),
                k.statistic,
                if k.significant { " ✱" } else { "" },
                d.difference,
                d.low,
                d.high
            );
        }
        h.push_str("</table>\n");
    }

    let skipped: usize = summary
        .spaces
        .iter()
        .map(|s| s.non_finite_lines.len() + s.malformed_lines.len())
        .sum();
    if skipped > 0 {
        h.push_str("<h2>Skipped lines</h2>\n<ul class=\"skip\">\n");
        for s in &summary.spaces {
            if !s.non_finite_lines.is_empty() {
                let lines: Vec<String> = s.non_finite_lines.iter().map(usize::to_string).collect();
                let _ = writeln!(
                    h,
                    "<li>{} ({}): non-finite {} on line(s) {}</li>",
                    escape(&s.name),
                    escape(&s.source),
                    escape(&summary.metric),
                    lines.join(", ")
                );
            }
            for m in &s.malformed_lines {
                let _ = writeln!(
                    h,
                    "<li>{} ({}): {}</li>",
                    escape(&s.name),
                    escape(&s.source),
                    escape(&m.message)
                );
            }
        }
        h.push_str("</ul>\n");
    }

    h.push_str("<h2>Figures</h2>\n");
    for f in figures {
        let _ = write!(
            h,
            "<figure>\n<h3>{}</h3>\n{}<figcaption>{}</figcaption>\n</figure>\n",
            escape(&f.title),
            f.svg,
            escape(&f.caption)
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}
