//! `regnet sample`: seeded samples of a design space inside complexity windows, one JSON object per line.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::StemType;
use regnet_anynet::space::{
    self as space_parse, Constraints, DesignSpace, NetworkIo, SampleError, Sampler, Window,
};

use crate::CliError;

/// Arguments of `regnet sample`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Design space: anynetx-a … anynetx-e, regnetx, regnetx-constrained, regnety, pycls-regnet
    /// (`regnet spaces` lists them).
    #[arg(long)]
    space: String,
    /// Number of samples to keep.
    #[arg(long, default_value_t = 10)]
    n: usize,
    /// Seed: the same seed gives the same samples on every platform and thread count.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Flops window MIN:MAX (multiply-adds; 400M, 4e8, 0.4G; either side may be empty).
    #[arg(long)]
    flops: Option<String>,
    /// Params window MIN:MAX.
    #[arg(long)]
    params: Option<String>,
    /// Acts window MIN:MAX.
    #[arg(long)]
    acts: Option<String>,
    /// Window on the number of stages MIN:MAX.
    #[arg(long)]
    stages: Option<String>,
    /// Input resolution the complexity is counted at.
    #[arg(long, default_value_t = 224)]
    resolution: u32,
    /// Input channels of the networks (3 for RGB, 1 for grey images).
    #[arg(long, default_value_t = 3)]
    in_channels: u32,
    /// Classes of the networks' head.
    #[arg(long, default_value_t = 1000)]
    num_classes: u32,
    /// Stem: simple_stem_in (imagenet, stride 2), res_stem_cifar (cifar, stride 1), res_stem_in
    /// (resnet). Default: res_stem_cifar at resolutions up to 64, simple_stem_in above (pycls).
    #[arg(long)]
    stem: Option<String>,
    /// Write the JSON lines to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Give up after this many candidates.
    #[arg(long, default_value_t = regnet_anynet::space::DEFAULT_MAX_TRIES)]
    max_tries: u64,
    /// Worker threads (default: all cores); the samples do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

/// The `--stem` value, or pycls's stem for `resolution` when absent ([`NetworkIo::default_stem`]).
pub fn parse_stem(stem: Option<&str>, resolution: u32) -> Result<StemType, CliError> {
    match stem {
        None => Ok(NetworkIo::default_stem(resolution)),
        Some(name) => StemType::from_name(name).ok_or_else(|| CliError::Flag {
            flag: "stem",
            message: format!(
                "unknown stem {name:?}: simple_stem_in (imagenet), res_stem_cifar (cifar) or res_stem_in (resnet)"
            ),
        }),
    }
}

/// Parses a window `MIN:MAX` (see [`regnet_anynet::space::parse_window`]), naming the flag on error.
pub fn parse_window(flag: &'static str, text: &str) -> Result<Window, CliError> {
    space_parse::parse_window(text).map_err(|message| CliError::Flag { flag, message })
}

/// The first window flag that was given, in the order the sampler checks them (flops, params, acts,
/// stages): what "no model accepted" is about.
pub fn first_window_flag(windows: &[(&'static str, &Option<String>)]) -> Option<&'static str> {
    windows.iter().find_map(|(f, v)| v.as_ref().map(|_| *f))
}

/// Maps a sampling error to the flag it is about; `windows` is what "no model accepted" is about:
/// `--max-tries` when it was set, else the first window flag given (flops, params, acts, stages).
fn sample_error(e: SampleError, windows: &'static str) -> CliError {
    let flag = match &e {
        SampleError::UnknownSpace { .. }
        | SampleError::InvalidRange { .. }
        | SampleError::InvalidSpace { .. } => "space",
        SampleError::Infeasible { what, .. } => what,
        SampleError::InvalidConstraint { .. } => "resolution",
        SampleError::TooFewAccepted { .. } => windows,
    };
    CliError::Flag {
        flag,
        message: e.to_string(),
    }
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let io = NetworkIo {
        in_channels: a.in_channels,
        num_classes: a.num_classes,
        stem: parse_stem(a.stem.as_deref(), a.resolution)?,
    };
    io.validate().map_err(|e| CliError::Flag {
        flag: if a.in_channels == 0 || a.in_channels > regnet_anynet::MAX_CHANNELS {
            "in-channels"
        } else {
            "num-classes"
        },
        message: e.to_string(),
    })?;
    let space = DesignSpace::by_name(&a.space)
        .map_err(|e| sample_error(e, "space"))?
        .with_io(io);
    let window = |flag, v: &Option<String>| {
        v.as_deref()
            .map_or(Ok(Window::ANY), |t| parse_window(flag, t))
    };
    let constraints = Constraints {
        resolution: a.resolution,
        flops: window("flops", &a.flops)?,
        params: window("params", &a.params)?,
        acts: window("acts", &a.acts)?,
        stages: window("stages", &a.stages)?,
    };
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let sampler = Sampler::new(space, constraints, a.seed)
        .with_threads(threads)
        .with_max_tries(a.max_tries);
    let start = std::time::Instant::now();
    let windows = first_window_flag(&[
        ("flops", &a.flops),
        ("params", &a.params),
        ("acts", &a.acts),
        ("stages", &a.stages),
    ])
    .filter(|_| a.max_tries == regnet_anynet::space::DEFAULT_MAX_TRIES)
    .unwrap_or("max-tries");
    let out = sampler.sample(a.n).map_err(|e| sample_error(e, windows))?;
    let elapsed = start.elapsed();
    let mut text = String::new();
    for r in &out.records {
        text.push_str(&serde_json::to_string(r)?);
        text.push('\n');
    }
    match &a.out {
        Some(path) => std::fs::write(path, text).map_err(|source| CliError::Io {
            path: path.display().to_string(),
            source,
        })?,
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|source| CliError::Io {
                path: "<stdout>".into(),
                source,
            })?,
    }
    let s = &out.stats;
    let r = &s.rejected;
    eprintln!(
        "{}: accepted {} of {} candidates (acceptance {:.4}%) in {:.2?}; rejected: flops {}, params {}, acts {}, stages {}, compat {}, fig12 {}, duplicate {}, ordering {}",
        sampler.space.name(),
        s.accepted,
        s.tries,
        100.0 * s.acceptance,
        elapsed,
        r.flops,
        r.params,
        r.acts,
        r.stages,
        r.compat,
        r.fig12,
        r.duplicate,
        r.ordering
    );
    Ok(())
}
