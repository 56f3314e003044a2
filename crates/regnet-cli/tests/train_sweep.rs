//! `regnet train` and `regnet sweep` end to end on the embedded Fashion-MNIST subset (tiny runs).

mod common;
use common::{regnet, temp};

const TINY: [&str; 8] = [
    "--epochs",
    "1",
    "--max-train-batches",
    "2",
    "--max-test-batches",
    "1",
    "--batch",
    "32",
];

#[test]
fn train_writes_summary_and_refuses_to_overwrite() {
    let out = temp("train");
    let ok = regnet()
        .args(["train", "--model", "RegNetX-200MF"])
        .args(TINY)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["epochs_run"], 1);
    assert_eq!(summary["spec"]["in_channels"], 1);
    assert_eq!(summary["spec"]["num_classes"], 10);
    assert_eq!(summary["resolution"], 28);
    // Same output directory without --resume: a one-line error, exit status 2.
    let again = regnet()
        .args(["train", "--model", "RegNetX-200MF", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("--resume") && err.lines().count() == 1,
        "{err}"
    );
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn missing_backend_names_its_feature() {
    let out = regnet()
        .args(["train", "--model", "RegNetX-200MF", "--backend", "cuda"])
        .output()
        .unwrap();
    if cfg!(feature = "cuda") {
        return;
    }
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--backend") && err.contains("feature") && err.contains("cuda"),
        "{err}"
    );
    let bad = regnet()
        .args(["train", "--model", "RegNetX-200MF", "--preset", "fast"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--preset"));
}

#[test]
fn sweep_appends_one_result_per_model_and_resumes() {
    let out = temp("sweep");
    let run = |resume: bool| {
        let mut c = regnet();
        c.args([
            "sweep", "--space", "regnetx", "--n", "2", "--flops", "1M:3M",
        ])
        .args(TINY)
        .arg("--out")
        .arg(&out);
        if resume {
            c.arg("--resume");
        }
        c.output().unwrap()
    };
    let first = run(false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let lines = std::fs::read_to_string(out.join("results.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 2);
    let second = run(true);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("trained 0, skipped 2"));
    assert_eq!(
        std::fs::read_to_string(out.join("results.jsonl")).unwrap(),
        lines
    );
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn train_takes_an_activation_and_names_a_bad_one() {
    let out = temp("train-silu");
    let ok = regnet()
        .args(["train", "--model", "RegNetY-200MF", "--activation", "swish"])
        .args(TINY)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["spec"]["activation"], "silu");
    std::fs::remove_dir_all(&out).ok();
    let bad = regnet()
        .args(["train", "--model", "RegNetY-200MF", "--activation", "tanh"])
        .arg("--out")
        .arg(temp("train-tanh"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--activation") && err.contains("tanh") && err.lines().count() == 1,
        "{err}"
    );
}

/// Each recipe error names the flag that set the bad value, not a neighbouring one.
#[test]
fn recipe_errors_name_their_own_flag() {
    for (flag, value, expected) in [
        ("--lr", "-1", "--lr: must be finite and > 0, got -1"),
        ("--epochs", "0", "--epochs: must be in 1..=10000, got 0"),
        ("--batch", "0", "--batch: must be at least 1"),
        ("--preset", "fast", "--preset: "),
        ("--dataset", "mnist", "--dataset: "),
    ] {
        let out = regnet()
            .args(["train", "--model", "RegNetX-200MF"])
            .arg(format!("{flag}={value}"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {err}");
        assert!(
            err.starts_with(&format!("error: {expected}")),
            "{flag} {value}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{flag} {value}: {err}");
    }
    // A data set that needs a directory names --data-dir.
    let out = regnet()
        .args(["train", "--model", "RegNetX-200MF", "--dataset", "cifar10"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: --data-dir: "), "{err}");
}

/// The flops window counts the network that is trained: on Fashion-MNIST (1 channel, 10 classes,
/// 28 px) each sampled spec has the data's channels, classes and pycls's small-image stem, its recorded
/// flops equal `complexity(28)` of that spec, and `regnet train --spec` trains exactly that spec.
#[test]
fn sweep_windows_count_the_trained_network() {
    use regnet_anynet::{AnyNetSpec, StemType};
    let out = temp("sweep-io");
    let done = regnet()
        .args([
            "sweep",
            "--space",
            "anynetx-a",
            "--n",
            "2",
            "--flops",
            "1M:3M",
        ])
        .args(TINY)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let population = std::fs::read_to_string(out.join("population.jsonl")).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(population.lines().next().unwrap()).unwrap();
    let spec: AnyNetSpec = serde_json::from_value(first["spec"].clone()).unwrap();
    assert_eq!((spec.in_channels, spec.num_classes), (1, 10));
    assert_eq!(spec.stem, StemType::ResStemCifar);
    let flops = first["flops"].as_u64().unwrap();
    assert!((1_000_000..=3_000_000).contains(&flops));
    assert_eq!(spec.complexity(28).unwrap().flops, flops);
    // Train that spec: the summary's spec and flops are the sampled ones.
    let spec_path = out.join("spec.json");
    std::fs::write(&spec_path, serde_json::to_string(&spec).unwrap()).unwrap();
    let run_dir = out.join("run");
    let trained = regnet()
        .args(["train", "--spec"])
        .arg(&spec_path)
        .args(TINY)
        .arg("--out")
        .arg(&run_dir)
        .output()
        .unwrap();
    assert!(
        trained.status.success(),
        "{}",
        String::from_utf8_lossy(&trained.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("summary.json")).unwrap())
            .unwrap();
    let trained_spec: AnyNetSpec = serde_json::from_value(summary["spec"].clone()).unwrap();
    assert_eq!(trained_spec, spec);
    assert_eq!(summary["complexity"]["flops"].as_u64(), Some(flops));
    // --stem overrides the default; an unknown stem is a one-line error naming the flag.
    let bad = regnet()
        .args([
            "sweep", "--space", "regnetx", "--n", "1", "--stem", "huge", "--out",
        ])
        .arg(out.join("bad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).starts_with("error: --stem: unknown stem \"huge\"")
    );
    std::fs::remove_dir_all(&out).ok();
}

/// `regnet sample` counts ImageNet networks by default and the data's networks when told.
#[test]
fn sample_takes_channels_classes_and_stem() {
    let run = |extra: &[&str]| {
        let out = regnet()
            .args(["sample", "--space", "regnetx", "--n", "1", "--threads", "1"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        line["spec"].clone()
    };
    let imagenet = run(&[]);
    assert_eq!(imagenet["in_channels"], 3);
    assert_eq!(imagenet["num_classes"], 1000);
    assert_eq!(imagenet["stem"], "simple_stem_in");
    let small = run(&[
        "--resolution",
        "32",
        "--in-channels",
        "1",
        "--num-classes",
        "10",
    ]);
    assert_eq!(small["in_channels"], 1);
    assert_eq!(small["num_classes"], 10);
    assert_eq!(small["stem"], "res_stem_cifar");
    let forced = run(&["--resolution", "32", "--stem", "imagenet"]);
    assert_eq!(forced["stem"], "simple_stem_in");
}
