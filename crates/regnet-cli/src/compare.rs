//! `regnet compare`: zoo models side by side — flops, params, acts, resolution and measured
//! inference and training images/s on one backend (the paper's Table 4 comparison of RegNetY
//! and EfficientNet at equal flops, §5.3).
//!
//! Every model is timed once per round, models interleaved round by round, and the median over
//! the rounds is reported, so load that comes and goes on a shared machine hits all models alike.
//! Inference is a forward pass on the backend without autodiff; training is forward,
//! cross-entropy, backward and an SGD step (momentum 0.9, Nesterov, weight decay 5e-5, as
//! pycls) on the autodiff backend. Both use one fixed random batch; the clock stops after the
//! device has finished (`Backend::sync`).

use std::time::Instant;

use burn::module::{AutodiffModule, Module};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{GradientsParams, Optimizer, SgdConfig};
use burn::tensor::backend::Backend;
use burn::tensor::{Distribution, Int, Tensor};
use clap::Args as ClapArgs;
use regnet_anynet::zoo::{self, AnyZooModel};
use regnet_anynet::{AnyNetSpec, EffNetSpec};
use regnet_burn::{AnyNet, EffNet, RegNetOps, TrainBackend};
use serde::Serialize;

use crate::CliError;
use crate::backend::{WithBackend, with_backend};

/// Arguments of `regnet compare`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Zoo model names: RegNetX/Y, ResNe(X)t, EN-B0 … EN-B5 (case-insensitive).
    #[arg(required = true)]
    models: Vec<String>,
    /// Backend: flex (CPU), ndarray, cuda, wgpu (the GPU ones need their cargo feature).
    #[arg(long, default_value = "flex")]
    backend: String,
    /// GPU index for cuda/wgpu.
    #[arg(long, default_value_t = 0)]
    device: usize,
    /// Images per step, for inference and training.
    #[arg(long, default_value_t = 8)]
    batch: usize,
    /// Timed steps per measurement.
    #[arg(long, default_value_t = 3)]
    steps: usize,
    /// Untimed warm-up steps before each measurement.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Rounds; each round measures every model once, in the order given; medians are reported.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Input resolution of every model (default: each model's own: 224 for RegNets and
    /// ResNe(X)ts, the training resolution of the pycls config for EN-B0 … EN-B5).
    #[arg(long)]
    resolution: Option<u32>,
    /// Only count flops, params and acts; measure nothing.
    #[arg(long)]
    no_timing: bool,
    /// Measure inference only (no training step).
    #[arg(long)]
    no_train: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Write `runtime_vs_flops.svg` and `runtime_vs_acts.svg` here: training time per image of
    /// every model against its flops and against its acts, one colour per family, with the
    /// least-squares line over all models and Pearson's r (paper §5.3, Fig. 18 style).
    #[arg(long)]
    plot_dir: Option<std::path::PathBuf>,
}

/// A model to compare: its spec of either family and its resolution.
#[derive(Debug, Clone)]
enum Net {
    AnyNet(AnyNetSpec),
    EffNet(EffNetSpec),
}

/// One row of the comparison.
#[derive(Debug, Clone, Serialize)]
struct Row {
    model: String,
    family: &'static str,
    resolution: u32,
    flops: u64,
    params: u64,
    acts: u64,
    /// Median inference images/s over the rounds.
    infer_images_per_s: Option<f64>,
    /// Median training images/s over the rounds.
    train_images_per_s: Option<f64>,
    /// Every round's inference images/s.
    infer_rounds: Vec<f64>,
    /// Every round's training images/s.
    train_rounds: Vec<f64>,
}

#[derive(Serialize)]
struct Output<'a> {
    backend: &'a str,
    batch: usize,
    steps: usize,
    warmup: usize,
    rounds: usize,
    models: &'a [Row],
}

fn flag(flag: &'static str, message: String) -> CliError {
    CliError::Flag { flag, message }
}

fn check_args(a: &Args) -> Result<(), CliError> {
    for (name, v, lo, hi) in [
        ("batch", a.batch, 1, 4096),
        ("steps", a.steps, 1, 100_000),
        ("warmup", a.warmup, 0, 1000),
        ("rounds", a.rounds, 1, 1000),
    ] {
        if v < lo || v > hi {
            return Err(flag(
                name,
                format!("must be between {lo} and {hi}, got {v}"),
            ));
        }
    }
    if a.plot_dir.is_some() && (a.no_timing || a.no_train) {
        return Err(flag(
            "plot-dir",
            "plots training time per image: it needs the training measurement (drop --no-timing and --no-train)".into(),
        ));
    }
    if let Some(r) = a.resolution
        && (r == 0 || r > 4096)
    {
        return Err(flag(
            "resolution",
            format!("must be between 1 and 4096, got {r}"),
        ));
    }
    Ok(())
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    check_args(&a)?;
    let mut nets = Vec::with_capacity(a.models.len());
    let mut rows = Vec::with_capacity(a.models.len());
    for name in &a.models {
        let (canonical, family, net, own_res) = match zoo::find_any(name)? {
            AnyZooModel::AnyNet(m) => (m.name, "anynet", Net::AnyNet(m.spec()?), 224),
            AnyZooModel::EffNet(m) => (m.name, "effnet", Net::EffNet(m.spec), m.resolution),
        };
        let resolution = a.resolution.unwrap_or(own_res);
        let c = match &net {
            Net::AnyNet(s) => s.complexity(resolution)?,
            Net::EffNet(s) => s.complexity(resolution)?,
        };
        rows.push(Row {
            model: canonical.to_string(),
            family,
            resolution,
            flops: c.flops,
            params: c.params,
            acts: c.acts,
            infer_images_per_s: None,
            train_images_per_s: None,
            infer_rounds: vec![],
            train_rounds: vec![],
        });
        nets.push((canonical.to_string(), net, resolution));
    }
    if !a.no_timing {
        let work = Measure {
            nets: &nets,
            batch: a.batch,
            steps: a.steps,
            warmup: a.warmup,
            rounds: a.rounds,
            train: !a.no_train,
            progress: !a.json,
        };
        let measured = with_backend(&a.backend, a.device, work)?;
        for (row, (infer, train)) in rows.iter_mut().zip(measured) {
            row.infer_images_per_s = median(&infer);
            row.train_images_per_s = median(&train);
            row.infer_rounds = infer;
            row.train_rounds = train;
        }
    }
    if let Some(dir) = &a.plot_dir {
        write_plots(dir, &rows)?;
    }
    if a.json {
        let out = Output {
            backend: &a.backend,
            batch: a.batch,
            steps: a.steps,
            warmup: a.warmup,
            rounds: a.rounds,
            models: &rows,
        };
        println!("{}", serde_json::to_string(&out)?);
        return Ok(());
    }
    print_table(&a, &rows);
    Ok(())
}

fn print_table(a: &Args, rows: &[Row]) {
    if !a.no_timing {
        println!(
            "backend {}, batch {}, {} timed steps after {} warm-up, median of {} round(s)",
            a.backend, a.batch, a.steps, a.warmup, a.rounds
        );
    }
    println!(
        "{:<16} {:>5} {:>8} {:>8} {:>8} {:>11} {:>11}",
        "model", "res", "GF", "params M", "acts M", "infer im/s", "train im/s"
    );
    let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2}"));
    for r in rows {
        println!(
            "{:<16} {:>5} {:>8.3} {:>8.2} {:>8.2} {:>11} {:>11}",
            r.model,
            r.resolution,
            r.flops as f64 / 1e9,
            r.params as f64 / 1e6,
            r.acts as f64 / 1e6,
            cell(r.infer_images_per_s),
            cell(r.train_images_per_s)
        );
    }
}

/// Writes the two runtime plots (training time per image against flops and against acts).
fn write_plots(dir: &std::path::Path, rows: &[Row]) -> Result<(), CliError> {
    use regnet_stats::plot::{RuntimeSeries, runtime_svg};
    use regnet_stats::{LineFitSummary, fit_line};
    let io = |path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| CliError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let timed: Vec<&Row> = rows
        .iter()
        .filter(|r| r.train_images_per_s.is_some_and(|v| v > 0.0))
        .collect();
    let t: Vec<f64> = timed
        .iter()
        .map(|r| 1.0 / r.train_images_per_s.unwrap_or(f64::NAN))
        .collect();
    for (name, x_label, x_of) in [
        (
            "runtime_vs_flops.svg",
            "flops",
            (|r: &Row| r.flops as f64) as fn(&Row) -> f64,
        ),
        ("runtime_vs_acts.svg", "acts", |r: &Row| r.acts as f64),
    ] {
        let x: Vec<f64> = timed.iter().map(|r| x_of(r)).collect();
        let fit = fit_line(&x, &t).map_or(
            LineFitSummary {
                slope: None,
                intercept: None,
                r: None,
                r2: None,
            },
            LineFitSummary::from,
        );
        let series: Vec<RuntimeSeries> = [
            ("RegNet / AnyNet", "anynet", 0),
            ("EfficientNet", "effnet", 1),
        ]
        .into_iter()
        .map(|(label, family, color)| {
            let (xs, ts) = timed
                .iter()
                .zip(&x)
                .zip(&t)
                .filter(|((r, _), _)| r.family == family)
                .map(|((_, x), t)| (*x, *t))
                .unzip();
            RuntimeSeries {
                label: label.to_string(),
                x: xs,
                t: ts,
                color,
            }
        })
        .filter(|s| !s.x.is_empty())
        .collect();
        let path = dir.join(name);
        std::fs::write(&path, runtime_svg(x_label, &series, fit)).map_err(io(&path))?;
    }
    Ok(())
}

/// The median of the values (mean of the middle two for an even count); `None` if empty.
fn median(v: &[f64]) -> Option<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(s[n / 2]),
        _ => Some((s[n / 2 - 1] + s[n / 2]) / 2.0),
    }
}

/// The timing work, run on the chosen backend.
struct Measure<'a> {
    nets: &'a [(String, Net, u32)],
    batch: usize,
    steps: usize,
    warmup: usize,
    rounds: usize,
    train: bool,
    progress: bool,
}

/// Per model: inference images/s per round, training images/s per round.
type Measured = Vec<(Vec<f64>, Vec<f64>)>;

impl WithBackend for Measure<'_> {
    type Out = Result<Measured, CliError>;

    fn run<B: TrainBackend>(self, device: B::Device, _name: &str) -> Self::Out {
        let mut out: Measured = vec![(vec![], vec![]); self.nets.len()];
        for round in 0..self.rounds {
            for ((name, net, res), (infer, train)) in self.nets.iter().zip(out.iter_mut()) {
                let classes = match net {
                    Net::AnyNet(s) => s.num_classes,
                    Net::EffNet(s) => s.num_classes,
                };
                let shape = Shape {
                    batch: self.batch,
                    classes: classes as usize,
                    res: *res as usize,
                    steps: self.steps,
                    warmup: self.warmup,
                };
                let (i, t) = match net {
                    Net::AnyNet(s) => {
                        let i = time_inference(AnyNet::<B::InnerBackend>::new(s, &device)?, shape);
                        let t = match self.train {
                            true => Some(time_training(AnyNet::<B>::new(s, &device)?, shape)),
                            false => None,
                        };
                        (i, t)
                    }
                    Net::EffNet(s) => {
                        let i = time_inference(EffNet::<B::InnerBackend>::new(s, &device)?, shape);
                        let t = match self.train {
                            true => Some(time_training(EffNet::<B>::new(s, &device)?, shape)),
                            false => None,
                        };
                        (i, t)
                    }
                };
                if self.progress {
                    eprintln!(
                        "round {}: {name} at {res}: infer {i:.2} im/s{}",
                        round + 1,
                        t.map_or(String::new(), |t| format!(", train {t:.2} im/s"))
                    );
                }
                infer.push(i);
                train.extend(t);
            }
        }
        Ok(out)
    }
}

/// Batch, resolution and step counts of one measurement.
#[derive(Debug, Clone, Copy)]
struct Shape {
    batch: usize,
    /// Classes of the model's FC (the labels are drawn among them).
    classes: usize,
    res: usize,
    steps: usize,
    warmup: usize,
}

/// A classifier both model families are: images to logits.
trait Classifier<B: Backend>: Module<B> {
    fn logits(&self, x: Tensor<B, 4>) -> Tensor<B, 2>;
}

impl<B: RegNetOps> Classifier<B> for AnyNet<B> {
    fn logits(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        self.forward(x)
    }
}

impl<B: RegNetOps> Classifier<B> for EffNet<B> {
    fn logits(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        self.forward(x)
    }
}

/// Inference images/s: `warmup` untimed then `steps` timed forward passes of one batch.
fn time_inference<B: RegNetOps, M: Classifier<B>>(model: M, s: Shape) -> f64 {
    let device = model.devices().into_iter().next().unwrap_or_default();
    let x = Tensor::<B, 4>::random(
        [s.batch, 3, s.res, s.res],
        Distribution::Normal(0.0, 1.0),
        &device,
    );
    let run = |n: usize| {
        for _ in 0..n {
            let _ = model.logits(x.clone());
        }
        let _ = B::sync(&device);
    };
    run(s.warmup);
    let start = Instant::now();
    run(s.steps);
    (s.steps * s.batch) as f64 / start.elapsed().as_secs_f64()
}

/// Training images/s: forward, cross-entropy, backward and an SGD step (pycls's momentum 0.9,
/// Nesterov, weight decay 5e-5; lr 0.1), `warmup` untimed then `steps` timed.
fn time_training<B: TrainBackend, M: Classifier<B> + AutodiffModule<B>>(model: M, s: Shape) -> f64 {
    let device = model.devices().into_iter().next().unwrap_or_default();
    let mut optim = SgdConfig::new()
        .with_momentum(Some(
            MomentumConfig::new()
                .with_momentum(0.9)
                .with_dampening(0.0)
                .with_nesterov(true),
        ))
        .with_weight_decay(Some(WeightDecayConfig::new(5e-5)))
        .init::<B, M>();
    let x = Tensor::<B, 4>::random(
        [s.batch, 3, s.res, s.res],
        Distribution::Normal(0.0, 1.0),
        &device,
    );
    let y = Tensor::<B, 1, Int>::random(
        [s.batch],
        Distribution::Uniform(0.0, s.classes as f64),
        &device,
    );
    let loss_fn = CrossEntropyLossConfig::new().init(&device);
    let mut model = Some(model);
    let mut run = |n: usize| {
        for _ in 0..n {
            let m = model.take().expect("the model is put back after each step");
            let loss = loss_fn.forward(m.logits(x.clone()), y.clone());
            let grads = GradientsParams::from_grads(loss.backward(), &m);
            model = Some(optim.step(0.1, m, grads));
        }
        let _ = B::sync(&device);
    };
    run(s.warmup);
    let start = Instant::now();
    run(s.steps);
    (s.steps * s.batch) as f64 / start.elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
