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
    /// Training or a sweep failed; the message names the file, field or spec value at fault.
    #[error(transparent)]
    Train(regnet_train::TrainError),
    /// A model could not be built (its spec was rejected).
    #[error(transparent)]
    Build(#[from] regnet_burn::BuildError),
    /// JSON output failed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// A program regnet runs (sbatch, scontrol) is missing or failed.
    #[error("{program}: {message}")]
    Command {
        /// The program.
        program: &'static str,
        /// What went wrong (its stderr, or why it could not start).
        message: String,
    },
    /// The work stopped early on request (SIGTERM) and can be resumed; not a failure.
    #[error("{message}")]
    Stopped {
        /// The exit status (75: try again, see `regnet sweep --on-sigterm`).
        code: u8,
        /// What stopped and how to continue.
        message: String,
    },
}

impl CliError {
    /// The process exit status for this error: 2 for bad input and failures, the given status for
    /// [`CliError::Stopped`].
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Stopped { code, .. } => *code,
            _ => 2,
        }
    }
}

/// `value` of `--flag` must lie in `min..=max`; otherwise a [`CliError::Flag`] naming the flag, the
/// value and the range.
pub fn check_flag_range(
    flag: &'static str,
    value: u32,
    min: u32,
    max: u32,
) -> Result<(), CliError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(CliError::Flag {
            flag,
            message: format!("must be {min}..={max}, got {value}"),
        })
    }
}
