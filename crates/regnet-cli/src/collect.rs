//! `regnet collect`: merge the shard results of a sweep directory and report missing/duplicate models.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use crate::CliError;

/// Arguments of `regnet collect`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The sweep directory (with population.jsonl and results*.jsonl).
    dir: PathBuf,
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let r = regnet_sweep::collect(&a.dir)?;
    println!(
        "{} of {} models finished ({} files); wrote {}",
        r.finished,
        r.finished + r.missing.len(),
        r.files.len(),
        r.output
    );
    if !r.missing.is_empty() {
        println!("missing: {:?}", r.missing);
    }
    if !r.duplicates.is_empty() {
        println!("duplicates (first kept): {:?}", r.duplicates);
    }
    if r.torn_lines > 0 {
        println!("torn last lines ignored: {}", r.torn_lines);
    }
    Ok(())
}
