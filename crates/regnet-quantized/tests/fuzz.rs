//! Fuzz-style property tests: arbitrary (also absurd) inputs to the generator, the compatibility
//! adjustment and the inverse fit return a value or a typed error, never panic, overflow or hang.
//! The case counts keep `cargo test -p regnet-quantized` to a few seconds; set `REGNET_FUZZ_CASES`
//! for a longer run.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use regnet_quantized::{
    FitOptions, MAX_DEPTH, MAX_FIT_BLOCKS, MAX_WIDTH, QuantizedError, QuantizedLinear, StageCompat,
    adjust_block_compatibility, fit_quantized_linear,
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

/// u32 values biased towards the edges where overflow hides.
fn edgy_u32() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1u32),
        Just(u32::MAX),
        Just(u32::MAX / 2 + 1),
        Just(MAX_WIDTH),
        Just(MAX_WIDTH + 1),
        1u32..4096,
        any::<u32>(),
    ]
}

fn edgy_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0),
        Just(-1.0),
        Just(1e300),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(1.000_000_1),
        0.0f64..600.0,
        1.0f64..5.0,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    #[test]
    fn generate_is_typed(
        d in prop_oneof![Just(0u32), Just(u32::MAX), Just(MAX_DEPTH + 1), 1u32..200],
        w0 in edgy_u32(),
        wa in edgy_f64(),
        wm in edgy_f64(),
        q in prop_oneof![Just(0u32), Just(8u32), Just(1u32), edgy_u32()],
    ) {
        match QuantizedLinear::with_q(d, w0, wa, wm, q).and_then(|p| p.generate()) {
            Ok(g) => {
                prop_assert_eq!(g.block_widths.len(), d as usize);
                prop_assert!(g.block_widths.iter().all(|&w| w % q == 0 && w <= MAX_WIDTH));
                prop_assert_eq!(g.stages.iter().map(|s| s.d).sum::<u32>(), d);
            }
            Err(e) => prop_assert!(!e.to_string().contains('\n')),
        }
    }

    #[test]
    fn compatibility_is_typed(w in edgy_u32(), bot_mul in edgy_f64(), g in edgy_u32()) {
        match adjust_block_compatibility(0, StageCompat { w, bot_mul, g }) {
            Ok(s) => {
                prop_assert!(s.w >= 1 && s.g >= 1);
                prop_assert_eq!((f64::from(s.w) * s.bot_mul) % f64::from(s.g), 0.0);
            }
            Err(e) => prop_assert!(!e.to_string().contains('\n')),
        }
    }
}

/// Widths that are mostly valid (so the fit itself runs), with an occasional zero or out-of-range one.
fn fit_widths() -> impl Strategy<Value = Vec<u32>> {
    let width = prop_oneof![
        60 => 1u32..2048,
        4 => 1u32..=MAX_WIDTH,
        1 => Just(MAX_WIDTH),
        1 => Just(0u32),
        1 => Just(u32::MAX),
    ];
    prop::collection::vec(width, 0..24)
}

#[test]
fn fit_is_typed() {
    // Every input returns a fit with a finite e_fit or a typed one-line error; the valid inputs
    // must be a real share of the cases, so the fit itself is exercised, not only the checks.
    let fitted = AtomicUsize::new(0);
    let n = cases(128);
    let options = (
        prop_oneof![8 => Just(8u32), 1 => Just(0u32), 1 => Just(2_147_483_648u32), 2 => 1u32..64],
        prop_oneof![8 => Just(1.05), 1 => Just(1.0), 1 => Just(f64::NAN), 2 => 1.01f64..3.0],
        prop_oneof![8 => Just(4.0), 1 => Just(f64::INFINITY), 1 => Just(1e6), 2 => 3.0f64..8.0],
    );
    TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(n)
    })
    .run(&(fit_widths(), options), |(widths, (q, wm_min, wm_max))| {
        let opts = FitOptions { q, wm_min, wm_max };
        match fit_quantized_linear(&widths, opts) {
            Ok(fit) => {
                prop_assert!(fit.e_fit.is_finite() && fit.e_fit >= 0.0, "{fit:?}");
                prop_assert_eq!(fit.params.d as usize, widths.len());
                prop_assert!(fit.params.wa.is_finite() && fit.params.wm > 1.0);
                fitted.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => prop_assert!(!e.to_string().contains('\n')),
        }
        Ok(())
    })
    .unwrap();
    let fitted = fitted.into_inner();
    // About 40 % of the cases reach the fit.
    assert!(
        fitted >= n as usize * 3 / 16,
        "only {fitted} of {n} cases reached the fit"
    );
}

#[test]
fn the_reported_fit_overflows_are_typed_errors() {
    // `regnet fit --widths 4294967295,8` and `--q 2147483648 --widths 1,2` used to overflow u32.
    let e = fit_quantized_linear(&[u32::MAX, 8], FitOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot fit widths: width of block 0 is 4294967295, above the supported maximum of 16777216"
    );
    let opts = FitOptions {
        q: 2_147_483_648,
        ..FitOptions::default()
    };
    let e = fit_quantized_linear(&[1, 2], opts).unwrap_err();
    assert_eq!(
        e,
        QuantizedError::InvalidFitOption {
            field: "q",
            value: 2_147_483_648.0,
            expected: "1 <= q <= 16777216"
        }
    );
    let e = fit_quantized_linear(&[8; MAX_FIT_BLOCKS + 1], FitOptions::default()).unwrap_err();
    assert!(matches!(e, QuantizedError::AboveLimit { max: 256, .. }));
}
