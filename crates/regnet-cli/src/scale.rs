//! `regnet scale`: a model scaled in depth, width, group width and resolution as pycls's
//! `scaler.py` does ("Fast and Accurate Model Scaling", Dollár, Singh, Girshick, CVPR 2021).

use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::{
    AnyNetSpec, PartComplexity, ScaleError, ScalingFactors, ScalingStrategy, StageSpec, scale_model,
};
use serde::Serialize;

use crate::CliError;
use crate::model::ModelSource;

/// Arguments of `regnet scale`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    source: ModelSource,
    /// Scaling strategy as in pycls's MODEL.SCALING_TYPE: letters of d, w, g, r ("d", "dw", "dwr") or
    /// weights ("d1_w2", "d1_w8_g8_r1" = fast compound scaling).
    #[arg(long)]
    strategy: String,
    /// Scale factor s: flops grow about s-fold (d · w² · r² = s).
    #[arg(long)]
    factor: f64,
    /// Resolution to scale from (square); default 224 or the config's TRAIN.IM_SIZE.
    #[arg(long)]
    resolution: Option<u32>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Also write the scaled model as a pycls AnyNet YAML config.
    #[arg(long)]
    out_config: Option<PathBuf>,
}

#[derive(Serialize)]
struct Base {
    resolution: u32,
    flops: u64,
    params: u64,
    acts: u64,
    stages: Vec<StageSpec>,
}

#[derive(Serialize)]
struct Output<'a> {
    model: &'a str,
    strategy: String,
    factor: f64,
    factors: ScalingFactors,
    resolution: u32,
    flops: u64,
    params: u64,
    acts: u64,
    stages: &'a [StageSpec],
    breakdown: &'a [PartComplexity],
    spec: &'a AnyNetSpec,
    base: Base,
}

/// The flag a scaling error is about.
fn flag_error(e: ScaleError) -> CliError {
    let flag = match &e {
        ScaleError::NoDimension { .. }
        | ScaleError::UnknownDimension { .. }
        | ScaleError::BadWeight { .. }
        | ScaleError::RepeatedDimension { .. } => "strategy",
        ScaleError::InvalidResolution { .. } => "resolution",
        ScaleError::Spec(s) => return CliError::Spec(s.clone()),
        _ => "factor",
    };
    CliError::Flag {
        flag,
        message: e.to_string(),
    }
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let strategy: ScalingStrategy = a.strategy.parse().map_err(flag_error)?;
    let m = a.source.resolve()?;
    // 224 (pycls's TRAIN.IM_SIZE default) or the config's TRAIN.IM_SIZE.
    let resolution = a.resolution.unwrap_or(m.resolution);
    let scaled = scale_model(&m.spec, resolution, &strategy, a.factor).map_err(flag_error)?;
    let base_cx = m.spec.complexity(resolution)?;
    let spec = &scaled.spec;
    let total = spec.complexity(scaled.resolution)?;
    let breakdown = spec.complexity_breakdown(scaled.resolution)?;
    if let Some(path) = &a.out_config {
        let yaml = spec.to_pycls_yaml(scaled.resolution)?;
        std::fs::write(path, yaml).map_err(|source| CliError::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    if a.json {
        let out = Output {
            model: &m.name,
            strategy: strategy.to_string(),
            factor: a.factor,
            factors: scaled.factors,
            resolution: scaled.resolution,
            flops: total.flops,
            params: total.params,
            acts: total.acts,
            stages: &spec.stages,
            breakdown: &breakdown,
            spec,
            base: Base {
                resolution,
                flops: base_cx.flops,
                params: base_cx.params,
                acts: base_cx.acts,
                stages: m.spec.stages.clone(),
            },
        };
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    let f = scaled.factors;
    println!(
        "{} scaled {}x along {strategy}: d x{:.4}, w x{:.4}, g x{:.4}, r x{:.4}",
        m.name, a.factor, f.d, f.w, f.g, f.r
    );
    let line = |label: &str, r: u32, c: &regnet_anynet::Complexity| {
        println!(
            "{label:<7} {r}x{r}: {} flops ({:.3} GF), {} params ({:.2} M), {} acts ({:.2} M)",
            c.flops,
            c.flops as f64 / 1e9,
            c.params,
            c.params as f64 / 1e6,
            c.acts,
            c.acts as f64 / 1e6,
        );
    };
    line("before", resolution, &base_cx);
    line("after", scaled.resolution, &total);
    println!(
        "{:<6} {:>11} {:>13} {:>7} {:>11} {:>6}",
        "stage", "d", "w", "bot_mul", "g", "stride"
    );
    for (i, (b, s)) in m.spec.stages.iter().zip(&spec.stages).enumerate() {
        println!(
            "{:<6} {:>11} {:>13} {:>7} {:>11} {:>6}",
            format!("s{}", i + 1),
            format!("{} -> {}", b.d, s.d),
            format!("{} -> {}", b.w, s.w),
            s.bot_mul,
            format!("{} -> {}", b.g, s.g),
            s.stride
        );
    }
    if let Some(path) = &a.out_config {
        println!("wrote {}", path.display());
    }
    Ok(())
}
