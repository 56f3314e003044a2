//! The training loop.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::{AutodiffModule, Module};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{GradientsParams, Optimizer, SgdConfig};
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder, Recorder};
use burn::tensor::{ElementConversion, Tensor};
use indicatif::{ProgressBar, ProgressStyle};
use regnet_anynet::{AnyNetSpec, Complexity};
use regnet_burn::{RegNetOps, TrainBackend};
use regnet_data::Loader;
use regnet_sweep::{EpochStats, JsonlWriter, TrainOutcome, read_jsonl};
use serde::{Deserialize, Serialize};

use crate::{TopKMistakes, TrainConfig, TrainError, batch_to_tensors, count_mistakes, init_model};
use regnet_burn::AnyNet;

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct State {
    epochs_done: usize,
    spec: AnyNetSpec,
    config: TrainConfig,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError + '_ {
    move |source| TrainError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn ckpt_err(path: &Path, e: impl std::fmt::Display) -> TrainError {
    TrainError::Checkpoint {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<(), TrainError> {
    // Temp file, fsync, rename, fsync of the directory: never an empty or torn file.
    regnet_sweep::write_json_atomic(path, value).map_err(TrainError::from)
}

/// The first line of an error message from a dependency, at most 160 characters: burn's recorder
/// errors span lines, some as Debug strings with escaped `\n`s, and end in advice about record
/// versions that does not apply to a torn file.
fn one_line(text: &str) -> String {
    let first = text.split("\\n").next().unwrap_or(text);
    let first = first.lines().next().unwrap_or(first);
    let words = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() > 160 {
        format!("{}…", words.chars().take(159).collect::<String>())
    } else {
        words
    }
}

/// Runs `decode`, turning a panic into an error message. burn's record decoding panics on some
/// corrupt files (`ParamId::deserialize`: "Invalid id.", or a slice index on an over-long id) instead
/// of returning an error; a torn or corrupt checkpoint must be a refusal, not a crash. The panic
/// message is not printed: the process-wide panic hook is silenced while `decode` runs.
fn without_panics<T>(decode: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode));
    std::panic::set_hook(hook);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "undecodable".into());
        format!("the record decoder failed: {message}")
    })
}

/// Writes a checkpoint as `<dir>/<name>.mpk` durably: `save` writes `<dir>/partial-<name>.mpk`, which
/// is fsynced and renamed over the final name, then the directory is fsynced. A kill during the write
/// leaves only the partial file; the final name always holds a complete checkpoint.
fn save_durably<E: std::fmt::Display>(
    dir: &Path,
    name: &str,
    save: impl FnOnce(PathBuf) -> Result<(), E>,
) -> Result<(), TrainError> {
    let partial = dir.join(format!("partial-{name}"));
    let written = partial.with_extension("mpk");
    let target = dir.join(format!("{name}.mpk"));
    save(partial).map_err(|e| ckpt_err(&written, one_line(&e.to_string())))?;
    std::fs::File::open(&written)
        .and_then(|f| f.sync_all())
        .map_err(io_err(&written))?;
    std::fs::rename(&written, &target).map_err(io_err(&target))?;
    regnet_sweep::sync_parent_dir(&target)?;
    Ok(())
}

/// Removes every `model-*`, `optim-*` and `partial-*` file of `dir` but `model-{keep}.mpk` and
/// `optim-{keep}.mpk` (best effort: a file that cannot be removed only takes space).
fn remove_old_checkpoints(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let current = [format!("model-{keep}.mpk"), format!("optim-{keep}.mpk")];
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = ["model-", "optim-", "partial-"]
            .iter()
            .any(|p| name.starts_with(p));
        if ours && name.ends_with(".mpk") && !current.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The finished epochs a run directory holds and the epoch to continue from.
struct Kept {
    epochs: Vec<EpochStats>,
    start: usize,
}

/// Checks what an output directory holds before a run starts, changing nothing.
///
/// Without `resume`, a directory with a previous run (`state.json`, `epochs.jsonl` or checkpoints)
/// is refused. With `resume`, the run continues only from a state it can prove consistent:
/// `state.json` parses and names this spec and recipe (else [`TrainError::ResumeMismatch`]),
/// `epochs.jsonl` holds the epochs it names (plus at most the one logged after the last checkpoint,
/// which is trained again), and its `model-N` / `optim-N` checkpoints exist (they are loaded by the
/// caller). An `epochs.jsonl` or checkpoints without `state.json` is refused rather than started
/// over.
fn open_run_dir(
    dir: &Path,
    spec: &AnyNetSpec,
    cfg: &TrainConfig,
    resume: bool,
) -> Result<Kept, TrainError> {
    let state_path = dir.join("state.json");
    let epochs_path = dir.join("epochs.jsonl");
    let ckpt = dir.join("checkpoints");
    let refuse = |path: &Path, reason: String| TrainError::ResumeRefused {
        action: if resume {
            "resume"
        } else {
            "start a new run in"
        },
        path: path.display().to_string(),
        reason,
    };
    let has_state = state_path.exists();
    let checkpoints = std::fs::read_dir(&ckpt)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.ends_with(".mpk") && !name.starts_with("partial-")
                })
                .count()
        })
        .unwrap_or(0);
    if !resume {
        if has_state || epochs_path.exists() || checkpoints > 0 {
            return Err(refuse(
                dir,
                "holds a previous run; pass --resume or choose another --out".into(),
            ));
        }
        return Ok(Kept {
            epochs: Vec::new(),
            start: 0,
        });
    }
    let (done, torn) = read_jsonl::<EpochStats>(&epochs_path)?;
    if !has_state {
        if !done.is_empty() || torn || checkpoints > 0 {
            return Err(refuse(
                &state_path,
                format!(
                    "missing, but epochs.jsonl holds {} finished epoch(s) and checkpoints/ {} \
                     checkpoint file(s): which checkpoint they belong to cannot be proved; nothing \
                     was changed (move the directory away or choose another --out)",
                    done.len(),
                    checkpoints
                ),
            ));
        }
        return Ok(Kept {
            epochs: Vec::new(),
            start: 0,
        });
    }
    let bytes = std::fs::read(&state_path).map_err(io_err(&state_path))?;
    let state: State = serde_json::from_slice(&bytes).map_err(|e| {
        refuse(
            &state_path,
            format!("torn or invalid ({e}); nothing was changed"),
        )
    })?;
    let path = state_path.display().to_string();
    if state.spec != *spec {
        return Err(TrainError::ResumeMismatch {
            path,
            what: "spec",
            differs: differing_fields(&state.spec, spec),
        });
    }
    if state.config != *cfg {
        return Err(TrainError::ResumeMismatch {
            path,
            what: "recipe",
            differs: differing_fields(&state.config, cfg),
        });
    }
    let e = state.epochs_done;
    if e > cfg.epochs || done.len() < e || done.len() > e + 1 {
        return Err(refuse(
            &epochs_path,
            format!(
                "holds {} finished epoch(s) but state.json names {e} of {}; nothing was changed",
                done.len(),
                cfg.epochs
            ),
        ));
    }
    if let Some((i, s)) = done.iter().enumerate().find(|(i, s)| s.epoch != *i) {
        return Err(refuse(
            &epochs_path,
            format!(
                "line {} is epoch {} where epoch {i} was expected; nothing was changed",
                i + 1,
                s.epoch
            ),
        ));
    }
    if e > 0 {
        for kind in ["model", "optim"] {
            let file = ckpt.join(format!("{kind}-{e}.mpk"));
            if !file.is_file() {
                return Err(refuse(
                    &file,
                    format!(
                        "missing: state.json names epoch {e}'s checkpoint; nothing was changed"
                    ),
                ));
            }
        }
    }
    Ok(Kept {
        epochs: done.into_iter().take(e).collect(),
        start: e,
    })
}

/// The top-level fields in which two serialisable values differ, as `field old → new` (at most
/// three, each value shortened to one line of 60 characters).
fn differing_fields<T: Serialize>(old: &T, new: &T) -> String {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return "its value".into();
    };
    let short = |v: Option<&serde_json::Value>| {
        let t = v.map_or("absent".to_string(), |v| v.to_string());
        if t.chars().count() > 60 {
            format!("{}…", t.chars().take(59).collect::<String>())
        } else {
            t
        }
    };
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let diffs: Vec<String> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k} {} → {}", short(a.get(k)), short(b.get(k))))
        .collect();
    match diffs.len() {
        0 => "its value".into(),
        n if n > 3 => format!("{}, and {} more", diffs[..3].join(", "), n - 3),
        _ => diffs.join(", "),
    }
}

/// Test top-1 and top-5 error (%) of `model` over a loader (eval mode: BN running statistics), on
/// its first `max_batches` batches if given.
pub fn evaluate<B: RegNetOps>(
    model: &AnyNet<B>,
    test: &Loader,
    max_batches: Option<usize>,
    device: &B::Device,
) -> Result<(f64, f64), TrainError> {
    let mut mistakes = TopKMistakes::default();
    for batch in test.epoch(0).take(max_batches.unwrap_or(usize::MAX)) {
        let batch = batch?;
        if batch.n == 0 {
            continue;
        }
        let (x, _) = batch_to_tensors::<B>(&batch, device);
        mistakes += count_mistakes(model.forward(x), &batch.labels)?;
    }
    Ok((mistakes.top1_err(), mistakes.top5_err()))
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
    let mut momentum = MomentumConfig::new()
        .with_momentum(cfg.momentum)
        .with_dampening(0.0)
        .with_nesterov(cfg.nesterov);
    if cfg.momentum == 0.0 {
        momentum = momentum.with_nesterov(false);
    }
    let mut optim = SgdConfig::new()
        .with_momentum(Some(momentum))
        .with_weight_decay(Some(WeightDecayConfig::new(cfg.weight_decay as f32)))
        .init::<B, AnyNet<B>>();
    let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();

    // Output directory, and resume from its last finished epoch.
    let mut epochs: Vec<EpochStats> = Vec::new();
    let mut start = 0;
    let mut writer = None;
    if let Some(dir) = &opts.out_dir {
        let ckpt = dir.join("checkpoints");
        std::fs::create_dir_all(&ckpt).map_err(io_err(&ckpt))?;
        let kept = open_run_dir(dir, &spec, cfg, opts.resume)?;
        if kept.start > 0 {
            let e = kept.start;
            let refuse = |path: PathBuf, err: &dyn std::fmt::Display| TrainError::ResumeRefused {
                action: "resume",
                path: path.display().to_string(),
                reason: format!(
                    "checkpoint of epoch {e} is torn or unreadable ({}); nothing was changed",
                    one_line(&err.to_string())
                ),
            };
            let mpath = ckpt.join(format!("model-{e}"));
            model = without_panics(|| model.load_file(&mpath, &recorder, device))
                .and_then(|r| r.map_err(|err| err.to_string()))
                .map_err(|err| refuse(mpath.with_extension("mpk"), &err))?;
            let opath = ckpt.join(format!("optim-{e}"));
            let record = without_panics(|| recorder.load(opath.clone(), device))
                .and_then(|r| r.map_err(|err| err.to_string()))
                .map_err(|err| refuse(opath.with_extension("mpk"), &err))?;
            optim = optim.load_record(record);
        }
        epochs = kept.epochs;
        start = kept.start;
        // A kill between a state.json write and the cleanup after it leaves the previous checkpoint
        // (and possibly a partial one): the state names the one to keep.
        remove_old_checkpoints(&ckpt, start);
        // The state names the run (spec, recipe) before its first epoch, so that a resume after a
        // kill in any epoch can prove what it continues.
        write_json_atomic(
            &dir.join("state.json"),
            &State {
                epochs_done: start,
                spec: spec.clone(),
                config: cfg.clone(),
            },
        )?;
        // Rewrite epochs.jsonl with exactly the finished epochs (drops the epoch logged after the last
        // checkpoint and a torn line), then append.
        let epochs_path = dir.join("epochs.jsonl");
        let tmp = dir.join("epochs.jsonl.tmp");
        let _ = std::fs::remove_file(&tmp);
        {
            let mut w = JsonlWriter::open_append(&tmp)?;
            for e in &epochs {
                w.append(e)?;
            }
        }
        std::fs::rename(&tmp, &epochs_path).map_err(io_err(&epochs_path))?;
        regnet_sweep::sync_parent_dir(&epochs_path)?;
        writer = Some(JsonlWriter::open_append(&epochs_path)?);
    }

    let loss_fn = CrossEntropyLossConfig::new().init(device);
    let iters = data.train.num_batches();
    let iters = cfg.max_train_batches.map_or(iters, |m| m.min(iters));
    let tty = !opts.quiet && std::io::stderr().is_terminal();
    let t_run = Instant::now();
    let (mut diverged, mut diverged_epoch) = (false, None);
    let mut images_total = 0usize;
    let mut train_seconds = 0.0;

    let end = opts.stop_after.map_or(cfg.epochs, |s| s.min(cfg.epochs));
    for epoch in start..end {
        let t0 = Instant::now();
        let bar = tty.then(|| {
            let b = ProgressBar::new(iters as u64);
            b.set_style(
                ProgressStyle::with_template(
                    "epoch {prefix} [{bar:25}] {pos}/{len} {elapsed_precise} (eta {eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.set_prefix(format!("{}/{}", epoch + 1, cfg.epochs));
            b
        });
        let (mut loss_sum, mut loss_n, mut correct, mut seen) = (0.0f64, 0usize, 0usize, 0usize);
        let mut pending: Option<Tensor<B, 1>> = None;
        let mut pending_n = 0usize;
        let mut lr = schedule.lr(epoch, 0, iters);
        for (i, batch) in data.train.epoch(epoch as u64).take(iters).enumerate() {
            let batch = batch?;
            if batch.n == 0 {
                continue;
            }
            lr = schedule.lr(epoch, i, iters);
            let (x, y) = batch_to_tensors::<B>(&batch, device);
            let logits = model.forward(x);
            let pred = logits.clone().argmax(1).reshape([batch.n]);
            let hits = pred.equal(y.clone()).int().sum();
            let loss = loss_fn.forward(logits, y);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(lr, model, grads);
            let l = loss.detach();
            pending = Some(match pending {
                Some(p) => p + l * batch.n as f64,
                None => l * batch.n as f64,
            });
            correct += hits.into_scalar().elem::<i64>() as usize;
            pending_n += batch.n;
            seen += batch.n;
            // Reading the loss syncs the device: do it every log_period iterations and at the end.
            if (i + 1) % cfg.log_period == 0 || i + 1 == iters {
                if let Some(p) = pending.take() {
                    let s: f64 = p.into_scalar().elem();
                    loss_sum += s;
                    loss_n += pending_n;
                    pending_n = 0;
                    if !s.is_finite() {
                        diverged = true;
                        diverged_epoch = Some(epoch);
                        break;
                    }
                }
                if let Some(b) = &bar {
                    let secs = t0.elapsed().as_secs_f64().max(1e-9);
                    b.set_position((i + 1) as u64);
                    b.set_message(format!(
                        "loss {:.4} lr {:.5} {:.0} img/s",
                        loss_sum / loss_n.max(1) as f64,
                        lr,
                        seen as f64 / secs
                    ));
                }
            }
        }
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let train_secs = t0.elapsed().as_secs_f64();
        if diverged {
            break;
        }
        images_total += seen;
        train_seconds += train_secs;
        let (top1, top5) = evaluate(&model.valid(), &data.test, cfg.max_test_batches, device)?;
        let stats = EpochStats {
            epoch,
            train_loss: loss_sum / loss_n.max(1) as f64,
            train_top1_err: 100.0 * (1.0 - correct as f64 / seen.max(1) as f64),
            test_top1_err: top1,
            test_top5_err: top5,
            lr,
            seconds: t0.elapsed().as_secs_f64(),
            images_per_sec: seen as f64 / train_secs.max(1e-9),
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
                lr,
                stats.images_per_sec,
                stats.seconds
            );
        }
        if let (Some(dir), Some(w)) = (&opts.out_dir, writer.as_mut()) {
            // Checkpoint first, then the epoch line, then the state that names the checkpoint.
            let ckpt = dir.join("checkpoints");
            let n = epoch + 1;
            save_durably(&ckpt, &format!("model-{n}"), |path| {
                model.clone().save_file(path, &recorder).map(drop)
            })?;
            save_durably(&ckpt, &format!("optim-{n}"), |path| {
                Recorder::<B>::record(&recorder, optim.to_record(), path)
            })?;
            w.append(&stats)?;
            write_json_atomic(
                &dir.join("state.json"),
                &State {
                    epochs_done: epoch + 1,
                    spec: spec.clone(),
                    config: cfg.clone(),
                },
            )?;
            // Keep only the newest checkpoint (also one left by a kill before this cleanup).
            remove_old_checkpoints(&ckpt, n);
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
        diverged,
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
