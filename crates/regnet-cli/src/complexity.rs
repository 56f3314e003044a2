//! `regnet complexity`: exact flops, params, acts with a per-part breakdown.

use clap::Args as ClapArgs;
use regnet_anynet::{EffNetSpec, PartComplexity, StageSpec};
use serde::Serialize;

use crate::CliError;
use crate::model::{ModelSource, ResolvedEffNet};

/// Arguments of `regnet complexity`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    source: ModelSource,
    /// Input resolution (square); default 224, the config's TRAIN.IM_SIZE, or an EfficientNet's
    /// training resolution (EN-B3: 300).
    #[arg(long)]
    resolution: Option<u32>,
    /// Override the number of classes.
    #[arg(long)]
    num_classes: Option<u32>,
    /// Override the input channels (1 for grayscale).
    #[arg(long)]
    in_channels: Option<u32>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Output<'a> {
    model: &'a str,
    resolution: u32,
    flops: u64,
    params: u64,
    acts: u64,
    stages: &'a [StageSpec],
    breakdown: &'a [PartComplexity],
    spec: &'a regnet_anynet::AnyNetSpec,
    regnet: Option<&'a regnet_anynet::RegNetParams>,
}

#[derive(Serialize)]
struct EffNetOutput<'a> {
    model: &'a str,
    resolution: u32,
    flops: u64,
    params: u64,
    acts: u64,
    breakdown: &'a [PartComplexity],
    effnet: &'a EffNetSpec,
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    if let Some(m) = a.source.resolve_effnet()? {
        return run_effnet(&a, m);
    }
    let m = a.source.resolve()?;
    let mut spec = m.spec;
    if let Some(n) = a.num_classes {
        crate::check_flag_range("num-classes", n, 1, regnet_anynet::MAX_CLASSES)?;
        spec.num_classes = n;
    }
    if let Some(c) = a.in_channels {
        crate::check_flag_range("in-channels", c, 1, regnet_anynet::MAX_CHANNELS)?;
        spec.in_channels = c;
    }
    if let Some(r) = a.resolution {
        crate::check_flag_range("resolution", r, 1, regnet_anynet::MAX_RESOLUTION)?;
    }
    let resolution = a.resolution.unwrap_or(m.resolution);
    let total = spec.complexity(resolution)?;
    let breakdown = spec.complexity_breakdown(resolution)?;
    if a.json {
        let out = Output {
            model: &m.name,
            resolution,
            flops: total.flops,
            params: total.params,
            acts: total.acts,
            stages: &spec.stages,
            breakdown: &breakdown,
            spec: &spec,
            regnet: m.regnet.as_ref(),
        };
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    println!(
        "{} at {r}x{r}: {} flops ({:.3} GF), {} params ({:.2} M), {} acts ({:.2} M)",
        m.name,
        total.flops,
        total.flops as f64 / 1e9,
        total.params,
        total.params as f64 / 1e6,
        total.acts,
        total.acts as f64 / 1e6,
        r = resolution
    );
    println!(
        "stem {} w={} | block {} | se_r {} | head_w {} | classes {} | in_channels {}",
        spec.stem,
        spec.stem_w,
        spec.block,
        spec.se_r.map_or("-".to_string(), |r| r.to_string()),
        spec.head_w,
        spec.num_classes,
        spec.in_channels
    );
    println!(
        "{:<6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>14} {:>12} {:>12} {:>9}",
        "part", "d", "w", "bot_mul", "g", "stride", "flops", "params", "acts", "out"
    );
    for (i, p) in breakdown.iter().enumerate() {
        let st = i.checked_sub(1).and_then(|s| spec.stages.get(s));
        let col = |f: &dyn Fn(&StageSpec) -> String| st.map_or(String::new(), f);
        println!(
            "{:<6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>14} {:>12} {:>12} {:>9}",
            p.part,
            col(&|s| s.d.to_string()),
            col(&|s| s.w.to_string()),
            col(&|s| s.bot_mul.to_string()),
            col(&|s| s.g.to_string()),
            col(&|s| s.stride.to_string()),
            p.flops,
            p.params,
            p.acts,
            format!("{}x{}", p.out_h, p.out_w)
        );
    }
    Ok(())
}

/// `regnet complexity` of an EfficientNet: totals and the per-part breakdown with each stage's
/// depth, width, expansion ratio, kernel and stride.
fn run_effnet(a: &Args, m: ResolvedEffNet) -> Result<(), CliError> {
    let mut spec = m.spec;
    if let Some(n) = a.num_classes {
        spec.num_classes = n;
    }
    if let Some(c) = a.in_channels {
        spec.in_channels = c;
    }
    let resolution = a.resolution.unwrap_or(m.resolution);
    let breakdown = spec.complexity_breakdown(resolution)?;
    let total = spec.complexity(resolution)?;
    if a.json {
        let out = EffNetOutput {
            model: &m.name,
            resolution,
            flops: total.flops,
            params: total.params,
            acts: total.acts,
            breakdown: &breakdown,
            effnet: &spec,
        };
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    println!(
        "{} at {r}x{r}: {} flops ({:.3} GF), {} params ({:.2} M), {} acts ({:.2} M)",
        m.name,
        total.flops,
        total.flops as f64 / 1e9,
        total.params,
        total.params as f64 / 1e6,
        total.acts,
        total.acts as f64 / 1e6,
        r = resolution
    );
    println!(
        "EfficientNet (MBConv) | stem w={} | se_r {} | head_w {} | {} | classes {} | in_channels {}",
        spec.stem_w, spec.se_r, spec.head_w, spec.activation, spec.num_classes, spec.in_channels
    );
    println!(
        "{:<6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>14} {:>12} {:>12} {:>9}",
        "part", "d", "w", "exp_r", "k", "stride", "flops", "params", "acts", "out"
    );
    for (i, p) in breakdown.iter().enumerate() {
        let st = i.checked_sub(1).and_then(|s| spec.stages.get(s));
        let col = |f: &dyn Fn(&regnet_anynet::EffStageSpec) -> String| st.map_or(String::new(), f);
        println!(
            "{:<6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>14} {:>12} {:>12} {:>9}",
            p.part,
            col(&|s| s.d.to_string()),
            col(&|s| s.w.to_string()),
            col(&|s| s.exp_r.to_string()),
            col(&|s| s.k.to_string()),
            col(&|s| s.stride.to_string()),
            p.flops,
            p.params,
            p.acts,
            format!("{}x{}", p.out_h, p.out_w)
        );
    }
    Ok(())
}
