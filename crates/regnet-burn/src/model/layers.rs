//! The pieces every module is made of: convs and BatchNorms from the plan's conv walk, pycls's
//! init, and the forward helpers that route convolution and BatchNorm (+ residual + activation)
//! through [`RegNetOps`].

use burn::module::{Initializer, Module, ModuleVisitor, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::tensor::activation::{self, relu};
use burn::tensor::backend::Backend;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Tensor, TensorPrimitive};
use regnet_anynet::{Activation, Op};

use crate::ops::RegNetOps;

/// BatchNorm ε (pycls `BN.EPS`, PyTorch default).
pub const BN_EPS: f64 = 1e-5;
/// BatchNorm momentum in PyTorch's convention: running = (1 − m)·running + m·batch (pycls `BN.MOM`).
/// burn uses the same convention.
pub const BN_MOMENTUM: f64 = 0.1;
/// Standard deviation of the FC weight init (pycls `init_weights`).
pub const FC_INIT_STD: f64 = 0.01;

/// One conv of a plan: (k, c_in, c_out, stride, groups, bias).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConvOp {
    pub(crate) k: usize,
    pub(crate) c_in: usize,
    pub(crate) c_out: usize,
    pub(crate) stride: usize,
    pub(crate) groups: usize,
    pub(crate) bias: bool,
}

/// The convs of a plan walk, in figure order.
pub(crate) fn convs(walk: impl FnOnce(&mut dyn FnMut(Op))) -> std::vec::IntoIter<ConvOp> {
    let mut out = Vec::new();
    walk(&mut |op| {
        if let Op::Conv {
            k,
            c_in,
            c_out,
            stride,
            groups,
            bias,
        } = op
        {
            out.push(ConvOp {
                k: k as usize,
                c_in: c_in as usize,
                c_out: c_out as usize,
                stride: stride as usize,
                groups: groups as usize,
                bias,
            });
        }
    });
    out.into_iter()
}

/// Takes the next conv of a walk; the walk's length is fixed by the plan, so running out is a bug.
pub(crate) fn next_conv(it: &mut std::vec::IntoIter<ConvOp>) -> ConvOp {
    it.next()
        .expect("layer plan walk yields the convs the module builder expects")
}

/// A k×k conv with "same" padding (k−1)/2 and pycls init: weight ~ N(0, sqrt(2 / (k·k·c_out)))
/// (fan-out, not divided by groups, also for SE convs). A bias (SE convs only) keeps PyTorch's
/// default U(±1/sqrt(fan_in)), which is burn's default initializer too.
pub(crate) fn conv<B: Backend>(op: ConvOp, device: &B::Device) -> Conv2d<B> {
    let p = (op.k - 1) / 2;
    let mut conv = Conv2dConfig::new([op.c_in, op.c_out], [op.k, op.k])
        .with_stride([op.stride, op.stride])
        .with_groups(op.groups)
        .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
        .with_bias(op.bias)
        .init(device);
    let std = (2.0 / (op.k * op.k * op.c_out) as f64).sqrt();
    conv.weight = Initializer::Normal { mean: 0.0, std }
        .init([op.c_out, op.c_in / op.groups, op.k, op.k], device);
    conv
}

/// BatchNorm with ε = 1e-5, momentum 0.1, γ = 1 (or 0 when `zero_gamma`), β = 0.
pub(crate) fn bn<B: Backend>(c: usize, zero_gamma: bool, device: &B::Device) -> BatchNorm<B> {
    let mut bn = BatchNormConfig::new(c)
        .with_epsilon(BN_EPS)
        .with_momentum(BN_MOMENTUM)
        .init(device);
    if zero_gamma {
        bn.gamma = Initializer::Zeros.init([c], device);
    }
    bn
}

/// The activation `a` applied elementwise (pycls's `activation()`): ReLU, SiLU or GELU.
pub fn activate<B: Backend, const D: usize>(a: Activation, x: Tensor<B, D>) -> Tensor<B, D> {
    match a {
        Activation::Relu => relu(x),
        Activation::Silu => activation::silu(x),
        Activation::Gelu => activation::gelu(x),
    }
}

/// BatchNorm over `[n, c, h, w]` with PyTorch's semantics (pycls `nn.BatchNorm2d`), then the
/// residual `+ r` when given, then the activation `act` when given: the X block's "BN → ReLU"
/// and "BN → add → ReLU" as one op (ReLU is fused into the op; SiLU and GELU follow it as burn
/// tensor ops).
///
/// Training (an autodiff device): batch statistics μ_c, σ²_c (biased) normalise the input,
/// y = (x − μ_c)·γ_c/√(σ²_c + ε) + β_c, computed by [`RegNetOps::regnet_batch_norm`] (flex: a
/// fused two-pass kernel; its backward is one node of the autodiff graph), and the running
/// statistics move by the momentum m: running_mean ← (1 − m)·running_mean + m·μ_c and
/// running_var ← (1 − m)·running_var + m·σ²_c·N/(N − 1) with N = n·h·w, the *unbiased* variance
/// as PyTorch (burn's own `BatchNorm` uses the biased one).
/// Inference: the running statistics instead of the batch's, with tensor ops.
pub fn batch_norm_act<B: RegNetOps>(
    bn: &BatchNorm<B>,
    x: Tensor<B, 4>,
    residual: Option<Tensor<B, 4>>,
    act: Option<Activation>,
) -> Tensor<B, 4> {
    let relu = act == Some(Activation::Relu);
    let y = batch_norm_add_relu(bn, x, residual, relu);
    match act {
        Some(a) if a != Activation::Relu => activate(a, y),
        _ => y,
    }
}

/// [`batch_norm_act`] with ReLU or no activation.
pub(crate) fn batch_norm_add_relu<B: RegNetOps>(
    bn: &BatchNorm<B>,
    x: Tensor<B, 4>,
    residual: Option<Tensor<B, 4>>,
    relu: bool,
) -> Tensor<B, 4> {
    let [n, c, h, w] = x.dims();
    let device = x.device();
    if B::ad_enabled(&device) {
        let out = B::regnet_batch_norm(
            x.into_primitive().tensor(),
            bn.gamma.val().into_primitive().tensor(),
            bn.beta.val().into_primitive().tensor(),
            residual.map(|r| r.into_primitive().tensor()),
            bn.epsilon,
            relu,
        );
        let mean: Tensor<B, 1> = Tensor::from_primitive(TensorPrimitive::Float(out.mean));
        let var: Tensor<B, 1> = Tensor::from_primitive(TensorPrimitive::Float(out.var));
        let count = (n * h * w) as f64;
        let unbiased = if count > 1.0 {
            count / (count - 1.0)
        } else {
            1.0
        };
        let m = bn.momentum;
        let running_mean = bn.running_mean.value_sync().to_device(&device);
        let running_var = bn.running_var.value_sync().to_device(&device);
        bn.running_mean.update(
            running_mean
                .mul_scalar(1.0 - m)
                .add(mean.detach().mul_scalar(m))
                .detach(),
        );
        bn.running_var.update(
            running_var
                .mul_scalar(1.0 - m)
                .add(var.detach().mul_scalar(m * unbiased))
                .detach(),
        );
        return Tensor::from_primitive(TensorPrimitive::Float(out.y));
    }
    // Inference. The activation is viewed as `[n, c, h·w]` and per-channel values are
    // materialised as `[n, c, 1]` (a few KB), the "one scalar per row" broadcast flex vectorises.
    let x = x.reshape([n, c, h * w]);
    let per_row = |t: Tensor<B, 3>| t.repeat_dim(0, n);
    let mean = bn
        .running_mean
        .value()
        .to_device(&device)
        .reshape([1, c, 1]);
    let var = bn.running_var.value().to_device(&device);
    let inv_std = var.add_scalar(bn.epsilon).sqrt().recip().reshape([1, c, 1]);
    // γ_c/√(σ²_c + ε) and β_c − μ_c·γ_c/√(σ²_c + ε) once per channel.
    let scale = inv_std * bn.gamma.val().reshape([1, c, 1]);
    let shift = bn.beta.val().reshape([1, c, 1]) - mean * scale.clone();
    let mut y = x * per_row(scale) + per_row(shift);
    if let Some(r) = residual {
        y = y + r.reshape([n, c, h * w]);
    }
    if relu {
        y = activation::relu(y);
    }
    y.reshape([n, c, h, w])
}

/// BatchNorm alone: [`batch_norm_act`] without residual and ReLU.
pub fn batch_norm<B: RegNetOps>(bn: &BatchNorm<B>, x: Tensor<B, 4>) -> Tensor<B, 4> {
    batch_norm_act(bn, x, None, None)
}

/// A burn `Conv2d` applied through [`RegNetOps::regnet_conv2d`] (flex: batch-folded GEMMs per
/// group; its backward is one node of the autodiff graph). Padding other than symmetric explicit
/// padding (the modules here build only that) goes through burn's `Conv2d::forward`.
pub fn conv2d<B: RegNetOps>(conv: &Conv2d<B>, x: Tensor<B, 4>) -> Tensor<B, 4> {
    let [top, left] = match &conv.padding {
        PaddingConfig2d::Explicit(top, left, bottom, right) if top == bottom && left == right => {
            [*top, *left]
        }
        PaddingConfig2d::Valid => [0, 0],
        _ => return conv.forward(x),
    };
    let options = ConvOptions::new(conv.stride, [top, left], conv.dilation, conv.groups);
    let out = B::regnet_conv2d(
        x.into_primitive().tensor(),
        conv.weight.val().into_primitive().tensor(),
        conv.bias
            .as_ref()
            .map(|b| b.val().into_primitive().tensor()),
        options,
    );
    Tensor::from_primitive(TensorPrimitive::Float(out))
}

/// Touches every float parameter, which makes burn run its lazy initialiser.
pub(crate) struct InitializeNow;

impl<B: Backend> ModuleVisitor<B> for InitializeNow {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        let _ = param.val();
    }
}

/// Global average pool to `[n, c, 1, 1]`.
pub(crate) fn global_avg_pool<B: Backend>(x: Tensor<B, 4>) -> Tensor<B, 4> {
    let [n, c, h, w] = x.dims();
    x.reshape([n, c, h * w]).mean_dim(2).reshape([n, c, 1, 1])
}

/// A conv followed by BatchNorm (the projection shortcut and the optional head conv).
#[derive(Module, Debug)]
pub struct ConvBn<B: Backend> {
    /// The conv (no bias).
    pub conv: Conv2d<B>,
    /// Its BatchNorm.
    pub bn: BatchNorm<B>,
}

impl<B: Backend> ConvBn<B> {
    pub(crate) fn new(op: ConvOp, device: &B::Device) -> Self {
        Self {
            conv: conv(op, device),
            bn: bn(op.c_out, false, device),
        }
    }
}

impl<B: RegNetOps> ConvBn<B> {
    /// conv → BN.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        batch_norm(&self.bn, conv2d(&self.conv, x))
    }

    /// conv → BN → activation.
    pub fn forward_act(&self, x: Tensor<B, 4>, act: Activation) -> Tensor<B, 4> {
        batch_norm_act(&self.bn, conv2d(&self.conv, x), None, Some(act))
    }
}
