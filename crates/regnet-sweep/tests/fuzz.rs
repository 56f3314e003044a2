//! Fuzz-style property tests: mutated results files (torn tails, flipped bytes, stray newlines, text
//! from other tools) are read into records or a typed one-line error, never a panic; opening one for
//! appending either repairs a provably torn last line (and reports it) or leaves the file untouched.
//! Set `REGNET_FUZZ_CASES` for a longer run.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use regnet_sweep::{
    JsonlWriter, PopulationEntry, ResultRecord, TornAction, TrainOutcome, read_jsonl,
};

/// Cases of a fuzz run: `default`, or `REGNET_FUZZ_CASES` when set (a long run on demand, e.g.
/// `REGNET_FUZZ_CASES=100000 cargo test --release -p <crate> --test fuzz`); the minimum counts the
/// tests require scale with it.
fn cases(default: u32) -> u32 {
    std::env::var("REGNET_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, &'static str),
}

const INSERTS: &[&str] = &[
    "\n",
    "{",
    "}",
    "\"",
    "garbage",
    "\u{1b}[2J",
    "\0",
    "{\"id\":",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => (any::<usize>(), prop::sample::select(INSERTS)).prop_map(|(i, s)| Mutation::Insert(i, s)),
    ]
}

fn results_text() -> Vec<u8> {
    let mut text = Vec::new();
    for id in 0..4 {
        let entry = PopulationEntry::new(id, serde_json::json!({"space": "toy", "d": id}));
        let r = ResultRecord::new(
            &entry,
            TrainOutcome::finished(vec![20.0, 10.0 + id as f64], 1),
        );
        serde_json::to_writer(&mut text, &r).unwrap();
        text.push(b'\n');
    }
    text
}

fn mutate(bytes: &[u8], ms: &[Mutation]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for m in ms {
        match *m {
            Mutation::Truncate(n) => b.truncate(n % (b.len() + 1)),
            Mutation::Flip(i, x) if !b.is_empty() => {
                let n = b.len();
                b[i % n] ^= x;
            }
            Mutation::Flip(..) => {}
            Mutation::Insert(i, s) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, s.bytes());
            }
        }
    }
    b
}

fn scratch_file(case: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regnet-sweep-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("results-{case}.jsonl"))
}

#[test]
fn mutated_results_files_are_read_or_refused_never_silently_cut() {
    let original = results_text();
    let n = cases(512);
    let (read_ok, refused, repaired, case) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(n)
    })
    .run(&prop::collection::vec(mutation(), 1..3), |ms| {
        let bytes = mutate(&original, &ms);
        let path = scratch_file(case.fetch_add(1, Ordering::Relaxed));
        std::fs::write(&path, &bytes).unwrap();
        match read_jsonl::<ResultRecord>(&path) {
            Ok((records, _torn)) => {
                prop_assert!(records.len() <= 5);
                read_ok.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => prop_assert!(!e.to_string().contains('\n'), "{e}"),
        }
        match JsonlWriter::open_append(&path) {
            Ok(w) => {
                let after = std::fs::read(&path).unwrap();
                prop_assert!(after.is_empty() || after.ends_with(b"\n"));
                match w.torn_tail() {
                    None => prop_assert_eq!(&after, &bytes),
                    Some(t) => {
                        repaired.fetch_add(1, Ordering::Relaxed);
                        prop_assert!(!t.to_string().contains('\n'));
                        let keep = bytes.len() - t.bytes as usize;
                        // Only the torn last line changed: dropped, or completed with a newline.
                        prop_assert_eq!(&after[..keep], &bytes[..keep]);
                        match t.action {
                            TornAction::Dropped => prop_assert_eq!(after.len(), keep),
                            TornAction::Completed => {
                                prop_assert_eq!(&after[..bytes.len()], &bytes[..]);
                                prop_assert_eq!(after.len(), bytes.len() + 1);
                            }
                        }
                    }
                }
            }
            Err(e) => {
                refused.fetch_add(1, Ordering::Relaxed);
                prop_assert!(!e.to_string().contains('\n'), "{e}");
                prop_assert_eq!(std::fs::read(&path).unwrap(), bytes, "refused but modified");
            }
        }
        std::fs::remove_file(&path).ok();
        Ok(())
    })
    .unwrap();
    let dir = scratch_file(0);
    std::fs::remove_dir_all(dir.parent().unwrap()).ok();
    let (read_ok, refused, repaired) = (
        read_ok.into_inner(),
        refused.into_inner(),
        repaired.into_inner(),
    );
    // Truncation at a random byte is the common case: most files read and get repaired.
    assert!(
        read_ok >= n as usize * 3 / 10
            && repaired >= n as usize * 3 / 10
            && refused >= n as usize / 100,
        "read {read_ok}, repaired {repaired}, refused {refused} of {n}"
    );
}
