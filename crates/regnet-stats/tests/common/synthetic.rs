//! Synthetic RegNet-like results files for the scale and browser tests and the `analyze` benchmark
//! (`tests/report_scale.rs`, `tests/browser.rs`; `benches/analyze.rs` includes it through `#[path]`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Writes `n` records of a space named `name` to `dir/name.jsonl`: d, w0, wa, wm, g as parameters,
/// flops / params / acts, per-stage `ws` and `ds` arrays, a made-up error (best near d = 16, wm = 2.5)
/// rounded to 0.001 as a training log would give it, and per-epoch errors.
pub fn write_space(dir: &Path, name: &str, n: usize, offset: f64, seed: u64) -> PathBuf {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = String::with_capacity(n * 260);
    for i in 0..n {
        let d: u32 = rng.random_range(8..=28);
        let w0 = 8.0 * f64::from(rng.random_range(2u32..=12));
        let wa: f64 = rng.random_range(8.0..48.0);
        let wm: f64 = rng.random_range(1.5..3.0);
        let g = [8, 16, 24, 32][rng.random_range(0..4usize)];
        let d1 = 1 + d / 12;
        let d2 = 1 + d / 6;
        let d4 = 1 + d / 7;
        let d3 = d - d1 - d2 - d4;
        let w1 = (w0 + wa).round();
        let ws = [
            w1,
            (w1 * wm).round(),
            (w1 * wm * wm).round(),
            (w1 * wm.powi(3)).round(),
        ];
        let flops = 2.0e8 * (f64::from(d) / 16.0) * (w1 / 48.0).powf(1.5) * (wm / 2.0).powi(2);
        let params = flops / 60.0;
        let acts = flops / 200.0;
        let noise: f64 = rng.random_range(-1.0..1.0) + rng.random_range(-1.0..1.0);
        let error = offset
            + 0.08 * (f64::from(d) - 16.0).abs()
            + 1.5 * (wm - 2.5).powi(2)
            + 0.02 * (wa - 30.0).abs()
            + noise;
        let epochs = [error + 6.0, error + 2.5, error];
        writeln!(
            out,
            r#"{{"space":"{name}","id":{i},"error":{error:.3},"flops":{flops:.0},"params":{params:.0},"acts":{acts:.0},"backend":"synthetic","seed":{i},"test_top1_errs":[{:.3},{:.3},{:.3}],"d":{d},"w0":{w0},"wa":{wa:.2},"wm":{wm:.3},"g":{g},"ws":{ws:?},"ds":[{d1},{d2},{d3},{d4}]}}"#,
            epochs[0],
            epochs[1],
            epochs[2]
        )
        .expect("writing to a String cannot fail");
    }
    let path = dir.join(format!("{name}.jsonl"));
    std::fs::write(&path, out).expect("the temporary folder is writable");
    path
}
