//! `regnet spaces`: the design spaces of the paper (Table 1) with their dimensions, sizes and ranges.

use clap::Args as ClapArgs;
use regnet_anynet::space::{DesignSpace, ParamRange};
use serde::Serialize;

use crate::CliError;

/// Arguments of `regnet spaces`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Print JSON lines (one object per space, with the full space definition) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    dims: usize,
    size: u128,
    table1_size: f64,
    rules: Vec<String>,
    definition: &'a DesignSpace,
}

fn describe(r: &ParamRange) -> String {
    let vals = r.values();
    let fmt = |v: f64| format!("{v}");
    if vals.len() <= 8 {
        format!(
            "{{{}}} {:?}",
            vals.iter().map(|&v| fmt(v)).collect::<Vec<_>>().join(", "),
            r.dist
        )
    } else {
        format!(
            "{}..{} step {} {:?} ({} values)",
            fmt(r.low),
            fmt(r.high),
            r.q,
            r.dist,
            vals.len()
        )
    }
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    for s in DesignSpace::all() {
        if a.json {
            let row = Row {
                name: s.name(),
                dims: s.dims(),
                size: s.size(),
                table1_size: s.table1_size(),
                rules: s.rules(),
                definition: &s,
            };
            println!("{}", serde_json::to_string(&row)?);
            continue;
        }
        println!(
            "{:<20} dims {:>2}  size {:.3e} (exactly {}; Table 1 formula {:.2e})",
            s.name(),
            s.dims(),
            s.size() as f64,
            s.size(),
            s.table1_size()
        );
        for rule in s.rules() {
            println!("    rule  {rule}");
        }
        for (p, r) in s.ranges() {
            println!("    {p:<5} {}", describe(&r));
        }
    }
    Ok(())
}
