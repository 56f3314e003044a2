//! Errors of the sweep engine.

use thiserror::Error;

/// What went wrong in a sweep directory; each variant names the file (and line).
#[derive(Debug, Error)]
pub enum SweepError {
    /// A file could not be read, written or synced.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A complete line (not the torn last one) is not valid JSON for its record type.
    #[error("{path}:{line}: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// The population file already exists with different content.
    #[error(
        "{path} already holds a different population ({existing} models, asked for {requested}); use another directory"
    )]
    PopulationMismatch {
        /// The file.
        path: String,
        /// Models in the file.
        existing: usize,
        /// Models requested.
        requested: usize,
    },
    /// Population ids must be 0..n in order.
    #[error("population entry {index} has id {id}; ids must be 0..n in order")]
    BadId {
        /// Position in the population.
        index: usize,
        /// Its id.
        id: usize,
    },
    /// A shard specification `K/N` is invalid.
    #[error("shard must be K/N with 0 <= K < N, got {0:?}")]
    BadShard(String),
    /// A result line names a model that is not in the population.
    #[error("{path}:{line}: result for model {id}, but the population has {n} models")]
    UnknownModel {
        /// The results file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The model id.
        id: usize,
        /// Population size.
        n: usize,
    },
    /// A population sample uses a key that results lines reserve for the record or its outcome.
    #[error(
        "population entry {id}: sample key {key:?} is reserved for results lines (id, error and the training outcome's keys)"
    )]
    ReservedKey {
        /// The entry's id.
        id: usize,
        /// The reserved key the sample uses.
        key: String,
    },
    /// The trainer failed on a model (the sweep stops; finished results are kept).
    #[error("training model {id} failed: {message}")]
    Trainer {
        /// The model id.
        id: usize,
        /// The trainer's message.
        message: String,
    },
}

impl SweepError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
