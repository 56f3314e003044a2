//! The blocks of a stage (paper Fig. 4 and Appendix: X/Y bottleneck, R basic, V vanilla).

use burn::module::Module;
use burn::nn::BatchNorm;
use burn::nn::conv::Conv2d;
use burn::tensor::Tensor;
use burn::tensor::backend::Backend;
use regnet_anynet::{Activation, BlockPlan, BlockType};

use crate::ops::RegNetOps;

use super::layers::{ConvBn, batch_norm_act, bn, conv, conv2d, convs, next_conv};
use super::se::SqueezeExcitation;

/// The bottleneck block (pycls `res_bottleneck_block`, the paper's X block; with SE the Y block;
/// without final ReLU and projection `res_bottleneck_linear_block`).
///
/// 1×1 conv w_in→w_b, BN, ReLU; 3×3 group conv w_b→w_b with the block stride (stride on the 3×3, as
/// ResNet v1.5 and pycls), BN, ReLU; \[SE\]; 1×1 conv w_b→w_out, BN; residual add (identity or
/// projection); ReLU.
#[derive(Module, Debug)]
pub struct BottleneckBlock<B: Backend> {
    /// 1×1 conv w_in → w_b.
    pub a: Conv2d<B>,
    /// BN after `a`.
    pub a_bn: BatchNorm<B>,
    /// 3×3 group conv w_b → w_b (groups = w_b // g) with the block's stride.
    pub b: Conv2d<B>,
    /// BN after `b`.
    pub b_bn: BatchNorm<B>,
    /// Squeeze-excitation (RegNetY).
    pub se: Option<SqueezeExcitation<B>>,
    /// 1×1 conv w_b → w_out.
    pub c: Conv2d<B>,
    /// BN after `c` (the block's last BN; γ can be zero-initialised).
    pub c_bn: BatchNorm<B>,
    /// Projection shortcut (1×1 conv with the stride + BN), present iff the plan says so.
    pub proj: Option<ConvBn<B>>,
    /// Whether the block adds its input (or projection) to the transform.
    pub residual: bool,
    /// Whether the activation follows the add (false for the linear bottleneck).
    pub final_relu: bool,
    /// The activation after the first two BNs and after the add (the spec's; not a parameter).
    #[module(skip)]
    pub activation: Activation,
}

impl<B: Backend> BottleneckBlock<B> {
    fn new(plan: &BlockPlan, zero_last_gamma: bool, device: &B::Device) -> Self {
        let mut cs = convs(|f| plan.for_each_op(f));
        let proj = plan.proj.then(|| ConvBn::new(next_conv(&mut cs), device));
        let (a, b) = (next_conv(&mut cs), next_conv(&mut cs));
        let se = plan.w_se.map(|_| SqueezeExcitation {
            reduce: conv(next_conv(&mut cs), device),
            expand: conv(next_conv(&mut cs), device),
            activation: Activation::Relu,
        });
        let c = next_conv(&mut cs);
        Self {
            a: conv(a, device),
            a_bn: bn(a.c_out, false, device),
            b: conv(b, device),
            b_bn: bn(b.c_out, false, device),
            se,
            c: conv(c, device),
            c_bn: bn(c.c_out, zero_last_gamma, device),
            proj,
            residual: plan.residual,
            final_relu: plan.kind != BlockType::ResBottleneckLinear,
            activation: Activation::Relu,
        }
    }
}

impl<B: RegNetOps> BottleneckBlock<B> {
    /// The block's forward pass.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        // Skip connection: identity or projection, from the block input.
        let skip = match (&self.proj, self.residual) {
            (Some(proj), _) => Some(proj.forward(x.clone())),
            (None, true) => Some(x.clone()),
            (None, false) => None,
        };
        // Transform: 1×1, BN, ReLU; 3×3 group conv (stride), BN, ReLU; [SE]; 1×1.
        let act = Some(self.activation);
        let out = batch_norm_act(&self.a_bn, conv2d(&self.a, x), None, act);
        let out = batch_norm_act(&self.b_bn, conv2d(&self.b, out), None, act);
        let out = match &self.se {
            Some(se) => se.forward(out),
            None => out,
        };
        // BN, residual add, ReLU: one fused op.
        let last = self.final_relu.then_some(self.activation);
        batch_norm_act(&self.c_bn, conv2d(&self.c, out), skip, last)
    }
}

/// The two-3×3-conv blocks: R (pycls `res_basic_block`, ResNet basic block, with residual and
/// projection) and V (pycls `vanilla_block`, no residual; the paper describes V with a single 3×3
/// conv, pycls and this crate use the VGG-style pair).
#[derive(Module, Debug)]
pub struct BasicBlock<B: Backend> {
    /// 3×3 conv w_in → w_out with the block's stride.
    pub a: Conv2d<B>,
    /// BN after `a`.
    pub a_bn: BatchNorm<B>,
    /// 3×3 conv w_out → w_out.
    pub b: Conv2d<B>,
    /// BN after `b` (the block's last BN).
    pub b_bn: BatchNorm<B>,
    /// Projection shortcut of the R block, present iff the plan says so.
    pub proj: Option<ConvBn<B>>,
    /// Whether the block adds a residual (R) or not (V).
    pub residual: bool,
    /// The activation after each BN (after the add in R); the spec's, not a parameter.
    #[module(skip)]
    pub activation: Activation,
}

impl<B: Backend> BasicBlock<B> {
    fn new(plan: &BlockPlan, zero_last_gamma: bool, device: &B::Device) -> Self {
        let mut cs = convs(|f| plan.for_each_op(f));
        let proj = plan.proj.then(|| ConvBn::new(next_conv(&mut cs), device));
        let (a, b) = (next_conv(&mut cs), next_conv(&mut cs));
        Self {
            a: conv(a, device),
            a_bn: bn(a.c_out, false, device),
            b: conv(b, device),
            b_bn: bn(b.c_out, zero_last_gamma && plan.residual, device),
            proj,
            residual: plan.residual,
            activation: Activation::Relu,
        }
    }
}

impl<B: RegNetOps> BasicBlock<B> {
    /// The block's forward pass.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let skip = match (&self.proj, self.residual) {
            (Some(proj), _) => Some(proj.forward(x.clone())),
            (None, true) => Some(x.clone()),
            (None, false) => None,
        };
        let act = Some(self.activation);
        let out = batch_norm_act(&self.a_bn, conv2d(&self.a, x), None, act);
        // BN, residual add (R), activation: one fused op.
        batch_norm_act(&self.b_bn, conv2d(&self.b, out), skip, act)
    }
}

/// A block of any type; one `forward` matches on the variant.
#[derive(Module, Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "blocks are built once and stored in Vecs; boxing would hide the variant from burn's Module derive"
)]
pub enum Block<B: Backend> {
    /// X / Y / linear bottleneck block.
    Bottleneck(BottleneckBlock<B>),
    /// R or V block.
    Basic(BasicBlock<B>),
}

impl<B: Backend> Block<B> {
    /// Builds the block of a plan; `zero_last_gamma` zero-initialises the γ of the last BN of a
    /// residual block.
    pub fn new(plan: &BlockPlan, zero_last_gamma: bool, device: &B::Device) -> Self {
        if plan.kind.is_bottleneck() {
            Self::Bottleneck(BottleneckBlock::new(plan, zero_last_gamma, device))
        } else {
            Self::Basic(BasicBlock::new(plan, zero_last_gamma, device))
        }
    }
}

impl<B: RegNetOps> Block<B> {
    /// The block's forward pass.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        match self {
            Self::Bottleneck(b) => b.forward(x),
            Self::Basic(b) => b.forward(x),
        }
    }
}
