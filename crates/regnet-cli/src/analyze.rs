//! `regnet analyze`: EDFs, bootstrap ranges, KS comparisons, plots and report of sweep results.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_stats::{
    AnalyzeOptions, BootstrapOptions, Complexity, RuntimeSummary, StatsError, analyze,
    format_p_value,
};

use crate::CliError;

/// Arguments of `regnet analyze`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Results files (JSONL), one population each, named by their `space` field or file stem.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output folder for the SVG plots, report.html and summary.json.
    #[arg(long)]
    out: PathBuf,
    /// Parameters to bootstrap and plot, comma separated (e.g. d,w4,g,b); default: those all records have.
    #[arg(long, value_delimiter = ',')]
    params: Option<Vec<String>>,
    /// Name of the error field.
    #[arg(long, default_value = "error")]
    metric: String,
    /// Bootstrap resamples (paper 10^4; pycls 2500).
    #[arg(long, default_value_t = 10_000)]
    resamples: usize,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Fail on the first malformed line instead of reporting it.
    #[arg(long)]
    strict: bool,
    /// Data set the models were trained on, for the report's header (results files do not record it).
    #[arg(long)]
    dataset: Option<String>,
    /// Input resolution in pixels, for the report's header.
    #[arg(long)]
    resolution: Option<u32>,
    /// Fit the training time per image (mean over epochs of 1 / images_per_sec) against flops, params and
    /// acts, and against flops and acts jointly; adds "runtime" to summary.json and a Runtime section to
    /// the report.
    #[arg(long)]
    runtime: bool,
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let mut opts = AnalyzeOptions::new(a.inputs, &a.out);
    opts.params = a.params;
    opts.metric = a.metric;
    opts.strict = a.strict;
    opts.dataset = a.dataset;
    opts.resolution = a.resolution;
    opts.runtime = a.runtime;
    opts.bootstrap = BootstrapOptions {
        resamples: a.resamples,
        seed: a.seed,
        ..BootstrapOptions::default()
    };
    let summary = analyze(&opts).map_err(|e| match e {
        StatsError::InvalidOption {
            option: "resamples",
            ..
        } => CliError::Flag {
            flag: "resamples",
            message: e.to_string(),
        },
        other => other.into(),
    })?;
    println!(
        "{:<24} {:>5} {:>9} {:>9}",
        "space", "n", "min err", "mean err"
    );
    for s in &summary.spaces {
        println!(
            "{:<24} {:>5} {:>9.2} {:>9.2}",
            s.name, s.n, s.min_error, s.mean_error
        );
        for (p, r) in &s.bootstrap {
            println!(
                "    {p:<10} best {:>10.3}  95% range [{:.3}, {:.3}]",
                r.best, r.low, r.high
            );
        }
        if !s.non_finite_lines.is_empty() {
            println!("    non-finite error on lines {:?}", s.non_finite_lines);
        }
        for m in &s.malformed_lines {
            println!("    {m}");
        }
    }
    let m = summary.ks.len();
    for k in &summary.ks {
        let p = format_p_value(k.p_value.unwrap_or(f64::NAN));
        let holm = format_p_value(k.p_holm.unwrap_or(f64::NAN));
        println!(
            "KS {} vs {}: D = {:.3}, p = {p} ({:?}), Holm-adjusted over {m} = {holm}{}",
            k.a,
            k.b,
            k.statistic,
            k.method,
            if k.significant { " *" } else { "" }
        );
    }
    if let Some(rt) = &summary.runtime {
        println!("{}", runtime_line(rt));
    }
    println!(
        "wrote {} (report.html, summary.json, plots)",
        a.out.display()
    );
    Ok(())
}

/// `runtime (n = 60, 1 skipped): r(t, flops) = 0.786, r(t, acts) = 0.997`, with `undefined` for a fit
/// without r.
fn runtime_line(rt: &RuntimeSummary) -> String {
    let r = |on| {
        rt.line(on)
            .and_then(|l| l.r)
            .map_or_else(|| "undefined".to_string(), |r| format!("{r:.3}"))
    };
    format!(
        "runtime (n = {}, {} skipped): r(t, flops) = {}, r(t, acts) = {}",
        rt.n,
        rt.skipped,
        r(Complexity::Flops),
        r(Complexity::Acts)
    )
}
