//! Fuzz-style property tests: mutated IDX files (raw and gzip, headers included) and CIFAR-10 batches
//! are parsed into a dataset or a typed one-line error, never a panic, and never more memory than the
//! header announces. Each test runs a bounded number of cases so `cargo test -p regnet-data` stays
//! fast; set `REGNET_FUZZ_CASES` for a longer run.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use regnet_data::idx::{encode_idx_images, encode_idx_labels};
use regnet_data::{CIFAR_RECORD, Cifar10, DataError, FashionMnist, Split};

/// Cases of a fuzz run: `default`, or `REGNET_FUZZ_CASES` when set (a long run on demand, e.g.
/// `REGNET_FUZZ_CASES=100000 cargo test --release -p <crate> --test fuzz`); the minimum counts the
/// tests require scale with it.
fn cases(default: u32) -> u32 {
    std::env::var("REGNET_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A byte-level mutation: overwrite a header word with an edge value, flip a byte, truncate, or
/// append bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Word(usize, u32),
    Flip(usize, u8),
    Truncate(usize),
    Append(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let word = prop_oneof![
        Just(0u32),
        Just(1u32),
        Just(28u32),
        Just(u32::MAX),
        Just(0x0000_0803),
        Just(0x0000_0801),
        Just(1 << 30),
        any::<u32>(),
    ];
    prop_oneof![
        4 => (0usize..4, word).prop_map(|(i, w)| Mutation::Word(i, w)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (1usize..2000).prop_map(Mutation::Append),
    ]
}

fn mutate(bytes: &[u8], ms: &[Mutation]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for m in ms {
        match *m {
            Mutation::Word(i, w) if 4 * i + 4 <= b.len() => {
                b[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
            }
            Mutation::Word(..) => {}
            Mutation::Flip(i, x) if !b.is_empty() => {
                let n = b.len();
                b[i % n] ^= x;
            }
            Mutation::Flip(..) => {}
            Mutation::Truncate(n) => b.truncate(n % (b.len() + 1)),
            Mutation::Append(n) => b.extend(std::iter::repeat_n(0u8, n)),
        }
    }
    b
}

fn one_line(e: &DataError) -> Result<(), TestCaseError> {
    let msg = e.to_string();
    prop_assert!(!msg.contains('\n'), "multi-line error {msg:?}");
    Ok(())
}

/// Runs `cases` inputs; returns (parsed, rejected).
fn tally<S: Strategy>(
    cases: u32,
    strategy: S,
    check: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) -> (usize, usize) {
    let (ok, err) = (AtomicUsize::new(0), AtomicUsize::new(0));
    TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    })
    .run(&strategy, |v| {
        if check(v)? {
            ok.fetch_add(1, Ordering::Relaxed);
        } else {
            err.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    })
    .unwrap();
    (ok.into_inner(), err.into_inner())
}

#[test]
fn mutated_fashion_idx_pairs_load_or_fail_typed() {
    let n = 3;
    let images = encode_idx_images(n, 28, 28, &vec![7u8; n * 784]).unwrap();
    let labels = encode_idx_labels(&[0, 5, 9]).unwrap();
    let strategy = (
        prop::collection::vec(mutation(), 0..3),
        prop::collection::vec(mutation(), 0..2),
        any::<bool>(),
        any::<bool>(),
    );
    let n = cases(1024) as usize;
    let (ok, err) = tally(n as u32, strategy, |(mi, ml, gz_i, gz_l)| {
        let mut im = mutate(&images, &mi);
        let mut lb = mutate(&labels, &ml);
        if gz_i {
            im = gzip(&im);
        }
        if gz_l {
            lb = gzip(&lb);
        }
        let p = Path::new("fuzz");
        match FashionMnist::from_idx_bytes(&im, p, &lb, p, Split::Train) {
            Ok(d) => {
                prop_assert!(!d.is_empty());
                prop_assert_eq!(d.pixels().len(), d.len() * 784);
                prop_assert!(d.labels().iter().all(|&l| l < 10));
                Ok(true)
            }
            Err(e) => {
                one_line(&e)?;
                Ok(false)
            }
        }
    });
    // Unmutated and harmless mutations load (about 30 %); most mutations are caught.
    assert!(ok >= n / 5 && err >= n / 2, "ok {ok}, err {err} of {n}");
}

#[test]
fn mutated_cifar_batches_load_or_fail_typed() {
    let mut bytes = Vec::new();
    for label in [0u8, 3, 9] {
        bytes.push(label);
        bytes.extend(std::iter::repeat_n(label * 10, CIFAR_RECORD - 1));
    }
    let strategy = prop::collection::vec(mutation(), 0..3);
    let n = cases(512) as usize;
    let (ok, err) = tally(n as u32, strategy, |ms| {
        let b = mutate(&bytes, &ms);
        match Cifar10::from_bytes(&b, Path::new("fuzz.bin"), Split::Test) {
            Ok(d) => {
                prop_assert!(!d.is_empty());
                Ok(true)
            }
            Err(e) => {
                one_line(&e)?;
                Ok(false)
            }
        }
    });
    // Pixel flips load (about 70 %); size changes are caught.
    assert!(ok >= n / 2 && err >= n / 8, "ok {ok}, err {err} of {n}");
}
