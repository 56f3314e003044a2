//! The whole method at toy size: two design spaces × 3 models × 3 training steps on the embedded
//! Fashion-MNIST subset — sample, train (crash-safe results), analyze (EDF, bootstrap, KS, report).

use burn::backend::{Autodiff, Flex};
use regnet_anynet::space::{Constraints, DesignSpace, NetworkIo, Window};
use regnet_stats::{AnalyzeOptions, analyze};
use regnet_sweep::Shard;
use regnet_train::{DataOptions, SweepJob, TrainConfig, TrainData, create_sweep, load_data};

type B = Autodiff<Flex>;

/// The embedded Fashion-MNIST subset in batches of 32 (test batches of 100), one loader worker.
fn toy_data() -> TrainData {
    load_data(&DataOptions {
        batch_size: 32,
        test_batch_size: 100,
        workers: 1,
        ..DataOptions::default()
    })
    .unwrap()
}

#[test]
fn two_spaces_sample_train_analyze() {
    let root = std::env::temp_dir().join(format!("regnet-pipeline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let data = toy_data();
    let cfg = TrainConfig {
        epochs: 1,
        batch_size: 32,
        base_lr: 0.1,
        max_train_batches: Some(3),
        max_test_batches: Some(2),
        ..TrainConfig::default()
    };
    let mut files = Vec::new();
    for name in ["anynetx-e", "regnetx"] {
        let space = DesignSpace::by_name(name).unwrap();
        // The data has 10 classes; channels and stem stay the space's defaults.
        let io = NetworkIo {
            num_classes: 10,
            ..space.io()
        };
        let space = space.with_io(io);
        let constraints = Constraints {
            resolution: 28,
            flops: Window::new(300_000, 1_000_000),
            ..Constraints::default()
        };
        let dir = root.join(name);
        let (sweep, stats) = create_sweep(&dir, space, constraints, 3, 7).unwrap();
        assert_eq!(stats.accepted, 3);
        let report = SweepJob::new(&sweep, &data, &cfg)
            .train::<B>("flex", &Default::default())
            .unwrap();
        assert_eq!(report.trained, 3);
        let results = sweep.results(Shard::ALL).unwrap();
        assert_eq!(results.len(), 3);
        for r in &results {
            assert_eq!(r.sample.space, name);
            let flops = r.sample.flops;
            assert!((300_000..=1_000_000).contains(&flops), "{flops}");
            let e = r.error.expect("a finite error");
            assert!((0.0..=100.0).contains(&e));
            assert_eq!(r.outcome.backend, "flex");
            assert_eq!(r.outcome.epochs.len(), 1);
            assert_eq!(r.outcome.seed, cfg.seed + r.id as u64);
        }
        // Resuming a finished sweep trains nothing and duplicates nothing.
        let again = SweepJob {
            resume: true,
            ..SweepJob::new(&sweep, &data, &cfg)
        }
        .train::<B>("flex", &Default::default())
        .unwrap();
        assert_eq!((again.trained, again.skipped), (0, 3));
        files.push(dir.join("results.jsonl"));
    }
    let out = root.join("report");
    let summary = analyze(&AnalyzeOptions::new(files, &out)).unwrap();
    let names: Vec<&str> = summary.spaces.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["anynetx-e", "regnetx"]);
    assert!(
        summary
            .spaces
            .iter()
            .all(|s| s.n == 3 && s.min_error <= s.mean_error)
    );
    assert_eq!(summary.ks.len(), 1);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("anynetx-e") && html.contains("regnetx"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["spaces"].as_array().unwrap().len(), 2);
    assert!(out.join("edf.svg").exists());
    std::fs::remove_dir_all(&root).ok();
}

/// `--jobs 3` (three models training at once on threads) gives every model exactly the result it
/// gets alone: same initial weights (seeded under the init lock), same batches, same errors and loss.
#[test]
fn concurrent_jobs_give_the_same_results_as_one_at_a_time() {
    let root = std::env::temp_dir().join(format!("regnet-jobs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let data = toy_data();
    let cfg = TrainConfig {
        epochs: 1,
        batch_size: 32,
        base_lr: 0.1,
        max_train_batches: Some(2),
        max_test_batches: Some(1),
        ..TrainConfig::default()
    };
    let constraints = Constraints {
        resolution: 28,
        flops: Window::new(300_000, 1_000_000),
        ..Constraints::default()
    };
    let mut by_jobs = Vec::new();
    for jobs in [1, 3] {
        let mut space = DesignSpace::by_name("anynetx-a").unwrap();
        if let DesignSpace::AnyNet(s) = &mut space {
            s.num_classes = 10;
        }
        let dir = root.join(format!("jobs-{jobs}"));
        let (sweep, _) = create_sweep(&dir, space, constraints, 4, 11).unwrap();
        let report = SweepJob {
            jobs,
            ..SweepJob::new(&sweep, &data, &cfg)
        }
        .train::<B>("flex", &Default::default())
        .unwrap();
        assert_eq!(report.trained, 4);
        let mut results = sweep.results(Shard::ALL).unwrap();
        results.sort_by_key(|r| r.id);
        let ids: Vec<usize> = results.iter().map(|r| r.id).collect();
        assert_eq!(ids, [0, 1, 2, 3], "each model exactly once");
        by_jobs.push(
            results
                .iter()
                .map(|r| {
                    let e = &r.outcome.epochs[0];
                    (r.error, e.train_loss, e.test_top1_err)
                })
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(by_jobs[0], by_jobs[1]);
    std::fs::remove_dir_all(&root).ok();
}
