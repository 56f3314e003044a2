//! Model scaling: depth, width, group width and resolution of an AnyNet, as in "Fast and Accurate
//! Model Scaling" (Dollár, Singh, Girshick, CVPR 2021) and pycls's `pycls/models/scaler.py`.
//!
//! A strategy gives each dimension a relative weight; a scale factor s gives the total increase of
//! flops. pycls computes multipliers so that d · w² · r² = s (flops grow linearly with depth d and
//! quadratically with width w and resolution r):
//!
//! - Σ = weight(d) + weight(w) + weight(r), or weight(g) / 2 when that sum is 0, or 1 when both are 0,
//! - d = s^(weight(d) / Σ), w = s^(weight(w) / Σ / 2), g = s^(weight(g) / Σ / 2), r = s^(weight(r) / Σ / 2).
//!
//! Group width is not part of the flops budget; the paper scales it with width in its fast compound
//! scaling, written `d1_w8_g8_r1` ([`ScalingStrategy::FAST_COMPOUND`]): flops grow by s^0.1 through depth,
//! s^0.8 through width and s^0.1 through resolution, and the group width grows as the width does.
//!
//! Each stage is then rounded as pycls does (Python's `round`, half to even):
//! - d_i → max(1, round(d_i · d)),
//! - w_i → max(1, round(w_i · w / 8)) · 8,
//! - g_i → max(1, round(g_i · g)), then kept if ≤ 2, 4 if 3–5, else round(g_i / 8) · 8,
//! - then the block compatibility adjustment ([`regnet_quantized::adjust_block_compatibility`]),
//! - the resolution → round(res · r / 4) · 4.
//!
//! Stem width, head width, strides, bottleneck multipliers and the SE ratio are kept, as in pycls.
//!
//! ```
//! use regnet_anynet::{ScalingStrategy, scale_model, zoo};
//!
//! let spec = zoo::model("RegNetX-200MF")?;
//! let strategy: ScalingStrategy = "d1_w8_g8_r1".parse()?;
//! let scaled = scale_model(&spec, 224, &strategy, 4.0)?;
//! assert_eq!(scaled.spec.depths(), vec![1, 1, 5, 8]);
//! assert_eq!(scaled.spec.widths(), vec![32, 96, 256, 640]);
//! assert_eq!(scaled.resolution, 240);
//! let c = scaled.spec.complexity(scaled.resolution)?;
//! assert_eq!((c.flops, c.params, c.acts), (775_931_880, 8_752_264, 4_094_440));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use regnet_quantized::{StageCompat, adjust_block_compatibility};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::one_line;
use crate::{AnyNetSpec, MAX_BLOCKS, MAX_CHANNELS, SpecError};

/// Resolution a model is scaled from when none is given (pycls's `TRAIN.IM_SIZE` default).
pub const DEFAULT_RESOLUTION: u32 = 224;

/// Largest input resolution (height = width) a scaled model may have: the complexity counter's limit.
pub const MAX_RESOLUTION: u32 = 65_536;

/// Why a scaling strategy, a scale factor or a scaled model was rejected; each variant names the
/// field and the value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScaleError {
    /// The strategy names no dimension (empty, or every weight 0).
    #[error(
        "strategy {strategy:?} scales nothing; use letters of d, w, g, r (\"dw\") or weights (\"d1_w8_g8_r1\")"
    )]
    NoDimension {
        /// The strategy as given.
        strategy: String,
    },
    /// A part of the strategy does not start with d, w, g or r.
    #[error(
        "strategy {strategy:?}: unknown dimension {part:?}, expected d, w, g or r followed by a weight"
    )]
    UnknownDimension {
        /// The strategy as given.
        strategy: String,
        /// The offending part.
        part: String,
    },
    /// A dimension's weight is not a finite number ≥ 0.
    #[error(
        "strategy {strategy:?}: the weight of {dimension} must be a finite number >= 0, got {value:?}"
    )]
    BadWeight {
        /// The strategy as given.
        strategy: String,
        /// The dimension (d, w, g or r).
        dimension: char,
        /// The rejected weight text.
        value: String,
    },
    /// A dimension appears twice in the strategy.
    #[error("strategy {strategy:?}: dimension {dimension} is given twice")]
    RepeatedDimension {
        /// The strategy as given.
        strategy: String,
        /// The repeated dimension.
        dimension: char,
    },
    /// The multipliers do not multiply to the scale factor (pycls asserts d · w² · r² ≈ s within 1 %);
    /// only reachable with extreme weights.
    #[error("strategy {strategy}: d·w²·r² = {product:?} is not the scale factor {factor:?}")]
    Inexact {
        /// The strategy, in pycls's form.
        strategy: String,
        /// d · w² · r².
        product: f64,
        /// The scale factor asked for.
        factor: f64,
    },
    /// The scale factor is not finite and > 0.
    #[error("scale factor must be finite and > 0, got {value:?}")]
    InvalidFactor {
        /// The rejected factor.
        value: f64,
    },
    /// The base resolution is outside 1..=[`MAX_RESOLUTION`].
    #[error("resolution must be between 1 and 65536, got {value}")]
    InvalidResolution {
        /// The rejected resolution.
        value: u32,
    },
    /// The scaled resolution round(res · r / 4) · 4 is 0 or above [`MAX_RESOLUTION`].
    #[error(
        "scaled resolution round({resolution} · {r:?} / 4) · 4 = {value:?} is outside 4..=65536"
    )]
    ResolutionOutOfRange {
        /// The base resolution.
        resolution: u32,
        /// The resolution multiplier r.
        r: f64,
        /// The scaled resolution (as a float, since it may not fit an integer).
        value: f64,
    },
    /// A scaled depth or width is above this crate's limit ([`MAX_BLOCKS`], [`MAX_CHANNELS`]).
    #[error("stage {stage}: scaled {field} = {value:?} is more than {max} ({limit})")]
    AboveLimit {
        /// 1-based stage index.
        stage: usize,
        /// The field (`d` or `w`).
        field: &'static str,
        /// The scaled value.
        value: f64,
        /// The limit.
        max: u32,
        /// The limit's name.
        limit: &'static str,
    },
    /// The scaled depths add up to more than [`MAX_BLOCKS`] blocks.
    #[error("scaled model has {value} blocks, more than {max} (MAX_BLOCKS)")]
    TooManyBlocks {
        /// Σ d_i after scaling.
        value: u64,
        /// The limit.
        max: u32,
    },
    /// The scaled spec is invalid (compatibility adjustment or validation failed).
    #[error(transparent)]
    Spec(#[from] SpecError),
}

/// How to distribute a scale factor over depth (d), width (w), group width (g) and resolution (r):
/// one relative weight per dimension, written as in pycls (`MODEL.SCALING_TYPE`).
///
/// Two forms are parsed ([`FromStr`]): letters, each weighted 1 (`"d"`, `"dw"`, `"dwr"`), and
/// underscore-separated dimension–weight pairs (`"d1_w2"`, `"d1_w8_g8_r1"`); absent dimensions weigh 0.
/// Unlike pycls, which takes the last of repeated pairs and treats an empty strategy as "no scaling",
/// a repeated dimension, an empty strategy and negative or non-finite weights are errors.
///
/// ```
/// use regnet_anynet::ScalingStrategy;
///
/// let s: ScalingStrategy = "dw".parse()?;
/// assert_eq!((s.d, s.w, s.g, s.r), (1.0, 1.0, 0.0, 0.0));
/// let f = s.factors(4.0)?;
/// assert_eq!((f.d, f.w), (2.0, 2.0_f64.sqrt()));
/// assert_eq!(ScalingStrategy::FAST_COMPOUND.to_string(), "d1_w8_g8_r1");
/// # Ok::<(), regnet_anynet::ScaleError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScalingStrategy {
    /// Weight of depth.
    pub d: f64,
    /// Weight of width.
    pub w: f64,
    /// Weight of group width (outside the flops budget, see the module docs).
    pub g: f64,
    /// Weight of resolution.
    pub r: f64,
}

impl ScalingStrategy {
    /// The paper's fast compound scaling, `d1_w8_g8_r1` (pycls's recommended default).
    pub const FAST_COMPOUND: ScalingStrategy = ScalingStrategy {
        d: 1.0,
        w: 8.0,
        g: 8.0,
        r: 1.0,
    };

    /// Parses a pycls scaling type (see the type's docs).
    pub fn parse(text: &str) -> Result<Self, ScaleError> {
        let strategy = || one_line(text);
        let mut weights: [Option<f64>; 4] = [None; 4];
        let mut set = |dimension: char, weight: f64| -> Result<(), ScaleError> {
            let i = DIMENSIONS
                .iter()
                .position(|&c| c == dimension)
                .unwrap_or_default();
            if weights[i].replace(weight).is_some() {
                return Err(ScaleError::RepeatedDimension {
                    strategy: strategy(),
                    dimension,
                });
            }
            Ok(())
        };
        if text.chars().all(|c| DIMENSIONS.contains(&c)) {
            for c in text.chars() {
                set(c, 1.0)?;
            }
        } else {
            for part in text.split('_') {
                let mut chars = part.chars();
                let dimension = match chars.next() {
                    Some(c) if DIMENSIONS.contains(&c) => c,
                    _ => {
                        return Err(ScaleError::UnknownDimension {
                            strategy: strategy(),
                            part: one_line(part),
                        });
                    }
                };
                let value = chars.as_str();
                let weight = value
                    .parse::<f64>()
                    .ok()
                    .filter(|w| w.is_finite() && *w >= 0.0)
                    .ok_or_else(|| ScaleError::BadWeight {
                        strategy: strategy(),
                        dimension,
                        value: one_line(value),
                    })?;
                set(dimension, weight)?;
            }
        }
        let [d, w, g, r] = weights.map(|x| x.unwrap_or(0.0));
        if d + w + g + r == 0.0 {
            return Err(ScaleError::NoDimension {
                strategy: strategy(),
            });
        }
        Ok(Self { d, w, g, r })
    }

    /// The multipliers of depth, width, group width and resolution for scale factor `factor` (pycls
    /// `scaling_factors`): d · w² · r² = `factor`.
    pub fn factors(&self, factor: f64) -> Result<ScalingFactors, ScaleError> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(ScaleError::InvalidFactor { value: factor });
        }
        // Python's `a or b or c` on floats: the first that is not 0.
        let mut sum = self.d + self.w + self.r;
        if sum == 0.0 {
            sum = self.g / 2.0;
        }
        if sum == 0.0 {
            sum = 1.0;
        }
        let f = ScalingFactors {
            d: factor.powf(self.d / sum),
            w: factor.powf(self.w / sum / 2.0),
            g: factor.powf(self.g / sum / 2.0),
            r: factor.powf(self.r / sum / 2.0),
        };
        let product = f.d * f.w * f.w * f.r * f.r;
        let identity = f.d == 1.0 && f.w == 1.0 && f.r == 1.0;
        if !identity && (product - factor).abs() > 0.01 * product.abs().max(factor.abs()) {
            return Err(ScaleError::Inexact {
                strategy: self.to_string(),
                product,
                factor,
            });
        }
        Ok(f)
    }
}

const DIMENSIONS: [char; 4] = ['d', 'w', 'g', 'r'];

impl FromStr for ScalingStrategy {
    type Err = ScaleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ScalingStrategy {
    /// pycls's weighted form with the non-zero weights, e.g. `d1_w8_g8_r1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = DIMENSIONS
            .iter()
            .zip([self.d, self.w, self.g, self.r])
            .filter(|(_, w)| *w != 0.0)
            .map(|(c, w)| format!("{c}{w}"))
            .collect();
        f.write_str(&parts.join("_"))
    }
}

/// The multipliers of one scaling: d · w² · r² equals the scale factor; g multiplies group widths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScalingFactors {
    /// Depth multiplier.
    pub d: f64,
    /// Width multiplier.
    pub w: f64,
    /// Group-width multiplier.
    pub g: f64,
    /// Resolution multiplier.
    pub r: f64,
}

/// A scaled model: the AnyNet spec, its input resolution and the multipliers that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaledModel {
    /// The scaled spec (validated).
    pub spec: AnyNetSpec,
    /// The scaled input resolution (a multiple of 4).
    pub resolution: u32,
    /// The multipliers applied.
    pub factors: ScalingFactors,
}

/// Scales `spec` at input resolution `resolution` by `factor` along `strategy`, as pycls's
/// `scale_model` does (see the module docs for the rounding).
pub fn scale_model(
    spec: &AnyNetSpec,
    resolution: u32,
    strategy: &ScalingStrategy,
    factor: f64,
) -> Result<ScaledModel, ScaleError> {
    let factors = strategy.factors(factor)?;
    factors.apply(spec, resolution)
}

impl ScalingFactors {
    /// Applies these multipliers to `spec` and `resolution` with pycls's rounding (see the module docs).
    pub fn apply(&self, spec: &AnyNetSpec, resolution: u32) -> Result<ScaledModel, ScaleError> {
        if resolution == 0 || resolution > MAX_RESOLUTION {
            return Err(ScaleError::InvalidResolution { value: resolution });
        }
        let mut out = spec.clone();
        let mut blocks = 0u64;
        for (i, s) in out.stages.iter_mut().enumerate() {
            let stage = i + 1;
            let above = |field, value, max, limit| ScaleError::AboveLimit {
                stage,
                field,
                value,
                max,
                limit,
            };
            let d = (f64::from(s.d) * self.d).round_ties_even().max(1.0);
            if d > f64::from(MAX_BLOCKS) {
                return Err(above("d", d, MAX_BLOCKS, "MAX_BLOCKS"));
            }
            let w = (f64::from(s.w) * self.w / 8.0).round_ties_even().max(1.0) * 8.0;
            if w > f64::from(MAX_CHANNELS) {
                return Err(above("w", w, MAX_CHANNELS, "MAX_CHANNELS"));
            }
            let adjusted = adjust_block_compatibility(
                stage,
                StageCompat {
                    w: w as u32,
                    bot_mul: s.bot_mul,
                    g: scale_group_width(s.g, self.g),
                },
            )
            .map_err(SpecError::from)?;
            s.d = d as u32;
            s.w = adjusted.w;
            s.g = adjusted.g;
            blocks += u64::from(s.d);
        }
        if blocks > u64::from(MAX_BLOCKS) {
            return Err(ScaleError::TooManyBlocks {
                value: blocks,
                max: MAX_BLOCKS,
            });
        }
        out.validate()?;
        Ok(ScaledModel {
            spec: out,
            resolution: scale_resolution(resolution, self.r)?,
            factors: *self,
        })
    }
}

/// g → max(1, round(g · m)), then kept if ≤ 2, 4 if ≤ 5, else round(g / 8) · 8 (pycls). Saturates at
/// `u32::MAX`, where the compatibility adjustment clamps it to the bottleneck width anyway.
fn scale_group_width(g: u32, m: f64) -> u32 {
    let g = (f64::from(g) * m).round_ties_even().max(1.0);
    let g = match g {
        g if g <= 2.0 => g,
        g if g <= 5.0 => 4.0,
        g => (g / 8.0).round_ties_even() * 8.0,
    };
    g.min(f64::from(u32::MAX)) as u32
}

/// res → round(res · r / 4) · 4 (pycls scales `TRAIN.IM_SIZE` and `TEST.IM_SIZE` alike).
pub fn scale_resolution(resolution: u32, r: f64) -> Result<u32, ScaleError> {
    let value = (f64::from(resolution) * r / 4.0).round_ties_even() * 4.0;
    if !(value >= 4.0 && value <= f64::from(MAX_RESOLUTION)) {
        return Err(ScaleError::ResolutionOutOfRange {
            resolution,
            r,
            value,
        });
    }
    Ok(value as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<ScalingStrategy, ScaleError> {
        s.parse()
    }

    #[test]
    fn parses_both_forms_of_pycls_strategies() {
        let w = |s: &str| parse(s).map(|x| (x.d, x.w, x.g, x.r));
        assert_eq!(w("d"), Ok((1.0, 0.0, 0.0, 0.0)));
        assert_eq!(w("dwr"), Ok((1.0, 1.0, 0.0, 1.0)));
        assert_eq!(w("dwgr"), Ok((1.0, 1.0, 1.0, 1.0)));
        assert_eq!(w("d1_w2"), Ok((1.0, 2.0, 0.0, 0.0)));
        assert_eq!(w("d1_w8_g8_r1"), Ok((1.0, 8.0, 8.0, 1.0)));
        assert_eq!(w("r0.5_d1.5"), Ok((1.5, 0.0, 0.0, 0.5)));
        assert_eq!(parse("d1_w8_g8_r1"), Ok(ScalingStrategy::FAST_COMPOUND));
        assert_eq!(parse("w2_d0.5").unwrap().to_string(), "d0.5_w2");
    }

    #[test]
    fn rejects_bad_strategies_naming_the_part() {
        let e = parse("x2").unwrap_err();
        assert_eq!(
            e,
            ScaleError::UnknownDimension {
                strategy: "x2".into(),
                part: "x2".into()
            }
        );
        assert_eq!(
            parse("d1_w").unwrap_err(),
            ScaleError::BadWeight {
                strategy: "d1_w".into(),
                dimension: 'w',
                value: String::new()
            }
        );
        assert!(matches!(
            parse("d-1_w1"),
            Err(ScaleError::BadWeight { dimension: 'd', .. })
        ));
        assert!(matches!(parse("dNaN"), Err(ScaleError::BadWeight { .. })));
        assert!(matches!(parse("dinf"), Err(ScaleError::BadWeight { .. })));
        assert!(matches!(
            parse("d1__w1"),
            Err(ScaleError::UnknownDimension { .. })
        ));
        assert!(matches!(
            parse("dd"),
            Err(ScaleError::RepeatedDimension { dimension: 'd', .. })
        ));
        assert!(matches!(parse(""), Err(ScaleError::NoDimension { .. })));
        assert!(matches!(
            parse("d0_w0"),
            Err(ScaleError::NoDimension { .. })
        ));
        assert_eq!(
            parse("D").unwrap_err().to_string(),
            "strategy \"D\": unknown dimension \"D\", expected d, w, g or r followed by a weight"
        );
    }

    #[test]
    fn factors_multiply_to_the_scale_factor() {
        let f = parse("d1_w8_g8_r1").unwrap().factors(4.0).unwrap();
        // s^0.1, s^0.4, s^0.4, s^0.05 for s = 4.
        assert_eq!(f.d, 4f64.powf(0.1));
        assert_eq!(f.w, 4f64.powf(0.4));
        assert_eq!(f.g, f.w);
        assert_eq!(f.r, 4f64.powf(0.05));
        assert!((f.d * f.w * f.w * f.r * f.r - 4.0).abs() < 1e-12);
        // Group width alone: Σ = weight(g) / 2, so g = s.
        let g = parse("g").unwrap().factors(2.0).unwrap();
        assert_eq!((g.d, g.w, g.g, g.r), (1.0, 1.0, 2.0, 1.0));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                parse("d").unwrap().factors(bad),
                Err(ScaleError::InvalidFactor { .. })
            ));
        }
    }

    #[test]
    fn group_widths_round_as_pycls() {
        let g: Vec<u32> = [1, 2, 3, 5, 6, 12, 20, 28, 100]
            .map(|g| scale_group_width(g, 1.0))
            .to_vec();
        assert_eq!(g, vec![1, 2, 4, 4, 8, 16, 16, 32, 96]);
        assert_eq!(scale_group_width(8, 1e300), u32::MAX);
    }

    #[test]
    fn resolution_rounds_half_to_even_to_multiples_of_4() {
        // 224 · 1.0625 / 4 = 59.5 → 60; 232 · 1.0625 / 4 = 61.625 → 62; 4 · 0.5 / 4 = 0.5 → 0.
        assert_eq!(scale_resolution(224, 1.0625), Ok(240));
        assert_eq!(scale_resolution(232, 1.0625), Ok(248));
        assert_eq!(scale_resolution(8, 0.75), Ok(8));
        assert!(matches!(
            scale_resolution(4, 0.5),
            Err(ScaleError::ResolutionOutOfRange { .. })
        ));
    }
}
