//! `regnet sweep`: sample a population once, train every model, append one result per finished model.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::space::{Constraints, DesignSpace, NetworkIo, Window};
use regnet_sweep::{Shard, SlurmTask, StopFlag};
use regnet_train::{SweepJob, create_sweep};

use crate::CliError;
use crate::backend::with_backend;
use crate::sample::{parse_stem, parse_window};
use crate::train::{RecipeArgs, recipe_error};

/// Arguments of `regnet sweep`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Design space (`regnet spaces` lists them).
    #[arg(long)]
    space: String,
    /// Models in the population.
    #[arg(long)]
    n: usize,
    /// Flops window MIN:MAX at the training resolution (e.g. 360M:400M).
    #[arg(long)]
    flops: Option<String>,
    /// Params window MIN:MAX.
    #[arg(long)]
    params: Option<String>,
    /// Acts window MIN:MAX.
    #[arg(long)]
    acts: Option<String>,
    /// Stem: simple_stem_in (imagenet, stride 2), res_stem_cifar (cifar, stride 1), res_stem_in
    /// (resnet). Default: res_stem_cifar at resolutions up to 64 (Fashion-MNIST, CIFAR-10),
    /// simple_stem_in above (pycls).
    #[arg(long)]
    stem: Option<String>,
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Sweep directory (population.jsonl, results*.jsonl).
    #[arg(long)]
    out: PathBuf,
    /// This worker's part K/N of the population (0-based K, e.g. $SLURM_ARRAY_TASK_ID/N).
    #[arg(long, default_value = "0/1")]
    shard: String,
    /// Skip finished models and restart the one in flight.
    #[arg(long)]
    resume: bool,
    /// Models trained concurrently on the one device (threads). Results do not depend on it; see
    /// docs/sweeps.md for when it pays.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// What SIGTERM (or SIGINT) does: `now` ends the process at once, between two writes (the models
    /// in flight are trained again on --resume); `finish` trains the models in flight to the end and
    /// records them first (a second signal stops at once). Either way the exit status is 75 when
    /// models are left (docs/sweeps.md: requeue).
    #[arg(long, default_value = "now")]
    on_sigterm: String,
}

/// Exit status of a worker that stopped on SIGTERM with models left: EX_TEMPFAIL from sysexits.h,
/// "try again later". A cluster with `RequeueExit=75` in slurm.conf requeues such a task by itself.
pub const EXIT_STOPPED: u8 = 75;

/// How a worker reacts to SIGTERM / SIGINT (`--on-sigterm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSigterm {
    /// Exit at once between two durable writes.
    Now,
    /// Finish and record the models in flight, start no new one; a second signal exits at once.
    Finish,
}

impl OnSigterm {
    fn parse(s: &str) -> Result<Self, CliError> {
        match s {
            "now" => Ok(Self::Now),
            "finish" => Ok(Self::Finish),
            other => Err(CliError::Flag {
                flag: "on-sigterm",
                message: format!("must be now or finish, got {other:?}"),
            }),
        }
    }
}

impl Args {
    /// The sweep directory (`--out`).
    pub fn out(&self) -> &std::path::Path {
        &self.out
    }

    /// The design space name (`--space`).
    pub fn space(&self) -> &str {
        &self.space
    }

    /// Checks every flag that can be checked without the data: the recipe, the space, the windows,
    /// `--jobs` and `--on-sigterm` (what `regnet launch` verifies before it submits).
    pub fn check(&self) -> Result<(), CliError> {
        if self.jobs == 0 {
            return Err(CliError::Flag {
                flag: "jobs",
                message: "must be at least 1, got 0".into(),
            });
        }
        OnSigterm::parse(&self.on_sigterm)?;
        self.recipe.config()?;
        DesignSpace::by_name(&self.space).map_err(|e| CliError::Flag {
            flag: "space",
            message: e.to_string(),
        })?;
        for (f, v) in [
            ("flops", &self.flops),
            ("params", &self.params),
            ("acts", &self.acts),
        ] {
            if let Some(t) = v {
                parse_window(f, t)?;
            }
        }
        Ok(())
    }
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    if a.jobs == 0 {
        return Err(CliError::Flag {
            flag: "jobs",
            message: "must be at least 1, got 0".into(),
        });
    }
    let shard: Shard = a.shard.parse().map_err(|e| CliError::Flag {
        flag: "shard",
        message: format!("{e}"),
    })?;
    let on_sigterm = OnSigterm::parse(&a.on_sigterm)?;
    // Before any thread exists (data loaders, backends): they inherit the blocked signals.
    let stop = StopFlag::new();
    install_stop(on_sigterm, stop.clone(), a.out.clone(), shard)?;
    // A requeued SLURM task runs its script again: it must continue, never refuse its own results.
    let slurm = SlurmTask::from_env();
    let restarted = slurm.as_ref().is_some_and(|t| t.restart_count > 0);
    if let Some(t) = slurm.as_ref().filter(|t| t.restart_count > 0) {
        eprintln!(
            "SLURM job {} restarted {} time(s): resuming shard {}/{}",
            t.job_id, t.restart_count, shard.k, shard.n
        );
    }
    let cfg = a.recipe.config()?;
    let data = a.recipe.data(&cfg)?;
    // The networks' input and output come from the data, so the windows count what is trained.
    let io = NetworkIo {
        in_channels: data.channels() as u32,
        num_classes: data.num_classes() as u32,
        stem: parse_stem(a.stem.as_deref(), data.resolution)?,
    };
    let space = DesignSpace::by_name(&a.space)
        .map_err(|e| CliError::Flag {
            flag: "space",
            message: e.to_string(),
        })?
        .with_io(io);
    let window = |f: &'static str, v: &Option<String>| {
        v.as_deref().map_or(Ok(Window::ANY), |t| parse_window(f, t))
    };
    let constraints = Constraints {
        resolution: data.resolution,
        flops: window("flops", &a.flops)?,
        params: window("params", &a.params)?,
        acts: window("acts", &a.acts)?,
        ..Constraints::default()
    };
    crate::backend::check_backend(&a.recipe.backend)?;
    // No model in the windows: name the window given (flops first, as the error message does).
    let given_window = crate::sample::first_window_flag(&[
        ("flops", &a.flops),
        ("params", &a.params),
        ("acts", &a.acts),
    ])
    .unwrap_or("space");
    let (sweep, stats) =
        create_sweep(&a.out, space, constraints, a.n, a.recipe.seed).map_err(|e| match e {
            regnet_train::TrainError::Config {
                field: "windows",
                message,
            } => CliError::Flag {
                flag: given_window,
                message,
            },
            e => recipe_error(e),
        })?;
    let _ = writeln!(
        std::io::stderr(),
        "{}: {} models sampled in {} tries (acceptance {:.3}%) → {}",
        a.space,
        stats.accepted,
        stats.tries,
        100.0 * stats.acceptance,
        a.out.join("population.jsonl").display()
    );
    let job = SweepJob {
        shard,
        resume: a.resume || restarted,
        jobs: a.jobs,
        stop,
        ..SweepJob::new(&sweep, &data, &cfg)
    };
    let r = with_backend(&a.recipe.backend, a.recipe.device, job)?;
    if let Some(torn) = &r.torn_tail {
        let _ = writeln!(std::io::stderr(), "{torn}");
    }
    let _ = writeln!(
        std::io::stdout(),
        "shard {}/{}: trained {}, skipped {} finished, {} diverged; results in {}",
        shard.k,
        shard.n,
        r.trained,
        r.skipped,
        r.diverged,
        a.out.join(shard.results_file()).display()
    );
    if r.stopped {
        return Err(CliError::Stopped {
            code: EXIT_STOPPED,
            message: format!(
                "shard {}/{} stopped on request with models left; run again with --resume to continue",
                shard.k, shard.n
            ),
        });
    }
    Ok(())
}

/// Installs the SIGTERM / SIGINT reaction of a worker of `shard` writing to `out`.
fn install_stop(
    mode: OnSigterm,
    stop: StopFlag,
    out: PathBuf,
    shard: Shard,
) -> Result<(), CliError> {
    crate::signal::on_stop_signals(move |name, count| {
        if mode == OnSigterm::Finish && count == 1 {
            stop.request();
            eprintln!(
                "{name}: finishing the models in flight, then stopping (a second signal stops at once)"
            );
        } else {
            regnet_sweep::exit_now(&out, shard, i32::from(EXIT_STOPPED), name);
        }
    })
}
