//! Drawing and writing an [`Analysis`]: one SVG file per figure, `report.html` and `summary.json`.

use std::path::PathBuf;

use super::{
    Analysis, AnalyzeOptions, AnalyzeSummary, SpaceSummary, best_and_worst, block_widths,
    expand_block_widths, fmt_value,
};
use crate::compare::TrendPoint;
use crate::error::{Result, StatsError};
use crate::plot::{
    CurveSeries, EdfCurve, Figure, MAX_SCATTER_POINTS, RuntimeSeries, ScatterPanel, WidthSeries,
    curves_svg, edf_svg, report_html, runtime_svg, scatter_svg, subsample, trend_svg, widths_svg,
};
use crate::population::{Complexity, Population};
use crate::runtime::{RuntimePoint, RuntimeSummary};

/// Draws every figure of `analysis` into `options.out_dir`, then writes `report.html` and
/// `summary.json` there; returns the summary.
pub(super) fn write_report(analysis: Analysis, options: &AnalyzeOptions) -> Result<AnalyzeSummary> {
    let Analysis {
        populations,
        spaces,
        params,
        ks,
        runtime,
        run,
    } = analysis;
    let mut out = OutputDir::create(&options.out_dir)?;
    edf_figure(&populations, &options.metric, &mut out)?;
    parameter_figures(&populations, &spaces, &params, options, &mut out)?;
    model_figures(&populations, &spaces, options, &mut out)?;
    if let Some((summary, points)) = &runtime {
        runtime_figures(
            &populations,
            summary,
            points,
            options.bootstrap.seed,
            &mut out,
        )?;
    }

    let OutputDir {
        dir,
        mut files,
        figures,
        runtime_figures,
    } = out;
    files.push("report.html".into());
    files.push("summary.json".into());
    let summary = AnalyzeSummary {
        metric: options.metric.clone(),
        params,
        bootstrap_options: options.bootstrap.clone(),
        spaces,
        ks,
        files,
        run,
        runtime: runtime.map(|(summary, _)| summary),
    };
    let html = report_html(&summary, &figures, &runtime_figures);
    let html_path = dir.join("report.html");
    std::fs::write(&html_path, html).map_err(|e| StatsError::io(&html_path, e))?;
    let json_path = dir.join("summary.json");
    let json = serde_json::to_string_pretty(&summary)?;
    std::fs::write(&json_path, json + "\n").map_err(|e| StatsError::io(&json_path, e))?;
    Ok(summary)
}

/// The output folder: each figure is written as its own SVG file and kept for the report (the runtime
/// figures apart, for the report's Runtime section).
struct OutputDir {
    dir: PathBuf,
    files: Vec<String>,
    figures: Vec<Figure>,
    runtime_figures: Vec<Figure>,
}

impl OutputDir {
    fn create(dir: &std::path::Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| StatsError::io(dir, e))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            figures: Vec::new(),
            runtime_figures: Vec::new(),
        })
    }

    /// Writes `svg` as `file` and adds it to the report under `title` with `caption`.
    fn figure(&mut self, file: String, svg: String, title: String, caption: String) -> Result<()> {
        let figure = self.write(file, svg, title, caption)?;
        self.figures.push(figure);
        Ok(())
    }

    /// As [`OutputDir::figure`], for the report's Runtime section.
    fn runtime_figure(
        &mut self,
        file: String,
        svg: String,
        title: String,
        caption: String,
    ) -> Result<()> {
        let figure = self.write(file, svg, title, caption)?;
        self.runtime_figures.push(figure);
        Ok(())
    }

    fn write(
        &mut self,
        file: String,
        svg: String,
        title: String,
        caption: String,
    ) -> Result<Figure> {
        let path = self.dir.join(&file);
        std::fs::write(&path, &svg).map_err(|e| StatsError::io(&path, e))?;
        self.files.push(file);
        Ok(Figure {
            title,
            svg,
            caption,
        })
    }
}

/// `edf.svg`: the error EDFs of all spaces.
fn edf_figure(populations: &[Population], metric: &str, out: &mut OutputDir) -> Result<()> {
    let curves: Vec<EdfCurve> = populations
        .iter()
        .map(|p| p.edf().map(|e| EdfCurve::from_edf(&p.name, &e)))
        .collect::<Result<_>>()?;
    out.figure(
        "edf.svg".into(),
        edf_svg(&curves, metric),
        "Error EDF".into(),
        format!(
            "Empirical distribution of {metric} per space, F(e) = fraction of models with error below e \
             (RegNet paper §3.1); legend: name [n|min|mean]."
        ),
    )
}

/// `scatter_<param>.svg` and `trend_<param>.svg` for every parameter. Scatter plots draw at most
/// [`MAX_SCATTER_POINTS`] models per space (seeded, the best always kept); the bands, lines and trends use
/// every model.
fn parameter_figures(
    populations: &[Population],
    spaces: &[SpaceSummary],
    params: &[String],
    options: &AnalyzeOptions,
    out: &mut OutputDir,
) -> Result<()> {
    let metric = &options.metric;
    let shown: Vec<Vec<usize>> = populations
        .iter()
        .map(|p| subsample(&p.errors(), MAX_SCATTER_POINTS, options.bootstrap.seed))
        .collect();
    let subsampled = populations.iter().any(|p| p.len() > MAX_SCATTER_POINTS);
    let subsample_note = if subsampled {
        format!(
            " Spaces with more than {n} models show a seeded random subsample of {n} (the best {} \
             always included); the band and line use every model.",
            MAX_SCATTER_POINTS / 20,
            n = crate::plot::svg::group_digits(MAX_SCATTER_POINTS)
        )
    } else {
        String::new()
    };
    for param in params {
        let mut points = Vec::with_capacity(populations.len());
        let mut panels = Vec::with_capacity(populations.len());
        for (i, ((p, s), keep)) in populations.iter().zip(spaces).zip(&shown).enumerate() {
            let x = p.values(param)?;
            let errors = p.errors();
            let good = s.bootstrap.get(param).copied();
            // The trend of `param` (as `compare::trend`) from the ranges computed already.
            if let (Some((min, max)), Some(good)) = (finite_min_max(&x), good) {
                points.push(TrendPoint {
                    space: s.name.clone(),
                    min,
                    max,
                    good,
                });
            }
            panels.push(ScatterPanel {
                title: p.name.clone(),
                x_label: param.clone(),
                y_label: metric.clone(),
                x: keep.iter().map(|&k| x[k]).collect(),
                y: keep.iter().map(|&k| errors[k]).collect(),
                total: p.len(),
                good,
                color: i,
            });
        }
        out.figure(
            format!("scatter_{}.svg", file_stem(param)),
            scatter_svg(&panels, 4),
            format!("{metric} vs {param}"),
            format!(
                "Each dot is a model; the grey band is the 95 % bootstrap range of the best models' {param} \
                 and the black line the most likely best value (RegNet paper Fig. 2, footnote 4). All panels \
                 share both axes.{subsample_note}"
            ),
        )?;
        out.figure(
            format!("trend_{}.svg", file_stem(param)),
            trend_svg(param, &points),
            format!("Trend of {param} across spaces"),
            format!("Light: min–max of {param}; dark: bootstrap good range; black: best value."),
        )?;
    }
    Ok(())
}

/// Per space, `widths_<space>.svg` (records with `ws` and `ds`) and `curves_<space>.svg` (records with
/// `test_top1_errs`) of the best and worst models.
fn model_figures(
    populations: &[Population],
    spaces: &[SpaceSummary],
    options: &AnalyzeOptions,
    out: &mut OutputDir,
) -> Result<()> {
    let metric = &options.metric;
    for p in populations {
        if let Some(series) = width_series(p, options.width_models, metric)? {
            out.figure(
                format!("widths_{}.svg", file_stem(&p.name)),
                widths_svg(&series, &p.name),
                format!(
                    "Per-block widths of the best and worst models of {}",
                    p.name
                ),
                "Widths on a log2 axis, stage starts dotted, continuous widths u_j = w0 + wa·j \
                 (RegNet paper Eq. 2) dashed where the records have w0 and wa."
                    .into(),
            )?;
        }
    }
    for (p, s) in populations.iter().zip(spaces) {
        let series: Vec<CurveSeries> = s
            .extremes
            .iter()
            .filter(|m| !m.epoch_errors.is_empty())
            .map(|m| CurveSeries {
                label: format!("{}: {metric} {}", m.label, fmt_value(m.error, metric)),
                values: m.epoch_errors.clone(),
            })
            .collect();
        if series.len() == s.extremes.len() && !series.is_empty() {
            out.figure(
                format!("curves_{}.svg", file_stem(&p.name)),
                curves_svg(&series, &p.name, "test error"),
                format!("Training curves of the best and worst models of {}", p.name),
                "Test error after each epoch (test_top1_errs of the results); the labels match the \
                 table of best and worst models."
                    .into(),
            )?;
        }
    }
    Ok(())
}

/// `runtime_flops.svg` and `runtime_acts.svg`: the training time per image of every timed model against
/// flops and against acts, one colour per space, with the fitted line and its r. At most
/// [`MAX_SCATTER_POINTS`] models per space are drawn (seeded, the fastest always kept); the fits use every
/// timed model.
fn runtime_figures(
    populations: &[Population],
    summary: &RuntimeSummary,
    points: &[RuntimePoint],
    seed: u64,
    out: &mut OutputDir,
) -> Result<()> {
    let per_space: Vec<Vec<&RuntimePoint>> = (0..populations.len())
        .map(|i| {
            let mine: Vec<&RuntimePoint> = points.iter().filter(|p| p.space == i).collect();
            let t: Vec<f64> = mine.iter().map(|p| p.t).collect();
            subsample(&t, MAX_SCATTER_POINTS, seed)
                .into_iter()
                .map(|k| mine[k])
                .collect()
        })
        .collect();
    let subsampled = per_space
        .iter()
        .enumerate()
        .any(|(i, shown)| shown.len() < points.iter().filter(|p| p.space == i).count());
    for (on, x) in [
        (
            Complexity::Flops,
            (|p: &RuntimePoint| p.flops) as fn(&RuntimePoint) -> f64,
        ),
        (Complexity::Acts, |p: &RuntimePoint| p.acts),
    ] {
        let series: Vec<RuntimeSeries> = per_space
            .iter()
            .zip(populations)
            .enumerate()
            .filter(|(_, (shown, _))| !shown.is_empty())
            .map(|(i, (shown, p))| RuntimeSeries {
                label: p.name.clone(),
                x: shown.iter().map(|q| x(q)).collect(),
                t: shown.iter().map(|q| q.t).collect(),
                color: i,
            })
            .collect();
        let fit = summary.line(on).copied().unwrap_or_default();
        let name = on.key();
        out.runtime_figure(
            format!("runtime_{name}.svg"),
            runtime_svg(name, &series, fit),
            format!("Training time per image vs {name}"),
            format!(
                "Each dot is a model: t = mean over its epochs of 1 / images_per_sec, in ms per image,                  against its {name}; the black line is the least-squares fit over all {} timed models and r                  Pearson's correlation.{}",
                summary.n,
                if subsampled {
                    format!(
                        " Spaces with more than {} timed models show a seeded random subsample (the fastest                          always included).",
                        crate::plot::svg::group_digits(MAX_SCATTER_POINTS)
                    )
                } else {
                    String::new()
                }
            ),
        )?;
    }
    Ok(())
}

/// The best and worst `k` models of a population as width series, if every record has `ws` and `ds`;
/// [`StatsError::TooManyBlocks`] if one of them describes too many blocks.
fn width_series(p: &Population, k: usize, metric: &str) -> Result<Option<Vec<WidthSeries>>> {
    if k == 0 {
        return Ok(None);
    }
    for r in &p.records {
        if expand_block_widths(r)?.is_none() {
            return Ok(None);
        }
    }
    let series = best_and_worst(p, k)
        .into_iter()
        .filter_map(|(label, r)| {
            let record = &p.records[r];
            let (widths, stage_starts) = block_widths(record)?;
            let fit = match (record.param("w0"), record.param("wa")) {
                (Some(w0), Some(wa)) => {
                    Some((0..widths.len()).map(|j| w0 + wa * j as f64).collect())
                }
                _ => None,
            };
            Some(WidthSeries {
                label: format!("{label}: {metric} {}", fmt_value(record.error, metric)),
                widths,
                stage_starts,
                fit,
            })
        })
        .collect();
    Ok(Some(series))
}

/// A file-name-safe version of a space or parameter name.
pub(super) fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The smallest and largest finite value, if any.
fn finite_min_max(v: &[f64]) -> Option<(f64, f64)> {
    v.iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(None, |acc, x| match acc {
            None => Some((x, x)),
            Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
        })
}
