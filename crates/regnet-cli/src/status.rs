//! `regnet status DIR`: per shard of a sweep, models finished / in flight / missing (from the results
//! and worker files), and the SLURM state of each array task when `scontrol` or `squeue` is there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;
use regnet_sweep::{Shard, ShardProgress, WorkerState, read_jsonl};
use serde_json::json;

use crate::CliError;
use crate::launch::{LAUNCHES, LaunchRecord};

/// Arguments of `regnet status`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The sweep directory.
    dir: PathBuf,
    /// Number of shards (default: the last `regnet launch` of this directory, else the worker and
    /// results files present).
    #[arg(long)]
    shards: Option<usize>,
    /// One JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// The SLURM state of one array task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    /// JobState (PENDING, RUNNING, COMPLETED, FAILED, …).
    pub state: String,
    /// Restarts (requeues) so far, where reported.
    pub restarts: Option<u32>,
}

/// Parses `scontrol -o show job ID` (one record per line, `Key=Value` words) into the state of each
/// array task id. A pending record for several tasks (`ArrayTaskId=1-3,5`) gives each of them.
pub fn parse_scontrol(text: &str) -> BTreeMap<usize, TaskState> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let fields: BTreeMap<&str, &str> = line
            .split_whitespace()
            .filter_map(|w| w.split_once('='))
            .collect();
        let (Some(tasks), Some(state)) = (fields.get("ArrayTaskId"), fields.get("JobState")) else {
            continue;
        };
        let restarts = fields.get("Restarts").and_then(|r| r.parse().ok());
        for id in expand_ids(tasks) {
            out.insert(
                id,
                TaskState {
                    state: state.to_string(),
                    restarts,
                },
            );
        }
    }
    out
}

/// `1-3,5%2` → 1, 2, 3, 5 (a `%` throttle is ignored; a malformed part gives nothing).
fn expand_ids(s: &str) -> Vec<usize> {
    let s = s.split('%').next().unwrap_or("");
    let mut ids = Vec::new();
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                    ids.extend(a..=b.min(a.saturating_add(1_000_000)));
                }
            }
            None => ids.extend(part.parse::<usize>().ok()),
        }
    }
    ids
}

/// Parses `squeue -h -r -t all -o "%K %T"` (array task id, state per line).
fn parse_squeue(text: &str) -> BTreeMap<usize, TaskState> {
    text.lines()
        .filter_map(|l| {
            let (id, state) = l.trim().split_once(' ')?;
            Some((
                id.parse().ok()?,
                TaskState {
                    state: state.trim().to_string(),
                    restarts: None,
                },
            ))
        })
        .collect()
}

/// The task states of array job `job_id`, and which tool gave them; `Err` says why there are none.
fn slurm_states(job_id: &str) -> Result<(BTreeMap<usize, TaskState>, &'static str), String> {
    let run =
        |program: &str, args: &[&str]| std::process::Command::new(program).args(args).output();
    match run("scontrol", &["-o", "show", "job", job_id]) {
        Ok(o) if o.status.success() => {
            return Ok((
                parse_scontrol(&String::from_utf8_lossy(&o.stdout)),
                "scontrol",
            ));
        }
        Ok(o) => {
            return Err(format!(
                "scontrol knows no job {job_id} any more ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Err(_) => {}
    }
    match run(
        "squeue",
        &["-h", "-r", "-t", "all", "-j", job_id, "-o", "%K %T"],
    ) {
        Ok(o) if o.status.success() => {
            Ok((parse_squeue(&String::from_utf8_lossy(&o.stdout)), "squeue"))
        }
        Ok(o) => Err(format!(
            "squeue: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(_) => Err("no scontrol or squeue on PATH".into()),
    }
}

/// The number of shards when `--shards` is not given: the last launch, else the worker and results
/// files present (`results-K.jsonl` → K + 1), else 1.
fn infer_shards(dir: &Path, last_launch: Option<&LaunchRecord>) -> Result<usize, CliError> {
    if let Some(l) = last_launch {
        return Ok(l.array);
    }
    let mut n = 1;
    let entries = std::fs::read_dir(dir).map_err(|e| CliError::Io {
        path: dir.display().to_string(),
        source: e,
    })?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(k) = name
            .strip_prefix("results-")
            .and_then(|r| r.strip_suffix(".jsonl"))
            .and_then(|k| k.parse::<usize>().ok())
        {
            n = n.max(k + 1);
        }
        if name.starts_with("worker-") {
            let w: Option<regnet_sweep::WorkerStatus> = std::fs::read(e.path())
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            if let Some(w) = w {
                n = n.max(w.shards);
            }
        }
    }
    Ok(n)
}

fn worker_text(p: &ShardProgress) -> String {
    let Some(w) = &p.worker else {
        return "none yet".into();
    };
    let state = match (w.state, p.worker_gone) {
        (WorkerState::Running, true) => "gone (killed; in-flight models count as missing)",
        (WorkerState::Running, false) => "running",
        (WorkerState::Finished, _) => "finished",
        (WorkerState::Stopped, _) => "stopped",
        (WorkerState::Failed, _) => "failed",
    };
    let restart = w.slurm.as_ref().map_or(String::new(), |t| {
        format!(", SLURM restart {}", t.restart_count)
    });
    let msg = w
        .message
        .as_ref()
        .map_or(String::new(), |m| format!(": {m}"));
    format!("{state} (pid {} on {}{restart}){msg}", w.pid, w.host)
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let (launches, _) = read_jsonl::<LaunchRecord>(&a.dir.join(LAUNCHES))?;
    let last = launches.last();
    let shards = match a.shards {
        Some(0) => {
            return Err(CliError::Flag {
                flag: "shards",
                message: "must be at least 1, got 0".into(),
            });
        }
        Some(n) => n,
        None => infer_shards(&a.dir, last)?,
    };
    let slurm = last.map(|l| (l.job_id.clone(), slurm_states(&l.job_id)));
    if last.is_some() && !a.dir.join("population.jsonl").exists() {
        // Launched, but no task has sampled the population yet.
        println!(
            "{}: no population.jsonl yet (no task of the array has started)",
            a.dir.display()
        );
        match &slurm {
            Some((id, Ok((states, tool)))) => {
                println!("SLURM array job {id} (states from {tool})");
                for (k, t) in states {
                    println!("task {k}: SLURM {}", t.state);
                }
            }
            Some((id, Err(why))) => println!("SLURM array job {id}: no task states ({why})"),
            None => {}
        }
        return Ok(());
    }
    let progress = regnet_sweep::progress(&a.dir, shards)?;
    let total: usize = progress.iter().map(|p| p.size).sum();
    let finished: usize = progress.iter().map(|p| p.finished).sum();
    let in_flight: usize = progress.iter().map(|p| p.in_flight.len()).sum();
    let missing: usize = progress.iter().map(|p| p.missing).sum();
    let task = |k: usize| match &slurm {
        Some((_, Ok((states, _)))) => states.get(&k).cloned(),
        _ => None,
    };
    if a.json {
        let rows: Vec<_> = progress
            .iter()
            .map(|p| {
                let t = task(p.shard.k);
                json!({
                    "shard": p.shard.k, "shards": p.shard.n, "size": p.size,
                    "finished": p.finished, "in_flight": p.in_flight, "missing": p.missing,
                    "duplicates": p.duplicates,
                    "worker": p.worker.as_ref().map(|w| w.state),
                    "worker_gone": p.worker_gone,
                    "slurm_state": t.as_ref().map(|t| t.state.clone()),
                    "slurm_restarts": t.and_then(|t| t.restarts),
                })
            })
            .collect();
        let v = json!({
            "dir": a.dir.display().to_string(), "models": total, "finished": finished,
            "in_flight": in_flight, "missing": missing,
            "job_id": last.map(|l| l.job_id.clone()),
            "slurm_error": slurm.as_ref().and_then(|(_, r)| r.as_ref().err().cloned()),
            "shards": rows,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!(
        "{}: {total} models in {shards} shard(s): {finished} finished, {in_flight} in flight, {missing} missing",
        a.dir.display()
    );
    match &slurm {
        Some((id, Ok((_, tool)))) => println!("SLURM array job {id} (states from {tool})"),
        Some((id, Err(why))) => println!("SLURM array job {id}: no task states ({why})"),
        None => println!("not launched with regnet launch (no {LAUNCHES}): no SLURM states"),
    }
    for p in &progress {
        let Shard { k, n } = p.shard;
        let flight = if p.in_flight.is_empty() {
            "none in flight".to_string()
        } else {
            format!("in flight {:?}", p.in_flight)
        };
        let dup = if p.duplicates.is_empty() {
            String::new()
        } else {
            format!(", DUPLICATES {:?}", p.duplicates)
        };
        let slurm_text = match task(k) {
            Some(t) => format!(
                "; SLURM {}{}",
                t.state,
                t.restarts
                    .map_or(String::new(), |r| format!(" (restarts {r})"))
            ),
            None => String::new(),
        };
        println!(
            "shard {k}/{n}: {}/{} finished, {flight}, {} missing{dup}; worker {}{slurm_text}",
            p.finished,
            p.size,
            p.missing,
            worker_text(p)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scontrol_records_give_each_task_its_state() {
        let text = "JobId=12 ArrayJobId=10 ArrayTaskId=2 JobName=regnet-regnetx JobState=RUNNING Reason=None Restarts=1 BatchFlag=1\n\
                    JobId=10 ArrayJobId=10 ArrayTaskId=3-5%2 JobState=PENDING Reason=JobArrayTaskLimit Restarts=0\n\
                    JobId=11 ArrayJobId=10 ArrayTaskId=0 JobState=COMPLETED Restarts=0\n";
        let s = parse_scontrol(text);
        assert_eq!(s.keys().copied().collect::<Vec<_>>(), vec![0, 2, 3, 4, 5]);
        assert_eq!(
            s[&2],
            TaskState {
                state: "RUNNING".into(),
                restarts: Some(1)
            }
        );
        assert_eq!(s[&4].state, "PENDING");
        assert_eq!(s[&0].state, "COMPLETED");
    }

    #[test]
    fn squeue_lines_and_id_lists() {
        let s = parse_squeue("0 RUNNING\n1 PENDING\nbad\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[&1].state, "PENDING");
        assert_eq!(expand_ids("1,3-4"), vec![1, 3, 4]);
        assert_eq!(expand_ids("x-2"), Vec::<usize>::new());
    }
}
