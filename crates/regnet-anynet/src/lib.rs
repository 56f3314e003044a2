//! AnyNet design-space models: specs, exact complexity, the RegNet zoo and pycls configs.
//!
//! From "Designing Network Design Spaces" (Radosavovic, Kosaraju, Girshick, He, Dollár, CVPR 2020).
//! An [`AnyNetSpec`] is a stem, stages of identical blocks (depth d_i, width w_i, bottleneck multiplier
//! 1/b_i, group width g_i, stride) and a head. It expands into a layer plan ([`plan`]) that every
//! consumer walks: the exact complexity counter ([`AnyNetSpec::complexity`]), the burn module builder,
//! summaries. [`EffNetSpec`] is the EfficientNet baseline (MBConv blocks) walked the same way.
//! [`RegNetParams`] generates a spec from the quantized linear rule; [`zoo`] holds the
//! published models; [`parse_pycls_config`] reads the authors' YAML configs and
//! [`AnyNetSpec::to_pycls_yaml`] writes one. [`scale_model`] scales depth, width, group width and
//! resolution as "Fast and Accurate Model Scaling" (Dollár, Singh, Girshick, CVPR 2021) and pycls's
//! `scaler.py` do.
//!
//! Conventions follow the reference implementation (pycls) to the integer, including its round-half-
//! to-even rounding; where the paper differs, the docs say so.
//!
//! ```
//! use regnet_anynet::{RegNetParams, zoo};
//!
//! let spec = RegNetParams::regnetx(13, 24, 36.44, 2.49, 8).to_spec()?;
//! assert_eq!(spec.widths(), vec![24, 56, 152, 368]);
//! let c = spec.complexity(224)?;
//! assert_eq!((c.flops, c.params, c.acts), (199_040_872, 2_684_792, 2_164_056));
//! assert_eq!(zoo::model("regnetx-200mf")?, spec);
//! # Ok::<(), regnet_anynet::SpecError>(())
//! ```

mod complexity;
mod effnet;
mod error;
pub mod plan;
mod pycls;
mod regnet;
mod scale;
pub mod space;
mod spec;
pub mod zoo;

pub use complexity::{Complexity, PartComplexity};
pub use effnet::{EffNetPlan, EffNetSpec, EffStageSpec, MAX_EXP_RATIO, MAX_KERNEL, MbConvPlan};
pub use error::SpecError;
pub use plan::{BlockPlan, HeadPlan, ModelPlan, Op, StemPlan};
pub use pycls::{
    MAX_CONFIG_BYTES, MAX_CONFIG_NESTING, PyclsConfig, PyclsEffNetConfig, PyclsModel,
    load_pycls_config, load_pycls_model, parse_pycls_config, parse_pycls_model,
};
pub use regnet::RegNetParams;
pub use scale::{
    DEFAULT_RESOLUTION, MAX_RESOLUTION, ScaleError, ScaledModel, ScalingFactors, ScalingStrategy,
    scale_model, scale_resolution,
};
pub use space::{Constraints, DesignSpace, NetworkIo, SampleError, SampleRecord, Sampler, Window};
pub use spec::{
    Activation, AnyNetSpec, BlockType, MAX_BLOCKS, MAX_CHANNELS, MAX_CLASSES, MAX_SE_R, MAX_STAGES,
    MAX_STRIDE, StageSpec, StemType,
};
