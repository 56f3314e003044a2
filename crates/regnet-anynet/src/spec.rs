//! The AnyNet spec: stem → stages of blocks → head (paper §3.1, Fig. 3).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::SpecError;

/// Largest channel count of any layer a spec may ask for: stage widths `w`, `stem_w`, `head_w` and
/// `in_channels` (2^20). The zoo's widest layer has 3,712 channels.
pub const MAX_CHANNELS: u32 = 1 << 20;

/// Largest number of stages of a spec. The paper's models have 4 (5-stage RegNets are sampled in
/// ablations); 64 leaves room without letting a config describe thousands of stages.
pub const MAX_STAGES: usize = 64;

/// Largest total number of blocks Σ d_i of a spec (also the largest depth of one stage). Equal to
/// [`regnet_quantized::MAX_DEPTH`]: every walk over the blocks (complexity, layer plan, building the
/// model) stays within milliseconds.
pub const MAX_BLOCKS: u32 = regnet_quantized::MAX_DEPTH;

/// Largest squeeze-excitation ratio se_r (RegNetY uses 0.25). SE widths round(w_in · se_r) stay at
/// most 4 · [`MAX_CHANNELS`].
pub const MAX_SE_R: f64 = 4.0;

/// Largest number of classes of the final fully connected layer (ImageNet-21k has 21,841).
pub const MAX_CLASSES: u32 = 1 << 20;

/// Largest stride of a stage's first block.
pub const MAX_STRIDE: u32 = 64;

/// The stem: the first conv that turns the image into `stem_w` channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StemType {
    /// ImageNet stem (pycls `simple_stem_in`): 3×3 conv, stride 2, BN, ReLU. The paper's stem.
    #[serde(rename = "simple_stem_in", alias = "imagenet")]
    SimpleStemIn,
    /// CIFAR stem (pycls `res_stem_cifar`): 3×3 conv, stride 1, BN, ReLU.
    #[serde(rename = "res_stem_cifar", alias = "cifar")]
    ResStemCifar,
    /// ResNet stem (pycls `res_stem_in`): 7×7 conv, stride 2, BN, ReLU, 3×3 max-pool stride 2.
    #[serde(rename = "res_stem_in", alias = "resnet")]
    ResStemIn,
}

impl StemType {
    /// The pycls name of the stem.
    pub fn pycls_name(self) -> &'static str {
        match self {
            Self::SimpleStemIn => "simple_stem_in",
            Self::ResStemCifar => "res_stem_cifar",
            Self::ResStemIn => "res_stem_in",
        }
    }

    /// Looks a stem up by its pycls name (or the aliases `imagenet`, `cifar`, `resnet`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "simple_stem_in" | "imagenet" => Some(Self::SimpleStemIn),
            "res_stem_cifar" | "cifar" => Some(Self::ResStemCifar),
            "res_stem_in" | "resnet" => Some(Self::ResStemIn),
            _ => None,
        }
    }
}

impl fmt::Display for StemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pycls_name())
    }
}

/// The activation function after each BatchNorm (and inside the SE branch), pycls's
/// `MODEL.ACTIVATION_FUN`. The paper's networks use ReLU; "Fast and Accurate Model Scaling"
/// (Dollár et al., 2021) and pycls's later configs use SiLU (Swish). The SE gate stays a sigmoid.
/// The choice adds no parameters and no flops to the counts (pycls counts none for activations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(x, 0) (the default).
    #[default]
    Relu,
    /// x·σ(x), also called Swish (`swish` is accepted as a name).
    #[serde(alias = "swish")]
    Silu,
    /// x·Φ(x) with the exact normal CDF (PyTorch's default `nn.GELU`).
    Gelu,
}

impl Activation {
    /// Every activation, in declaration order.
    pub const ALL: [Activation; 3] = [Self::Relu, Self::Silu, Self::Gelu];

    /// The pycls name: `relu`, `silu`, `gelu`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Relu => "relu",
            Self::Silu => "silu",
            Self::Gelu => "gelu",
        }
    }

    /// Looks an activation up by name (`relu`, `silu`, `swish`, `gelu`; case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "relu" => Some(Self::Relu),
            "silu" | "swish" => Some(Self::Silu),
            "gelu" => Some(Self::Gelu),
            _ => None,
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The block used in every stage (paper §3.1 and Appendix A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlockType {
    /// X block (pycls `res_bottleneck_block`): 1×1 conv, 3×3 group conv (with the stride), 1×1 conv, each
    /// with BN (+ReLU but the last), residual with a projection when the shape changes, final ReLU.
    /// With squeeze-excitation after the 3×3 conv it is the paper's Y block.
    #[serde(rename = "res_bottleneck_block", alias = "X", alias = "Y")]
    ResBottleneck,
    /// R block (pycls `res_basic_block`): two 3×3 convs with BN, residual with projection, final ReLU.
    #[serde(rename = "res_basic_block", alias = "R")]
    ResBasic,
    /// V block (pycls `vanilla_block`): two 3×3 convs with BN and ReLU, no residual. The paper describes
    /// V as a single 3×3 conv; pycls (followed here) uses the VGG-style pair.
    #[serde(rename = "vanilla_block", alias = "V")]
    Vanilla,
    /// Bottleneck without the final ReLU (pycls `res_bottleneck_linear_block`): the same transform as X,
    /// never a projection; the skip add exists only when input and output shapes match.
    #[serde(rename = "res_bottleneck_linear_block")]
    ResBottleneckLinear,
}

impl BlockType {
    /// The pycls name of the block.
    pub fn pycls_name(self) -> &'static str {
        match self {
            Self::ResBottleneck => "res_bottleneck_block",
            Self::ResBasic => "res_basic_block",
            Self::Vanilla => "vanilla_block",
            Self::ResBottleneckLinear => "res_bottleneck_linear_block",
        }
    }

    /// Looks a block up by its pycls name or the paper's letter (`X`, `Y`, `R`, `V`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "res_bottleneck_block" | "X" | "x" | "Y" | "y" => Some(Self::ResBottleneck),
            "res_basic_block" | "R" | "r" => Some(Self::ResBasic),
            "vanilla_block" | "V" | "v" => Some(Self::Vanilla),
            "res_bottleneck_linear_block" => Some(Self::ResBottleneckLinear),
            _ => None,
        }
    }

    /// Whether the block has the bottleneck transform (1×1, 3×3 group, 1×1), i.e. uses b, g and SE.
    pub fn is_bottleneck(self) -> bool {
        matches!(self, Self::ResBottleneck | Self::ResBottleneckLinear)
    }
}

impl fmt::Display for BlockType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pycls_name())
    }
}

/// One stage i of the body: d_i blocks of width w_i; the first has stride s_i.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StageSpec {
    /// Depth d_i: the number of blocks.
    #[serde(rename = "depth", alias = "d")]
    pub d: u32,
    /// Width w_i: output channels of every block of the stage.
    #[serde(rename = "width", alias = "w")]
    pub w: u32,
    /// Stride of the stage's first block.
    #[serde(default = "default_stride")]
    pub stride: u32,
    /// Bottleneck multiplier (pycls `bot_mul`): the paper's bottleneck ratio is b_i = 1 / bot_mul.
    /// Ignored by basic and vanilla blocks.
    #[serde(rename = "bottleneck_multiplier", alias = "bot_mul", default = "one")]
    pub bot_mul: f64,
    /// Group width g_i of the 3×3 conv (channels per group). Ignored by basic and vanilla blocks.
    #[serde(rename = "group_width", alias = "g", default = "one_u32")]
    pub g: u32,
}

fn default_stride() -> u32 {
    2
}
fn one() -> f64 {
    1.0
}
fn one_u32() -> u32 {
    1
}
fn three() -> u32 {
    3
}

impl StageSpec {
    /// A stage with stride 2, bottleneck multiplier 1 and group width g.
    pub fn new(d: u32, w: u32, g: u32) -> Self {
        Self {
            d,
            w,
            stride: 2,
            bot_mul: 1.0,
            g,
        }
    }

    /// The paper's bottleneck ratio b_i = 1 / bot_mul.
    pub fn b(&self) -> f64 {
        1.0 / self.bot_mul
    }

    /// Bottleneck width w_b = round_half_even(w · bot_mul) (pycls; docs/conventions.md §A step 7).
    pub fn w_b(&self) -> u32 {
        (f64::from(self.w) * self.bot_mul).round_ties_even() as u32
    }

    /// Group count of the 3×3 conv: w_b // g (floor division, as pycls).
    pub fn groups(&self) -> u32 {
        self.w_b() / self.g.max(1)
    }
}

/// A complete AnyNet model: stem, stages, head (paper Fig. 3; pycls `AnyNet`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnyNetSpec {
    /// Stem type.
    pub stem: StemType,
    /// Stem width (output channels of the stem conv; 32 in the paper).
    pub stem_w: u32,
    /// Block type of every stage.
    pub block: BlockType,
    /// The stages, in order.
    pub stages: Vec<StageSpec>,
    /// Squeeze-excitation ratio (RegNetY: 0.25); `None` means no SE. SE width = round(w_in · se_r).
    #[serde(default)]
    pub se_r: Option<f64>,
    /// Width of the optional 1×1 head conv before pooling; 0 means none (every zoo model).
    #[serde(default)]
    pub head_w: u32,
    /// Number of classes of the final fully connected layer.
    pub num_classes: u32,
    /// Input channels: 3 for RGB, 1 for grayscale.
    #[serde(default = "three")]
    pub in_channels: u32,
    /// Activation after each BatchNorm and in the SE branch (pycls `MODEL.ACTIVATION_FUN`);
    /// `relu` when absent.
    #[serde(default, skip_serializing_if = "is_relu")]
    pub activation: Activation,
}

fn is_relu(a: &Activation) -> bool {
    *a == Activation::Relu
}

impl AnyNetSpec {
    /// Stage depths d_i.
    pub fn depths(&self) -> Vec<u32> {
        self.stages.iter().map(|s| s.d).collect()
    }

    /// Stage widths w_i.
    pub fn widths(&self) -> Vec<u32> {
        self.stages.iter().map(|s| s.w).collect()
    }

    /// Total number of blocks Σ d_i (saturating at `u32::MAX` for specs that [`AnyNetSpec::validate`]
    /// would reject).
    pub fn num_blocks(&self) -> u32 {
        self.stages.iter().fold(0u32, |n, s| n.saturating_add(s.d))
    }

    /// Per-block output widths (w_i repeated d_i times), the input of the quantized linear fit.
    pub fn block_widths(&self) -> Vec<u32> {
        self.stages
            .iter()
            .flat_map(|s| std::iter::repeat_n(s.w, s.d as usize))
            .collect()
    }

    /// Checks that a real model can be built from the spec; each failure names the field and value.
    ///
    /// Beyond positivity this rejects what PyTorch could not build although pycls's counting accepts it:
    /// a group count w_b // g that does not divide w_b (e.g. w_b = 440, g = 48 → 9 groups), a group width
    /// larger than the bottleneck width, an SE width of 0. A group width that merely does not divide w_b
    /// (w_b = 40, g = 16 → 2 groups of 20) is valid, as in pycls.
    pub fn validate(&self) -> Result<(), SpecError> {
        let field = |field, expected, value: String| {
            Err(SpecError::InvalidField {
                field,
                expected,
                value,
            })
        };
        // head_w 0: no head conv (pycls's AnyNet head).
        check_network_io(
            self.stem_w,
            Some(self.head_w).filter(|&w| w > 0),
            self.in_channels,
            self.num_classes,
        )?;
        if let Some(se_r) = self.se_r {
            check_se_r(se_r)?;
            if !self.block.is_bottleneck() {
                return Err(SpecError::SeNotSupported {
                    block: self.block,
                    se_r,
                });
            }
        }
        check_stage_count(self.stages.len())?;
        let mut w_in = self.stem_w;
        for (i, s) in self.stages.iter().enumerate() {
            let stage = i + 1;
            let bad = |field, expected, value: String| {
                Err(SpecError::InvalidStage {
                    stage,
                    field,
                    expected,
                    value,
                })
            };
            check_stage_shape(stage, s.d, s.w, s.stride)?;
            if self.block.is_bottleneck() {
                if !(s.bot_mul.is_finite() && s.bot_mul > 0.0 && s.bot_mul <= 64.0) {
                    return bad(
                        "bot_mul",
                        "finite, > 0 and <= 64",
                        format!("{:?}", s.bot_mul),
                    );
                }
                if s.g == 0 {
                    return bad("g", ">= 1", s.g.to_string());
                }
                let w_b = s.w_b();
                if w_b == 0 {
                    return bad(
                        "bot_mul",
                        "large enough for a bottleneck width >= 1",
                        format!("{:?}", s.bot_mul),
                    );
                }
                if s.g > w_b {
                    return Err(SpecError::GroupWidthTooLarge { stage, w_b, g: s.g });
                }
                let groups = w_b / s.g;
                if !w_b.is_multiple_of(groups) {
                    return Err(SpecError::GroupsDoNotDivide {
                        stage,
                        w_b,
                        g: s.g,
                        groups,
                    });
                }
                if let Some(se_r) = self.se_r {
                    for w_blk in [w_in, s.w] {
                        if (f64::from(w_blk) * se_r).round_ties_even() < 1.0 {
                            return Err(SpecError::SeWidthZero {
                                stage,
                                w_in: w_blk,
                                se_r,
                            });
                        }
                    }
                }
            }
            w_in = s.w;
        }
        if self.num_blocks() > MAX_BLOCKS {
            return field(
                "depth",
                "a total of at most 4096 blocks (MAX_BLOCKS)",
                self.stages
                    .iter()
                    .fold(0u64, |n, s| n + u64::from(s.d))
                    .to_string(),
            );
        }
        Ok(())
    }

    /// Parses a spec from JSON (the format `serde_json` writes) and validates it.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let spec: Self = serde_json::from_str(text).map_err(|e| SpecError::BadValue {
            key: "spec".into(),
            problem: "is not a valid AnyNet spec".into(),
            value: crate::error::one_line(&e.to_string()),
        })?;
        spec.validate()?;
        Ok(spec)
    }
}

/// The limits every network spec shares (AnyNet and EfficientNet): stem, head, input and class
/// counts. `head_w` is `None` where the family has no head conv (AnyNet's `head_w` 0).
pub(crate) fn check_network_io(
    stem_w: u32,
    head_w: Option<u32>,
    in_channels: u32,
    num_classes: u32,
) -> Result<(), SpecError> {
    let field = |field, expected, value: u32| {
        Err(SpecError::InvalidField {
            field,
            expected,
            value: value.to_string(),
        })
    };
    for (name, v) in [
        ("stem_w", Some(stem_w)),
        ("head_w", head_w),
        ("in_channels", Some(in_channels)),
    ] {
        if let Some(v) = v
            && (v == 0 || v > MAX_CHANNELS)
        {
            return field(name, "between 1 and 1048576 (MAX_CHANNELS)", v);
        }
    }
    if num_classes == 0 || num_classes > MAX_CLASSES {
        return field(
            "num_classes",
            "between 1 and 1048576 (MAX_CLASSES)",
            num_classes,
        );
    }
    Ok(())
}

/// The squeeze-excitation ratio limit shared by every spec: finite, > 0 and at most [`MAX_SE_R`].
pub(crate) fn check_se_r(se_r: f64) -> Result<(), SpecError> {
    if se_r.is_finite() && se_r > 0.0 && se_r <= MAX_SE_R {
        return Ok(());
    }
    Err(SpecError::InvalidField {
        field: "se_r",
        expected: "finite, > 0 and <= 4 (MAX_SE_R)",
        value: format!("{se_r:?}"),
    })
}

/// At least one and at most [`MAX_STAGES`] stages.
pub(crate) fn check_stage_count(n: usize) -> Result<(), SpecError> {
    if n == 0 {
        return Err(SpecError::NoStages);
    }
    if n > MAX_STAGES {
        return Err(SpecError::InvalidField {
            field: "stages",
            expected: "at most 64 stages (MAX_STAGES)",
            value: n.to_string(),
        });
    }
    Ok(())
}

/// A stage's depth, width and stride within [`MAX_BLOCKS`], [`MAX_CHANNELS`] and [`MAX_STRIDE`]
/// (`stage` counts from 1, as the errors do).
pub(crate) fn check_stage_shape(
    stage: usize,
    d: u32,
    w: u32,
    stride: u32,
) -> Result<(), SpecError> {
    let bad = |field, expected, value: u32| {
        Err(SpecError::InvalidStage {
            stage,
            field,
            expected,
            value: value.to_string(),
        })
    };
    if d == 0 || d > MAX_BLOCKS {
        return bad("d", "between 1 and 4096 (MAX_BLOCKS)", d);
    }
    if w == 0 || w > MAX_CHANNELS {
        return bad("w", "between 1 and 1048576 (MAX_CHANNELS)", w);
    }
    if stride == 0 || stride > MAX_STRIDE {
        return bad("stride", "between 1 and 64 (MAX_STRIDE)", stride);
    }
    Ok(())
}
