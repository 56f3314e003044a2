//! Quantized one-parameter draws with pycls's sampler semantics (docs/conventions.md §D, `pycls/sweep/random.py`).
//!
//! Every value is drawn in a closed interval [low, high] and quantized to a multiple of `q`. The uniform
//! numbers come from the 53 high bits of a ChaCha word, and `exp`/`ln`/`log2` from the pure-Rust `libm`
//! crate, so a seed gives the same values on every platform.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::SampleError;

/// How a [`ParamRange`] is drawn (pycls's sampler names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    /// pycls `uniform(low, high, q)`: f ~ U[low, high + q), value floor(f / q) · q.
    Uniform,
    /// pycls `log_uniform(low, high, q)`: f = exp(U[ln(low − min(q, low/2)), ln(high)]), value
    /// ceil(f / q) · q. The paper's "log-uniform sampling" (§3.1) quantized to the grid.
    LogUniform,
    /// pycls `power2_uniform(low, high, q)`: e ~ U[log2 low, log2 high + 1), value floor(2^⌊e⌋ / q) · q,
    /// i.e. a uniform choice among the powers of two in [low, high] — a log-uniform draw quantized to
    /// powers of two (the paper's b ∈ {1, 2, 4} and g ∈ {1, 2, …, 32}).
    Power2,
    /// pycls `power2_or_log_uniform(low, high, q)`: a [`Dist::Power2`] draw (q = 1); if it is ≥ q it
    /// is replaced by a `log_uniform(max(low, q), high, min(high, q))` draw.
    Power2OrLogUniform,
}

/// One parameter's allowed values: multiples of `q` in [low, high], drawn by `dist`.
///
/// ```
/// use regnet_anynet::space::{Dist, ParamRange};
/// // AnyNetX widths: w ≤ 1024, divisible by 8 (paper §3.1): 128 values.
/// let w = ParamRange::new(8.0, 1024.0, 8.0, Dist::LogUniform);
/// assert_eq!(w.count(), 128);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ParamRange {
    /// Smallest value.
    pub low: f64,
    /// Largest value.
    pub high: f64,
    /// Quantum: every value is a multiple of q.
    pub q: f64,
    /// Distribution.
    pub dist: Dist,
}

/// Largest `high` and largest number of grid steps `high / q` of a [`ParamRange`] (2^32): grid indices
/// stay far from integer overflow and no space can describe a model beyond the spec limits by far.
pub const MAX_RANGE_VALUE: f64 = 4_294_967_296.0;

/// Uniform number in [0, 1) from the 53 high bits of one 64-bit word (platform independent).
pub(crate) fn unit(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Slack for float noise when deciding whether a bound is a multiple of q.
const EPS: f64 = 1e-9;

impl ParamRange {
    /// A range (not validated; see [`ParamRange::validate`]).
    pub const fn new(low: f64, high: f64, q: f64, dist: Dist) -> Self {
        Self { low, high, q, dist }
    }

    /// A range holding the single value `v` (q = v for integer-valued parameters).
    pub const fn fixed(v: f64) -> Self {
        Self::new(v, v, v, Dist::Uniform)
    }

    /// Checks q > 0, 0 < low ≤ high (finite), high and high / q at most [`MAX_RANGE_VALUE`], and that at
    /// least one grid value lies in [low, high].
    pub fn validate(&self, name: &'static str) -> Result<(), SampleError> {
        let bad = |expected: &'static str| SampleError::InvalidRange {
            param: name,
            expected,
            range: *self,
        };
        if !(self.q.is_finite() && self.q > 0.0) {
            return Err(bad("q finite and > 0"));
        }
        if !(self.low.is_finite() && self.high.is_finite() && self.low > 0.0) {
            return Err(bad("finite bounds with low > 0"));
        }
        if self.low > self.high {
            return Err(bad("low <= high"));
        }
        if self.high > MAX_RANGE_VALUE || self.high / self.q > MAX_RANGE_VALUE {
            return Err(bad("high and high / q at most 2^32 (MAX_RANGE_VALUE)"));
        }
        if self.count() == 0 {
            return Err(bad("at least one multiple of q in [low, high]"));
        }
        Ok(())
    }

    /// Grid index bounds: the multiples n·q with n in [n_lo, n_hi] lie in [low, high].
    fn grid(&self) -> (i64, i64) {
        let n_lo = (self.low / self.q - EPS).ceil().max(1.0) as i64;
        let n_hi = (self.high / self.q + EPS).floor() as i64;
        (n_lo, n_hi)
    }

    /// The value n·q, computed so decimal quanta give the nearest double to the decimal (pycls uses
    /// Python `Decimal`): for q < 1, n / round(1/q).
    fn value(&self, n: i64) -> f64 {
        if self.q >= 1.0 {
            n as f64 * self.q
        } else {
            n as f64 / (1.0 / self.q).round()
        }
    }

    /// Powers of two in [low, high] (as exponents), for the power-of-two draws.
    fn pow2_exponents(low: f64, high: f64) -> (i32, i32) {
        (
            (libm::log2(low) - EPS).ceil() as i32,
            (libm::log2(high) + EPS).floor() as i32,
        )
    }

    /// Number of distinct values a draw can return (exact; used by the space sizes).
    pub fn count(&self) -> u64 {
        match self.dist {
            Dist::Uniform | Dist::LogUniform => {
                let (a, b) = self.grid();
                (b - a + 1).max(0) as u64
            }
            Dist::Power2 => {
                let (a, b) = Self::pow2_exponents(self.low, self.high);
                let mut vals: Vec<i64> = (a..=b)
                    .map(|e| (libm::exp2(f64::from(e)) / self.q).floor() as i64)
                    .filter(|&n| n >= 1)
                    .collect();
                vals.dedup();
                vals.len() as u64
            }
            Dist::Power2OrLogUniform => {
                let (a, b) = Self::pow2_exponents(self.low, self.high);
                let small = (a..=b)
                    .filter(|&e| libm::exp2(f64::from(e)) < self.q)
                    .count() as u64;
                let big = if self.high >= self.q {
                    Self::new(self.low.max(self.q), self.high, self.q, Dist::LogUniform).count()
                } else {
                    0
                };
                small + big
            }
        }
    }

    /// Draws one value (pycls semantics, see [`Dist`]), clamped to the grid inside [low, high].
    pub fn sample(&self, rng: &mut impl Rng) -> f64 {
        match self.dist {
            Dist::Uniform => {
                let (a, b) = self.grid();
                let f = self.low + (self.high + self.q - self.low) * unit(rng);
                self.value(((f / self.q).floor() as i64).clamp(a, b))
            }
            Dist::LogUniform => {
                let (a, b) = self.grid();
                let lo = libm::log(self.low - self.q.min(self.low / 2.0));
                let f = libm::exp(lo + (libm::log(self.high) - lo) * unit(rng));
                self.value(((f / self.q).ceil() as i64).clamp(a, b))
            }
            Dist::Power2 => {
                let lo = libm::log2(self.low);
                let e = (lo + (libm::log2(self.high) + 1.0 - lo) * unit(rng)).floor();
                let (a, b) = Self::pow2_exponents(self.low, self.high);
                let p = libm::exp2(e.clamp(f64::from(a), f64::from(b)));
                ((p / self.q).floor() * self.q).max(self.q)
            }
            Dist::Power2OrLogUniform => {
                let p = Self::new(self.low, self.high, 1.0, Dist::Power2).sample(rng);
                if p >= self.q {
                    Self::new(
                        self.low.max(self.q),
                        self.high,
                        self.q.min(self.high),
                        Dist::LogUniform,
                    )
                    .sample(rng)
                } else {
                    p
                }
            }
        }
    }

    /// The intended CDF P(X ≤ v) of a draw at a grid value v (exact for the quantized draw; what the
    /// sampler tests compare the empirical distribution to). Not defined for
    /// [`Dist::Power2OrLogUniform`] below q (returns the mixture's value anyway).
    pub fn cdf(&self, v: f64) -> f64 {
        let p = match self.dist {
            Dist::Uniform => (v + self.q - self.low) / (self.high + self.q - self.low),
            Dist::LogUniform => {
                // X ≤ v ⇔ f ≤ v for grid values v, f log-uniform on [lo, high].
                let lo = libm::log(self.low - self.q.min(self.low / 2.0));
                (libm::log(v) - lo) / (libm::log(self.high) - lo)
            }
            Dist::Power2 => {
                let lo = libm::log2(self.low);
                (libm::log2(v).floor() + 1.0 - lo) / (libm::log2(self.high) + 1.0 - lo)
            }
            Dist::Power2OrLogUniform => {
                let (a, b) = Self::pow2_exponents(self.low, self.high);
                let n = f64::from(b - a + 1);
                let small = (a..=b)
                    .filter(|&e| libm::exp2(f64::from(e)) < self.q)
                    .count() as f64;
                if v < self.q {
                    ((libm::log2(v).floor() - f64::from(a) + 1.0) / n).max(0.0)
                } else {
                    let big = Self::new(self.low.max(self.q), self.high, self.q, Dist::LogUniform);
                    small / n + (1.0 - small / n) * big.cdf(v)
                }
            }
        };
        p.clamp(0.0, 1.0)
    }

    /// All values a draw can return, ascending.
    pub fn values(&self) -> Vec<f64> {
        match self.dist {
            Dist::Uniform | Dist::LogUniform => {
                let (a, b) = self.grid();
                (a..=b).map(|n| self.value(n)).collect()
            }
            Dist::Power2 | Dist::Power2OrLogUniform => {
                let (a, b) = Self::pow2_exponents(self.low, self.high);
                let mut v: Vec<f64> = (a..=b)
                    .map(|e| libm::exp2(f64::from(e)))
                    .filter(|&p| self.dist == Dist::Power2 || p < self.q)
                    .map(|p| {
                        if self.dist == Dist::Power2 {
                            ((p / self.q).floor() * self.q).max(self.q)
                        } else {
                            p
                        }
                    })
                    .collect();
                if self.dist == Dist::Power2OrLogUniform && self.high >= self.q {
                    v.extend(
                        Self::new(self.low.max(self.q), self.high, self.q, Dist::LogUniform)
                            .values(),
                    );
                }
                v.dedup();
                v
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn counts_match_the_value_lists() {
        for r in [
            ParamRange::new(1.0, 16.0, 1.0, Dist::LogUniform),
            ParamRange::new(8.0, 1024.0, 8.0, Dist::LogUniform),
            ParamRange::new(1.0, 4.0, 1.0, Dist::Power2),
            ParamRange::new(1.0, 32.0, 1.0, Dist::Power2),
            ParamRange::new(8.0, 128.0, 8.0, Dist::Power2OrLogUniform),
            ParamRange::new(8.0, 256.0, 0.1, Dist::LogUniform),
            ParamRange::new(2.0, 3.0, 0.001, Dist::LogUniform),
            ParamRange::new(12.0, 28.0, 1.0, Dist::Uniform),
        ] {
            assert_eq!(r.count() as usize, r.values().len(), "{r:?}");
        }
        assert_eq!(
            ParamRange::new(8.0, 256.0, 0.1, Dist::LogUniform).count(),
            2481
        );
        assert_eq!(
            ParamRange::new(2.0, 3.0, 0.001, Dist::LogUniform).count(),
            1001
        );
    }

    #[test]
    fn draws_stay_on_the_grid() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for r in [
            ParamRange::new(1.0, 16.0, 1.0, Dist::LogUniform),
            ParamRange::new(8.0, 256.0, 0.1, Dist::LogUniform),
            ParamRange::new(1.0, 32.0, 1.0, Dist::Power2),
            ParamRange::new(8.0, 128.0, 8.0, Dist::Power2OrLogUniform),
            ParamRange::new(12.0, 28.0, 1.0, Dist::Uniform),
        ] {
            let vals = r.values();
            for _ in 0..2000 {
                let x = r.sample(&mut rng);
                assert!(vals.contains(&x), "{x} not in {r:?}");
            }
        }
    }

    #[test]
    fn fixed_range_has_one_value() {
        let r = ParamRange::fixed(1.0);
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        assert_eq!(r.count(), 1);
        assert_eq!(r.sample(&mut rng), 1.0);
    }
}
