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
