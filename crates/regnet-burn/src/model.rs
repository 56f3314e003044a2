//! AnyNet modules: stem → stages of blocks → head (paper Fig. 3; pycls `AnyNet`).
//!
//! Every module is built from the layer plan of `regnet-anynet` ([`AnyNetSpec::plan`]): the convs are
//! taken, in order, from each plan's `for_each_op` walk, so widths, groups, strides, SE widths and
//! projections are exactly those the complexity counter sees. Nothing is re-derived here.

use burn::module::{Initializer, Module, ModuleVisitor, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::activation::{self, relu, sigmoid};
use burn::tensor::backend::Backend;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Tensor, TensorPrimitive};
use burn_store::ModuleSnapshot;
use regnet_anynet::{Activation, AnyNetSpec, BlockPlan, BlockType, HeadPlan, Op, StemPlan};

use crate::BuildError;
use crate::config::AnyNetConfig;
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
fn batch_norm_add_relu<B: RegNetOps>(
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
struct InitializeNow;

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
    fn new(op: ConvOp, device: &B::Device) -> Self {
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

/// The bottleneck block (pycls `res_bottleneck_block`, the paper's X block; with SE the Y block;
/// without final ReLU and projection `res_bottleneck_linear_block`).
///
/// 1×1 conv w_in→w_b, BN, ReLU; 3×3 group conv w_b→w_b with the block stride (stride on the 3×3, as
/// ResNet v1.5 and pycls), BN, ReLU; [SE]; 1×1 conv w_b→w_out, BN; residual add (identity or
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

/// An AnyNet (paper Fig. 3): stem, stages of blocks, head. Any input resolution works ("same"
/// padding everywhere); input channels come from `spec.in_channels` (3 RGB, 1 grayscale).
///
/// ```
/// use burn::backend::Flex;
/// use burn::tensor::{Distribution, Tensor};
/// use regnet_anynet::zoo;
/// use regnet_burn::AnyNetConfig;
///
/// let mut spec = zoo::model("RegNetY-200MF")?;
/// spec.num_classes = 10;
/// let device = Default::default();
/// let model = AnyNetConfig::new(spec.clone()).init::<Flex>(&device)?;
/// assert_eq!(model.num_learnable_params() as u64, spec.complexity(32)?.params);
/// let x = Tensor::<Flex, 4>::random([2, 3, 32, 32], Distribution::Default, &device);
/// assert_eq!(model.forward(x).dims(), [2, 10]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Module, Debug)]
pub struct AnyNet<B: Backend> {
    /// The stem.
    pub stem: Stem<B>,
    /// The stages s1…sN, each a list of blocks b1…b_{d_i}.
    pub stages: Vec<Vec<Block<B>>>,
    /// The head.
    pub head: Head<B>,
}

impl<B: Backend> AnyNet<B> {
    /// Builds a model from a spec with pycls's init (validates the spec first).
    pub fn new(spec: &AnyNetSpec, device: &B::Device) -> Result<Self, BuildError> {
        AnyNetConfig::new(spec.clone()).init(device)
    }

    pub(crate) fn from_config(cfg: &AnyNetConfig, device: &B::Device) -> Result<Self, BuildError> {
        cfg.spec.validate()?;
        let plan = cfg.spec.plan();
        let mut model = Self {
            stem: Stem::new(&plan.stem, device),
            stages: plan
                .stages
                .iter()
                .map(|stage| {
                    stage
                        .iter()
                        .map(|b| Block::new(b, cfg.zero_init_last_bn, device))
                        .collect()
                })
                .collect(),
            head: Head::new(&plan.head, device),
        };
        model.set_activation(cfg.spec.activation);
        // burn initialises parameters lazily, at their first use. Draw every initial value now, in
        // module order, so the weights are fixed when the constructor returns: a seed set just
        // before construction (`B::seed`) then determines them even if another model draws from
        // the backend's process-global generator before this one runs its first forward pass.
        model.visit(&mut InitializeNow);
        Ok(model)
    }

    /// Sets the activation of every module (pycls `MODEL.ACTIVATION_FUN`; the spec's
    /// `activation`, which [`AnyNet::new`] applies). It has no parameters, so weights load the
    /// same whatever it is.
    pub fn set_activation(&mut self, a: Activation) {
        self.stem.activation = a;
        for block in self.stages.iter_mut().flatten() {
            match block {
                Block::Bottleneck(b) => {
                    b.activation = a;
                    if let Some(se) = &mut b.se {
                        se.activation = a;
                    }
                }
                Block::Basic(b) => b.activation = a,
            }
        }
        self.head.activation = a;
    }

    /// Learnable parameters (conv and FC weights and biases, BN γ and β): the count of the paper and
    /// pycls, equal to [`regnet_anynet::Complexity::params`] of the spec.
    ///
    /// burn's [`Module::num_params`] is larger: it also counts the BatchNorm running mean and
    /// variance (burn visits them as float tensors), i.e. 2·c more per BatchNorm of c channels.
    pub fn num_learnable_params(&self) -> usize {
        self.collect(None, None, true)
            .iter()
            .filter(|s| {
                let last = s.path_stack.as_ref().and_then(|p| p.last());
                !matches!(
                    last.map(String::as_str),
                    Some("running_mean" | "running_var")
                )
            })
            .map(|s| s.shape.num_elements())
            .sum()
    }
}

impl<B: RegNetOps> AnyNet<B> {
    /// Logits `[n, num_classes]` of images `[n, in_channels, h, w]`.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        let x = self.features(x);
        self.head.forward(x)
    }

    /// The output of the last stage, `[n, w_last, h', w']` (before the head).
    pub fn features(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let mut x = self.stem.forward(x);
        for stage in &self.stages {
            for block in stage {
                x = block.forward(x);
            }
        }
        x
    }
}
