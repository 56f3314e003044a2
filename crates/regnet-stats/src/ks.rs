//! Two-sample Kolmogorov–Smirnov comparison of error distributions.

use crate::error::{Result, check_sample};
use crate::kolmogorov::kolmogorov_sf;

/// The two-sample KS statistic and its asymptotic two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KsResult {
    /// D = sup_e |F1(e) − F2(e)| over the (right-continuous) EDFs of the two samples.
    pub statistic: f64,
    /// P(D_en > D) with en = round(m·n/(m + n)) (numpy rounding, halves to even), as
    /// `scipy.stats.ks_2samp(a, b, method="asymp")`. NaN where scipy gives NaN: two samples of one value
    /// each make en round to 0.
    pub p_value: f64,
}

/// The KS statistic D = sup |F1 − F2| of two samples (RegNet paper §3.1 compares EDFs; this is their
/// largest vertical gap). Computed as scipy does: at every observed value v, c1(v)/n1 − c2(v)/n2 with c the
/// number of observations ≤ v.
pub fn ks_statistic(a: &[f64], b: &[f64]) -> Result<f64> {
    check_sample("a", a)?;
    check_sample("b", b)?;
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let (mut max_s, mut min_s) = (f64::NEG_INFINITY, f64::INFINITY);
    while i < a.len() || j < b.len() {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        let diff = i as f64 / n1 - j as f64 / n2;
        max_s = max_s.max(diff);
        min_s = min_s.min(diff);
    }
    let min_s = (-min_s).clamp(0.0, 1.0);
    Ok(if min_s > max_s { min_s } else { max_s })
}

/// Two-sample KS test matching `scipy.stats.ks_2samp(a, b, method="asymp")` (two-sided): the statistic of
/// [`ks_statistic`] and the p-value `kstwo.sf(D, round(m·n/(m + n)))` ([`kolmogorov_sf`]).
///
/// ```
/// use regnet_stats::ks_2samp;
/// let r = ks_2samp(&[1.0, 2.0, 3.0, 4.0], &[3.5, 4.5, 5.5, 6.5])?;
/// assert_eq!(r.statistic, 0.75);
/// assert!(r.p_value > 0.0 && r.p_value < 0.5);
/// # Ok::<(), regnet_stats::StatsError>(())
/// ```
pub fn ks_2samp(a: &[f64], b: &[f64]) -> Result<KsResult> {
    let statistic = ks_statistic(a, b)?;
    let (m, n) = (a.len().max(b.len()) as f64, a.len().min(b.len()) as f64);
    let en = (m * n / (m + n)).round_ties_even();
    let p_value = if en < 1.0 {
        f64::NAN
    } else {
        kolmogorov_sf(en as u64, statistic)
    };
    Ok(KsResult { statistic, p_value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistic_with_ties() {
        // c_a(v)/3 − c_b(v)/2 at v = 1, 2, 3 is 1/3, 1/2, 0.
        let d = ks_statistic(&[1.0, 2.0, 2.0], &[2.0, 3.0]).unwrap();
        assert_eq!(d, 0.5);
        assert_eq!(ks_statistic(&[1.0, 2.0], &[1.0, 2.0]).unwrap(), 0.0);
        assert_eq!(ks_statistic(&[1.0], &[2.0]).unwrap(), 1.0);
    }

    #[test]
    fn one_versus_one_has_no_p_value() {
        let r = ks_2samp(&[1.0], &[2.0]).unwrap();
        assert_eq!(r.statistic, 1.0);
        assert!(r.p_value.is_nan());
    }
}
