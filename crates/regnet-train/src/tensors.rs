//! The pieces of a training loop that every user loop needs too: a data batch as tensors, top-k
//! error counts from logits, and a seeded model constructor that is safe to call from several
//! threads. [`train`](crate::train) and [`evaluate`](crate::evaluate) use exactly these.

use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor, TensorData};
use regnet_anynet::AnyNetSpec;
use regnet_burn::{AnyNet, AnyNetConfig};
use regnet_data::Batch;

use crate::TrainError;

/// Converts a data batch to an image tensor `[n, c, h, w]` and a label tensor `[n]` on `device`.
///
/// The labels are `i64` (burn's `Int` element on every backend), so they feed
/// `burn::nn::loss::CrossEntropyLoss` directly.
pub fn batch_to_tensors<B: Backend>(
    batch: &Batch,
    device: &B::Device,
) -> (Tensor<B, 4>, Tensor<B, 1, Int>) {
    let x = Tensor::from_data(
        TensorData::new(batch.images.clone(), [batch.n, batch.c, batch.h, batch.w]),
        device,
    );
    let labels: Vec<i64> = batch.labels.iter().map(|&l| i64::from(l)).collect();
    let y = Tensor::from_data(TensorData::new(labels, [batch.n]), device);
    (x, y)
}

/// Top-1 and top-5 mistakes of one batch: the number of samples whose label is not the highest
/// score, and not among the five highest.
///
/// A sample's rank is the number of classes scored strictly higher than its label (ties count in
/// the model's favour, as pycls's `topk_errors` does for distinct scores). The logits are read back
/// as `f32` whatever the backend's float element is, so this works unchanged on flex, ndarray, cuda
/// and wgpu (no `argmax`, whose integer type differs between backends).
///
/// Errors: `labels.len()` differs from the batch size of `logits`, or a label is not a class of
/// `logits` ([`TrainError::Batch`]).
pub fn count_mistakes<B: Backend>(
    logits: Tensor<B, 2>,
    labels: &[u32],
) -> Result<TopKMistakes, TrainError> {
    let [n, classes] = logits.dims();
    if labels.len() != n {
        return Err(TrainError::Batch {
            field: "labels",
            message: format!("{} labels for a batch of {n} logits rows", labels.len()),
        });
    }
    let values: Vec<f32> =
        logits
            .into_data()
            .convert::<f32>()
            .to_vec()
            .map_err(|e| TrainError::Batch {
                field: "logits",
                message: format!("cannot read back as f32: {e:?}"),
            })?;
    let mut out = TopKMistakes {
        n,
        ..TopKMistakes::default()
    };
    for (k, &label) in labels.iter().enumerate() {
        let row = &values[k * classes..(k + 1) * classes];
        let Some(&target) = row.get(label as usize) else {
            return Err(TrainError::Batch {
                field: "labels",
                message: format!("labels[{k}] = {label} is not one of the {classes} classes"),
            });
        };
        let rank = row.iter().filter(|&&v| v > target).count();
        out.top1 += usize::from(rank >= 1);
        out.top5 += usize::from(rank >= 5);
    }
    Ok(out)
}

/// Mistake counts of one or more batches (see [`count_mistakes`]); add them up over a test set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopKMistakes {
    /// Samples seen.
    pub n: usize,
    /// Samples whose label is not the highest score.
    pub top1: usize,
    /// Samples whose label is not among the five highest scores.
    pub top5: usize,
}

impl TopKMistakes {
    /// Top-1 error in percent (0 when no sample was seen).
    pub fn top1_err(&self) -> f64 {
        100.0 * self.top1 as f64 / self.n.max(1) as f64
    }

    /// Top-5 error in percent (0 when no sample was seen).
    pub fn top5_err(&self) -> f64 {
        100.0 * self.top5 as f64 / self.n.max(1) as f64
    }
}

impl std::ops::AddAssign for TopKMistakes {
    fn add_assign(&mut self, other: Self) {
        self.n += other.n;
        self.top1 += other.top1;
        self.top5 += other.top5;
    }
}

/// Serialises seeding + initialisation across threads (see [`init_model`]).
static INIT_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Builds the burn model of `spec` with pycls's initialisation (docs/conventions.md §F) drawn from `seed`.
///
/// burn's backend RNG is process-global: this seeds it and initialises the model under one
/// process-wide lock, so the initial weights are a function of `seed` alone even when several
/// threads build models at the same time (as a sweep with `--jobs` does). Nothing else in this
/// workspace draws from the backend RNG after initialisation. `zero_init_last_bn` sets the final
/// BatchNorm γ of every residual block to 0 (off in pycls's zoo recipes).
pub fn init_model<B: Backend>(
    spec: &AnyNetSpec,
    seed: u64,
    zero_init_last_bn: bool,
    device: &B::Device,
) -> Result<AnyNet<B>, TrainError> {
    let _guard = INIT_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    B::seed(device, seed);
    Ok(AnyNetConfig::new(spec.clone())
        .with_zero_init_last_bn(zero_init_last_bn)
        .init(device)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;
    use regnet_anynet::zoo;

    fn logits(rows: &[[f32; 6]]) -> Tensor<Flex, 2> {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        Tensor::from_data(TensorData::new(flat, [rows.len(), 6]), &Default::default())
    }

    #[test]
    fn mistakes_count_ranks_by_hand() {
        // Row 0: label 2 scores 2.0, one class (3.0) higher → top-1 wrong, top-5 right.
        // Row 1: label 0 scores 0.0, five classes higher → wrong in both.
        // Row 2: label 5 is the highest → right in both. Row 3: a tie with the label counts as right.
        let l = logits(&[
            [3.0, 1.0, 2.0, 0.0, 0.0, 0.0],
            [0.0, 5.0, 1.0, 2.0, 3.0, 4.0],
            [0.0, 1.0, 2.0, 3.0, 4.0, 9.0],
            [7.0, 7.0, 0.0, 0.0, 0.0, 0.0],
        ]);
        let m = count_mistakes(l, &[2, 0, 5, 1]).unwrap();
        assert_eq!(
            m,
            TopKMistakes {
                n: 4,
                top1: 2,
                top5: 1
            }
        );
        assert_eq!(m.top1_err(), 50.0);
        assert_eq!(m.top5_err(), 25.0);
    }

    #[test]
    fn mistakes_reject_bad_labels() {
        let l = || logits(&[[0.0; 6], [0.0; 6]]);
        let e = count_mistakes(l(), &[1]).unwrap_err().to_string();
        assert_eq!(e, "labels: 1 labels for a batch of 2 logits rows");
        let e = count_mistakes(l(), &[1, 6]).unwrap_err().to_string();
        assert_eq!(e, "labels: labels[1] = 6 is not one of the 6 classes");
    }

    #[test]
    fn init_model_is_a_function_of_the_seed_across_threads() {
        let mut spec = zoo::model("RegNetX-200MF").unwrap();
        spec.num_classes = 10;
        let weights = |seed: u64| {
            let m: AnyNet<Flex> = init_model(&spec, seed, false, &Default::default()).unwrap();
            let v: Vec<f32> = m.stem.conv.weight.val().into_data().to_vec().unwrap();
            v
        };
        let reference = weights(3);
        // Built concurrently with other seeds, seed 3 still gives the same weights.
        let others: Vec<_> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4u64)
                .map(|i| s.spawn(move || weights(3 + (i % 2))))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(others[0], reference);
        assert_eq!(others[2], reference);
        assert_ne!(others[1], reference);
    }
}
