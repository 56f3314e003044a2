//! Fuzz-style property tests: mutated results lines are parsed into a population (with the unusable
//! lines listed) or a typed error; every message, including the skipped-line reports, is one line.
//! Set `REGNET_FUZZ_CASES` for a longer run.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use regnet_stats::{SkippedLine, parse_jsonl};

/// Cases of a fuzz run: `default`, or `REGNET_FUZZ_CASES` when set (a long run on demand, e.g.
/// `REGNET_FUZZ_CASES=100000 cargo test --release -p <crate> --test fuzz`); the minimum counts the
/// tests require scale with it.
fn cases(default: u32) -> u32 {
    std::env::var("REGNET_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const LINES: &[&str] = &[
    r#"{"space":"RegNetX","error":31.5,"flops":0.38,"params":{"d":13,"w0":24,"wa":36.44,"wm":2.49,"g":8},"ws":[24,56,152,368],"ds":[1,1,4,7]}"#,
    r#"{"space":"RegNetX","error":29.0,"flops":0.39,"params":{"d":16,"w0":48,"wa":27.89,"wm":2.09,"g":8},"ws":[48,104,208,440],"ds":[1,3,6,6]}"#,
    r#"{"space":"RegNetX","error":35.25,"params":{"d":10,"w0":32,"wa":5.0,"wm":2.5,"g":16}}"#,
];

const INSERTS: &[&str] = &[
    "\n", "\\n", "\"", "{", "}", ",", ":", "NaN", "1e999", "-", "null", "[]", "\u{1b}", "999999",
];

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, usize, &'static str),
    Delete(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (
            0..LINES.len(),
            any::<usize>(),
            prop::sample::select(INSERTS)
        )
            .prop_map(|(l, p, s)| Mutation::Insert(l, p, s)),
        (0..LINES.len(), any::<usize>(), 1usize..8).prop_map(|(l, p, n)| Mutation::Delete(l, p, n)),
    ]
}

fn mutate(ms: &[Mutation]) -> String {
    let mut lines: Vec<String> = LINES.iter().map(|s| s.to_string()).collect();
    for m in ms {
        match *m {
            Mutation::Insert(l, p, s) => {
                let line = &mut lines[l];
                let p = line.floor_char_boundary(p % (line.len() + 1));
                line.insert_str(p, s);
            }
            Mutation::Delete(l, p, n) => {
                let line = &mut lines[l];
                let a = line.floor_char_boundary(p % (line.len() + 1));
                let b = line.floor_char_boundary((a + n).min(line.len()));
                line.replace_range(a..b, "");
            }
        }
    }
    lines.join("\n") + "\n"
}

#[test]
fn mutated_results_lines_parse_or_fail_with_one_line() {
    let n = cases(1024);
    let (parsed, skipped, failed) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(n)
    })
    .run(&prop::collection::vec(mutation(), 1..4), |ms| {
        let text = mutate(&ms);
        match parse_jsonl(&text, Path::new("fuzz.jsonl"), "error") {
            Ok(outcome) => {
                parsed.fetch_add(1, Ordering::Relaxed);
                prop_assert!(!outcome.population.is_empty());
                prop_assert!(outcome.population.errors().iter().all(|e| e.is_finite()));
                for issue in &outcome.issues {
                    skipped.fetch_add(1, Ordering::Relaxed);
                    let report = SkippedLine {
                        line: issue.line().unwrap_or(0),
                        message: issue.to_string(),
                    }
                    .to_string();
                    prop_assert!(!report.contains('\n'), "{report:?}");
                    prop_assert!(issue.line().is_some(), "{issue}");
                }
            }
            Err(e) => {
                failed.fetch_add(1, Ordering::Relaxed);
                prop_assert!(!e.to_string().contains('\n'), "{e:?}");
            }
        }
        Ok(())
    })
    .unwrap();
    let (parsed, skipped, failed) = (
        parsed.into_inner(),
        skipped.into_inner(),
        failed.into_inner(),
    );
    // About 90 % of the files parse (with about one skipped line each), 8 % are typed errors.
    assert!(
        parsed >= n as usize / 2 && skipped >= n as usize / 5 && failed >= n as usize / 50,
        "parsed {parsed}, skipped lines {skipped}, failed {failed}"
    );
}
