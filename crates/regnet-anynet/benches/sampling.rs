//! Design-space sampling speed: specs counted per second (exact flops/params/acts) and samples
//! accepted per second in the paper's 360–400 MF window at 224 (single thread).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regnet_anynet::space::{Constraints, DesignSpace, Sampler, count_complexity};

fn specs(name: &str, n: usize) -> Vec<regnet_anynet::AnyNetSpec> {
    let space = DesignSpace::by_name(name).unwrap();
    Sampler::new(space, Constraints::default(), 0)
        .sample(n)
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.spec)
        .collect()
}

fn counting(c: &mut Criterion) {
    let mut g = c.benchmark_group("count");
    for name in ["anynetx-a", "regnetx"] {
        let specs = specs(name, 1000);
        g.throughput(Throughput::Elements(specs.len() as u64));
        g.bench_function(format!("{name}/fast"), |b| {
            b.iter(|| {
                for s in &specs {
                    black_box(count_complexity(black_box(s), 224, 224));
                }
            })
        });
        g.bench_function(format!("{name}/reference"), |b| {
            b.iter(|| {
                for s in &specs {
                    black_box(black_box(s).complexity_unchecked(224, 224).unwrap());
                }
            })
        });
    }
    g.finish();
}

fn sampling(c: &mut Criterion) {
    let mut g = c.benchmark_group("sample_360_400mf");
    g.sample_size(10);
    for name in ["anynetx-a", "anynetx-e", "regnetx", "pycls-regnet"] {
        let n = 100;
        let sampler = Sampler::new(
            DesignSpace::by_name(name).unwrap(),
            Constraints::paper_regime(),
            0,
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(name, |b| b.iter(|| black_box(sampler.sample(n).unwrap())));
    }
    g.finish();
}

criterion_group!(benches, counting, sampling);
criterion_main!(benches);
