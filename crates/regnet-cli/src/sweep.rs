//! `regnet sweep`: sample a population once, train every model, append one result per finished model.

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::space::{Constraints, DesignSpace, Window};
use regnet_burn::TrainBackend;
use regnet_sweep::{RunReport, Shard, Sweep};
use regnet_train::{TrainConfig, TrainData, create_sweep, run_sweep};

use crate::CliError;
use crate::backend::{WithBackend, with_backend};
use crate::sample::parse_window;
use crate::train::{RecipeArgs, flag};

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
}

struct Job {
    sweep: Sweep,
    shard: Shard,
    resume: bool,
    jobs: usize,
    data: TrainData,
    cfg: TrainConfig,
}

impl WithBackend for Job {
    type Out = Result<RunReport, CliError>;
    fn run<B: TrainBackend>(self, device: B::Device, name: &str) -> Self::Out {
        run_sweep::<B>(
            &self.sweep,
            self.shard,
            self.resume,
            self.jobs,
            &self.data,
            &self.cfg,
            name,
            &device,
        )
        .map_err(flag("out"))
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
    let cfg = a.recipe.config()?;
    let data = a.recipe.data(&cfg)?;
    let mut space = DesignSpace::by_name(&a.space).map_err(|e| CliError::Flag {
        flag: "space",
        message: e.to_string(),
    })?;
    let classes = data.num_classes() as u32;
    match &mut space {
        DesignSpace::AnyNet(s) => s.num_classes = classes,
        DesignSpace::RegNet(s) => s.num_classes = classes,
    }
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
    let (sweep, stats) =
        create_sweep(&a.out, space, constraints, a.n, a.recipe.seed).map_err(flag("space"))?;
    let _ = writeln!(
        std::io::stderr(),
        "{}: {} models sampled in {} tries (acceptance {:.3}%) → {}",
        a.space,
        stats.accepted,
        stats.tries,
        100.0 * stats.acceptance,
        a.out.join("population.jsonl").display()
    );
    let job = Job {
        sweep,
        shard,
        resume: a.resume,
        jobs: a.jobs,
        data,
        cfg,
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
    Ok(())
}
