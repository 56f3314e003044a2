//! The run directory: what a run may continue from (`state.json`, `epochs.jsonl`, the checkpoints of
//! the last finished epoch) and the durable writes that keep it consistent after a kill at any moment.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::Optimizer;
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder, Recorder};
use regnet_anynet::AnyNetSpec;
use regnet_burn::{AnyNet, TrainBackend};
use regnet_sweep::{EpochStats, JsonlWriter, read_jsonl};
use serde::{Deserialize, Serialize};

use crate::{TrainConfig, TrainError};

/// `state.json`: the run (spec, recipe) and how many of its epochs have a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct State {
    epochs_done: usize,
    spec: AnyNetSpec,
    config: TrainConfig,
}

pub(super) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError + '_ {
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

pub(super) fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<(), TrainError> {
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

/// The checkpointer of a run with an output directory: opens the directory (refusing what it cannot
/// prove consistent, loading the last checkpoint on resume) and, after every finished epoch, writes
/// the checkpoint, then the epoch's line, then the state that names the checkpoint.
pub(super) struct Checkpointer {
    dir: PathBuf,
    ckpt: PathBuf,
    state: State,
    writer: JsonlWriter,
    recorder: NamedMpkFileRecorder<FullPrecisionSettings>,
}

/// What [`Checkpointer::open`] gives back: the model and optimizer (the checkpoint's on resume), the
/// finished epochs and the first epoch to train.
pub(super) struct Opened<B: TrainBackend, O> {
    pub checkpointer: Checkpointer,
    pub model: AnyNet<B>,
    pub optim: O,
    pub epochs: Vec<EpochStats>,
    pub start: usize,
}

impl Checkpointer {
    /// Opens `dir` for a run of `spec` with recipe `cfg` ([`open_run_dir`]'s checks); on resume
    /// loads `model` and `optim` from the last finished epoch's checkpoint. Before the first epoch it
    /// writes `state.json` (the run it is) and rewrites `epochs.jsonl` with exactly the finished
    /// epochs.
    pub(super) fn open<B: TrainBackend, O: Optimizer<AnyNet<B>, B>>(
        dir: &Path,
        spec: &AnyNetSpec,
        cfg: &TrainConfig,
        resume: bool,
        mut model: AnyNet<B>,
        mut optim: O,
        device: &B::Device,
    ) -> Result<Opened<B, O>, TrainError> {
        let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
        let ckpt = dir.join("checkpoints");
        std::fs::create_dir_all(&ckpt).map_err(io_err(&ckpt))?;
        let kept = open_run_dir(dir, spec, cfg, resume)?;
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
        let start = kept.start;
        // A kill between a state.json write and the cleanup after it leaves the previous checkpoint
        // (and possibly a partial one): the state names the one to keep.
        remove_old_checkpoints(&ckpt, start);
        // The state names the run (spec, recipe) before its first epoch, so that a resume after a
        // kill in any epoch can prove what it continues.
        let state = State {
            epochs_done: start,
            spec: spec.clone(),
            config: cfg.clone(),
        };
        write_json_atomic(&dir.join("state.json"), &state)?;
        // Rewrite epochs.jsonl with exactly the finished epochs (drops the epoch logged after the last
        // checkpoint and a torn line), then append.
        let epochs_path = dir.join("epochs.jsonl");
        let tmp = dir.join("epochs.jsonl.tmp");
        let _ = std::fs::remove_file(&tmp);
        {
            let mut w = JsonlWriter::open_append(&tmp)?;
            for e in &kept.epochs {
                w.append(e)?;
            }
        }
        std::fs::rename(&tmp, &epochs_path).map_err(io_err(&epochs_path))?;
        regnet_sweep::sync_parent_dir(&epochs_path)?;
        let writer = JsonlWriter::open_append(&epochs_path)?;
        Ok(Opened {
            checkpointer: Checkpointer {
                dir: dir.to_path_buf(),
                ckpt,
                state,
                writer,
                recorder,
            },
            model,
            optim,
            epochs: kept.epochs,
            start,
        })
    }

    /// Records a finished epoch: `model-N` and `optim-N` (N = epoch + 1) written durably, then the
    /// epoch's line, then `state.json` naming N; older checkpoints are removed last.
    pub(super) fn save<B: TrainBackend, O: Optimizer<AnyNet<B>, B>>(
        &mut self,
        model: &AnyNet<B>,
        optim: &O,
        stats: &EpochStats,
    ) -> Result<(), TrainError> {
        let n = stats.epoch + 1;
        save_durably(&self.ckpt, &format!("model-{n}"), |path| {
            model.clone().save_file(path, &self.recorder).map(drop)
        })?;
        save_durably(&self.ckpt, &format!("optim-{n}"), |path| {
            Recorder::<B>::record(&self.recorder, optim.to_record(), path)
        })?;
        self.writer.append(stats)?;
        self.state.epochs_done = n;
        write_json_atomic(&self.dir.join("state.json"), &self.state)?;
        // Keep only the newest checkpoint (also one left by a kill before this cleanup).
        remove_old_checkpoints(&self.ckpt, n);
        Ok(())
    }
}
