//! Population sweeps (paper §3: sample n models of a design space, train each briefly): sampling the
//! population into a sweep directory and training one shard of it with [`crate::train`].

use std::path::Path;

use regnet_anynet::AnyNetSpec;
use regnet_anynet::space::{Constraints, DesignSpace, SampleStats, Sampler};
use regnet_burn::TrainBackend;
use regnet_sweep::{PopulationEntry, RunReport, Shard, StopFlag, Sweep};

use crate::{TrainConfig, TrainData, TrainError, TrainOptions, train};

/// Samples `n` models of `space` inside `constraints` with `seed` and writes them as the population of
/// a sweep directory (`population.jsonl`). Re-running with the same arguments reopens the same sweep.
pub fn create_sweep(
    dir: &Path,
    space: DesignSpace,
    constraints: Constraints,
    n: usize,
    seed: u64,
) -> Result<(Sweep, SampleStats), TrainError> {
    let sampled = Sampler::new(space, constraints, seed)
        .sample(n)
        .map_err(|e| TrainError::Config {
            field: "space",
            message: e.to_string(),
        })?;
    let population: Vec<PopulationEntry> = sampled
        .records
        .iter()
        .enumerate()
        .map(|(id, r)| {
            let value = serde_json::to_value(r).unwrap_or(serde_json::Value::Null);
            PopulationEntry::new(id, value)
        })
        .collect();
    Ok((Sweep::create(dir, &population)?, sampled.stats))
}

/// The spec of a population entry (its `spec` field).
pub fn entry_spec(entry: &PopulationEntry) -> Result<AnyNetSpec, TrainError> {
    let value = entry.sample.get("spec").ok_or_else(|| TrainError::Config {
        field: "spec",
        message: format!("population entry {} has no spec", entry.id),
    })?;
    Ok(AnyNetSpec::from_json(&value.to_string())?)
}

/// Trains every unfinished model of `shard` with the same recipe (model `id` uses seed `cfg.seed + id`),
/// appending one result per finished model to the shard's results file. A diverged model is recorded,
/// not fatal; any other failure stops the sweep with every finished result kept.
///
/// `jobs` models train concurrently on the one device (threads; [`Sweep::run_jobs`]). Each model's
/// result does not depend on `jobs`: initialisation is seeded under a lock and data order and
/// augmentation have per-model generators. Whether concurrency pays depends on the device
/// (docs/sweeps.md has the measurements).
#[allow(clippy::too_many_arguments)]
pub fn run_sweep<B: TrainBackend>(
    sweep: &Sweep,
    shard: Shard,
    resume: bool,
    jobs: usize,
    data: &TrainData,
    cfg: &TrainConfig,
    backend: &str,
    device: &B::Device,
) -> Result<RunReport, TrainError> {
    run_sweep_until::<B>(
        sweep,
        shard,
        resume,
        jobs,
        &StopFlag::new(),
        data,
        cfg,
        backend,
        device,
    )
}

/// [`run_sweep`] that starts no new model once `stop` is requested (SIGTERM before a requeue): the
/// models in flight finish and are recorded, and the report says whether models are left
/// ([`RunReport::stopped`]); see [`Sweep::run_until`].
#[allow(clippy::too_many_arguments)]
pub fn run_sweep_until<B: TrainBackend>(
    sweep: &Sweep,
    shard: Shard,
    resume: bool,
    jobs: usize,
    stop: &StopFlag,
    data: &TrainData,
    cfg: &TrainConfig,
    backend: &str,
    device: &B::Device,
) -> Result<RunReport, TrainError> {
    let report = sweep.run_until(shard, resume, jobs, stop, |entry| {
        let spec = entry_spec(entry)?;
        let model_cfg = TrainConfig {
            seed: cfg.seed.wrapping_add(entry.id as u64),
            ..cfg.clone()
        };
        let opts = TrainOptions {
            backend: backend.to_string(),
            quiet: true,
            ..TrainOptions::default()
        };
        let summary = train::<B>(&spec, data, &model_cfg, &opts, device)?;
        Ok::<_, TrainError>(summary.outcome())
    })?;
    Ok(report)
}
