//! The training recipe: pycls's names where they exist, the paper's presets.

use serde::{Deserialize, Serialize};

use crate::TrainError;
use crate::schedule::{CosineSchedule, LrUpdate};

/// Reference point of the linear scaling rule: lr 0.1 at batch 128 (paper §3, pycls zoo configs).
pub const REFERENCE_LR: f64 = 0.1;
/// Batch size of the reference point.
pub const REFERENCE_BATCH: usize = 128;

/// Most epochs a recipe may ask for (the paper's longest schedule is 100; pycls's configs go to 400).
pub const MAX_EPOCHS: usize = 10_000;

/// A named recipe of the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Paper §3 (design-space comparisons, footnote 5): lr 0.05, batch 128, 10 epochs, wd 5e-5, no warmup.
    PaperLowEpoch,
    /// Paper §4 onward: lr 0.1, batch 128, 25 epochs, wd 5e-5.
    Paper25ep,
    /// Zoo models (pycls dds configs): 100 epochs, 5 warmup epochs, lr 0.1 per 128 images.
    Zoo100ep,
}

impl Preset {
    /// Parses `paper-low-epoch`, `paper-25ep` or `zoo-100ep`.
    pub fn from_name(name: &str) -> Result<Self, TrainError> {
        match name {
            "paper-low-epoch" => Ok(Self::PaperLowEpoch),
            "paper-25ep" => Ok(Self::Paper25ep),
            "zoo-100ep" => Ok(Self::Zoo100ep),
            other => Err(TrainError::Config {
                field: "preset",
                message: format!(
                    "unknown preset {other:?} (paper-low-epoch, paper-25ep, zoo-100ep)"
                ),
            }),
        }
    }
}

/// Everything that defines a training run (pycls `OPTIM`/`TRAIN` names in the docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// `OPTIM.MAX_EPOCH`.
    pub epochs: usize,
    /// `TRAIN.BATCH_SIZE` (images per step).
    pub batch_size: usize,
    /// `TEST.BATCH_SIZE`.
    pub test_batch_size: usize,
    /// `OPTIM.BASE_LR` at this batch size.
    pub base_lr: f64,
    /// `OPTIM.MIN_LR` (relative to the base lr).
    pub min_lr: f64,
    /// `OPTIM.MOMENTUM`.
    pub momentum: f64,
    /// `OPTIM.NESTEROV` (pycls default: true).
    pub nesterov: bool,
    /// `OPTIM.WEIGHT_DECAY`, applied to every parameter (BN and biases included, as the dds configs).
    pub weight_decay: f64,
    /// `OPTIM.WARMUP_EPOCHS`.
    pub warmup_epochs: usize,
    /// `OPTIM.WARMUP_FACTOR`.
    pub warmup_factor: f64,
    /// Per-epoch (pycls) or per-iteration learning-rate updates.
    pub lr_update: LrUpdate,
    /// Seed of init, data order and augmentation (`RNG_SEED`).
    pub seed: u64,
    /// Zero-init the last BN γ of each block (pycls `BN.ZERO_INIT_FINAL_GAMMA`, off in the dds configs).
    pub zero_init_final_gamma: bool,
    /// Read the loss (a device sync) every this many iterations for logging and divergence checks.
    pub log_period: usize,
    /// Stop after this many training batches per epoch (short CPU runs, smoke tests); `None` = the
    /// whole epoch.
    pub max_train_batches: Option<usize>,
    /// Evaluate on the first this many test batches only; `None` = the whole test set.
    pub max_test_batches: Option<usize>,
}

impl TrainConfig {
    /// The recipe of a preset at its reference batch size of 128.
    pub fn preset(p: Preset) -> Self {
        let base = Self {
            epochs: 10,
            batch_size: 128,
            test_batch_size: 200,
            base_lr: 0.05,
            min_lr: 0.0,
            momentum: 0.9,
            nesterov: true,
            weight_decay: 5e-5,
            warmup_epochs: 0,
            warmup_factor: 0.1,
            lr_update: LrUpdate::PerEpoch,
            seed: 0,
            zero_init_final_gamma: false,
            log_period: 10,
            max_train_batches: None,
            max_test_batches: None,
        };
        match p {
            Preset::PaperLowEpoch => base,
            Preset::Paper25ep => Self {
                epochs: 25,
                base_lr: REFERENCE_LR,
                ..base
            },
            Preset::Zoo100ep => Self {
                epochs: 100,
                base_lr: REFERENCE_LR,
                warmup_epochs: 5,
                ..base
            },
        }
    }

    /// Changes the batch size and scales the learning rate linearly with it (paper §3, pycls zoo:
    /// lr = 0.1 · batch / 128 for the 100-epoch recipe).
    pub fn with_batch_scaled(mut self, batch_size: usize) -> Self {
        self.base_lr *= batch_size as f64 / self.batch_size.max(1) as f64;
        self.batch_size = batch_size;
        self
    }

    /// The learning-rate schedule of this recipe.
    pub fn schedule(&self) -> CosineSchedule {
        CosineSchedule {
            base_lr: self.base_lr,
            max_epoch: self.epochs,
            min_lr: self.min_lr,
            warmup_epochs: self.warmup_epochs,
            warmup_factor: self.warmup_factor,
            update: self.lr_update,
        }
    }

    /// Checks the values; each failure names the field.
    pub fn validate(&self) -> Result<(), TrainError> {
        let bad = |field, message: String| Err(TrainError::Config { field, message });
        if self.epochs == 0 || self.epochs > MAX_EPOCHS {
            return bad(
                "epochs",
                format!("must be in 1..={MAX_EPOCHS}, got {}", self.epochs),
            );
        }
        if self.batch_size == 0 || self.test_batch_size == 0 {
            return bad("batch_size", "must be at least 1".into());
        }
        if !(self.base_lr.is_finite() && self.base_lr > 0.0) {
            return bad(
                "base_lr",
                format!("must be finite and > 0, got {}", self.base_lr),
            );
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return bad(
                "momentum",
                format!("must be in [0, 1), got {}", self.momentum),
            );
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return bad(
                "weight_decay",
                format!("must be finite and >= 0, got {}", self.weight_decay),
            );
        }
        if self.log_period == 0 {
            return bad("log_period", "must be at least 1".into());
        }
        if self.warmup_epochs > MAX_EPOCHS {
            return bad(
                "warmup_epochs",
                format!("must be in 0..={MAX_EPOCHS}, got {}", self.warmup_epochs),
            );
        }
        if !(self.warmup_factor.is_finite()
            && self.warmup_factor > 0.0
            && self.warmup_factor <= 1.0)
        {
            return bad(
                "warmup_factor",
                format!("must be finite, > 0 and <= 1, got {}", self.warmup_factor),
            );
        }
        Ok(())
    }
}

impl Default for TrainConfig {
    /// The paper's §3 low-epoch recipe.
    fn default() -> Self {
        Self::preset(Preset::PaperLowEpoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_follow_the_paper() {
        let low = TrainConfig::preset(Preset::PaperLowEpoch);
        assert_eq!((low.epochs, low.batch_size, low.base_lr), (10, 128, 0.05));
        assert!(low.nesterov && low.weight_decay == 5e-5 && low.momentum == 0.9);
        let p25 = TrainConfig::preset(Preset::Paper25ep);
        assert_eq!((p25.epochs, p25.base_lr), (25, 0.1));
        // Zoo 200MF–1.6GF: batch 1024, lr 0.8, 5 warmup epochs.
        let zoo = TrainConfig::preset(Preset::Zoo100ep).with_batch_scaled(1024);
        assert_eq!(
            (zoo.epochs, zoo.batch_size, zoo.base_lr, zoo.warmup_epochs),
            (100, 1024, 0.8, 5)
        );
        assert!(Preset::from_name("zoo-100ep").is_ok() && Preset::from_name("x").is_err());
    }

    #[test]
    fn validation_names_the_field() {
        let c = TrainConfig {
            base_lr: f64::NAN,
            ..TrainConfig::default()
        };
        let e = c.validate().unwrap_err();
        assert!(e.to_string().contains("base_lr"), "{e}");
    }
}
