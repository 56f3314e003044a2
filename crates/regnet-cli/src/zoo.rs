//! `regnet zoo`: the published models with their generator inputs and exact complexity.

use clap::Args as ClapArgs;
use regnet_anynet::zoo;
use serde::Serialize;

use crate::CliError;

/// Arguments of `regnet zoo`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Input resolution for the complexity columns.
    #[arg(long, default_value_t = 224)]
    resolution: u32,
    /// Print JSON lines (one object per model) instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Row {
    name: &'static str,
    d: Option<u32>,
    w0: Option<u32>,
    wa: Option<f64>,
    wm: Option<f64>,
    g: Option<u32>,
    se_r: Option<f64>,
    flops: u64,
    params: u64,
    acts: u64,
    widths: Vec<u32>,
    depths: Vec<u32>,
    group_widths: Vec<u32>,
    paper_top1_err: Option<f64>,
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    crate::check_flag_range("resolution", a.resolution, 1, regnet_anynet::MAX_RESOLUTION)?;
    let mut rows = Vec::new();
    for m in zoo::models() {
        let spec = m.spec()?;
        let c = spec.complexity(a.resolution)?;
        let r = m.regnet();
        rows.push(Row {
            name: m.name,
            d: r.map(|p| p.d),
            w0: r.map(|p| p.w0),
            wa: r.map(|p| p.wa),
            wm: r.map(|p| p.wm),
            g: r.map(|p| p.g),
            se_r: spec.se_r,
            flops: c.flops,
            params: c.params,
            acts: c.acts,
            widths: spec.widths(),
            depths: spec.depths(),
            group_widths: spec.stages.iter().map(|s| s.g).collect(),
            paper_top1_err: m.paper_top1_err,
        });
    }
    if a.json {
        for r in &rows {
            println!("{}", serde_json::to_string(r)?);
        }
        return Ok(());
    }
    let opt = |x: Option<String>| x.unwrap_or_else(|| "-".into());
    println!(
        "{:<14} {:>3} {:>4} {:>7} {:>5} {:>4} {:>8} {:>8} {:>7}  {:<22} depths",
        "model", "d", "w0", "wa", "wm", "g", "GF", "params M", "acts M", "widths"
    );
    for r in &rows {
        let ws: Vec<String> = r.widths.iter().map(u32::to_string).collect();
        let ds: Vec<String> = r.depths.iter().map(u32::to_string).collect();
        println!(
            "{:<14} {:>3} {:>4} {:>7} {:>5} {:>4} {:>8.3} {:>8.2} {:>7.2}  {:<22} {}",
            r.name,
            opt(r.d.map(|x| x.to_string())),
            opt(r.w0.map(|x| x.to_string())),
            opt(r.wa.map(|x| x.to_string())),
            opt(r.wm.map(|x| x.to_string())),
            opt(r.g.map(|x| x.to_string())),
            r.flops as f64 / 1e9,
            r.params as f64 / 1e6,
            r.acts as f64 / 1e6,
            ws.join(","),
            ds.join(",")
        );
    }
    println!(
        "complexity at {0}x{0}; flops are multiply-adds; counts follow pycls exactly",
        a.resolution
    );
    Ok(())
}
