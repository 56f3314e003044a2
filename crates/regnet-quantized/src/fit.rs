//! Inverse fit: per-block widths → (w0, wa, wm) and the fit error e_fit (paper §3.3, Figs. 8–9).

use serde::{Deserialize, Serialize};

use crate::{DEFAULT_Q, QuantizedError, QuantizedLinear};

/// The result of fitting the quantized linear rule to a model's per-block widths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantizedFit {
    /// Fitted parameters (d is the number of widths given, q the quantum used).
    pub params: QuantizedLinear,
    /// Fit error e_fit: the mean over blocks of |ln(ŵ_j / w_j)|, with ŵ_j the quantized widths the fitted
    /// parameters generate (paper §3.3: "the mean log-ratio of predicted to observed per-block widths").
    /// Zero means the fitted parameters regenerate the widths exactly.
    pub e_fit: f64,
}

/// Search settings for [`fit_quantized_linear`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Width quantum q (8 in the paper).
    pub q: u32,
    /// Smallest wm searched.
    pub wm_min: f64,
    /// Largest wm searched.
    pub wm_max: f64,
}

impl Default for FitOptions {
    /// q = 8 and wm in [1.05, 4.0], a superset of the paper's RegNet range 1.5 ≤ wm ≤ 3.
    fn default() -> Self {
        Self {
            q: DEFAULT_Q,
            wm_min: 1.05,
            wm_max: 4.0,
        }
    }
}

/// Mean |ln(ŵ_j / w_j)| of the widths `p` generates against `widths` (the fit error e_fit).
fn e_fit(p: &QuantizedLinear, widths: &[u32]) -> f64 {
    let mut sum = 0.0;
    for (j, &w) in widths.iter().enumerate() {
        let wq = p.block(j as u32).map(|(w, _)| w).unwrap_or(u32::MAX).max(1);
        sum += (f64::from(wq) / f64::from(w)).ln().abs();
    }
    sum / widths.len() as f64
}

/// Finds (w0, wa, wm) whose quantized linear widths best match `widths` (one width per block).
///
/// Two stages. First an exact search: taking stage i to have exponent k = i, each stage width bounds wm to
/// an interval and each block bounds wa to an interval; if both intersections are non-empty the widths are
/// regenerated exactly (e_fit = 0), and the shortest decimal values inside the intervals are returned (so
/// generated zoo widths give back parameters like wm = 2.49). Otherwise a grid search over
/// (w0 near the first width, wa, wm) minimises e_fit, followed by three rounds of local refinement.
/// Runs in well under 10 ms for d ≤ 64.
pub fn fit_quantized_linear(
    widths: &[u32],
    opts: FitOptions,
) -> Result<QuantizedFit, QuantizedError> {
    if widths.is_empty() {
        return Err(QuantizedError::InvalidFitInput {
            reason: "no widths given".into(),
        });
    }
    if let Some(j) = widths.iter().position(|&w| w == 0) {
        return Err(QuantizedError::InvalidFitInput {
            reason: format!("width of block {j} is 0"),
        });
    }
    if opts.q == 0 || !(opts.wm_min > 1.0 && opts.wm_max > opts.wm_min && opts.wm_max.is_finite()) {
        return Err(QuantizedError::InvalidFitInput {
            reason: format!(
                "need q >= 1 and 1 < wm_min < wm_max, got q = {}, wm in [{}, {}]",
                opts.q, opts.wm_min, opts.wm_max
            ),
        });
    }
    let d = widths.len() as u32;
    if let Some(fit) = exact_fit(widths, opts) {
        return Ok(fit);
    }
    Ok(grid_fit(widths, d, opts))
}

/// Exact search (see [`fit_quantized_linear`]); `None` when the widths are not exactly quantized linear
/// with consecutive exponents.
fn exact_fit(widths: &[u32], opts: FitOptions) -> Option<QuantizedFit> {
    let q = f64::from(opts.q);
    let w0 = widths[0];
    if !w0.is_multiple_of(opts.q) || widths.windows(2).any(|p| p[1] < p[0]) {
        return None;
    }
    let w0f = f64::from(w0);
    // Exponent of each block: its stage index.
    let mut k = Vec::with_capacity(widths.len());
    let mut stage_widths = vec![w0];
    for &w in widths {
        if w != *stage_widths.last()? {
            stage_widths.push(w);
        }
        k.push(stage_widths.len() as i32 - 1);
    }
    // wm interval: w0·wm^i must round (half-even, q) to stage width W_i, i.e. lie within W_i ± q/2.
    let (mut lo, mut hi) = (opts.wm_min, opts.wm_max);
    for (i, &w) in stage_widths.iter().enumerate().skip(1) {
        let inv = 1.0 / i as f64;
        lo = lo.max(((f64::from(w) - q / 2.0) / w0f).powf(inv));
        hi = hi.min(((f64::from(w) + q / 2.0) / w0f).powf(inv));
    }
    if lo > hi {
        return None;
    }
    // Scan wm inside [lo, hi]; for each, block j with exponent k needs s_j within k ± 1/2:
    // wa ∈ [w0(wm^(k−½) − 1)/j, w0(wm^(k+½) − 1)/j].
    let wa_interval = |wm: f64| -> Option<(f64, f64)> {
        let (mut a, mut b) = (0.0_f64, f64::INFINITY);
        for (j, &kj) in k.iter().enumerate().skip(1) {
            let jf = j as f64;
            a = a.max(w0f * (wm.powf(f64::from(kj) - 0.5) - 1.0) / jf);
            b = b.min(w0f * (wm.powf(f64::from(kj) + 0.5) - 1.0) / jf);
        }
        (a <= b).then_some((a, b))
    };
    let d = widths.len() as u32;
    let steps = 64;
    let mut best: Option<(f64, f64, f64)> = None; // (wa width, wm, wa mid)
    for t in 0..=steps {
        let wm = lo + (hi - lo) * (f64::from(t) + 0.5) / f64::from(steps + 1);
        if let Some((a, b)) = wa_interval(wm) {
            let b = if b.is_finite() { b } else { a + 64.0 };
            if best.is_none_or(|(w, _, _)| b - a > w) {
                best = Some((b - a, wm, 0.5 * (a + b)));
            }
        }
    }
    let (_, wm, wa) = best?;
    let exact = |wa: f64, wm: f64| {
        QuantizedLinear::with_q(d, w0, wa, wm, opts.q)
            .ok()
            .filter(|p| e_fit(p, widths) == 0.0)
    };
    let mut p = exact(wa, wm)?;
    // Prefer the shortest decimals that still regenerate the widths exactly (wm to 0.001, wa to 0.01).
    'outer: for wm_dec in [1, 2, 3] {
        for wa_dec in [0, 1, 2] {
            let (sm, sa) = (10f64.powi(wm_dec), 10f64.powi(wa_dec));
            let cands_m = [
                (wm * sm).round() / sm,
                (lo * sm).ceil() / sm,
                (hi * sm).floor() / sm,
            ];
            for &cm in &cands_m {
                if let Some((a, b)) = wa_interval(cm) {
                    let b = if b.is_finite() { b } else { a + 64.0 };
                    for ca in [((a + b) * 0.5 * sa).round() / sa, (a * sa).ceil() / sa] {
                        if let Some(found) = exact(ca, cm) {
                            p = found;
                            break 'outer;
                        }
                    }
                }
            }
        }
    }
    Some(QuantizedFit {
        params: p,
        e_fit: 0.0,
    })
}

/// Grid search with local refinement minimising e_fit (fallback for widths that are not exactly
/// quantized linear).
fn grid_fit(widths: &[u32], d: u32, opts: FitOptions) -> QuantizedFit {
    let q = opts.q;
    let first = ((f64::from(widths[0]) / f64::from(q)).round() as u32).max(1) * q;
    let w0s = [first.saturating_sub(q).max(q), first, first + q];
    let last = f64::from(*widths.last().unwrap_or(&first));
    let mut best: Option<QuantizedFit> = None;
    let consider = |best: &mut Option<QuantizedFit>, p: Option<QuantizedLinear>| {
        if let Some(p) = p {
            let e = e_fit(&p, widths);
            if best.is_none_or(|b| e < b.e_fit) {
                *best = Some(QuantizedFit {
                    params: p,
                    e_fit: e,
                });
            }
        }
    };
    // Coarse grid: wm on 0.025 steps, wa so that u_{d-1} spans 0.25×..2× the last width (log-spaced).
    let span = (last - f64::from(first)).max(f64::from(q)) / f64::from((d - 1).max(1));
    let n_wm = ((opts.wm_max - opts.wm_min) / 0.025).ceil() as u32;
    for &w0 in &w0s {
        for i in 0..=n_wm {
            let wm = (opts.wm_min + 0.025 * f64::from(i)).min(opts.wm_max);
            for t in 0..=24 {
                let wa = span * 2f64.powf(-2.0 + 3.0 * f64::from(t) / 24.0);
                consider(&mut best, QuantizedLinear::with_q(d, w0, wa, wm, q).ok());
            }
        }
    }
    // Local refinement around the best point.
    let (mut step_a, mut step_m) = (span * 0.06, 0.0125);
    for _ in 0..4 {
        let Some(b) = best else { break };
        let p = b.params;
        for da in -6..=6 {
            for dm in -6..=6 {
                let wa = (p.wa + step_a * f64::from(da)).max(0.0);
                let wm = (p.wm + step_m * f64::from(dm)).clamp(opts.wm_min, opts.wm_max);
                consider(&mut best, QuantizedLinear::with_q(d, p.w0, wa, wm, q).ok());
            }
        }
        step_a /= 5.0;
        step_m /= 5.0;
    }
    // `first` is a positive multiple of q, so the grid always holds at least one valid point.
    best.unwrap_or(QuantizedFit {
        params: QuantizedLinear {
            d,
            w0: first,
            wa: 0.0,
            wm: 2.0,
            q,
        },
        e_fit: f64::INFINITY,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_regnetx_200mf_exactly() {
        let p = QuantizedLinear::new(13, 24, 36.44, 2.49).unwrap();
        let widths = p.generate().unwrap().block_widths;
        let fit = fit_quantized_linear(&widths, FitOptions::default()).unwrap();
        assert_eq!(fit.e_fit, 0.0);
        assert_eq!(fit.params.generate().unwrap().block_widths, widths);
        assert_eq!(fit.params.w0, 24);
    }

    #[test]
    fn resnet_like_widths_have_positive_error() {
        // ResNet-50 style stage widths 256, 512, 1024, 2048 with depths 3, 4, 6, 3 are not linear in j.
        let mut widths = vec![];
        for (w, d) in [(256, 3), (512, 4), (1024, 6), (2048, 3)] {
            widths.extend(std::iter::repeat_n(w, d));
        }
        let fit = fit_quantized_linear(&widths, FitOptions::default()).unwrap();
        assert!(fit.e_fit > 0.0 && fit.e_fit < 0.5, "{fit:?}");
    }

    #[test]
    fn rejects_empty_and_zero() {
        assert!(fit_quantized_linear(&[], FitOptions::default()).is_err());
        assert!(fit_quantized_linear(&[8, 0], FitOptions::default()).is_err());
    }
}
