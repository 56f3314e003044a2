//! Training one model with the paper's recipe (paper §3 footnote 5, Appendix C; pycls's trainer).
//!
//! A small custom loop over burn's building blocks (SGD with momentum, Nesterov and weight decay from
//! `burn::optim`, cross-entropy from `burn::nn::loss`, checkpoints through burn's recorders). burn's
//! `Learner` is not used because the paper needs three things it does not express: the learning rate set
//! once per *epoch* (pycls), stopping a run whose loss becomes non-finite and recording it as diverged
//! (a population sweep must go on), and a resume that reproduces an uninterrupted run exactly
//! (docs/training.md).
//!
//! Outputs, when an output directory is given: `epochs.jsonl` (one line per finished epoch, appended
//! and fsynced), `summary.json`, `checkpoints/model-N` and `checkpoints/optim-N` of the last finished
//! epoch, and `state.json` naming it.

mod backend;
mod config;
mod data;
mod run;
mod schedule;
mod sweep;
mod tensors;

pub use backend::{WithBackend, with_backend};
pub use config::{MAX_EPOCHS, Preset, REFERENCE_BATCH, REFERENCE_LR, TrainConfig};
pub use data::{DataOptions, DatasetKind, load_data};
pub use run::{TrainData, TrainOptions, TrainSummary, evaluate, train};
pub use schedule::{CosineSchedule, LrUpdate};
pub use sweep::{SampleEntry, SampleResult, SampleSweep, SweepJob, create_sweep};
pub use tensors::{TopKMistakes, batch_to_tensors, count_mistakes, init_model};

use thiserror::Error;

/// Why a training run could not start or continue (divergence is not an error: it is recorded).
#[derive(Debug, Error)]
pub enum TrainError {
    /// A recipe value is invalid.
    #[error("training config: {field}: {message}")]
    Config {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Logits and labels of a batch do not fit together ([`count_mistakes`]).
    #[error("{field}: {message}")]
    Batch {
        /// `labels` or `logits`.
        field: &'static str,
        /// What is wrong, with the values.
        message: String,
    },
    /// The model could not be built from the spec.
    #[error(transparent)]
    Build(#[from] regnet_burn::BuildError),
    /// The spec was rejected.
    #[error(transparent)]
    Spec(#[from] regnet_anynet::SpecError),
    /// Loading data failed.
    #[error(transparent)]
    Data(#[from] regnet_data::DataError),
    /// Writing results failed.
    #[error(transparent)]
    Results(#[from] regnet_sweep::SweepError),
    /// A checkpoint could not be written or read.
    #[error("checkpoint {path}: {message}")]
    Checkpoint {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// `--resume` found a run with another spec or recipe.
    #[error(
        "cannot resume {path}: the run was started with another {what} ({differs}); nothing was changed"
    )]
    ResumeMismatch {
        /// The state file.
        path: String,
        /// `spec` or `recipe`.
        what: &'static str,
        /// The fields that differ, e.g. `epochs 2 → 3`.
        differs: String,
    },
    /// The output directory holds a previous run that cannot be continued as it is: without
    /// `--resume`, or with `--resume` when its files are not provably consistent (an `epochs.jsonl`
    /// without `state.json`, a torn or missing `state.json`, `model-N` or `optim-N`, fewer finished
    /// epochs than the state names). Nothing in the directory is changed.
    #[error("cannot {action} {path}: {reason}")]
    ResumeRefused {
        /// `resume` or `start a new run in`.
        action: &'static str,
        /// The file or directory at fault.
        path: String,
        /// Why, and what to do.
        reason: String,
    },
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}
