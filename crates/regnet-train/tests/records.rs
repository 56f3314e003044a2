//! The typed records of a sweep on disk: a `SampleRecord` population and its results written and
//! read back without loss, results lines of the previous format (training seed under `seed`, no
//! sampler seed) still read, and the keys of the sample and the outcome kept apart.

use std::path::{Path, PathBuf};

use regnet_anynet::space::{Constraints, DesignSpace, Draw, NetworkIo, Window};
use regnet_stats::parse_record;
use regnet_sweep::{
    EpochStats, JsonSample, PopulationEntry, ResultRecord, Shard, Sweep, TrainOutcome, read_jsonl,
};
use regnet_train::{SampleResult, SampleSweep, create_sweep};
use serde_json::Value;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regnet-records-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A sweep of three sampled models of `space` at resolution 28.
fn sampled(dir: &Path, space: &str) -> SampleSweep {
    let space = DesignSpace::by_name(space).unwrap();
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
    create_sweep(dir, space, constraints, 3, 7).unwrap().0
}

/// An outcome with every field set to something other than its default.
fn outcome(id: usize) -> TrainOutcome {
    TrainOutcome {
        epochs: vec![EpochStats {
            epoch: 0,
            train_loss: 2.25 + id as f64,
            train_top1_err: 80.5,
            test_top1_err: 70.125,
            test_top5_err: 30.0,
            lr: 0.1,
            seconds: 1.5,
            images_per_sec: 812.5,
        }],
        test_top1_errs: vec![70.125, 0.1 + id as f64],
        diverged: id == 2,
        diverged_epoch: (id == 2).then_some(1),
        backend: "flex".into(),
        seed: 1000 + id as u64,
    }
}

fn object(line: &str) -> serde_json::Map<String, Value> {
    match serde_json::from_str(line).unwrap() {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn typed_results_round_trip_through_results_jsonl() {
    for space in ["regnetx", "anynetx-e"] {
        let dir = temp(space);
        let sweep = sampled(&dir, space);
        let report = sweep
            .run(Shard::ALL, false, |e| Ok::<_, String>(outcome(e.id)))
            .unwrap();
        assert_eq!(report.trained, 3);
        let results = sweep.results(Shard::ALL).unwrap();
        let reopened: SampleSweep = Sweep::open(&dir).unwrap();
        assert_eq!(reopened.population(), sweep.population());
        let (from_file, torn) = read_jsonl::<SampleResult>(&dir.join("results.jsonl")).unwrap();
        assert!(!torn);
        assert_eq!(from_file, results);
        for (r, entry) in results.iter().zip(sweep.population()) {
            assert_eq!(r, &ResultRecord::new(entry, outcome(entry.id)));
            assert_eq!(r.sample.seed, 7);
            assert_eq!(r.outcome.seed, 1000 + r.id as u64);
        }
        // Every field of both parts reaches the line, and the parts share no key.
        let text = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
        let reserved = SampleResult::reserved_keys();
        for (line, r) in text.lines().zip(&results) {
            let m = object(line);
            let sample = match serde_json::to_value(&r.sample).unwrap() {
                Value::Object(s) => s,
                other => panic!("sample not an object: {other}"),
            };
            for key in sample.keys() {
                assert!(!reserved.contains(&key.as_str()), "{key} is reserved");
                assert_eq!(m.get(key), Some(&sample[key]), "{key} in {line}");
            }
            for key in &reserved {
                assert!(m.contains_key(*key), "{key} missing from {line}");
            }
            assert_eq!(m.len(), sample.len() + reserved.len(), "{line}");
            // The statistics read the columns of the typed line.
            let (rec, name) = parse_record(line, Path::new("results.jsonl"), 1, "error").unwrap();
            assert_eq!(name.as_deref(), Some(r.sample.space.as_str()));
            assert_eq!(rec.error, r.error.unwrap());
            assert_eq!(rec.param("flops"), Some(r.sample.flops as f64));
            assert_eq!(rec.param("acts"), Some(r.sample.acts as f64));
            assert_eq!(rec.param("train_seed"), Some(r.outcome.seed as f64));
            assert_eq!(rec.param("seed"), Some(7.0));
            let widths: Vec<f64> = r
                .sample
                .spec
                .stages
                .iter()
                .map(|s| f64::from(s.w))
                .collect();
            assert_eq!(rec.arrays["ws"], widths);
            assert_eq!(rec.epoch_images_per_sec, [812.5]);
            if let Draw::RegNet(d) = &r.sample.draw {
                assert_eq!(
                    (rec.param("wa"), rec.param("w0"), rec.param("d")),
                    (Some(d.wa), Some(f64::from(d.w0)), Some(f64::from(d.d)))
                );
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// A results line as the previous version wrote it: the population line with the outcome's keys
/// removed, then `id`, `error` and the outcome (training seed under `seed`) on top.
fn legacy_line(entry: &PopulationEntry<regnet_anynet::SampleRecord>, o: &TrainOutcome) -> String {
    let mut m = object(&serde_json::to_string(entry).unwrap());
    m.remove("seed");
    let mut o_value = match serde_json::to_value(o).unwrap() {
        Value::Object(v) => v,
        other => panic!("outcome not an object: {other}"),
    };
    let seed = o_value.remove("train_seed").unwrap();
    o_value.insert("seed".into(), seed);
    m.extend(o_value);
    m.insert("error".into(), serde_json::json!(o.min_top1_err()));
    serde_json::to_string(&m).unwrap()
}

#[test]
fn previous_format_results_still_load_and_analyze_the_same() {
    let dir = temp("legacy");
    let sweep = sampled(&dir, "regnetx");
    let lines: Vec<String> = sweep
        .population()
        .iter()
        .map(|e| legacy_line(e, &outcome(e.id)))
        .collect();
    std::fs::write(dir.join("results.jsonl"), lines.join("\n") + "\n").unwrap();
    // The previous version wrote the population through a JSON object: same keys, sorted.
    let population: Vec<String> = std::fs::read_to_string(dir.join("population.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::to_string(&object(l)).unwrap())
        .collect();
    std::fs::write(dir.join("population.jsonl"), population.join("\n") + "\n").unwrap();
    let reopened: SampleSweep = Sweep::open(&dir).unwrap();
    assert_eq!(reopened.population(), sweep.population());
    // Typed, through the sweep: samples from the population, the old `seed` as the training seed.
    let results = sweep.results(Shard::ALL).unwrap();
    for (r, entry) in results.iter().zip(sweep.population()) {
        assert_eq!(r, &ResultRecord::new(entry, outcome(entry.id)));
    }
    // Untyped, line by line: the same outcome; the sample lacks only the sampler seed.
    let (untyped, _) = read_jsonl::<ResultRecord<JsonSample>>(&dir.join("results.jsonl")).unwrap();
    for (u, r) in untyped.iter().zip(&results) {
        assert_eq!((u.id, u.error, &u.outcome), (r.id, r.error, &r.outcome));
        assert!(!u.sample.contains_key("seed"));
        assert_eq!(u.sample["flops"], r.sample.flops);
    }
    // The statistics read the old line as before: `seed` is still a column there.
    let (rec, space) = parse_record(&lines[0], Path::new("results.jsonl"), 1, "error").unwrap();
    assert_eq!(space.as_deref(), Some("regnetx"));
    assert_eq!(rec.param("seed"), Some(1000.0));
    assert_eq!(rec.param("flops"), Some(results[0].sample.flops as f64));
    assert_eq!(rec.error, results[0].error.unwrap());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_sample_using_a_reserved_key_is_refused() {
    let dir = temp("reserved");
    let population = vec![PopulationEntry::new(
        0,
        serde_json::json!({"space": "toy", "backend": "x"}),
    )];
    let err = Sweep::create(&dir, &population).unwrap_err();
    assert!(err.to_string().contains("\"backend\""), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
