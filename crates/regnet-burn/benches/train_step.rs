//! Training-step throughput (forward + backward + SGD) on the default CPU backend (flex):
//! RegNetX-200MF and a ~10 MF AnyNet, 32×32 inputs, 10 classes, batch 64, once with the flex
//! kernels of `regnet_burn::ops` and once with burn's own ops (`with_reference_ops`).
//!
//! `cargo bench -p regnet-burn --bench train_step`; compare with `bench/torch_step.py`
//! (see docs/performance.md).

#[path = "support/step.rs"]
mod step;

use std::time::Duration;

use burn::backend::{Autodiff, Flex};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regnet_burn::ops::with_reference_ops;
use step::{BATCH, Trainer, anynet_10mf, regnetx_200mf};

fn train_step(c: &mut Criterion) {
    regnet_burn::tune_allocator();
    let mut group = c.benchmark_group("train_step_flex_b64_32px");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(BATCH as u64));
    for (name, spec) in [
        ("regnetx_200mf", regnetx_200mf()),
        ("anynet_10mf", anynet_10mf()),
    ] {
        let mut t = Trainer::<Autodiff<Flex>>::new(&spec, &Default::default());
        group.bench_function(format!("{name}/kernels"), |b| b.iter(|| t.step()));
        let mut t = Trainer::<Autodiff<Flex>>::new(&spec, &Default::default());
        group.bench_function(format!("{name}/burn_ops"), |b| {
            b.iter(|| with_reference_ops(|| t.step()))
        });
    }
    group.finish();
}

criterion_group!(benches, train_step);
criterion_main!(benches);
