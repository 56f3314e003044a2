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

fn one() -> f64 {
    1.0
}
fn two() -> u32 {
    2
}
fn three() -> u32 {
    3
}
fn eight() -> u32 {
    8
}
fn thirty_two() -> u32 {
    32
}
fn thousand() -> u32 {
    1000
}
fn imagenet_stem() -> StemType {
    StemType::SimpleStemIn
}
fn x_block() -> BlockType {
    BlockType::ResBottleneck
}

impl RegNetParams {
    /// A RegNetX for ImageNet (stem 32, stride 2, bot_mul 1, no SE, 1000 classes).
    pub fn regnetx(d: u32, w0: u32, wa: f64, wm: f64, g: u32) -> Self {
        Self {
            d,
            w0,
            wa,
            wm,
            g,
            bot_mul: 1.0,
            se_r: None,
            stride: 2,
            stem: StemType::SimpleStemIn,
            stem_w: 32,
            block: BlockType::ResBottleneck,
            head_w: 0,
            num_classes: 1000,
            in_channels: 3,
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
        let mut err = None;
        q.for_each_stage(|w, d| {
            if err.is_some() {
                return;
            }
            let i = stages.len();
            match adjust_block_compatibility(
                i,
                StageCompat {
                    w,
                    bot_mul: self.bot_mul,
                    g: self.g,
                },
            ) {
                Ok(c) => stages.push(StageSpec {
                    d,
                    w: c.w,
                    stride: self.stride,
                    bot_mul: c.bot_mul,
                    g: c.g,
                }),
                Err(e) => err = Some(e),
            }
        })?;
        if let Some(e) = err {
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
