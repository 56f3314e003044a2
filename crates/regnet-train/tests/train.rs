//! Training on the embedded Fashion-MNIST subset with the CPU backend: a tiny model learns, a resumed
//! run equals an uninterrupted one, a diverging run is recorded as diverged.

use burn::backend::{Autodiff, Flex};
use regnet_anynet::{AnyNetSpec, BlockType, StageSpec, StemType};
use regnet_train::{DataOptions, TrainConfig, TrainOptions, load_data, train};

type B = Autodiff<Flex>;

/// burn's backend seed is process-global: tests that initialise models must not interleave.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A ~1 MF AnyNet for 28×28 grayscale: CIFAR stem 16, X blocks 24 (s1) and 48 (s2), group width 8.
fn tiny() -> AnyNetSpec {
    AnyNetSpec {
        stem: StemType::ResStemCifar,
        stem_w: 16,
        block: BlockType::ResBottleneck,
        stages: vec![
            StageSpec {
                d: 1,
                w: 24,
                stride: 2,
                bot_mul: 1.0,
                g: 8,
            },
            StageSpec {
                d: 1,
                w: 48,
                stride: 2,
                bot_mul: 1.0,
                g: 8,
            },
        ],
        se_r: Some(0.25),
        head_w: 0,
        num_classes: 1000, // replaced by the data set's 10
        in_channels: 3,    // replaced by the data set's 1
        activation: Default::default(),
    }
}

fn quick_config(epochs: usize, batches: usize) -> TrainConfig {
    TrainConfig {
        epochs,
        batch_size: 64,
        test_batch_size: 500,
        base_lr: 0.1,
        max_train_batches: Some(batches),
        seed: 3,
        ..TrainConfig::default()
    }
}

fn data(batch: usize) -> regnet_train::TrainData {
    load_data(&DataOptions {
        batch_size: batch,
        test_batch_size: 500,
        seed: 3,
        workers: 1,
        ..DataOptions::default()
    })
    .unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("regnet-train-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn tiny_model_learns_in_one_short_epoch() {
    let _guard = serial();
    let cfg = quick_config(1, 60); // 3,840 of the 10,000 training images
    let device = Default::default();
    let s = train::<B>(
        &tiny(),
        &data(64),
        &cfg,
        &TrainOptions {
            quiet: true,
            ..Default::default()
        },
        &device,
    )
    .unwrap();
    assert_eq!(s.spec.in_channels, 1);
    assert_eq!(s.spec.num_classes, 10);
    assert_eq!(s.epochs_run, 1);
    assert!(!s.diverged);
    let err = s.min_top1_err.unwrap();
    // Chance is 90 %; a working model is far below it after 60 steps (59.35 % when measured).
    assert!(err < 75.0, "test error {err}");
    assert!(s.epochs[0].train_loss < 2.0, "{:?}", s.epochs[0]);
    // Complexity recorded at the data's resolution.
    assert_eq!(s.complexity, s.spec.complexity(28).unwrap());
}

#[test]
fn resume_equals_uninterrupted() {
    let _guard = serial();
    let cfg = quick_config(2, 4);
    let device = Default::default();
    let d = data(32);
    let a_dir = temp("a");
    let opts = |dir: &std::path::Path, resume| TrainOptions {
        out_dir: Some(dir.to_path_buf()),
        resume,
        quiet: true,
        ..Default::default()
    };
    let a = train::<B>(&tiny(), &d, &cfg, &opts(&a_dir, false), &device).unwrap();
    // Run B is stopped after epoch 1 (as a kill during epoch 2 would leave it), with a torn line
    // at the end of epochs.jsonl as a kill during a write would leave it; then it is resumed.
    let b_dir = temp("b");
    let first = train::<B>(
        &tiny(),
        &d,
        &cfg,
        &TrainOptions {
            stop_after: Some(1),
            ..opts(&b_dir, false)
        },
        &device,
    )
    .unwrap();
    assert_eq!(first.epochs_run, 1);
    let epochs = std::fs::read_to_string(b_dir.join("epochs.jsonl")).unwrap();
    std::fs::write(
        b_dir.join("epochs.jsonl"),
        format!("{epochs}{{\"epoch\": 1, \"tr"),
    )
    .unwrap();
    let b = train::<B>(&tiny(), &d, &cfg, &opts(&b_dir, true), &device).unwrap();
    assert_eq!(b.epochs_run, 2);
    let key = |s: &regnet_train::TrainSummary| -> Vec<(f64, f64, f64)> {
        s.epochs
            .iter()
            .map(|e| (e.train_loss, e.test_top1_err, e.lr))
            .collect()
    };
    assert_eq!(
        key(&a),
        key(&b),
        "resumed run must equal the uninterrupted one"
    );
    let lines = std::fs::read_to_string(b_dir.join("epochs.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 2);
    assert!(b_dir.join("summary.json").exists());
    std::fs::remove_dir_all(&a_dir).ok();
    std::fs::remove_dir_all(&b_dir).ok();
}

#[test]
fn divergence_is_recorded_not_raised() {
    let _guard = serial();
    let cfg = TrainConfig {
        base_lr: 1e12,
        log_period: 1,
        ..quick_config(3, 5)
    };
    let device = Default::default();
    let s = train::<B>(
        &tiny(),
        &data(32),
        &cfg,
        &TrainOptions {
            quiet: true,
            ..Default::default()
        },
        &device,
    )
    .unwrap();
    assert!(s.diverged, "{s:?}");
    // The run stops in the epoch whose loss became non-finite; earlier epochs are kept.
    let e = s.diverged_epoch.expect("diverged epoch recorded");
    assert_eq!(s.epochs_run, e);
    assert!(e < 3);
    assert!(s.outcome().diverged);
}

#[test]
fn bad_config_is_a_typed_error() {
    let cfg = TrainConfig {
        epochs: 0,
        ..quick_config(1, 1)
    };
    let device = Default::default();
    let e = train::<B>(
        &tiny(),
        &data(32),
        &cfg,
        &TrainOptions {
            quiet: true,
            ..Default::default()
        },
        &device,
    )
    .unwrap_err();
    assert!(e.to_string().contains("epochs"), "{e}");
}

/// Every file under `dir` with its bytes (to check that a refused resume changed nothing).
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn copy_dir(src: &std::path::Path, dst: &std::path::Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

#[test]
fn resume_refuses_what_it_cannot_prove_consistent_and_changes_nothing() {
    use regnet_train::TrainError;
    let _guard = serial();
    let cfg = quick_config(2, 2);
    let device = Default::default();
    let d = data(32);
    let opts = |dir: &std::path::Path| TrainOptions {
        out_dir: Some(dir.to_path_buf()),
        resume: true,
        quiet: true,
        ..Default::default()
    };
    let base = temp("refuse-base");
    let finished = train::<B>(
        &tiny(),
        &d,
        &cfg,
        &TrainOptions {
            resume: false,
            ..opts(&base)
        },
        &device,
    )
    .unwrap();
    assert_eq!(finished.epochs_run, 2);

    type Corrupt = fn(&std::path::Path);
    let cases: [(&str, Corrupt, &str); 7] = [
        (
            "epochs.jsonl without state.json",
            |d| std::fs::remove_file(d.join("state.json")).unwrap(),
            "state.json: missing, but epochs.jsonl holds 2 finished epoch(s)",
        ),
        (
            "torn state.json",
            |d| {
                let s = std::fs::read(d.join("state.json")).unwrap();
                std::fs::write(d.join("state.json"), &s[..s.len() / 2]).unwrap();
            },
            "state.json: torn or invalid",
        ),
        (
            "missing model checkpoint",
            |d| std::fs::remove_file(d.join("checkpoints/model-2.mpk")).unwrap(),
            "model-2.mpk: missing",
        ),
        (
            "missing optimizer checkpoint",
            |d| std::fs::remove_file(d.join("checkpoints/optim-2.mpk")).unwrap(),
            "optim-2.mpk: missing",
        ),
        (
            "torn model checkpoint",
            |d| {
                let p = d.join("checkpoints/model-2.mpk");
                let s = std::fs::read(&p).unwrap();
                std::fs::write(&p, &s[..s.len() / 3]).unwrap();
            },
            "model-2.mpk: checkpoint of epoch 2 is torn or unreadable",
        ),
        (
            "torn optimizer checkpoint",
            |d| {
                let p = d.join("checkpoints/optim-2.mpk");
                let s = std::fs::read(&p).unwrap();
                std::fs::write(&p, &s[..s.len() / 3]).unwrap();
            },
            "optim-2.mpk: checkpoint of epoch 2 is torn or unreadable",
        ),
        (
            "an epoch line lost",
            |d| {
                let t = std::fs::read_to_string(d.join("epochs.jsonl")).unwrap();
                let first = t.lines().next().unwrap();
                std::fs::write(d.join("epochs.jsonl"), format!("{first}\n")).unwrap();
            },
            "epochs.jsonl: holds 1 finished epoch(s) but state.json names 2 of 2",
        ),
    ];
    for (what, corrupt, expected) in cases {
        let dir = temp("refuse-case");
        copy_dir(&base, &dir);
        corrupt(&dir);
        let before = snapshot(&dir);
        let e = train::<B>(&tiny(), &d, &cfg, &opts(&dir), &device).unwrap_err();
        assert!(
            matches!(
                e,
                TrainError::ResumeRefused {
                    action: "resume",
                    ..
                }
            ),
            "{what}: {e:?}"
        );
        let msg = e.to_string();
        assert!(msg.contains(expected), "{what}: {msg}");
        assert_eq!(msg.lines().count(), 1, "{what}: {msg}");
        assert!(snapshot(&dir) == before, "{what}: the directory changed");
        std::fs::remove_dir_all(&dir).ok();
    }

    // Another recipe or another spec: a typed mismatch naming what differs.
    let dir = temp("refuse-mismatch");
    copy_dir(&base, &dir);
    let before = snapshot(&dir);
    let more = TrainConfig {
        base_lr: 0.2,
        ..cfg.clone()
    };
    match train::<B>(&tiny(), &d, &more, &opts(&dir), &device).unwrap_err() {
        ref e @ TrainError::ResumeMismatch {
            what: "recipe",
            ref differs,
            ..
        } => {
            assert_eq!(differs, "base_lr 0.1 → 0.2", "{e}");
        }
        e => panic!("{e:?}"),
    }
    let mut wider = tiny();
    wider.stages[1].w = 64;
    match train::<B>(&wider, &d, &cfg, &opts(&dir), &device).unwrap_err() {
        TrainError::ResumeMismatch {
            what: "spec",
            differs,
            ..
        } => assert!(differs.starts_with("stages "), "{differs}"),
        e => panic!("{e:?}"),
    }
    assert!(snapshot(&dir) == before, "a mismatch changed the directory");

    // The intact copy resumes: nothing left to train, the same summary.
    let again = train::<B>(&tiny(), &d, &cfg, &opts(&dir), &device).unwrap();
    assert_eq!(again.epochs, finished.epochs);
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&base).ok();
}

#[test]
fn a_directory_without_state_or_results_resumes_as_a_fresh_run() {
    let _guard = serial();
    let cfg = quick_config(1, 1);
    let dir = temp("fresh-resume");
    std::fs::create_dir_all(&dir).unwrap();
    let s = train::<B>(
        &tiny(),
        &data(32),
        &cfg,
        &TrainOptions {
            out_dir: Some(dir.clone()),
            resume: true,
            quiet: true,
            ..Default::default()
        },
        &Default::default(),
    )
    .unwrap();
    assert_eq!(s.epochs_run, 1);
    let names: Vec<String> = std::fs::read_dir(dir.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    // Only the final names: no partial checkpoint is left behind.
    assert_eq!(names, ["model-1.mpk", "optim-1.mpk"]);
    std::fs::remove_dir_all(&dir).ok();
}
