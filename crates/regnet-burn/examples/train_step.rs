//! Times training steps (forward + backward + SGD) of a benchmark model and prints images/s and
//! peak RSS; the burn half of the side-by-side comparison with `bench/torch_step.py` (see
//! docs/performance.md).
//!
//! ```text
//! cargo run --release -p regnet-burn --example train_step -- MODEL STEPS [BACKEND [RES [BATCH]]]
//! cargo run --release -p regnet-burn --example train_step -- regnetx_200mf 20 flex
//! cargo run --release -p regnet-burn --features cuda --example train_step -- regnetx_400mf 20 cuda 224 128
//! ```
//!
//! MODEL is `regnetx_200mf`, `regnetx_400mf` or `anynet_10mf`; BACKEND `flex` (default),
//! `ndarray`, `cuda` or `wgpu` (each needs its cargo feature); RES defaults to 32, BATCH to 64.
//! `REGNET_OPS=reference` runs burn's own ops instead of the flex kernels (for comparison).

#[path = "../benches/support/step.rs"]
mod step;

use std::time::Instant;

use regnet_burn::TrainBackend;
use regnet_burn::backend::BackendKind;
use regnet_burn::ops::with_reference_ops;
use step::{BATCH, RES, Trainer};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn time<B: TrainBackend>(
    spec: &regnet_anynet::AnyNetSpec,
    steps: usize,
    batch: usize,
    res: usize,
    device: &B::Device,
) {
    let mut t = Trainer::<B>::with_size(spec, batch, res, device);
    for _ in 0..2 {
        t.step(); // warm-up
    }
    let start = Instant::now();
    let mut loss = 0.0;
    for _ in 0..steps {
        loss = t.step();
    }
    let s = start.elapsed().as_secs_f64();
    println!(
        "burn images/s {:.1} ({steps} steps, {:.3} s/step, last loss {loss:.3}, peak RSS {:.0} MiB)",
        (steps * batch) as f64 / s,
        s / steps as f64,
        peak_rss_mib().unwrap_or(f64::NAN)
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // What `regnet train` does too; `MALLOC_*` variables in the environment switch it off.
    let tuned = regnet_burn::tune_allocator();
    let args: Vec<String> = std::env::args().collect();
    let model = args.get(1).map_or("regnetx_200mf", String::as_str);
    let steps: usize = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let backend: BackendKind = args.get(3).map_or("flex", String::as_str).parse()?;
    let res: usize = args.get(4).map_or(Ok(RES), |s| s.parse())?;
    let batch: usize = args.get(5).map_or(Ok(BATCH), |s| s.parse())?;
    let spec = step::model(model).ok_or_else(|| {
        format!("unknown model `{model}`: regnetx_200mf, regnetx_400mf or anynet_10mf")
    })?;
    let reference = std::env::var("REGNET_OPS").is_ok_and(|v| v == "reference");
    let c = spec.complexity(res as u32)?;
    println!(
        "{model}: {} flops, {} params at {res}x{res}, batch {batch}, {backend}{}{}",
        c.flops,
        c.params,
        if reference { " (burn's ops)" } else { "" },
        if tuned { "" } else { ", allocator not tuned" }
    );
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        match backend.ensure_compiled()? {
            #[cfg(feature = "flex")]
            BackendKind::Flex => time::<regnet_burn::backend::FlexAutodiff>(
                &spec,
                steps,
                batch,
                res,
                &Default::default(),
            ),
            #[cfg(feature = "ndarray")]
            BackendKind::NdArray => time::<regnet_burn::backend::NdArrayAutodiff>(
                &spec,
                steps,
                batch,
                res,
                &Default::default(),
            ),
            #[cfg(feature = "cuda")]
            BackendKind::Cuda => time::<regnet_burn::backend::CudaAutodiff>(
                &spec,
                steps,
                batch,
                res,
                &Default::default(),
            ),
            #[cfg(feature = "wgpu")]
            BackendKind::Wgpu => time::<regnet_burn::backend::WgpuAutodiff>(
                &spec,
                steps,
                batch,
                res,
                &Default::default(),
            ),
            #[allow(unreachable_patterns)]
            other => {
                return Err(format!("backend {other} is not compiled into this example").into());
            }
        }
        Ok(())
    };
    if reference {
        with_reference_ops(run)
    } else {
        run()
    }
}
