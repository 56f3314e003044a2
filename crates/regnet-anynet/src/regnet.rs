//! RegNet parameters → AnyNet spec (paper §3.3; pycls `regnet_cfg_to_anynet_cfg`).

use regnet_quantized::{
    DEFAULT_Q, Generated, QuantizedLinear, StageCompat, adjust_block_compatibility,
};
use serde::{Deserialize, Serialize};

use crate::{AnyNetSpec, BlockType, SpecError, StageSpec, StemType};

/// A RegNet: the quantized linear widths (d, w0, wa, wm) plus the per-model constants shared by all
/// stages (group width g, bottleneck multiplier, SE ratio, stride) and the stem/head.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RegNetParams {
    /// Depth d (number of blocks).
    pub d: u32,
    /// Initial width w0 (multiple of q).
    pub w0: u32,
    /// Slope wa.
    pub wa: f64,
    /// Width multiplier wm.
    pub wm: f64,
    /// Group width g (shared by all stages, before the compatibility adjustment).
    #[serde(rename = "group_width", alias = "g")]
    pub g: u32,
    /// Bottleneck multiplier (1 / b; 1.0 for every zoo RegNet).
    #[serde(rename = "bottleneck_multiplier", alias = "bot_mul", default = "one")]
    pub bot_mul: f64,
    /// SE ratio: `Some(0.25)` for RegNetY, `None` for RegNetX.
    #[serde(default)]
    pub se_r: Option<f64>,
    /// Stride of every stage's first block (2).
    #[serde(default = "two")]
    pub stride: u32,
    /// Stem type.
    #[serde(default = "imagenet_stem")]
    pub stem: StemType,
    /// Stem width (32).
    #[serde(default = "thirty_two")]
    pub stem_w: u32,
    /// Block type (X block).
    #[serde(default = "x_block")]
    pub block: BlockType,
    /// Head conv width (0 = none).
    #[serde(default)]
    pub head_w: u32,
    /// Number of classes.
    #[serde(default = "thousand")]
    pub num_classes: u32,
    /// Input channels.
    #[serde(default = "three")]
    pub in_channels: u32,
    /// Width quantum q (8).
    #[serde(default = "eight")]
    pub q: u32,
}

// serde's defaults: the same values as `RegNetParams::regnetx` (pycls's REGNET and MODEL defaults).
fn one() -> f64 {
    RegNetParams::DEFAULT_BOT_MUL
}
fn two() -> u32 {
    RegNetParams::DEFAULT_STRIDE
}
fn three() -> u32 {
    RegNetParams::DEFAULT_IN_CHANNELS
}
fn eight() -> u32 {
    DEFAULT_Q
}
fn thirty_two() -> u32 {
    RegNetParams::DEFAULT_STEM_W
}
fn thousand() -> u32 {
    RegNetParams::DEFAULT_NUM_CLASSES
}
fn imagenet_stem() -> StemType {
    RegNetParams::DEFAULT_STEM
}
fn x_block() -> BlockType {
    RegNetParams::DEFAULT_BLOCK
}

impl RegNetParams {
    /// Bottleneck multiplier of every zoo RegNet (pycls `REGNET.BOT_MUL`).
    pub const DEFAULT_BOT_MUL: f64 = 1.0;
    /// Stride of each stage's first block (pycls `REGNET.STRIDE`).
    pub const DEFAULT_STRIDE: u32 = 2;
    /// Stem (pycls `REGNET.STEM_TYPE`).
    pub const DEFAULT_STEM: StemType = StemType::SimpleStemIn;
    /// Stem width (pycls `REGNET.STEM_W`).
    pub const DEFAULT_STEM_W: u32 = 32;
    /// Block (pycls `REGNET.BLOCK_TYPE`, the X block).
    pub const DEFAULT_BLOCK: BlockType = BlockType::ResBottleneck;
    /// ImageNet classes.
    pub const DEFAULT_NUM_CLASSES: u32 = 1000;
    /// RGB input.
    pub const DEFAULT_IN_CHANNELS: u32 = 3;

    /// A RegNetX for ImageNet (stem 32, stride 2, bot_mul 1, no SE, 1000 classes): the `DEFAULT_*`
    /// constants, which are also the defaults of a deserialized `RegNetParams`.
    pub fn regnetx(d: u32, w0: u32, wa: f64, wm: f64, g: u32) -> Self {
        Self {
            d,
            w0,
            wa,
            wm,
            g,
            bot_mul: Self::DEFAULT_BOT_MUL,
            se_r: None,
            stride: Self::DEFAULT_STRIDE,
            stem: Self::DEFAULT_STEM,
            stem_w: Self::DEFAULT_STEM_W,
            block: Self::DEFAULT_BLOCK,
            head_w: 0,
            num_classes: Self::DEFAULT_NUM_CLASSES,
            in_channels: Self::DEFAULT_IN_CHANNELS,
            q: DEFAULT_Q,
        }
    }

    /// A RegNetY: a RegNetX with squeeze-excitation of ratio 1/4 after the 3×3 conv.
    pub fn regnety(d: u32, w0: u32, wa: f64, wm: f64, g: u32) -> Self {
        Self {
            se_r: Some(0.25),
            ..Self::regnetx(d, w0, wa, wm, g)
        }
    }

    /// The quantized linear part (d, w0, wa, wm, q), validated.
    pub fn quantized(&self) -> Result<QuantizedLinear, SpecError> {
        Ok(QuantizedLinear::with_q(
            self.d, self.w0, self.wa, self.wm, self.q,
        )?)
    }

    /// Runs the generator (u_j, s_j, per-block widths, stages).
    pub fn generate(&self) -> Result<Generated, SpecError> {
        Ok(self.quantized()?.generate()?)
    }

    /// The AnyNet spec of this RegNet: one stage per distinct generated width, then pycls's
    /// compatibility adjustment of (w, bot_mul, g) per stage. The result is validated.
    pub fn to_spec(&self) -> Result<AnyNetSpec, SpecError> {
        let q = self.quantized()?;
        let mut stages = Vec::with_capacity(4);
        let built = regnet_stages(&q, self.bot_mul, self.g, self.stride, &mut stages)?;
        if let Some(e) = built.compat {
            return Err(e.into());
        }
        let spec = AnyNetSpec {
            stem: self.stem,
            stem_w: self.stem_w,
            block: self.block,
            stages,
            se_r: self.se_r,
            head_w: self.head_w,
            num_classes: self.num_classes,
            in_channels: self.in_channels,
            activation: crate::Activation::Relu,
        };
        spec.validate()?;
        Ok(spec)
    }
}

/// What [`regnet_stages`] built: the stage counts of the generator and the first compatibility
/// failure, if any.
pub(crate) struct RegNetStages {
    /// Distinct widths (`num_stages`).
    pub num: usize,
    /// max k_j + 1 (`total_stages`).
    pub total: usize,
    /// The first stage whose (w, bot_mul, g) could not be made compatible (that stage is left out).
    pub compat: Option<regnet_quantized::QuantizedError>,
}

/// Appends the stages of a RegNet to `stages`: one stage per distinct quantized width, each passed
/// through pycls's compatibility adjustment (docs/conventions.md §A steps 4–6), every stage with
/// `stride`. The one implementation behind [`RegNetParams::to_spec`] and the samplers'
/// `RegNetSpace::fill_spec`. Errors: the generator's; a compatibility failure is reported in the
/// result so that a caller can rank it after the stage-count check.
pub(crate) fn regnet_stages(
    q: &QuantizedLinear,
    bot_mul: f64,
    g: u32,
    stride: u32,
    stages: &mut Vec<StageSpec>,
) -> Result<RegNetStages, regnet_quantized::QuantizedError> {
    let mut compat = None;
    let (num, total) = q.for_each_stage(|w, d| {
        if compat.is_some() {
            return;
        }
        match adjust_block_compatibility(stages.len(), StageCompat { w, bot_mul, g }) {
            Ok(c) => stages.push(StageSpec {
                d,
                w: c.w,
                stride,
                bot_mul: c.bot_mul,
                g: c.g,
            }),
            Err(e) => compat = Some(e),
        }
    })?;
    Ok(RegNetStages { num, total, compat })
}
