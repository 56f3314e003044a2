//! Merging shard results: `results.jsonl` and `results-K.jsonl` → `collected.jsonl`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{ResultRecord, Sweep, SweepError, read_jsonl, write_atomic};

/// What [`collect`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectReport {
    /// Results files read, in name order.
    pub files: Vec<String>,
    /// Distinct models with a result.
    pub finished: usize,
    /// Population ids without a result.
    pub missing: Vec<usize>,
    /// Ids that had more than one result (the first, in file-name order, is kept).
    pub duplicates: Vec<usize>,
    /// Torn last lines ignored (a worker killed mid-write).
    pub torn_lines: usize,
    /// Where the merged results were written.
    pub output: String,
}

/// Reads every results file of a sweep directory, keeps one record per model (sorted by id), writes
/// them to `collected.jsonl` (atomically) and reports missing and duplicate models.
pub fn collect(dir: &Path) -> Result<CollectReport, SweepError> {
    let sweep: Sweep = Sweep::open(dir)?;
    let n = sweep.population().len();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| SweepError::io(dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f == "results.jsonl" || (f.starts_with("results-") && f.ends_with(".jsonl")))
        .collect();
    names.sort();
    let mut by_id: BTreeMap<usize, ResultRecord> = BTreeMap::new();
    let mut report = CollectReport::default();
    for name in &names {
        let path = dir.join(name);
        let (records, torn) = read_jsonl::<ResultRecord>(&path)?;
        report.torn_lines += usize::from(torn);
        for (i, r) in records.into_iter().enumerate() {
            if r.id >= n {
                return Err(SweepError::UnknownModel {
                    path: path.display().to_string(),
                    line: i + 1,
                    id: r.id,
                    n,
                });
            }
            match by_id.entry(r.id) {
                std::collections::btree_map::Entry::Occupied(_) => report.duplicates.push(r.id),
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(r);
                }
            }
        }
    }
    report.duplicates.sort_unstable();
    report.duplicates.dedup();
    report.missing = (0..n).filter(|id| !by_id.contains_key(id)).collect();
    report.finished = by_id.len();
    report.files = names;
    let out = dir.join("collected.jsonl");
    let mut bytes = Vec::new();
    for r in by_id.values() {
        serde_json::to_writer(&mut bytes, r).map_err(|e| SweepError::Malformed {
            path: out.display().to_string(),
            line: 0,
            message: format!("cannot serialize result: {e}"),
        })?;
        bytes.push(b'\n');
    }
    // Temp file, fsync, rename, fsync of the directory.
    write_atomic(&out, &bytes)?;
    report.output = out.display().to_string();
    Ok(report)
}
