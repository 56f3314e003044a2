//! Property tests: generated RegNets are well formed, complexity is monotone in resolution, and no
//! input (however wrong) panics.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use regnet_anynet::{AnyNetSpec, BlockType, RegNetParams, StageSpec, StemType};

fn regnet_params() -> impl Strategy<Value = RegNetParams> {
    (
        1u32..64,
        1u32..32,
        0.0f64..256.0,
        1.01f64..4.0,
        1u32..256,
        prop::sample::select(vec![0.25, 0.5, 1.0, 2.0, 4.0]),
        any::<bool>(),
    )
        .prop_map(|(d, w0_8, wa, wm, g, bot_mul, se)| RegNetParams {
            bot_mul,
            se_r: se.then_some(0.25),
            ..RegNetParams::regnetx(d, 8 * w0_8, wa, wm, g)
        })
}

/// Runs `check` on `cases` generated values and returns how many of them it really checked (it
/// returns `Ok(true)` for a checked case, `Ok(false)` for one the precondition filtered out).
fn run_counted<S: Strategy>(
    cases: u32,
    strategy: S,
    check: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) -> usize {
    let ran = AtomicUsize::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    });
    runner
        .run(&strategy, |v| {
            if check(v)? {
                ran.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        })
        .unwrap();
    ran.into_inner()
}

#[test]
fn regnet_widths_are_monotone_and_group_compatible() {
    // Every valid parameter set either builds or fails with a typed error (never a panic); the ones
    // that build are checked, and at least half of the cases must build (about 85 % do).
    let ran = run_counted(512, regnet_params(), |p| {
        let Ok(spec) = p.to_spec() else {
            return Ok(false);
        };
        let ws = spec.widths();
        prop_assert!(ws.windows(2).all(|w| w[0] <= w[1]), "{ws:?}");
        for s in &spec.stages {
            // The bottleneck width is a multiple of the (clamped) group width.
            prop_assert_eq!(s.w_b() % s.g, 0, "{:?}", s);
            if p.bot_mul == 1.0 {
                prop_assert_eq!(s.w % s.g, 0);
            }
        }
        prop_assert_eq!(spec.num_blocks(), p.d);
        Ok(true)
    });
    assert!(ran >= 256, "only {ran} of 512 cases built a spec");
}

#[test]
fn complexity_is_monotone_in_resolution() {
    let ran = run_counted(512, (regnet_params(), 1u32..300), |(p, r)| {
        let Ok(spec) = p.to_spec() else {
            return Ok(false);
        };
        let a = spec.complexity(r).unwrap();
        let b = spec.complexity(r + 1).unwrap();
        prop_assert!(a.flops <= b.flops && a.acts <= b.acts);
        prop_assert_eq!(a.params, b.params);
        // The breakdown always adds up to the total.
        let parts = spec.complexity_breakdown(r).unwrap();
        prop_assert_eq!(parts.iter().map(|p| p.flops).sum::<u64>(), a.flops);
        prop_assert_eq!(parts.iter().map(|p| p.params).sum::<u64>(), a.params);
        prop_assert_eq!(parts.iter().map(|p| p.acts).sum::<u64>(), a.acts);
        Ok(true)
    });
    assert!(ran >= 256, "only {ran} of 512 cases built a spec");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_specs_never_panic(
        stages in prop::collection::vec(
            (0u32..4, 0u32..2000, 0u32..4, prop::num::f64::ANY, 0u32..3000), 0..6),
        stem_w in 0u32..100,
        block in 0usize..4,
        stem in 0usize..3,
        se_r in prop::option::of(prop::num::f64::ANY),
        head_w in 0u32..100,
        num_classes in 0u32..2000,
        in_channels in 0u32..4,
        r in 0u32..100_000,
    ) {
        let spec = AnyNetSpec {
            stem: [StemType::SimpleStemIn, StemType::ResStemCifar, StemType::ResStemIn][stem],
            stem_w,
            block: [BlockType::ResBottleneck, BlockType::ResBasic, BlockType::Vanilla,
                    BlockType::ResBottleneckLinear][block],
            stages: stages.into_iter().map(|(d, w, stride, bot_mul, g)| StageSpec {
                d, w, stride, bot_mul, g }).collect(),
            se_r,
            head_w,
            num_classes,
            in_channels,
            activation: Default::default(),
        };
        let _ = spec.complexity(r);
        let _ = spec.complexity_breakdown(r);
    }
}
