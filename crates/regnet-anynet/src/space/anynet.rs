//! The AnyNetX design spaces A–E (paper §3.2, Table 1, Figs. 4–7).

use rand::Rng;
use regnet_quantized::{StageCompat, adjust_block_compatibility};
use serde::{Deserialize, Serialize};

use super::{ParamRange, Reject, SampleError, draw::Dist};
use crate::{AnyNetSpec, BlockType, StageSpec, StemType};

/// How an ordering rule (w_{i+1} ≥ w_i, d_{i+1} ≥ d_i) is imposed on independent per-stage draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderRule {
    /// Redraw the whole per-stage list until it is non-decreasing (at most [`ORDER_REDRAWS`] times).
    /// The result is the unconstrained (AnyNetX_A…C) distribution *conditioned* on the order: every
    /// non-decreasing sequence keeps its relative probability ∏ p(v_i). With log-uniform marginals
    /// this is the paper's space D/E "as a subset of C" (Table 1 counts it that way).
    #[default]
    Reject,
    /// Draw independently and sort. Cheaper, but not the conditional distribution: a sequence of
    /// distinct values gets 4! times its i.i.d. probability, one with ties less (down to 1× for
    /// constant sequences), so ties and flat width profiles are under-represented relative to
    /// [`OrderRule::Reject`].
    Sort,
}

/// Largest number of redraws of one ordered per-stage list before a candidate is given up
/// (counted as an ordering rejection). The acceptance of one redraw is ≈ 1/24 for 4 stages.
pub const ORDER_REDRAWS: u32 = 100_000;

/// What happens to a stage whose group width g does not fit its bottleneck width w/b.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompatRule {
    /// Apply the paper's Appendix D rule, pycls's `adjust_block_compatibility`: if g > w/b set g = w/b,
    /// else round w/b to a multiple of g (half-to-even) and w = that · b. The drawn values stay in
    /// the sample record; the spec holds the adjusted ones.
    #[default]
    Adjust,
    /// Keep the drawn values and reject the candidate when the spec is not buildable
    /// ([`AnyNetSpec::validate`]: g > w_b, or w_b // g groups not dividing w_b).
    Reject,
}

/// An AnyNet design space: per-stage ranges for d_i, w_i, b_i, g_i plus sharing and ordering rules.
///
/// The paper's five spaces are [`AnyNetSpace::anynetx_a`] … [`AnyNetSpace::anynetx_e`]; any field can
/// be changed to build a custom space.
///
/// ```
/// use regnet_anynet::space::AnyNetSpace;
/// let e = AnyNetSpace::anynetx_e();
/// assert_eq!(e.table1_size(), 16f64.powi(4) * 128f64.powi(4) * 3.0 * 6.0 / 576.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnyNetSpace {
    /// Name of the space (e.g. `anynetx-a`).
    pub name: String,
    /// Number of stages (4 in the paper).
    pub num_stages: usize,
    /// Depth d_i of each stage (paper: 1..16, log-uniform).
    pub d: ParamRange,
    /// Width w_i of each stage (paper: 8..1024, multiples of 8, log-uniform).
    pub w: ParamRange,
    /// Bottleneck ratio b_i (paper: {1, 2, 4}); bot_mul = 1/b_i.
    pub b: ParamRange,
    /// Group width g_i (paper: {1, 2, 4, 8, 16, 32}).
    pub g: ParamRange,
    /// b_i = b shared by all stages (AnyNetX_B onward).
    pub shared_b: bool,
    /// g_i = g shared by all stages (AnyNetX_C onward).
    pub shared_g: bool,
    /// w_{i+1} ≥ w_i (AnyNetX_D onward).
    pub increasing_w: bool,
    /// d_{i+1} ≥ d_i (AnyNetX_E).
    pub increasing_d: bool,
    /// How ordering rules are sampled.
    pub order: OrderRule,
    /// How incompatible group widths are handled.
    pub compat: CompatRule,
    /// Stem (`simple_stem_in`, the paper's; `res_stem_cifar` for small images: [`super::NetworkIo`]).
    #[serde(default = "super::default_stem")]
    pub stem: StemType,
    /// Input channels (3; 1 for grey images).
    #[serde(default = "super::default_in_channels")]
    pub in_channels: u32,
    /// Stem width (32, ImageNet stem).
    pub stem_w: u32,
    /// Stride of each stage's first block (2).
    pub stride: u32,
    /// SE ratio (`None` for the X block).
    pub se_r: Option<f64>,
    /// Classes of the head (1000).
    pub num_classes: u32,
}

/// The drawn per-stage parameters of an AnyNet sample (before any compatibility adjustment).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnyNetDraw {
    /// Depths d_i.
    pub d: Vec<u32>,
    /// Widths w_i.
    pub w: Vec<u32>,
    /// Bottleneck ratios b_i (bot_mul = 1/b_i).
    pub b: Vec<u32>,
    /// Group widths g_i.
    pub g: Vec<u32>,
}

/// Number of non-decreasing sequences of length k over n values: C(n + k − 1, k).
pub fn multichoose(n: u64, k: u64) -> u128 {
    let mut r: u128 = 1;
    for i in 0..k {
        // r · (n + i) / (i + 1) stays an integer at every step (it is C(n + i, i + 1)).
        r = r * u128::from(n + i) / u128::from(i + 1);
    }
    r
}

fn factorial(k: usize) -> f64 {
    (1..=k).map(|i| i as f64).product()
}

/// Fills `out` with `n` draws of `r`, non-decreasing when `ordered` (per `rule`). Returns the number
/// of lists drawn, or `None` when no ordered list came up within [`ORDER_REDRAWS`].
fn draw_list(
    rng: &mut impl Rng,
    r: &ParamRange,
    n: usize,
    ordered: bool,
    rule: OrderRule,
    out: &mut Vec<u32>,
) -> Option<u32> {
    for tries in 1..=ORDER_REDRAWS {
        out.clear();
        out.extend((0..n).map(|_| r.sample(rng) as u32));
        if !ordered {
            return Some(tries);
        }
        match rule {
            OrderRule::Sort => {
                out.sort_unstable();
                return Some(tries);
            }
            OrderRule::Reject if out.windows(2).all(|p| p[0] <= p[1]) => return Some(tries),
            OrderRule::Reject => {}
        }
    }
    None
}

impl AnyNetSpace {
    fn paper(name: &str) -> Self {
        Self {
            name: name.into(),
            num_stages: 4,
            d: ParamRange::new(1.0, 16.0, 1.0, Dist::LogUniform),
            w: ParamRange::new(8.0, 1024.0, 8.0, Dist::LogUniform),
            b: ParamRange::new(1.0, 4.0, 1.0, Dist::Power2),
            g: ParamRange::new(1.0, 32.0, 1.0, Dist::Power2),
            shared_b: false,
            shared_g: false,
            increasing_w: false,
            increasing_d: false,
            order: OrderRule::Reject,
            compat: CompatRule::Adjust,
            stem: StemType::SimpleStemIn,
            in_channels: 3,
            stem_w: 32,
            stride: 2,
            se_r: None,
            num_classes: 1000,
        }
    }

    /// AnyNetX_A (§3.2): 4 stages, each with independent d_i ≤ 16, w_i ≤ 1024 (multiple of 8),
    /// b_i ∈ {1, 2, 4}, g_i ∈ {1, …, 32} (powers of two); 16 dims, (16·128·3·6)^4 ≈ 1.8e18 models.
    pub fn anynetx_a() -> Self {
        Self::paper("anynetx-a")
    }

    /// AnyNetX_B: AnyNetX_A with a shared bottleneck ratio b_i = b (13 dims, ≈ 6.8e16).
    pub fn anynetx_b() -> Self {
        Self {
            shared_b: true,
            ..Self::paper("anynetx-b")
        }
    }

    /// AnyNetX_C: AnyNetX_B with a shared group width g_i = g (10 dims, ≈ 3.2e14).
    pub fn anynetx_c() -> Self {
        Self {
            shared_g: true,
            ..Self::anynetx_b()
        }
        .renamed("anynetx-c")
    }

    /// AnyNetX_D: AnyNetX_C with non-decreasing widths w_{i+1} ≥ w_i (Table 1: ≈ 1.3e13).
    pub fn anynetx_d() -> Self {
        Self {
            increasing_w: true,
            ..Self::anynetx_c()
        }
        .renamed("anynetx-d")
    }

    /// AnyNetX_E: AnyNetX_D with non-decreasing depths d_{i+1} ≥ d_i (Table 1: ≈ 5.5e11).
    pub fn anynetx_e() -> Self {
        Self {
            increasing_d: true,
            ..Self::anynetx_d()
        }
        .renamed("anynetx-e")
    }

    fn renamed(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    /// Checks the ranges and constants.
    pub fn validate(&self) -> Result<(), SampleError> {
        self.d.validate("d")?;
        self.w.validate("w")?;
        self.b.validate("b")?;
        self.g.validate("g")?;
        if self.num_stages == 0 || self.num_stages > 16 {
            return Err(SampleError::InvalidSpace {
                reason: format!("num_stages must be 1..=16, got {}", self.num_stages),
            });
        }
        // Every sample must be a spec within the documented limits.
        let blocks = self.d.high * self.num_stages as f64;
        if blocks > f64::from(crate::MAX_BLOCKS) {
            return Err(SampleError::InvalidSpace {
                reason: format!(
                    "num_stages x d.high = {blocks} blocks exceeds MAX_BLOCKS = {}",
                    crate::MAX_BLOCKS
                ),
            });
        }
        for (name, r) in [("w", &self.w), ("g", &self.g)] {
            if r.high > f64::from(crate::MAX_CHANNELS) {
                return Err(SampleError::InvalidRange {
                    param: name,
                    expected: "high <= 1048576 (MAX_CHANNELS)",
                    range: *r,
                });
            }
        }
        Ok(())
    }

    /// The paper's "dim." column of Table 1: free parameters (a range with one value is not free).
    pub fn dims(&self) -> usize {
        let free = |r: &ParamRange| usize::from(r.count() > 1);
        let s = self.num_stages;
        let per = |r: &ParamRange, shared: bool| if shared { free(r) } else { s * free(r) };
        s * free(&self.d)
            + s * free(&self.w)
            + per(&self.b, self.shared_b)
            + per(&self.g, self.shared_g)
    }

    /// Exact number of distinct parameter tuples the space holds (before compatibility adjustment):
    /// a product over the per-stage and shared parameters, where an ordered list of s values over n
    /// choices counts the non-decreasing sequences C(n + s − 1, s).
    ///
    /// A–C equal Table 1 exactly. For D and E the paper divides by 4! per ordered list, which counts
    /// *strictly increasing* sequences approximately (n^4/4! vs C(n, 4)); the exact count of
    /// non-decreasing sequences is larger (D: 1.38e13 vs 1.3e13; E: 8.17e11 vs 5.5e11). See
    /// [`AnyNetSpace::table1_size`] for the paper's formula.
    pub fn size(&self) -> u128 {
        let s = self.num_stages as u64;
        let list = |r: &ParamRange, ordered: bool| {
            if ordered {
                multichoose(r.count(), s)
            } else {
                u128::from(r.count()).pow(s as u32)
            }
        };
        let shared = |r: &ParamRange, shared: bool| {
            if shared {
                u128::from(r.count())
            } else {
                u128::from(r.count()).pow(s as u32)
            }
        };
        list(&self.d, self.increasing_d)
            * list(&self.w, self.increasing_w)
            * shared(&self.b, self.shared_b)
            * shared(&self.g, self.shared_g)
    }

    /// The size by the paper's Table 1 formula: the unordered product divided by s! for each ordered
    /// list (A (16·128·3·6)^4, …, D (16·128)^4·3·6/4!, E …/(4!)^2).
    pub fn table1_size(&self) -> f64 {
        let s = self.num_stages as i32;
        let c = |r: &ParamRange| r.count() as f64;
        let shared = |r: &ParamRange, sh: bool| if sh { c(r) } else { c(r).powi(s) };
        let mut n = c(&self.d).powi(s)
            * c(&self.w).powi(s)
            * shared(&self.b, self.shared_b)
            * shared(&self.g, self.shared_g);
        for ordered in [self.increasing_d, self.increasing_w] {
            if ordered {
                n /= factorial(self.num_stages);
            }
        }
        n
    }

    /// Draws the per-stage parameters into `out`; returns how many d/w lists were redrawn because an
    /// ordering rule rejected them (0 without ordering rules), or `None` if the redraw cap was hit.
    pub fn draw_into(&self, rng: &mut impl Rng, out: &mut AnyNetDraw) -> Option<u32> {
        let s = self.num_stages;
        let mut redraws =
            draw_list(rng, &self.d, s, self.increasing_d, self.order, &mut out.d)? - 1;
        redraws += draw_list(rng, &self.w, s, self.increasing_w, self.order, &mut out.w)? - 1;
        let nb = if self.shared_b { 1 } else { s };
        draw_list(rng, &self.b, nb, false, self.order, &mut out.b)?;
        let ng = if self.shared_g { 1 } else { s };
        draw_list(rng, &self.g, ng, false, self.order, &mut out.g)?;
        if self.shared_b {
            out.b.resize(s, out.b[0]);
        }
        if self.shared_g {
            out.g.resize(s, out.g[0]);
        }
        Some(redraws)
    }

    /// An empty spec with this space's stem, block and head (stages filled by [`Self::fill_spec`]).
    pub fn template(&self) -> AnyNetSpec {
        AnyNetSpec {
            stem: self.stem,
            stem_w: self.stem_w,
            block: BlockType::ResBottleneck,
            stages: Vec::with_capacity(self.num_stages),
            se_r: self.se_r,
            head_w: 0,
            num_classes: self.num_classes,
            in_channels: self.in_channels,
            activation: crate::Activation::Relu,
        }
    }

    /// Writes the stages of `draw` into `spec` (reusing its allocation) and validates it.
    ///
    /// With [`CompatRule::Adjust`] each stage goes through `adjust_block_compatibility` first.
    pub fn fill_spec(&self, draw: &AnyNetDraw, spec: &mut AnyNetSpec) -> Result<(), Reject> {
        spec.stages.clear();
        for i in 0..self.num_stages {
            let bot_mul = 1.0 / f64::from(draw.b[i]);
            let (w, g) = match self.compat {
                CompatRule::Adjust => {
                    let c = adjust_block_compatibility(
                        i,
                        StageCompat {
                            w: draw.w[i],
                            bot_mul,
                            g: draw.g[i],
                        },
                    )
                    .map_err(|_| Reject::Compat)?;
                    (c.w, c.g)
                }
                CompatRule::Reject => (draw.w[i], draw.g[i]),
            };
            spec.stages.push(StageSpec {
                d: draw.d[i],
                w,
                stride: self.stride,
                bot_mul,
                g,
            });
        }
        spec.validate().map_err(|_| Reject::Compat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multichoose_small_cases() {
        assert_eq!(multichoose(3, 2), 6); // 11 12 13 22 23 33
        assert_eq!(multichoose(128, 4), 11_716_640);
        assert_eq!(multichoose(16, 4), 3876);
        assert_eq!(multichoose(5, 0), 1);
    }

    #[test]
    fn dims_match_table1() {
        let dims: Vec<usize> = [
            AnyNetSpace::anynetx_a(),
            AnyNetSpace::anynetx_b(),
            AnyNetSpace::anynetx_c(),
            AnyNetSpace::anynetx_d(),
            AnyNetSpace::anynetx_e(),
        ]
        .iter()
        .map(AnyNetSpace::dims)
        .collect();
        assert_eq!(dims, vec![16, 13, 10, 10, 10]);
    }
}
