//! Bootstrap of the best models over 500 models (the paper's population size), B = 10^4 (paper) and
//! B = 2500 (pycls); plus the KS test on two such populations. Compare with `bench/bootstrap_numpy.py`.
//!
//! ```text
//! cargo bench -p regnet-stats --bench bootstrap
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use regnet_stats::{BootstrapOptions, bootstrap_best, ks_2samp};

/// 500 (depth, error) pairs: depth uniform in 1..=29, error rounded to 0.1 (ties, as in real sweeps).
fn population(seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x: Vec<f64> = (0..500)
        .map(|_| f64::from(rng.random_range(1u32..30)))
        .collect();
    let e = x
        .iter()
        .map(|d| {
            let noise: f64 = rng.random_range(-1.5..1.5);
            (10.0 * (40.0 + 0.05 * (d - 16.0).powi(2) + noise)).round() / 10.0
        })
        .collect();
    (x, e)
}

/// CPU time of the calling thread (Linux `/proc/thread-self/schedstat`, nanoseconds on CPU), so that a
/// shared, busy machine inflates the number less than wall time does.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Runs `f` `iters` times and returns the thread CPU time spent (wall time where it is not available).
fn cpu_timed<T>(iters: u64, mut f: impl FnMut() -> T) -> Duration {
    let (cpu0, wall0) = (thread_cpu_time(), Instant::now());
    for _ in 0..iters {
        black_box(f());
    }
    match (cpu0, thread_cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => wall0.elapsed(),
    }
}

fn bench(c: &mut Criterion) {
    let (x, e) = population(1);
    let paper = BootstrapOptions::default();
    c.bench_function("bootstrap_best n=500 B=10000", |b| {
        b.iter(|| bootstrap_best(black_box(&x), black_box(&e), &paper).unwrap())
    });
    let pycls = BootstrapOptions::pycls();
    c.bench_function("bootstrap_best n=500 B=2500", |b| {
        b.iter(|| bootstrap_best(black_box(&x), black_box(&e), &pycls).unwrap())
    });
    c.bench_function("bootstrap_best n=500 B=10000 (thread CPU time)", |b| {
        b.iter_custom(|iters| {
            cpu_timed(iters, || {
                bootstrap_best(black_box(&x), black_box(&e), &paper).unwrap()
            })
        })
    });
    let (_, e2) = population(2);
    c.bench_function("ks_2samp 500 vs 500", |b| {
        b.iter(|| ks_2samp(black_box(&e), black_box(&e2)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
