//! `regnet launch` with a stand-in `sbatch` and `regnet status` with a stand-in `scontrol` (the live
//! SLURM test is `.ci/slurm-live`).

use std::path::Path;
use std::process::Command;

mod common;
use common::{regnet, temp};

/// A tiny population: 8 AnyNetX_A models of 1–2 MF, one short epoch each.
const SWEEP: [&str; 16] = [
    "sweep",
    "--space",
    "anynetx-a",
    "--n",
    "8",
    "--flops",
    "1M:2M",
    "--epochs",
    "1",
    "--max-train-batches",
    "2",
    "--max-test-batches",
    "1",
    "--batch",
    "32",
    "--workers=1",
];

/// A directory with stand-ins for SLURM's commands: each prints the given text.
fn fake_slurm(dir: &Path, tools: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, body) in tools {
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn launch_writes_a_reviewable_script_submits_it_and_status_reads_slurm() {
    let root = temp("launch");
    let out = root.join("sweep");
    let bin = root.join("bin");
    let flags = &SWEEP[1..];
    // --dry-run: the script only.
    let dry = regnet()
        .args([
            "launch",
            "--array",
            "3",
            "--time",
            "1:00:00",
            "--dry-run",
            "--",
        ])
        .args(flags)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let script = std::fs::read_to_string(out.join("launch.sbatch")).unwrap();
    assert!(script.contains("#SBATCH --array=0-2\n"), "{script}");
    assert!(script.contains("#SBATCH --time=1:00:00\n"), "{script}");
    assert!(
        script.contains(" sweep --space anynetx-a --n 8 --flops 1M:2M --epochs 1 ")
            && script.contains(" --shard \"${SLURM_ARRAY_TASK_ID}/3\" --resume\n"),
        "{script}"
    );
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(out.join("launch.sbatch"))
        .status();
    if let Ok(s) = syntax {
        assert!(s.success(), "bash -n rejects the script");
    }
    assert!(!out.join("launch.jsonl").exists());

    // No sbatch on PATH: a one-line error naming it.
    fake_slurm(&bin, &[]);
    let none = regnet()
        .args(["launch", "--array", "3"])
        .args(flags)
        .arg("--out")
        .arg(&out)
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    let err = String::from_utf8_lossy(&none.stderr);
    assert!(err.starts_with("error: sbatch: cannot run it"), "{err}");

    // A stand-in sbatch and scontrol.
    fake_slurm(
        &bin,
        &[
            ("sbatch", "echo '4242;regnetlive'"),
            (
                "scontrol",
                "echo 'JobId=4243 ArrayJobId=4242 ArrayTaskId=1 JobState=RUNNING Restarts=2'\n\
                 echo 'JobId=4242 ArrayJobId=4242 ArrayTaskId=0,2 JobState=PENDING Restarts=0'",
            ),
        ],
    );
    let sub = regnet()
        .args(["launch", "--array", "3"])
        .args(flags)
        .arg("--out")
        .arg(&out)
        .env("PATH", &bin)
        .output()
        .unwrap();
    assert!(
        sub.status.success(),
        "{}",
        String::from_utf8_lossy(&sub.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&sub.stdout), "4242\n");
    let record: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(out.join("launch.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    assert_eq!(
        (record["job_id"].as_str(), record["array"].as_u64()),
        (Some("4242"), Some(3))
    );

    // Before any task has started: no population yet, the SLURM states only.
    let early = regnet()
        .arg("status")
        .arg(&out)
        .env("PATH", &bin)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&early.stdout);
    assert!(
        early.status.success(),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    assert!(text.contains("no population.jsonl yet"), "{text}");
    assert!(
        text.contains("task 1: SLURM RUNNING\ntask 2: SLURM PENDING"),
        "{text}"
    );

    // What task 1 of the array would write: the population and the results of shard 1/3 (its worker
    // file is left out: a task that has not started yet).
    let task = regnet()
        .args(SWEEP)
        .args(["--shard", "1/3", "--out"])
        .arg(root.join("other"))
        .output()
        .unwrap();
    assert!(task.status.success());
    std::fs::copy(
        root.join("other/population.jsonl"),
        out.join("population.jsonl"),
    )
    .unwrap();
    std::fs::copy(
        root.join("other/results-1.jsonl"),
        out.join("results-1.jsonl"),
    )
    .unwrap();
    let st = regnet()
        .arg("status")
        .arg(&out)
        .env("PATH", &bin)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&st.stdout);
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    assert!(
        text.contains("8 models in 3 shard(s): 3 finished, 0 in flight, 5 missing"),
        "{text}"
    );
    assert!(
        text.contains("SLURM array job 4242 (states from scontrol)"),
        "{text}"
    );
    assert!(
        text.contains("shard 1/3: 3/3 finished, none in flight, 0 missing; worker none yet; SLURM RUNNING (restarts 2)"),
        "{text}"
    );
    assert!(
        text.contains("shard 0/3: 0/3 finished") && text.contains("SLURM PENDING"),
        "{text}"
    );
    std::fs::remove_dir_all(&root).ok();
}
