//! One bad value for each flag of each subcommand: exit status 2 and one line on stderr that names
//! the flag (or the file) at fault. Values that clap rejects (a word for a number) and values that
//! only the library can judge (a resolution of 0) are both covered.

mod common;
use common::run;

/// Runs every case; reports all failures at once.
fn check(cases: &[(&[&str], &str)]) {
    let mut failures = Vec::new();
    for (args, needle) in cases {
        let (code, _, err) = run(args);
        let one_line = err.trim_end().lines().count() == 1;
        if code != 2 || !one_line || !err.contains(needle) {
            failures.push(format!(
                "regnet {}: status {code}, expected 2 and one line containing {needle:?}, got {err:?}",
                args.join(" ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn zoo_complexity_scale_fit_spaces() {
    let missing = std::env::temp_dir().join("regnet-cli-flags-missing.yaml");
    let missing = missing.to_str().unwrap();
    check(&[
        (&["zoo", "--resolution", "0"], "--resolution"),
        (&["zoo", "--resolution", "big"], "--resolution"),
        (&["zoo", "--bogus"], "--bogus"),
        (&["complexity", "--model", "RegNetZ-9GF"], "--model"),
        (&["complexity", "--config", missing], missing),
        (&["complexity", "--spec", missing], missing),
        (
            &[
                "complexity",
                "--model",
                "RegNetX-200MF",
                "--resolution",
                "0",
            ],
            "--resolution",
        ),
        (
            &[
                "complexity",
                "--model",
                "RegNetX-200MF",
                "--num-classes",
                "0",
            ],
            "--num-classes",
        ),
        (
            &[
                "complexity",
                "--model",
                "RegNetX-200MF",
                "--in-channels",
                "0",
            ],
            "--in-channels",
        ),
        // EfficientNets take the same overrides with the same limits.
        (
            &["complexity", "--model", "EN-B0", "--num-classes", "0"],
            "--num-classes",
        ),
        (
            &[
                "complexity",
                "--model",
                "EN-B0",
                "--in-channels",
                "99999999",
            ],
            "--in-channels",
        ),
        (
            &[
                "scale",
                "--model",
                "RegNetX-200MF",
                "--strategy",
                "q",
                "--factor",
                "2",
            ],
            "--strategy",
        ),
        (
            &[
                "scale",
                "--model",
                "RegNetX-200MF",
                "--strategy",
                "d",
                "--factor=-1",
            ],
            "--factor",
        ),
        (
            &[
                "scale",
                "--model",
                "RegNetX-200MF",
                "--strategy",
                "d",
                "--factor",
                "x",
            ],
            "--factor",
        ),
        (&["fit", "--widths", "1,a"], "--widths"),
        (&["fit", "--widths", "0,8"], "--widths"),
        (&["fit", "--model", "RegNetZ"], "--model"),
        (&["fit", "--widths", "8,16", "--q", "0"], "--q"),
        (&["spaces", "--bogus"], "--bogus"),
        (&["compare", "RegNetZ-9GF"], "RegNetZ-9GF"),
        (&["compare", "EN-B0", "--backend", "tpu"], "--backend"),
    ]);
}

#[test]
fn sample_flags() {
    check(&[
        (&["sample", "--space", "anynetx-z"], "--space"),
        (&["sample", "--space", "regnetx", "--n", "x"], "--n"),
        (&["sample", "--space", "regnetx", "--seed", "-"], "--seed"),
        (
            &["sample", "--space", "regnetx", "--flops", "9:1"],
            "--flops",
        ),
        (
            &["sample", "--space", "regnetx", "--params", "a:b"],
            "--params",
        ),
        (&["sample", "--space", "regnetx", "--acts", "::"], "--acts"),
        (
            &["sample", "--space", "regnetx", "--stages", "5:2"],
            "--stages",
        ),
        (
            &["sample", "--space", "regnetx", "--resolution", "0"],
            "--resolution",
        ),
        (
            &["sample", "--space", "regnetx", "--in-channels", "0"],
            "--in-channels",
        ),
        (
            &["sample", "--space", "regnetx", "--num-classes", "0"],
            "--num-classes",
        ),
        (
            &["sample", "--space", "regnetx", "--stem", "huge"],
            "--stem",
        ),
        (
            &[
                "sample",
                "--space",
                "regnetx",
                "--max-tries",
                "1",
                "--flops",
                "360M:400M",
            ],
            "--max-tries",
        ),
        (
            // No model in the window with the default --max-tries: the window is named.
            &["sample", "--space", "anynetx-a", "--flops", "5T:6T"],
            "--flops",
        ),
        (
            &["sample", "--space", "regnetx", "--threads", "x"],
            "--threads",
        ),
    ]);
}

#[test]
fn train_and_sweep_flags() {
    let base: &[&str] = &["train", "--model", "RegNetX-200MF"];
    let with = |extra: &'static [&'static str]| -> Vec<&str> {
        base.iter().chain(extra.iter()).copied().collect()
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["train", "--model", "RegNetZ"], "--model"),
        (with(&["--dataset", "mnist"]), "--dataset"),
        (with(&["--dataset", "cifar10"]), "--data-dir"),
        (with(&["--preset", "fast"]), "--preset"),
        (with(&["--epochs", "0"]), "--epochs"),
        (with(&["--batch", "0"]), "--batch"),
        (with(&["--lr=-1"]), "--lr"),
        (with(&["--warmup-epochs", "10001"]), "--warmup-epochs"),
        (
            with(&["--zero-init-final-gamma", "yes"]),
            "--zero-init-final-gamma",
        ),
        (with(&["--backend", "tpu"]), "--backend"),
        (with(&["--activation", "tanh"]), "--activation"),
        (with(&["--workers", "x"]), "--workers"),
        // Found by the binary fuzz harness: the prefetch depth overflowed before the limit check.
        (with(&["--workers", "18446744073709551615"]), "workers"),
        (
            vec![
                "sweep", "--space", "regnetx", "--n", "1", "--out", "x", "--shard", "3/2",
            ],
            "--shard",
        ),
        (
            vec![
                "sweep", "--space", "regnetx", "--n", "1", "--out", "x", "--jobs", "0",
            ],
            "--jobs",
        ),
        (
            vec![
                "sweep", "--space", "nope", "--n", "1", "--out", "x", "--epochs", "1",
            ],
            "--space",
        ),
        // Checked before the population is sampled and written.
        (
            vec![
                "sweep",
                "--space",
                "regnetx",
                "--n",
                "1",
                "--out",
                "x",
                "--backend",
                "tpu",
            ],
            "--backend",
        ),
        // No model in the window: the window is named, not --space.
        (
            vec![
                "sweep",
                "--space",
                "anynetx-a",
                "--n",
                "1",
                "--out",
                "x",
                "--flops",
                "5T:6T",
            ],
            "--flops",
        ),
    ];
    let borrowed: Vec<(&[&str], &str)> = cases.iter().map(|(a, n)| (a.as_slice(), *n)).collect();
    check(&borrowed);
}

#[test]
fn analyze_and_collect_flags() {
    let dir = std::env::temp_dir().join(format!("regnet-cli-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let results = dir.join("a.jsonl");
    std::fs::write(
        &results,
        "{\"error\": 30.0, \"d\": 4}\n{\"error\": 40.0, \"d\": 8}\n",
    )
    .unwrap();
    let results = results.to_str().unwrap();
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let missing = dir.join("missing.jsonl");
    let missing = missing.to_str().unwrap();
    check(&[
        (&["analyze", missing, "--out", out], missing),
        (
            &["analyze", results, "--out", out, "--resamples", "0"],
            "--resamples",
        ),
        (
            &["analyze", results, "--out", out, "--params", "nope"],
            "nope",
        ),
        (
            &["analyze", results, "--out", out, "--metric", "loss"],
            "loss",
        ),
        (&["analyze", results, "--out", out, "--seed", "x"], "--seed"),
        (&["collect", missing], missing),
    ]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn launch_and_status_flags() {
    let dir = std::env::temp_dir().join(format!("regnet-cli-flags-launch-{}", std::process::id()));
    let out = dir.join("sweep");
    let out = out.to_str().unwrap();
    let missing = dir.join("missing");
    let missing = missing.to_str().unwrap();
    check(&[
        (
            &[
                "launch",
                "--array",
                "0",
                "--dry-run",
                "--",
                "--space",
                "regnetx",
                "--n",
                "2",
                "--out",
                out,
            ],
            "--array",
        ),
        (
            &[
                "launch",
                "--array",
                "x",
                "--dry-run",
                "--",
                "--space",
                "regnetx",
                "--out",
                out,
            ],
            "--array",
        ),
        (
            &[
                "launch",
                "--array",
                "2",
                "--time",
                "x y",
                "--dry-run",
                "--",
                "--space",
                "regnetx",
                "--n",
                "2",
                "--out",
                out,
            ],
            "--time",
        ),
        (&["status", missing], missing),
        (&["status", "/", "--shards", "0"], "--shards"),
    ]);
    std::fs::remove_dir_all(&dir).ok();
}
