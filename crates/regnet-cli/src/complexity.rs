//! `regnet complexity`: exact flops, params, acts with a per-part breakdown.

use clap::Args as ClapArgs;
use regnet_anynet::{Complexity, EffNetSpec, PartComplexity, StageSpec};
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

/// Checks the overriding flags against the documented limits (the same for both families).
fn check_overrides(a: &Args) -> Result<(), CliError> {
    if let Some(n) = a.num_classes {
        crate::check_flag_range("num-classes", n, 1, regnet_anynet::MAX_CLASSES)?;
    }
    if let Some(c) = a.in_channels {
        crate::check_flag_range("in-channels", c, 1, regnet_anynet::MAX_CHANNELS)?;
    }
    if let Some(r) = a.resolution {
        crate::check_flag_range("resolution", r, 1, regnet_anynet::MAX_RESOLUTION)?;
    }
    Ok(())
}

/// The human-readable output of either family: totals, a one-line description of the network, and
/// the per-part breakdown with five per-stage columns (d, w, two block-type columns, stride).
struct Table<'a> {
    name: &'a str,
    resolution: u32,
    total: Complexity,
    description: String,
    /// Names of the two block-type columns (`bot_mul`, `g` or `exp_r`, `k`).
    block_columns: [&'a str; 2],
    /// Per stage: d, w, the two block-type values, stride.
    stages: Vec<[String; 5]>,
    breakdown: &'a [PartComplexity],
}

impl Table<'_> {
    fn print(&self) {
        let t = &self.total;
        println!(
            "{} at {r}x{r}: {} flops ({:.3} GF), {} params ({:.2} M), {} acts ({:.2} M)",
            self.name,
            t.flops,
            t.flops as f64 / 1e9,
            t.params,
            t.params as f64 / 1e6,
            t.acts,
            t.acts as f64 / 1e6,
            r = self.resolution
        );
        println!("{}", self.description);
        let [c3, c4] = self.block_columns;
        println!(
            "{:<6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>14} {:>12} {:>12} {:>9}",
            "part", "d", "w", c3, c4, "stride", "flops", "params", "acts", "out"
        );
        let empty = <[String; 5]>::default();
        for (i, p) in self.breakdown.iter().enumerate() {
            // Part 0 is the stem, the head follows the stages: no stage columns.
            let [d, w, a, b, stride] = i
                .checked_sub(1)
                .and_then(|s| self.stages.get(s))
                .unwrap_or(&empty);
            println!(
                "{:<6} {:>5} {:>6} {:>7} {:>6} {:>6} {:>14} {:>12} {:>12} {:>9}",
                p.part,
                d,
                w,
                a,
                b,
                stride,
                p.flops,
                p.params,
                p.acts,
                format!("{}x{}", p.out_h, p.out_w)
            );
        }
    }
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    check_overrides(&a)?;
    if let Some(m) = a.source.resolve_effnet()? {
        return run_effnet(&a, m);
    }
    let m = a.source.resolve()?;
    let mut spec = m.spec;
    spec.num_classes = a.num_classes.unwrap_or(spec.num_classes);
    spec.in_channels = a.in_channels.unwrap_or(spec.in_channels);
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
    Table {
        name: &m.name,
        resolution,
        total,
        description: format!(
            "stem {} w={} | block {} | se_r {} | head_w {} | classes {} | in_channels {}",
            spec.stem,
            spec.stem_w,
            spec.block,
            spec.se_r.map_or("-".to_string(), |r| r.to_string()),
            spec.head_w,
            spec.num_classes,
            spec.in_channels
        ),
        block_columns: ["bot_mul", "g"],
        stages: spec
            .stages
            .iter()
            .map(|s| {
                [
                    s.d.to_string(),
                    s.w.to_string(),
                    s.bot_mul.to_string(),
                    s.g.to_string(),
                    s.stride.to_string(),
                ]
            })
            .collect(),
        breakdown: &breakdown,
    }
    .print();
    Ok(())
}

/// `regnet complexity` of an EfficientNet: totals and the per-part breakdown with each stage's
/// depth, width, expansion ratio, kernel and stride.
fn run_effnet(a: &Args, m: ResolvedEffNet) -> Result<(), CliError> {
    let mut spec = m.spec;
    spec.num_classes = a.num_classes.unwrap_or(spec.num_classes);
    spec.in_channels = a.in_channels.unwrap_or(spec.in_channels);
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
    Table {
        name: &m.name,
        resolution,
        total,
        description: format!(
            "EfficientNet (MBConv) | stem w={} | se_r {} | head_w {} | {} | classes {} | in_channels {}",
            spec.stem_w, spec.se_r, spec.head_w, spec.activation, spec.num_classes, spec.in_channels
        ),
        block_columns: ["exp_r", "k"],
        stages: spec
            .stages
            .iter()
            .map(|s| {
                [
                    s.d.to_string(),
                    s.w.to_string(),
                    s.exp_r.to_string(),
                    s.k.to_string(),
                    s.stride.to_string(),
                ]
            })
            .collect(),
        breakdown: &breakdown,
    }
    .print();
    Ok(())
}
