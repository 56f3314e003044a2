//! Populations of trained models: records of an error plus named numeric parameters, and the JSONL reader.
//!
//! # Record format (JSONL)
//!
//! One JSON object per line; blank lines are skipped. For a metric named `error` (the default):
//!
//! ```json
//! {"space": "RegNetX", "error": 36.2, "flops": 0.39, "params": {"d": 16, "w0": 48, "wa": 27.9, "wm": 2.1},
//!  "ws": [48, 104, 208, 440], "ds": [1, 3, 7, 5]}
//! ```
//!
//! * The **metric** is looked up at top level, then inside a nested `"params"` object. It must be a number;
//!   `NaN`, `Infinity`, `-Infinity` (as Python's `json` writes them) and `null` make the record
//!   non-finite: it is left out and reported as [`StatsError::NonFiniteMetric`].
//! * `"space"` (optional string) names the population; all records of a file must agree. Without it the
//!   file stem is the name.
//! * **Parameters**: every other numeric field at top level, then every numeric field of a nested `"params"`
//!   object, then those of the other nested objects, by object name (e.g. the `"regnet"` / `"anynet"` draw
//!   of a `regnet sample` or sweep line). The first one found wins. A numeric top-level `"params"` is the
//!   parameter count (a complexity), not a nested object.
//! * **Arrays**: a field holding an array of numbers (at any of those levels), e.g. `"ws": [..]`, `"ds"`,
//!   or the AnyNet draw's `"d"`, `"w"`, `"b"`, `"g"`. A name `<stem><k>` (k ≥ 1) not found as a plain field
//!   resolves to element k − 1 of the array `<stem>s`, else of the array `<stem>`: `w1`..`w4` are
//!   `ws[0]`..`ws[3]`, `d1`.. are `ds[..]`.
//! * **Stages**: a `"stages"` list of objects with `depth` (or `d`) and `width` (or `w`) — the AnyNet spec
//!   written by `regnet sample` — provides `ds` and `ws` when they are not given otherwise.
//! * **Epoch timings**: the `images_per_sec` number of each object of a top-level `"epochs"` list (as
//!   `regnet-train` and the sweep write them: `"epochs": [{"epoch": 0, …, "images_per_sec": 812.5}, …]`)
//!   goes to [`Record::epoch_images_per_sec`]; epochs without one are left out of it.
//! * Strings, booleans, nulls and other arrays of non-numbers are ignored.
//!
//! A `regnet sweep` results line (`regnet_sweep::ResultRecord<regnet_anynet::SampleRecord>`) is read by
//! these rules as it is: `error`; `space`; `id`, `index`, `resolution`, `flops`, `params`, `acts`, the
//! sampler's `seed` and the training seed `train_seed` (older lines: the training seed as `seed`) as
//! integer columns; `d`, `w0`, `wa`, `wm`, `g`, `b` from the `"regnet"` draw or the arrays `d`, `w`, `b`,
//! `g` of the `"anynet"` draw; `ds`/`ws` from the spec's stages; `test_top1_errs` as an array; the
//! `epochs`' `images_per_sec`. The crate README tabulates these columns with their types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::bootstrap::{
    BootstrapOptions, BootstrapRange, best_indices, bootstrap_best, bootstrap_best_from,
};
use crate::edf::{Edf, NormalizedEdfOptions, NormalizedWeights, normalized_edf};
use crate::error::{Result, StatsError};

/// One trained model: its error and its named numeric parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// The model's error (for example the top-1 error in percent).
    pub error: f64,
    /// Scalar parameters (d, w0, wa, wm, g, b, flops, params, acts, …).
    pub params: BTreeMap<String, f64>,
    /// Array parameters (`ws`, `ds`, the AnyNet draw's `d`, `w`, `b`, `g`, …); `w1` resolves to `ws[0]`.
    pub arrays: BTreeMap<String, Vec<f64>>,
    /// One-based line of the record in its results file, when read from one.
    pub line: Option<usize>,
    /// Training images per second of each epoch (the `images_per_sec` of the `epochs` objects), for the
    /// runtime fits of [`crate::runtime`]; empty when the results do not record them.
    pub epoch_images_per_sec: Vec<f64>,
}

impl Record {
    /// A record with an error and no parameters.
    pub fn new(error: f64) -> Self {
        Self {
            error,
            ..Self::default()
        }
    }

    /// Adds a scalar parameter.
    pub fn with_param(mut self, name: impl Into<String>, value: f64) -> Self {
        self.params.insert(name.into(), value);
        self
    }

    /// Adds an array parameter (for example `"ws"`).
    pub fn with_array(mut self, name: impl Into<String>, values: Vec<f64>) -> Self {
        self.arrays.insert(name.into(), values);
        self
    }

    /// The value of a parameter: a scalar of that name, else element k − 1 of the array `<stem>s` (or, failing
    /// that, of the array `<stem>`) for a name `<stem><k>` — so `w3` is `ws[2]`, or `w[2]` for AnyNet draws.
    ///
    /// ```
    /// use regnet_stats::Record;
    /// let r = Record::new(40.0).with_param("d", 13.0).with_array("ws", vec![24.0, 56.0, 152.0, 368.0]);
    /// assert_eq!(r.param("d"), Some(13.0));
    /// assert_eq!(r.param("w3"), Some(152.0));
    /// assert_eq!(r.param("w5"), None);
    /// let anynet = Record::new(40.0).with_array("g", vec![8.0, 16.0]);
    /// assert_eq!(anynet.param("g2"), Some(16.0));
    /// ```
    pub fn param(&self, name: &str) -> Option<f64> {
        if let Some(&v) = self.params.get(name) {
            return Some(v);
        }
        let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits == name.len() {
            return None;
        }
        let (stem, k) = name.split_at(name.len() - digits);
        let k: usize = k.parse().ok()?;
        let array = self
            .arrays
            .get(&format!("{stem}s"))
            .or_else(|| self.arrays.get(stem))?;
        k.checked_sub(1).and_then(|i| array.get(i)).copied()
    }

    /// Every parameter name [`Record::param`] resolves: the scalars and `<stem><k>` for each array element
    /// (the stem of an array is its name without a final `s`).
    pub fn param_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.params.keys().cloned().collect();
        for name in self.arrays.keys() {
            let stem = name
                .strip_suffix('s')
                .filter(|s| !s.is_empty())
                .unwrap_or(name);
            let mut k = 1;
            while k <= self.arrays[name].len() {
                let indexed = format!("{stem}{k}");
                if self.param(&indexed).is_some() {
                    names.push(indexed);
                }
                k += 1;
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

/// The complexity measures of the NDS normalized EDF (RegNet paper §3: flops, params, acts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Complexity {
    /// Multiply-adds.
    Flops,
    /// Number of parameters.
    Params,
    /// Activations (output elements of all conv layers).
    Acts,
}

impl Complexity {
    /// The record parameter that holds this complexity: `"flops"`, `"params"` or `"acts"`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Flops => "flops",
            Self::Params => "params",
            Self::Acts => "acts",
        }
    }
}

impl std::str::FromStr for Complexity {
    type Err = StatsError;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "flops" => Ok(Self::Flops),
            "params" => Ok(Self::Params),
            "acts" => Ok(Self::Acts),
            _ => Err(StatsError::InvalidOption {
                option: "complexity",
                value: s.to_string(),
                reason: "expected flops, params or acts".into(),
            }),
        }
    }
}

/// A population of models sampled from one design space.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Name of the design space (legend and summary label).
    pub name: String,
    /// The models.
    pub records: Vec<Record>,
}

impl Population {
    /// A named population.
    pub fn new(name: impl Into<String>, records: Vec<Record>) -> Self {
        Self {
            name: name.into(),
            records,
        }
    }

    /// Number of models.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the population has no model.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The errors, in record order.
    pub fn errors(&self) -> Vec<f64> {
        self.records.iter().map(|r| r.error).collect()
    }

    /// The values of one parameter, in record order; a record without it is an error naming it.
    pub fn values(&self, param: &str) -> Result<Vec<f64>> {
        self.records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.param(param).ok_or_else(|| StatsError::MissingParameter {
                    space: self.name.clone(),
                    param: param.to_string(),
                    record: i,
                    line: r.line,
                })
            })
            .collect()
    }

    /// The error EDF (RegNet paper §3.1).
    pub fn edf(&self) -> Result<Edf> {
        Edf::new(&self.errors()).map_err(|e| self.rename_empty(e))
    }

    /// The normalized EDF over a complexity measure (NDS paper §3.2).
    pub fn normalized_edf(
        &self,
        complexity: Complexity,
        options: &NormalizedEdfOptions,
    ) -> Result<(Edf, NormalizedWeights)> {
        let c = self.values(complexity.key())?;
        normalized_edf(&self.errors(), &c, options).map_err(|e| self.rename_empty(e))
    }

    /// The bootstrap range of the best models for one parameter (RegNet paper footnote 4).
    pub fn bootstrap(&self, param: &str, options: &BootstrapOptions) -> Result<BootstrapRange> {
        let x = self.values(param)?;
        bootstrap_best(&x, &self.errors(), options).map_err(|e| match e {
            StatsError::NonFinite { what, index, value } if what == "x" => StatsError::NonFinite {
                what: format!("parameter {param} of space {}, record", self.name),
                index,
                value,
            },
            other => self.rename_empty(other),
        })
    }

    /// The bootstrap ranges of several parameters from one set of resamples (the draws of
    /// [`best_indices`] do not depend on the parameter), each equal to [`Population::bootstrap`].
    ///
    /// ```
    /// use regnet_stats::{BootstrapOptions, Population, Record};
    /// let pop = Population::new(
    ///     "A",
    ///     (0..40)
    ///         .map(|i| {
    ///             let d = (i % 10 + 1) as f64;
    ///             Record::new(30.0 + (d - 4.0).abs()).with_param("d", d).with_param("w", 8.0 * d)
    ///         })
    ///         .collect(),
    /// );
    /// let o = BootstrapOptions::default();
    /// let both = pop.bootstrap_params(&["d".into(), "w".into()], &o)?;
    /// assert_eq!(both[0], pop.bootstrap("d", &o)?);
    /// assert_eq!(both[1], pop.bootstrap("w", &o)?);
    /// # Ok::<(), regnet_stats::StatsError>(())
    /// ```
    pub fn bootstrap_params(
        &self,
        params: &[String],
        options: &BootstrapOptions,
    ) -> Result<Vec<BootstrapRange>> {
        if params.is_empty() {
            return Ok(Vec::new());
        }
        let best = best_indices(&self.errors(), options).map_err(|e| self.rename_empty(e))?;
        params
            .iter()
            .map(|param| {
                let x = self.values(param)?;
                if let Some(index) = x.iter().position(|v| !v.is_finite()) {
                    return Err(StatsError::NonFinite {
                        what: format!("parameter {param} of space {}, record", self.name),
                        index,
                        value: x[index],
                    });
                }
                bootstrap_best_from(&x, &best, options.alpha)
            })
            .collect()
    }

    /// The parameter names that every record resolves, sorted.
    pub fn common_params(&self) -> Vec<String> {
        let mut iter = self.records.iter();
        let Some(first) = iter.next() else {
            return Vec::new();
        };
        let mut names = first.param_names();
        for r in iter {
            names.retain(|n| r.param(n).is_some());
        }
        names
    }

    fn rename_empty(&self, e: StatsError) -> StatsError {
        match e {
            StatsError::Empty { .. } => StatsError::Empty {
                what: format!("population {}", self.name),
            },
            other => other,
        }
    }
}

/// A population read from a JSONL file, with the lines that were left out.
#[derive(Debug)]
pub struct ReadOutcome {
    /// The file.
    pub path: PathBuf,
    /// The usable records, named by their `space` field or the file stem.
    pub population: Population,
    /// One entry per skipped line: [`StatsError::MalformedLine`], [`StatsError::MissingField`],
    /// [`StatsError::WrongType`] or [`StatsError::NonFiniteMetric`], each with its line number.
    pub issues: Vec<StatsError>,
}

impl ReadOutcome {
    /// Lines skipped because the metric was NaN, infinite or null.
    pub fn non_finite_lines(&self) -> Vec<usize> {
        self.issues
            .iter()
            .filter(|e| matches!(e, StatsError::NonFiniteMetric { .. }))
            .filter_map(StatsError::line)
            .collect()
    }

    /// Lines skipped for any other reason (malformed JSON, missing metric, wrong type).
    pub fn malformed(&self) -> impl Iterator<Item = &StatsError> {
        self.issues
            .iter()
            .filter(|e| !matches!(e, StatsError::NonFiniteMetric { .. }))
    }

    /// The population, or the first issue as an error if any line was skipped.
    pub fn into_strict(self) -> Result<Population> {
        match self.issues.into_iter().next() {
            Some(issue) => Err(issue),
            None => Ok(self.population),
        }
    }
}

/// Largest results file [`read_jsonl`] reads: 1 GiB (a 500-model population is about 1 MB).
pub const MAX_RESULTS_BYTES: u64 = 1 << 30;

/// Reads a JSONL results file (see the [module docs](self) for the format); `metric` names the error field.
///
/// Lines that cannot be used are skipped and listed in [`ReadOutcome::issues`]; records of two different
/// spaces in one file and a file with no usable record are errors.
///
/// Files above [`MAX_RESULTS_BYTES`] are refused from their size, before reading.
pub fn read_jsonl(path: &Path, metric: &str) -> Result<ReadOutcome> {
    let len = std::fs::metadata(path)
        .map_err(|e| StatsError::io(path, e))?
        .len();
    if len > MAX_RESULTS_BYTES {
        return Err(StatsError::FileTooLarge {
            path: path.to_path_buf(),
            len,
            max: MAX_RESULTS_BYTES,
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| StatsError::io(path, e))?;
    parse_jsonl(&text, path, metric)
}

/// [`read_jsonl`] on text already in memory; `path` is used in messages and for the default name.
pub fn parse_jsonl(text: &str, path: &Path, metric: &str) -> Result<ReadOutcome> {
    let mut records = Vec::new();
    let mut issues = Vec::new();
    let mut space: Option<(String, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        match parse_record(raw, path, line, metric) {
            Ok((record, record_space)) => {
                if let Some(s) = record_space {
                    match &space {
                        Some((expected, _)) if *expected != s => {
                            return Err(StatsError::MixedSpaces {
                                path: path.to_path_buf(),
                                line,
                                expected: expected.clone(),
                                found: s,
                            });
                        }
                        Some(_) => {}
                        None => space = Some((s, line)),
                    }
                }
                records.push(record);
            }
            Err(issue) => issues.push(issue),
        }
    }
    if records.is_empty() {
        return Err(StatsError::NoRecords {
            path: path.to_path_buf(),
            skipped: issues.len(),
            first: issues.first().map(|e| e.to_string().replace('\n', "\\n")),
        });
    }
    let name = match space {
        Some((s, _)) => s,
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "population".to_string()),
    };
    Ok(ReadOutcome {
        path: path.to_path_buf(),
        population: Population::new(name, records),
        issues,
    })
}

const NAN_SENTINEL: &str = "__regnet_stats_NaN__";
const INF_SENTINEL: &str = "__regnet_stats_Infinity__";
const NEG_INF_SENTINEL: &str = "__regnet_stats_-Infinity__";

/// Rewrites the non-standard tokens `NaN`, `Infinity` and `-Infinity` (outside strings) that Python's `json`
/// module writes into sentinel strings, so that serde_json can parse the line.
fn sanitize_non_finite(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("NaN") && !line.contains("Infinity") {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 32);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else {
            let token = [
                ("-Infinity", NEG_INF_SENTINEL),
                ("Infinity", INF_SENTINEL),
                ("NaN", NAN_SENTINEL),
            ]
            .into_iter()
            .find(|(t, _)| {
                rest.starts_with(t)
                    && !rest[t.len()..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_alphanumeric() || n == '_')
            });
            if let Some((t, replacement)) = token {
                out.push('"');
                out.push_str(replacement);
                out.push('"');
                rest = &rest[t.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// A JSON value read as a number: finite numbers, the Python non-finite tokens, or `None`.
fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s == NAN_SENTINEL => Some(f64::NAN),
        Value::String(s) if s == INF_SENTINEL => Some(f64::INFINITY),
        Value::String(s) if s == NEG_INF_SENTINEL => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

fn describe(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// Stage depths and widths from a `"stages"` list of objects with `depth`/`d` and `width`/`w` numbers
/// (the AnyNet spec written by `regnet sample` and the sweep).
fn stage_lists(v: &Value) -> Option<(Vec<f64>, Vec<f64>)> {
    let stages = v.as_array()?;
    if stages.is_empty() {
        return None;
    }
    let field =
        |s: &Value, names: [&str; 2]| names.iter().find_map(|n| s.get(*n).and_then(as_number));
    stages
        .iter()
        .map(|s| Some((field(s, ["depth", "d"])?, field(s, ["width", "w"])?)))
        .collect::<Option<Vec<(f64, f64)>>>()
        .map(|pairs| pairs.into_iter().unzip())
}

/// Parses one line of a results file into a record and its optional `space` name.
///
/// `line` is the one-based line number used in errors.
pub fn parse_record(
    text: &str,
    path: &Path,
    line: usize,
    metric: &str,
) -> Result<(Record, Option<String>)> {
    let sanitized = sanitize_non_finite(text);
    let value: Value = serde_json::from_str(&sanitized).map_err(|e| StatsError::MalformedLine {
        path: path.to_path_buf(),
        line,
        message: e.to_string(),
    })?;
    let Value::Object(top) = value else {
        return Err(StatsError::MalformedLine {
            path: path.to_path_buf(),
            line,
            message: format!("expected a JSON object, found {}", describe(&value)),
        });
    };
    let nested = match top.get("params") {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    };
    let metric_value = top
        .get(metric)
        .or_else(|| nested.and_then(|m| m.get(metric)))
        .ok_or_else(|| StatsError::MissingField {
            path: path.to_path_buf(),
            line,
            field: metric.to_string(),
        })?;
    let error = match (metric_value, as_number(metric_value)) {
        (_, Some(e)) if e.is_finite() => e,
        (_, Some(e)) => {
            return Err(StatsError::NonFiniteMetric {
                path: path.to_path_buf(),
                line,
                field: metric.to_string(),
                value: if e.is_nan() {
                    "NaN".into()
                } else if e > 0.0 {
                    "Infinity".into()
                } else {
                    "-Infinity".into()
                },
            });
        }
        (Value::Null, None) => {
            return Err(StatsError::NonFiniteMetric {
                path: path.to_path_buf(),
                line,
                field: metric.to_string(),
                value: "null".into(),
            });
        }
        (other, None) => {
            return Err(StatsError::WrongType {
                path: path.to_path_buf(),
                line,
                field: metric.to_string(),
                found: describe(other),
                expected: "a number",
            });
        }
    };
    let space = match top.get("space") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(StatsError::WrongType {
                path: path.to_path_buf(),
                line,
                field: "space".into(),
                found: describe(other),
                expected: "a string",
            });
        }
    };
    let mut record = Record {
        error,
        line: Some(line),
        ..Record::default()
    };
    let collect = |map: &serde_json::Map<String, Value>, record: &mut Record| {
        for (key, v) in map {
            if key == metric || key == "space" {
                continue;
            }
            if let Some(x) = as_number(v) {
                record.params.entry(key.clone()).or_insert(x);
            } else if let Value::Array(items) = v {
                let numbers: Option<Vec<f64>> = items.iter().map(as_number).collect();
                if let Some(numbers) = numbers.filter(|n| !n.is_empty()) {
                    record.arrays.entry(key.clone()).or_insert(numbers);
                }
            }
        }
        if let Some((depths, widths)) = map.get("stages").and_then(stage_lists) {
            record.arrays.entry("ds".into()).or_insert(depths);
            record.arrays.entry("ws".into()).or_insert(widths);
        }
    };
    if let Some(Value::Array(epochs)) = top.get("epochs") {
        record.epoch_images_per_sec = epochs
            .iter()
            .filter_map(|e| e.get("images_per_sec").and_then(as_number))
            .collect();
    }
    // Precedence: top level, then "params", then the other nested objects by name.
    collect(&top, &mut record);
    if let Some(nested) = nested {
        collect(nested, &mut record);
    }
    let mut others: Vec<(&String, &serde_json::Map<String, Value>)> = top
        .iter()
        .filter(|(k, _)| k.as_str() != "params")
        .filter_map(|(k, v)| v.as_object().map(|m| (k, m)))
        .collect();
    others.sort_by(|a, b| a.0.cmp(b.0));
    for (_, m) in others {
        collect(m, &mut record);
    }
    Ok((record, space))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<(Record, Option<String>)> {
        parse_record(line, Path::new("x.jsonl"), 7, "error")
    }

    #[test]
    fn lookup_order_and_arrays() {
        let (r, space) = parse(
            r#"{"space":"A","error":1.5,"d":3,"params":{"d":9,"g":8,"error":99},"ws":[16,32],"name":"m1"}"#,
        )
        .unwrap();
        assert_eq!(space.as_deref(), Some("A"));
        assert_eq!(r.error, 1.5);
        assert_eq!(r.param("d"), Some(3.0));
        assert_eq!(r.param("g"), Some(8.0));
        assert_eq!(r.param("w2"), Some(32.0));
        assert_eq!(r.param("name"), None);
        assert_eq!(r.line, Some(7));
        assert_eq!(r.param_names(), vec!["d", "g", "w1", "w2"]);
    }

    #[test]
    fn sweep_lines_of_regnet_sample() {
        // The shape of a `regnet sample` / sweep results line: draw under "regnet" or "anynet", spec stages.
        let spec = r#""spec":{"stem_w":32,"stages":[{"depth":1,"width":24,"stride":2,"group_width":8},{"depth":3,"width":56,"stride":2,"group_width":8}],"se_r":null}"#;
        let line = format!(
            r#"{{"id":3,"error":37.2,"test_top1_errs":[40.1,37.2],"epochs":[{{"epoch":0}}],"diverged":false,"space":"regnetx","regnet":{{"d":4,"w0":24,"wa":24.5,"wm":2.3,"g":8,"b":1}},{spec},"flops":4e8,"params":5000000,"acts":6e6}}"#
        );
        let (r, space) = parse(&line).unwrap();
        assert_eq!(space.as_deref(), Some("regnetx"));
        assert_eq!(
            (r.error, r.param("wa"), r.param("b")),
            (37.2, Some(24.5), Some(1.0))
        );
        assert_eq!(
            (r.param("params"), r.param("flops")),
            (Some(5e6), Some(4e8))
        );
        assert_eq!(r.arrays["ds"], vec![1.0, 3.0]);
        assert_eq!(
            (r.param("w2"), r.param("d1"), r.param("d3")),
            (Some(56.0), Some(1.0), None)
        );
        assert_eq!(r.param("test_top1_err2"), Some(37.2));
        assert!(r.epoch_images_per_sec.is_empty());
        let timed = line.replace(
            r#"[{"epoch":0}]"#,
            r#"[{"epoch":0,"images_per_sec":812.5},{"epoch":1},{"epoch":2,"images_per_sec":NaN},{"epoch":3,"images_per_sec":790}]"#,
        );
        let (r, _) = parse(&timed).unwrap();
        assert_eq!(r.epoch_images_per_sec.len(), 3);
        assert_eq!(
            (r.epoch_images_per_sec[0], r.epoch_images_per_sec[2]),
            (812.5, 790.0)
        );
        assert!(r.epoch_images_per_sec[1].is_nan());

        let anynet = r#"{"error":41.0,"anynet":{"d":[1,2],"w":[32,64],"b":[1,2],"g":[8,16]},"spec":{"stages":[{"depth":1,"width":32},{"depth":2,"width":64}]}}"#;
        let (r, _) = parse(anynet).unwrap();
        assert_eq!(
            (r.param("b2"), r.param("g1"), r.param("w2"), r.param("d")),
            (Some(2.0), Some(8.0), Some(64.0), None)
        );
        assert_eq!(
            r.param_names(),
            vec!["b1", "b2", "d1", "d2", "g1", "g2", "w1", "w2"]
        );
    }

    #[test]
    fn metric_in_nested_params_and_numeric_params_count() {
        let (r, _) = parse(r#"{"params":{"error":2.5},"flops":0.4}"#).unwrap();
        assert_eq!(r.error, 2.5);
        let (r, _) = parse(r#"{"error":2.5,"params":3.2}"#).unwrap();
        assert_eq!(r.param("params"), Some(3.2));
    }

    #[test]
    fn issues_carry_line_and_field() {
        assert!(matches!(
            parse(r#"{"err":1}"#),
            Err(StatsError::MissingField { line: 7, ref field, .. }) if field == "error"
        ));
        assert!(matches!(
            parse(r#"{"error":NaN}"#),
            Err(StatsError::NonFiniteMetric { line: 7, ref value, .. }) if value == "NaN"
        ));
        assert!(matches!(
            parse(r#"{"error":-Infinity}"#),
            Err(StatsError::NonFiniteMetric { ref value, .. }) if value == "-Infinity"
        ));
        assert!(matches!(
            parse(r#"{"error":null}"#),
            Err(StatsError::NonFiniteMetric { ref value, .. }) if value == "null"
        ));
        assert!(matches!(
            parse(r#"{"error":"1.0"}"#),
            Err(StatsError::WrongType { ref found, .. }) if found == "\"1.0\""
        ));
        assert!(matches!(
            parse(r#"{"error":1.0"#),
            Err(StatsError::MalformedLine { line: 7, .. })
        ));
        assert!(matches!(
            parse("[1, 2]"),
            Err(StatsError::MalformedLine { .. })
        ));
    }

    #[test]
    fn non_finite_tokens_inside_strings_are_kept() {
        let (r, space) = parse(r#"{"space":"NaN Infinity","error":1.0,"wa":NaN}"#).unwrap();
        assert_eq!(space.as_deref(), Some("NaN Infinity"));
        assert!(r.param("wa").unwrap().is_nan());
    }

    #[test]
    fn normalized_edf_by_complexity() {
        let pop = Population::new(
            "A",
            vec![
                Record::new(1.0).with_param("flops", 0.1),
                Record::new(2.0).with_param("flops", 0.2),
                Record::new(3.0).with_param("flops", 0.9),
            ],
        );
        let options = NormalizedEdfOptions {
            bins: 2,
            range: Some((0.0, 1.0)),
        };
        let (edf, w) = pop.normalized_edf(Complexity::Flops, &options).unwrap();
        assert_eq!(w.weights, vec![0.25, 0.25, 0.5]);
        assert_eq!(edf.eval(2.5), 0.5);
        assert_eq!(edf.eval(3.5), 1.0);
        assert!(matches!(
            pop.normalized_edf(Complexity::Acts, &options),
            Err(StatsError::MissingParameter { ref param, record: 0, .. }) if param == "acts"
        ));
        assert_eq!("params".parse::<Complexity>().unwrap(), Complexity::Params);
        assert!("macs".parse::<Complexity>().is_err());
    }

    #[test]
    fn mixed_spaces_and_default_name() {
        let text =
            "{\"error\":1}\n\n{\"error\":2,\"space\":\"B\"}\n{\"error\":3,\"space\":\"C\"}\n";
        assert!(matches!(
            parse_jsonl(text, Path::new("dir/pop.jsonl"), "error"),
            Err(StatsError::MixedSpaces { line: 4, .. })
        ));
        let out = parse_jsonl(
            "{\"error\":1}\n{\"error\":NaN}\n",
            Path::new("dir/pop.jsonl"),
            "error",
        )
        .unwrap();
        assert_eq!(out.population.name, "pop");
        assert_eq!(out.non_finite_lines(), vec![2]);
        assert_eq!(out.malformed().count(), 0);
    }
}
