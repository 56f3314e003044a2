//! Property tests: invariants that must hold for any population.

use proptest::prelude::*;
use regnet_stats::{
    BootstrapOptions, Edf, NormalizedEdfOptions, StatsError, bootstrap_best, fit_line, fit_plane,
    ks_2samp, normalized_weights,
};

fn errors(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    // Errors rounded to 0.1 so that ties are common.
    prop::collection::vec((0u32..1000).prop_map(|v| f64::from(v) / 10.0), 1..max_len)
}

/// Finite values over many scales, with repeats (constant columns) and exact multiples (collinear ones).
fn regressor() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1e3f64..1e3),
        (0u32..4).prop_map(f64::from),
        (-300i32..300, 1.0f64..10.0).prop_map(|(e, m)| m * 10f64.powi(e)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn fits_are_finite_or_typed_errors(rows in prop::collection::vec((regressor(), regressor(), regressor()), 0..12), k in -3.0f64..3.0) {
        let x1: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let x2: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let x1_times_k: Vec<f64> = x1.iter().map(|v| v * k).collect();
        for x in [&x1, &x2] {
            match fit_line(x, &y) {
                Ok(f) => {
                    prop_assert!(f.slope.is_finite() && f.intercept.is_finite());
                    for v in [f.r, f.r2].into_iter().flatten() {
                        prop_assert!(v.is_finite() && v.abs() <= 1.0);
                    }
                }
                Err(e) => prop_assert!(matches!(
                    e,
                    StatsError::TooFewPoints { .. } | StatsError::ConstantInput { .. } | StatsError::NonFinite { .. }
                ), "{e}"),
            }
        }
        for x2 in [&x2, &x1_times_k] {
            match fit_plane(&x1, x2, &y) {
                Ok(f) => {
                    prop_assert!(f.coef.iter().all(|c| c.is_finite()) && f.intercept.is_finite());
                    prop_assert!(f.r2.is_none_or(|r2| r2.is_finite() && r2 <= 1.0 + 1e-12));
                }
                Err(e) => prop_assert!(matches!(
                    e,
                    StatsError::TooFewPoints { .. }
                        | StatsError::ConstantInput { .. }
                        | StatsError::Collinear { .. }
                        | StatsError::NonFinite { .. }
                ), "{e}"),
            }
        }
    }

    #[test]
    fn edf_is_monotone_in_unit_interval(e in errors(200), mut points in prop::collection::vec(-5.0f64..105.0, 1..50)) {
        let edf = Edf::new(&e).unwrap();
        points.sort_by(f64::total_cmp);
        let values = edf.eval_many(&points);
        for w in values.windows(2) {
            prop_assert!(w[0] <= w[1]);
        }
        for v in &values {
            prop_assert!((0.0..=1.0).contains(v));
        }
        prop_assert_eq!(edf.eval(edf.min()), 0.0);
        prop_assert_eq!(edf.eval(edf.max() + 1e-9), 1.0);
        let steps = edf.steps();
        prop_assert_eq!(steps.last().unwrap().fraction, 1.0);
        for s in &steps {
            // Just right of a step the EDF equals the step's fraction.
            prop_assert_eq!(edf.eval(s.value.next_up()), s.fraction);
        }
    }

    #[test]
    fn normalized_weights_sum_to_one_and_balance_bins(
        c in prop::collection::vec(0.0f64..1.0, 20..300),
        k in 1usize..8,
    ) {
        let options = NormalizedEdfOptions { bins: k, range: None };
        match normalized_weights(&c, &options) {
            Ok(w) => {
                let total: f64 = w.weights.iter().sum();
                prop_assert!((total - 1.0).abs() < 1e-12, "sum {}", total);
                prop_assert_eq!(w.excluded, 0);
                prop_assert_eq!(w.bin_counts.iter().sum::<usize>(), c.len());
                // Each bin carries 1/k of the mass.
                let (lo, hi) = w.range;
                for j in 0..k {
                    let mass: f64 = c.iter().zip(&w.weights)
                        .filter(|(ci, _)| regnet_stats::complexity_bin(**ci, lo, hi, k) == Some(j))
                        .map(|(_, wi)| wi)
                        .sum();
                    prop_assert!((mass - 1.0 / k as f64).abs() < 1e-12);
                }
                let e: Vec<f64> = (0..c.len()).map(|i| i as f64).collect();
                let edf = Edf::weighted(&e, &w.weights).unwrap();
                prop_assert!((edf.eval(f64::INFINITY) - 1.0).abs() < 1e-12);
            }
            Err(StatsError::EmptyBin { bin, bins, .. }) => {
                prop_assert_eq!(bins, k);
                prop_assert!(bin < k);
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn bootstrap_best_lies_within_the_sample(
        pairs in prop::collection::vec((-50.0f64..50.0, 0u32..100), 1..120),
        seed in any::<u64>(),
    ) {
        let x: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let e: Vec<f64> = pairs.iter().map(|p| f64::from(p.1)).collect();
        let options = BootstrapOptions { resamples: 200, seed, ..BootstrapOptions::default() };
        let r = bootstrap_best(&x, &e, &options).unwrap();
        let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(lo <= r.low && r.low <= r.best && r.best <= r.high && r.high <= hi, "{:?} not in [{}, {}]", r, lo, hi);
        // Same seed, same answer.
        prop_assert_eq!(r, bootstrap_best(&x, &e, &options).unwrap());
    }

    #[test]
    fn ks_is_symmetric_and_bounded(a in errors(60), b in errors(60)) {
        let ab = ks_2samp(&a, &b).unwrap();
        let ba = ks_2samp(&b, &a).unwrap();
        prop_assert_eq!(ab.statistic, ba.statistic);
        prop_assert!((0.0..=1.0).contains(&ab.statistic));
        if a.len() + b.len() > 2 {
            prop_assert!((0.0..=1.0).contains(&ab.p_value));
            prop_assert_eq!(ab.p_value, ba.p_value);
        }
        // D is attained as |F_a − F_b| at some observed value (right-continuous EDFs).
        let (ea, eb) = (Edf::new(&a).unwrap(), Edf::new(&b).unwrap());
        let gap = a.iter().chain(&b)
            .map(|v| (ea.eval(v.next_up()) - eb.eval(v.next_up())).abs())
            .fold(0.0, f64::max);
        prop_assert!((gap - ab.statistic).abs() < 1e-12);
    }
}
