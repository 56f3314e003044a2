//! `zoo`, `analyze` and `collect` end to end, concurrent shard processes of one sweep, a sweep whose
//! stdout and stderr are closed, and the error exit of every subcommand (status 2, one line).

use std::process::{Command, Stdio};

mod common;
use common::{regnet, temp_dir as temp};

fn ok(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        c,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The one-batch recipe of the sweep tests.
const TINY: [&str; 10] = [
    "--epochs",
    "1",
    "--max-train-batches",
    "1",
    "--max-test-batches",
    "1",
    "--batch",
    "16",
    "--workers",
    "1",
];

#[test]
fn zoo_rows_are_the_library_complexity_of_every_model() {
    let out = ok(regnet().args(["zoo", "--json", "--resolution", "224"]));
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), regnet_anynet::zoo::models().len());
    for row in &rows {
        let name = row["name"].as_str().unwrap();
        let c = regnet_anynet::zoo::model(name)
            .unwrap()
            .complexity(224)
            .unwrap();
        assert_eq!(row["flops"], c.flops, "{name}");
        assert_eq!(row["params"], c.params, "{name}");
        assert_eq!(row["acts"], c.acts, "{name}");
    }
    // The text table has one line per model plus its header lines, and names RegNetY-200MF.
    let text = ok(regnet().arg("zoo"));
    assert!(text.contains("RegNetY-200MF"), "{text}");
    assert!(text.lines().count() > rows.len());
}

/// Results lines of `n` sampled models with errors 20 + 3.7·id (as a sweep writes them).
fn results_lines(n: usize) -> Vec<String> {
    let sampled = ok(regnet().args([
        "sample",
        "--space",
        "anynetx-a",
        "--n",
        &n.to_string(),
        "--resolution",
        "28",
        "--seed",
        "1",
    ]));
    sampled
        .lines()
        .enumerate()
        .map(|(id, line)| {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let o = v.as_object_mut().unwrap();
            let err = 20.0 + 3.7 * id as f64;
            o.insert("id".into(), id.into());
            o.insert("error".into(), err.into());
            o.insert("epochs".into(), serde_json::json!([]));
            o.insert("test_top1_errs".into(), serde_json::json!([err]));
            o.insert("diverged".into(), false.into());
            o.insert("diverged_epoch".into(), serde_json::Value::Null);
            o.insert("backend".into(), "flex".into());
            o.insert("seed".into(), id.into());
            serde_json::to_string(o).unwrap()
        })
        .collect()
}

#[test]
fn analyze_writes_the_report_and_reports_a_malformed_line_on_one_line() {
    let dir = temp("analyze");
    let mut lines = results_lines(12);
    lines.insert(3, "{\"id\": 99, \"error\": ".into()); // malformed, not the last line
    std::fs::write(dir.join("results.jsonl"), lines.join("\n") + "\n").unwrap();
    let out = ok(regnet()
        .current_dir(&dir)
        .args(["analyze", "results.jsonl", "--out", "report"])
        .args(["--resamples", "200"]));
    // 12 models; min error 20.00, mean 20 + 3.7·5.5 = 40.35.
    let row = out
        .lines()
        .find(|l| l.contains("anynetx-a") || l.contains("AnyNetX"))
        .unwrap_or_else(|| panic!("{out}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cols[cols.len() - 3..], ["12", "20.00", "40.35"], "{row}");
    let skipped: Vec<&str> = out.lines().filter(|l| l.contains("skipped")).collect();
    assert_eq!(skipped.len(), 1, "{out}");
    assert!(
        skipped[0].trim_start().starts_with("skipped line 4: "),
        "{out}"
    );
    assert!(dir.join("report/report.html").is_file());
    assert!(dir.join("report/summary.json").is_file());
    // --strict turns the malformed line into the error exit.
    let strict = regnet()
        .current_dir(&dir)
        .args(["analyze", "results.jsonl", "--out", "r2", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(2));
    let err = String::from_utf8_lossy(&strict.stderr);
    assert!(
        err.contains("results.jsonl:4") && err.lines().count() == 1,
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn collect_merges_shards_and_reports_missing_and_duplicates() {
    let dir = temp("collect");
    let results = results_lines(5);
    let population: Vec<String> = results
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            serde_json::json!({"id": v["id"], "space": v["space"], "spec": v["spec"]}).to_string()
        })
        .collect();
    std::fs::write(dir.join("population.jsonl"), population.join("\n") + "\n").unwrap();
    // Shard 0 of 2 finished 0, 2; shard 1 finished 1 and 3 twice; model 4 is missing.
    std::fs::write(
        dir.join("results-0.jsonl"),
        format!("{}\n{}\n", results[0], results[2]),
    )
    .unwrap();
    std::fs::write(
        dir.join("results-1.jsonl"),
        format!("{}\n{}\n{}\n", results[1], results[3], results[3]),
    )
    .unwrap();
    let out = ok(regnet().arg("collect").arg(&dir));
    assert!(out.contains("4 of 5 models finished (2 files)"), "{out}");
    assert!(out.contains("missing: [4]"), "{out}");
    assert!(out.contains("duplicates (first kept): [3]"), "{out}");
    let collected = std::fs::read_to_string(dir.join("collected.jsonl")).unwrap();
    let ids: Vec<u64> = collected
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, [0, 1, 2, 3]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn concurrent_shard_processes_then_collect() {
    let dir = temp("shards");
    let n = 3;
    let children: Vec<_> = (0..n)
        .map(|k| {
            regnet()
                .args([
                    "sweep", "--space", "regnetx", "--n", "6", "--flops", "1M:3M",
                ])
                .args(TINY)
                .arg("--shard")
                .arg(format!("{k}/{n}"))
                .arg("--out")
                .arg(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Every process sampled the same population and wrote it atomically: one valid file.
    let population = std::fs::read_to_string(dir.join("population.jsonl")).unwrap();
    assert_eq!(population.lines().count(), 6);
    for k in 0..n {
        let shard = std::fs::read_to_string(dir.join(format!("results-{k}.jsonl"))).unwrap();
        assert_eq!(shard.lines().count(), 2, "shard {k}");
    }
    let out = ok(regnet().arg("collect").arg(&dir));
    assert!(out.contains("6 of 6 models finished (3 files)"), "{out}");
    assert!(
        !out.contains("missing") && !out.contains("duplicates"),
        "{out}"
    );
    let collected = std::fs::read_to_string(dir.join("collected.jsonl")).unwrap();
    let mut ids: Vec<u64> = collected
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [0, 1, 2, 3, 4, 5]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_sweep_outlives_its_closed_stdout_and_stderr() {
    // `regnet sweep … 2>&1 | head -0`: the reader is gone before the sweep writes anything.
    let dir = temp("sigpipe");
    let mut child = regnet()
        .args([
            "sweep", "--space", "regnetx", "--n", "2", "--flops", "1M:3M",
        ])
        .args(TINY)
        .arg("--out")
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let results = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
    assert_eq!(results.lines().count(), 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_subcommand_exits_2_with_one_line_naming_the_problem() {
    let dir = temp("errors");
    std::fs::write(dir.join("bad.yaml"), "MODEL:\n- 1\n- 2\n").unwrap();
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"id\": 0, \"error\": 1}\nnot json\n",
    )
    .unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["zoo", "--resolution", "0"], "resolution"),
        (&["complexity", "--model", "RegNetZ-1GF"], "RegNetZ-1GF"),
        (&["complexity", "--config", "bad.yaml"], "MODEL"),
        (&["complexity", "--spec", "missing.json"], "missing.json"),
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
            "\"q\"",
        ),
        (&["sample", "--space", "anynetx-z"], "anynetx-z"),
        (&["fit", "--widths", "4294967295,8"], "4294967295"),
        (&["spaces", "--bogus"], "--bogus"),
        (
            &["analyze", "bad.jsonl", "--out", "r", "--strict"],
            "bad.jsonl:2",
        ),
        (&["analyze", "nope.jsonl", "--out", "r"], "nope.jsonl"),
        (&["collect", "no-such-sweep"], "no-such-sweep"),
        (
            &["train", "--model", "RegNetX-200MF", "--preset", "fast"],
            "fast",
        ),
        (
            &["train", "--model", "RegNetX-200MF", "--backend", "tpu"],
            "tpu",
        ),
        // A value with a newline is escaped, not echoed over two lines (found by the fuzz harness).
        (
            &["train", "--model", "RegNetX-200MF", "--backend", "wg\npu"],
            "\"wg\\npu\"",
        ),
        (
            &[
                "sweep", "--space", "regnetx", "--n", "2", "--out", "s", "--jobs", "0",
            ],
            "--jobs",
        ),
        (
            &[
                "sweep", "--space", "regnetx", "--n", "2", "--out", "s", "--shard", "2/2",
            ],
            "--shard",
        ),
        (&["--version-typo"], "--version-typo"),
    ];
    for (args, needle) in cases {
        let out = regnet().current_dir(&dir).args(*args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
