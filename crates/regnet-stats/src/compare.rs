//! Comparing design spaces: two-sample tests and trends of a parameter across spaces.

use crate::bootstrap::{BootstrapOptions, BootstrapRange, MeanDifference, mean_difference};
use crate::error::Result;
use crate::ks::{KsResult, ks_2samp};
use crate::population::Population;

/// Two populations compared: KS test on their error EDFs and the difference of their mean errors.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Comparison {
    /// Name of the first population.
    pub a: String,
    /// Name of the second population.
    pub b: String,
    /// KS statistic sup |F_a − F_b| and its p-value (as SciPy's default `ks_2samp`).
    pub ks: KsResult,
    /// mean error of `a` − mean error of `b`, with a bootstrap range.
    pub mean_difference: MeanDifference,
}

/// Compares the error distributions of two populations (RegNet paper §3.1 compares EDFs of spaces).
///
/// ```
/// use regnet_stats::{compare, BootstrapOptions, Population, Record};
/// let a = Population::new("A", (0..40).map(|i| Record::new(40.0 + (i % 10) as f64)).collect());
/// let b = Population::new("B", (0..40).map(|i| Record::new(45.0 + (i % 10) as f64)).collect());
/// let c = compare(&a, &b, &BootstrapOptions { resamples: 1000, ..Default::default() })?;
/// assert_eq!(c.ks.statistic, 0.5);
/// assert_eq!(c.mean_difference.difference, -5.0);
/// assert!(c.mean_difference.high < 0.0);
/// # Ok::<(), regnet_stats::StatsError>(())
/// ```
pub fn compare(a: &Population, b: &Population, options: &BootstrapOptions) -> Result<Comparison> {
    let (ea, eb) = (a.errors(), b.errors());
    Ok(Comparison {
        a: a.name.clone(),
        b: b.name.clone(),
        ks: ks_2samp(&ea, &eb)?,
        mean_difference: mean_difference(&ea, &eb, options)?,
    })
}

/// One space's entry in a trend (pycls `plot_trends`): the full range of a parameter, the bootstrap range
/// of the best models and the best value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrendPoint {
    /// Name of the space.
    pub space: String,
    /// Smallest value of the parameter in the space.
    pub min: f64,
    /// Largest value of the parameter in the space.
    pub max: f64,
    /// Bootstrap "good" range and best value (RegNet paper footnote 4).
    pub good: BootstrapRange,
}

/// The trend of one parameter across spaces, in the order given: for each space the min–max range, the
/// bootstrap good range and the best value (the paper tracks such trends across AnyNetX_A → RegNet).
pub fn trend(
    populations: &[Population],
    param: &str,
    options: &BootstrapOptions,
) -> Result<Vec<TrendPoint>> {
    populations
        .iter()
        .map(|p| {
            let x = p.values(param)?;
            let good = p.bootstrap(param, options)?;
            Ok(TrendPoint {
                space: p.name.clone(),
                min: x.iter().copied().fold(f64::INFINITY, f64::min),
                max: x.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                good,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::Record;

    #[test]
    fn trend_reports_ranges_in_order() {
        let make = |name: &str, best_d: f64| {
            let records = (0..60)
                .map(|i| {
                    let d = (i % 12 + 1) as f64;
                    Record::new(30.0 + (d - best_d).abs() + (i / 12) as f64 * 0.01)
                        .with_param("d", d)
                })
                .collect();
            Population::new(name, records)
        };
        let pops = [make("A", 3.0), make("B", 9.0)];
        let t = trend(&pops, "d", &BootstrapOptions::default()).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].space.as_str(), t[0].min, t[0].max), ("A", 1.0, 12.0));
        assert_eq!(t[0].good.best, 3.0);
        assert_eq!(t[1].good.best, 9.0);
        assert!(t[1].good.low >= 1.0 && t[1].good.high <= 12.0);
    }
}
