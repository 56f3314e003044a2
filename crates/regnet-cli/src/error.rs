//! The CLI's error type: every failure is one line naming the problem.

use thiserror::Error;

/// A failure of a `regnet` subcommand.
#[derive(Debug, Error)]
pub enum CliError {
    /// A spec, config or model name was rejected.
    #[error(transparent)]
    Spec(#[from] regnet_anynet::SpecError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A command-line value is invalid.
    #[error("--{flag}: {message}")]
    Flag {
        /// The flag without dashes.
        flag: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The statistics failed (unreadable results, bad parameter, …).
    #[error(transparent)]
    Stats(#[from] regnet_stats::StatsError),
    /// A sweep directory is unusable.
    #[error(transparent)]
    Sweep(#[from] regnet_sweep::SweepError),
    /// A model could not be built (its spec was rejected).
    #[error(transparent)]
    Build(#[from] regnet_burn::BuildError),
    /// JSON output failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}
