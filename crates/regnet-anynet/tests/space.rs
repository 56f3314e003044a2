//! Design spaces and samplers: determinism, constraints, ordering rules, sizes (Table 1),
//! infeasible windows, distributions.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use regnet_anynet::space::{
    AnyNetSpace, CompatRule, Constraints, DesignSpace, Dist, Draw, OrderRule, ParamRange,
    RegNetSpace, SPACE_NAMES, SampleError, Sampler, Window, count_complexity, multichoose,
};
use regnet_anynet::zoo;

fn space(name: &str) -> DesignSpace {
    DesignSpace::by_name(name).unwrap()
}

fn paper_sampler(name: &str, seed: u64) -> Sampler {
    Sampler::new(space(name), Constraints::paper_regime(), seed)
}

/// Golden samples: the first three accepted AnyNetX_A models for seed 0 in 360–400 MF at 224.
#[test]
fn golden_anynetx_a_seed0() {
    let out = paper_sampler("anynetx-a", 0).sample(3).unwrap();
    let got: Vec<_> = out
        .records
        .iter()
        .map(|r| match &r.draw {
            Draw::AnyNet(d) => (
                r.index,
                d.d.clone(),
                d.w.clone(),
                d.b.clone(),
                d.g.clone(),
                r.flops,
                r.params,
                r.acts,
            ),
            Draw::RegNet(_) => unreachable!(),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                75,
                vec![1, 2, 1, 7],
                vec![48, 328, 32, 240],
                vec![2, 1, 2, 2],
                vec![1, 2, 4, 32],
                394_953_960,
                1_353_552,
                3_886_504
            ),
            (
                88,
                vec![1, 2, 3, 2],
                vec![448, 48, 160, 192],
                vec![4, 2, 2, 4],
                vec![16, 32, 4, 32],
                397_337_320,
                616_616,
                5_539_176
            ),
            (
                95,
                vec![2, 4, 6, 6],
                vec![264, 176, 32, 32],
                vec![4, 4, 2, 2],
                vec![2, 16, 4, 8],
                393_124_328,
                293_504,
                5_615_224
            ),
        ]
    );
}

/// Golden samples: the first three accepted RegNetX models for seed 0 in 360–400 MF at 224.
#[test]
fn golden_regnetx_seed0() {
    let out = paper_sampler("regnetx", 0).sample(3).unwrap();
    let got: Vec<_> = out
        .records
        .iter()
        .map(|r| match &r.draw {
            Draw::RegNet(p) => (r.index, p.d, p.w0, p.wa, p.wm, p.g, p.b, r.flops),
            Draw::AnyNet(_) => unreachable!(),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1819, 31, 80, 14.1, 1.93, 8, 4, 362_916_712),
            (2742, 46, 16, 8.4, 2.59, 8, 1, 361_726_952),
            (3896, 59, 32, 3.51, 1.81, 8, 1, 389_057_000),
        ]
    );
}

#[test]
fn same_seed_same_samples_for_any_thread_count() {
    for name in ["anynetx-e", "pycls-regnet"] {
        let one = paper_sampler(name, 42).sample(20).unwrap();
        let three = paper_sampler(name, 42).with_threads(3).sample(20).unwrap();
        assert_eq!(one, three, "{name}");
        let other = paper_sampler(name, 43).sample(20).unwrap();
        assert_ne!(one.records, other.records, "{name}");
        // A candidate can be re-derived from (seed, index) alone.
        let r = &one.records[7];
        assert_eq!(
            paper_sampler(name, 42).candidate(r.index).as_ref(),
            Ok(r),
            "{name}"
        );
    }
}

#[test]
fn every_sample_is_inside_its_window_and_rules() {
    let k = Constraints {
        resolution: 224,
        flops: Window::new(360_000_000, 400_000_000),
        params: Window {
            min: None,
            max: Some(6_000_000),
        },
        acts: Window {
            min: Some(3_000_000),
            max: None,
        },
        stages: Window::new(4, 4),
    };
    for name in SPACE_NAMES {
        let out = Sampler::new(space(name), k, 5).sample(25).unwrap();
        assert_eq!(out.records.len(), 25);
        assert_eq!(out.stats.accepted, 25);
        assert!(out.stats.acceptance > 0.0 && out.stats.acceptance <= 1.0);
        for r in &out.records {
            assert_eq!(r.space, name);
            let c = r.spec.complexity(224).unwrap();
            assert_eq!((c.flops, c.params, c.acts), (r.flops, r.params, r.acts));
            assert!(k.flops.contains(r.flops) && k.params.contains(r.params));
            assert!(k.acts.contains(r.acts) && r.spec.stages.len() == 4);
            match (&r.draw, space(name)) {
                (Draw::RegNet(p), DesignSpace::RegNet(s)) => {
                    // The spec is exactly what the RegNet generator builds, with 4 regular stages.
                    assert_eq!(s.params(p).to_spec().unwrap(), r.spec);
                    let g = s.params(p).generate().unwrap();
                    assert!(g.num_stages() == 4 && g.total_stages == 4);
                    assert!((1..=63).contains(&p.d) && p.w0 % 8 == 0 && p.w0 < 256);
                    assert!(p.wa > 0.0 && p.wa < 256.0 && (1.5..=3.0).contains(&p.wm));
                    assert_eq!(r.spec.se_r, s.se_r);
                    if let Some(l) = s.fig12 {
                        assert!(l.holds(&c) && p.b == 1 && p.d <= 40 && p.wm >= 2.0);
                    }
                }
                (Draw::AnyNet(d), DesignSpace::AnyNet(s)) => {
                    for i in 0..4 {
                        assert!((1..=16).contains(&d.d[i]) && d.w[i] % 8 == 0 && d.w[i] <= 1024);
                        assert!([1, 2, 4].contains(&d.b[i]));
                        assert!([1, 2, 4, 8, 16, 32].contains(&d.g[i]));
                        assert_eq!(r.spec.stages[i].d, d.d[i]);
                        assert_eq!(r.spec.stages[i].bot_mul, 1.0 / f64::from(d.b[i]));
                    }
                    if s.shared_b {
                        assert!(d.b.iter().all(|&b| b == d.b[0]));
                    }
                    if s.shared_g {
                        assert!(d.g.iter().all(|&g| g == d.g[0]));
                    }
                }
                _ => panic!("draw kind does not match space {name}"),
            }
        }
    }
}

#[test]
fn ordering_rules_hold_in_d_and_e() {
    for (name, rule) in [
        ("anynetx-d", OrderRule::Reject),
        ("anynetx-e", OrderRule::Reject),
        ("anynetx-d", OrderRule::Sort),
        ("anynetx-e", OrderRule::Sort),
    ] {
        let DesignSpace::AnyNet(mut s) = space(name) else {
            unreachable!()
        };
        s.order = rule;
        let out = Sampler::new(DesignSpace::AnyNet(s.clone()), Constraints::default(), 1)
            .sample(300)
            .unwrap();
        for r in &out.records {
            let Draw::AnyNet(d) = &r.draw else {
                unreachable!()
            };
            assert!(d.w.windows(2).all(|p| p[0] <= p[1]), "{name} {d:?}");
            // The compatibility adjustment (shared b and g) keeps the order.
            let ws = r.spec.widths();
            assert!(ws.windows(2).all(|p| p[0] <= p[1]), "{name} {ws:?}");
            if s.increasing_d {
                assert!(d.d.windows(2).all(|p| p[0] <= p[1]), "{name} {d:?}");
            }
        }
        if rule == OrderRule::Reject {
            assert!(out.stats.order_redraws > 0);
        } else {
            assert_eq!(out.stats.order_redraws, 0);
        }
    }
}

/// Rejection keeps the conditional distribution: for two i.i.d. draws, ties are as likely as each
/// strict order, so sorting (which doubles strict orders) halves the tie rate relative to rejection.
#[test]
fn rejection_and_sorting_differ_as_documented() {
    let tie_rate = |rule| {
        let mut s = AnyNetSpace::anynetx_e();
        s.num_stages = 2;
        s.order = rule;
        let out = Sampler::new(DesignSpace::AnyNet(s), Constraints::default(), 3)
            .sample(4000)
            .unwrap();
        out.records
            .iter()
            .filter(|r| matches!(&r.draw, Draw::AnyNet(d) if d.d[0] == d.d[1]))
            .count() as f64
            / 4000.0
    };
    let (reject, sort) = (tie_rate(OrderRule::Reject), tie_rate(OrderRule::Sort));
    // P(tie) = Σp² ≈ 0.11 for log-uniform d in 1..16: reject gives Σp²/((1+Σp²)/2) ≈ 0.2, sort Σp².
    assert!(reject > 1.5 * sort, "reject {reject} sort {sort}");
}

#[test]
fn sizes_reproduce_table1() {
    // (space, Table 1 value as printed, dims)
    let table1 = [
        ("anynetx-a", 1.8e18, 16),
        ("anynetx-b", 6.8e16, 13),
        ("anynetx-c", 3.2e14, 10),
        ("anynetx-d", 1.3e13, 10),
        ("anynetx-e", 5.5e11, 10),
        ("regnetx", 3.0e8, 6),
    ];
    for (name, printed, dims) in table1 {
        let s = space(name);
        let t = s.table1_size();
        let e = t.log10().floor();
        let mantissa = (t / 10f64.powf(e) * 10.0).round() / 10.0;
        assert_eq!(mantissa * 10f64.powf(e), printed, "{name}: {t:e}");
        assert!((mantissa * 10f64.powf(e) / printed - 1.0).abs() < 1e-12);
        assert_eq!(s.dims(), dims, "{name}");
    }
    // Exactly by formula.
    let (d, w, b, g) = (16u128, 128u128, 3u128, 6u128);
    assert_eq!(space("anynetx-a").size(), (d * w * b * g).pow(4));
    assert_eq!(space("anynetx-b").size(), (d * w * g).pow(4) * b);
    assert_eq!(space("anynetx-c").size(), (d * w).pow(4) * b * g);
    assert_eq!(
        space("anynetx-a").size() as f64,
        space("anynetx-a").table1_size()
    );
    assert_eq!(
        space("anynetx-c").size() as f64,
        space("anynetx-c").table1_size()
    );
    // Ordered lists count non-decreasing sequences C(n + 3, 4), not n^4 / 4!.
    assert_eq!(multichoose(128, 4), 131 * 130 * 129 * 128 / 24);
    assert_eq!(
        space("anynetx-d").size(),
        d.pow(4) * multichoose(128, 4) * b * g
    );
    assert_eq!(
        space("anynetx-e").size(),
        multichoose(16, 4) * multichoose(128, 4) * b * g
    );
    assert_eq!(space("anynetx-d").size(), 13_821_510_942_720);
    assert_eq!(space("anynetx-e").size(), 817_446_539_520);
    assert_eq!(
        space("anynetx-d").table1_size(),
        (d * w).pow(4) as f64 * 18.0 / 24.0
    );
    // RegNetX grid: d 63 · w0 31 · wa 25599 · wm 151 · b 3 · g 6.
    assert_eq!(space("regnetx").size(), 63 * 31 * 25599 * 151 * 3 * 6);
    assert_eq!(space("regnetx").table1_size(), 64f64.powi(4) * 18.0);
}

#[test]
fn infeasible_window_errors_out_with_typed_errors() {
    let k = Constraints {
        flops: Window::new(1_000_000, 2_000_000),
        ..Constraints::default()
    };
    let err = Sampler::new(space("anynetx-a"), k, 0)
        .sample(10)
        .unwrap_err();
    assert!(
        matches!(
            err,
            SampleError::Infeasible {
                what: "flops",
                bound: 10_840_016,
                ..
            }
        ),
        "{err}"
    );
    // A window that is not provably empty but never met: the cap ends it with a typed error.
    let k = Constraints {
        flops: Window::new(400_000_000, 400_000_000),
        ..Constraints::default()
    };
    let err = Sampler::new(space("regnetx"), k, 0)
        .with_max_tries(20_000)
        .sample(5)
        .unwrap_err();
    match &err {
        SampleError::TooFewAccepted {
            tries,
            accepted,
            requested,
            acceptance,
            ..
        } => {
            // None accepted in the first tenth of max_tries: given up there.
            assert_eq!((*tries, *accepted, *requested), (2_000, 0, 5));
            assert_eq!(*acceptance, 0.0);
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("2000 tries"), "{err}");
    // The same with 4 threads: where it gives up does not depend on the thread count.
    let err4 = Sampler::new(space("regnetx"), k, 0)
        .with_max_tries(20_000)
        .with_threads(4)
        .sample(5)
        .unwrap_err();
    assert_eq!(err4.to_string(), err.to_string());
    // Bad windows and names are typed errors too.
    let bad = Constraints {
        params: Window::new(5, 4),
        ..Constraints::default()
    };
    assert!(matches!(
        Sampler::new(space("regnety"), bad, 0).sample(1),
        Err(SampleError::InvalidConstraint { .. })
    ));
    assert!(matches!(
        DesignSpace::by_name("anynetx-z"),
        Err(SampleError::UnknownSpace { .. })
    ));
}

#[test]
fn compatibility_rule_adjust_vs_reject() {
    // Adjust (default, Appendix D): every candidate is buildable; the drawn w stays in the record.
    let out = Sampler::new(space("anynetx-a"), Constraints::default(), 9)
        .sample(2000)
        .unwrap();
    assert_eq!(out.stats.rejected.compat, 0);
    let mut adjusted = 0;
    for r in &out.records {
        let Draw::AnyNet(d) = &r.draw else {
            unreachable!()
        };
        r.spec.validate().unwrap();
        for (i, st) in r.spec.stages.iter().enumerate() {
            let w_b = (d.w[i] / d.b[i]).max(1);
            // g > w/b → g = w/b; else w/b rounded to a multiple of g.
            assert_eq!(st.g, d.g[i].min(w_b));
            assert_eq!((st.w / d.b[i]) % st.g, 0);
            adjusted += usize::from(st.w != d.w[i]);
        }
    }
    assert!(adjusted > 0);
    // Reject: the spec keeps the drawn values; unbuildable candidates are counted.
    let DesignSpace::AnyNet(mut s) = space("anynetx-a") else {
        unreachable!()
    };
    s.compat = CompatRule::Reject;
    let out = Sampler::new(DesignSpace::AnyNet(s), Constraints::default(), 9)
        .sample(500)
        .unwrap();
    assert!(out.stats.rejected.compat > 0);
    for r in &out.records {
        let Draw::AnyNet(d) = &r.draw else {
            unreachable!()
        };
        assert_eq!(r.spec.widths(), d.w);
        assert_eq!(r.spec.stages.iter().map(|s| s.g).collect::<Vec<_>>(), d.g);
    }
}

/// Kolmogorov–Smirnov statistic sup |F_n − F| of draws `xs` from a discrete distribution with the given
/// support: both CDFs are step functions jumping only at support points, so the sup is attained there.
fn ks(xs: &mut [f64], support: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    assert!(
        xs.iter().all(|x| support.contains(x)),
        "draw off the support"
    );
    support
        .iter()
        .map(|&v| {
            let emp = xs.partition_point(|&x| x <= v) as f64 / n;
            (emp - cdf(v)).abs()
        })
        .fold(0.0, f64::max)
}

#[test]
fn marginals_follow_the_intended_log_uniform_cdf() {
    let n = 20_000;
    // 1.63 / sqrt(n) is the 1% critical value of the continuous KS distribution (conservative here).
    let crit = 1.63 / (n as f64).sqrt();
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    for r in [
        ParamRange::new(1.0, 16.0, 1.0, Dist::LogUniform),
        ParamRange::new(8.0, 1024.0, 8.0, Dist::LogUniform),
        ParamRange::new(0.01, 255.99, 0.01, Dist::LogUniform),
        ParamRange::new(1.5, 3.0, 0.01, Dist::LogUniform),
        ParamRange::new(8.0, 256.0, 0.1, Dist::LogUniform),
        ParamRange::new(1.0, 32.0, 1.0, Dist::Power2),
        ParamRange::new(12.0, 28.0, 1.0, Dist::Uniform),
        ParamRange::new(8.0, 128.0, 8.0, Dist::Power2OrLogUniform),
    ] {
        let mut xs: Vec<f64> = (0..n).map(|_| r.sample(&mut rng)).collect();
        let support = r.values();
        let d = ks(&mut xs, &support, |v| r.cdf(v));
        assert!(d < crit, "{r:?}: KS {d} >= {crit}");
        // And the intended CDF is not trivially matched: a uniform CDF is rejected for log-uniform.
        if r.dist == Dist::LogUniform && r.high / r.low > 10.0 {
            let u = ks(&mut xs, &support, |v| {
                ((v - r.low + r.q) / (r.high - r.low + r.q)).clamp(0.0, 1.0)
            });
            assert!(u > 10.0 * crit, "{r:?}: uniform KS {u}");
        }
    }
    // The sampler's own per-stage draws (AnyNetX_A, no window): stage-1 widths.
    let out = Sampler::new(space("anynetx-a"), Constraints::default(), 11)
        .sample(5000)
        .unwrap();
    let mut w1: Vec<f64> = out
        .records
        .iter()
        .map(|r| match &r.draw {
            Draw::AnyNet(d) => f64::from(d.w[0]),
            Draw::RegNet(_) => unreachable!(),
        })
        .collect();
    let wr = AnyNetSpace::anynetx_a().w;
    assert!(ks(&mut w1, &wr.values(), |v| wr.cdf(v)) < 1.63 / 5000f64.sqrt());
}

#[test]
fn pycls_preset_has_pycls_ranges_and_skips_duplicates() {
    let s = RegNetSpace::pycls_regnet();
    assert_eq!(s.d.values().first(), Some(&12.0));
    assert_eq!(s.d.values().last(), Some(&28.0));
    assert_eq!(s.g.values().first(), Some(&8.0));
    assert_eq!(s.g.values().last(), Some(&128.0));
    assert!(s.unique && s.regular && s.stages == (4, 4));
    let out = Sampler::new(DesignSpace::RegNet(s), Constraints::default(), 0)
        .sample(300)
        .unwrap();
    let mut keys: Vec<String> = out
        .records
        .iter()
        .map(|r| serde_json::to_string(&r.draw).unwrap())
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 300);
    for r in &out.records {
        let Draw::RegNet(p) = &r.draw else {
            unreachable!()
        };
        assert!((12..=28).contains(&p.d) && (8.0..=256.0).contains(&p.wa));
        assert!((2.0..=3.0).contains(&p.wm) && p.g % 8 == 0 && p.b == 1);
        // wa on the 0.1 grid, wm on the 0.001 grid (as the shortest decimals).
        assert!(format!("{}", p.wa).split('.').nth(1).map_or(0, str::len) <= 1);
        assert!(format!("{}", p.wm).split('.').nth(1).map_or(0, str::len) <= 3);
    }
}

#[test]
fn records_serialize_with_spec_key() {
    let out = paper_sampler("regnety", 0).sample(1).unwrap();
    let line = serde_json::to_string(&out.records[0]).unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    for key in [
        "space", "regnet", "spec", "flops", "params", "acts", "seed", "index",
    ] {
        assert!(v.get(key).is_some(), "{key} missing in {line}");
    }
    let spec = regnet_anynet::AnyNetSpec::from_json(&v["spec"].to_string()).unwrap();
    assert_eq!(spec, out.records[0].spec);
    let back: regnet_anynet::SampleRecord = serde_json::from_str(&line).unwrap();
    assert_eq!(back, out.records[0]);
}

#[test]
fn fast_count_equals_the_reference_counter_on_the_zoo() {
    for m in zoo::models() {
        let spec = m.spec().unwrap();
        spec.validate().unwrap();
        for r in [224, 227, 32] {
            assert_eq!(
                count_complexity(&spec, r, r),
                Some(spec.complexity(r).unwrap()),
                "{} at {r}",
                m.name
            );
        }
    }
}

/// Runs `check` on `cases` generated values; returns how many it really checked (`Ok(true)`).
fn run_counted<S: Strategy>(
    cases: u32,
    strategy: S,
    check: impl Fn(S::Value) -> Result<bool, TestCaseError>,
) -> usize {
    let ran = std::sync::atomic::AtomicUsize::new(0);
    proptest::test_runner::TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    })
    .run(&strategy, |v| {
        if check(v)? {
            ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    })
    .unwrap();
    ran.into_inner()
}

/// Any candidate of any space: accepted ones validate, count exactly, respect the space's rules.
#[test]
fn candidates_are_valid_and_counted_exactly() {
    let strategy = (any::<u64>(), 0u64..1_000_000, 0usize..9);
    let ran = run_counted(256, strategy, |(seed, t, which)| {
        let name = SPACE_NAMES[which];
        let s = Sampler::new(space(name), Constraints::default(), seed);
        let Ok(r) = s.candidate(t) else {
            return Ok(false);
        };
        r.spec.validate().unwrap();
        let c = r.spec.complexity(224).unwrap();
        prop_assert_eq!((c.flops, c.params, c.acts), (r.flops, r.params, r.acts));
        if let Draw::AnyNet(d) = &r.draw
            && name >= "anynetx-d"
        {
            prop_assert!(d.w.windows(2).all(|p| p[0] <= p[1]));
        }
        prop_assert_eq!(s.candidate(t).ok(), Some(r));
        Ok(true)
    });
    // About 60 % of candidates pass the stage rule under the default constraints.
    assert!(ran >= 96, "only {ran} of 256 candidates were accepted");
}

/// The fast counter equals the reference at any resolution.
#[test]
fn fast_count_matches() {
    let strategy = (any::<u64>(), 0u64..1000, 1u32..600);
    let ran = run_counted(256, strategy, |(seed, t, res)| {
        let s = Sampler::new(space("anynetx-a"), Constraints::default(), seed);
        let Ok(r) = s.candidate(t) else {
            return Ok(false);
        };
        prop_assert_eq!(
            count_complexity(&r.spec, res, res),
            Some(r.spec.complexity(res).unwrap())
        );
        Ok(true)
    });
    // AnyNetX_A has no stage rule: every candidate is accepted under the default constraints.
    assert_eq!(ran, 256, "only {ran} of 256 candidates were accepted");
}

#[test]
fn huge_sample_counts_do_not_reserve_memory() {
    // `regnet sample --n 18446744073709551615` used to panic with "capacity overflow" (and 1e12 to
    // abort) because the sampler reserved room for n records before drawing.
    for n in [usize::MAX, 1_000_000_000_000] {
        let err = Sampler::new(space("regnetx"), Constraints::default(), 0)
            .with_max_tries(300)
            .sample(n)
            .unwrap_err();
        match err {
            SampleError::TooFewAccepted {
                tries, requested, ..
            } => assert_eq!((tries, requested), (300, n as u64)),
            other => panic!("{other}"),
        }
    }
}

#[test]
fn spaces_beyond_the_spec_limits_are_rejected() {
    let DesignSpace::RegNet(mut r) = space("regnetx") else {
        panic!("regnetx is a RegNet space");
    };
    r.d = ParamRange::new(12.0, 1e12, 1.0, Dist::Uniform);
    let err = DesignSpace::RegNet(r).validate().unwrap_err();
    assert!(
        matches!(err, SampleError::InvalidRange { param: "d", .. }),
        "{err}"
    );
    let DesignSpace::AnyNet(mut a) = space("anynetx-a") else {
        panic!("anynetx-a is an AnyNet space");
    };
    a.d = ParamRange::new(1.0, 2000.0, 1.0, Dist::Uniform);
    let err = DesignSpace::AnyNet(a.clone()).validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid design space: num_stages x d.high = 8000 blocks exceeds MAX_BLOCKS = 4096"
    );
    a.d = ParamRange::new(1.0, 1e300, 1.0, Dist::Uniform);
    let err = DesignSpace::AnyNet(a).validate().unwrap_err();
    assert!(
        matches!(err, SampleError::InvalidRange { param: "d", .. }),
        "{err}"
    );
}
