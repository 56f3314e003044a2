//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong in `regnet-stats`.
///
/// Variants carry the offending field, value or line so that the message reads as a sentence and a caller
/// can react to the data (for example, count the [`StatsError::NonFiniteMetric`] lines of a results file).
/// The library never panics on user input; it returns one of these instead.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// A statistic was asked of an empty sample.
    #[error("{what} is empty: at least one value is needed")]
    Empty {
        /// What was empty (for example `"errors"` or `"population RegNetX"`).
        what: String,
    },

    /// A value that must be finite is NaN or infinite.
    #[error("{what}[{index}] is {value}, but a finite number is needed")]
    NonFinite {
        /// Which input holds the value.
        what: String,
        /// Position of the value in that input.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// Two inputs that pair up element by element have different lengths.
    #[error("{what_a} has {len_a} values but {what_b} has {len_b}; they must pair up")]
    LengthMismatch {
        /// Name of the first input.
        what_a: String,
        /// Its length.
        len_a: usize,
        /// Name of the second input.
        what_b: String,
        /// Its length.
        len_b: usize,
    },

    /// A fit was asked of fewer values than it needs.
    #[error("{n} {what}, but at least {needed} are needed")]
    TooFewPoints {
        /// What was counted, as a plural noun phrase (`"(x, y) pairs for a least-squares fit"`).
        what: String,
        /// How many values there were.
        n: usize,
        /// How many are needed.
        needed: usize,
    },

    /// A regressor is the same for every value, so a slope on it is undefined.
    #[error("{what} is constant over its {n} values: the fit is undefined")]
    ConstantInput {
        /// Which input is constant.
        what: String,
        /// Number of values.
        n: usize,
    },

    /// Two regressors of a joint fit are collinear (after centering), so their coefficients are undefined.
    #[error(
        "{what_a} and {what_b} are collinear (|sin θ| = {sin:e} after centering): their coefficients are undefined"
    )]
    Collinear {
        /// First regressor.
        what_a: String,
        /// Second regressor.
        what_b: String,
        /// |sin| of the angle between the centered columns.
        sin: f64,
    },

    /// A bin of the normalized EDF (NDS paper) holds no model, so its weight 1/(k·m_j) is undefined.
    #[error(
        "normalized EDF bin {bin} of {bins} (complexity in [{lo}, {hi})) holds no model; \
         use fewer bins or a narrower range"
    )]
    EmptyBin {
        /// Zero-based index of the empty bin.
        bin: usize,
        /// Number of bins k.
        bins: usize,
        /// Lower edge of the bin.
        lo: f64,
        /// Upper edge of the bin.
        hi: f64,
    },

    /// A record's `ws`/`ds` arrays expand to more per-block widths than [`crate::MAX_PLOT_BLOCKS`].
    #[error(
        "line {line}: ws/ds describe {blocks} blocks, more than the supported {max} (widths x depths is not expanded)"
    )]
    TooManyBlocks {
        /// One-based line of the record in its results file (0 if it was not read from a file).
        line: usize,
        /// Σ ds of the record.
        blocks: f64,
        /// The largest accepted number of blocks.
        max: usize,
    },

    /// An option has a value outside its domain.
    #[error("option {option} = {value} is invalid: {reason}")]
    InvalidOption {
        /// Name of the option.
        option: &'static str,
        /// The value given, as text.
        value: String,
        /// Why it is rejected.
        reason: String,
    },

    /// An explicit bootstrap index points past the end of the sample.
    #[error("bootstrap index {index} at position {position} is out of range for {n} pairs")]
    IndexOutOfRange {
        /// Position of the index in the index sequence.
        position: usize,
        /// The offending index.
        index: usize,
        /// Number of (x, error) pairs.
        n: usize,
    },

    /// A line of a JSONL results file is not a JSON object.
    #[error("{}:{line}: malformed line: {message}", path.display())]
    MalformedLine {
        /// The file.
        path: PathBuf,
        /// One-based line number.
        line: usize,
        /// What the JSON parser said.
        message: String,
    },

    /// A required field is absent from a record.
    #[error("{}:{line}: missing field {field:?}", path.display())]
    MissingField {
        /// The file.
        path: PathBuf,
        /// One-based line number.
        line: usize,
        /// The absent field.
        field: String,
    },

    /// A field has the wrong JSON type.
    #[error("{}:{line}: field {field:?} is {found}, expected {expected}", path.display())]
    WrongType {
        /// The file.
        path: PathBuf,
        /// One-based line number.
        line: usize,
        /// The field.
        field: String,
        /// What the line holds, as JSON text (shortened).
        found: String,
        /// What was expected (`"a number"`, `"a string"`).
        expected: &'static str,
    },

    /// The metric (error) of a record is NaN, infinite or null: the model is left out of the population
    /// and the line is reported.
    #[error("{}:{line}: {field:?} is {value}, not a finite number; the record is left out", path.display())]
    NonFiniteMetric {
        /// The file.
        path: PathBuf,
        /// One-based line number.
        line: usize,
        /// The metric field.
        field: String,
        /// The value as written (`NaN`, `Infinity`, `-Infinity` or `null`).
        value: String,
    },

    /// One results file holds records of two different spaces.
    #[error(
        "{}:{line}: space {found:?} differs from {expected:?} on earlier lines; \
         each file must hold one population",
        path.display()
    )]
    MixedSpaces {
        /// The file.
        path: PathBuf,
        /// One-based line number of the first record of another space.
        line: usize,
        /// The space of the earlier records.
        expected: String,
        /// The space found on this line.
        found: String,
    },

    /// A results file holds no usable record.
    #[error("{}: no usable record ({skipped} lines skipped){}", path.display(), first.as_deref().map_or(String::new(), |f| format!("; the first: {f}")))]
    NoRecords {
        /// The file.
        path: PathBuf,
        /// How many non-blank lines were skipped as malformed or non-finite.
        skipped: usize,
        /// Why the first skipped line was skipped (one line), if any was.
        first: Option<String>,
    },

    /// A record lacks a parameter that a statistic was asked for.
    #[error("space {space:?}: record {record}{} has no parameter {param:?}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    MissingParameter {
        /// Name of the population.
        space: String,
        /// The parameter asked for.
        param: String,
        /// Zero-based position of the record in the population.
        record: usize,
        /// Line of the record in its file, when it was read from one.
        line: Option<usize>,
    },

    /// A results file is larger than [`crate::population::MAX_RESULTS_BYTES`].
    #[error("{}: file has {len} bytes, more than the supported {max}", path.display())]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        len: u64,
        /// The largest accepted size.
        max: u64,
    },

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// Serializing the summary failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl StatsError {
    /// The one-based line number of a results file that this error is about, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::MalformedLine { line, .. }
            | Self::MissingField { line, .. }
            | Self::WrongType { line, .. }
            | Self::NonFiniteMetric { line, .. }
            | Self::MixedSpaces { line, .. } => Some(*line),
            Self::MissingParameter { line, .. } => *line,
            Self::TooManyBlocks { line, .. } => Some(*line).filter(|&l| l > 0),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = StatsError> = std::result::Result<T, E>;

/// Checks that every value is finite; `what` names the input in the error.
pub(crate) fn check_finite(what: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(StatsError::NonFinite {
            what: what.to_string(),
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Checks that a sample is non-empty and finite.
pub(crate) fn check_sample(what: &str, values: &[f64]) -> Result<()> {
    if values.is_empty() {
        return Err(StatsError::Empty {
            what: what.to_string(),
        });
    }
    check_finite(what, values)
}
