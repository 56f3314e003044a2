//! Crash-safe population sweeps: the bookkeeping of the paper's method (§2–3: sample n models from a
//! design space, train each briefly, compare the error distributions).
//!
//! This crate knows nothing about models or training: a sweep directory holds
//! - `population.jsonl`: the sampled population, written once (atomically) and never changed; each line
//!   is an object with an integer `id` and whatever the sampler recorded (space, parameters, spec, …),
//! - `results.jsonl` (or `results-K.jsonl` for shard K): one [`ResultRecord`] per finished model,
//!   appended whole (write + flush + fsync of one line), so a kill loses at most the model in flight.
//!   Creating a file and renaming one into place are followed by an fsync of the directory.
//!
//! [`Sweep::run`] trains every model of the shard that has no result yet, calling a user-supplied
//! trainer; on resume a torn last line (a kill during the write: no trailing newline, and a strict
//! prefix of a JSON record) is cut off and reported in [`RunReport::torn_tail`], finished models are
//! skipped, the model in flight is restarted. A last line that is not provably torn is never cut: it
//! is reported as [`SweepError::Malformed`]. [`collect`] merges shard files and reports
//! missing and duplicate models.
//!
//! Stopping early (SIGTERM from a scheduler): [`Sweep::run_until`] starts no new model once a
//! [`StopFlag`] is set, and [`exit_now`] ends the process at once between two durable writes. The
//! worker file `worker.json` / `worker-K.json` ([`WorkerStatus`]) says which models are in flight.
//!
//! ```
//! use regnet_sweep::{PopulationEntry, Shard, Sweep, TrainOutcome};
//! let dir = std::env::temp_dir().join(format!("regnet-sweep-doc-{}", std::process::id()));
//! let population: Vec<PopulationEntry> = (0..3)
//!     .map(|id| PopulationEntry::new(id, serde_json::json!({"space": "demo", "d": id + 1})))
//!     .collect();
//! let sweep = Sweep::create(&dir, &population)?;
//! let report = sweep.run(Shard::ALL, false, |entry| {
//!     let d = entry.sample["d"].as_f64().unwrap_or(0.0);
//!     Ok::<_, std::convert::Infallible>(TrainOutcome::finished(vec![50.0 - d], 7))
//! })?;
//! assert_eq!(report.trained, 3);
//! assert_eq!(sweep.results(Shard::ALL)?.len(), 3);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), regnet_sweep::SweepError>(())
//! ```

mod collect;
mod error;
mod jsonl;
mod progress;
mod record;
mod sweep;
mod worker;

pub use collect::{CollectReport, collect};
pub use error::SweepError;
pub use jsonl::{
    JsonlWriter, TornAction, TornTail, read_jsonl, sync_parent_dir, write_atomic, write_json_atomic,
};
pub use progress::{ShardProgress, progress};
pub use record::{
    EpochStats, JsonSample, LEGACY_TRAIN_SEED_KEY, PopulationEntry, ResultRecord, TRAIN_SEED_KEY,
    TrainOutcome,
};
pub use sweep::{RunReport, Shard, Sweep};
pub use worker::{SlurmTask, StopFlag, WorkerState, WorkerStatus, exit_now};
