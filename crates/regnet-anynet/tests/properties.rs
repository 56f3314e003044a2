//! Property tests: generated RegNets are well formed, complexity is monotone in resolution, and no
//! input (however wrong) panics.

use proptest::prelude::*;
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn regnet_widths_are_monotone_and_group_compatible(p in regnet_params()) {
        // Every valid parameter set either builds or fails with a typed error (never a panic).
        if let Ok(spec) = p.to_spec() {
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
        }
    }

    #[test]
    fn complexity_is_monotone_in_resolution(p in regnet_params(), r in 1u32..300) {
        if let Ok(spec) = p.to_spec() {
            let a = spec.complexity(r).unwrap();
            let b = spec.complexity(r + 1).unwrap();
            prop_assert!(a.flops <= b.flops && a.acts <= b.acts);
            prop_assert_eq!(a.params, b.params);
            // The breakdown always adds up to the total.
            let parts = spec.complexity_breakdown(r).unwrap();
            prop_assert_eq!(parts.iter().map(|p| p.flops).sum::<u64>(), a.flops);
            prop_assert_eq!(parts.iter().map(|p| p.params).sum::<u64>(), a.params);
            prop_assert_eq!(parts.iter().map(|p| p.acts).sum::<u64>(), a.acts);
        }
    }

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
        };
        let _ = spec.complexity(r);
        let _ = spec.complexity_breakdown(r);
    }
}
