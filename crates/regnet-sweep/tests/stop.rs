//! Stopping a sweep early, as on SIGTERM before a SLURM requeue: after the models in flight
//! ([`StopFlag`]) or at once between two writes ([`exit_now`], in a child process); the worker file
//! and [`progress`] say what was finished, in flight and missing; a resume trains the rest, and every
//! model ends up recorded exactly once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use regnet_sweep::{
    PopulationEntry, Shard, StopFlag, Sweep, TrainOutcome, WorkerState, WorkerStatus, collect,
    exit_now, progress,
};

const N: usize = 8;
const CHILD_ENV: &str = "REGNET_SWEEP_STOP_CHILD_DIR";

fn population() -> Vec<PopulationEntry> {
    (0..N)
        .map(|id| PopulationEntry::new(id, serde_json::json!({"space": "toy", "d": id})))
        .collect()
}

fn outcome(e: &PopulationEntry) -> Result<TrainOutcome, String> {
    Ok(TrainOutcome::finished(vec![30.0 + e.id as f64], 1))
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regnet-sweep-stop-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn recorded_ids(sweep: &Sweep, shard: Shard) -> Vec<usize> {
    let mut ids: Vec<usize> = sweep.results(shard).unwrap().iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn stop_flag_finishes_the_model_in_flight_and_resume_trains_the_rest() {
    let dir = temp_dir("flag");
    let sweep = Sweep::create(&dir, &population()).unwrap();
    let shard: Shard = "1/2".parse().unwrap(); // models 1, 3, 5, 7
    let stop = StopFlag::new();
    let report = sweep
        .run_until(shard, false, 1, &stop, |e| {
            if e.id == 3 {
                stop.request(); // SIGTERM arrives while model 3 trains
            }
            outcome(e)
        })
        .unwrap();
    assert_eq!((report.trained, report.stopped), (2, true));
    assert_eq!(recorded_ids(&sweep, shard), vec![1, 3]);
    let w = WorkerStatus::read(&dir, shard).unwrap().unwrap();
    assert_eq!(
        (w.state, w.trained, w.shard, w.shards),
        (WorkerState::Stopped, 2, 1, 2)
    );
    assert_eq!(w.in_flight, Vec::<usize>::new());
    assert_eq!(w.pid, std::process::id());
    let p = &progress(&dir, 2).unwrap()[1];
    assert_eq!((p.size, p.finished, p.missing), (4, 2, 2));
    assert!(p.in_flight.is_empty());

    // The requeued worker resumes: 5 and 7 only.
    let trained = Mutex::new(Vec::new());
    let report = sweep
        .run_until(shard, true, 1, &StopFlag::new(), |e| {
            trained.lock().unwrap().push(e.id);
            outcome(e)
        })
        .unwrap();
    assert_eq!(
        (report.trained, report.skipped, report.stopped),
        (2, 2, false)
    );
    assert_eq!(trained.into_inner().unwrap(), vec![5, 7]);
    assert_eq!(recorded_ids(&sweep, shard), vec![1, 3, 5, 7]);
    let w = WorkerStatus::read(&dir, shard).unwrap().unwrap();
    assert_eq!((w.state, w.trained), (WorkerState::Finished, 2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn with_several_jobs_the_models_in_flight_finish_and_no_other_starts() {
    let dir = temp_dir("jobs");
    let sweep = Sweep::create(&dir, &population()).unwrap();
    let stop = StopFlag::new();
    // Model 0 trains until model 1's trainer (on the other thread) has requested the stop, so both
    // are in flight when it comes.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let rx = Mutex::new(rx);
    let report = sweep
        .run_until(Shard::ALL, false, 2, &stop, |e| {
            match e.id {
                0 => rx.lock().unwrap().recv().unwrap(),
                1 => {
                    stop.request();
                    tx.send(()).unwrap();
                }
                _ => {}
            }
            outcome(e)
        })
        .unwrap();
    assert_eq!((report.trained, report.stopped), (2, true));
    assert_eq!(recorded_ids(&sweep, Shard::ALL), vec![0, 1]);
    let w = WorkerStatus::read(&dir, Shard::ALL).unwrap().unwrap();
    assert_eq!((w.state, w.trained), (WorkerState::Stopped, 2));
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs only as the child process of `exit_now_ends_between_writes_and_marks_the_worker_stopped`.
#[test]
#[ignore = "child process of exit_now_ends_between_writes_and_marks_the_worker_stopped"]
fn child_exit_now() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let sweep = Sweep::create(&dir, &population()).unwrap();
    let _ = sweep.run(Shard::ALL, true, |e| {
        if e.id == 3 {
            // The signal thread of a binary: it ends the process while model 3 trains.
            let d = dir.clone();
            std::thread::spawn(move || exit_now(&d, Shard::ALL, 75, "SIGTERM"));
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        outcome(e)
    });
    unreachable!("exit_now ends the process during model 3");
}

#[test]
fn exit_now_ends_between_writes_and_marks_the_worker_stopped() {
    let dir = temp_dir("exit");
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_exit_now", "--ignored", "--nocapture"])
        .env(CHILD_ENV, &dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(75), "{stderr}");
    assert!(
        stderr.contains("SIGTERM: stopped at once; models in flight [3] are left for --resume"),
        "{stderr}"
    );
    let sweep = Sweep::open(&dir).unwrap();
    assert_eq!(recorded_ids(&sweep, Shard::ALL), vec![0, 1, 2]);
    let w = WorkerStatus::read(&dir, Shard::ALL).unwrap().unwrap();
    assert_eq!(
        (w.state, w.in_flight.clone()),
        (WorkerState::Stopped, vec![3])
    );
    assert_eq!(w.message.as_deref(), Some("SIGTERM"));
    // A stopped worker's abandoned model counts as missing, not in flight.
    let p = &progress(&dir, 1).unwrap()[0];
    assert_eq!((p.finished, p.in_flight.len(), p.missing), (3, 0, 5));
    // Resume: 3..8 trained once each, nothing lost or doubled.
    let report = sweep.run(Shard::ALL, true, outcome).unwrap();
    assert_eq!((report.trained, report.skipped), (5, 3));
    let c = collect(&dir).unwrap();
    assert_eq!((c.finished, c.torn_lines), (N, 0));
    assert!(c.missing.is_empty() && c.duplicates.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

fn write_worker(dir: &Path, pid: u32, in_flight: Vec<usize>) {
    let mut w = WorkerStatus::start(Shard::ALL);
    w.pid = pid;
    w.in_flight = in_flight;
    w.write(dir).unwrap();
}

#[test]
fn progress_counts_in_flight_only_for_a_live_worker() {
    let dir = temp_dir("progress");
    let sweep = Sweep::create(&dir, &population()).unwrap();
    sweep
        .run(Shard::ALL, false, |e| {
            if e.id >= 2 {
                return Err(format!("stop at {}", e.id));
            }
            outcome(e)
        })
        .unwrap_err();
    let w = WorkerStatus::read(&dir, Shard::ALL).unwrap().unwrap();
    assert_eq!(w.state, WorkerState::Failed);
    assert!(w.message.unwrap().contains("stop at 2"));
    // A running worker (this process) with models 2 and 1 in flight: 1 is already finished.
    write_worker(&dir, std::process::id(), vec![2, 1]);
    let p = &progress(&dir, 1).unwrap()[0];
    assert_eq!(
        (p.finished, p.in_flight.clone(), p.missing),
        (2, vec![2], 5)
    );
    assert!(!p.worker_gone);
    // The same file from a process that no longer exists (pid above Linux's pid_max).
    if Path::new("/proc/self").exists() {
        write_worker(&dir, 4_194_400, vec![2]);
        let p = &progress(&dir, 1).unwrap()[0];
        assert!(p.worker_gone);
        assert_eq!((p.finished, p.in_flight.len(), p.missing), (2, 0, 6));
    }
    assert!(progress(&dir, 0).is_err());
    std::fs::remove_dir_all(&dir).ok();
}
