//! Cross-checks against the authors' code: `tests/fixtures/pycls_reference.json` was produced by
//! `tests/fixtures/make_pycls_fixture.py` with pycls 0.1.1 (see tests/fixtures/README.md). Every case's
//! pycls config is parsed by our pycls loader, expanded, and counted; the integers must match exactly.

use regnet_space::anynet::parse_pycls_config;
use regnet_space::quantized::{QuantizedLinear, StageCompat, adjust_block_compatibility};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    regnet_generate: Vec<GenCase>,
    complexity: Vec<CxCase>,
}

#[derive(Deserialize)]
struct GenCase {
    name: String,
    d: u32,
    w0: u32,
    wa: f64,
    wm: f64,
    q: u32,
    block_widths: Vec<u32>,
    stage_widths: Vec<u32>,
    stage_depths: Vec<u32>,
    num_stages: usize,
    total_stages: usize,
    group_w: u32,
    bot_mul: f64,
    adjusted_stage_widths: Vec<u32>,
    adjusted_group_widths: Vec<u32>,
}

#[derive(Deserialize)]
struct Part {
    part: String,
    flops: u64,
    params: u64,
    acts: u64,
}

#[derive(Deserialize)]
struct CxCase {
    name: String,
    cfg: serde_json::Value,
    flops: u64,
    params: u64,
    acts: u64,
    stage_widths: Vec<u32>,
    stage_depths: Vec<u32>,
    stage_group_widths: Vec<u32>,
    stage_strides: Vec<u32>,
    breakdown: Vec<Part>,
}

fn fixture() -> Fixture {
    let text = include_str!("fixtures/pycls_reference.json");
    serde_json::from_str(text).expect("fixture parses")
}

/// pycls 0.1.1 ships the paper-era `adjust_ws_gs_comp`; current pycls (the convention this project
/// follows, docs/conventions.md §A step 6) uses `adjust_block_compatibility` with an lcm for integer
/// bottleneck multipliers, max(1, ·) guards and a divisibility check. They agree whenever bot_mul = 1,
/// and for every fixture case except these two, whose current-pycls values are asserted by hand below.
const ADJUST_DIFFERS: [&str; 2] = ["X-200MF bm_2.0 g_3", "X-400MF bm_0.3 g_8"];

#[test]
fn generator_matches_pycls() {
    let f = fixture();
    assert!(f.regnet_generate.len() >= 40);
    for c in &f.regnet_generate {
        let p = QuantizedLinear::with_q(c.d, c.w0, c.wa, c.wm, c.q).unwrap();
        let g = p.generate().unwrap();
        assert_eq!(g.block_widths, c.block_widths, "{}", c.name);
        assert_eq!(g.stage_widths(), c.stage_widths, "{}", c.name);
        assert_eq!(g.stage_depths(), c.stage_depths, "{}", c.name);
        assert_eq!(g.num_stages(), c.num_stages, "{}", c.name);
        assert_eq!(g.total_stages, c.total_stages, "{}", c.name);
        let adjusted: Vec<_> = g
            .stage_widths()
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                adjust_block_compatibility(
                    i,
                    StageCompat {
                        w,
                        bot_mul: c.bot_mul,
                        g: c.group_w,
                    },
                )
            })
            .collect();
        if ADJUST_DIFFERS.iter().any(|n| c.name.contains(n)) {
            continue;
        }
        let adjusted: Vec<_> = adjusted.into_iter().map(|r| r.unwrap()).collect();
        let ws: Vec<u32> = adjusted.iter().map(|s| s.w).collect();
        let gs: Vec<u32> = adjusted.iter().map(|s| s.g).collect();
        assert_eq!(ws, c.adjusted_stage_widths, "{}", c.name);
        assert_eq!(gs, c.adjusted_group_widths, "{}", c.name);
    }
}

#[test]
fn current_pycls_adjustment_where_pycls_0_1_1_differs() {
    // bot_mul 2, g 3: v = 2w, m = lcm(3, 2) = 6. Stage widths 24, 56, 152, 368 →
    // v = 48 → 48; 112 → round(18.67) = 19 → 114 → 57; 304 → round(50.67) = 51 → 306 → 153;
    // 736 → round(122.67) = 123 → 738 → 369. (pycls 0.1.1 without the lcm: 24, 55, 151, 367.)
    let ws: Vec<u32> = [24, 56, 152, 368]
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            adjust_block_compatibility(
                i,
                StageCompat {
                    w,
                    bot_mul: 2.0,
                    g: 3,
                },
            )
            .unwrap()
            .w
        })
        .collect();
    assert_eq!(ws, vec![24, 57, 153, 369]);
    // bot_mul 0.3, g 8 on RegNetX-400MF's widths: current pycls's divisibility assert fails
    // (24 · 0.3 = 7.2 → v = 7 → g = 7 → w = trunc(7 / 0.3) = 23 → 23 · 0.3 = 6.9, not a multiple of 7).
    assert!(
        adjust_block_compatibility(
            0,
            StageCompat {
                w: 24,
                bot_mul: 0.3,
                g: 8
            }
        )
        .is_err()
    );
}

#[test]
fn complexity_matches_pycls_exactly() {
    let f = fixture();
    assert!(f.complexity.len() >= 50);
    for c in &f.complexity {
        let cfg = parse_pycls_config(&c.cfg.to_string())
            .unwrap_or_else(|e| panic!("{}: config rejected: {e}", c.name));
        let spec = &cfg.spec;
        assert_eq!(spec.widths(), c.stage_widths, "{}", c.name);
        assert_eq!(spec.depths(), c.stage_depths, "{}", c.name);
        let strides: Vec<u32> = spec.stages.iter().map(|s| s.stride).collect();
        assert_eq!(strides, c.stage_strides, "{}", c.name);
        if spec.block.is_bottleneck() {
            let gs: Vec<u32> = spec.stages.iter().map(|s| s.g).collect();
            assert_eq!(gs, c.stage_group_widths, "{}", c.name);
        }
        let cx = spec.complexity(cfg.im_size).unwrap();
        assert_eq!(
            (cx.flops, cx.params, cx.acts),
            (c.flops, c.params, c.acts),
            "{}",
            c.name
        );
        let parts = spec.complexity_breakdown(cfg.im_size).unwrap();
        assert_eq!(parts.len(), c.breakdown.len(), "{}", c.name);
        for (ours, theirs) in parts.iter().zip(&c.breakdown) {
            assert_eq!(ours.part, theirs.part, "{}", c.name);
            assert_eq!(
                (ours.flops, ours.params, ours.acts),
                (theirs.flops, theirs.params, theirs.acts),
                "{} part {}",
                c.name,
                ours.part
            );
        }
    }
}
