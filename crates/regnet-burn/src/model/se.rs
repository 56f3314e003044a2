//! Squeeze-and-excitation (RegNetY, paper §5; pycls `SE`).

use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::tensor::Tensor;
use burn::tensor::activation::sigmoid;
use burn::tensor::backend::Backend;
use regnet_anynet::Activation;

use crate::ops::RegNetOps;

use super::layers::{activate, conv2d, global_avg_pool};

/// Squeeze-and-excitation (paper §5 "RegNetY"; Hu et al.): global average pool, 1×1 conv with bias
/// w_b → w_se, ReLU, 1×1 conv with bias w_se → w_b, sigmoid, channel-wise multiply.
#[derive(Module, Debug)]
pub struct SqueezeExcitation<B: Backend> {
    /// 1×1 conv w_b → w_se with bias (pycls `f_ex.0`).
    pub reduce: Conv2d<B>,
    /// 1×1 conv w_se → w_b with bias (pycls `f_ex.2`).
    pub expand: Conv2d<B>,
    /// The activation between the two convs (the gate stays a sigmoid).
    #[module(skip)]
    pub activation: Activation,
}

impl<B: RegNetOps> SqueezeExcitation<B> {
    /// pool → conv → activation → conv → sigmoid → x · gate.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let s = global_avg_pool(x.clone());
        let s = activate(self.activation, conv2d(&self.reduce, s));
        let s = sigmoid(conv2d(&self.expand, s));
        x * s
    }
}
