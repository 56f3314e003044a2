//! The stem (paper Fig. 3a; pycls `SimpleStemIN`, `ResStemCifar`, `ResStemIN`).

use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, PaddingConfig2d};
use burn::tensor::Tensor;
use burn::tensor::backend::Backend;
use regnet_anynet::{Activation, Op, StemPlan};

use crate::ops::RegNetOps;

use super::layers::{batch_norm_act, bn, conv, conv2d, convs, next_conv};

/// The stem: one conv (3×3 s2, 3×3 s1 or 7×7 s2), BN, ReLU, and for `res_stem_in` a 3×3 max-pool
/// with stride 2 and padding 1.
#[derive(Module, Debug)]
pub struct Stem<B: Backend> {
    /// The stem conv `in_channels → stem_w`.
    pub conv: Conv2d<B>,
    /// Its BatchNorm.
    pub bn: BatchNorm<B>,
    /// The max-pool of the ResNet stem.
    pub pool: Option<MaxPool2d>,
    /// The activation after the BN (the spec's; not a parameter).
    #[module(skip)]
    pub activation: Activation,
}

impl<B: Backend> Stem<B> {
    /// Builds the stem of a plan.
    pub fn new(plan: &StemPlan, device: &B::Device) -> Self {
        let mut cs = convs(|f| plan.for_each_op(f));
        let c = next_conv(&mut cs);
        let mut pool = None;
        plan.for_each_op(|op| {
            if let Op::MaxPool { k, stride, .. } = op {
                let (k, s, p) = (k as usize, stride as usize, (k as usize - 1) / 2);
                pool = Some(
                    MaxPool2dConfig::new([k, k])
                        .with_strides([s, s])
                        .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
                        .init(),
                );
            }
        });
        Self {
            conv: conv(c, device),
            bn: bn(c.c_out, false, device),
            pool,
            activation: Activation::Relu,
        }
    }
}

impl<B: RegNetOps> Stem<B> {
    /// conv → BN → activation (→ max-pool).
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let x = batch_norm_act(&self.bn, conv2d(&self.conv, x), None, Some(self.activation));
        match &self.pool {
            Some(pool) => pool.forward(x),
            None => x,
        }
    }
}
