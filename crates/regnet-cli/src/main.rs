//! `regnet`: the command-line front end of regnet-space.
//!
//! Each subcommand lives in its own module with an `Args` struct (clap) and a `run` function.
//! Bad input exits with status 2 and one line on stderr naming the problem; no panic, no backtrace.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod complexity;
mod error;
mod model;
mod zoo;

pub use error::CliError;

/// Design spaces, RegNet generation and exact complexity ("Designing Network Design Spaces").
#[derive(Debug, Parser)]
#[command(name = "regnet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Table of the RegNetX/RegNetY zoo and ResNe(X)t baselines with exact complexity.
    Zoo(zoo::Args),
    /// Exact flops (multiply-adds), params and activations of a model.
    Complexity(complexity::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Zoo(a) => zoo::run(a),
        Command::Complexity(a) => complexity::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
