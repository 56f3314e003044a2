//! Times training steps (forward + backward + SGD) of RegNetX-200MF or a ~10 MF AnyNet at 32×32,
//! batch 64, 10 classes, and prints images/s and peak RSS; the burn half of the side-by-side
//! comparison with `bench/torch_step.py` (see docs/performance.md).
//!
//! ```text
//! cargo run --release -p regnet-burn --example train_step -- regnetx_200mf 20 [flex|ndarray]
//! ```

#[path = "../benches/support/step.rs"]
mod step;

use std::time::Instant;

use regnet_burn::backend::BackendKind;
use step::{BATCH, Trainer, anynet_10mf, regnetx_200mf};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn time<B: burn::tensor::backend::AutodiffBackend>(spec: &regnet_anynet::AnyNetSpec, steps: usize) {
    let mut t = Trainer::<B>::new(spec, &Default::default());
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
        (steps * BATCH) as f64 / s,
        s / steps as f64,
        peak_rss_mib().unwrap_or(f64::NAN)
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let model = args.get(1).map_or("regnetx_200mf", String::as_str);
    let steps: usize = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let backend: BackendKind = args.get(3).map_or("flex", String::as_str).parse()?;
    let spec = match model {
        "regnetx_200mf" => regnetx_200mf(),
        "anynet_10mf" => anynet_10mf(),
        other => {
            return Err(format!("unknown model `{other}`: regnetx_200mf or anynet_10mf").into());
        }
    };
    let c = spec.complexity(step::RES as u32)?;
    println!("{model}: {} flops, {} params at 32x32", c.flops, c.params);
    match backend.ensure_compiled()? {
        #[cfg(feature = "flex")]
        BackendKind::Flex => time::<regnet_burn::backend::FlexAutodiff>(&spec, steps),
        #[cfg(feature = "ndarray")]
        BackendKind::NdArray => time::<regnet_burn::backend::NdArrayAutodiff>(&spec, steps),
        other => {
            return Err(
                format!("backend {other} is compiled in but not wired into this example").into(),
            );
        }
    }
    Ok(())
}
