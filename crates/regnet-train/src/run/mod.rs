//! The training loop: [`train`] composes the run directory ([`checkpoint`]), the epochs of SGD steps
//! ([`epoch`]) and the evaluation after each ([`eval`]).

mod checkpoint;
mod epoch;
mod eval;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use burn::module::AutodiffModule;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{Optimizer, SgdConfig};
use regnet_anynet::{AnyNetSpec, Complexity};
use regnet_burn::{AnyNet, TrainBackend};
use regnet_data::Loader;
use regnet_sweep::{EpochStats, TrainOutcome};
use serde::{Deserialize, Serialize};

use crate::{TrainConfig, TrainError, init_model};
use checkpoint::{Checkpointer, write_json_atomic};
use epoch::{EpochLoop, epoch_bar};
pub use eval::evaluate;

/// The data of a run: a shuffled, augmented training loader and a fixed-order test loader.
#[derive(Debug, Clone)]
pub struct TrainData {
    /// Training batches (shuffled per epoch by the loader's seed).
    pub train: Loader,
    /// Test batches.
    pub test: Loader,
    /// Image side after the transforms (for the complexity record).
    pub resolution: u32,
}

impl TrainData {
    /// Classes of the data set.
    pub fn num_classes(&self) -> usize {
        self.train.dataset().num_classes()
    }

    /// Input channels of the data set (1 for Fashion-MNIST).
    pub fn channels(&self) -> usize {
        self.train.dataset().channels()
    }
}

/// Per-run options that are not part of the recipe.
#[derive(Debug, Clone, Default)]
pub struct TrainOptions {
    /// Output directory (epochs.jsonl, summary.json, checkpoints); `None` writes nothing.
    pub out_dir: Option<PathBuf>,
    /// Continue from the last finished epoch in `out_dir`.
    pub resume: bool,
    /// Backend name recorded in the results.
    pub backend: String,
    /// No progress output at all.
    pub quiet: bool,
    /// Stop this process after this many epochs of the run have finished (the run can be resumed
    /// later with `resume`), e.g. to fit a time-limited job slot.
    pub stop_after: Option<usize>,
}

/// `summary.json`: what a finished (or diverged) run achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    /// Minimum test top-1 error over epochs, in % (the paper's per-model error).
    pub min_top1_err: Option<f64>,
    /// Test top-1 error after the last epoch run.
    pub final_top1_err: Option<f64>,
    /// Test top-5 error after the last epoch run.
    pub final_top5_err: Option<f64>,
    /// Epochs run (including resumed ones).
    pub epochs_run: usize,
    /// Whether the loss became non-finite.
    pub diverged: bool,
    /// The epoch at which it diverged.
    pub diverged_epoch: Option<usize>,
    /// Wall-clock seconds of this process's part of the run.
    pub wall_seconds: f64,
    /// Mean training images per second over the epochs of this process.
    pub images_per_sec: f64,
    /// Peak resident memory of the process in bytes, where the OS reports it (Linux).
    pub peak_rss_bytes: Option<u64>,
    /// Seed of init, data order and augmentation.
    pub seed: u64,
    /// Backend name.
    pub backend: String,
    /// The trained spec (input channels and classes adapted to the data).
    pub spec: AnyNetSpec,
    /// Its exact complexity at the training resolution.
    pub complexity: Complexity,
    /// Training resolution.
    pub resolution: u32,
    /// The recipe.
    pub config: TrainConfig,
    /// Per-epoch statistics.
    pub epochs: Vec<EpochStats>,
}

impl TrainSummary {
    /// The outcome record used by population sweeps.
    pub fn outcome(&self) -> TrainOutcome {
        TrainOutcome {
            epochs: self.epochs.clone(),
            test_top1_errs: self.epochs.iter().map(|e| e.test_top1_err).collect(),
            diverged: self.diverged,
            diverged_epoch: self.diverged_epoch,
            backend: self.backend.clone(),
            seed: self.seed,
        }
    }
}

fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Trains `spec` on `data` with recipe `cfg` (paper §3: SGD, half-period cosine, brief schedules).
///
/// The spec's input channels and classes are set from the data. Initialisation, data order and every
/// augmentation draw follow `cfg.seed`, so a run is reproducible and a resumed run equals an
/// uninterrupted one. A non-finite loss stops the run and is recorded as diverged (not an error).
pub fn train<B: TrainBackend>(
    spec: &AnyNetSpec,
    data: &TrainData,
    cfg: &TrainConfig,
    opts: &TrainOptions,
    device: &B::Device,
) -> Result<TrainSummary, TrainError> {
    cfg.validate()?;
    // Keep freed activations in the process (faster steps on CPU; see `tune_allocator`).
    regnet_burn::tune_allocator();
    let mut spec = spec.clone();
    spec.in_channels = data.channels() as u32;
    spec.num_classes = data.num_classes() as u32;
    let complexity = spec.complexity(data.resolution)?;
    let schedule = cfg.schedule();

    // Seeded under a process-wide lock: the initial weights are a function of the seed alone when
    // several models train concurrently (sweep `--jobs`). Nothing after initialisation draws from
    // the backend RNG (no dropout; data order and augmentation have their own generators).
    let mut model: AnyNet<B> = init_model(&spec, cfg.seed, cfg.zero_init_final_gamma, device)?;
    let mut optim = sgd::<B>(cfg);

    // Output directory, and resume from its last finished epoch.
    let mut epochs: Vec<EpochStats> = Vec::new();
    let mut start = 0;
    let mut checkpointer = None;
    if let Some(dir) = &opts.out_dir {
        let opened = Checkpointer::open(dir, &spec, cfg, opts.resume, model, optim, device)?;
        (model, optim) = (opened.model, opened.optim);
        epochs = opened.epochs;
        start = opened.start;
        checkpointer = Some(opened.checkpointer);
    }

    let loss_fn = CrossEntropyLossConfig::new().init(device);
    let iters = data.train.num_batches();
    let iters = cfg.max_train_batches.map_or(iters, |m| m.min(iters));
    let steps = EpochLoop {
        data,
        schedule: &schedule,
        loss_fn: &loss_fn,
        iters,
        log_period: cfg.log_period,
        device,
    };
    let tty = !opts.quiet && std::io::stderr().is_terminal();
    let t_run = Instant::now();
    let mut diverged_epoch = None;
    let mut images_total = 0usize;
    let mut train_seconds = 0.0;

    let end = opts.stop_after.map_or(cfg.epochs, |s| s.min(cfg.epochs));
    for epoch in start..end {
        let t0 = Instant::now();
        let bar = tty.then(|| epoch_bar(epoch, cfg.epochs, iters));
        let (trained, m) = steps.run(model, &mut optim, epoch, bar.as_ref())?;
        model = trained;
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let train_secs = t0.elapsed().as_secs_f64();
        if m.diverged {
            diverged_epoch = Some(epoch);
            break;
        }
        images_total += m.seen;
        train_seconds += train_secs;
        let (top1, top5) = evaluate(&model.valid(), &data.test, cfg.max_test_batches, device)?;
        let stats = EpochStats {
            epoch,
            train_loss: m.mean_loss(),
            train_top1_err: m.top1_err(),
            test_top1_err: top1,
            test_top5_err: top5,
            lr: m.lr,
            seconds: t0.elapsed().as_secs_f64(),
            images_per_sec: m.seen as f64 / train_secs.max(1e-9),
        };
        if !opts.quiet {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "epoch {}/{}: loss {:.4} train err {:.2}% test err {:.2}% (top-5 {:.2}%) lr {:.5} {:.0} img/s {:.1} s",
                epoch + 1,
                cfg.epochs,
                stats.train_loss,
                stats.train_top1_err,
                top1,
                top5,
                m.lr,
                stats.images_per_sec,
                stats.seconds
            );
        }
        if let Some(c) = checkpointer.as_mut() {
            c.save(&model, &optim, &stats)?;
        }
        epochs.push(stats);
    }

    let errs: Vec<f64> = epochs.iter().map(|e| e.test_top1_err).collect();
    let summary = TrainSummary {
        min_top1_err: errs
            .iter()
            .copied()
            .filter(|e| e.is_finite())
            .reduce(f64::min),
        final_top1_err: epochs.last().map(|e| e.test_top1_err),
        final_top5_err: epochs.last().map(|e| e.test_top5_err),
        epochs_run: epochs.len(),
        diverged: diverged_epoch.is_some(),
        diverged_epoch,
        wall_seconds: t_run.elapsed().as_secs_f64(),
        images_per_sec: images_total as f64 / f64::max(train_seconds, 1e-9),
        peak_rss_bytes: peak_rss_bytes(),
        seed: cfg.seed,
        backend: opts.backend.clone(),
        spec,
        complexity,
        resolution: data.resolution,
        config: cfg.clone(),
        epochs,
    };
    if let Some(dir) = &opts.out_dir {
        write_json_atomic(&dir.join("summary.json"), &summary)?;
    }
    Ok(summary)
}

/// SGD with the recipe's momentum (Nesterov unless momentum is 0) and weight decay.
fn sgd<B: TrainBackend>(cfg: &TrainConfig) -> impl Optimizer<AnyNet<B>, B> + use<B> {
    let mut momentum = MomentumConfig::new()
        .with_momentum(cfg.momentum)
        .with_dampening(0.0)
        .with_nesterov(cfg.nesterov);
    if cfg.momentum == 0.0 {
        momentum = momentum.with_nesterov(false);
    }
    SgdConfig::new()
        .with_momentum(Some(momentum))
        .with_weight_decay(Some(WeightDecayConfig::new(cfg.weight_decay as f32)))
        .init::<B, AnyNet<B>>()
}
