//! How far the shards of a sweep are: finished, in flight and missing models per shard, from the
//! results files and the worker files (what `regnet status` prints).

use std::collections::BTreeSet;
use std::path::Path;

use crate::{Shard, Sweep, SweepError, WorkerState, WorkerStatus};

/// The progress of one shard.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardProgress {
    /// The shard.
    pub shard: Shard,
    /// Models of the population in this shard.
    pub size: usize,
    /// Models of the shard with a result in its results file.
    pub finished: usize,
    /// Models its worker is training now (from a running worker's file whose process is not known to
    /// be gone), without a result yet.
    pub in_flight: Vec<usize>,
    /// Models of the shard neither finished nor in flight.
    pub missing: usize,
    /// Models recorded more than once in the shard's results file.
    pub duplicates: Vec<usize>,
    /// The worker file, if the shard has one.
    pub worker: Option<WorkerStatus>,
    /// The worker file says `running`, but its process ran on this host and is gone (killed).
    pub worker_gone: bool,
}

/// The progress of each of the `shards` shards of the sweep in `dir` (1: the unsharded
/// `results.jsonl`). A missing results or worker file counts as nothing done.
pub fn progress(dir: &Path, shards: usize) -> Result<Vec<ShardProgress>, SweepError> {
    if shards == 0 {
        return Err(SweepError::BadShard("0 shards".into()));
    }
    let sweep: Sweep = Sweep::open(dir)?;
    let n = sweep.population().len();
    (0..shards)
        .map(|k| {
            let shard = Shard { k, n: shards };
            let mut seen = BTreeSet::new();
            let mut duplicates = BTreeSet::new();
            for r in sweep.results(shard)? {
                if shard.contains(r.id) && !seen.insert(r.id) {
                    duplicates.insert(r.id);
                }
            }
            let worker = WorkerStatus::read(dir, shard)?;
            let worker_gone = worker
                .as_ref()
                .is_some_and(|w| w.state == WorkerState::Running && w.process_gone());
            let in_flight: Vec<usize> = match &worker {
                Some(w) if w.state == WorkerState::Running && !worker_gone => w
                    .in_flight
                    .iter()
                    .copied()
                    .filter(|id| shard.contains(*id) && !seen.contains(id))
                    .collect(),
                _ => Vec::new(),
            };
            let size = shard.size(n);
            Ok(ShardProgress {
                shard,
                size,
                finished: seen.len(),
                missing: size.saturating_sub(seen.len() + in_flight.len()),
                in_flight,
                duplicates: duplicates.into_iter().collect(),
                worker,
                worker_gone,
            })
        })
        .collect()
}
