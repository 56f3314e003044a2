//! The paper's method end to end: progressive design-space refinement
//! ("Designing Network Design Spaces", Radosavovic et al., CVPR 2020, §3).
//!
//! For each design space AnyNetX_A → B → C → D → E → RegNetX (→ RegNetY with `--regnety`), sample a
//! population inside one flops window, train every model briefly with the same recipe, then compare
//! consecutive spaces by their error EDFs (n | min | mean, KS test), locate good parameter values with the
//! empirical bootstrap, measure how well the best models fit the quantized linear rule (e_fit), and write
//! `report.html`, SVG plots and `summary.json`.
//!
//! Defaults (20 models per space, the paper's stride-2 stem, 50 SGD steps each with a warm-up epoch and
//! zero-initialised final BN γ) take about 6 minutes on 2 cores with the embedded Fashion-MNIST subset
//! and show the paper's ordering (RegNetX's errors below AnyNetX_A's: the cheapest setting of
//! docs/results/budget-study/ that does); flags select
//! the paper's setting (`--dataset imagefolder --data-dir … --resolution 224 --flops 360M:400M --n 500
//! --epochs 10 --backend cuda`). Every finished model is appended to `OUT/<space>/results.jsonl`
//! immediately, so `--resume` after a kill loses at most the model in flight.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use regnet_space::nn::backend::BackendKind;
use regnet_space::quantized::FitOptions;
use regnet_space::spaces::parse_window;
use regnet_space::stats::{AnalyzeOptions, Complexity, StatsError, analyze, format_p_value};
use regnet_space::sweep::Shard;
use regnet_space::train::{
    DataOptions, DatasetKind, SampleResult, SampleSweep, SweepJob, TrainConfig, create_sweep,
    load_data, with_backend,
};
use regnet_space::{Constraints, DesignSpace, NetworkIo, StemType, Window, fit_quantized_linear};

/// Command-line options (defaults: the cheapest setting of the budget study that shows the paper's
/// ordering, docs/results/budget-study/).
#[derive(Debug, Parser)]
#[command(about = "Design-space refinement AnyNetX_A → … → RegNetX, as in the paper, on real data")]
struct Args {
    /// Data set: fashion-mnist (embedded subset unless --data-dir), cifar10, imagefolder.
    #[arg(long, default_value = "fashion-mnist")]
    dataset: String,
    /// Data directory (full Fashion-MNIST IDX files, CIFAR-10 batches, or an ImageNet-style folder).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Input resolution (default: the data set's native size; 224 for image folders).
    #[arg(long)]
    resolution: Option<u32>,
    /// Stem: simple_stem_in (the paper's, stride 2), res_stem_cifar (stride 1), res_stem_in. Default:
    /// simple_stem_in at every resolution. At 28 px it gave the clearest ordering in the budget study
    /// (docs/results/budget-study/: RegNetX −16.3 pp against AnyNetX_A at 50 steps, where the stride-1
    /// res_stem_cifar, pycls's choice for 32 px CIFAR and `regnet sweep`'s default up to 64 px, gave
    /// −2.4 pp).
    #[arg(long)]
    stem: Option<String>,
    /// Flops window MIN:MAX at that resolution (the paper: 360M:400M at 224).
    #[arg(long, default_value = "1M:2M")]
    flops: String,
    /// Models per space (the paper: 500).
    #[arg(long, default_value_t = 20)]
    n: usize,
    /// Epochs per model (the paper: 10; default 5 of 10 batches: 50 SGD steps per model).
    #[arg(long, default_value_t = 5)]
    epochs: usize,
    /// Training batches per epoch (0 = the whole training set, 78 batches of the embedded subset).
    #[arg(long, default_value_t = 10)]
    max_train_batches: usize,
    /// Test batches of 200 images to evaluate on (default 5; 0 = the whole test set).
    #[arg(long, default_value_t = 5)]
    max_test_batches: usize,
    /// Batch size.
    #[arg(long, default_value_t = 128)]
    batch: usize,
    /// Base learning rate at --batch (default 0.1, the paper's §4 value; §3 used 0.05).
    #[arg(long, default_value_t = 0.1)]
    lr: f64,
    /// Warm-up epochs: the learning rate rises linearly from 0.1·lr (pycls's `OPTIM.WARMUP_FACTOR`)
    /// over these first epochs (pycls `OPTIM.WARMUP_EPOCHS`, 5 of 100 in its RegNet configs). Without
    /// it many deep, narrow models start at a loss near 5 at lr 0.1 and stay at chance when a model
    /// gets only 100 steps (docs/results/budget-study/).
    #[arg(long, default_value_t = 1)]
    warmup_epochs: usize,
    /// Zero-initialise the γ of each block's last BatchNorm (pycls `BN.ZERO_INIT_FINAL_GAMMA`, on in
    /// its ResNet/ResNeXt configs, off in its RegNet ones), so every residual block starts as the
    /// identity; `false` to turn it off.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    zero_init_final_gamma: bool,
    /// Backend: flex (CPU), ndarray, cuda, wgpu (build with --features cuda or wgpu).
    #[arg(long, default_value = "flex")]
    backend: String,
    /// Also refine to RegNetY (RegNetX + squeeze-excitation).
    #[arg(long)]
    regnety: bool,
    /// Only these spaces (comma separated), e.g. anynetx-a,regnetx.
    #[arg(long, value_delimiter = ',')]
    spaces: Option<Vec<String>>,
    /// Output directory.
    #[arg(long, default_value = "refinement")]
    out: PathBuf,
    /// This worker's shard K/N of every population (e.g. K = $SLURM_ARRAY_TASK_ID).
    #[arg(long, default_value = "0/1")]
    shard: String,
    /// Continue an interrupted run (skip finished models).
    #[arg(long)]
    resume: bool,
    /// Models trained concurrently on the one device (threads; results do not depend on it;
    /// 2 is 1.55x faster than 1 on a 2-core CPU, docs/sweeps.md).
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Seed of sampling, initialisation, data order and augmentation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Loader worker threads.
    #[arg(long, default_value_t = 1)]
    workers: usize,
}

/// The refinement steps of the paper (§3.2–3.3) with the rule each adds.
const STEPS: [(&str, &str); 7] = [
    ("anynetx-a", "AnyNetX_A: free d_i, w_i, b_i, g_i per stage"),
    ("anynetx-b", "AnyNetX_B: shared bottleneck ratio b_i = b"),
    ("anynetx-c", "AnyNetX_C: shared group width g_i = g"),
    ("anynetx-d", "AnyNetX_D: increasing widths w_{i+1} >= w_i"),
    ("anynetx-e", "AnyNetX_E: increasing depths d_{i+1} >= d_i"),
    (
        "regnetx",
        "RegNetX: quantized linear widths u_j = w0 + wa*j",
    ),
    ("regnety", "RegNetY: RegNetX + squeeze-excitation"),
];

fn main() {
    if let Err(e) = run(Args::parse()) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let backend: BackendKind = a.backend.parse()?;
    backend.ensure_compiled()?;
    let shard: Shard = a.shard.parse()?;
    let window = parse_window(&a.flops).map_err(|m| format!("--flops: {m}"))?;
    let kind = DatasetKind::from_name(&a.dataset)?;
    let data = load_data(&DataOptions {
        kind,
        dir: a.data_dir.clone(),
        resolution: a.resolution.map(|r| r as usize),
        batch_size: a.batch,
        seed: a.seed,
        workers: a.workers,
        ..DataOptions::default()
    })?;
    let mut cfg = TrainConfig {
        batch_size: a.batch,
        ..TrainConfig::default()
    };
    cfg.epochs = a.epochs;
    cfg.seed = a.seed;
    cfg.max_train_batches = (a.max_train_batches > 0).then_some(a.max_train_batches);
    cfg.max_test_batches = (a.max_test_batches > 0).then_some(a.max_test_batches);
    cfg.base_lr = a.lr;
    cfg.warmup_epochs = a.warmup_epochs;
    cfg.zero_init_final_gamma = a.zero_init_final_gamma;
    let resolution = data.resolution;
    let classes = data.num_classes() as u32;
    let stem = match a.stem.as_deref() {
        None => StemType::SimpleStemIn,
        Some(name) => StemType::from_name(name).ok_or_else(|| {
            format!("--stem: unknown stem {name:?}: simple_stem_in, res_stem_cifar or res_stem_in")
        })?,
    };
    let io = NetworkIo {
        in_channels: data.channels() as u32,
        num_classes: classes,
        stem,
    };
    println!("Designing network design spaces — progressive refinement");
    println!(
        "data: {} ({} train / {} test images, {} classes, {}x{} px, {} channel(s)); backend {backend}",
        a.data_dir
            .as_ref()
            .map_or(format!("{} (embedded subset)", a.dataset), |d| format!(
                "{} at {}",
                a.dataset,
                d.display()
            )),
        data.train.dataset().len(),
        data.test.dataset().len(),
        classes,
        resolution,
        resolution,
        data.channels()
    );
    println!(
        "recipe: SGD momentum {} nesterov, lr {} at batch {} (cosine{}), wd {}{}, {} epoch(s){}; flops window {} at {resolution}px, stem {stem}; n = {} per space",
        cfg.momentum,
        cfg.base_lr,
        cfg.batch_size,
        if cfg.warmup_epochs > 0 {
            format!(", {} warm-up epoch(s)", cfg.warmup_epochs)
        } else {
            String::new()
        },
        cfg.weight_decay,
        if cfg.zero_init_final_gamma {
            ", zero-init final BN gamma"
        } else {
            ""
        },
        cfg.epochs,
        cfg.max_train_batches
            .map_or(String::new(), |b| format!(" of {b} batches")),
        a.flops,
        a.n
    );
    let names: Vec<&str> = match &a.spaces {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => STEPS
            .iter()
            .map(|s| s.0)
            .filter(|s| a.regnety || *s != "regnety")
            .collect(),
    };
    let mut results: Vec<PathBuf> = Vec::new();
    let mut sweeps: Vec<SampleSweep> = Vec::new();
    for (step, name) in names.iter().enumerate() {
        let rule = STEPS.iter().find(|s| s.0 == *name).map_or(*name, |s| s.1);
        // The windows count the networks that are trained: the data's channels and classes, the stem.
        let space = DesignSpace::by_name(name)?.with_io(io);
        println!();
        println!("[{}/{}] {rule}", step + 1, names.len());
        println!(
            "      {} dims, size {:.2e} (Table 1 formula), exactly {}",
            space.dims(),
            space.table1_size(),
            space.size()
        );
        let constraints = Constraints {
            resolution,
            flops: window,
            stages: Window::ANY,
            ..Constraints::default()
        };
        let dir = a.out.join(name);
        let (sweep, stats) = create_sweep(&dir, space, constraints, a.n, a.seed)?;
        println!(
            "      sampled {} models in {} tries (acceptance {:.3}%) → {}",
            stats.accepted,
            stats.tries,
            100.0 * stats.acceptance,
            dir.join("population.jsonl").display()
        );
        let job = SweepJob {
            shard,
            resume: a.resume || dir.join(shard.results_file()).exists(),
            jobs: a.jobs.max(1),
            ..SweepJob::new(&sweep, &data, &cfg)
        };
        let report = with_backend(backend, 0, job)??;
        println!(
            "      trained {} (skipped {} finished, {} diverged) → {}",
            report.trained,
            report.skipped,
            report.diverged,
            dir.join(shard.results_file()).display()
        );
        results.push(dir.join(shard.results_file()));
        sweeps.push(sweep);
    }

    // Statistics over all spaces: EDFs, bootstrap, KS, plots, report.
    let report_dir = a.out.join("report");
    let mut opts = AnalyzeOptions::new(results.clone(), &report_dir);
    opts.params = None;
    opts.dataset = Some(match &a.data_dir {
        Some(_) => a.dataset.clone(),
        None => format!("{} (embedded subset)", a.dataset),
    });
    opts.resolution = Some(resolution);
    // Runtime against complexity on this run's backend (paper §5); skipped below 3 timed models.
    opts.runtime = true;
    let summary = match analyze(&opts) {
        Err(StatsError::TooFewPoints { .. }) => {
            opts.runtime = false;
            analyze(&opts)?
        }
        other => other?,
    };
    println!();
    println!(
        "{:<12} {:>4} {:>9} {:>9} {:>12} {:>10}",
        "space", "n", "min err", "mean err", "KS vs prev", "e_fit best"
    );
    for (i, s) in summary.spaces.iter().enumerate() {
        let ks = (i > 0)
            .then(|| {
                summary
                    .ks
                    .iter()
                    .find(|k| k.a == summary.spaces[i - 1].name && k.b == s.name)
            })
            .flatten()
            .map_or("-".to_string(), |k| {
                k.p_value
                    .map_or("n/a".into(), |p| format!("p={}", fmt_p(p)))
            });
        let efit = best_e_fit(&sweeps[i], shard)?;
        println!(
            "{:<12} {:>4} {:>9.2} {:>9.2} {:>12} {:>10}",
            s.name,
            s.n,
            s.min_error,
            s.mean_error,
            ks,
            efit.map_or("-".into(), |e| format!("{e:.4}"))
        );
    }
    // Each step against the one before, and RegNetX against AnyNetX_A, in the paper's terms: a
    // refinement should keep or lower the errors (its EDF at or above the previous one).
    println!();
    println!(
        "each step against the one before (the paper: every refinement keeps or lowers the errors):"
    );
    let mut pairs: Vec<(usize, usize)> = (1..summary.spaces.len()).map(|i| (i - 1, i)).collect();
    if summary.spaces.len() > 2 {
        pairs.push((0, summary.spaces.len() - 1));
    }
    for (prev, this) in pairs {
        let (p, s) = (&summary.spaces[prev], &summary.spaces[this]);
        let ks = summary.ks.iter().find(|k| k.a == p.name && k.b == s.name);
        let p_value = ks.and_then(|k| k.p_value).map_or("n/a".to_string(), fmt_p);
        let verdict = match ks.and_then(|k| k.p_value) {
            Some(v) if v < 0.05 && s.mean_error < p.mean_error => "better, significant at 5 %",
            Some(v) if v < 0.05 => "worse, significant at 5 %",
            Some(_) => "no significant difference",
            None => "not tested",
        };
        println!(
            "  {} vs {}: mean {:+.1} pp, min {:+.1} pp, KS p = {p_value} ({verdict})",
            s.name,
            p.name,
            s.mean_error - p.mean_error,
            s.min_error - p.min_error,
        );
    }
    if let Some(rt) = &summary.runtime {
        let r = |on| {
            rt.line(on)
                .and_then(|l| l.r)
                .map_or_else(|| "undefined".to_string(), |r| format!("{r:.3}"))
        };
        println!(
            "runtime on {} ({} models): r(t, flops) = {}, r(t, acts) = {}",
            summary.run.backends.join(", "),
            rt.n,
            r(Complexity::Flops),
            r(Complexity::Acts)
        );
    }
    println!();
    println!("report: {}", report_dir.join("report.html").display());
    println!("summary: {}", report_dir.join("summary.json").display());
    println!("done in {:.1} min", t0.elapsed().as_secs_f64() / 60.0);
    Ok(())
}

/// A p-value as the console prints it: [`format_p_value`]'s three decimals, but two significant
/// digits below 0.001 (9.5e-6 rather than `< 0.001`), so a reader can check it against scipy.
fn fmt_p(p: f64) -> String {
    if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format_p_value(p)
    }
}

/// Mean e_fit (paper Figs. 8–9) of the best quarter of a space's models by error.
fn best_e_fit(
    sweep: &SampleSweep,
    shard: Shard,
) -> Result<Option<f64>, Box<dyn std::error::Error>> {
    let mut rows: Vec<(f64, SampleResult)> = sweep
        .results(shard)?
        .into_iter()
        .filter_map(|r| r.error.map(|e| (e, r)))
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let k = rows.len().div_ceil(4);
    let mut total = 0.0;
    for (_, r) in rows.iter().take(k) {
        total += fit_quantized_linear(&r.sample.spec.block_widths(), FitOptions::default())?.e_fit;
    }
    Ok(Some(total / k as f64))
}
