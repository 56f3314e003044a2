//! `regnet sweep` under SIGTERM, as SLURM sends it before a requeue or preemption: a real signal to
//! the real binary, no SLURM needed (the live SLURM test is `.ci/slurm-live`).

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

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

/// (id, error) of every line of a results file, in file order; every line must end with a newline.
fn results(path: &Path) -> Vec<(u64, Option<f64>)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "torn line in {text}"
    );
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["id"].as_u64().unwrap(), v["error"].as_f64())
        })
        .collect()
}

fn worker(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("worker.json")).unwrap()).unwrap()
}

/// Waits (no time limit on the outcome, only a generous one against a hang) until the worker file
/// of the child names a model in flight, and returns those ids.
fn wait_in_flight(child: &mut Child, dir: &Path) -> Vec<u64> {
    let t0 = Instant::now();
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before a model was seen in flight"
        );
        if let Ok(text) = std::fs::read_to_string(dir.join("worker.json")) {
            let w: serde_json::Value = serde_json::from_str(&text).unwrap();
            let ids: Vec<u64> = w["in_flight"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            if w["pid"] == child.id() && !ids.is_empty() {
                return ids;
            }
        }
        assert!(
            t0.elapsed() < Duration::from_secs(300),
            "no model in flight"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn sigterm(child: &Child) {
    // SAFETY: kill(2) on our own child's pid.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(rc, 0);
}

#[test]
fn sigterm_stops_at_once_and_a_requeued_task_resumes_to_the_same_errors() {
    let dir = temp("sigterm-now");
    let mut child = regnet()
        .args(SWEEP)
        .arg("--out")
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let in_flight = wait_in_flight(&mut child, &dir);
    sigterm(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(75), "{stderr}");
    assert!(stderr.contains("SIGTERM: stopped at once"), "{stderr}");
    let before = results(&dir.join("results.jsonl"));
    assert!(before.len() < 8, "{before:?}");
    let w = worker(&dir);
    assert_eq!(w["state"], "stopped");
    assert_eq!(w["message"], "SIGTERM");
    // The abandoned model is not recorded (it was in flight when the signal came).
    let abandoned = w["in_flight"].as_array().unwrap()[0].as_u64().unwrap();
    assert!(before.iter().all(|(id, _)| *id != abandoned));
    assert!(in_flight.iter().all(|id| *id >= abandoned));
    let status = regnet().arg("status").arg(&dir).output().unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains(&format!(
            "shard 0/1: {}/8 finished, none in flight, {} missing; worker stopped",
            before.len(),
            8 - before.len()
        )),
        "{text}"
    );

    // SLURM runs the same command again after a requeue: SLURM_RESTART_COUNT >= 1 resumes even
    // without --resume.
    let again = regnet()
        .args(SWEEP)
        .arg("--out")
        .arg(&dir)
        .env("SLURM_JOB_ID", "41")
        .env("SLURM_RESTART_COUNT", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(
        stderr.contains("SLURM job 41 restarted 1 time(s): resuming shard 0/1"),
        "{stderr}"
    );
    let mut after = results(&dir.join("results.jsonl"));
    assert_eq!(&after[..before.len()], &before[..]);
    after.sort_by_key(|r| r.0);
    assert_eq!(
        after.iter().map(|r| r.0).collect::<Vec<_>>(),
        (0..8).collect::<Vec<_>>()
    );
    assert_eq!(worker(&dir)["state"], "finished");

    // The same population without interruption: the same error for every model.
    let plain = temp("sigterm-plain");
    let ok = regnet()
        .args(SWEEP)
        .arg("--out")
        .arg(&plain)
        .output()
        .unwrap();
    assert!(ok.status.success());
    let mut reference = results(&plain.join("results.jsonl"));
    reference.sort_by_key(|r| r.0);
    assert_eq!(after, reference);
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&plain).ok();
}

#[test]
fn sigterm_with_finish_records_the_models_in_flight_first() {
    let dir = temp("sigterm-finish");
    let mut child = regnet()
        .args(SWEEP)
        .args(["--on-sigterm", "finish", "--out"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let in_flight = wait_in_flight(&mut child, &dir);
    sigterm(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let recorded: Vec<u64> = results(&dir.join("results.jsonl"))
        .iter()
        .map(|r| r.0)
        .collect();
    for id in &in_flight {
        assert!(
            recorded.contains(id),
            "model {id} in flight was not recorded: {stderr}"
        );
    }
    if recorded.len() < 8 {
        assert_eq!(out.status.code(), Some(75), "{stderr}");
        assert!(
            stderr.contains("finishing the models in flight"),
            "{stderr}"
        );
        assert_eq!(worker(&dir)["state"], "stopped");
    } else {
        // The signal came during the last model: nothing left, a normal exit.
        assert!(out.status.success(), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_on_sigterm_is_named() {
    let out = regnet()
        .args(SWEEP)
        .args(["--on-sigterm", "later", "--out"])
        .arg(temp("bad-sigterm"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--on-sigterm") && err.contains("later"),
        "{err}"
    );
}
