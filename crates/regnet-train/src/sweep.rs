//! Population sweeps (paper §3: sample n models of a design space, train each briefly): sampling the
//! population into a sweep directory and training one shard of it with [`crate::train`].

use std::path::Path;

use regnet_anynet::space::{
    Constraints, DesignSpace, SampleError, SampleRecord, SampleStats, Sampler,
};
use regnet_burn::TrainBackend;
use regnet_sweep::{PopulationEntry, RunReport, Shard, StopFlag};

/// A sweep of sampled AnyNet/RegNet models: every entry carries its typed [`SampleRecord`].
pub type SampleSweep = regnet_sweep::Sweep<SampleRecord>;

/// One sampled model of a [`SampleSweep`]'s population.
pub type SampleEntry = PopulationEntry<SampleRecord>;

/// One line of a [`SampleSweep`]'s results: the typed sample and its training outcome.
pub type SampleResult = regnet_sweep::ResultRecord<SampleRecord>;

use crate::{TrainConfig, TrainData, TrainError, TrainOptions, train};

/// Samples `n` models of `space` inside `constraints` with `seed` and writes them as the population of
/// a sweep directory (`population.jsonl`). Re-running with the same arguments reopens the same sweep.
pub fn create_sweep(
    dir: &Path,
    space: DesignSpace,
    constraints: Constraints,
    n: usize,
    seed: u64,
) -> Result<(SampleSweep, SampleStats), TrainError> {
    let sampled = Sampler::new(space, constraints, seed)
        .sample(n)
        .map_err(|e| TrainError::Config {
            // The windows when no model fell inside them, the space otherwise.
            field: match &e {
                SampleError::Infeasible { what, .. } => what,
                SampleError::TooFewAccepted { .. } => "windows",
                _ => "space",
            },
            message: e.to_string(),
        })?;
    let population: Vec<SampleEntry> = sampled
        .records
        .into_iter()
        .enumerate()
        .map(|(id, r)| PopulationEntry::with_sample(id, r))
        .collect();
    Ok((SampleSweep::create(dir, &population)?, sampled.stats))
}

/// One shard of a sweep to train with one recipe: what `regnet sweep`, the refinement example and a
/// driver of your own run.
///
/// Every unfinished model of `shard` is trained with `cfg` (model `id` with seed `cfg.seed + id`) and
/// one result per finished model is appended to the shard's results file. A diverged model is recorded,
/// not fatal; any other failure stops the sweep with every finished result kept. `jobs` models train
/// concurrently on the one device (threads, [`regnet_sweep::Sweep::run_until`]); each model's result does not depend
/// on `jobs` (initialisation is seeded under a lock, data order and augmentation have per-model
/// generators; docs/sweeps.md has when concurrency pays). Once `stop` is requested (SIGTERM before a
/// SLURM requeue) no new model starts: those in flight finish and are recorded, and the report says
/// whether models are left ([`RunReport::stopped`]).
///
/// [`SweepJob::train`] runs it on a backend type chosen at compile time; as a [`crate::WithBackend`],
/// [`crate::with_backend`] runs it on the backend named at run time.
#[derive(Debug, Clone)]
pub struct SweepJob<'a> {
    /// The sweep directory with its population.
    pub sweep: &'a SampleSweep,
    /// The models to train: `id % n == k`.
    pub shard: Shard,
    /// Skip finished models (without it, a shard that has results is an error).
    pub resume: bool,
    /// Models in flight at once (at least 1).
    pub jobs: usize,
    /// Starts no new model once set.
    pub stop: StopFlag,
    /// Training and test data.
    pub data: &'a TrainData,
    /// The recipe of every model.
    pub cfg: &'a TrainConfig,
}

impl<'a> SweepJob<'a> {
    /// The whole population, one model at a time, no resume, never stopped.
    pub fn new(sweep: &'a SampleSweep, data: &'a TrainData, cfg: &'a TrainConfig) -> Self {
        Self {
            sweep,
            shard: Shard::ALL,
            resume: false,
            jobs: 1,
            stop: StopFlag::new(),
            data,
            cfg,
        }
    }

    /// Trains the shard's unfinished models on backend `B`; `backend` is the name recorded with
    /// each result.
    pub fn train<B: TrainBackend>(
        &self,
        backend: &str,
        device: &B::Device,
    ) -> Result<RunReport, TrainError> {
        let (data, cfg) = (self.data, self.cfg);
        let report =
            self.sweep
                .run_until(self.shard, self.resume, self.jobs, &self.stop, |entry| {
                    let spec = &entry.sample.spec;
                    let model_cfg = TrainConfig {
                        seed: cfg.seed.wrapping_add(entry.id as u64),
                        ..cfg.clone()
                    };
                    let opts = TrainOptions {
                        backend: backend.to_string(),
                        quiet: true,
                        ..TrainOptions::default()
                    };
                    let summary = train::<B>(spec, data, &model_cfg, &opts, device)?;
                    Ok::<_, TrainError>(summary.outcome())
                })?;
        Ok(report)
    }
}

impl crate::WithBackend for SweepJob<'_> {
    type Out = Result<RunReport, TrainError>;
    fn run<B: TrainBackend>(self, device: B::Device, name: &str) -> Self::Out {
        self.train::<B>(name, &device)
    }
}
