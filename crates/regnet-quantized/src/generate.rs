//! Generation: (d, w0, wa, wm, q) → per-block widths → stages (paper §3.3, Eqs. 2–4).

use serde::{Deserialize, Serialize};

use crate::QuantizedError;

/// The width quantum used by the paper and pycls: every per-block width is a multiple of 8.
pub const DEFAULT_Q: u32 = 8;

/// Largest width the generator accepts (2^24 channels); larger values are rejected, not wrapped.
///
/// It also bounds `w0`, `q` and the per-block widths given to the inverse fit.
pub const MAX_WIDTH: u32 = 1 << 24;

/// Largest depth d (number of blocks) the generator accepts.
///
/// The paper's RegNet space has d < 64 and the zoo's deepest model (ResNet-152 as an AnyNet) has 50
/// blocks; 4096 leaves room for experiments while keeping every walk over the blocks (generation,
/// complexity, building a model) to milliseconds. Larger depths are rejected, never walked.
pub const MAX_DEPTH: u32 = 4096;

/// Parameters of the quantized linear width rule (paper §3.3).
///
/// `u_j = w0 + wa·j` (Eq. 2), `s_j = ln(u_j / w0) / ln(wm)` (Eq. 3, rounded half-to-even to k_j),
/// `w_j = q · round(w0 · wm^k_j / q)` (Eq. 4, rounded half-to-even), for blocks j = 0..d-1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantizedLinear {
    /// Depth d: the number of blocks.
    pub d: u32,
    /// Initial width w0 (> 0, a multiple of q).
    pub w0: u32,
    /// Slope wa (≥ 0; pycls allows 0, the paper asks for wa > 0).
    pub wa: f64,
    /// Width multiplier wm (> 1).
    pub wm: f64,
    /// Width quantum q (8 in the paper and pycls).
    pub q: u32,
}

/// One stage of a generated RegNet: consecutive blocks sharing one quantized width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stage width w_i.
    pub w: u32,
    /// Stage depth d_i (number of blocks).
    pub d: u32,
}

/// Everything the generator computes, block by block and stage by stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generated {
    /// Continuous widths u_j = w0 + wa·j (Eq. 2).
    pub u: Vec<f64>,
    /// Continuous exponents s_j = ln(u_j / w0) / ln(wm) (Eq. 3, before rounding).
    pub s: Vec<f64>,
    /// Rounded exponents k_j = round_half_even(s_j).
    pub k: Vec<u32>,
    /// Quantized per-block widths w_j (Eq. 4), multiples of q.
    pub block_widths: Vec<u32>,
    /// Stages: the distinct w_j in ascending order with their block counts.
    pub stages: Vec<Stage>,
    /// pycls's `total_stages`: max(k_j) + 1. Differs from `stages.len()` when an exponent is skipped or
    /// two exponents quantize to the same width.
    pub total_stages: usize,
}

impl QuantizedLinear {
    /// Validated parameters with the default quantum q = 8.
    pub fn new(d: u32, w0: u32, wa: f64, wm: f64) -> Result<Self, QuantizedError> {
        Self::with_q(d, w0, wa, wm, DEFAULT_Q)
    }

    /// Validated parameters with an explicit quantum q.
    ///
    /// The checks are pycls's (`w0 > 0`, `w0 % q == 0`, `wa >= 0`, `wm > 1`) plus `d >= 1`, `q >= 1`,
    /// finiteness and the documented limits `d <= MAX_DEPTH`, `w0, q <= MAX_WIDTH`; each failure names
    /// the parameter and its value.
    pub fn with_q(d: u32, w0: u32, wa: f64, wm: f64, q: u32) -> Result<Self, QuantizedError> {
        let p = Self { d, w0, wa, wm, q };
        p.validate()?;
        Ok(p)
    }

    /// Checks the parameters (see [`QuantizedLinear::with_q`]).
    pub fn validate(&self) -> Result<(), QuantizedError> {
        if self.d < 1 {
            return Err(QuantizedError::InvalidDepth { d: self.d });
        }
        if self.d > MAX_DEPTH {
            return Err(QuantizedError::AboveLimit {
                field: "d",
                value: u64::from(self.d),
                max: u64::from(MAX_DEPTH),
            });
        }
        if self.q < 1 {
            return Err(QuantizedError::InvalidQuantum { q: self.q });
        }
        if self.q > MAX_WIDTH {
            return Err(QuantizedError::AboveLimit {
                field: "q",
                value: u64::from(self.q),
                max: u64::from(MAX_WIDTH),
            });
        }
        if self.w0 == 0 || !self.w0.is_multiple_of(self.q) {
            return Err(QuantizedError::InvalidW0 {
                w0: self.w0,
                q: self.q,
            });
        }
        if self.w0 > MAX_WIDTH {
            return Err(QuantizedError::AboveLimit {
                field: "w0",
                value: u64::from(self.w0),
                max: u64::from(MAX_WIDTH),
            });
        }
        if !self.wa.is_finite() || self.wa < 0.0 {
            return Err(QuantizedError::InvalidWa { wa: self.wa });
        }
        if !self.wm.is_finite() || self.wm <= 1.0 {
            return Err(QuantizedError::InvalidWm { wm: self.wm });
        }
        Ok(())
    }

    /// Continuous width u_j = w0 + wa·j (Eq. 2), computed as pycls does (`j*wa + w0` in f64).
    pub fn u(&self, j: u32) -> f64 {
        f64::from(j) * self.wa + f64::from(self.w0)
    }

    /// Continuous exponent s_j = ln(u_j / w0) / ln(wm) (Eq. 3): a ratio of natural logs, as numpy computes it.
    pub fn s(&self, j: u32) -> f64 {
        (self.u(j) / f64::from(self.w0)).ln() / self.wm.ln()
    }

    /// Quantized width of block j (Eq. 4) and its rounded exponent k_j, without allocating.
    ///
    /// k_j = round_half_even(s_j); w_j = q · round_half_even(w0 · wm^k_j / q), with `powf` as numpy's
    /// `power`. Half-to-even matters: RegNetX-1.6GF has 80 · 2.25 = 180 and 180 / 8 = 22.5 → 22.
    pub fn block(&self, j: u32) -> Result<(u32, u32), QuantizedError> {
        let k = self.s(j).round_ties_even();
        let w = f64::from(self.w0) * self.wm.powf(k);
        let q = f64::from(self.q);
        let wq = (w / q).round_ties_even() * q;
        let in_range = wq.is_finite() && wq <= f64::from(MAX_WIDTH) && k <= f64::from(u32::MAX);
        if !in_range {
            return Err(QuantizedError::WidthTooLarge {
                block: j as usize,
                width: w.floor(),
                max: u64::from(MAX_WIDTH),
            });
        }
        Ok((wq as u32, k as u32))
    }

    /// Stage widths and depths without materialising per-block vectors (for fast sampling):
    /// calls `f(w_i, d_i)` for each stage in order and returns (num_stages, total_stages).
    pub fn for_each_stage(
        &self,
        mut f: impl FnMut(u32, u32),
    ) -> Result<(usize, usize), QuantizedError> {
        self.validate()?;
        let mut cur: Option<(u32, u32)> = None;
        let mut num = 0;
        let mut k_max = 0;
        for j in 0..self.d {
            let (w, k) = self.block(j)?;
            k_max = k_max.max(k);
            cur = match cur {
                Some((cw, cd)) if cw == w => Some((cw, cd + 1)),
                Some((cw, cd)) => {
                    f(cw, cd);
                    num += 1;
                    Some((w, 1))
                }
                None => Some((w, 1)),
            };
        }
        if let Some((cw, cd)) = cur {
            f(cw, cd);
            num += 1;
        }
        Ok((num, k_max as usize + 1))
    }

    /// Runs the generator (Eqs. 2–4) and groups equal consecutive widths into stages.
    ///
    /// Because u_j never decreases, w_j never decreases, so grouping consecutive equal widths equals
    /// numpy's `unique(..., return_counts=True)` used by pycls.
    pub fn generate(&self) -> Result<Generated, QuantizedError> {
        self.validate()?;
        let n = self.d as usize;
        let (mut u, mut s, mut k, mut block_widths) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for j in 0..self.d {
            let (w, kj) = self.block(j)?;
            u.push(self.u(j));
            s.push(self.s(j));
            k.push(kj);
            block_widths.push(w);
        }
        let mut stages: Vec<Stage> = Vec::new();
        for &w in &block_widths {
            match stages.last_mut() {
                Some(st) if st.w == w => st.d += 1,
                _ => stages.push(Stage { w, d: 1 }),
            }
        }
        let total_stages = k.iter().copied().max().unwrap_or(0) as usize + 1;
        Ok(Generated {
            u,
            s,
            k,
            block_widths,
            stages,
            total_stages,
        })
    }
}

impl Generated {
    /// Stage widths w_i (distinct per-block widths, ascending).
    pub fn stage_widths(&self) -> Vec<u32> {
        self.stages.iter().map(|s| s.w).collect()
    }

    /// Stage depths d_i.
    pub fn stage_depths(&self) -> Vec<u32> {
        self.stages.iter().map(|s| s.d).collect()
    }

    /// pycls's `num_stages`: the number of distinct widths.
    pub fn num_stages(&self) -> usize {
        self.stages.len()
    }

    /// True when every exponent 0..=max(k) gave its own stage (`num_stages == total_stages`), the
    /// condition pycls's sweep sampler requires before accepting a RegNet.
    pub fn is_regular(&self) -> bool {
        self.num_stages() == self.total_stages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(d: u32, w0: u32, wa: f64, wm: f64) -> Generated {
        QuantizedLinear::new(d, w0, wa, wm)
            .unwrap()
            .generate()
            .unwrap()
    }

    #[test]
    fn regnetx_200mf_by_hand() {
        // u = 24 + 36.44 j; s_1 = ln(60.44/24)/ln(2.49) = 1.0112 → k = 1 → 24·2.49 = 59.76 → 7.47 → 56.
        let g = generated(13, 24, 36.44, 2.49);
        assert_eq!(g.stage_widths(), vec![24, 56, 152, 368]);
        assert_eq!(g.stage_depths(), vec![1, 1, 4, 7]);
        assert_eq!(g.total_stages, 4);
        assert_eq!(g.k, vec![0, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3]);
    }

    #[test]
    fn exact_tie_in_quantization_rounds_to_even() {
        // RegNetX-1.6GF: k = 1 gives 80 · 2.25 = 180 exactly; 180 / 8 = 22.5 → 22 (even) → 176, not 184.
        let g = generated(18, 80, 34.01, 2.25);
        assert_eq!(g.stage_widths()[1], 176);
        assert_eq!(g.stage_widths(), vec![80, 176, 408, 912]);
    }

    #[test]
    fn exact_tie_in_exponent_rounds_to_even() {
        // w0 = 8, wm = 4, wa = 8: u_1 = 16 → s_1 = ln 2 / ln 4 = 0.5 exactly → k = 0 (even, not 1);
        // u_2 = 24 → s = 0.79 → 1; u_3 = 32 → s = 1.
        let p = QuantizedLinear::new(4, 8, 8.0, 4.0).unwrap();
        assert_eq!(p.s(1), 0.5);
        let g = p.generate().unwrap();
        assert_eq!(g.k, vec![0, 0, 1, 1]);
        assert_eq!(g.block_widths, vec![8, 8, 32, 32]);
    }

    #[test]
    fn wa_zero_is_one_stage() {
        let g = generated(5, 64, 0.0, 2.0);
        assert_eq!(g.stages, vec![Stage { w: 64, d: 5 }]);
        assert_eq!(g.total_stages, 1);
        assert!(g.is_regular());
    }

    #[test]
    fn skipped_exponent_gives_fewer_stages_than_total() {
        // w0 = 8, wa = 200, wm = 2: u_1 = 208 → s = log2 26 = 4.70 → k = 5: exponents 1..4 are skipped.
        let g = generated(3, 8, 200.0, 2.0);
        assert_eq!(g.k, vec![0, 5, 6]);
        assert_eq!(g.stage_widths(), vec![8, 256, 512]);
        assert_eq!(g.num_stages(), 3);
        assert_eq!(g.total_stages, 7);
        assert!(!g.is_regular());
    }

    #[test]
    fn wm_near_one_merges_exponents_into_one_width() {
        // wm = 1.05: k = 0,1,2 give 8, 8.4, 8.82 → all quantize to 8.
        let g = generated(3, 8, 0.45, 1.05);
        assert_eq!(g.k, vec![0, 1, 2]);
        assert_eq!(g.stages, vec![Stage { w: 8, d: 3 }]);
        assert_eq!(g.total_stages, 3);
    }

    #[test]
    fn five_stage_case() {
        // w0 = 8, wa = 8, wm = 2: u_j / w0 = j + 1, s_j = log2(j + 1), so k_j = 0,1,2,2,2,3×6,4×5.
        let g = generated(16, 8, 8.0, 2.0);
        assert_eq!(g.k, vec![0, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4]);
        assert_eq!(g.stage_widths(), vec![8, 16, 32, 64, 128]);
        assert_eq!(g.stage_depths(), vec![1, 1, 3, 6, 5]);
        assert!(g.is_regular());
    }

    #[test]
    fn streaming_stages_equal_generate() {
        let p = QuantizedLinear::new(22, 24, 24.48, 2.54).unwrap();
        let mut st = Vec::new();
        let (n, t) = p.for_each_stage(|w, d| st.push(Stage { w, d })).unwrap();
        let g = p.generate().unwrap();
        assert_eq!(st, g.stages);
        assert_eq!((n, t), (g.num_stages(), g.total_stages));
    }

    #[test]
    fn invalid_parameters_name_the_field() {
        let e = QuantizedLinear::new(0, 24, 1.0, 2.0).unwrap_err();
        assert_eq!(e, QuantizedError::InvalidDepth { d: 0 });
        let e = QuantizedLinear::new(4, 20, 1.0, 2.0).unwrap_err();
        assert!(e.to_string().contains("w0") && e.to_string().contains("20"));
        assert!(matches!(
            QuantizedLinear::new(4, 24, -1.0, 2.0),
            Err(QuantizedError::InvalidWa { .. })
        ));
        assert!(matches!(
            QuantizedLinear::new(4, 24, 1.0, 1.0),
            Err(QuantizedError::InvalidWm { .. })
        ));
        assert!(matches!(
            QuantizedLinear::new(4, 24, f64::NAN, 2.0),
            Err(QuantizedError::InvalidWa { .. })
        ));
        assert!(matches!(
            QuantizedLinear::new(4, 24, 1e30, 2.0).unwrap().generate(),
            Err(QuantizedError::WidthTooLarge { block: 1, .. })
        ));
    }

    #[test]
    fn limits_are_typed_errors_naming_field_and_bound() {
        let e = QuantizedLinear::new(u32::MAX, 24, 0.0, 2.0).unwrap_err();
        assert_eq!(
            e,
            QuantizedError::AboveLimit {
                field: "d",
                value: u64::from(u32::MAX),
                max: u64::from(MAX_DEPTH)
            }
        );
        assert_eq!(
            e.to_string(),
            "d = 4294967295 exceeds the supported maximum of 4096"
        );
        let e = QuantizedLinear::with_q(4, 1 << 30, 0.0, 2.0, 1 << 30).unwrap_err();
        assert!(matches!(e, QuantizedError::AboveLimit { field: "q", .. }));
        let e = QuantizedLinear::with_q(4, 1 << 25, 0.0, 2.0, 8).unwrap_err();
        assert!(matches!(e, QuantizedError::AboveLimit { field: "w0", .. }));
        // The largest depth is accepted and generated.
        let g = QuantizedLinear::new(MAX_DEPTH, 8, 0.0, 2.0)
            .unwrap()
            .generate()
            .unwrap();
        assert_eq!(g.stages, vec![Stage { w: 8, d: MAX_DEPTH }]);
    }
}
