//! Helpers shared by the integration tests.
#![allow(dead_code)]

use burn::tensor::{Tensor, backend::Backend};
use regnet_anynet::{AnyNetSpec, BlockType, StageSpec, StemType};

/// The tensor's values as f32.
pub fn values<B: Backend, const D: usize>(t: Tensor<B, D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .to_vec::<f32>()
        .expect("f32 data")
}

/// Largest |a − b|; panics on different lengths.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "compared tensors differ in size");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// A small two-stage AnyNet of the given stem / block type (widths 16 → 24 → 32, group width 8).
pub fn tiny_spec(stem: StemType, block: BlockType, se_r: Option<f64>) -> AnyNetSpec {
    let bottleneck = block.is_bottleneck();
    AnyNetSpec {
        stem,
        stem_w: 16,
        block,
        stages: vec![
            StageSpec {
                d: 2,
                w: 24,
                stride: 2,
                bot_mul: 1.0,
                g: if bottleneck { 8 } else { 1 },
            },
            StageSpec {
                d: 1,
                w: 32,
                stride: 2,
                bot_mul: if bottleneck { 0.5 } else { 1.0 },
                g: if bottleneck { 8 } else { 1 },
            },
        ],
        se_r,
        head_w: 0,
        num_classes: 7,
        in_channels: 3,
        activation: Default::default(),
    }
}
