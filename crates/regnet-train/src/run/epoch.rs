//! One training epoch: SGD steps over the epoch's batches, the loss read every `log_period` steps
//! (a device sync), divergence detection and the progress bar.

use burn::nn::loss::CrossEntropyLoss;
use burn::optim::{GradientsParams, Optimizer};
use burn::tensor::{ElementConversion, Tensor};
use indicatif::{ProgressBar, ProgressStyle};
use regnet_burn::{AnyNet, TrainBackend};

use crate::{CosineSchedule, TrainData, TrainError, batch_to_tensors};

/// What an epoch of training measured.
pub(super) struct EpochTrain {
    /// Sum of the per-image losses read.
    pub loss_sum: f64,
    /// Images whose loss was read.
    pub loss_n: usize,
    /// Training images classified correctly (top-1, before each step).
    pub correct: usize,
    /// Training images seen.
    pub seen: usize,
    /// Learning rate of the last step.
    pub lr: f64,
    /// Whether a read loss was non-finite (the epoch stopped there).
    pub diverged: bool,
}

impl EpochTrain {
    /// Mean training loss over the images whose loss was read.
    pub fn mean_loss(&self) -> f64 {
        self.loss_sum / self.loss_n.max(1) as f64
    }

    /// Training top-1 error in %.
    pub fn top1_err(&self) -> f64 {
        100.0 * (1.0 - self.correct as f64 / self.seen.max(1) as f64)
    }
}

/// The progress bar of epoch `epoch` (0-based) of `epochs`, `iters` steps long.
pub(super) fn epoch_bar(epoch: usize, epochs: usize, iters: usize) -> ProgressBar {
    let b = ProgressBar::new(iters as u64);
    b.set_style(
        ProgressStyle::with_template(
            "epoch {prefix} [{bar:25}] {pos}/{len} {elapsed_precise} (eta {eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    b.set_prefix(format!("{}/{epochs}", epoch + 1));
    b
}

/// The steps of one epoch, with what the loop needs besides the model and optimizer.
pub(super) struct EpochLoop<'a, B: TrainBackend> {
    /// The data (the training loader's order and augmentation are a function of the epoch).
    pub data: &'a TrainData,
    /// Learning rate per step.
    pub schedule: &'a CosineSchedule,
    /// The loss.
    pub loss_fn: &'a CrossEntropyLoss<B>,
    /// Steps per epoch.
    pub iters: usize,
    /// Read the loss every this many steps.
    pub log_period: usize,
    /// Device of the model.
    pub device: &'a B::Device,
}

impl<B: TrainBackend> EpochLoop<'_, B> {
    /// Trains `model` for epoch `epoch`, returning the updated model and what was measured; stops at
    /// the first non-finite loss read (`diverged`).
    pub(super) fn run<O: Optimizer<AnyNet<B>, B>>(
        &self,
        mut model: AnyNet<B>,
        optim: &mut O,
        epoch: usize,
        bar: Option<&ProgressBar>,
    ) -> Result<(AnyNet<B>, EpochTrain), TrainError> {
        let t0 = std::time::Instant::now();
        let iters = self.iters;
        let mut m = EpochTrain {
            loss_sum: 0.0,
            loss_n: 0,
            correct: 0,
            seen: 0,
            lr: self.schedule.lr(epoch, 0, iters),
            diverged: false,
        };
        let mut pending: Option<Tensor<B, 1>> = None;
        let mut pending_n = 0usize;
        for (i, batch) in self.data.train.epoch(epoch as u64).take(iters).enumerate() {
            let batch = batch?;
            if batch.n == 0 {
                continue;
            }
            m.lr = self.schedule.lr(epoch, i, iters);
            let (x, y) = batch_to_tensors::<B>(&batch, self.device);
            let logits = model.forward(x);
            let pred = logits.clone().argmax(1).reshape([batch.n]);
            let hits = pred.equal(y.clone()).int().sum();
            let loss = self.loss_fn.forward(logits, y);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(m.lr, model, grads);
            let l = loss.detach();
            pending = Some(match pending {
                Some(p) => p + l * batch.n as f64,
                None => l * batch.n as f64,
            });
            m.correct += hits.into_scalar().elem::<i64>() as usize;
            pending_n += batch.n;
            m.seen += batch.n;
            // Reading the loss syncs the device: do it every log_period iterations and at the end.
            if (i + 1) % self.log_period == 0 || i + 1 == iters {
                if let Some(p) = pending.take() {
                    let s: f64 = p.into_scalar().elem();
                    m.loss_sum += s;
                    m.loss_n += pending_n;
                    pending_n = 0;
                    if !s.is_finite() {
                        m.diverged = true;
                        break;
                    }
                }
                if let Some(b) = bar {
                    let secs = t0.elapsed().as_secs_f64().max(1e-9);
                    b.set_position((i + 1) as u64);
                    b.set_message(format!(
                        "loss {:.4} lr {:.5} {:.0} img/s",
                        m.mean_loss(),
                        m.lr,
                        m.seen as f64 / secs
                    ));
                }
            }
        }
        Ok((model, m))
    }
}
