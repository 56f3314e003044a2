//! Error EDFs: the plain EDF of the RegNet paper and the complexity-normalized EDF of the NDS paper.

use crate::error::{Result, StatsError, check_finite, check_sample};

/// The empirical distribution function of model errors, RegNet paper §3.1 (eq. 1):
///
/// F(e) = (1/n) · Σ_i 1\[e_i < e\]
///
/// i.e. the fraction of models whose error is *strictly* below `e`. The legend of the paper's figures
/// reports `n`, the minimum error and the mean error (the mean is the area to the right of the curve).
///
/// [`Edf::weighted`] gives model i the weight w_i: F(e) = Σ_i w_i·1\[e_i < e\] / Σ_i w_i. With the
/// weights of [`normalized_weights`] that is the normalized EDF of the NDS paper (Radosavovic et al.,
/// ICCV 2019, §3.2, "normalized comparison"); the plain EDF is the case w_i = 1.
///
/// ```
/// use regnet_stats::Edf;
/// let edf = Edf::new(&[3.0, 1.0, 2.0, 2.0])?;
/// assert_eq!(edf.eval(2.0), 0.25); // strict: only 1.0 is below 2.0
/// assert_eq!(edf.eval(2.5), 0.75);
/// assert_eq!((edf.n(), edf.min(), edf.mean()), (4, 1.0, 2.0));
/// let weighted = Edf::weighted(&[3.0, 1.0], &[3.0, 1.0])?;
/// assert_eq!((weighted.eval(2.0), weighted.mean()), (0.25, 2.5));
/// # Ok::<(), regnet_stats::StatsError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Edf {
    /// Errors in increasing order.
    sorted: Vec<f64>,
    /// `cumulative[i]` = total normalized weight of `sorted[..i]`: i/n for the plain EDF; `cumulative[n]` = 1.
    cumulative: Vec<f64>,
    /// (Weighted) mean error.
    mean: f64,
}

/// One step of an EDF: at `value` the function jumps to `fraction` (the fraction of models with error ≤ value).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct EdfStep {
    /// A distinct error value of the sample.
    pub value: f64,
    /// F just to the right of `value`: the (weighted) fraction of models with error ≤ `value`.
    pub fraction: f64,
}

impl Edf {
    /// Builds the EDF of `errors`; fails on an empty sample or a non-finite value.
    pub fn new(errors: &[f64]) -> Result<Self> {
        check_sample("errors", errors)?;
        let mut sorted = errors.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len() as f64;
        let cumulative = (0..=sorted.len()).map(|i| i as f64 / n).collect();
        Ok(Self {
            sorted,
            cumulative,
            mean: mean(errors),
        })
    }

    /// Builds a weighted EDF. Weights must be finite and non-negative with a positive sum; they are
    /// normalized to sum to 1. Models of weight zero are kept (they do not move the curve).
    pub fn weighted(errors: &[f64], weights: &[f64]) -> Result<Self> {
        check_sample("errors", errors)?;
        check_finite("weights", weights)?;
        if errors.len() != weights.len() {
            return Err(StatsError::LengthMismatch {
                what_a: "errors".into(),
                len_a: errors.len(),
                what_b: "weights".into(),
                len_b: weights.len(),
            });
        }
        if let Some(index) = weights.iter().position(|&w| w < 0.0) {
            return Err(StatsError::InvalidOption {
                option: "weights",
                value: weights[index].to_string(),
                reason: format!("weight {index} is negative"),
            });
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return Err(StatsError::InvalidOption {
                option: "weights",
                value: total.to_string(),
                reason: "the weights sum to zero".into(),
            });
        }
        let mut order: Vec<usize> = (0..errors.len()).collect();
        order.sort_by(|&a, &b| errors[a].total_cmp(&errors[b]));
        let sorted: Vec<f64> = order.iter().map(|&i| errors[i]).collect();
        let mut cumulative = Vec::with_capacity(errors.len() + 1);
        let mut acc = 0.0;
        cumulative.push(0.0);
        for &i in &order {
            acc += weights[i];
            cumulative.push(acc / total);
        }
        let mean = errors.iter().zip(weights).map(|(e, w)| e * w).sum::<f64>() / total;
        Ok(Self {
            sorted,
            cumulative,
            mean,
        })
    }

    /// F(e) = Σ_i w_i·1\[e_i < e\] with normalized weights; (1/n)·#{e_i < e} for the plain EDF
    /// (RegNet paper §3.1, strict inequality).
    pub fn eval(&self, e: f64) -> f64 {
        let below = self.sorted.partition_point(|&x| x < e);
        self.cumulative[below]
    }

    /// [`Edf::eval`] at each point.
    pub fn eval_many(&self, points: &[f64]) -> Vec<f64> {
        points.iter().map(|&e| self.eval(e)).collect()
    }

    /// The step points: each distinct error and the (weighted) fraction of models at or below it.
    ///
    /// Joining `(e_(i), i/n)` as pycls's `plot_edf` does gives the same curve at the data points.
    pub fn steps(&self) -> Vec<EdfStep> {
        let mut steps: Vec<EdfStep> = Vec::new();
        for (i, &value) in self.sorted.iter().enumerate() {
            let fraction = self.cumulative[i + 1];
            match steps.last_mut() {
                Some(last) if last.value == value => last.fraction = fraction,
                _ => steps.push(EdfStep { value, fraction }),
            }
        }
        steps
    }

    /// Number of models n (including those of weight zero).
    pub fn n(&self) -> usize {
        self.sorted.len()
    }

    /// Minimum error.
    pub fn min(&self) -> f64 {
        self.sorted[0]
    }

    /// Maximum error.
    pub fn max(&self) -> f64 {
        self.sorted[self.sorted.len() - 1]
    }

    /// Mean error; for a weighted EDF Σ w_i e_i / Σ w_i.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The errors in increasing order.
    pub fn sorted(&self) -> &[f64] {
        &self.sorted
    }

    /// The paper's legend entry `name [n|min|mean]`, errors with one decimal.
    pub fn legend(&self, name: &str) -> String {
        format!("{name} [{}|{:.1}|{:.1}]", self.n(), self.min(), self.mean())
    }
}

/// Options of the normalized EDF (NDS paper §3.2).
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizedEdfOptions {
    /// Number of equal-width complexity bins k (NDS uses 40).
    pub bins: usize,
    /// Complexity range [lo, hi] split into the bins; `None` takes the sample's min and max.
    /// Models outside the range get weight zero and are counted in [`NormalizedWeights::excluded`].
    pub range: Option<(f64, f64)>,
}

impl Default for NormalizedEdfOptions {
    fn default() -> Self {
        Self {
            bins: 40,
            range: None,
        }
    }
}

/// Per-model weights of the normalized EDF and the binning they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizedWeights {
    /// w_i = 1/(k·m_j) for model i in bin j (NDS paper §3.2), 0 for a model outside the range.
    pub weights: Vec<f64>,
    /// m_j: number of models in each bin.
    pub bin_counts: Vec<usize>,
    /// The range that was binned.
    pub range: (f64, f64),
    /// Number of models outside the range (weight zero).
    pub excluded: usize,
}

/// The bin of complexity `c` among `bins` equal bins of `[lo, hi]`: ⌊(c − lo)/(hi − lo)·k⌋, with `c = hi` in
/// the last bin; `None` outside the range.
pub fn complexity_bin(c: f64, lo: f64, hi: f64, bins: usize) -> Option<usize> {
    if !(c >= lo && c <= hi) {
        return None;
    }
    let j = ((c - lo) / (hi - lo) * bins as f64).floor();
    Some((j as usize).min(bins - 1))
}

/// Weights of the normalized EDF, NDS paper (Radosavovic et al., ICCV 2019) §3.2: split the complexity
/// range into k equal bins and give model i in bin j the weight 1/(k·m_j), where m_j is the number of
/// models in bin j, so that every bin carries 1/k of the mass and the weights sum to 1.
///
/// An empty bin makes its weight undefined and is reported as [`StatsError::EmptyBin`].
pub fn normalized_weights(
    complexity: &[f64],
    options: &NormalizedEdfOptions,
) -> Result<NormalizedWeights> {
    check_sample("complexity", complexity)?;
    let k = options.bins;
    if k == 0 {
        return Err(StatsError::InvalidOption {
            option: "bins",
            value: "0".into(),
            reason: "at least one bin is needed".into(),
        });
    }
    let (lo, hi) = match options.range {
        Some(r) => r,
        None => {
            let lo = complexity.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = complexity.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        }
    };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(StatsError::InvalidOption {
            option: "range",
            value: format!("[{lo}, {hi}]"),
            reason: "the complexity range needs finite lo < hi".into(),
        });
    }
    let bin_of: Vec<Option<usize>> = complexity
        .iter()
        .map(|&c| complexity_bin(c, lo, hi, k))
        .collect();
    let empty_bin = |bin: usize| {
        let width = (hi - lo) / k as f64;
        StatsError::EmptyBin {
            bin,
            bins: k,
            lo: lo + width * bin as f64,
            hi: lo + width * (bin + 1) as f64,
        }
    };
    if k > complexity.len() {
        // More bins than models: some bin is empty. Find the first without allocating k counters.
        let mut used: Vec<usize> = bin_of.iter().flatten().copied().collect();
        used.sort_unstable();
        used.dedup();
        let bin = used
            .iter()
            .enumerate()
            .find(|(i, j)| i != *j)
            .map_or(used.len(), |(i, _)| i);
        return Err(empty_bin(bin));
    }
    let mut bin_counts = vec![0usize; k];
    for j in bin_of.iter().flatten() {
        bin_counts[*j] += 1;
    }
    if let Some(bin) = bin_counts.iter().position(|&m| m == 0) {
        return Err(empty_bin(bin));
    }
    let weights = bin_of
        .iter()
        .map(|j| match j {
            Some(j) => 1.0 / (k as f64 * bin_counts[*j] as f64),
            None => 0.0,
        })
        .collect();
    let excluded = bin_of.iter().filter(|j| j.is_none()).count();
    Ok(NormalizedWeights {
        weights,
        bin_counts,
        range: (lo, hi),
        excluded,
    })
}

/// The normalized EDF of the NDS paper (§3.2): the weighted [`Edf`] of `errors` with the weights of
/// [`normalized_weights`] over `complexity` (flops, params or acts of the same models).
pub fn normalized_edf(
    errors: &[f64],
    complexity: &[f64],
    options: &NormalizedEdfOptions,
) -> Result<(Edf, NormalizedWeights)> {
    if errors.len() != complexity.len() {
        return Err(StatsError::LengthMismatch {
            what_a: "errors".into(),
            len_a: errors.len(),
            what_b: "complexity".into(),
            len_b: complexity.len(),
        });
    }
    let weights = normalized_weights(complexity, options)?;
    let edf = Edf::weighted(errors, &weights.weights)?;
    Ok((edf, weights))
}

pub(crate) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_inequality_and_steps() {
        let edf = Edf::new(&[2.0, 1.0, 2.0, 4.0]).unwrap();
        assert_eq!(edf.eval(1.0), 0.0);
        assert_eq!(edf.eval(2.0), 0.25);
        assert_eq!(edf.eval(2.0001), 0.75);
        assert_eq!(edf.eval(5.0), 1.0);
        let steps = edf.steps();
        assert_eq!(steps.len(), 3);
        assert_eq!(
            steps[1],
            EdfStep {
                value: 2.0,
                fraction: 0.75
            }
        );
        assert_eq!(edf.legend("A"), "A [4|1.0|2.2]");
    }

    #[test]
    fn rejects_empty_and_nan() {
        assert!(matches!(Edf::new(&[]), Err(StatsError::Empty { .. })));
        assert!(matches!(
            Edf::new(&[1.0, f64::NAN]),
            Err(StatsError::NonFinite { index: 1, .. })
        ));
    }

    #[test]
    fn empty_bin_is_named() {
        // Bins of [0, 4] with k = 4: [0,1) [1,2) [2,3) [3,4]; nothing in bin 2.
        let opts = NormalizedEdfOptions {
            bins: 4,
            range: Some((0.0, 4.0)),
        };
        match normalized_weights(&[0.5, 1.5, 3.5, 4.0], &opts) {
            Err(StatsError::EmptyBin { bin, bins, lo, hi }) => {
                assert_eq!((bin, bins, lo, hi), (2, 4, 2.0, 3.0));
            }
            other => panic!("expected EmptyBin, got {other:?}"),
        }
    }

    #[test]
    fn more_bins_than_models_names_the_first_empty_bin() {
        let opts = NormalizedEdfOptions {
            bins: 1_000_000_000_000,
            range: Some((0.0, 1.0)),
        };
        assert!(matches!(
            normalized_weights(&[0.0, 0.5, 1.0], &opts),
            Err(StatsError::EmptyBin { bin: 1, .. })
        ));
        let opts = NormalizedEdfOptions {
            bins: 5,
            range: Some((0.0, 5.0)),
        };
        assert!(matches!(
            normalized_weights(&[0.5, 1.5, 2.5], &opts),
            Err(StatsError::EmptyBin { bin: 3, .. })
        ));
    }

    #[test]
    fn normalized_weights_balance_bins() {
        let opts = NormalizedEdfOptions {
            bins: 2,
            range: Some((0.0, 2.0)),
        };
        let w = normalized_weights(&[0.1, 0.2, 0.3, 1.5, 9.0], &opts).unwrap();
        assert_eq!(w.bin_counts, vec![3, 1]);
        assert_eq!(w.excluded, 1);
        assert_eq!(w.weights, vec![1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0, 0.5, 0.0]);
        let (edf, _) = normalized_edf(
            &[1.0, 2.0, 3.0, 4.0, 0.0],
            &[0.1, 0.2, 0.3, 1.5, 9.0],
            &opts,
        )
        .unwrap();
        assert!((edf.eval(3.5) - 0.5).abs() < 1e-15);
        assert_eq!(edf.eval(0.5), 0.0); // the excluded model at error 0 has no weight
    }
}
