//! Learning-rate schedule: half-period cosine with linear warmup, as pycls (`optimizer.py`).

use serde::{Deserialize, Serialize};

/// When the learning rate changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LrUpdate {
    /// Once per epoch, at its start (pycls).
    PerEpoch,
    /// Every iteration, with the fractional epoch `e + i / iters`.
    PerIteration,
}

/// Half-period cosine schedule with optional warmup (pycls `lr_fun_cos` + `get_epoch_lr`).
///
/// lr(e) = base_lr · (min_lr + (1 − min_lr) · ½ · (1 + cos(π · e / max_epoch))), and for e < warmup_epochs
/// multiplied by warmup_factor · (1 − e / W) + e / W. `min_lr` is relative to `base_lr`, as pycls's
/// `OPTIM.MIN_LR`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CosineSchedule {
    /// Base learning rate (pycls `OPTIM.BASE_LR`).
    pub base_lr: f64,
    /// Total epochs (`OPTIM.MAX_EPOCH`).
    pub max_epoch: usize,
    /// Final lr as a fraction of the base lr (`OPTIM.MIN_LR`, 0 by default).
    pub min_lr: f64,
    /// Warmup length in epochs (`OPTIM.WARMUP_EPOCHS`).
    pub warmup_epochs: usize,
    /// Warmup start factor (`OPTIM.WARMUP_FACTOR`, 0.1).
    pub warmup_factor: f64,
    /// Per-epoch (pycls) or per-iteration updates.
    pub update: LrUpdate,
}

impl CosineSchedule {
    /// The learning rate at a (possibly fractional) epoch.
    pub fn lr_at(&self, epoch: f64) -> f64 {
        let e_max = self.max_epoch.max(1) as f64;
        let cos = 0.5 * (1.0 + (std::f64::consts::PI * epoch / e_max).cos());
        let mut lr = self.base_lr * (self.min_lr + (1.0 - self.min_lr) * cos);
        let w = self.warmup_epochs as f64;
        if epoch < w {
            let alpha = epoch / w;
            lr *= self.warmup_factor * (1.0 - alpha) + alpha;
        }
        lr
    }

    /// The learning rate of iteration `iter` (of `iters`) in 0-based `epoch`.
    pub fn lr(&self, epoch: usize, iter: usize, iters: usize) -> f64 {
        match self.update {
            LrUpdate::PerEpoch => self.lr_at(epoch as f64),
            LrUpdate::PerIteration => self.lr_at(epoch as f64 + iter as f64 / iters.max(1) as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn pycls_warmup_factors_for_five_epochs() {
        // docs/conventions.md §F: epochs 0..4 use 0.1, 0.28, 0.46, 0.64, 0.82 times the cosine value.
        let s = CosineSchedule {
            base_lr: 0.8,
            max_epoch: 100,
            min_lr: 0.0,
            warmup_epochs: 5,
            warmup_factor: 0.1,
            update: LrUpdate::PerEpoch,
        };
        for (e, f) in [0.1, 0.28, 0.46, 0.64, 0.82].into_iter().enumerate() {
            let cos = 0.5 * (1.0 + (std::f64::consts::PI * e as f64 / 100.0).cos());
            assert!(close(s.lr(e, 7, 10), 0.8 * cos * f), "epoch {e}");
        }
        // After warmup: plain cosine; epoch 50 of 100 is half the base lr.
        assert!(close(s.lr(50, 0, 10), 0.4));
        assert!(close(
            s.lr(5, 0, 10),
            0.8 * 0.5 * (1.0 + (std::f64::consts::PI * 0.05).cos())
        ));
    }

    #[test]
    fn per_epoch_values_of_a_ten_epoch_run() {
        // Paper §3 recipe: lr 0.05, 10 epochs, no warmup: 0.05 · ½(1 + cos(π e / 10)).
        let s = CosineSchedule {
            base_lr: 0.05,
            max_epoch: 10,
            min_lr: 0.0,
            warmup_epochs: 0,
            warmup_factor: 0.1,
            update: LrUpdate::PerEpoch,
        };
        let expected = [
            0.05,
            0.048_776_412_907_378_84,
            0.045_225_424_859_373_69,
            0.039_694_631_307_311_83,
            0.032_725_424_859_373_69,
            0.025,
            0.017_274_575_140_626_32,
            0.010_305_368_692_688_17,
            0.004_774_575_140_626_32,
            0.001_223_587_092_621_16,
        ];
        for (e, want) in expected.into_iter().enumerate() {
            assert!(
                close(s.lr(e, 0, 100), want),
                "epoch {e}: {} vs {want}",
                s.lr(e, 0, 100)
            );
        }
    }

    #[test]
    fn per_iteration_interpolates() {
        let s = CosineSchedule {
            base_lr: 0.1,
            max_epoch: 2,
            min_lr: 0.0,
            warmup_epochs: 0,
            warmup_factor: 0.1,
            update: LrUpdate::PerIteration,
        };
        // Halfway through epoch 0 of 2: e = 0.5 → ½(1 + cos(π/4)).
        let want = 0.1 * 0.5 * (1.0 + (std::f64::consts::PI / 4.0).cos());
        assert!(close(s.lr(0, 5, 10), want));
    }
}
