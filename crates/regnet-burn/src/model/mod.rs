//! AnyNet modules: stem → stages of blocks → head (paper Fig. 3; pycls `AnyNet`).
//!
//! Every module is built from the layer plan of `regnet-anynet` ([`AnyNetSpec::plan`]): the convs are
//! taken, in order, from each plan's `for_each_op` walk, so widths, groups, strides, SE widths and
//! projections are exactly those the complexity counter sees. Nothing is re-derived here.

use burn::module::Module;
use burn::tensor::Tensor;
use burn::tensor::backend::Backend;
use burn_store::ModuleSnapshot;
use regnet_anynet::{Activation, AnyNetSpec};

use crate::BuildError;
use crate::config::AnyNetConfig;
use crate::ops::RegNetOps;

mod block;
mod head;
mod layers;
mod se;
mod stem;

pub use block::{BasicBlock, Block, BottleneckBlock};
pub use head::Head;
use layers::InitializeNow;
pub use layers::{
    BN_EPS, BN_MOMENTUM, ConvBn, FC_INIT_STD, activate, batch_norm, batch_norm_act, conv2d,
};
pub(crate) use layers::{bn, conv, convs, global_avg_pool, next_conv};
pub use se::SqueezeExcitation;
pub use stem::Stem;

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
