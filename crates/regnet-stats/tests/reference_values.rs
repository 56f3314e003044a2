//! Compares every statistic with numpy / scipy reference values from `fixtures/stats_fixtures.json`
//! (written by `fixtures/make_fixtures.py`; no Python is needed to run these tests).

mod common;

use common::f64s;
use regnet_stats::{
    Edf, KsMethod, NormalizedEdfOptions, StatsError, bootstrap_best_with_indices, holm,
    kolmogorov_cdf, kolmogorov_sf, ks_2samp, ks_2samp_with, normalized_edf, normalized_weights,
    percentile, smirnov_sf,
};
use serde_json::Value;

fn fixtures() -> Value {
    common::fixture("stats_fixtures.json")
}

fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * (1.0 + want.abs())
}

#[test]
fn edf_matches_numpy_strict_fraction() {
    let f = fixtures();
    let cases = f["edf"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let edf = Edf::new(&f64s(&case["errors"])).unwrap();
        assert_eq!(edf.n() as u64, case["n"].as_u64().unwrap(), "{name}");
        assert_eq!(edf.min(), case["min"].as_f64().unwrap(), "{name}");
        assert!(
            close(edf.mean(), case["mean"].as_f64().unwrap(), 1e-13),
            "{name}"
        );
        let points = f64s(&case["points"]);
        let want = f64s(&case["values"]);
        for (p, w) in points.iter().zip(&want) {
            // Both sides are k/n for an integer k: equality is exact.
            assert_eq!(edf.eval(*p), *w, "{name}: F({p})");
        }
    }
}

#[test]
fn normalized_edf_matches_numpy() {
    let f = fixtures();
    let mut checked = 0;
    let mut empty_checked = 0;
    for case in f["normalized"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let errors = f64s(&case["errors"]);
        let complexity = f64s(&case["complexity"]);
        let options = NormalizedEdfOptions {
            bins: case["bins"].as_u64().unwrap() as usize,
            range: case["range"]
                .as_array()
                .map(|r| (r[0].as_f64().unwrap(), r[1].as_f64().unwrap())),
        };
        if let Some(bin) = case.get("empty_bin") {
            match normalized_weights(&complexity, &options) {
                Err(StatsError::EmptyBin { bin: got, bins, .. }) => {
                    assert_eq!(got as u64, bin.as_u64().unwrap(), "{name}");
                    assert_eq!(bins, options.bins);
                }
                other => panic!("{name}: expected an empty bin, got {other:?}"),
            }
            empty_checked += 1;
            continue;
        }
        let (edf, weights) = normalized_edf(&errors, &complexity, &options).unwrap();
        let want_w = f64s(&case["weights"]);
        for (i, (g, w)) in weights.weights.iter().zip(&want_w).enumerate() {
            assert!(close(*g, *w, 1e-15), "{name}: weight {i}: {g} vs {w}");
        }
        let counts: Vec<u64> = case["bin_counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(
            weights
                .bin_counts
                .iter()
                .map(|&c| c as u64)
                .collect::<Vec<_>>(),
            counts,
            "{name}"
        );
        assert_eq!(
            weights.excluded as u64,
            case["excluded"].as_u64().unwrap(),
            "{name}"
        );
        for (p, w) in f64s(&case["points"]).iter().zip(f64s(&case["values"])) {
            assert!(
                (edf.eval(*p) - w).abs() < 1e-12,
                "{name}: F({p}) = {} vs {w}",
                edf.eval(*p)
            );
        }
        checked += 1;
    }
    assert_eq!((checked, empty_checked), (3, 2));
}

#[test]
fn ks_2samp_asymp_matches_scipy_within_1e_6() {
    let f = fixtures();
    let cases = f["ks"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let r = ks_2samp_with(&f64s(&case["a"]), &f64s(&case["b"]), KsMethod::Asymp).unwrap();
        assert_eq!(r.method, KsMethod::Asymp);
        let d = case["statistic"].as_f64().unwrap();
        assert!(
            (r.statistic - d).abs() < 1e-12,
            "{name}: D {} vs {d}",
            r.statistic
        );
        match case["p_value"].as_f64() {
            Some(p) => assert!(
                (r.p_value - p).abs() < 1e-6,
                "{name}: p {} vs {p}",
                r.p_value
            ),
            None => assert!(
                r.p_value.is_nan(),
                "{name}: scipy gives NaN, got {}",
                r.p_value
            ),
        }
    }
}

/// A sample given as a list or as an arithmetic progression `{"start", "step", "n"}` (numpy
/// `np.arange(n) * step + start`).
fn sample(v: &Value) -> Vec<f64> {
    if v.is_array() {
        return f64s(v);
    }
    let (start, step) = (v["start"].as_f64().unwrap(), v["step"].as_f64().unwrap());
    (0..v["n"].as_u64().unwrap())
        .map(|i| i as f64 * step + start)
        .collect()
}

#[test]
fn ks_2samp_matches_scipy_default_auto_method() {
    let f = fixtures();
    let cases = f["ks_auto"].as_array().unwrap();
    assert!(cases.len() >= 15);
    let mut exact = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let r = ks_2samp(&sample(&case["a"]), &sample(&case["b"])).unwrap();
        let want_method = match case["method"].as_str().unwrap() {
            "exact" => KsMethod::Exact,
            _ => KsMethod::Asymp,
        };
        assert_eq!(r.method, want_method, "{name}");
        exact += usize::from(r.method == KsMethod::Exact);
        let d = case["statistic"].as_f64().unwrap();
        assert!(
            (r.statistic - d).abs() < 1e-14,
            "{name}: D {} vs {d}",
            r.statistic
        );
        let p = case["p_value"].as_f64().unwrap();
        // Relative 1e-10 (the exact recursions run the same operations as scipy's) and absolute 1e-12.
        assert!(
            (r.p_value - p).abs() <= 1e-12 + 1e-10 * p,
            "{name}: p {} vs scipy {p}",
            r.p_value
        );
    }
    assert!(exact >= 13, "most cases exercise the exact path");
    // The example, spelled out: the exact p-value is 0.052, not the asymptotic 0.030.
    let ten = &cases[0];
    assert_eq!(ten["name"], "ten_vs_ten_d_0p6");
    assert!((ten["p_value"].as_f64().unwrap() - 0.052_447_552_447_552_44).abs() < 1e-15);
}

#[test]
fn holm_matches_the_definition() {
    let f = fixtures();
    for case in f["holm"].as_array().unwrap() {
        let got = holm(&f64s(&case["p"]));
        let want = f64s(&case["adjusted"]);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-15, "{got:?} vs {want:?}");
        }
    }
}

#[test]
fn kolmogorov_distribution_matches_scipy_kstwo() {
    let f = fixtures();
    let cases = f["kstwo"].as_array().unwrap();
    let mut worst: f64 = 0.0;
    for case in cases {
        let n = case["n"].as_u64().unwrap();
        let d = case["d"].as_f64().unwrap();
        let sf = case["sf"].as_f64().unwrap();
        let cdf = case["cdf"].as_f64().unwrap();
        let (gs, gc) = (kolmogorov_sf(n, d), kolmogorov_cdf(n, d));
        worst = worst.max((gs - sf).abs()).max((gc - cdf).abs());
        assert!(
            (gs - sf).abs() < 1e-9,
            "kstwo.sf({d}, {n}) = {sf}, got {gs}"
        );
        assert!(
            (gc - cdf).abs() < 1e-9,
            "kstwo.cdf({d}, {n}) = {cdf}, got {gc}"
        );
    }
    assert!(cases.len() > 300, "grid covers every branch");
    eprintln!("largest |difference| to scipy.stats.kstwo: {worst:e}");
}

#[test]
fn smirnov_matches_scipy_special() {
    let f = fixtures();
    for case in f["smirnov"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap();
        let d = case["d"].as_f64().unwrap();
        let want = case["sf"].as_f64().unwrap();
        let got = smirnov_sf(n, d);
        assert!(
            (got - want).abs() < 1e-10,
            "smirnov({n}, {d}) = {want}, got {got}"
        );
    }
}

#[test]
fn percentile_matches_numpy_linear() {
    let f = fixtures();
    for case in f["percentile"].as_array().unwrap() {
        let values = f64s(&case["values"]);
        for (q, want) in f64s(&case["q"]).iter().zip(f64s(&case["expected"])) {
            let got = percentile(&values, *q).unwrap();
            assert!(
                close(got, want, 1e-14),
                "n={} q={q}: {got} vs {want}",
                values.len()
            );
        }
    }
}

#[test]
fn bootstrap_on_explicit_indices_matches_numpy() {
    let f = fixtures();
    let cases = f["bootstrap"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let x = f64s(&case["x"]);
        let e = f64s(&case["errors"]);
        let indices: Vec<usize> = case["indices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let sample = case["sample_size"].as_u64().unwrap() as usize;
        assert_eq!(
            sample,
            regnet_stats::BootstrapOptions::default().sample_size(x.len()),
            "{name}"
        );
        let r = bootstrap_best_with_indices(&x, &e, &indices, sample, 5.0).unwrap();
        for (got, key) in [(r.low, "low"), (r.best, "best"), (r.high, "high")] {
            let want = case[key].as_f64().unwrap();
            assert!(close(got, want, 1e-13), "{name}: {key} {got} vs {want}");
        }
    }
}
