//! `regnet`: the command-line front end of regnet-space.
//!
//! Each subcommand lives in its own module with an `Args` struct (clap) and a `run` function.
//! Bad input exits with status 2 and one line on stderr naming the problem; no panic, no backtrace.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analyze;
mod backend;
mod collect;
mod complexity;
mod error;
mod fit;
mod model;
mod sample;
mod scale;
mod spaces;
mod sweep;
mod train;
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
    /// Scale a model's depth, width, group width and resolution (pycls's scaler, Dollár et al. 2021).
    Scale(scale::Args),
    /// Seeded samples of a design space inside flops/params/acts windows (JSON lines).
    Sample(sample::Args),
    /// Quantized linear fit (w0, wa, wm) and e_fit of per-block widths.
    Fit(fit::Args),
    /// The design spaces with their dimensions, exact sizes and ranges.
    Spaces(spaces::Args),
    /// EDFs, bootstrap ranges, KS tests, plots and report.html of sweep results.
    Analyze(analyze::Args),
    /// Merge the shard results of a sweep directory; report missing and duplicate models.
    Collect(collect::Args),
    /// Train one model with the paper's recipe (progress, epochs.jsonl, summary.json, checkpoints).
    Train(train::Args),
    /// Sample a population and train every model (crash-safe, shardable, resumable).
    Sweep(sweep::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print as clap prints them.
        Err(e) if !e.use_stderr() => e.exit(),
        // A usage error is one line too (clap's first line; --help has the rest).
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let line = first.strip_prefix("error: ").unwrap_or(first);
            // clap echoes the value as given: escape control characters (`\u{1b}`, `\n`).
            let line: String = line
                .chars()
                .flat_map(|c| {
                    let escaped: Vec<char> = if c.is_control() {
                        c.escape_default().collect()
                    } else {
                        vec![c]
                    };
                    escaped
                })
                .collect();
            let _ = writeln!(std::io::stderr(), "error: {line} (see --help)");
            return ExitCode::from(2);
        }
    };
    // Long jobs outlive their readers (`regnet sweep … 2>&1 | head`): they keep SIGPIPE ignored and
    // write progress with errors ignored, so a closed stdout or stderr never stops them. The other
    // commands end quietly on a closed pipe, like other command-line tools.
    if !matches!(cli.command, Command::Train(_) | Command::Sweep(_)) {
        restore_sigpipe();
    }
    let result = match cli.command {
        Command::Zoo(a) => zoo::run(a),
        Command::Complexity(a) => complexity::run(a),
        Command::Scale(a) => scale::run(a),
        Command::Sample(a) => sample::run(a),
        Command::Fit(a) => fit::run(a),
        Command::Spaces(a) => spaces::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Collect(a) => collect::run(a),
        Command::Train(a) => train::run(a),
        Command::Sweep(a) => sweep::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, which turns `regnet … | head` into a "failed printing to stdout" panic; restore
/// the default so the process ends quietly like other command-line tools (not for `train`/`sweep`).
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called in main before any thread exists; only resets a signal disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
