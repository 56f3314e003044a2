//! EfficientNet as pycls builds it (`pycls/models/effnet.py`): the baseline of the paper's Table 4.
//!
//! An [`EffNetSpec`] is pycls's `EN` config section: a stem (3×3 conv, stride 2, BN, activation),
//! stages of MBConv blocks ("mobile inverted bottleneck" with squeeze-excitation, Sandler et al. 2018,
//! Tan & Le 2019) and a head (1×1 conv to `head_w`, BN, activation, global average pool, dropout, FC).
//! It expands into a layer plan ([`EffNetPlan`]) whose walk ([`MbConvPlan::for_each_op`]) uses the
//! same [`Op`]s as the AnyNet plan, so the one counter ([`EffNetSpec::complexity`]) and the burn
//! builder read it as they read an AnyNet: a depthwise conv is an [`Op::Conv`] with `groups = c`.
//!
//! The version followed is pycls's GitHub `effnet.py` (the activation is `MODEL.ACTIVATION_FUN`,
//! also inside SE); pycls 0.1.1 on PyPI hard-codes Swish (SiLU) everywhere instead. Both count
//! complexity identically (see `docs/efficientnet.md`).
//!
//! Widths inside a block follow pycls's integer conversions, which **truncate** (Python `int`):
//! w_exp = int(w_in · exp_r), w_se = int(w_in · se_r) with w_in the *block input* width. (The
//! AnyNet Y block rounds half-to-even instead; EfficientNet's SE does not.)

use serde::{Deserialize, Serialize};

use crate::complexity::{Counter, check_resolution};
use crate::spec::{check_network_io, check_se_r, check_stage_count, check_stage_shape};
use crate::{
    Activation, Complexity, HeadPlan, MAX_BLOCKS, Op, PartComplexity, SpecError, StemPlan, StemType,
};

/// Largest (odd) depthwise kernel size of a stage; EfficientNet uses 3 and 5.
pub const MAX_KERNEL: u32 = 31;

/// Largest expansion ratio of a stage; EfficientNet uses 1 and 6.
pub const MAX_EXP_RATIO: f64 = 64.0;

/// One EfficientNet stage (pycls `EffStage`): d MBConv blocks of output width w; the first block has
/// the stage's stride and width change, the others are w → w with stride 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EffStageSpec {
    /// Depth d_i: the number of MBConv blocks (`EN.DEPTHS`).
    #[serde(rename = "depth", alias = "d")]
    pub d: u32,
    /// Output width w_i of every block (`EN.WIDTHS`).
    #[serde(rename = "width", alias = "w")]
    pub w: u32,
    /// Expansion ratio (`EN.EXP_RATIOS`): the 1×1 expansion widens w_in to int(w_in · exp_r); no
    /// expansion conv when that equals w_in (ratio 1).
    #[serde(rename = "exp_ratio", alias = "exp_r")]
    pub exp_r: f64,
    /// Kernel size k of the depthwise conv (`EN.KERNELS`), odd.
    #[serde(rename = "kernel", alias = "k")]
    pub k: u32,
    /// Stride of the stage's first block (`EN.STRIDES`), on the depthwise conv.
    pub stride: u32,
}

fn quarter() -> f64 {
    0.25
}
fn three() -> u32 {
    3
}
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// An EfficientNet (pycls `EffNet`, config section `EN`): stem, MBConv stages, head.
///
/// ```
/// use regnet_anynet::zoo;
/// let en = zoo::effnet("EN-B0")?;
/// let c = en.spec.complexity(en.resolution)?;
/// assert_eq!((c.flops, c.params, c.acts), (385_825_092, 5_288_548, 6_748_036));
/// # Ok::<(), regnet_anynet::SpecError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffNetSpec {
    /// Stem width (`EN.STEM_W`, pycls default 32).
    pub stem_w: u32,
    /// The stages, in order.
    pub stages: Vec<EffStageSpec>,
    /// Squeeze-excitation ratio (`EN.SE_R`, default 0.25); SE width int(w_in · se_r) from the block
    /// input. Every MBConv has SE in pycls.
    #[serde(default = "quarter")]
    pub se_r: f64,
    /// Width of the head's 1×1 conv (`EN.HEAD_W`, default 1280).
    pub head_w: u32,
    /// Classes of the final fully connected layer (`MODEL.NUM_CLASSES`).
    pub num_classes: u32,
    /// Input channels (pycls builds the stem with 3).
    #[serde(default = "three")]
    pub in_channels: u32,
    /// Activation after each BN but the projection's, and inside SE (`MODEL.ACTIVATION_FUN`; SiLU in
    /// the dds configs).
    #[serde(default)]
    pub activation: Activation,
    /// Drop-connect ratio of the residual branch during training (`EN.DC_RATIO`, default 0): each
    /// sample's branch is zeroed with this probability and scaled by 1/(1 − ratio) otherwise.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dc_ratio: f64,
    /// Dropout ratio before the FC during training (`EN.DROPOUT_RATIO`, default 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropout_ratio: f64,
}

/// One MBConv block with all derived widths (pycls `MBConv.__init__`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MbConvPlan {
    /// Input width.
    pub w_in: u32,
    /// Expanded width int(w_in · exp_r).
    pub w_exp: u32,
    /// Output width.
    pub w_out: u32,
    /// Depthwise kernel size.
    pub k: u32,
    /// Stride of the depthwise conv.
    pub stride: u32,
    /// SE width int(w_in · se_r), from the block *input* width.
    pub w_se: u32,
    /// Whether the 1×1 expansion conv exists (w_exp ≠ w_in).
    pub expand: bool,
    /// Whether the block adds its input (stride 1 and w_in = w_out; pycls `has_skip`).
    pub residual: bool,
}

impl MbConvPlan {
    /// Calls `f` on each layer in pycls's order: [1×1 expansion, BN, act], k×k depthwise conv with
    /// the stride, BN, act, SE (pool, 1×1 with bias, act, 1×1 with bias, sigmoid) as a parallel
    /// branch, 1×1 linear projection, BN. [`Op::Relu`] stands for the spec's activation.
    pub fn for_each_op(&self, mut f: impl FnMut(Op)) {
        let conv = |k, c_in, c_out, stride, groups, bias| Op::Conv {
            k,
            c_in,
            c_out,
            stride,
            groups,
            bias,
        };
        if self.expand {
            f(conv(1, self.w_in, self.w_exp, 1, 1, false));
            f(Op::BatchNorm { c: self.w_exp });
            f(Op::Relu);
        }
        f(conv(
            self.k,
            self.w_exp,
            self.w_exp,
            self.stride,
            self.w_exp,
            false,
        ));
        f(Op::BatchNorm { c: self.w_exp });
        f(Op::Relu);
        f(Op::Fork);
        f(Op::GlobalAvgPool);
        f(conv(1, self.w_exp, self.w_se, 1, 1, true));
        f(Op::Relu);
        f(conv(1, self.w_se, self.w_exp, 1, 1, true));
        f(Op::Sigmoid);
        f(Op::Join);
        f(conv(1, self.w_exp, self.w_out, 1, 1, false));
        f(Op::BatchNorm { c: self.w_out });
    }
}

/// A whole EfficientNet as plans: what the burn builder walks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffNetPlan {
    /// The stem (pycls `StemIN`: 3×3 conv stride 2, BN, act; the AnyNet `simple_stem_in` walk).
    pub stem: StemPlan,
    /// The MBConv blocks, stage by stage.
    pub stages: Vec<Vec<MbConvPlan>>,
    /// The head (pycls `EffHead`: 1×1 conv to `head_w`, BN, act, pool, FC; the AnyNet head walk
    /// with a head conv).
    pub head: HeadPlan,
}

/// int(w · r) as Python computes it for a positive product (truncation of the f64 product).
fn int_mul(w: u32, r: f64) -> u64 {
    (f64::from(w) * r) as u64
}

impl EffNetSpec {
    /// Stage depths d_i.
    pub fn depths(&self) -> Vec<u32> {
        self.stages.iter().map(|s| s.d).collect()
    }

    /// Stage widths w_i.
    pub fn widths(&self) -> Vec<u32> {
        self.stages.iter().map(|s| s.w).collect()
    }

    /// Total number of blocks Σ d_i (saturating).
    pub fn num_blocks(&self) -> u32 {
        self.stages.iter().fold(0u32, |n, s| n.saturating_add(s.d))
    }

    /// Checks that a real model can be built; each failure names the field and value.
    ///
    /// pycls asserts only odd kernels; this also rejects what PyTorch could not build (a zero-width
    /// expansion or SE, a head conv of width 0) and bounds every field like [`crate::AnyNetSpec::validate`].
    pub fn validate(&self) -> Result<(), SpecError> {
        let field = |field, expected, value: String| {
            Err(SpecError::InvalidField {
                field,
                expected,
                value,
            })
        };
        check_network_io(
            self.stem_w,
            Some(self.head_w),
            self.in_channels,
            self.num_classes,
        )?;
        check_se_r(self.se_r)?;
        for (name, r) in [
            ("dc_ratio", self.dc_ratio),
            ("dropout_ratio", self.dropout_ratio),
        ] {
            if !(r.is_finite() && (0.0..1.0).contains(&r)) {
                return field(name, "finite, >= 0 and < 1", format!("{r:?}"));
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
            if s.k.is_multiple_of(2) || s.k > MAX_KERNEL {
                return bad(
                    "k",
                    "odd and between 1 and 31 (MAX_KERNEL)",
                    s.k.to_string(),
                );
            }
            if !(s.exp_r.is_finite() && s.exp_r > 0.0 && s.exp_r <= MAX_EXP_RATIO) {
                return bad(
                    "exp_r",
                    "finite, > 0 and <= 64 (MAX_EXP_RATIO)",
                    format!("{:?}", s.exp_r),
                );
            }
            // The first block sees the previous width, the others the stage width.
            for w_blk in [w_in, s.w] {
                if int_mul(w_blk, s.exp_r) == 0 {
                    return bad(
                        "exp_r",
                        "large enough for an expanded width int(w_in · exp_r) >= 1",
                        format!("{:?} (w_in = {w_blk})", s.exp_r),
                    );
                }
                if int_mul(w_blk, self.se_r) == 0 {
                    return Err(SpecError::SeWidthZero {
                        stage,
                        w_in: w_blk,
                        se_r: self.se_r,
                    });
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

    /// The stem plan: pycls `StemIN` is the AnyNet `simple_stem_in` (3×3 conv, stride 2, BN, act).
    pub fn stem_plan(&self) -> StemPlan {
        StemPlan {
            kind: StemType::SimpleStemIn,
            c_in: self.in_channels,
            w: self.stem_w,
        }
    }

    /// The head plan: a 1×1 conv to `head_w` with BN and act, pool, FC (pycls `EffHead`; dropout
    /// has no parameters and no count).
    pub fn head_plan(&self) -> HeadPlan {
        HeadPlan {
            w_in: self.stages.last().map_or(self.stem_w, |s| s.w),
            head_w: self.head_w,
            num_classes: self.num_classes,
        }
    }

    /// Calls `f(stage_index, block_index, plan)` for every MBConv block (pycls `EffStage`).
    ///
    /// Widths saturate at `u32::MAX` for specs that [`EffNetSpec::validate`] rejects.
    pub fn for_each_block(&self, mut f: impl FnMut(usize, usize, MbConvPlan)) {
        let mut w_in = self.stem_w;
        for (i, s) in self.stages.iter().enumerate() {
            for j in 0..s.d as usize {
                let stride = if j == 0 { s.stride } else { 1 };
                let sat = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
                let w_exp = sat(int_mul(w_in, s.exp_r));
                f(
                    i,
                    j,
                    MbConvPlan {
                        w_in,
                        w_exp,
                        w_out: s.w,
                        k: s.k,
                        stride,
                        w_se: sat(int_mul(w_in, self.se_r)),
                        expand: w_exp != w_in,
                        residual: stride == 1 && w_in == s.w,
                    },
                );
                w_in = s.w;
            }
        }
    }

    /// The full plan (stem, blocks per stage, head).
    pub fn plan(&self) -> EffNetPlan {
        let mut stages: Vec<Vec<MbConvPlan>> = self
            .stages
            .iter()
            .map(|s| Vec::with_capacity(s.d as usize))
            .collect();
        self.for_each_block(|i, _, b| stages[i].push(b));
        EffNetPlan {
            stem: self.stem_plan(),
            stages,
            head: self.head_plan(),
        }
    }

    /// Exact flops, params and acts at a square input, counted as pycls's `EffNet.complexity`
    /// (conventions (b); validates the spec).
    pub fn complexity(&self, resolution: u32) -> Result<Complexity, SpecError> {
        let parts = self.complexity_breakdown(resolution)?;
        Ok(parts.iter().fold(Complexity::default(), |c, p| {
            c + Complexity {
                flops: p.flops,
                params: p.params,
                acts: p.acts,
            }
        }))
    }

    /// Per-part breakdown at a square input: `stem`, `s1`…`sN`, `head`, each with its output size.
    pub fn complexity_breakdown(&self, resolution: u32) -> Result<Vec<PartComplexity>, SpecError> {
        let (h, w) = (resolution, resolution);
        self.validate()?;
        check_resolution(h, w)?;
        let mut cx = Counter::<u128>::new(h.into(), w.into());
        let mut parts = Vec::with_capacity(self.stages.len() + 2);
        let mut close = |cx: &mut Counter<u128>, part: String| -> Result<(), SpecError> {
            let (out_h, out_w) = (cx.h as u32, cx.w as u32);
            let c = cx.take().ok_or(SpecError::Overflow { h, w })?;
            parts.push(PartComplexity {
                part,
                flops: c.flops,
                params: c.params,
                acts: c.acts,
                out_h,
                out_w,
            });
            Ok(())
        };
        self.stem_plan().for_each_op(|op| cx.op(op));
        close(&mut cx, "stem".into())?;
        for (i, stage) in self.plan().stages.into_iter().enumerate() {
            for b in stage {
                b.for_each_op(|op| cx.op(op));
            }
            close(&mut cx, format!("s{}", i + 1))?;
        }
        self.head_plan().for_each_op(|op| cx.op(op));
        close(&mut cx, "head".into())?;
        Ok(parts)
    }

    /// Parses a spec from JSON (the format `serde_json` writes) and validates it.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let spec: Self = serde_json::from_str(text).map_err(|e| SpecError::BadValue {
            key: "spec".into(),
            problem: "is not a valid EfficientNet spec".into(),
            value: crate::error::one_line(&e.to_string()),
        })?;
        spec.validate()?;
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> EffNetSpec {
        EffNetSpec {
            stem_w: 8,
            stages: vec![
                EffStageSpec {
                    d: 1,
                    w: 8,
                    exp_r: 1.0,
                    k: 3,
                    stride: 1,
                },
                EffStageSpec {
                    d: 2,
                    w: 12,
                    exp_r: 6.0,
                    k: 5,
                    stride: 2,
                },
            ],
            se_r: 0.25,
            head_w: 32,
            num_classes: 10,
            in_channels: 3,
            activation: Activation::Silu,
            dc_ratio: 0.0,
            dropout_ratio: 0.0,
        }
    }

    #[test]
    fn block_widths_truncate_and_skip_follows_pycls() {
        let plan = tiny().plan();
        // Stage 1: exp_r 1 → no expansion conv; stride 1 and 8 → 8: skip.
        assert_eq!(
            plan.stages[0][0],
            MbConvPlan {
                w_in: 8,
                w_exp: 8,
                w_out: 8,
                k: 3,
                stride: 1,
                w_se: 2,
                expand: false,
                residual: true
            }
        );
        // Stage 2, first block: 8·6 = 48, SE from the block input 8 → 2, stride 2: no skip.
        let b = plan.stages[1][0];
        assert_eq!(
            (b.w_exp, b.w_se, b.expand, b.residual),
            (48, 2, true, false)
        );
        // Second block: 12·6 = 72, SE int(12·0.25) = 3, stride 1, 12 → 12: skip.
        let b = plan.stages[1][1];
        assert_eq!((b.w_exp, b.w_se, b.stride, b.residual), (72, 3, 1, true));
        // SE widths truncate: int(14 · 0.25) = 3 (round half-to-even would also give 4 for 3.5).
        let mut s = tiny();
        s.stem_w = 14;
        assert_eq!(s.plan().stages[0][0].w_se, 3);
    }

    #[test]
    fn validation_names_field_and_value() {
        let mut s = tiny();
        s.stages[1].k = 4;
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "stage 2: k must be odd and between 1 and 31 (MAX_KERNEL), got 4"
        );
        let mut s = tiny();
        s.stages[0].exp_r = 0.1;
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .starts_with("stage 1: exp_r must be large enough")
        );
        let mut s = tiny();
        s.head_w = 0;
        assert!(matches!(
            s.validate(),
            Err(SpecError::InvalidField {
                field: "head_w",
                ..
            })
        ));
        let mut s = tiny();
        s.se_r = 0.05;
        assert!(matches!(s.validate(), Err(SpecError::SeWidthZero { .. })));
        let mut s = tiny();
        s.dc_ratio = 1.0;
        assert!(matches!(
            s.validate(),
            Err(SpecError::InvalidField {
                field: "dc_ratio",
                ..
            })
        ));
    }

    #[test]
    fn breakdown_adds_up_and_shapes_follow_the_strides() {
        let s = tiny();
        let parts = s.complexity_breakdown(32).unwrap();
        let outs: Vec<u32> = parts.iter().map(|p| p.out_h).collect();
        assert_eq!(outs, vec![16, 16, 8, 1]);
        let c = s.complexity(32).unwrap();
        assert_eq!(c.flops, parts.iter().map(|p| p.flops).sum::<u64>());
        // Stem: 3·3·3·8 = 216 weights at 16², BN 16 → 55,296 flops, 232 params, 2,048 acts.
        assert_eq!(
            (parts[0].flops, parts[0].params, parts[0].acts),
            (55_296, 232, 2_048)
        );
    }
}
