//! `regnet sample`: seeded samples of a design space inside complexity windows, one JSON object per line.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::space::{Constraints, DesignSpace, SampleError, Sampler, Window};

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

/// Parses a count such as `400M`, `4e8`, `0.4G`, `360000000`, `2.5k` (suffixes k, M, G, T, any case;
/// a trailing `F` as in `400MF` is allowed). The result must be a non-negative integer.
pub fn parse_count(flag: &'static str, text: &str) -> Result<u64, CliError> {
    let bad = |why: &str| CliError::Flag {
        flag,
        message: format!("{why}: {text:?} (expected a count like 400M, 4e8 or 0.4G)"),
    };
    let t = text.trim();
    let t = t
        .strip_suffix(['F', 'f'])
        .filter(|s| s.ends_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or(t);
    let (num, mul) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
        Some('g' | 'G') => (&t[..t.len() - 1], 1e9),
        Some('t' | 'T') => (&t[..t.len() - 1], 1e12),
        _ => (t, 1.0),
    };
    if let Ok(v) = num.parse::<u64>()
        && mul == 1.0
    {
        return Ok(v);
    }
    let v: f64 = num.parse().map_err(|_| bad("not a number"))?;
    let v = v * mul;
    if !v.is_finite() || v < 0.0 || v > u64::MAX as f64 {
        return Err(bad("out of range"));
    }
    let r = v.round();
    if (v - r).abs() > 1e-6 * v.max(1.0) {
        return Err(bad("not an integer count"));
    }
    Ok(r as u64)
}

/// Parses a window `MIN:MAX` (either side may be empty for no bound).
pub fn parse_window(flag: &'static str, text: &str) -> Result<Window, CliError> {
    let (a, b) = text.split_once(':').ok_or_else(|| CliError::Flag {
        flag,
        message: format!("expected MIN:MAX (e.g. 360M:400M), got {text:?}"),
    })?;
    let side = |s: &str| {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            parse_count(flag, s).map(Some)
        }
    };
    let w = Window {
        min: side(a)?,
        max: side(b)?,
    };
    if let (Some(a), Some(b)) = (w.min, w.max)
        && a > b
    {
        return Err(CliError::Flag {
            flag,
            message: format!("window {text:?} has MIN > MAX"),
        });
    }
    Ok(w)
}

fn sample_error(e: SampleError) -> CliError {
    let flag = match &e {
        SampleError::UnknownSpace { .. }
        | SampleError::InvalidRange { .. }
        | SampleError::InvalidSpace { .. } => "space",
        SampleError::Infeasible { what, .. } => what,
        SampleError::InvalidConstraint { .. } => "resolution",
        SampleError::TooFewAccepted { .. } => "max-tries",
    };
    CliError::Flag {
        flag,
        message: e.to_string(),
    }
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let space = DesignSpace::by_name(&a.space).map_err(sample_error)?;
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
    let out = sampler.sample(a.n).map_err(sample_error)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_suffixes_and_exponents() {
        for (t, v) in [
            ("400M", 400_000_000),
            ("4e8", 400_000_000),
            ("0.4G", 400_000_000),
            ("400MF", 400_000_000),
            ("360000000", 360_000_000),
            ("2.5k", 2500),
            ("1.2g", 1_200_000_000),
        ] {
            assert_eq!(parse_count("flops", t).unwrap(), v, "{t}");
        }
        for t in ["abc", "-5M", "1.5", "4e8x", "", "M"] {
            let e = parse_count("flops", t).unwrap_err().to_string();
            assert!(e.starts_with("--flops:") && e.contains(t), "{e}");
        }
    }

    #[test]
    fn windows_parse_with_open_sides() {
        assert_eq!(
            parse_window("flops", "360M:400M").unwrap(),
            Window::new(360_000_000, 400_000_000)
        );
        assert_eq!(
            parse_window("params", ":5M").unwrap(),
            Window {
                min: None,
                max: Some(5_000_000)
            }
        );
        assert!(parse_window("acts", "5M").is_err());
        assert!(parse_window("acts", "5M:4M").is_err());
    }
}
