//! The self-contained HTML report: summary tables and inline SVG figures, no external assets.

use std::fmt::Write as _;

use super::model_color;
use super::svg::{color, escape, fmt_num, group_digits};
use crate::analyze::{AnalyzeSummary, SMALL_POPULATION, fmt_value};
use crate::ks::{KsMethod, format_p_value};
use crate::runtime::RuntimeFit;

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
table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;\
text-align:right;white-space:nowrap}th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}\
.wide{max-width:100%;overflow-x:auto}figure{margin:16px 0 28px}svg{max-width:100%;height:auto}\
figcaption{font-size:13px;color:#555;max-width:900px}h2{margin-top:32px;border-bottom:1px solid #ddd}\
.skip{font-size:13px;color:#8a2a2a}.top{font-size:12px;font-weight:normal;margin-left:12px}\
.warn{background:#fff4d6;border:1px solid #e0b84c;padding:8px 12px;max-width:980px}tr.sig td{background:#eaf5ea}\
dl.head{display:grid;grid-template-columns:repeat(3,max-content minmax(0,1fr));gap:3px 12px;font-size:13px;margin:8px 0;max-width:1300px}\
dl.head dt{font-weight:bold}dl.head dd{margin:0}.sw{display:inline-block;width:10px;height:10px;margin-right:5px}\
dl.gloss{display:grid;grid-template-columns:max-content auto;gap:2px 14px;font-size:13px}dl.gloss dd{margin:0}\
nav ol{columns:3;font-size:13px;max-width:1200px}nav h2{margin-top:16px}";

/// The parameters and terms the report uses, in the paper's words: (symbol, meaning).
const GLOSSARY: [(&str, &str); 18] = [
    (
        "error",
        "top-1 test error of a trained model, in % (the minimum over epochs)",
    ),
    ("d", "depth: number of blocks of the network (Σ d_i)"),
    (
        "d1…d4 (d_i)",
        "depth of stage i: number of blocks in the stage",
    ),
    (
        "w1…w4 (w_i)",
        "width of stage i: output channels of its blocks",
    ),
    (
        "g1…g4 (g_i), g",
        "group width of stage i's 3×3 group convolution (g when shared)",
    ),
    (
        "b1…b4 (b_i), b",
        "bottleneck ratio of stage i (b when shared)",
    ),
    ("w0", "RegNet initial width (Eq. 2)"),
    (
        "wa",
        "RegNet slope: continuous widths u_j = w0 + wa·j (Eq. 2)",
    ),
    (
        "wm",
        "RegNet width multiplier: quantized widths w0·wm^s_j (Eq. 3)",
    ),
    (
        "flops",
        "multiply-adds of one forward pass (MF = 10^6, GF = 10^9)",
    ),
    ("params", "number of parameters (K = 10^3, M = 10^6)"),
    (
        "acts",
        "activations: number of elements of every conv output",
    ),
    (
        "EDF",
        "empirical distribution function F(e): fraction of models with error below e (§3.1)",
    ),
    (
        "n",
        "number of models of a space (the paper samples 100 to 500 per space)",
    ),
    (
        "[n|min|mean]",
        "EDF legend: models, minimum error, mean error",
    ),
    (
        "good range",
        "95 % bootstrap range of a parameter over the best models (footnote 4)",
    ),
    (
        "D",
        "Kolmogorov–Smirnov statistic: largest vertical gap between two EDFs",
    ),
    (
        "p (Holm)",
        "p-value adjusted for the number of comparisons (Holm 1979)",
    ),
];

/// Lays out a summary and figures as one HTML page: a header (inputs, data set, resolution, epochs,
/// backend, date, seed, B), a table of contents, a glossary, a compact summary per space, the good ranges
/// (one row per parameter, one column per space: fits 1024 px), the best and worst models, the KS
/// comparisons with their Holm correction, skipped lines, the Runtime section when the summary has runtime
/// fits (their table, a note on the models left out, and `runtime_figures`), then the figures with their
/// SVG inline.
pub fn report_html(
    summary: &AnalyzeSummary,
    figures: &[Figure],
    runtime_figures: &[Figure],
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Design-space analysis</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<h1 id=\"top\">Design-space analysis</h1>\n"
    );
    header(&mut h, summary);
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

    toc(&mut h, summary, figures, runtime_figures);
    section(&mut h, "summary", "Summary");
    h.push_str(
        "<table>\n<tr><th>space</th><th>n</th><th>min error</th><th>mean error</th><th>file</th></tr>\n",
    );
    for (i, s) in summary.spaces.iter().enumerate() {
        let _ = writeln!(
            h,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{:.2}</td>\
             <td>{:.2}</td><td>{}</td></tr>",
            color(i),
            escape(&s.name),
            s.n,
            s.min_error,
            s.mean_error,
            escape(&file_name(&s.source))
        );
    }
    h.push_str("</table>\n");

    if !summary.params.is_empty() {
        section(&mut h, "ranges", "Good ranges of the parameters");
        h.push_str(
            "<p>Per parameter and space: the most likely best value and, in brackets, the 95 % bootstrap range \
             of the best models (RegNet paper, footnote 4).</p>\n<div class=\"wide\"><table>\n<tr><th>parameter</th>",
        );
        for s in &summary.spaces {
            let _ = write!(h, "<th>{}</th>", escape(&s.name));
        }
        h.push_str("</tr>\n");
        for p in &summary.params {
            let _ = write!(h, "<tr><td>{}</td>", escape(p));
            for s in &summary.spaces {
                match s.bootstrap.get(p) {
                    Some(r) => {
                        let _ = write!(
                            h,
                            "<td>{} [{}, {}]</td>",
                            fmt_value(r.best, p),
                            fmt_value(r.low, p),
                            fmt_value(r.high, p)
                        );
                    }
                    None => h.push_str("<td>–</td>"),
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table></div>\n");
    }

    if !summary.ks.is_empty() {
        let m = summary.ks.len();
        let significant = summary.ks.iter().filter(|k| k.significant).count();
        let _ = writeln!(
            h,
            "<h2 id=\"ks\">Pairwise comparison <a class=\"top\" href=\"#top\">↑ contents</a></h2>\n<p>Kolmogorov–Smirnov statistic D = sup |F<sub>a</sub> − F<sub>b</sub>| of \
             the error EDFs with its two-sided p-value as SciPy's default <code>ks_2samp</code> computes it (exact \
             up to {} models per space, asymptotic above), and the difference of mean errors with its bootstrap \
             range. <strong>{m} comparison{} made at once</strong>: p-values are Holm-adjusted, and a pair is marked \
             significant when its adjusted p ≤ {} ({significant} of {m}).</p>\n<table>\n<tr><th>a</th><th>b</th>\
             <th>D</th><th>p</th><th>p (Holm, ×{m})</th><th>method</th><th>mean(a) − mean(b) [low, high]</th></tr>",
            group_digits(crate::ks::MAX_EXACT_N),
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

    extremes_table(&mut h, summary);

    let skipped: usize = summary
        .spaces
        .iter()
        .map(|s| s.non_finite_lines.len() + s.malformed_lines.len())
        .sum();
    if skipped > 0 {
        section(&mut h, "skipped", "Skipped lines");
        h.push_str("<ul class=\"skip\">\n");
        for s in &summary.spaces {
            if !s.non_finite_lines.is_empty() {
                let lines: Vec<String> = s.non_finite_lines.iter().map(usize::to_string).collect();
                let _ = writeln!(
                    h,
                    "<li>{} ({}): non-finite {} on line(s) {}</li>",
                    escape(&s.name),
                    escape(&file_name(&s.source)),
                    escape(&summary.metric),
                    lines.join(", ")
                );
            }
            for m in &s.malformed_lines {
                let _ = writeln!(
                    h,
                    "<li>{} ({}): {}</li>",
                    escape(&s.name),
                    escape(&file_name(&s.source)),
                    escape(&m.message)
                );
            }
        }
        h.push_str("</ul>\n");
    }

    runtime_section(&mut h, summary, runtime_figures);

    section(&mut h, "figures", "Figures");
    for (i, f) in figures.iter().enumerate() {
        figure(&mut h, &format!("fig{}", i + 1), f);
    }
    glossary(&mut h);
    h.push_str("</body>\n</html>\n");
    h
}

/// One figure with its anchor, heading, inline SVG and caption.
fn figure(h: &mut String, id: &str, f: &Figure) {
    let _ = write!(
        h,
        "<figure id=\"{id}\">\n<h3>{} <a class=\"top\" href=\"#top\">↑ contents</a></h3>\n{}<figcaption>{}</figcaption>\n</figure>\n",
        escape(&f.title),
        f.svg,
        escape(&f.caption)
    );
}

/// The Runtime section (`--runtime`): the fits of the training time per image t against flops, params,
/// acts and flops+acts, a note when models were left out for lacking timings, and the two plots.
fn runtime_section(h: &mut String, summary: &AnalyzeSummary, runtime_figures: &[Figure]) {
    let Some(rt) = &summary.runtime else {
        return;
    };
    section(h, "runtime", "Runtime");
    let _ = writeln!(
        h,
        "<p>Training time per image t (per model, the mean over its epochs of 1 / images_per_sec, in \
         seconds) against each complexity by least squares with an intercept, and against flops and acts \
         jointly (t = a·flops + b·acts + c), over the {} timed models of all spaces. The RegNet paper (§5) \
         finds that on GPUs activations, not flops, track runtime; the measurements here are for the \
         backend{} the models were trained on ({}).</p>",
        rt.n,
        if summary.run.backends.len() == 1 {
            ""
        } else {
            "s"
        },
        if summary.run.backends.is_empty() {
            "not recorded".to_string()
        } else {
            escape(&summary.run.backends.join(", "))
        }
    );
    if rt.skipped > 0 {
        let total = rt.n + rt.skipped;
        let _ = writeln!(
            h,
            "<p class=\"warn\"><strong>{} of {total} model{} left out</strong> of the runtime fits: no epoch \
             timings (images_per_sec) or no flops, params and acts in the results.</p>",
            rt.skipped,
            if total == 1 { "" } else { "s" },
        );
    }
    let sci = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{v:.4e}"));
    let r = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{v:.4}"));
    h.push_str(
        "<table>\n<tr><th>t on</th><th>slope (s per unit)</th><th>intercept (s)</th><th>r</th><th>r²</th></tr>\n",
    );
    for f in &rt.fits {
        let (on, row) = match f {
            RuntimeFit::Flops(l) => ("flops", l),
            RuntimeFit::Params(l) => ("params", l),
            RuntimeFit::Acts(l) => ("acts", l),
            RuntimeFit::FlopsActs(p) => {
                let coef = p.coef.map_or_else(
                    || "–".to_string(),
                    |[a, b]| format!("a = {a:.4e}, b = {b:.4e}"),
                );
                let _ = writeln!(
                    h,
                    "<tr><td>flops + acts</td><td>{coef}</td><td>{}</td><td>–</td><td>{} (R²)</td></tr>",
                    sci(p.intercept),
                    r(p.r2)
                );
                continue;
            }
        };
        let _ = writeln!(
            h,
            "<tr><td>{on}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            sci(row.slope),
            sci(row.intercept),
            r(row.r),
            r(row.r2)
        );
    }
    h.push_str(
        "</table>\n<p class=\"skip\">– : undefined (a complexity that is the same for every model, collinear \
         flops and acts, or a constant t).</p>\n",
    );
    for (i, f) in runtime_figures.iter().enumerate() {
        figure(h, &format!("runtime{}", i + 1), f);
    }
}

/// An `<h2>` with an anchor and a link back to the table of contents.
fn section(h: &mut String, id: &str, title: &str) {
    let _ = writeln!(
        h,
        "<h2 id=\"{id}\">{} <a class=\"top\" href=\"#top\">↑ contents</a></h2>",
        escape(title)
    );
}

/// The last component of a path, so that the report does not show the machine's folders.
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |f| f.to_string_lossy().into_owned())
}

/// The header: what the report is about.
fn header(h: &mut String, summary: &AnalyzeSummary) {
    let run = &summary.run;
    let b = &summary.bootstrap_options;
    let unknown = "<em>not recorded</em>".to_string();
    let inputs: Vec<String> = summary
        .spaces
        .iter()
        .map(|s| format!("{} ({})", escape(&file_name(&s.source)), escape(&s.name)))
        .collect();
    let n_total: usize = summary.spaces.iter().map(|s| s.n).sum();
    let rows = [
        (
            "inputs",
            format!(
                "{} — {} models in {} spaces",
                inputs.join(", "),
                n_total,
                summary.spaces.len()
            ),
        ),
        (
            "data set",
            run.dataset.as_deref().map_or(unknown.clone(), escape),
        ),
        (
            "resolution",
            run.resolution
                .map_or(unknown.clone(), |r| format!("{r} px")),
        ),
        (
            "epochs",
            run.epochs.map_or(unknown.clone(), |e| e.to_string()),
        ),
        (
            "backend",
            if run.backends.is_empty() {
                unknown.clone()
            } else {
                escape(&run.backends.join(", "))
            },
        ),
        (
            "metric",
            format!("<code>{}</code>", escape(&summary.metric)),
        ),
        ("date", escape(&run.date)),
        (
            "bootstrap",
            format!(
                "B = {} resamples of {} % of the models, {}–{} percentiles (RegNet paper, footnote 4)",
                b.resamples,
                fmt_num(b.fraction * 100.0),
                fmt_num(b.alpha / 2.0),
                fmt_num(100.0 - b.alpha / 2.0)
            ),
        ),
        (
            "seed",
            format!("{} (bootstrap and plot subsampling)", b.seed),
        ),
    ];
    h.push_str("<dl class=\"head\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
    }
    h.push_str("</dl>\n");
}

/// The table of contents: the sections in page order, then every figure, then the glossary.
fn toc(h: &mut String, summary: &AnalyzeSummary, figures: &[Figure], runtime_figures: &[Figure]) {
    h.push_str("<nav><h2>Contents</h2><ol>\n<li><a href=\"#summary\">Summary</a></li>\n");
    if !summary.params.is_empty() {
        h.push_str("<li><a href=\"#ranges\">Good ranges of the parameters</a></li>\n");
    }
    if !summary.ks.is_empty() {
        h.push_str("<li><a href=\"#ks\">Pairwise comparison</a></li>\n");
    }
    if summary.spaces.iter().any(|s| !s.extremes.is_empty()) {
        h.push_str("<li><a href=\"#models\">Best and worst models</a></li>\n");
    }
    if summary
        .spaces
        .iter()
        .any(|s| !s.non_finite_lines.is_empty() || !s.malformed_lines.is_empty())
    {
        h.push_str("<li><a href=\"#skipped\">Skipped lines</a></li>\n");
    }
    if summary.runtime.is_some() {
        h.push_str("<li><a href=\"#runtime\">Runtime</a></li>\n");
        for (i, f) in runtime_figures.iter().enumerate() {
            let _ = writeln!(
                h,
                "<li><a href=\"#runtime{}\">{}</a></li>",
                i + 1,
                escape(&f.title)
            );
        }
    }
    for (i, f) in figures.iter().enumerate() {
        let _ = writeln!(
            h,
            "<li><a href=\"#fig{}\">{}</a></li>",
            i + 1,
            escape(&f.title)
        );
    }
    h.push_str("<li><a href=\"#glossary\">Glossary</a></li>\n</ol></nav>\n");
}

/// The glossary of the parameters and terms, in the paper's words.
fn glossary(h: &mut String) {
    section(h, "glossary", "Glossary");
    h.push_str("<dl class=\"gloss\">\n");
    for (symbol, meaning) in GLOSSARY {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(symbol), escape(meaning));
    }
    h.push_str("</dl>\n");
}

/// The best and worst models of each space, labelled and coloured as in the width plots.
fn extremes_table(h: &mut String, summary: &AnalyzeSummary) {
    if summary.spaces.iter().all(|s| s.extremes.is_empty()) {
        return;
    }
    section(h, "models", "Best and worst models");
    h.push_str(
        "<p>Per space, the models with the lowest and highest error; labels and colours match the width and \
         training-curve plots. Stage values are listed for stages 1, 2, 3, 4.</p>\n<div class=\"wide\"><table>\n\
         <tr><th>space</th><th>model</th><th>line</th><th>error</th><th>d<sub>i</sub></th><th>w<sub>i</sub></th>\
         <th>g<sub>i</sub></th><th>b<sub>i</sub></th><th>flops</th><th>params</th></tr>\n",
    );
    let join = |v: Option<&Vec<f64>>| {
        v.map_or_else(
            || "–".to_string(),
            |v| {
                v.iter()
                    .map(|x| fmt_num(*x))
                    .collect::<Vec<_>>()
                    .join(" · ")
            },
        )
    };
    for s in &summary.spaces {
        for (i, m) in s.extremes.iter().enumerate() {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><span class=\"sw\" style=\"background:{}\"></span>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&s.name),
                model_color(&m.label, i),
                escape(&m.label),
                m.line.map_or("–".into(), |l| l.to_string()),
                fmt_value(m.error, &summary.metric),
                join(m.stages.get("d")),
                join(m.stages.get("w")),
                join(m.stages.get("g")),
                join(m.stages.get("b")),
                m.flops.map_or("–".into(), |f| fmt_value(f, "flops")),
                m.params.map_or("–".into(), |p| fmt_value(p, "params")),
            );
        }
    }
    h.push_str("</table></div>\n");
}
