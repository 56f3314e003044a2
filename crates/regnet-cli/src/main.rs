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
mod compare;
mod complexity;
mod error;
mod fit;
mod launch;
mod model;
mod sample;
mod scale;
mod signal;
mod spaces;
mod status;
mod sweep;
mod train;
mod zoo;

pub use error::{CliError, check_flag_range};

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
    /// Zoo models side by side: flops, params, acts, resolution, measured inference and training
    /// images/s (RegNetY vs EfficientNet, the paper's Table 4).
    Compare(compare::Args),
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
    /// Submit a sweep to SLURM as a job array of shards (sbatch script written into the sweep dir).
    Launch(launch::Args),
    /// Per shard of a sweep: models finished, in flight and missing, and the SLURM task states.
    Status(status::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
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
        Command::Compare(a) => compare::run(a),
        Command::Scale(a) => scale::run(a),
        Command::Sample(a) => sample::run(a),
        Command::Fit(a) => fit::run(a),
        Command::Spaces(a) => spaces::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Collect(a) => collect::run(a),
        Command::Train(a) => train::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Launch(a) => launch::run(a),
        Command::Status(a) => status::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ CliError::Stopped { .. }) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code())
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

/// Help and version go to stdout as clap prints them; a usage error becomes one line on stderr (the
/// message up to clap's first blank line, joined), exit status 2.
fn clap_exit(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        one_line_usage_error(&e.to_string())
    );
    ExitCode::from(2)
}

/// clap's error text up to its first blank line, on one line: `error: invalid value 'x' for
/// '--n <N>': invalid digit found in string`, or `error: the following required arguments were not
/// provided: --space <SPACE>`. clap echoes values as given, so control characters (`\u{1b}`, `\n`
/// inside a value) are escaped.
fn one_line_usage_error(text: &str) -> String {
    let joined: Vec<&str> = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    if joined.is_empty() {
        return "error: invalid arguments (see --help)".into();
    }
    joined
        .join(" ")
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_fold_to_one_line() {
        let e = Cli::try_parse_from(["regnet", "sample"]).unwrap_err();
        assert_eq!(
            one_line_usage_error(&e.to_string()),
            "error: the following required arguments were not provided: --space <SPACE>"
        );
        let e = Cli::try_parse_from(["regnet", "zoo", "--resolution", "x"]).unwrap_err();
        assert_eq!(
            one_line_usage_error(&e.to_string()),
            "error: invalid value 'x' for '--resolution <RESOLUTION>': invalid digit found in string"
        );
    }
}
