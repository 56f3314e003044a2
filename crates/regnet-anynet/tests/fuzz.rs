//! Fuzz-style property tests: mutated pycls YAML configs and JSON specs are fed to the parsers, which
//! must return a spec or a typed error whose message is one line, never panic, and never take long
//! (every size is bounded by the documented limits, so counting complexity of whatever parses is
//! cheap). Each test runs a bounded number of cases so `cargo test -p regnet-anynet` stays fast; set
//! `REGNET_FUZZ_CASES` for a longer run.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use regnet_anynet::{AnyNetSpec, RegNetParams, SpecError, parse_pycls_config, zoo};

/// Cases of a fuzz run: `default`, or `REGNET_FUZZ_CASES` when set (a long run on demand, e.g.
/// `REGNET_FUZZ_CASES=100000 cargo test --release -p <crate> --test fuzz`); the minimum counts the
/// tests require scale with it.
fn cases(default: u32) -> u32 {
    std::env::var("REGNET_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Valid seed configs the mutations start from.
const YAML_SEEDS: &[&str] = &[
    "MODEL:\n  TYPE: regnet\n  NUM_CLASSES: 1000\nREGNET:\n  DEPTH: 13\n  W0: 24\n  WA: 36.44\n  WM: 2.49\n  GROUP_W: 8\n",
    "MODEL:\n  TYPE: regnet\nREGNET:\n  SE_ON: true\n  DEPTH: 16\n  W0: 48\n  WA: 27.89\n  WM: 2.09\n  GROUP_W: 8\nTRAIN:\n  IM_SIZE: 224\n",
    "MODEL:\n  TYPE: anynet\n  NUM_CLASSES: 10\nANYNET:\n  STEM_TYPE: res_stem_cifar\n  STEM_W: 16\n  BLOCK_TYPE: res_bottleneck_block\n  DEPTHS: [1, 2, 4]\n  WIDTHS: [32, 64, 128]\n  STRIDES: [1, 2, 2]\n  BOT_MULS: [1.0, 1.0, 1.0]\n  GROUP_WS: [8, 8, 8]\n",
    "MODEL:\n  TYPE: anynet\nANYNET:\n  BLOCK_TYPE: res_basic_block\n  DEPTHS:\n  - 2\n  - 2\n  WIDTHS:\n  - 64\n  - 128\n  STRIDES:\n  - 1\n  - 2\n",
];

/// Tokens a mutation inserts or substitutes: limits, overflow values, non-numbers, YAML structure.
const TOKENS: &[&str] = &[
    "4294967295",
    "18446744073709551615",
    "-1",
    "0",
    "1e300",
    "-1e300",
    ".nan",
    ".inf",
    "65536",
    "4097",
    "[1, 2]",
    "- 1\n- 2",
    "{a: 1}",
    "\n",
    ": ",
    "  ",
    "[",
    "]",
    "- ",
    "!!binary AAAA",
    "&a [*a]",
    "true",
    "\"\u{1b}[31m\"",
    "DEPTH",
    "SE_R",
    "REGNET",
    "ANYNET",
];

/// Values a [`Edit::Value`] puts after a `key:` (in range, at the limits, beyond them, or wrong).
const VALUES: &[&str] = &[
    "1",
    "2",
    "8",
    "16",
    "24",
    "64",
    "0.25",
    "2.5",
    "36.44",
    "4096",
    "4097",
    "65",
    "64",
    "0",
    "4294967295",
    "1e300",
    "[1, 2]",
    "[8, 16, 4]",
    "res_basic_block",
    "vanilla_block",
    "true",
];

/// One edit of a text: replace the value of the i-th `key: value` line (modulo their number), insert
/// or replace a token at a byte position, delete a span, or duplicate a span (positions are taken
/// modulo the text length and moved to a char boundary).
#[derive(Debug, Clone)]
enum Edit {
    Value(usize, usize),
    Insert(usize, usize),
    Replace(usize, usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (any::<usize>(), 0..VALUES.len()).prop_map(|(l, v)| Edit::Value(l, v)),
        1 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Edit::Insert(p, t)),
        1 => (any::<usize>(), 1usize..12, 0..TOKENS.len()).prop_map(|(p, n, t)| Edit::Replace(p, n, t)),
        1 => (any::<usize>(), 1usize..24).prop_map(|(p, n)| Edit::Delete(p, n)),
        1 => (any::<usize>(), 1usize..40).prop_map(|(p, n)| Edit::Duplicate(p, n)),
    ]
}

fn boundary(s: &str, p: usize) -> usize {
    s.floor_char_boundary(p % (s.len() + 1))
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        match *e {
            Edit::Value(l, v) => s = replace_value(&s, l, VALUES[v]),
            Edit::Insert(p, t) => {
                let p = boundary(&s, p);
                s.insert_str(p, TOKENS[t]);
            }
            Edit::Replace(p, n, t) => {
                let a = boundary(&s, p);
                let b = s.floor_char_boundary((a + n).min(s.len()));
                s.replace_range(a..b, TOKENS[t]);
            }
            Edit::Delete(p, n) => {
                let a = boundary(&s, p);
                let b = s.floor_char_boundary((a + n).min(s.len()));
                s.replace_range(a..b, "");
            }
            Edit::Duplicate(p, n) => {
                let a = boundary(&s, p);
                let b = s.floor_char_boundary((a + n).min(s.len()));
                let span = s[a..b].to_string();
                s.insert_str(b, &span);
            }
        }
    }
    s
}

/// Replaces the value of the `l`-th (modulo their number) `key: value` line of YAML, or the `l`-th
/// `"key":value` pair of JSON, by `value`.
fn replace_value(s: &str, l: usize, value: &str) -> String {
    // Byte ranges of values: after ": " up to the end of the line (YAML) or after `":` up to the
    // next `,` or `}` (JSON).
    let mut spans = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b':' {
            let start = i + 1;
            let end = (start..b.len())
                .find(|&j| matches!(b[j], b'\n' | b',' | b'}'))
                .unwrap_or(b.len());
            if end > start {
                spans.push((start, end));
            }
        }
        i += 1;
    }
    if spans.is_empty() {
        return s.to_string();
    }
    let (a, e) = spans[l % spans.len()];
    let pad = if s[..a].ends_with('"') { "" } else { " " };
    format!("{}{pad}{value}{}", &s[..a], &s[e..])
}

/// A typed error must be one line of readable length.
fn assert_one_line(e: &SpecError, input: &str) -> Result<(), TestCaseError> {
    let msg = e.to_string();
    prop_assert!(
        !msg.contains('\n'),
        "multi-line error {msg:?} for {input:?}"
    );
    prop_assert!(
        msg.len() < 1000,
        "error of {} bytes for {input:?}",
        msg.len()
    );
    Ok(())
}

/// Whatever parses is bounded: validating and counting complexity succeed or fail with a typed error.
fn exercise(spec: &AnyNetSpec, input: &str) -> Result<(), TestCaseError> {
    prop_assert!(spec.num_blocks() <= regnet_anynet::MAX_BLOCKS);
    prop_assert!(spec.stages.len() <= regnet_anynet::MAX_STAGES);
    match spec.complexity(224) {
        Ok(c) => prop_assert!(c.flops > 0 && c.params > 0, "{c:?} for {input:?}"),
        Err(e) => assert_one_line(&e, input)?,
    }
    Ok(())
}

/// Outcomes of a fuzz run: how many inputs parsed and how many were rejected with a typed error.
#[derive(Debug, Default)]
struct Tally {
    ok: AtomicUsize,
    err: AtomicUsize,
}

impl Tally {
    /// Runs `cases` inputs through `parse`, checking each outcome, and returns (ok, err).
    fn run<S: Strategy>(
        cases: u32,
        strategy: S,
        parse: impl Fn(&S::Value) -> (String, Result<AnyNetSpec, SpecError>),
    ) -> (usize, usize) {
        let tally = Tally::default();
        TestRunner::new(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::with_cases(cases)
        })
        .run(&strategy, |v| {
            let (input, outcome) = parse(&v);
            match outcome {
                Ok(spec) => {
                    exercise(&spec, &input)?;
                    tally.ok.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    assert_one_line(&e, &input)?;
                    tally.err.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok(())
        })
        .unwrap();
        (tally.ok.into_inner(), tally.err.into_inner())
    }
}

#[test]
fn mutated_yaml_configs_parse_or_fail_with_one_line() {
    let strategy = (0..YAML_SEEDS.len(), prop::collection::vec(edit(), 1..3));
    let n = cases(2048) as usize;
    let (ok, err) = Tally::run(n as u32, strategy, |(seed, edits)| {
        let text = apply(YAML_SEEDS[*seed], edits);
        let outcome = parse_pycls_config(&text).map(|c| c.spec);
        (text, outcome)
    });
    // Both paths must really be exercised: specs that parse (then are counted) and typed errors
    // (about 10 % parse).
    assert!(ok >= n / 20 && err >= n / 2, "ok {ok}, err {err} of {n}");
}

#[test]
fn mutated_json_specs_parse_or_fail_with_one_line() {
    let models = zoo::models();
    let strategy = (0..models.len(), prop::collection::vec(edit(), 1..3));
    let n = cases(2048) as usize;
    let (ok, err) = Tally::run(n as u32, strategy, |(model, edits)| {
        let json = serde_json::to_string(&models[*model].spec().unwrap()).unwrap();
        let text = apply(&json, edits);
        let outcome = AnyNetSpec::from_json(&text);
        (text, outcome)
    });
    // About 18 % parse.
    assert!(ok >= n / 14 && err >= n / 2, "ok {ok}, err {err} of {n}");
}

#[test]
fn extreme_regnet_parameters_are_typed_errors() {
    // Mostly sensible values (so real specs are built and counted), with the extremes mixed in.
    let strategy = (
        prop_oneof![12 => 1u32..64, 1 => Just(0u32), 1 => Just(u32::MAX), 1 => 4000u32..5000],
        prop_oneof![12 => (1u32..64).prop_map(|x| 8 * x), 1 => Just(0u32), 1 => Just(u32::MAX)],
        prop_oneof![12 => 0.0f64..100.0, 1 => Just(1e300), 1 => Just(f64::NAN)],
        prop_oneof![12 => 1.5f64..3.0, 1 => Just(1.0), 1 => Just(1e300)],
        prop_oneof![12 => 1u32..64, 1 => Just(0u32), 1 => Just(u32::MAX)],
        prop::option::of(
            prop_oneof![8 => Just(0.25), 1 => Just(1e300), 1 => Just(-1.0), 1 => 0.0f64..8.0],
        ),
    );
    let n = cases(1024) as usize;
    let (ok, err) = Tally::run(n as u32, strategy, |&(d, w0, wa, wm, g, se_r)| {
        let p = RegNetParams {
            se_r,
            ..RegNetParams::regnetx(d, w0, wa, wm, g)
        };
        (format!("{p:?}"), p.to_spec())
    });
    // About 45 % build.
    assert!(
        ok >= n * 3 / 10 && err >= n * 3 / 10,
        "ok {ok}, err {err} of {n}"
    );
}

#[test]
fn the_reported_cases_are_typed_one_line_errors() {
    // Depth 4294967295 with WA 0 used to pass validation and walk every block.
    let e = parse_pycls_config(
        "MODEL:\n  TYPE: regnet\nREGNET:\n  DEPTH: 4294967295\n  WA: 0\n  W0: 32\n  WM: 2.5\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "RegNet parameters: d = 4294967295 exceeds the supported maximum of 4096"
    );
    let e = parse_pycls_config(
        "MODEL:\n  TYPE: anynet\nANYNET:\n  BLOCK_TYPE: res_basic_block\n  DEPTHS: [4294967295]\n  WIDTHS: [64]\n  STRIDES: [2]\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "stage 1: d must be between 1 and 4096 (MAX_BLOCKS), got 4294967295"
    );
    // se_r = 1e300 used to saturate the SE width.
    let e = parse_pycls_config("MODEL:\n  TYPE: regnet\nREGNET:\n  SE_ON: true\n  SE_R: 1.0e300\n")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "se_r must be finite, > 0 and <= 4 (MAX_SE_R), got 1e300"
    );
    // A list where a mapping belongs is echoed on one line.
    let e = parse_pycls_config("MODEL:\n- 1\n- 2\n").unwrap_err();
    assert_eq!(e.to_string(), "config: MODEL must be a mapping, got [1,2]");
    // Too many stages, and too many blocks in total.
    let many = format!(
        "MODEL:\n  TYPE: anynet\nANYNET:\n  BLOCK_TYPE: res_basic_block\n  DEPTHS: [{}]\n  WIDTHS: [{}]\n  STRIDES: [{}]\n",
        vec!["1"; 65].join(", "),
        vec!["8"; 65].join(", "),
        vec!["1"; 65].join(", ")
    );
    let e = parse_pycls_config(&many).unwrap_err();
    assert_eq!(
        e.to_string(),
        "stages must be at most 64 stages (MAX_STAGES), got 65"
    );
    let deep = "MODEL:\n  TYPE: anynet\nANYNET:\n  BLOCK_TYPE: res_basic_block\n  DEPTHS: [4000, 4000]\n  WIDTHS: [8, 8]\n  STRIDES: [1, 1]\n";
    let e = parse_pycls_config(deep).unwrap_err();
    assert_eq!(
        e.to_string(),
        "depth must be a total of at most 4096 blocks (MAX_BLOCKS), got 8000"
    );
}

#[test]
fn yaml_alias_bombs_and_deep_nesting_are_errors() {
    // "Billion laughs": nine levels of aliases, each repeating the previous one nine times.
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let items = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    let e = parse_pycls_config(&bomb).unwrap_err();
    assert_eq!(e.to_string(), "config: repetition limit exceeded");
    // 100,000 nested flow sequences took the YAML scanner 40 s; refused before parsing now.
    let deep = format!("MODEL: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = parse_pycls_config(&deep).unwrap_err();
    assert_eq!(
        e.to_string(),
        "config: nesting of [ ] and { } (at line 1) is 65, more than the supported 64"
    );
    let big = format!("MODEL:\n  TYPE: regnet\n#{}\n", "x".repeat(2 << 20));
    let e = parse_pycls_config(&big).unwrap_err();
    assert_eq!(
        e.to_string(),
        "config: size in bytes (at line 1) is 2097176, more than the supported 1048576"
    );
    let deep = format!(
        "{{\"stem\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = AnyNetSpec::from_json(&deep).unwrap_err();
    assert!(!e.to_string().contains('\n'), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1024)))]

    /// Counts and windows from command lines: a number or a one-line message, never a panic.
    #[test]
    fn counts_and_windows_parse_or_fail(text in "[0-9eEkKmMgGtTfF.:+ -]{0,24}|\\PC{0,12}") {
        match regnet_anynet::space::parse_count(&text) {
            Ok(_) => {}
            Err(e) => prop_assert!(!e.contains('\n') || text.contains('\n'), "{e}"),
        }
        if let Err(e) = regnet_anynet::space::parse_window(&text) {
            prop_assert!(!e.is_empty());
        }
    }
}
