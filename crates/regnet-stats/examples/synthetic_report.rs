//! Writes three synthetic populations as JSONL and analyzes them:
//!
//! ```text
//! cargo run -p regnet-stats --example synthetic_report -- /tmp/regnet-report
//! ```
//!
//! The populations imitate AnyNetX_A, AnyNetX_E and RegNetX (errors are made up: lower for the more
//! constrained spaces, best around d = 16 and wm = 2.5); open `/tmp/regnet-report/report.html` to see the
//! figures.

use std::fmt::Write as _;
use std::path::PathBuf;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use regnet_stats::{AnalyzeOptions, analyze};

fn population(name: &str, n: usize, offset: f64, spread: f64, seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = String::new();
    for _ in 0..n {
        let d: u32 = rng.random_range(8..=28);
        let w0 = 8.0 * f64::from(rng.random_range(2u32..=12));
        let wa: f64 = rng.random_range(8.0..48.0);
        let wm: f64 = rng.random_range(1.5..3.0);
        let g = [8, 16, 24, 32][rng.random_range(0..4usize)];
        // Stage depths and widths of a 4-stage network with the given total depth.
        let d1 = 1 + d / 12;
        let d2 = 1 + d / 6;
        let d4 = 1 + d / 7;
        let d3 = d - d1 - d2 - d4;
        let w1 = (w0 + wa).round();
        let ws = [
            w1,
            (w1 * wm).round(),
            (w1 * wm * wm).round(),
            (w1 * wm * wm * wm).round(),
        ];
        let noise: f64 = rng.random_range(-1.0..1.0) + rng.random_range(-1.0..1.0);
        let error = offset
            + 0.08 * (f64::from(d) - 16.0).abs()
            + 1.5 * (wm - 2.5).powi(2)
            + 0.02 * (wa - 30.0).abs()
            + spread * noise;
        writeln!(
            out,
            r#"{{"space":"{name}","error":{error:.3},"flops":0.38,"params":{{"d":{d},"w0":{w0},"wa":{wa:.2},"wm":{wm:.3},"g":{g}}},"ws":{ws:?},"ds":[{d1},{d2},{d3},{d4}]}}"#
        )
        .expect("writing to a String cannot fail");
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "regnet-report".into())
        .into();
    std::fs::create_dir_all(&out)?;
    let mut inputs = Vec::new();
    for (i, (name, offset, spread)) in [
        ("AnyNetX_A", 41.0, 2.5),
        ("AnyNetX_E", 38.5, 1.5),
        ("RegNetX", 37.0, 1.0),
    ]
    .into_iter()
    .enumerate()
    {
        let path = out.join(format!("{name}.jsonl"));
        let mut text = population(name, 300, offset, spread, 100 + i as u64);
        if i == 0 {
            // One diverged run: reported in the summary, not silently dropped.
            text.push_str("{\"space\":\"AnyNetX_A\",\"error\":NaN,\"params\":{\"d\":12}}\n");
        }
        std::fs::write(&path, text)?;
        inputs.push(path);
    }
    let options = AnalyzeOptions {
        params: Some(vec!["d".into(), "wm".into(), "w4".into()]),
        dataset: Some("none: synthetic populations with made-up errors".into()),
        ..AnalyzeOptions::new(inputs, &out)
    };
    let summary = analyze(&options)?;
    for s in &summary.spaces {
        let d = s.bootstrap["d"];
        println!(
            "{:<10} n={} min={:.2} mean={:.2} best d={} [{}, {}]",
            s.name, s.n, s.min_error, s.mean_error, d.best, d.low, d.high
        );
    }
    for k in &summary.ks {
        println!(
            "KS {} vs {}: D={:.3} p={:?}",
            k.a, k.b, k.statistic, k.p_value
        );
    }
    println!("wrote {}", out.join("report.html").display());
    Ok(())
}
