//! The head: optional 1×1 conv, global average pool, FC (paper Fig. 3a; pycls `AnyHead`).

use burn::module::{Initializer, Module};
use burn::nn::{Linear, LinearConfig};
use burn::tensor::Tensor;
use burn::tensor::backend::Backend;
use regnet_anynet::{Activation, HeadPlan, Op};

use crate::ops::RegNetOps;

use super::layers::{ConvBn, FC_INIT_STD, convs, global_avg_pool, next_conv};

/// The head: optional 1×1 conv + BN + ReLU, global average pool, fully connected layer.
#[derive(Module, Debug)]
pub struct Head<B: Backend> {
    /// The optional 1×1 conv to `head_w` with its BN (pycls `head.conv`, `head.bn`).
    pub conv: Option<ConvBn<B>>,
    /// FC `c → num_classes` with bias; init N(0, 0.01), bias 0.
    pub fc: Linear<B>,
    /// The activation after the head conv's BN (the spec's; not a parameter).
    #[module(skip)]
    pub activation: Activation,
}

impl<B: Backend> Head<B> {
    /// Builds the head of a plan.
    pub fn new(plan: &HeadPlan, device: &B::Device) -> Self {
        let mut cs = convs(|f| plan.for_each_op(f));
        let conv = (plan.head_w > 0).then(|| ConvBn::new(next_conv(&mut cs), device));
        let mut fc_dims = (0, 0);
        plan.for_each_op(|op| {
            if let Op::Linear { c_in, c_out } = op {
                fc_dims = (c_in as usize, c_out as usize);
            }
        });
        let mut fc = LinearConfig::new(fc_dims.0, fc_dims.1)
            .with_initializer(Initializer::Normal {
                mean: 0.0,
                std: FC_INIT_STD,
            })
            .init(device);
        fc.bias = Some(Initializer::Zeros.init([fc_dims.1], device));
        Self {
            conv,
            fc,
            activation: Activation::Relu,
        }
    }
}

impl<B: RegNetOps> Head<B> {
    /// [conv → BN → ReLU] → pool → FC; returns logits `[n, num_classes]`.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        let x = match &self.conv {
            Some(c) => c.forward_act(x, self.activation),
            None => x,
        };
        let [n, c, _, _] = x.dims();
        self.fc.forward(global_avg_pool(x).reshape([n, c]))
    }
}
