//! Stopping a worker cleanly, and the worker file that says what it is doing.
//!
//! A scheduler (SLURM before a requeue, a preemption or the time limit) asks a worker to stop with
//! SIGTERM. The worker then either finishes the models in flight and starts no new one
//! ([`StopFlag`], checked by [`crate::Sweep::run_until`] before each model), or stops at once
//! ([`exit_now`]): it waits until no durable write of this crate is in progress, so no line is ever
//! torn, and ends the process; the models in flight are trained again on `--resume`.
//!
//! `worker.json` / `worker-K.json` ([`WorkerStatus`]) is rewritten atomically whenever the worker of
//! a shard starts or finishes a model and when it stops; `regnet status` reads it.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::jsonl::{WRITE_GATE, write_atomic_ungated};
use crate::{Shard, SweepError};

/// A request to stop a running shard after the models in flight: set from a signal handler thread,
/// read by the workers before they start a model. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the workers to start no new model.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was requested.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What the worker of a shard is doing, as last written to its worker file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkerState {
    /// Training (or about to train) the models of the shard.
    Running,
    /// Every model of the shard has a result.
    Finished,
    /// Stopped on request (SIGTERM) with models left; `--resume` continues.
    Stopped,
    /// Stopped by an error (its message is in [`WorkerStatus::message`]); finished results are kept.
    Failed,
}

/// The SLURM task a worker runs in, from the environment SLURM sets (`SLURM_JOB_ID`,
/// `SLURM_ARRAY_JOB_ID`, `SLURM_ARRAY_TASK_ID`, `SLURM_RESTART_COUNT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlurmTask {
    /// `SLURM_JOB_ID`: this task's own job id.
    pub job_id: String,
    /// `SLURM_ARRAY_JOB_ID`: the array's job id (what `sbatch` printed), if an array task.
    pub array_job_id: Option<String>,
    /// `SLURM_ARRAY_TASK_ID`, if an array task.
    pub array_task_id: Option<String>,
    /// `SLURM_RESTART_COUNT`: how often the task was requeued (0 on the first run).
    pub restart_count: u32,
}

impl SlurmTask {
    /// The task described by the environment, or `None` outside SLURM (no `SLURM_JOB_ID`).
    pub fn from_env() -> Option<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Some(Self {
            job_id: var("SLURM_JOB_ID")?,
            array_job_id: var("SLURM_ARRAY_JOB_ID"),
            array_task_id: var("SLURM_ARRAY_TASK_ID"),
            restart_count: var("SLURM_RESTART_COUNT")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        })
    }
}

/// The content of `worker.json` / `worker-K.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerStatus {
    /// 0-based shard index K.
    pub shard: usize,
    /// Number of shards N.
    pub shards: usize,
    /// What the worker is doing.
    pub state: WorkerState,
    /// Ids of the models being trained now (for a stopped worker: the ones it abandoned).
    pub in_flight: Vec<usize>,
    /// Models this run of the worker trained and recorded.
    pub trained: usize,
    /// Process id.
    pub pid: u32,
    /// Host name (`/proc/sys/kernel/hostname`, else `$HOSTNAME`, else empty).
    pub host: String,
    /// The SLURM task, when run under SLURM.
    pub slurm: Option<SlurmTask>,
    /// Seconds since the Unix epoch when the file was written.
    pub updated_unix: u64,
    /// Why the worker stopped or failed.
    pub message: Option<String>,
}

impl WorkerStatus {
    /// A running worker of `shard` in this process.
    pub fn start(shard: Shard) -> Self {
        Self {
            shard: shard.k,
            shards: shard.n,
            state: WorkerState::Running,
            in_flight: Vec::new(),
            trained: 0,
            pid: std::process::id(),
            host: host_name(),
            slurm: SlurmTask::from_env(),
            updated_unix: 0,
            message: None,
        }
    }

    /// Reads the worker file of `shard` in `dir`; `None` if there is none.
    pub fn read(dir: &Path, shard: Shard) -> Result<Option<Self>, SweepError> {
        let path = dir.join(shard.worker_file());
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(SweepError::io(&path, e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| SweepError::Malformed {
                path: path.display().to_string(),
                line: e.line(),
                message: e.to_string(),
            })
    }

    /// Writes the worker file of its shard in `dir` atomically, stamped with the current time.
    pub fn write(&mut self, dir: &Path) -> Result<(), SweepError> {
        let _gate = WRITE_GATE.lock().unwrap_or_else(|p| p.into_inner());
        self.write_ungated(dir)
    }

    fn write_ungated(&mut self, dir: &Path) -> Result<(), SweepError> {
        self.updated_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let shard = Shard {
            k: self.shard,
            n: self.shards,
        };
        let path = dir.join(shard.worker_file());
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| SweepError::Malformed {
            path: path.display().to_string(),
            line: 0,
            message: format!("cannot serialize worker status: {e}"),
        })?;
        bytes.push(b'\n');
        write_atomic_ungated(&path, &bytes)
    }

    /// Whether the process this file names is known to be gone: it ran on this host and no process
    /// with its pid exists (Linux `/proc`). `false` when that cannot be told.
    pub fn process_gone(&self) -> bool {
        self.host == host_name()
            && Path::new("/proc/self").exists()
            && !Path::new(&format!("/proc/{}", self.pid)).exists()
    }
}

/// This machine's host name, or an empty string if it cannot be read.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// Ends the process at once with exit status `code`, without tearing anything: waits until no durable
/// write of this crate is in progress (an append, an atomic replace, a torn-line repair) and keeps
/// every other write from starting, marks the worker file of `shard` in `dir` as stopped (its models
/// in flight are abandoned; `--resume` trains them again), flushes stdout and stderr, and exits.
///
/// For a binary's signal handler thread (SIGTERM before a requeue or preemption); a worker that may
/// finish its models in flight uses [`StopFlag`] instead.
pub fn exit_now(dir: &Path, shard: Shard, code: i32, reason: &str) -> ! {
    use std::io::Write;
    let _gate = WRITE_GATE.lock().unwrap_or_else(|p| p.into_inner());
    let note = match WorkerStatus::read(dir, shard) {
        Ok(Some(mut w)) if w.pid == std::process::id() => {
            w.state = WorkerState::Stopped;
            w.message = Some(reason.to_string());
            let abandoned = format!("{:?}", w.in_flight);
            match w.write_ungated(dir) {
                Ok(()) => format!(
                    "{reason}: stopped at once; models in flight {abandoned} are left for --resume"
                ),
                Err(e) => format!("{reason}: stopped at once; could not mark the worker file: {e}"),
            }
        }
        Ok(_) => format!("{reason}: stopped at once before any model started"),
        Err(e) => format!("{reason}: stopped at once; worker file unreadable: {e}"),
    };
    let _ = std::io::stdout().flush();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{note}");
    let _ = err.flush();
    std::process::exit(code)
}
