//! Inverse fit speed (paper §3.3, Figs. 8–9): all 24 zoo RegNets, from their generated widths (exact
//! phase) and from their compatibility-adjusted widths (approximate phase, mostly).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regnet_quantized::{
    FitOptions, QuantizedLinear, StageCompat, adjust_block_compatibility, fit_quantized_linear,
};

/// (d, w0, wa, wm, g) of the 24 zoo RegNets (paper Figs. 15–16).
const ZOO: [(u32, u32, f64, f64, u32); 24] = [
    (13, 24, 36.44, 2.49, 8),
    (22, 24, 24.48, 2.54, 16),
    (16, 48, 36.97, 2.24, 24),
    (16, 56, 35.73, 2.28, 16),
    (18, 80, 34.01, 2.25, 24),
    (25, 88, 26.31, 2.25, 48),
    (23, 96, 38.65, 2.43, 40),
    (17, 184, 60.83, 2.07, 56),
    (23, 80, 49.56, 2.88, 120),
    (19, 168, 73.36, 2.37, 112),
    (22, 216, 55.59, 2.1, 128),
    (23, 320, 69.86, 2.0, 168),
    (13, 24, 36.44, 2.49, 8),
    (16, 48, 27.89, 2.09, 8),
    (15, 48, 32.54, 2.32, 16),
    (14, 56, 38.84, 2.4, 16),
    (27, 48, 20.71, 2.65, 24),
    (21, 80, 42.63, 2.66, 24),
    (22, 96, 31.41, 2.24, 64),
    (25, 112, 33.22, 2.27, 72),
    (17, 192, 76.82, 2.19, 56),
    (19, 168, 73.36, 2.37, 112),
    (18, 200, 106.23, 2.48, 112),
    (20, 232, 115.89, 2.53, 232),
];

fn widths() -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let mut generated = Vec::new();
    let mut adjusted = Vec::new();
    for (d, w0, wa, wm, g) in ZOO {
        let gen_ = QuantizedLinear::new(d, w0, wa, wm)
            .unwrap()
            .generate()
            .unwrap();
        let mut adj = Vec::new();
        for (i, st) in gen_.stages.iter().enumerate() {
            let c = adjust_block_compatibility(
                i,
                StageCompat {
                    w: st.w,
                    bot_mul: 1.0,
                    g,
                },
            )
            .unwrap();
            adj.extend(std::iter::repeat_n(c.w, st.d as usize));
        }
        generated.push(gen_.block_widths);
        adjusted.push(adj);
    }
    (generated, adjusted)
}

fn bench(c: &mut Criterion) {
    let (generated, adjusted) = widths();
    let mut g = c.benchmark_group("fit");
    g.throughput(Throughput::Elements(24));
    g.bench_function("zoo24_generated_widths", |b| {
        b.iter(|| {
            for w in &generated {
                black_box(fit_quantized_linear(black_box(w), FitOptions::default()).unwrap());
            }
        })
    });
    g.bench_function("zoo24_adjusted_widths", |b| {
        b.iter(|| {
            for w in &adjusted {
                black_box(fit_quantized_linear(black_box(w), FitOptions::default()).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
