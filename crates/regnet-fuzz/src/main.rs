//! `regnet-fuzz`: runs the `regnet` binary on deterministically generated bad inputs under memory
//! and time limits and classifies every run (see README.md and docs/reliability.md §6).

mod cases;
mod corpus;
mod mutate;
mod rng;
mod run;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use run::{Limits, Outcome};

/// Command-line options.
struct Options {
    bin: PathBuf,
    cases: usize,
    start: usize,
    seed: u64,
    jobs: usize,
    limits: Limits,
    work: PathBuf,
    keep: Option<PathBuf>,
    only: Option<String>,
    verbose: bool,
}

const USAGE: &str = "usage: regnet-fuzz --bin PATH [--cases N] [--start K] [--seed S] [--jobs J] \
[--timeout-s T] [--mem-mib M] [--work DIR] [--keep DIR] [--only KIND] [--verbose]";

fn parse_options() -> Result<Options, String> {
    let mut o = Options {
        bin: PathBuf::new(),
        cases: 1000,
        start: 0,
        seed: 0,
        jobs: 1,
        limits: Limits {
            timeout: Duration::from_secs(20),
            mem_bytes: 4 << 30,
        },
        work: std::env::temp_dir().join(format!("regnet-fuzz-{}", std::process::id())),
        keep: None,
        only: None,
        verbose: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value; {USAGE}"))
        };
        let num = |v: String| {
            v.parse::<u64>()
                .map_err(|e| format!("{flag} {v:?}: {e}; {USAGE}"))
        };
        match flag.as_str() {
            "--bin" => o.bin = PathBuf::from(value()?),
            "--cases" => o.cases = num(value()?)? as usize,
            "--start" => o.start = num(value()?)? as usize,
            "--seed" => o.seed = num(value()?)?,
            "--jobs" => o.jobs = (num(value()?)? as usize).max(1),
            "--timeout-s" => o.limits.timeout = Duration::from_secs(num(value()?)?),
            "--mem-mib" => o.limits.mem_bytes = num(value()?)? << 20,
            "--work" => o.work = PathBuf::from(value()?),
            "--keep" => o.keep = Some(PathBuf::from(value()?)),
            "--only" => o.only = Some(value()?),
            "--verbose" => o.verbose = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other:?}; {USAGE}")),
        }
    }
    if o.bin.as_os_str().is_empty() {
        return Err(format!("--bin is required; {USAGE}"));
    }
    o.bin = std::fs::canonicalize(&o.bin).map_err(|e| format!("--bin {}: {e}", o.bin.display()))?;
    Ok(o)
}

/// Counts of one generator kind.
#[derive(Default, Clone)]
struct Tally {
    by_outcome: BTreeMap<Outcome, usize>,
    seconds: f64,
}

fn main() {
    let o = match parse_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("regnet-fuzz: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&o.work) {
        eprintln!("regnet-fuzz: {}: {e}", o.work.display());
        std::process::exit(2);
    }
    let t0 = Instant::now();
    let corpus = match corpus::Corpus::build(&o.bin, &o.work.join("corpus"), &o.limits) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("regnet-fuzz: building the seed corpus failed: {e}");
            std::process::exit(2);
        }
    };
    eprintln!(
        "regnet-fuzz: corpus ready in {:.1} s; {} cases from {} (seed {}), {} jobs, limits {} s / {} MiB",
        t0.elapsed().as_secs_f64(),
        o.cases,
        o.start,
        o.seed,
        o.jobs,
        o.limits.timeout.as_secs(),
        o.limits.mem_bytes >> 20
    );
    let next = AtomicUsize::new(o.start);
    let end = o.start + o.cases;
    let done = AtomicUsize::new(0);
    let tallies: Mutex<BTreeMap<&'static str, Tally>> = Mutex::new(BTreeMap::new());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let t_run = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..o.jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= end {
                        break;
                    }
                    let case = cases::case(&corpus, o.seed, i as u64);
                    if o.only.as_deref().is_some_and(|k| k != case.kind) {
                        continue;
                    }
                    let dir = o.work.join(format!("case-{i}"));
                    let result = run::run_case(&o.bin, &case, &dir, &o.limits);
                    let (outcome, secs, detail) = match result {
                        Ok(r) => (r.outcome, r.seconds, r.detail),
                        Err(e) => (Outcome::Harness, 0.0, e),
                    };
                    if o.verbose {
                        println!(
                            "case {i} [{}] {}: {} | {detail}",
                            case.kind,
                            outcome.name(),
                            run::shell_line(&case.args)
                        );
                    }
                    if outcome.is_failure() {
                        let kept = o.keep.as_ref().map(|k| {
                            let dst = k.join(format!("{}-{i}", case.kind));
                            let _ = run::copy_dir(&dir, &dst);
                            dst
                        });
                        let line = format!(
                            "REPRO case {i} [{}] {}: {} | {}{}",
                            case.kind,
                            outcome.name(),
                            run::shell_line(&case.args),
                            detail,
                            kept.map_or(String::new(), |k| format!(" (kept in {})", k.display()))
                        );
                        println!("{line}");
                        failures.lock().unwrap().push(line);
                    }
                    let _ = std::fs::remove_dir_all(&dir);
                    {
                        let mut t = tallies.lock().unwrap();
                        let e = t.entry(case.kind).or_default();
                        *e.by_outcome.entry(outcome).or_default() += 1;
                        e.seconds += secs;
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n.is_multiple_of(1000) {
                        eprintln!(
                            "regnet-fuzz: {n} cases in {:.0} s",
                            t_run.elapsed().as_secs_f64()
                        );
                    }
                }
            });
        }
    });
    let tallies = tallies.into_inner().unwrap();
    let failures = failures.into_inner().unwrap();
    print_table(&tallies, t_run.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&o.work);
    if !failures.is_empty() {
        eprintln!("regnet-fuzz: {} failing case(s)", failures.len());
        std::process::exit(1);
    }
}

/// The markdown table of outcomes per generator kind (docs/reliability.md shows the last long run's).
fn print_table(tallies: &BTreeMap<&'static str, Tally>, wall: f64) {
    let cols = Outcome::ALL;
    let mut header = String::from("| generator | cases |");
    let mut rule = String::from("|---|---:|");
    for c in cols {
        header.push_str(&format!(" {} |", c.name()));
        rule.push_str("---:|");
    }
    header.push_str(" mean s |");
    rule.push_str("---:|");
    println!("{header}\n{rule}");
    let mut total = Tally::default();
    let row = |name: &str, t: &Tally| {
        let n: usize = t.by_outcome.values().sum();
        let mut line = format!("| {name} | {} |", thousands(n));
        for c in cols {
            line.push_str(&format!(
                " {} |",
                thousands(t.by_outcome.get(&c).copied().unwrap_or(0))
            ));
        }
        line.push_str(&format!(" {:.3} |", t.seconds / n.max(1) as f64));
        line
    };
    for (kind, t) in tallies {
        println!("{}", row(kind, t));
        for (o, n) in &t.by_outcome {
            *total.by_outcome.entry(*o).or_default() += n;
        }
        total.seconds += t.seconds;
    }
    println!("{}", row("**all**", &total));
    println!("wall time {wall:.0} s");
}

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
