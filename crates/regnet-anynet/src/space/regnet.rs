//! The RegNet design spaces (paper §3.3 and §4, Table 1) and pycls's RegNet sweep sampler.

use rand::Rng;
use regnet_quantized::QuantizedLinear;
use serde::{Deserialize, Serialize};

use super::{ParamRange, Reject, SampleError, draw::Dist};
use crate::{AnyNetSpec, BlockType, Complexity, RegNetParams, StemType};

/// The paper's §4 limits fitted in Fig. 12 and suggested by pycls's sweep configs: for flops F in GF,
/// params < a + b·F (in M) and acts < c·√F (in M).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fig12Limits {
    /// Constant of the params bound (3 M).
    pub params_a: f64,
    /// Slope of the params bound (5.5 M per GF).
    pub params_b: f64,
    /// Factor of the acts bound (6.5 M per √GF).
    pub acts_c: f64,
}

impl Default for Fig12Limits {
    /// params < 3 + 5.5·F M and acts < 6.5·√F M.
    fn default() -> Self {
        Self {
            params_a: 3.0,
            params_b: 5.5,
            acts_c: 6.5,
        }
    }
}

impl Fig12Limits {
    /// Whether a model's complexity is inside the limits (strict inequalities, as in the paper).
    pub fn holds(&self, c: &Complexity) -> bool {
        let f = c.flops as f64 / 1e9;
        (c.params as f64) < (self.params_a + self.params_b * f) * 1e6
            && (c.acts as f64) < self.acts_c * f.sqrt() * 1e6
    }
}

/// A RegNet design space: ranges for (d, w0, wa, wm) of the quantized linear rule (Eqs. 2–4) and
/// for the shared b and g, plus the stage-count requirement.
///
/// ```
/// use regnet_anynet::space::RegNetSpace;
/// let x = RegNetSpace::regnetx();
/// assert_eq!(x.dims(), 6);
/// assert!((x.table1_size() / 3.0e8 - 1.0).abs() < 0.01);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegNetSpace {
    /// Name of the space (e.g. `regnetx`).
    pub name: String,
    /// Depth d.
    pub d: ParamRange,
    /// Initial width w0 (multiples of q).
    pub w0: ParamRange,
    /// Slope wa.
    pub wa: ParamRange,
    /// Width multiplier wm.
    pub wm: ParamRange,
    /// Bottleneck ratio b shared by all stages (bot_mul = 1/b).
    pub b: ParamRange,
    /// Group width g shared by all stages (before the compatibility adjustment).
    pub g: ParamRange,
    /// Inclusive range of the number of stages a draw must generate.
    pub stages: (usize, usize),
    /// Require pycls's `num_stages == total_stages` (no skipped or merged exponent).
    pub regular: bool,
    /// The §4 params/acts limits (RegNetX constrained).
    pub fig12: Option<Fig12Limits>,
    /// Reject a draw equal to an earlier accepted one (pycls's sweep skips duplicates).
    pub unique: bool,
    /// Width quantum q (8).
    pub q: u32,
    /// SE ratio: `Some(0.25)` for RegNetY.
    pub se_r: Option<f64>,
    /// Stem (`simple_stem_in`, the paper's; `res_stem_cifar` for small images: [`super::NetworkIo`]).
    #[serde(default = "super::default_stem")]
    pub stem: StemType,
    /// Input channels (3; 1 for grey images).
    #[serde(default = "super::default_in_channels")]
    pub in_channels: u32,
    /// Stem width (32).
    pub stem_w: u32,
    /// Classes (1000).
    pub num_classes: u32,
}

/// The drawn parameters of a RegNet sample.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RegNetDraw {
    /// Depth d.
    pub d: u32,
    /// Initial width w0.
    pub w0: u32,
    /// Slope wa.
    pub wa: f64,
    /// Width multiplier wm.
    pub wm: f64,
    /// Group width g.
    pub g: u32,
    /// Bottleneck ratio b (bot_mul = 1/b).
    pub b: u32,
}

impl RegNetSpace {
    /// RegNetX (§3.3): d < 64, w0 < 256 (multiple of 8), 0 < wa < 256, 1.5 ≤ wm ≤ 3, b and g as in
    /// AnyNetX_E; only 4-stage models with `num_stages == total_stages` are kept.
    ///
    /// The paper does not give distributions or quanta. Here, as pycls's sweep sampler: d uniform
    /// (q 1), w0, wa, wm log-uniform; wa and wm on a 0.01 grid (the precision of the zoo parameters),
    /// so d 1..63, w0 8..248, wa 0.01..255.99, wm 1.50..3.00; b ∈ {1, 2, 4}, g ∈ {1, …, 32}.
    pub fn regnetx() -> Self {
        Self {
            name: "regnetx".into(),
            d: ParamRange::new(1.0, 63.0, 1.0, Dist::Uniform),
            w0: ParamRange::new(8.0, 248.0, 8.0, Dist::LogUniform),
            wa: ParamRange::new(0.01, 255.99, 0.01, Dist::LogUniform),
            wm: ParamRange::new(1.5, 3.0, 0.01, Dist::LogUniform),
            b: ParamRange::new(1.0, 4.0, 1.0, Dist::Power2),
            g: ParamRange::new(1.0, 32.0, 1.0, Dist::Power2),
            stages: (4, 4),
            regular: true,
            fig12: None,
            unique: false,
            q: 8,
            se_r: None,
            stem: StemType::SimpleStemIn,
            in_channels: 3,
            stem_w: 32,
            num_classes: 1000,
        }
    }

    /// RegNetX constrained (§4): RegNetX with b = 1, d ≤ 40, wm ≥ 2 and the Fig. 12 limits
    /// params < 3 + 5.5·F M, acts < 6.5·√F M.
    pub fn regnetx_constrained() -> Self {
        Self {
            name: "regnetx-constrained".into(),
            d: ParamRange::new(1.0, 40.0, 1.0, Dist::Uniform),
            wm: ParamRange::new(2.0, 3.0, 0.01, Dist::LogUniform),
            b: ParamRange::fixed(1.0),
            fig12: Some(Fig12Limits::default()),
            ..Self::regnetx()
        }
    }

    /// RegNetY (§5): RegNetX with squeeze-excitation of ratio 1/4 after the 3×3 conv.
    pub fn regnety() -> Self {
        Self {
            name: "regnety".into(),
            se_r: Some(0.25),
            ..Self::regnetx()
        }
    }

    /// pycls's `regnet_sampler` with its default ranges (docs/conventions.md §D): DEPTH 12–28 uniform q 1,
    /// W0 8–256 log-uniform q 8, WA 8–256 log-uniform q 0.1, WM 2–3 log-uniform q 0.001, GROUP_W 8–128
    /// power2_or_log_uniform q 8, BOT_MUL 1; 4 regular stages; duplicates skipped. X block, no SE
    /// (pycls's REGNET.SE_ON default).
    pub fn pycls_regnet() -> Self {
        Self {
            name: "pycls-regnet".into(),
            d: ParamRange::new(12.0, 28.0, 1.0, Dist::Uniform),
            w0: ParamRange::new(8.0, 256.0, 8.0, Dist::LogUniform),
            wa: ParamRange::new(8.0, 256.0, 0.1, Dist::LogUniform),
            wm: ParamRange::new(2.0, 3.0, 0.001, Dist::LogUniform),
            b: ParamRange::fixed(1.0),
            g: ParamRange::new(8.0, 128.0, 8.0, Dist::Power2OrLogUniform),
            unique: true,
            ..Self::regnetx()
        }
    }

    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), SampleError> {
        for (name, r) in [
            ("d", &self.d),
            ("w0", &self.w0),
            ("wa", &self.wa),
            ("wm", &self.wm),
            ("b", &self.b),
            ("g", &self.g),
        ] {
            r.validate(name)?;
        }
        if self.wm.low <= 1.0 {
            return Err(SampleError::InvalidRange {
                param: "wm",
                expected: "low > 1",
                range: self.wm,
            });
        }
        if self.q == 0 || !(self.w0.q as u32).is_multiple_of(self.q) || self.w0.q.fract() != 0.0 {
            return Err(SampleError::InvalidSpace {
                reason: format!(
                    "w0 quantum {} must be a multiple of q = {}",
                    self.w0.q, self.q
                ),
            });
        }
        // Every draw must be within the generator's limits.
        for (name, r, max) in [
            ("d", &self.d, regnet_quantized::MAX_DEPTH),
            ("w0", &self.w0, regnet_quantized::MAX_WIDTH),
            ("wa", &self.wa, regnet_quantized::MAX_WIDTH),
            ("g", &self.g, crate::MAX_CHANNELS),
        ] {
            if r.high > f64::from(max) {
                return Err(SampleError::InvalidRange {
                    param: name,
                    expected: "high within the generator's limits (MAX_DEPTH, MAX_WIDTH, MAX_CHANNELS)",
                    range: *r,
                });
            }
        }
        if self.stages.0 > self.stages.1 || self.stages.0 == 0 {
            return Err(SampleError::InvalidSpace {
                reason: format!("stage range {:?} must be non-empty and >= 1", self.stages),
            });
        }
        Ok(())
    }

    /// Free parameters (Table 1 "dim.": 6 for RegNet).
    pub fn dims(&self) -> usize {
        [&self.d, &self.w0, &self.wa, &self.wm, &self.b, &self.g]
            .iter()
            .filter(|r| r.count() > 1)
            .count()
    }

    /// Exact number of distinct parameter tuples (d, w0, wa, wm, b, g) on this space's grids, before
    /// the stage-count filter (which depends on the generator).
    pub fn size(&self) -> u128 {
        [&self.d, &self.w0, &self.wa, &self.wm, &self.b, &self.g]
            .iter()
            .map(|r| u128::from(r.count()))
            .product()
    }

    /// The paper's Table 1 count "~64^4 · 6 · 3": 64 values for each of d, w0, wa, wm, times the b and
    /// g choices (≈ 3.0e8 for RegNetX).
    pub fn table1_size(&self) -> f64 {
        64f64.powi(4) * self.b.count() as f64 * self.g.count() as f64
    }

    /// Draws one parameter tuple.
    pub fn draw(&self, rng: &mut impl Rng) -> RegNetDraw {
        RegNetDraw {
            d: self.d.sample(rng) as u32,
            w0: self.w0.sample(rng) as u32,
            wa: self.wa.sample(rng),
            wm: self.wm.sample(rng),
            g: self.g.sample(rng) as u32,
            b: self.b.sample(rng) as u32,
        }
    }

    /// The RegNet parameters of a draw (to rebuild the model with [`RegNetParams::to_spec`]).
    pub fn params(&self, p: &RegNetDraw) -> RegNetParams {
        let base = RegNetParams::regnetx(p.d, p.w0, p.wa, p.wm, p.g);
        RegNetParams {
            bot_mul: 1.0 / f64::from(p.b),
            se_r: self.se_r,
            stem: self.stem,
            stem_w: self.stem_w,
            num_classes: self.num_classes,
            in_channels: self.in_channels,
            q: self.q,
            ..base
        }
    }

    /// An empty spec with this space's stem, block and head.
    pub fn template(&self) -> AnyNetSpec {
        AnyNetSpec {
            stem: self.stem,
            stem_w: self.stem_w,
            block: BlockType::ResBottleneck,
            stages: Vec::with_capacity(4),
            se_r: self.se_r,
            head_w: 0,
            num_classes: self.num_classes,
            in_channels: self.in_channels,
            activation: crate::Activation::Relu,
        }
    }

    /// Generates the stages of `p` into `spec` (no per-block allocation), applies the stage-count
    /// rule and pycls's compatibility adjustment, and validates. Equals [`RegNetParams::to_spec`].
    pub fn fill_spec(&self, p: &RegNetDraw, spec: &mut AnyNetSpec) -> Result<(), Reject> {
        spec.stages.clear();
        let ql =
            QuantizedLinear::with_q(p.d, p.w0, p.wa, p.wm, self.q).map_err(|_| Reject::Stages)?;
        // Early exit: s_j grows with j, so total_stages = k_{d-1} + 1 comes from the last block alone,
        // and num_stages <= total_stages. Most RegNet candidates are rejected here.
        let (_, k_last) = ql.block(p.d - 1).map_err(|_| Reject::Stages)?;
        let total = k_last as usize + 1;
        if total < self.stages.0 || (self.regular && total > self.stages.1) {
            return Err(Reject::Stages);
        }
        let bot_mul = 1.0 / f64::from(p.b);
        let built = crate::regnet::regnet_stages(&ql, bot_mul, p.g, 2, &mut spec.stages)
            .map_err(|_| Reject::Stages)?;
        let (num, total) = (built.num, built.total);
        if num < self.stages.0 || num > self.stages.1 || (self.regular && num != total) {
            return Err(Reject::Stages);
        }
        if built.compat.is_some() {
            return Err(Reject::Compat);
        }
        spec.validate().map_err(|_| Reject::Compat)
    }
}
