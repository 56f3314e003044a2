//! EfficientNet modules as pycls builds them (`pycls/models/effnet.py`, GitHub version): stem →
//! stages of MBConv blocks → head with dropout. The baseline of the paper's Table 4.
//!
//! Built from the layer plan of `regnet-anynet` ([`EffNetSpec::plan`]) exactly as [`crate::AnyNet`]
//! is: the convs are taken, in order, from each plan's `for_each_op` walk, so expanded widths,
//! depthwise groups, SE widths and strides are those the complexity counter sees. The stem, SE and
//! head modules are the AnyNet ones; convs and BatchNorms go through the same [`RegNetOps`] kernels
//! (a depthwise conv is a conv with `groups = channels`).
//!
//! Field names are pycls's (`exp`, `exp_bn`, `dwise`, `dwise_bn`, `se`, `lin_proj`,
//! `lin_proj_bn`), so checkpoint keys map one to one ([`crate::weights::effnet`]).

use burn::config::Config;
use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::conv::Conv2d;
use burn::nn::{BatchNorm, Dropout, DropoutConfig};
use burn::tensor::backend::Backend;
use burn::tensor::{Distribution, Tensor};
use burn_store::ModuleSnapshot;
use regnet_anynet::{Activation, EffNetSpec, MbConvPlan};

use crate::model::{bn, conv, convs, global_avg_pool, next_conv};
use crate::ops::RegNetOps;
use crate::{BuildError, Head, SqueezeExcitation, Stem, batch_norm_act, conv2d};

/// The mobile inverted bottleneck block with SE (pycls `MBConv`; Sandler et al. 2018, Tan & Le
/// 2019): [1×1 expansion w_in → w_exp, BN, act], k×k depthwise conv with the stride, BN, act, SE
/// (on w_exp, SE width from the block input), 1×1 linear projection w_exp → w_out, BN (no
/// activation), identity skip when stride 1 and w_in = w_out, with drop-connect in training.
#[derive(Module, Debug)]
pub struct MbConv<B: Backend> {
    /// 1×1 expansion conv w_in → w_exp, absent when w_exp = w_in (pycls `exp`).
    pub exp: Option<Conv2d<B>>,
    /// BN after `exp` (pycls `exp_bn`).
    pub exp_bn: Option<BatchNorm<B>>,
    /// k×k depthwise conv w_exp → w_exp, groups = w_exp, with the block's stride (pycls `dwise`).
    pub dwise: Conv2d<B>,
    /// BN after `dwise` (pycls `dwise_bn`).
    pub dwise_bn: BatchNorm<B>,
    /// Squeeze-excitation on w_exp channels (pycls `se`, convs `f_ex.0` and `f_ex.2`).
    pub se: SqueezeExcitation<B>,
    /// 1×1 linear projection w_exp → w_out (pycls `lin_proj`).
    pub lin_proj: Conv2d<B>,
    /// BN after `lin_proj` (pycls `lin_proj_bn`).
    pub lin_proj_bn: BatchNorm<B>,
    /// Whether the block adds its input (pycls `has_skip`).
    pub residual: bool,
    /// The activation after the expansion and depthwise BNs and inside SE (not a parameter).
    #[module(skip)]
    pub activation: Activation,
    /// Drop-connect ratio of the residual branch in training (pycls `EN.DC_RATIO`).
    #[module(skip)]
    pub dc_ratio: f64,
}

impl<B: Backend> MbConv<B> {
    /// Builds the block of a plan.
    pub fn new(
        plan: &MbConvPlan,
        activation: Activation,
        dc_ratio: f64,
        device: &B::Device,
    ) -> Self {
        let mut cs = convs(|f| plan.for_each_op(f));
        let exp = plan.expand.then(|| next_conv(&mut cs));
        let dwise = next_conv(&mut cs);
        let (reduce, expand) = (next_conv(&mut cs), next_conv(&mut cs));
        let lin_proj = next_conv(&mut cs);
        Self {
            exp: exp.map(|op| conv(op, device)),
            exp_bn: exp.map(|op| bn(op.c_out, false, device)),
            dwise: conv(dwise, device),
            dwise_bn: bn(dwise.c_out, false, device),
            se: SqueezeExcitation {
                reduce: conv(reduce, device),
                expand: conv(expand, device),
                activation,
            },
            lin_proj: conv(lin_proj, device),
            lin_proj_bn: bn(lin_proj.c_out, false, device),
            residual: plan.residual,
            activation,
            dc_ratio,
        }
    }
}

impl<B: RegNetOps> MbConv<B> {
    /// The block's forward pass (pycls `MBConv.forward`).
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let act = Some(self.activation);
        // Expansion (1×1, BN, act), unless the ratio keeps the width.
        let f_x = match (&self.exp, &self.exp_bn) {
            (Some(c), Some(b)) => batch_norm_act(b, conv2d(c, x.clone()), None, act),
            _ => x.clone(),
        };
        // Depthwise k×k with the stride, BN, act; SE.
        let f_x = batch_norm_act(&self.dwise_bn, conv2d(&self.dwise, f_x), None, act);
        let f_x = self.se.forward(f_x);
        let f_x = conv2d(&self.lin_proj, f_x);
        let training = B::ad_enabled(&x.device());
        match (self.residual, training && self.dc_ratio > 0.0) {
            // Linear projection BN, then the skip add: one fused op.
            (true, false) => batch_norm_act(&self.lin_proj_bn, f_x, Some(x), None),
            // Drop-connect: zero each sample's branch with probability dc_ratio, scale the kept
            // ones by 1/(1 − dc_ratio), then add the input.
            (true, true) => {
                let f_x = batch_norm_act(&self.lin_proj_bn, f_x, None, None);
                let keep = 1.0 - self.dc_ratio;
                let [n, ..] = f_x.dims();
                let mask = Tensor::<B, 4>::random(
                    [n, 1, 1, 1],
                    Distribution::Bernoulli(keep),
                    &f_x.device(),
                )
                .div_scalar(keep);
                f_x * mask + x
            }
            (false, _) => batch_norm_act(&self.lin_proj_bn, f_x, None, None),
        }
    }
}

/// Touches every float parameter, which makes burn run its lazy initialiser.
struct InitializeNow;

impl<B: Backend> ModuleVisitor<B> for InitializeNow {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        let _ = param.val();
    }
}

/// The serialisable twin of [`EffNet`]: the spec. Saved as JSON next to a checkpoint, it is all
/// that is needed to rebuild the module before loading its weights.
#[derive(Config, Debug)]
pub struct EffNetConfig {
    /// The model: stem width, MBConv stages, SE ratio, head width, classes, activation, ratios.
    pub spec: EffNetSpec,
}

impl EffNetConfig {
    /// Builds the model with pycls's init (`init_weights`: conv N(0, sqrt(2 / (k·k·c_out))), BN
    /// γ = 1, β = 0, FC N(0, 0.01) and bias 0); fails with the spec's error if it is invalid.
    pub fn init<B: Backend>(&self, device: &B::Device) -> Result<EffNet<B>, BuildError> {
        EffNet::new(&self.spec, device)
    }
}

/// An EfficientNet (pycls `EffNet`): stem (3×3 conv stride 2, BN, act), MBConv stages, head (1×1
/// conv to `head_w`, BN, act, global average pool, dropout, FC). Any input resolution works.
///
/// ```
/// use burn::backend::Flex;
/// use burn::tensor::{Distribution, Tensor};
/// use regnet_anynet::zoo;
/// use regnet_burn::EffNet;
///
/// let mut spec = zoo::effnet("EN-B0")?.spec;
/// spec.num_classes = 10;
/// let device = Default::default();
/// let model: EffNet<Flex> = EffNet::new(&spec, &device)?;
/// assert_eq!(model.num_learnable_params() as u64, spec.complexity(32)?.params);
/// let x = Tensor::<Flex, 4>::random([1, 3, 32, 32], Distribution::Default, &device);
/// assert_eq!(model.forward(x).dims(), [1, 10]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Module, Debug)]
pub struct EffNet<B: Backend> {
    /// The stem (pycls `stem`: `conv`, `bn`).
    pub stem: Stem<B>,
    /// The stages s1…sN, each a list of MBConv blocks b1…b_{d_i}.
    pub stages: Vec<Vec<MbConv<B>>>,
    /// The head (pycls `head`: `conv`, `conv_bn`, `fc`); its conv is always present.
    pub head: Head<B>,
    /// Dropout before the FC (pycls `EN.DROPOUT_RATIO`; active only in training).
    pub dropout: Option<Dropout>,
}

impl<B: Backend> EffNet<B> {
    /// Builds a model from a spec with pycls's init (validates the spec first).
    pub fn new(spec: &EffNetSpec, device: &B::Device) -> Result<Self, BuildError> {
        spec.validate()?;
        let plan = spec.plan();
        let mut stem = Stem::new(&plan.stem, device);
        stem.activation = spec.activation;
        let mut head = Head::new(&plan.head, device);
        head.activation = spec.activation;
        let model = Self {
            stem,
            stages: plan
                .stages
                .iter()
                .map(|stage| {
                    stage
                        .iter()
                        .map(|b| MbConv::new(b, spec.activation, spec.dc_ratio, device))
                        .collect()
                })
                .collect(),
            head,
            dropout: (spec.dropout_ratio > 0.0)
                .then(|| DropoutConfig::new(spec.dropout_ratio).init()),
        };
        // Draw every initial value now, in module order (see `AnyNet::new`).
        model.visit(&mut InitializeNow);
        Ok(model)
    }

    /// Learnable parameters (conv and FC weights and biases, BN γ and β; not the BN running
    /// statistics, which burn also visits): equal to [`regnet_anynet::Complexity::params`].
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

impl<B: RegNetOps> EffNet<B> {
    /// Logits `[n, num_classes]` of images `[n, in_channels, h, w]`.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        let x = self.features(x);
        // Head: 1×1 conv, BN, act; pool; dropout; FC.
        let x = match &self.head.conv {
            Some(c) => c.forward_act(x, self.head.activation),
            None => x,
        };
        let [n, c, _, _] = x.dims();
        let x = global_avg_pool(x).reshape([n, c]);
        let x = match &self.dropout {
            Some(d) => d.forward(x),
            None => x,
        };
        self.head.fc.forward(x)
    }

    /// The output of the last stage, `[n, w_last, h', w']` (before the head).
    pub fn features(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let mut x = self.stem.forward(x);
        for block in self.stages.iter().flatten() {
            x = block.forward(x);
        }
        x
    }
}
