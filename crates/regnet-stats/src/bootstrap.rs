//! Empirical bootstrap of the best models (RegNet paper, footnote 4) and of a difference of means.

use rand::SeedableRng;
use rand::distr::{Distribution, Uniform};
use rand_chacha::ChaCha8Rng;

use crate::error::{Result, StatsError, check_sample};

/// The largest number of resamples B accepted (the B resampled values are kept in memory).
pub const MAX_RESAMPLES: usize = 100_000_000;

/// Options of the empirical bootstrap.
///
/// Defaults follow the paper: B = 10^4 resamples of 25 % of the pairs, 95 % range.
/// [`BootstrapOptions::pycls`] gives pycls's `get_filters` setting (B = 2500).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BootstrapOptions {
    /// Number of resamples B (paper: 10^4; pycls: 2500).
    pub resamples: usize,
    /// Fraction of the n pairs drawn in each resample, in (0, 1]; the sample size is
    /// max(1, ⌊fraction·n⌋) (paper and pycls: 0.25).
    pub fraction: f64,
    /// Two-sided level in percent: the range is the [alpha/2, 100 − alpha/2] percentiles (5 → 95 % range).
    pub alpha: f64,
    /// Seed of the ChaCha8 generator: the same seed gives the same result on every platform.
    pub seed: u64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        Self {
            resamples: 10_000,
            fraction: 0.25,
            alpha: 5.0,
            seed: 0,
        }
    }
}

impl BootstrapOptions {
    /// pycls's `get_filters(..., alpha=5, sample=0.25, b=2500)`.
    pub fn pycls() -> Self {
        Self {
            resamples: 2500,
            ..Self::default()
        }
    }

    /// The number of pairs drawn per resample for n pairs: max(1, ⌊fraction·n⌋).
    pub fn sample_size(&self, n: usize) -> usize {
        ((self.fraction * n as f64).floor() as usize).max(1)
    }

    fn validate(&self) -> Result<()> {
        if self.resamples == 0 || self.resamples > MAX_RESAMPLES {
            return Err(StatsError::InvalidOption {
                option: "resamples",
                value: self.resamples.to_string(),
                reason: format!("between 1 and {MAX_RESAMPLES} resamples are supported"),
            });
        }
        if !(self.fraction > 0.0 && self.fraction <= 1.0) {
            return Err(StatsError::InvalidOption {
                option: "fraction",
                value: self.fraction.to_string(),
                reason: "the resample fraction must lie in (0, 1]".into(),
            });
        }
        validate_alpha(self.alpha)
    }
}

fn validate_alpha(alpha: f64) -> Result<()> {
    if !(alpha > 0.0 && alpha < 100.0) {
        return Err(StatsError::InvalidOption {
            option: "alpha",
            value: alpha.to_string(),
            reason: "the level must lie in (0, 100) percent".into(),
        });
    }
    Ok(())
}

/// A bootstrap range: the alpha/2, 50 and 100 − alpha/2 percentiles.
///
/// For the best models (paper footnote 4) `best` is the median, "the most likely best value", and
/// [`low`, `high`] the 95 % confidence range drawn as the shaded band of the paper's Fig. 2.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BootstrapRange {
    /// The alpha/2 percentile (2.5 by default).
    pub low: f64,
    /// The median.
    pub best: f64,
    /// The 100 − alpha/2 percentile (97.5 by default).
    pub high: f64,
}

/// Empirical bootstrap of the best models, RegNet paper footnote 4 (pycls `get_filters`):
/// B times, draw max(1, ⌊0.25·n⌋) of the n pairs (x_i, e_i) uniformly with replacement and keep the x of the
/// pair with minimum error (the first drawn on ties); report the 2.5 / 50 / 97.5 percentiles of those B
/// values (numpy's linear interpolation).
///
/// The draws come from `ChaCha8Rng::seed_from_u64(options.seed)`, each index a `u32` uniform in [0, n)
/// (rand's `Uniform<u32>`), so a seed gives the same range on every platform.
///
/// ```
/// use regnet_stats::{bootstrap_best, BootstrapOptions};
/// let depth = [10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0];
/// let error = [40.0, 38.0, 36.5, 36.0, 36.2, 37.0, 38.0, 39.0];
/// let r = bootstrap_best(&depth, &error, &BootstrapOptions::default())?;
/// assert!(r.low <= r.best && r.best <= r.high);
/// assert!(r.low >= 10.0 && r.high <= 24.0);
/// # Ok::<(), regnet_stats::StatsError>(())
/// ```
pub fn bootstrap_best(
    x: &[f64],
    errors: &[f64],
    options: &BootstrapOptions,
) -> Result<BootstrapRange> {
    options.validate()?;
    check_pairs(x, errors)?;
    let best = best_indices(errors, options)?;
    bootstrap_best_from(x, &best, options.alpha)
}

/// The index of the best model of each of the B resamples of [`bootstrap_best`]: the draws depend only on
/// the errors and the options, never on the parameter, so one call serves every parameter of a population
/// (`bootstrap_best(x, e, o)` equals `bootstrap_best_from(x, &best_indices(e, o)?, o.alpha)` for every x).
///
/// ```
/// use regnet_stats::{best_indices, bootstrap_best, bootstrap_best_from, BootstrapOptions};
/// let error = [40.0, 38.0, 36.5, 36.0, 36.2, 37.0, 38.0, 39.0];
/// let (d, w) = ([10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0], [8.0, 8.0, 16.0, 16.0, 32.0, 32.0, 64.0, 64.0]);
/// let o = BootstrapOptions::default();
/// let best = best_indices(&error, &o)?;
/// assert_eq!(best.len(), o.resamples);
/// assert_eq!(bootstrap_best_from(&d, &best, o.alpha)?, bootstrap_best(&d, &error, &o)?);
/// assert_eq!(bootstrap_best_from(&w, &best, o.alpha)?, bootstrap_best(&w, &error, &o)?);
/// # Ok::<(), regnet_stats::StatsError>(())
/// ```
pub fn best_indices(errors: &[f64], options: &BootstrapOptions) -> Result<Vec<usize>> {
    options.validate()?;
    check_sample("errors", errors)?;
    let n = errors.len();
    let sample = options.sample_size(n);
    let uniform = uniform_index(n)?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut best_of = Vec::with_capacity(options.resamples);
    for _ in 0..options.resamples {
        let mut best = uniform.sample(&mut rng) as usize;
        let mut best_e = errors[best];
        for _ in 1..sample {
            let i = uniform.sample(&mut rng) as usize;
            let e = errors[i];
            if e < best_e {
                best = i;
                best_e = e;
            }
        }
        best_of.push(best);
    }
    Ok(best_of)
}

/// The bootstrap range of `x` over the best model of each resample (from [`best_indices`]).
pub fn bootstrap_best_from(x: &[f64], best: &[usize], alpha: f64) -> Result<BootstrapRange> {
    validate_alpha(alpha)?;
    check_sample("x", x)?;
    if let Some(position) = best.iter().position(|&i| i >= x.len()) {
        return Err(StatsError::IndexOutOfRange {
            position,
            index: best[position],
            n: x.len(),
        });
    }
    let mut best_x: Vec<f64> = best.iter().map(|&i| x[i]).collect();
    range_of(&mut best_x, alpha)
}

/// [`bootstrap_best`] on explicit resamples: `indices` holds B consecutive groups of `sample_size` indices
/// (numpy: `idx.reshape(B, sample_size)`), so a result can be checked against numpy on the same draws.
pub fn bootstrap_best_with_indices(
    x: &[f64],
    errors: &[f64],
    indices: &[usize],
    sample_size: usize,
    alpha: f64,
) -> Result<BootstrapRange> {
    validate_alpha(alpha)?;
    check_pairs(x, errors)?;
    if sample_size == 0 || indices.is_empty() || !indices.len().is_multiple_of(sample_size) {
        return Err(StatsError::InvalidOption {
            option: "indices",
            value: format!("{} indices in groups of {sample_size}", indices.len()),
            reason: "the indices must form one or more whole groups of sample_size".into(),
        });
    }
    if let Some(position) = indices.iter().position(|&i| i >= x.len()) {
        return Err(StatsError::IndexOutOfRange {
            position,
            index: indices[position],
            n: x.len(),
        });
    }
    let mut best_x: Vec<f64> = indices
        .chunks_exact(sample_size)
        .map(|group| {
            let mut best = group[0];
            for &i in &group[1..] {
                if errors[i] < errors[best] {
                    best = i;
                }
            }
            x[best]
        })
        .collect();
    range_of(&mut best_x, alpha)
}

/// The difference of mean errors of two populations with a bootstrap confidence range.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MeanDifference {
    /// mean(a) − mean(b) on the full samples.
    pub difference: f64,
    /// alpha/2 percentile of the bootstrap differences.
    pub low: f64,
    /// 100 − alpha/2 percentile of the bootstrap differences.
    pub high: f64,
}

/// The B resamples of [`mean_difference`] are drawn in this many fixed chunks, chunk c from ChaCha8 stream c
/// of the seed, so the result does not depend on how many threads compute them.
const MEAN_CHUNKS: usize = 8;

/// mean(a) − mean(b) and its percentile bootstrap range: B times, resample each population to its own size
/// with replacement and take the difference of the means. Uses `options.resamples`, `alpha` and `seed`;
/// `fraction` does not apply (each resample has the full size, as a bootstrap of a mean needs).
///
/// The resamples are split into 8 fixed chunks, chunk c drawn from `ChaCha8Rng::seed_from_u64(seed)` with
/// `set_stream(c)`, and the chunks run on up to `available_parallelism()` threads: 2 × 50,000 models with
/// B = 10^4 are 10^9 draws, so this is the slowest step of a large analysis. A seed gives the same range on
/// every platform and with any number of threads.
pub fn mean_difference(a: &[f64], b: &[f64], options: &BootstrapOptions) -> Result<MeanDifference> {
    options.validate()?;
    check_sample("a", a)?;
    check_sample("b", b)?;
    let ua = uniform_index(a.len())?;
    let ub = uniform_index(b.len())?;
    let per_chunk = options.resamples.div_ceil(MEAN_CHUNKS);
    let chunk = |c: usize| -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        rng.set_stream(c as u64);
        let count = options
            .resamples
            .saturating_sub(c * per_chunk)
            .min(per_chunk);
        (0..count)
            .map(|_| {
                let sa: f64 = (0..a.len()).map(|_| a[ua.sample(&mut rng) as usize]).sum();
                let sb: f64 = (0..b.len()).map(|_| b[ub.sample(&mut rng) as usize]).sum();
                sa / a.len() as f64 - sb / b.len() as f64
            })
            .collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MEAN_CHUNKS);
    let mut chunks: Vec<Vec<f64>> = vec![Vec::new(); MEAN_CHUNKS];
    if threads <= 1 {
        for (c, out) in chunks.iter_mut().enumerate() {
            *out = chunk(c);
        }
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let chunk = &chunk;
                    scope.spawn(move || {
                        (t..MEAN_CHUNKS)
                            .step_by(threads)
                            .map(|c| (c, chunk(c)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                // A panic in a worker is a broken internal invariant, not bad input: propagate it.
                for (c, values) in h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                    chunks[c] = values;
                }
            }
        });
    }
    let mut diffs: Vec<f64> = chunks.concat();
    let r = range_of(&mut diffs, options.alpha)?;
    Ok(MeanDifference {
        difference: crate::edf::mean(a) - crate::edf::mean(b),
        low: r.low,
        high: r.high,
    })
}

/// Indices uniform in [0, n), sampled as `u32` (rand's unbiased widening-multiply method, one `next_u32` of
/// the ChaCha8 stream per index unless rejected), so the draws do not depend on the platform's `usize`.
fn uniform_index(n: usize) -> Result<Uniform<u32>> {
    u32::try_from(n)
        .ok()
        .and_then(|n| Uniform::new(0, n).ok())
        .ok_or_else(|| StatsError::InvalidOption {
            option: "sample",
            value: n.to_string(),
            reason: "a sample needs 1 to 2^32 − 1 values".into(),
        })
}

fn check_pairs(x: &[f64], errors: &[f64]) -> Result<()> {
    check_sample("x", x)?;
    check_sample("errors", errors)?;
    if x.len() != errors.len() {
        return Err(StatsError::LengthMismatch {
            what_a: "x".into(),
            len_a: x.len(),
            what_b: "errors".into(),
            len_b: errors.len(),
        });
    }
    Ok(())
}

/// The alpha/2, 50 and 100 − alpha/2 percentiles of `values` (reordered in place).
fn range_of(values: &mut [f64], alpha: f64) -> Result<BootstrapRange> {
    let p = percentiles(values, &[alpha / 2.0, 50.0, 100.0 - alpha / 2.0])?;
    Ok(BootstrapRange {
        low: p[0],
        best: p[1],
        high: p[2],
    })
}

/// The q-th percentile (q in [0, 100]) with numpy's default "linear" method (R type 7):
/// h = (n − 1)·q/100, result = v_(⌊h⌋) + (h − ⌊h⌋)·(v_(⌊h⌋+1) − v_(⌊h⌋)), computed as numpy's `_lerp`.
///
/// ```
/// assert_eq!(regnet_stats::percentile(&[1.0, 2.0, 3.0, 4.0], 50.0)?, 2.5);
/// # Ok::<(), regnet_stats::StatsError>(())
/// ```
pub fn percentile(values: &[f64], q: f64) -> Result<f64> {
    let mut v = values.to_vec();
    Ok(percentiles(&mut v, &[q])?[0])
}

/// Several percentiles at once (see [`percentile`]); `values` is reordered in place (selection, not a sort).
pub fn percentiles(values: &mut [f64], qs: &[f64]) -> Result<Vec<f64>> {
    check_sample("values", values)?;
    if let Some(&q) = qs.iter().find(|q| !(**q >= 0.0 && **q <= 100.0)) {
        return Err(StatsError::InvalidOption {
            option: "percentile",
            value: q.to_string(),
            reason: "a percentile lies in [0, 100]".into(),
        });
    }
    let n = values.len();
    let mut out = Vec::with_capacity(qs.len());
    for &q in qs {
        let virtual_index = (n - 1) as f64 * (q / 100.0);
        let lo = virtual_index.floor();
        let gamma = virtual_index - lo;
        let lo = lo as usize;
        let (_, &mut a, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
        let value = if lo + 1 >= n {
            a
        } else {
            let b = rest.iter().copied().fold(f64::INFINITY, f64::min);
            lerp(a, b, gamma)
        };
        out.push(value);
    }
    Ok(out)
}

/// numpy's `_lerp`: a + (b − a)·t, or b − (b − a)·(1 − t) when t ≥ 0.5.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy_examples() {
        // np.percentile([3, 1, 4, 1, 5], [0, 10, 25, 50, 97.5, 100]) = [1, 1, 1, 3, 4.9, 5]
        let v = [3.0, 1.0, 4.0, 1.0, 5.0];
        let got: Vec<f64> = [0.0, 10.0, 25.0, 50.0, 97.5, 100.0]
            .iter()
            .map(|&q| percentile(&v, q).unwrap())
            .collect();
        let want = [1.0, 1.0, 1.0, 3.0, 4.9, 5.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
    }

    #[test]
    fn explicit_indices_take_first_minimum() {
        let x = [10.0, 20.0, 30.0];
        let e = [1.0, 0.5, 0.5];
        // Groups (2, 1) and (1, 2): ties between 1 and 2 go to the first drawn.
        let r = bootstrap_best_with_indices(&x, &e, &[2, 1, 1, 2], 2, 5.0).unwrap();
        assert_eq!(r.low, 20.0 + 0.025 * 10.0);
        assert_eq!(r.best, 25.0);
        assert_eq!(r.high, 30.0 - 0.025 * 10.0);
    }

    #[test]
    fn seeded_bootstrap_is_reproducible_and_seed_dependent() {
        let x: Vec<f64> = (0..200).map(f64::from).collect();
        let e: Vec<f64> = (0..200).map(|i| ((i * 37) % 101) as f64).collect();
        let o = BootstrapOptions {
            resamples: 500,
            ..BootstrapOptions::default()
        };
        let a = bootstrap_best(&x, &e, &o).unwrap();
        assert_eq!(a, bootstrap_best(&x, &e, &o).unwrap());
        let b = bootstrap_best(&x, &e, &BootstrapOptions { seed: 7, ..o }).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn seeded_bootstrap_is_pinned() {
        // ChaCha8 output is specified, so these values hold on every platform.
        let x: Vec<f64> = (0..100).map(|i| f64::from(i % 20)).collect();
        let e: Vec<f64> = (0..100).map(|i| f64::from((i * 7919) % 97)).collect();
        let o = BootstrapOptions {
            resamples: 1000,
            seed: 42,
            ..BootstrapOptions::default()
        };
        let r = bootstrap_best(&x, &e, &o).unwrap();
        assert_eq!(
            r,
            BootstrapRange {
                low: 0.0,
                best: 11.0,
                high: 18.0
            }
        );
    }

    #[test]
    fn rejects_bad_options() {
        let o = BootstrapOptions {
            fraction: 0.0,
            ..BootstrapOptions::default()
        };
        assert!(matches!(
            bootstrap_best(&[1.0], &[1.0], &o),
            Err(StatsError::InvalidOption {
                option: "fraction",
                ..
            })
        ));
        assert!(matches!(
            bootstrap_best_with_indices(&[1.0, 2.0], &[1.0, 2.0], &[0, 5], 2, 5.0),
            Err(StatsError::IndexOutOfRange {
                position: 1,
                index: 5,
                n: 2
            })
        ));
    }

    #[test]
    fn mean_difference_brackets_the_difference() {
        let a: Vec<f64> = (0..50).map(|i| 40.0 + (i % 7) as f64).collect();
        let b: Vec<f64> = (0..80).map(|i| 42.0 + (i % 5) as f64).collect();
        let d = mean_difference(&a, &b, &BootstrapOptions::default()).unwrap();
        // mean(a) = 40 + 147/50 = 42.94, mean(b) = 44.
        assert!((d.difference + 1.06).abs() < 1e-12, "{d:?}");
        assert!(d.low < d.difference && d.difference < d.high);
        assert!(d.high < 0.0, "a is clearly better: {d:?}");
    }

    #[test]
    fn mean_difference_chunks_cover_every_resample_and_repeat() {
        let a: Vec<f64> = (0..200).map(|i| 40.0 + (i % 13) as f64 * 0.5).collect();
        let b: Vec<f64> = (0..150).map(|i| 38.0 + (i % 7) as f64 * 0.5).collect();
        // 1001 resamples: 8 chunks of 126 with a short last one.
        let o = BootstrapOptions {
            resamples: 1001,
            seed: 3,
            ..BootstrapOptions::default()
        };
        let r = mean_difference(&a, &b, &o).unwrap();
        assert_eq!(r, mean_difference(&a, &b, &o).unwrap());
        let want = crate::edf::mean(&a) - crate::edf::mean(&b);
        assert_eq!(r.difference, want);
        // The standard error of the difference is 0.156 here: the 95 % range is about 0.61 wide.
        assert!(r.low < want && want < r.high, "{r:?}");
        assert!(r.high - r.low > 0.5 && r.high - r.low < 0.72, "{r:?}");
    }
}
