//! `regnet train`: one model, the paper's recipe, on real data (crate regnet-train).

use std::io::Write;
use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::{Activation, AnyNetSpec};
use regnet_burn::TrainBackend;
use regnet_train::{
    DataOptions, DatasetKind, Preset, TrainConfig, TrainData, TrainOptions, load_data, train,
};

use crate::CliError;
use crate::backend::{WithBackend, with_backend};
use crate::model::ModelSource;

/// Data and recipe flags shared by `train` and `sweep`.
#[derive(Debug, Clone, ClapArgs)]
pub struct RecipeArgs {
    /// Data set: fashion-mnist (embedded subset unless --data-dir), cifar10, imagefolder.
    #[arg(long, default_value = "fashion-mnist")]
    pub dataset: String,
    /// Data directory.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Input resolution (default: the data set's native size; 224 for image folders).
    #[arg(long)]
    pub resolution: Option<u32>,
    /// Recipe preset: paper-low-epoch (lr 0.05, 10 epochs), paper-25ep (lr 0.1, 25), zoo-100ep.
    #[arg(long, default_value = "paper-low-epoch")]
    pub preset: String,
    /// Epochs (overrides the preset).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Batch size; the preset's lr scales linearly with it (0.1 per 128 images).
    #[arg(long)]
    pub batch: Option<usize>,
    /// Base learning rate (overrides the preset and the scaling).
    #[arg(long)]
    pub lr: Option<f64>,
    /// Warm-up epochs: lr rises linearly from 0.1·lr over them (pycls `OPTIM.WARMUP_EPOCHS`;
    /// overrides the preset: 0 for the paper presets, 5 for zoo-100ep).
    #[arg(long)]
    pub warmup_epochs: Option<usize>,
    /// Zero-initialise the γ of each block's last BN (pycls `BN.ZERO_INIT_FINAL_GAMMA`): true or
    /// false (overrides the preset: off for the paper presets, on for zoo-100ep).
    #[arg(long, action = clap::ArgAction::Set)]
    pub zero_init_final_gamma: Option<bool>,
    /// Training batches per epoch (short runs); default: the whole training set.
    #[arg(long)]
    pub max_train_batches: Option<usize>,
    /// Test batches to evaluate on; default: the whole test set.
    #[arg(long)]
    pub max_test_batches: Option<usize>,
    /// Seed of initialisation, data order and augmentation.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Data loader worker threads.
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Backend: flex (CPU), ndarray, cuda, wgpu (the GPU ones need their cargo feature).
    #[arg(long, default_value = "flex")]
    pub backend: String,
    /// GPU index for cuda/wgpu.
    #[arg(long, default_value_t = 0)]
    pub device: usize,
}

impl RecipeArgs {
    /// The training recipe.
    pub fn config(&self) -> Result<TrainConfig, CliError> {
        let preset = Preset::from_name(&self.preset).map_err(flag("preset"))?;
        let mut cfg = TrainConfig::preset(preset);
        if let Some(b) = self.batch {
            cfg = cfg.with_batch_scaled(b);
        }
        if let Some(e) = self.epochs {
            cfg.epochs = e;
        }
        if let Some(lr) = self.lr {
            cfg.base_lr = lr;
        }
        if let Some(w) = self.warmup_epochs {
            cfg.warmup_epochs = w;
        }
        if let Some(z) = self.zero_init_final_gamma {
            cfg.zero_init_final_gamma = z;
        }
        cfg.seed = self.seed;
        cfg.max_train_batches = self.max_train_batches;
        cfg.max_test_batches = self.max_test_batches;
        cfg.validate().map_err(recipe_error)?;
        Ok(cfg)
    }

    /// The data.
    pub fn data(&self, cfg: &TrainConfig) -> Result<TrainData, CliError> {
        let kind = DatasetKind::from_name(&self.dataset).map_err(flag("dataset"))?;
        load_data(&DataOptions {
            kind,
            dir: self.data_dir.clone(),
            resolution: self.resolution.map(|r| r as usize),
            batch_size: cfg.batch_size,
            test_batch_size: cfg.test_batch_size,
            seed: cfg.seed,
            workers: self.workers,
            ..DataOptions::default()
        })
        .map_err(recipe_error)
    }
}

impl From<regnet_train::TrainError> for CliError {
    /// See [`recipe_error`].
    fn from(e: regnet_train::TrainError) -> Self {
        recipe_error(e)
    }
}

/// Maps a training error to a CLI error: a recipe or data value to the flag that set it, anything
/// else (files, checkpoints, specs) as it is, since its message names the file or field.
pub fn recipe_error(e: regnet_train::TrainError) -> CliError {
    use regnet_train::TrainError;
    match e {
        TrainError::Config { field, message } => CliError::Flag {
            flag: match field {
                "epochs" => "epochs",
                "batch_size" => "batch",
                "base_lr" => "lr",
                "dataset" => "dataset",
                "data_dir" => "data-dir",
                "space" => "space",
                "warmup_epochs" => "warmup-epochs",
                "flops" => "flops",
                "params" => "params",
                "acts" => "acts",
                // No model in the windows after --max-tries: the windows are too narrow.
                "windows" => "flops",
                // momentum, weight decay, log period: set by the preset.
                _ => "preset",
            },
            message: message
                .strip_prefix(&format!("--{field} "))
                .unwrap_or(&message)
                .to_string(),
        },
        other => CliError::Train(other),
    }
}

/// Maps a training error to a one-line CLI error naming `flag`.
pub fn flag(flag: &'static str) -> impl Fn(regnet_train::TrainError) -> CliError {
    move |e| CliError::Flag {
        flag,
        message: e.to_string(),
    }
}

/// Arguments of `regnet train`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(flatten)]
    source: ModelSource,
    #[command(flatten)]
    recipe: RecipeArgs,
    /// Output directory (epochs.jsonl, summary.json, checkpoints).
    #[arg(long, default_value = "runs/train")]
    out: PathBuf,
    /// Continue from the last finished epoch in --out.
    #[arg(long)]
    resume: bool,
    /// Activation after each BatchNorm and in SE (relu, silu/swish, gelu); default: the model's
    /// (pycls MODEL.ACTIVATION_FUN, or relu).
    #[arg(long)]
    activation: Option<String>,
}

struct Job {
    spec: AnyNetSpec,
    data: TrainData,
    cfg: TrainConfig,
    out: PathBuf,
    resume: bool,
}

impl WithBackend for Job {
    type Out = Result<regnet_train::TrainSummary, CliError>;
    fn run<B: TrainBackend>(self, device: B::Device, name: &str) -> Self::Out {
        let opts = TrainOptions {
            out_dir: Some(self.out),
            resume: self.resume,
            backend: name.to_string(),
            ..TrainOptions::default()
        };
        train::<B>(&self.spec, &self.data, &self.cfg, &opts, &device).map_err(recipe_error)
    }
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let mut m = a.source.resolve()?;
    if let Some(name) = &a.activation {
        m.spec.activation = Activation::from_name(name).ok_or_else(|| CliError::Flag {
            flag: "activation",
            message: format!("unknown activation {name:?}: relu, silu (swish) or gelu"),
        })?;
    }
    let cfg = a.recipe.config()?;
    let data = a.recipe.data(&cfg)?;
    let job = Job {
        spec: m.spec,
        data,
        cfg,
        out: a.out.clone(),
        resume: a.resume,
    };
    let s = with_backend(&a.recipe.backend, a.recipe.device, job)?;
    let _ = writeln!(
        std::io::stdout(),
        "{}: min test top-1 error {}, {} epochs{}, {:.0} img/s, {:.1} s; {} flops at {}px; wrote {}",
        m.name,
        s.min_top1_err.map_or("-".into(), |e| format!("{e:.2}%")),
        s.epochs_run,
        if s.diverged { " (diverged)" } else { "" },
        s.images_per_sec,
        s.wall_seconds,
        s.complexity.flops,
        s.resolution,
        a.out.join("summary.json").display()
    );
    Ok(())
}
