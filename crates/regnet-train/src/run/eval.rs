//! Evaluation on the test loader.

use regnet_burn::{AnyNet, RegNetOps};
use regnet_data::Loader;

use crate::{TopKMistakes, TrainError, batch_to_tensors, count_mistakes};

/// Test top-1 and top-5 error (%) of `model` over a loader (eval mode: BN running statistics), on
/// its first `max_batches` batches if given.
pub fn evaluate<B: RegNetOps>(
    model: &AnyNet<B>,
    test: &Loader,
    max_batches: Option<usize>,
    device: &B::Device,
) -> Result<(f64, f64), TrainError> {
    let mut mistakes = TopKMistakes::default();
    for batch in test.epoch(0).take(max_batches.unwrap_or(usize::MAX)) {
        let batch = batch?;
        if batch.n == 0 {
            continue;
        }
        let (x, _) = batch_to_tensors::<B>(&batch, device);
        mistakes += count_mistakes(model.forward(x), &batch.labels)?;
    }
    Ok((mistakes.top1_err(), mistakes.top5_err()))
}
