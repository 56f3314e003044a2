//! The sweep directory and the training loop over one shard of the population.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::{
    JsonSample, JsonlWriter, PopulationEntry, ResultRecord, StopFlag, SweepError, TornTail,
    TrainOutcome, WorkerState, WorkerStatus, read_jsonl, write_atomic,
};

/// A slice of the population: models with `id % n == k` (0-based k, as SLURM's `--array=0-(N-1)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This worker's index, 0 ≤ k < n.
    pub k: usize,
    /// Number of workers.
    pub n: usize,
}

impl Shard {
    /// The whole population (one worker).
    pub const ALL: Shard = Shard { k: 0, n: 1 };

    /// Whether model `id` belongs to this shard.
    pub fn contains(&self, id: usize) -> bool {
        id % self.n == self.k
    }

    /// The results file of this shard: `results.jsonl` for the whole population, else `results-K.jsonl`.
    pub fn results_file(&self) -> String {
        if self.n == 1 {
            "results.jsonl".into()
        } else {
            format!("results-{}.jsonl", self.k)
        }
    }

    /// The worker file of this shard ([`WorkerStatus`]): `worker.json` for the whole population, else
    /// `worker-K.json`.
    pub fn worker_file(&self) -> String {
        if self.n == 1 {
            "worker.json".into()
        } else {
            format!("worker-{}.json", self.k)
        }
    }

    /// Number of population ids below `population` in this shard.
    pub fn size(&self, population: usize) -> usize {
        (0..population).filter(|&id| self.contains(id)).count()
    }
}

impl FromStr for Shard {
    type Err = SweepError;
    /// Parses `K/N`.
    fn from_str(s: &str) -> Result<Self, SweepError> {
        let bad = || SweepError::BadShard(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

/// What [`Sweep::run`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Models trained in this run.
    pub trained: usize,
    /// Models of the shard skipped because a result already existed.
    pub skipped: usize,
    /// Models of this run that diverged.
    pub diverged: usize,
    /// Whether a torn last line (an interrupted write) was found and repaired.
    pub repaired_torn_line: bool,
    /// The repair of a torn last line, if there was one; its `Display` is a one-line message for the
    /// user (the file, the line, what was done).
    pub torn_tail: Option<TornTail>,
    /// Whether the run ended on a [`StopFlag`] request with models of the shard still unfinished.
    pub stopped: bool,
}

/// What the workers of [`Sweep::run_jobs`] share: the results file and the tallies.
struct Shared {
    writer: JsonlWriter,
    worker: WorkerStatus,
    report: RunReport,
    error: Option<SweepError>,
    completed: usize,
}

/// Locks `m`, also after a worker panicked (the state is plain tallies and an append-only file).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A sweep directory with its population of samples of type `S` ([`JsonSample`] when the sampler is
/// unknown, `regnet_anynet::SampleRecord` for the RegNet sampler).
#[derive(Debug, Clone)]
pub struct Sweep<S = JsonSample> {
    dir: PathBuf,
    population: Vec<PopulationEntry<S>>,
}

const POPULATION: &str = "population.jsonl";

impl<S> Sweep<S>
where
    S: Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync,
{
    /// Creates the directory and writes `population.jsonl` atomically (temp file, fsync, rename). If the
    /// file already exists it must hold exactly this population (a resumed or parallel worker).
    ///
    /// A sample that uses a key of the results line ([`ResultRecord::reserved_keys`]) is refused with
    /// [`SweepError::ReservedKey`]: its result would hold that key twice.
    pub fn create(dir: &Path, population: &[PopulationEntry<S>]) -> Result<Self, SweepError> {
        let reserved = ResultRecord::<S>::reserved_keys();
        for (index, e) in population.iter().enumerate() {
            if e.id != index {
                return Err(SweepError::BadId { index, id: e.id });
            }
            if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(&e.sample)
                && let Some(key) = reserved.iter().find(|k| m.contains_key(**k))
            {
                return Err(SweepError::ReservedKey {
                    id: e.id,
                    key: key.to_string(),
                });
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| SweepError::io(dir, e))?;
        let path = dir.join(POPULATION);
        if path.exists() {
            let existing = Self::open(dir)?;
            if existing.population != population {
                return Err(SweepError::PopulationMismatch {
                    path: path.display().to_string(),
                    existing: existing.population.len(),
                    requested: population.len(),
                });
            }
            return Ok(existing);
        }
        let mut bytes = Vec::new();
        for e in population {
            serde_json::to_writer(&mut bytes, e).map_err(|e| SweepError::Malformed {
                path: path.display().to_string(),
                line: 0,
                message: format!("cannot serialize population entry: {e}"),
            })?;
            bytes.push(b'\n');
        }
        // Temp file, fsync, rename, fsync of the directory.
        write_atomic(&path, &bytes)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            population: population.to_vec(),
        })
    }

    /// Opens an existing sweep directory.
    pub fn open(dir: &Path) -> Result<Self, SweepError> {
        let path = dir.join(POPULATION);
        if !path.exists() {
            return Err(SweepError::io(
                &path,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no population in this directory",
                ),
            ));
        }
        let (population, _) = read_jsonl::<PopulationEntry<S>>(&path)?;
        for (index, e) in population.iter().enumerate() {
            if e.id != index {
                return Err(SweepError::BadId { index, id: e.id });
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            population,
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The population.
    pub fn population(&self) -> &[PopulationEntry<S>] {
        &self.population
    }

    /// Finished results of a shard (a torn last line is ignored).
    ///
    /// Each record's sample is the population's entry of its id (the file's copy of the sample is not
    /// parsed again), so results files written before the training seed was renamed `train_seed`
    /// (which lack the sampler's `seed`, see [`ResultRecord`]) still give typed samples.
    pub fn results(&self, shard: Shard) -> Result<Vec<ResultRecord<S>>, SweepError> {
        let path = self.dir.join(shard.results_file());
        let (records, _) = read_jsonl::<ResultRecord<IgnoredAny>>(&path)?;
        records
            .into_iter()
            .enumerate()
            .map(|(i, r)| match self.population.get(r.id) {
                Some(entry) => Ok(r.with_sample(entry.sample.clone())),
                None => Err(SweepError::UnknownModel {
                    path: path.display().to_string(),
                    line: i + 1,
                    id: r.id,
                    n: self.population.len(),
                }),
            })
            .collect()
    }

    /// Trains every model of `shard` that has no result yet, appending one record per finished model.
    ///
    /// Without `resume`, a shard that already has results is an error (nothing is overwritten). With
    /// `resume`, finished models are skipped and the model that was in flight is trained again. A trainer
    /// error stops the run; every result finished before it stays on disk. Progress is a bar on a
    /// terminal and one plain line per model otherwise. One model at a time; see [`Sweep::run_jobs`].
    pub fn run<E: Display + Send>(
        &self,
        shard: Shard,
        resume: bool,
        trainer: impl FnMut(&PopulationEntry<S>) -> Result<TrainOutcome, E> + Send,
    ) -> Result<RunReport, SweepError> {
        let trainer = Mutex::new(trainer);
        self.run_jobs(shard, resume, 1, |entry| {
            let mut f = trainer.lock().unwrap_or_else(|p| p.into_inner());
            (*f)(entry)
        })
    }

    /// [`Sweep::run`] with up to `jobs` models in flight at once, each on its own thread (`jobs` is
    /// clamped to 1..=models left). Models are handed out in id order; each result is appended (one
    /// fsynced line) as soon as its model finishes, so the file is in completion order and a kill still
    /// loses only the models in flight. After a trainer error no new model is started, the models
    /// already running finish and are recorded, and the first error is returned.
    pub fn run_jobs<E: Display + Send>(
        &self,
        shard: Shard,
        resume: bool,
        jobs: usize,
        trainer: impl Fn(&PopulationEntry<S>) -> Result<TrainOutcome, E> + Sync,
    ) -> Result<RunReport, SweepError> {
        self.run_until(shard, resume, jobs, &StopFlag::new(), trainer)
    }

    /// [`Sweep::run_jobs`] that starts no new model once `stop` is requested: the models in flight
    /// finish and are recorded, and the report says [`RunReport::stopped`] if models are left.
    ///
    /// Throughout, the shard's worker file ([`Shard::worker_file`], a [`WorkerStatus`]) is rewritten
    /// atomically when a model starts or finishes and when the run ends (finished, stopped or failed).
    pub fn run_until<E: Display + Send>(
        &self,
        shard: Shard,
        resume: bool,
        jobs: usize,
        stop: &StopFlag,
        trainer: impl Fn(&PopulationEntry<S>) -> Result<TrainOutcome, E> + Sync,
    ) -> Result<RunReport, SweepError> {
        let path = self.dir.join(shard.results_file());
        let done = self.results(shard)?;
        if !resume && !done.is_empty() {
            return Err(SweepError::Io {
                path: path.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    format!(
                        "already holds {} results; pass --resume to continue",
                        done.len()
                    ),
                ),
            });
        }
        let finished: std::collections::HashSet<usize> = done.iter().map(|r| r.id).collect();
        let todo: Vec<&PopulationEntry<S>> = self
            .population
            .iter()
            .filter(|e| shard.contains(e.id) && !finished.contains(&e.id))
            .collect();
        let writer = JsonlWriter::open_append(&path)?;
        let report = RunReport {
            skipped: self
                .population
                .iter()
                .filter(|e| shard.contains(e.id) && finished.contains(&e.id))
                .count(),
            repaired_torn_line: writer.torn_tail().is_some(),
            torn_tail: writer.torn_tail().cloned(),
            ..RunReport::default()
        };
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(todo.len() as u64);
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} models  {elapsed_precise} (eta {eta})  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.set_prefix(format!("shard {}/{}", shard.k, shard.n));
            b
        });
        let jobs = jobs.clamp(1, todo.len().max(1));
        let mut worker = WorkerStatus::start(shard);
        worker.write(&self.dir)?;
        let shared = Mutex::new(Shared {
            writer,
            worker,
            report,
            error: None,
            completed: 0,
        });
        let next = AtomicUsize::new(0);
        let total = todo.len();
        let worker = || {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(entry) = todo.get(i) else { break };
                {
                    let mut st = lock(&shared);
                    if st.error.is_some() {
                        break;
                    }
                    if stop.is_requested() {
                        st.report.stopped = true;
                        break;
                    }
                    st.worker.in_flight.push(entry.id);
                    let Shared { worker, .. } = &mut *st;
                    if let Err(e) = worker.write(&self.dir) {
                        st.error.get_or_insert(e);
                        break;
                    }
                }
                let t0 = Instant::now();
                let outcome = trainer(entry);
                let mut st = lock(&shared);
                st.worker.in_flight.retain(|&id| id != entry.id);
                let outcome = match outcome {
                    Ok(o) => o,
                    Err(e) => {
                        st.error.get_or_insert(SweepError::Trainer {
                            id: entry.id,
                            message: e.to_string(),
                        });
                        break;
                    }
                };
                let record = ResultRecord::new(entry, outcome);
                if let Err(e) = st.writer.append(&record) {
                    st.error.get_or_insert(e);
                    break;
                }
                st.report.trained += 1;
                st.report.diverged += usize::from(record.outcome.diverged);
                st.completed += 1;
                st.worker.trained += 1;
                let Shared { worker, .. } = &mut *st;
                if let Err(e) = worker.write(&self.dir) {
                    st.error.get_or_insert(e);
                    break;
                }
                let msg = match record.error {
                    Some(e) if !record.outcome.diverged => {
                        format!("model {} error {e:.2}%", entry.id)
                    }
                    _ => format!("model {} diverged", entry.id),
                };
                match &bar {
                    Some(b) => {
                        b.set_message(msg);
                        b.inc(1);
                    }
                    None => {
                        // Progress output is best effort: a closed stderr must not lose results.
                        let _ = writeln!(
                            std::io::stderr().lock(),
                            "[{}/{}] {msg} ({:.1} s)",
                            st.completed,
                            total,
                            t0.elapsed().as_secs_f64()
                        );
                    }
                }
            }
        };
        if jobs == 1 {
            worker();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..jobs {
                    scope.spawn(worker);
                }
            });
        }
        if let Some(b) = bar {
            b.finish();
        }
        let mut shared = shared.into_inner().unwrap_or_else(|p| p.into_inner());
        let left = total - shared.report.trained;
        shared.report.stopped &= left > 0;
        let (state, message) = match &shared.error {
            Some(e) => (WorkerState::Failed, Some(e.to_string())),
            None if left > 0 => (
                WorkerState::Stopped,
                Some(format!("stop requested; {left} models left")),
            ),
            None => (WorkerState::Finished, None),
        };
        shared.worker.state = state;
        shared.worker.message = message;
        shared.worker.in_flight.clear();
        let written = shared.worker.write(&self.dir);
        match shared.error {
            Some(e) => Err(e),
            None => written.map(|()| shared.report),
        }
    }
}
