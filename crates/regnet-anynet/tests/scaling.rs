//! Model scaling against pycls's own scaler (`pycls/models/scaler.py`), run by
//! `tests/fixtures/gen_scaling.py` on pycls's zoo configs: scaled depths, widths, bottleneck
//! multipliers, group widths, resolution and the flops/params/acts at the scaled resolution.

use regnet_anynet::{
    AnyNetSpec, DEFAULT_RESOLUTION, ScaleError, ScalingStrategy, parse_pycls_config, scale_model,
    zoo,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Factors {
    d: f64,
    w: f64,
    g: f64,
    r: f64,
}

#[derive(Deserialize)]
struct Case {
    model: String,
    strategy: String,
    factor: f64,
    factors: Factors,
    depths: Vec<u32>,
    widths: Vec<u32>,
    bot_muls: Vec<f64>,
    group_widths: Vec<u32>,
    resolution: u32,
    flops: u64,
    params: u64,
    acts: u64,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-14 * a.abs().max(b.abs())
}

#[test]
fn scaling_matches_pycls_scaler_exactly() {
    let fixture: Fixture =
        serde_json::from_str(include_str!("fixtures/scaling.json")).expect("fixture parses");
    assert_eq!(fixture.cases.len(), 9 * 14 * 6);
    for c in &fixture.cases {
        let label = format!("{} {} x{}", c.model, c.strategy, c.factor);
        let spec = zoo::model(&c.model).expect(&label);
        let strategy: ScalingStrategy = c.strategy.parse().expect(&label);
        let scaled = scale_model(&spec, DEFAULT_RESOLUTION, &strategy, c.factor).expect(&label);
        let f = scaled.factors;
        assert!(
            close(f.d, c.factors.d),
            "{label}: d {} vs {}",
            f.d,
            c.factors.d
        );
        assert!(
            close(f.w, c.factors.w),
            "{label}: w {} vs {}",
            f.w,
            c.factors.w
        );
        assert!(
            close(f.g, c.factors.g),
            "{label}: g {} vs {}",
            f.g,
            c.factors.g
        );
        assert!(
            close(f.r, c.factors.r),
            "{label}: r {} vs {}",
            f.r,
            c.factors.r
        );
        let s = &scaled.spec;
        assert_eq!(s.depths(), c.depths, "{label}: depths");
        assert_eq!(s.widths(), c.widths, "{label}: widths");
        let bot_muls: Vec<f64> = s.stages.iter().map(|st| st.bot_mul).collect();
        assert_eq!(bot_muls, c.bot_muls, "{label}: bot_muls");
        let gs: Vec<u32> = s.stages.iter().map(|st| st.g).collect();
        assert_eq!(gs, c.group_widths, "{label}: group widths");
        assert_eq!(scaled.resolution, c.resolution, "{label}: resolution");
        let cx = s.complexity(scaled.resolution).expect(&label);
        assert_eq!(
            (cx.flops, cx.params, cx.acts),
            (c.flops, c.params, c.acts),
            "{label}: complexity"
        );
        // Only the scaled dimensions change.
        assert_eq!(
            (s.stem_w, s.head_w, s.se_r),
            (spec.stem_w, spec.head_w, spec.se_r)
        );
        // The scaled model written as a pycls config reads back unchanged.
        let yaml = s.to_pycls_yaml(scaled.resolution).expect(&label);
        let back = parse_pycls_config(&yaml).expect(&label);
        assert_eq!(
            (&back.spec, back.im_size),
            (s, scaled.resolution),
            "{label}"
        );
    }
}

#[test]
fn fast_compound_scaling_of_regnety_4gf_by_4() {
    // RegNetY-4.0GF (d = [2, 6, 12, 2], w = [128, 192, 512, 1088], g = 64), d1_w8_g8_r1, s = 4:
    // d = 4^0.1 = 1.1487, w = g = 4^0.4 = 1.7411, r = 4^0.05 = 1.0718.
    // g: round(64 · 1.7411) = 111 → round(111 / 8) · 8 = 112.
    // w: 192 · 1.7411 / 8 = 41.8 → 336 = 3 · 112; 512 · 1.7411 / 8 = 111.4 → 888, made a multiple of
    // 112 by the compatibility adjustment: round(888 / 112) · 112 = 896. Resolution: 224 · 1.0718 / 4
    // = 60.02 → 240.
    let spec = zoo::model("RegNetY-4.0GF").unwrap();
    let scaled = scale_model(&spec, 224, &ScalingStrategy::FAST_COMPOUND, 4.0).unwrap();
    assert_eq!(scaled.resolution, 240);
    assert_eq!(scaled.spec.depths(), vec![2, 7, 14, 2]);
    assert_eq!(scaled.spec.widths(), vec![224, 336, 896, 1904]);
    assert_eq!(
        scaled.spec.stages.iter().map(|s| s.g).collect::<Vec<_>>(),
        vec![112, 112, 112, 112]
    );
    let cx = scaled.spec.complexity(scaled.resolution).unwrap();
    assert_eq!(
        (cx.flops, cx.params, cx.acts),
        (15_608_249_240, 68_144_472, 26_542_408)
    );
    // flops grow about 4x (the roundings move it a little).
    let base = spec.complexity(224).unwrap();
    let ratio = cx.flops as f64 / base.flops as f64;
    assert!((3.5..4.5).contains(&ratio), "{ratio}");
}

#[test]
fn factors_beyond_the_spec_limits_are_errors_not_panics() {
    let spec: AnyNetSpec = zoo::model("RegNetX-200MF").unwrap();
    let d: ScalingStrategy = "d".parse().unwrap();
    let err = scale_model(&spec, 224, &d, 1e12).unwrap_err();
    assert!(
        matches!(
            err,
            ScaleError::AboveLimit {
                stage: 1,
                field: "d",
                ..
            }
        ),
        "{err}"
    );
    let w: ScalingStrategy = "w".parse().unwrap();
    let err = scale_model(&spec, 224, &w, 1e12).unwrap_err();
    assert!(
        matches!(err, ScaleError::AboveLimit { field: "w", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("MAX_CHANNELS"), "{err}");
    let r: ScalingStrategy = "r".parse().unwrap();
    let err = scale_model(&spec, 224, &r, 1e12).unwrap_err();
    assert!(
        matches!(err, ScaleError::ResolutionOutOfRange { .. }),
        "{err}"
    );
    let err = scale_model(&spec, 224, &r, 1e-6).unwrap_err();
    assert!(
        matches!(err, ScaleError::ResolutionOutOfRange { .. }),
        "{err}"
    );
    assert_eq!(
        scale_model(&spec, 0, &r, 2.0).unwrap_err(),
        ScaleError::InvalidResolution { value: 0 }
    );
    assert_eq!(
        scale_model(&spec, 224, &r, f64::NAN)
            .unwrap_err()
            .to_string(),
        "scale factor must be finite and > 0, got NaN"
    );
    // Tiny factors floor at one block and 8 channels per stage.
    let dw: ScalingStrategy = "dw".parse().unwrap();
    let small = scale_model(&spec, 224, &dw, 1e-9).unwrap();
    assert_eq!(small.spec.depths(), vec![1, 1, 1, 1]);
    assert_eq!(small.spec.widths(), vec![8, 8, 8, 8]);
}

#[test]
fn factor_one_leaves_every_zoo_model_unchanged() {
    // Zoo widths are multiples of their group widths, which are 1, 2, 4 or multiples of 8, so pycls's
    // rounding at s = 1 is the identity on them.
    for m in zoo::models() {
        let spec = m.spec().unwrap();
        for strategy in ["d", "w", "g", "r", "dwgr", "d1_w8_g8_r1"] {
            let s: ScalingStrategy = strategy.parse().unwrap();
            let scaled = scale_model(&spec, 224, &s, 1.0).unwrap();
            assert_eq!(scaled.spec, spec, "{} {strategy}", m.name);
            assert_eq!(scaled.resolution, 224);
        }
    }
}
