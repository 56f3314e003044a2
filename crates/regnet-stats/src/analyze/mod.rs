//! The analysis behind `regnet analyze RESULTS.jsonl [MORE.jsonl …] --out DIR [--params d,w4,g,b] [--metric error]
//! [--runtime]`.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use crate::bootstrap::{BootstrapOptions, BootstrapRange, MeanDifference};
use crate::compare::compare;
use crate::error::{Result, StatsError};
use crate::ks::{KsMethod, holm};
use crate::population::{Population, Record, read_jsonl};
use crate::runtime::{RuntimePoint, RuntimeSummary, runtime_fits};

mod report;

/// Options of [`analyze()`]; the CLI maps its arguments onto these.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzeOptions {
    /// Results files, one population each (JSONL, see [`crate::population`] for the record format).
    pub inputs: Vec<PathBuf>,
    /// Output folder (created if missing) for the SVG plots, `report.html` and `summary.json`.
    pub out_dir: PathBuf,
    /// Parameters to bootstrap and plot (`--params d,w4,g,b`); `None` takes those of [`DEFAULT_PARAMS`] that
    /// all records of all inputs have (or, if none, every parameter they all have).
    pub params: Option<Vec<String>>,
    /// Name of the error field (`--metric`, default `"error"`).
    pub metric: String,
    /// Bootstrap settings (default: the paper's B = 10^4, 25 %, 95 %, seed 0).
    pub bootstrap: BootstrapOptions,
    /// Fail on the first skipped line instead of reporting it.
    pub strict: bool,
    /// How many best and worst models per space the report lists and the width and training-curve plots
    /// show.
    pub width_models: usize,
    /// The data set the models were trained on, for the report's header (results files do not record it).
    pub dataset: Option<String>,
    /// The input resolution in pixels, for the report's header.
    pub resolution: Option<u32>,
    /// Fit the training time per image against flops, params and acts (`--runtime`, see
    /// [`crate::runtime`]): `summary.json` gains `"runtime"`, the report a Runtime section with
    /// `runtime_flops.svg` and `runtime_acts.svg`.
    pub runtime: bool,
}

impl AnalyzeOptions {
    /// Options with the defaults for the given inputs and output folder.
    pub fn new(inputs: Vec<PathBuf>, out_dir: impl Into<PathBuf>) -> Self {
        Self {
            inputs,
            out_dir: out_dir.into(),
            params: None,
            metric: "error".into(),
            bootstrap: BootstrapOptions::default(),
            strict: false,
            width_models: 2,
            dataset: None,
            resolution: None,
            runtime: false,
        }
    }
}

/// A skipped line of a results file.
///
/// Its `Display` is the one-line message to show a user: `line 2: <why>` (control characters in the
/// reason are escaped, so the message stays on one line).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SkippedLine {
    /// One-based line number.
    pub line: usize,
    /// Why it was skipped.
    pub message: String,
}

impl std::fmt::Display for SkippedLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "skipped line {}: ", self.line)?;
        for c in self.message.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_debug())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Most per-block widths one record's `ws`/`ds` arrays may expand to in the width plots (Σ ds): 4096,
/// the largest total depth a spec may have (`regnet_anynet::MAX_BLOCKS`). A record asking for more is
/// a [`StatsError::TooManyBlocks`], never expanded.
pub const MAX_PLOT_BLOCKS: usize = 4096;

/// The statistics of one space in `summary.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpaceSummary {
    /// Name of the space (its `space` field or the file stem).
    pub name: String,
    /// The file it was read from.
    pub source: String,
    /// Number of models used.
    pub n: usize,
    /// Minimum error.
    pub min_error: f64,
    /// Mean error.
    pub mean_error: f64,
    /// Bootstrap range of the best models per parameter (RegNet paper footnote 4).
    pub bootstrap: BTreeMap<String, BootstrapRange>,
    /// Lines left out because the metric was NaN, infinite or null.
    pub non_finite_lines: Vec<usize>,
    /// Lines left out as malformed (bad JSON, missing metric, wrong type), with the reason.
    pub malformed_lines: Vec<SkippedLine>,
    /// The best and worst models (as many of each as [`AnalyzeOptions::width_models`]), best first.
    #[serde(default)]
    pub extremes: Vec<ModelSummary>,
}

/// One of the best or worst models of a space, as the report's table lists it (pycls's sweep analysis
/// shows the same).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelSummary {
    /// `best 1`, `best 2`, …, `worst 1`, … (the labels of the width plots).
    pub label: String,
    /// One-based line in the results file.
    pub line: Option<usize>,
    /// The model's error.
    pub error: f64,
    /// Per-stage values by symbol: `d` → [d1, d2, …], likewise `w`, `g`, `b` (those the record has).
    pub stages: BTreeMap<String, Vec<f64>>,
    /// Multiply-adds, if recorded.
    pub flops: Option<f64>,
    /// Parameter count, if recorded.
    pub params: Option<f64>,
    /// Test error after each epoch (`test_top1_errs`), if recorded.
    pub epoch_errors: Vec<f64>,
}

/// What the report's header says about the run, from the options and the results files.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct RunInfo {
    /// Date of the analysis (UTC, `YYYY-MM-DD`).
    pub date: String,
    /// The data set, when given in the options or recorded as `dataset` in the results.
    pub dataset: Option<String>,
    /// The input resolution in pixels, when given.
    pub resolution: Option<u32>,
    /// The training backends recorded in the results (`backend` field), in order of appearance.
    pub backends: Vec<String>,
    /// The largest number of epochs recorded per model (length of `test_top1_errs`).
    pub epochs: Option<usize>,
}

/// One pairwise comparison in `summary.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KsSummary {
    /// First space.
    pub a: String,
    /// Second space.
    pub b: String,
    /// KS statistic D = sup |F_a − F_b|.
    pub statistic: f64,
    /// Two-sided p-value as SciPy's default `ks_2samp` (exact up to [`crate::MAX_EXACT_N`] models per
    /// space, asymptotic above); `null` where undefined.
    pub p_value: Option<f64>,
    /// How `p_value` was computed.
    pub method: KsMethod,
    /// Holm-adjusted p-value over all the comparisons of this analysis (`null` where `p_value` is).
    pub p_holm: Option<f64>,
    /// Whether `p_holm` ≤ [`HOLM_ALPHA`]: the error distributions differ at family-wise level 5 %.
    pub significant: bool,
    /// mean error of `a` − mean error of `b` with its bootstrap range.
    pub mean_difference: MeanDifference,
}

/// Family-wise significance level of the KS comparisons (Holm correction).
pub const HOLM_ALPHA: f64 = 0.05;

/// Populations smaller than this (the paper's smallest samples are 100 models) get a warning in the
/// report: their EDFs step by ≥ 1 %, their bootstrap ranges approach the min–max range and KS tests only
/// detect large differences.
pub const SMALL_POPULATION: usize = 100;

/// What [`analyze()`] computed; written as `summary.json`.
///
/// The required shape is `{"spaces":[{"name","n","min_error","mean_error","bootstrap":{"<param>":{"low","best","high"}}}],
/// "ks":[{"a","b","statistic","p_value"}]}`; the other fields are additions.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AnalyzeSummary {
    /// The error field.
    pub metric: String,
    /// The parameters bootstrapped, in order.
    pub params: Vec<String>,
    /// Bootstrap settings used.
    pub bootstrap_options: BootstrapOptions,
    /// One entry per input, in input order.
    pub spaces: Vec<SpaceSummary>,
    /// One entry per pair (i < j) of inputs, in input order.
    pub ks: Vec<KsSummary>,
    /// Files written to the output folder.
    pub files: Vec<String>,
    /// Header information: date, data set, resolution, backends, epochs.
    #[serde(default)]
    pub run: RunInfo,
    /// The runtime fits, with [`AnalyzeOptions::runtime`] (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<RuntimeSummary>,
}

/// Reads every input, computes EDFs, bootstrap ranges, trends and pairwise KS comparisons (Holm-corrected),
/// and writes `edf.svg`, `scatter_<param>.svg`, `trend_<param>.svg`, `widths_<space>.svg` (for records
/// with `ws` and `ds` arrays), `curves_<space>.svg` (for records with `test_top1_errs`), `report.html` and
/// `summary.json` into `options.out_dir`; with [`AnalyzeOptions::runtime`] also the runtime fits and
/// `runtime_flops.svg`, `runtime_acts.svg` ([`StatsError::TooFewPoints`] when fewer than
/// [`crate::MIN_FIT_POINTS`] models have epoch timings). One step per function: read, describe, compare,
/// fit, draw, report.
///
/// Width plots: the per-block widths of a record expand `ws[i]` over `ds[i]` blocks; when the record has
/// `w0` and `wa` the continuous widths u_j = w0 + wa·j (RegNet paper Eq. 2) are drawn as its fitted line.
pub fn analyze(options: &AnalyzeOptions) -> Result<AnalyzeSummary> {
    let analysis = analyze_populations(options)?;
    report::write_report(analysis, options)
}

/// The numbers of an analysis, before anything is drawn or written: the populations read, each space's
/// summary (n, min, mean, bootstrap ranges, best and worst models), every pairwise KS comparison with its
/// Holm correction, and the runtime fits when asked for.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// One population per input file, named uniquely.
    pub populations: Vec<Population>,
    /// Per space, in input order.
    pub spaces: Vec<SpaceSummary>,
    /// The parameters whose bootstrap ranges were computed.
    pub params: Vec<String>,
    /// Every pair of spaces compared.
    pub ks: Vec<KsSummary>,
    /// The runtime fits and the timed models, with `--runtime`.
    pub runtime: Option<(RuntimeSummary, Vec<RuntimePoint>)>,
    /// What the inputs record about the run.
    pub run: RunInfo,
}

/// Reads the inputs and computes every number of the analysis (read, describe, compare, fit), writing
/// nothing; [`analyze()`] then draws the figures and writes the report from it.
pub fn analyze_populations(options: &AnalyzeOptions) -> Result<Analysis> {
    validate(options)?;
    let (populations, mut spaces, mut run) = read_inputs(options)?;
    let params = match &options.params {
        Some(p) => p.clone(),
        None => default_params(&populations),
    };
    describe_spaces(&populations, &mut spaces, &params, options, &mut run)?;
    let ks = compare_pairs(&populations, &options.bootstrap)?;
    let runtime = if options.runtime {
        Some(runtime_fits(&populations)?)
    } else {
        None
    };
    Ok(Analysis {
        populations,
        spaces,
        params,
        ks,
        runtime,
        run,
    })
}

/// Rejects options that cannot give an analysis.
fn validate(options: &AnalyzeOptions) -> Result<()> {
    if options.inputs.is_empty() {
        return Err(StatsError::InvalidOption {
            option: "inputs",
            value: "[]".into(),
            reason: "at least one results file is needed".into(),
        });
    }
    if options.metric.is_empty() {
        return Err(StatsError::InvalidOption {
            option: "metric",
            value: String::new(),
            reason: "the metric name is empty".into(),
        });
    }
    Ok(())
}

/// Reads every results file into a population (names made unique) with its skipped lines, and gathers
/// what the files record about the run.
fn read_inputs(options: &AnalyzeOptions) -> Result<(Vec<Population>, Vec<SpaceSummary>, RunInfo)> {
    let mut populations = Vec::with_capacity(options.inputs.len());
    let mut spaces = Vec::with_capacity(options.inputs.len());
    let mut used_names = HashSet::new();
    let mut run = RunInfo {
        date: today_utc(),
        dataset: options.dataset.clone(),
        resolution: options.resolution,
        ..RunInfo::default()
    };
    for path in &options.inputs {
        let outcome = read_jsonl(path, &options.metric)?;
        recorded_strings(path, &mut run);
        let non_finite_lines = outcome.non_finite_lines();
        let malformed_lines: Vec<SkippedLine> = outcome
            .malformed()
            .map(|e| SkippedLine {
                line: e.line().unwrap_or(0),
                message: e.to_string(),
            })
            .collect();
        let source = outcome.path.display().to_string();
        let mut population = if options.strict {
            outcome.into_strict()?
        } else {
            outcome.population
        };
        population.name = unique_name(&population.name, &mut used_names);
        spaces.push(SpaceSummary {
            name: population.name.clone(),
            source,
            n: 0,
            min_error: 0.0,
            mean_error: 0.0,
            bootstrap: BTreeMap::new(),
            non_finite_lines,
            malformed_lines,
            extremes: Vec::new(),
        });
        populations.push(population);
    }
    Ok((populations, spaces, run))
}

/// Fills in each space's n, min and mean error, the bootstrap ranges of `params` and the best and worst
/// models; records the number of epochs in `run`.
fn describe_spaces(
    populations: &[Population],
    spaces: &mut [SpaceSummary],
    params: &[String],
    options: &AnalyzeOptions,
    run: &mut RunInfo,
) -> Result<()> {
    for (space, population) in spaces.iter_mut().zip(populations) {
        let edf = population.edf()?;
        space.n = edf.n();
        space.min_error = edf.min();
        space.mean_error = edf.mean();
        let ranges = population.bootstrap_params(params, &options.bootstrap)?;
        space.bootstrap = params.iter().cloned().zip(ranges).collect();
        space.extremes = extremes(population, options.width_models);
        let epochs = space.extremes.iter().map(|m| m.epoch_errors.len()).max();
        run.epochs = run.epochs.max(epochs.filter(|&e| e > 0));
    }
    Ok(())
}

/// Every pair (i < j) compared: KS test and mean difference, then the Holm correction over all pairs.
fn compare_pairs(populations: &[Population], options: &BootstrapOptions) -> Result<Vec<KsSummary>> {
    let mut ks = Vec::new();
    for i in 0..populations.len() {
        for j in i + 1..populations.len() {
            let c = compare(&populations[i], &populations[j], options)?;
            ks.push(KsSummary {
                a: c.a,
                b: c.b,
                statistic: c.ks.statistic,
                p_value: Some(c.ks.p_value).filter(|p| p.is_finite()),
                method: c.ks.method,
                p_holm: None,
                significant: false,
                mean_difference: c.mean_difference,
            });
        }
    }
    let raw: Vec<f64> = ks.iter().map(|k| k.p_value.unwrap_or(f64::NAN)).collect();
    for (k, adjusted) in ks.iter_mut().zip(holm(&raw)) {
        k.p_holm = Some(adjusted).filter(|p| p.is_finite());
        k.significant = k.p_holm.is_some_and(|p| p <= HOLM_ALPHA);
    }
    Ok(ks)
}

/// The paper's parameters, analyzed by default (in this order) when every record of every input has them:
/// RegNet d, w0, wa, wm, g, b; per-stage d_i, w_i, g_i, b_i; and the complexities.
pub const DEFAULT_PARAMS: [&str; 25] = [
    "d", "w0", "wa", "wm", "g", "b", "d1", "d2", "d3", "d4", "w1", "w2", "w3", "w4", "g1", "g2",
    "g3", "g4", "b1", "b2", "b3", "b4", "flops", "params", "acts",
];

/// The parameters of [`DEFAULT_PARAMS`] that every record has; if there are none, every parameter that every
/// record has except the bookkeeping fields `id`, `index` and `seed`.
fn default_params(populations: &[Population]) -> Vec<String> {
    let mut common = populations[0].common_params();
    for p in &populations[1..] {
        let theirs = p.common_params();
        common.retain(|n| theirs.contains(n));
    }
    let paper: Vec<String> = DEFAULT_PARAMS
        .iter()
        .filter(|n| common.iter().any(|c| c == *n))
        .map(|n| n.to_string())
        .collect();
    if paper.is_empty() {
        common.retain(|n| !matches!(n.as_str(), "id" | "index" | "seed"));
        common
    } else {
        paper
    }
}

/// `name`, or `name (2)`, `name (3)`, … if an earlier input already used it.
fn unique_name(name: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = name.to_string();
    let mut k = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{name} ({k})");
        k += 1;
    }
    candidate
}

/// A value of a named quantity for text: `36.20 %` for errors, `400MF` for flops, `2.7M` params.
pub(crate) fn fmt_value(v: f64, name: &str) -> String {
    match crate::plot::Unit::for_name(name) {
        crate::plot::Unit::Percent => format!("{v:.2} %"),
        crate::plot::Unit::Plain => crate::plot::svg::fmt_num(v),
        unit => unit.format(v, 1),
    }
}

/// Per-block widths (`ws[i]` repeated `ds[i]` times) and stage starts of a record with `ws` and `ds` arrays.
///
/// `None` when the record has no such arrays, when they are malformed, or when they describe more than
/// [`MAX_PLOT_BLOCKS`] blocks (use [`expand_block_widths`] to get that as an error).
pub fn block_widths(record: &Record) -> Option<(Vec<f64>, Vec<usize>)> {
    expand_block_widths(record).ok().flatten()
}

/// [`block_widths`] with the size check as a typed error: `Ok(None)` when the record has no usable
/// `ws`/`ds` arrays, [`StatsError::TooManyBlocks`] when Σ ds exceeds [`MAX_PLOT_BLOCKS`] (checked before
/// anything is allocated).
pub fn expand_block_widths(record: &Record) -> Result<Option<(Vec<f64>, Vec<usize>)>> {
    let (Some(ws), Some(ds)) = (record.arrays.get("ws"), record.arrays.get("ds")) else {
        return Ok(None);
    };
    if ws.len() != ds.len()
        || ds
            .iter()
            .any(|&d| !(d >= 0.0 && d.fract() == 0.0 && d < 1e6))
    {
        return Ok(None);
    }
    let blocks: f64 = ds.iter().sum();
    if blocks > MAX_PLOT_BLOCKS as f64 {
        return Err(StatsError::TooManyBlocks {
            line: record.line.unwrap_or(0),
            blocks,
            max: MAX_PLOT_BLOCKS,
        });
    }
    let mut widths = Vec::new();
    let mut starts = Vec::new();
    for (&w, &d) in ws.iter().zip(ds) {
        if !widths.is_empty() && d > 0.0 {
            starts.push(widths.len());
        }
        widths.extend(std::iter::repeat_n(w, d as usize));
    }
    Ok((!widths.is_empty()).then_some((widths, starts)))
}

/// The best and worst `k` models of a population (best first, each model once), labelled `best i` /
/// `worst i`, as record indices.
pub(super) fn best_and_worst(p: &Population, k: usize) -> Vec<(String, usize)> {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p.records[a].error.total_cmp(&p.records[b].error));
    let k = k.min(p.len().div_ceil(2));
    let best = order
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &r)| (format!("best {}", i + 1), r));
    let worst = order
        .iter()
        .rev()
        .take(k)
        .enumerate()
        .map(|(i, &r)| (format!("worst {}", i + 1), r));
    let mut seen = HashSet::new();
    best.chain(worst).filter(|(_, r)| seen.insert(*r)).collect()
}

/// The per-stage values of a record for one symbol (`d` → d1, d2, … or the array `ds`), empty if none.
fn stage_values(record: &Record, symbol: &str) -> Vec<f64> {
    let per_stage: Vec<f64> = (1..=16)
        .map_while(|i| record.param(&format!("{symbol}{i}")))
        .collect();
    if !per_stage.is_empty() {
        return per_stage;
    }
    record.param(symbol).into_iter().collect()
}

/// The table rows of the best and worst `k` models of a population.
fn extremes(p: &Population, k: usize) -> Vec<ModelSummary> {
    best_and_worst(p, k)
        .into_iter()
        .map(|(label, r)| {
            let record = &p.records[r];
            let stages = ["d", "w", "g", "b"]
                .iter()
                .map(|s| (s.to_string(), stage_values(record, s)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            ModelSummary {
                label,
                line: record.line,
                error: record.error,
                stages,
                flops: record.param("flops"),
                params: record.param("params"),
                epoch_errors: record
                    .arrays
                    .get("test_top1_errs")
                    .cloned()
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Adds the `backend` and `dataset` strings of a results file's first parsable line to `run`.
fn recorded_strings(path: &std::path::Path, run: &mut RunInfo) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let first = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .next();
    let Some(first) = first else {
        return;
    };
    if let Some(b) = first.get("backend").and_then(|v| v.as_str())
        && !b.is_empty()
        && !run.backends.iter().any(|x| x == b)
    {
        run.backends.push(b.to_string());
    }
    if run.dataset.is_none() {
        run.dataset = first
            .get("dataset")
            .and_then(|v| v.as_str())
            .map(str::to_string);
    }
}

/// Today's date in UTC as `YYYY-MM-DD` (civil-from-days, H. Hinnant's algorithm).
fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_expand_depths() {
        let r = Record::new(1.0)
            .with_array("ws", vec![24.0, 56.0, 152.0])
            .with_array("ds", vec![1.0, 2.0, 3.0]);
        let (w, s) = block_widths(&r).unwrap();
        assert_eq!(w, vec![24.0, 56.0, 56.0, 152.0, 152.0, 152.0]);
        assert_eq!(s, vec![1, 3]);
        assert!(block_widths(&Record::new(1.0).with_array("ws", vec![1.0])).is_none());
    }

    #[test]
    fn names_are_made_unique_and_safe() {
        let mut used = HashSet::new();
        assert_eq!(unique_name("A", &mut used), "A");
        assert_eq!(unique_name("A", &mut used), "A (2)");
        assert_eq!(report::file_stem("Any Net/X"), "Any_Net_X");
    }

    #[test]
    fn huge_depths_are_a_typed_error_not_an_allocation() {
        // 2,000 stages of depth 999,999: 2e9 blocks, 16 GB if expanded.
        let mut r = Record::new(1.0)
            .with_array("ws", vec![8.0; 2000])
            .with_array("ds", vec![999_999.0; 2000]);
        r.line = Some(3);
        let e = expand_block_widths(&r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3: ws/ds describe 1999998000 blocks, more than the supported 4096 (widths x depths is not expanded)"
        );
        assert!(block_widths(&r).is_none());
        // Exactly the limit is expanded.
        let r = Record::new(1.0)
            .with_array("ws", vec![8.0, 16.0])
            .with_array("ds", vec![4000.0, 96.0]);
        let (w, s) = expand_block_widths(&r).unwrap().unwrap();
        assert_eq!((w.len(), s), (MAX_PLOT_BLOCKS, vec![4000]));
    }

    #[test]
    fn skipped_lines_display_on_one_line() {
        let s = SkippedLine {
            line: 2,
            message: "expected value\nat column 3".into(),
        };
        assert_eq!(
            s.to_string(),
            "skipped line 2: expected value\\nat column 3"
        );
    }
}
