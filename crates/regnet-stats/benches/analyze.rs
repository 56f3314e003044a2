//! `analyze()` on two synthetic results files of 50,000 models each (NDS published populations of over
//! 100,000 trained models): reading, EDFs, bootstrap of 8 parameters (B = 10^4), KS, plots and report.
//!
//! ```text
//! cargo bench -p regnet-stats --bench analyze
//! ```
//!
//! Prints the size of the report and of the largest SVG once, so that the numbers in docs/performance.md
//! can be checked.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use regnet_stats::{AnalyzeOptions, analyze};

#[path = "../tests/common/synthetic.rs"]
mod synthetic;

fn bench(c: &mut Criterion) {
    let dir =
        std::env::temp_dir().join(format!("regnet-stats-bench-analyze-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let n = 50_000;
    let inputs = vec![
        synthetic::write_space(&dir, "AnyNetX_E", n, 38.5, 1),
        synthetic::write_space(&dir, "RegNetX", n, 37.0, 2),
    ];
    let out: PathBuf = dir.join("out");
    let options = AnalyzeOptions::new(inputs, &out);
    let summary = analyze(&options).expect("analyze");
    let report = std::fs::metadata(out.join("report.html"))
        .expect("report")
        .len();
    let largest_svg = summary
        .files
        .iter()
        .filter(|f| f.ends_with(".svg"))
        .map(|f| std::fs::metadata(out.join(f)).map_or(0, |m| m.len()))
        .max()
        .unwrap_or(0);
    eprintln!(
        "2 x {n} models, {} params: report.html {report} bytes, largest SVG {largest_svg} bytes",
        summary.params.len()
    );
    let mut group = c.benchmark_group("analyze");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("2 x 50000 models, B = 10^4", |b| {
        b.iter(|| analyze(black_box(&options)).expect("analyze"))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
