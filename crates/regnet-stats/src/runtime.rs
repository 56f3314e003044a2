//! Runtime against complexity (RegNet paper §5: on GPUs, activations track runtime better than flops).
//!
//! The training time per image t of a model is the mean over its epochs of 1 / `images_per_sec` (the
//! per-epoch throughput a results line records in its `epochs` objects, see [`crate::population`]).
//! [`fit_line`] fits t = slope·x + intercept by least squares with Pearson's r, for x each of flops, params
//! and acts; [`fit_plane`] fits t = a·flops + b·acts + c with its R². [`runtime_fits`] does all four over
//! the models of several populations, as `regnet analyze --runtime`.
//!
//! ```
//! use regnet_stats::fit_line;
//! let flops = [1e8, 2e8, 4e8, 8e8];
//! let t = [1.1e-3, 2.0e-3, 4.1e-3, 8.0e-3];
//! let f = fit_line(&flops, &t)?;
//! assert!((f.slope - 9.9e-12).abs() < 1e-13);
//! assert!(f.r.unwrap() > 0.999);
//! # Ok::<(), regnet_stats::StatsError>(())
//! ```

use crate::error::{Result, StatsError, check_finite};
use crate::population::{Population, Record};

/// The fewest models a fit accepts: with fewer, a line (or the flops+acts plane) passes through every point
/// and r or R² says nothing.
pub const MIN_FIT_POINTS: usize = 3;

/// Below this |sin θ| between the centered flops and acts columns, [`fit_plane`] calls them collinear:
/// a and b are then not determined by the data.
pub const COLLINEAR_TOLERANCE: f64 = 1e-10;

/// A least-squares line y = slope·x + intercept with Pearson's r.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineFit {
    /// Slope of y on x.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
    /// Pearson's correlation coefficient of x and y; `None` when y is constant (0/0).
    pub r: Option<f64>,
    /// r² (equal to 1 − SSE/SST for a line with intercept); `None` when y is constant.
    pub r2: Option<f64>,
}

/// A least-squares plane y = a·x1 + b·x2 + c with its coefficient of determination.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneFit {
    /// [a, b]: the coefficients of x1 and x2.
    pub coef: [f64; 2],
    /// c.
    pub intercept: f64,
    /// R² = 1 − SSE/SST; `None` when y is constant.
    pub r2: Option<f64>,
}

/// Least-squares fit of y = slope·x + intercept and Pearson's r, as numpy's `lstsq` on `[x, 1]` and
/// `corrcoef(x, y)[0, 1]`.
///
/// Errors: [`StatsError::LengthMismatch`], [`StatsError::TooFewPoints`] (fewer than
/// [`MIN_FIT_POINTS`]), [`StatsError::NonFinite`], [`StatsError::ConstantInput`] when x is constant (the
/// slope is undefined). A constant y gives slope 0, intercept y and `r = None`.
///
/// ```
/// use regnet_stats::{StatsError, fit_line};
/// let f = fit_line(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5])?;
/// assert!((f.slope - 2.25).abs() < 1e-12 && (f.intercept + 0.333_333_333_333).abs() < 1e-9);
/// assert!(matches!(fit_line(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), Err(StatsError::ConstantInput { .. })));
/// # Ok::<(), StatsError>(())
/// ```
pub fn fit_line(x: &[f64], y: &[f64]) -> Result<LineFit> {
    check_pairs("x", x, "y", y)?;
    if is_constant(x) {
        return Err(StatsError::ConstantInput {
            what: "x".into(),
            n: x.len(),
        });
    }
    let (mx, xs, sx) = centered(x);
    if is_constant(y) {
        return Ok(LineFit {
            slope: 0.0,
            intercept: y[0],
            r: None,
            r2: None,
        });
    }
    let (my, ys, sy) = centered(y);
    // On the scaled, centered values every sum lies in [−n, n]: no overflow, no underflow to 0.
    let sxx = dot(&xs, &xs);
    let syy = dot(&ys, &ys);
    let sxy = dot(&xs, &ys);
    let slope = sxy / sxx * (sy / sx);
    let intercept = my - slope * mx;
    let r = (sxy / (sxx.sqrt() * syy.sqrt())).clamp(-1.0, 1.0);
    finite_fit("slope", slope)?;
    finite_fit("intercept", intercept)?;
    Ok(LineFit {
        slope,
        intercept,
        r: Some(r),
        r2: Some(r * r),
    })
}

/// Least-squares fit of y = a·x1 + b·x2 + c with R² = 1 − SSE/SST, as numpy's `lstsq` on `[x1, x2, 1]`
/// (solved here by Gram–Schmidt on the centered columns, never by the normal equations).
///
/// Errors as [`fit_line`] (either x constant is [`StatsError::ConstantInput`]), plus
/// [`StatsError::Collinear`] when the centered x1 and x2 are parallel to within
/// [`COLLINEAR_TOLERANCE`] (a and b are then not determined). A constant y gives a = b = 0, c = y and
/// `r2 = None`.
///
/// ```
/// use regnet_stats::fit_plane;
/// let x1 = [1.0, 2.0, 3.0, 4.0];
/// let x2 = [1.0, 0.0, 2.0, 1.0];
/// let y: Vec<f64> = x1.iter().zip(&x2).map(|(a, b)| 2.0 * a - 3.0 * b + 0.5).collect();
/// let f = fit_plane(&x1, &x2, &y)?;
/// assert!((f.coef[0] - 2.0).abs() < 1e-12 && (f.coef[1] + 3.0).abs() < 1e-12);
/// assert!((f.intercept - 0.5).abs() < 1e-12 && (f.r2.unwrap() - 1.0).abs() < 1e-12);
/// # Ok::<(), regnet_stats::StatsError>(())
/// ```
pub fn fit_plane(x1: &[f64], x2: &[f64], y: &[f64]) -> Result<PlaneFit> {
    check_pairs("x1", x1, "y", y)?;
    check_pairs("x2", x2, "y", y)?;
    for (what, x) in [("x1", x1), ("x2", x2)] {
        if is_constant(x) {
            return Err(StatsError::ConstantInput {
                what: what.into(),
                n: x.len(),
            });
        }
    }
    let (m1, u1, s1) = centered(x1);
    let (m2, u2, s2) = centered(x2);
    // Modified Gram–Schmidt: q1 = u1/‖u1‖, v = u2 − (q1·u2) q1, q2 = v/‖v‖; ‖v‖/‖u2‖ = |sin θ|.
    let r11 = dot(&u1, &u1).sqrt();
    let q1: Vec<f64> = u1.iter().map(|v| v / r11).collect();
    let r12 = dot(&q1, &u2);
    let v: Vec<f64> = u2.iter().zip(&q1).map(|(a, q)| a - r12 * q).collect();
    let r22 = dot(&v, &v).sqrt();
    let sin = r22 / dot(&u2, &u2).sqrt();
    if sin.is_nan() || sin <= COLLINEAR_TOLERANCE {
        return Err(StatsError::Collinear {
            what_a: "x1".into(),
            what_b: "x2".into(),
            sin,
        });
    }
    if is_constant(y) {
        return Ok(PlaneFit {
            coef: [0.0, 0.0],
            intercept: y[0],
            r2: None,
        });
    }
    let q2: Vec<f64> = v.iter().map(|a| a / r22).collect();
    let (my, ys, sy) = centered(y);
    let (c1, c2) = (dot(&q1, &ys), dot(&q2, &ys));
    // Back substitution on the scaled columns, then undo the scales.
    let b_scaled = c2 / r22;
    let a_scaled = (c1 - r12 * b_scaled) / r11;
    let (a, b) = (a_scaled * sy / s1, b_scaled * sy / s2);
    let intercept = my - a * m1 - b * m2;
    let sse: f64 = ys
        .iter()
        .zip(u1.iter().zip(&u2))
        .map(|(yi, (p, q))| {
            let e = yi - a_scaled * p - b_scaled * q;
            e * e
        })
        .sum();
    let sst = dot(&ys, &ys);
    let r2 = 1.0 - sse / sst;
    for (what, value) in [("a", a), ("b", b), ("intercept", intercept), ("R²", r2)] {
        finite_fit(what, value)?;
    }
    Ok(PlaneFit {
        coef: [a, b],
        intercept,
        r2: Some(r2),
    })
}

/// The training time per image of a model in seconds: the mean over its epochs of 1 / `images_per_sec`,
/// over the epochs that record a finite, positive throughput; `None` when no epoch does.
///
/// ```
/// use regnet_stats::{Record, time_per_image};
/// let mut r = Record::new(36.0);
/// assert_eq!(time_per_image(&r), None);
/// r.epoch_images_per_sec = vec![1000.0, 500.0, f64::NAN];
/// assert_eq!(time_per_image(&r), Some(1.5e-3));
/// ```
pub fn time_per_image(record: &Record) -> Option<f64> {
    let per_epoch: Vec<f64> = record
        .epoch_images_per_sec
        .iter()
        .filter(|v| v.is_finite() && **v > 0.0)
        .map(|v| 1.0 / v)
        .filter(|t| t.is_finite())
        .collect();
    if per_epoch.is_empty() {
        None
    } else {
        Some(per_epoch.iter().sum::<f64>() / per_epoch.len() as f64)
    }
}

/// One timed model: its complexity and its training time per image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuntimePoint {
    /// Index of the population it belongs to.
    pub space: usize,
    /// Multiply-adds.
    pub flops: f64,
    /// Parameters.
    pub params: f64,
    /// Activations.
    pub acts: f64,
    /// Training time per image in seconds ([`time_per_image`]).
    pub t: f64,
}

/// A line fit in `summary.json`: every field is `null` when the complexity is the same for every model
/// (the slope is undefined), `r` and `r2` are `null` when t is.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct LineFitSummary {
    /// Seconds per image per unit of the complexity.
    pub slope: Option<f64>,
    /// Seconds per image.
    pub intercept: Option<f64>,
    /// Pearson's r.
    pub r: Option<f64>,
    /// r².
    pub r2: Option<f64>,
}

impl From<LineFit> for LineFitSummary {
    fn from(f: LineFit) -> Self {
        Self {
            slope: Some(f.slope),
            intercept: Some(f.intercept),
            r: f.r,
            r2: f.r2,
        }
    }
}

/// The flops+acts fit in `summary.json`: every field is `null` when flops or acts is constant or the two
/// are collinear, `r2` is `null` when t is constant.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PlaneFitSummary {
    /// [a, b] of t = a·flops + b·acts + c.
    pub coef: Option<[f64; 2]>,
    /// c, in seconds per image.
    pub intercept: Option<f64>,
    /// R².
    pub r2: Option<f64>,
}

impl From<PlaneFit> for PlaneFitSummary {
    fn from(f: PlaneFit) -> Self {
        Self {
            coef: Some(f.coef),
            intercept: Some(f.intercept),
            r2: f.r2,
        }
    }
}

/// One entry of `"fits"`, tagged by what t is fitted on: `{"on": "flops", "slope", "intercept", "r",
/// "r2"}` (likewise `params`, `acts`) or `{"on": "flops+acts", "coef": [a, b], "intercept", "r2"}`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "on")]
pub enum RuntimeFit {
    /// t against flops.
    #[serde(rename = "flops")]
    Flops(LineFitSummary),
    /// t against params.
    #[serde(rename = "params")]
    Params(LineFitSummary),
    /// t against acts.
    #[serde(rename = "acts")]
    Acts(LineFitSummary),
    /// t against flops and acts jointly.
    #[serde(rename = "flops+acts")]
    FlopsActs(PlaneFitSummary),
}

/// The `"runtime"` object of `summary.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RuntimeSummary {
    /// Models fitted.
    pub n: usize,
    /// Models left out: no epoch with a finite, positive `images_per_sec`, or no finite flops, params
    /// or acts.
    pub skipped: usize,
    /// t against flops, params, acts, then flops+acts.
    pub fits: Vec<RuntimeFit>,
}

impl RuntimeSummary {
    /// The fit of t against one complexity alone.
    pub fn line(&self, on: crate::Complexity) -> Option<&LineFitSummary> {
        self.fits.iter().find_map(|f| match (f, on) {
            (RuntimeFit::Flops(l), crate::Complexity::Flops)
            | (RuntimeFit::Params(l), crate::Complexity::Params)
            | (RuntimeFit::Acts(l), crate::Complexity::Acts) => Some(l),
            _ => None,
        })
    }

    /// The fit of t against flops and acts jointly.
    pub fn joint(&self) -> Option<&PlaneFitSummary> {
        self.fits.iter().find_map(|f| match f {
            RuntimeFit::FlopsActs(p) => Some(p),
            _ => None,
        })
    }
}

/// The timed models of several populations, and how many were left out (no usable timing, or a missing
/// or non-finite flops, params or acts).
pub fn runtime_points(populations: &[Population]) -> (Vec<RuntimePoint>, usize) {
    let mut points = Vec::new();
    let mut skipped = 0;
    for (space, p) in populations.iter().enumerate() {
        for r in &p.records {
            let c = |k: &str| r.param(k).filter(|v| v.is_finite());
            match (c("flops"), c("params"), c("acts"), time_per_image(r)) {
                (Some(flops), Some(params), Some(acts), Some(t)) => points.push(RuntimePoint {
                    space,
                    flops,
                    params,
                    acts,
                    t,
                }),
                _ => skipped += 1,
            }
        }
    }
    (points, skipped)
}

/// The four fits of t over the timed models of `populations` (pooled): against flops, params and acts
/// alone, and against flops and acts jointly.
///
/// [`StatsError::TooFewPoints`] when fewer than [`MIN_FIT_POINTS`] models are timed; a constant
/// complexity or collinear flops and acts give `null` fields (see [`LineFitSummary`],
/// [`PlaneFitSummary`]), never NaN.
pub fn runtime_fits(populations: &[Population]) -> Result<(RuntimeSummary, Vec<RuntimePoint>)> {
    let (points, skipped) = runtime_points(populations);
    if points.len() < MIN_FIT_POINTS {
        return Err(StatsError::TooFewPoints {
            what: format!(
                "models with epoch timings (images_per_sec) and flops, params and acts for the runtime \
                 fits ({skipped} left out)"
            ),
            n: points.len(),
            needed: MIN_FIT_POINTS,
        });
    }
    let col = |f: fn(&RuntimePoint) -> f64| points.iter().map(f).collect::<Vec<f64>>();
    let (flops, params, acts, t) = (
        col(|p| p.flops),
        col(|p| p.params),
        col(|p| p.acts),
        col(|p| p.t),
    );
    let line = |x: &[f64]| -> Result<LineFitSummary> {
        match fit_line(x, &t) {
            Ok(f) => Ok(f.into()),
            Err(StatsError::ConstantInput { .. }) => Ok(LineFitSummary::default()),
            Err(e) => Err(e),
        }
    };
    let joint = match fit_plane(&flops, &acts, &t) {
        Ok(f) => f.into(),
        Err(StatsError::ConstantInput { .. } | StatsError::Collinear { .. }) => {
            PlaneFitSummary::default()
        }
        Err(e) => return Err(e),
    };
    let summary = RuntimeSummary {
        n: points.len(),
        skipped,
        fits: vec![
            RuntimeFit::Flops(line(&flops)?),
            RuntimeFit::Params(line(&params)?),
            RuntimeFit::Acts(line(&acts)?),
            RuntimeFit::FlopsActs(joint),
        ],
    };
    Ok((summary, points))
}

/// Checks that two inputs pair up, have at least [`MIN_FIT_POINTS`] values and are finite.
fn check_pairs(what_x: &str, x: &[f64], what_y: &str, y: &[f64]) -> Result<()> {
    if x.len() != y.len() {
        return Err(StatsError::LengthMismatch {
            what_a: what_x.into(),
            len_a: x.len(),
            what_b: what_y.into(),
            len_b: y.len(),
        });
    }
    if x.len() < MIN_FIT_POINTS {
        return Err(StatsError::TooFewPoints {
            what: format!("({what_x}, {what_y}) pairs for a least-squares fit"),
            n: x.len(),
            needed: MIN_FIT_POINTS,
        });
    }
    check_finite(what_x, x)?;
    check_finite(what_y, y)
}

fn is_constant(v: &[f64]) -> bool {
    v.iter().all(|&a| a == v[0])
}

/// (mean, (v − mean)/s, s) with s = max |v − mean|, so that sums of squares neither overflow nor vanish.
fn centered(v: &[f64]) -> (f64, Vec<f64>, f64) {
    let n = v.len() as f64;
    // Sum first (as numpy's mean); divide each term first only if the sum overflows.
    let mean = v.iter().sum::<f64>() / n;
    let mean = if mean.is_finite() {
        mean
    } else {
        v.iter().map(|a| a / n).sum()
    };
    let dev: Vec<f64> = v.iter().map(|a| a - mean).collect();
    let s = dev.iter().fold(0.0f64, |m, d| m.max(d.abs()));
    let s = if s > 0.0 && s.is_finite() { s } else { 1.0 };
    (mean, dev.iter().map(|d| d / s).collect(), s)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn finite_fit(what: &str, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(StatsError::NonFinite {
            what: format!("least-squares {what}"),
            index: 0,
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_through_exact_points() {
        let f = fit_line(&[1.0, 2.0, 3.0, 4.0], &[3.0, 5.0, 7.0, 9.0]).unwrap();
        assert!((f.slope - 2.0).abs() < 1e-14 && (f.intercept - 1.0).abs() < 1e-14);
        assert!((f.r.unwrap() - 1.0).abs() < 1e-15 && (f.r2.unwrap() - 1.0).abs() < 1e-15);
        let f = fit_line(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap();
        assert!((f.r.unwrap() + 1.0).abs() < 1e-15);
    }

    #[test]
    fn degenerate_inputs_are_typed_errors_or_none() {
        assert!(matches!(
            fit_line(&[1.0, 2.0], &[1.0, 2.0]),
            Err(StatsError::TooFewPoints {
                n: 2,
                needed: 3,
                ..
            })
        ));
        assert!(matches!(
            fit_line(&[1.0, 2.0, 3.0], &[1.0, 2.0]),
            Err(StatsError::LengthMismatch { .. })
        ));
        assert!(matches!(
            fit_line(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0]),
            Err(StatsError::NonFinite { index: 1, .. })
        ));
        let e = fit_line(&[5.0; 4], &[1.0, 2.0, 3.0, 4.0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x is constant over its 4 values: the fit is undefined"
        );
        let f = fit_line(&[1.0, 2.0, 3.0], &[0.1; 3]).unwrap();
        assert_eq!((f.slope, f.intercept, f.r, f.r2), (0.0, 0.1, None, None));

        let x1 = [1.0, 2.0, 3.0, 4.0];
        let x2: Vec<f64> = x1.iter().map(|v| 3.0 * v + 7.0).collect();
        let e = fit_plane(&x1, &x2, &[1.0, 3.0, 2.0, 5.0]).unwrap_err();
        assert!(matches!(e, StatsError::Collinear { .. }), "{e}");
        let f = fit_plane(&x1, &[1.0, 0.0, 0.0, 1.0], &[2.0; 4]).unwrap();
        assert_eq!((f.coef, f.intercept, f.r2), ([0.0, 0.0], 2.0, None));
        assert!(matches!(
            fit_plane(&x1, &[1.0; 4], &[1.0, 2.0, 3.0, 4.0]),
            Err(StatsError::ConstantInput { ref what, .. }) if what == "x2"
        ));
    }

    #[test]
    fn huge_and_tiny_scales_stay_finite() {
        let x = [1e300, 2e300, 4e300];
        let y = [1e-300, 3e-300, 2e-300];
        let f = fit_line(&x, &y).unwrap();
        assert!(f.slope.is_finite() && f.intercept.is_finite());
        // As for x = [1, 2, 4], y = [1, 3, 2]: Sxy = 1, Sxx = 42/9, Syy = 2, so r = 3/√84.
        assert!((f.r.unwrap() - 3.0 / 84f64.sqrt()).abs() < 1e-12);
    }

    fn timed(space: &str, rows: &[(f64, f64, f64, &[f64])]) -> Population {
        Population::new(
            space,
            rows.iter()
                .map(|&(flops, params, acts, ips)| {
                    let mut r = Record::new(40.0)
                        .with_param("flops", flops)
                        .with_param("params", params)
                        .with_param("acts", acts);
                    r.epoch_images_per_sec = ips.to_vec();
                    r
                })
                .collect(),
        )
    }

    #[test]
    fn runtime_fits_pool_populations_and_count_skipped() {
        // t = 1e-12·flops + 1e-10·acts + 1e-4 exactly.
        let t = |f: f64, a: f64| 1e-12 * f + 1e-10 * a + 1e-4;
        let rows: Vec<(f64, f64, f64, Vec<f64>)> = [
            (2e8, 3e6, 2e6),
            (4e8, 5e6, 3e6),
            (6e8, 4e6, 7e6),
            (8e8, 9e6, 5e6),
        ]
        .iter()
        .map(|&(f, p, a)| (f, p, a, vec![1.0 / t(f, a)]))
        .collect();
        let a = timed(
            "A",
            &rows[..2]
                .iter()
                .map(|(f, p, a, i)| (*f, *p, *a, i.as_slice()))
                .collect::<Vec<_>>(),
        );
        let mut b = timed(
            "B",
            &rows[2..]
                .iter()
                .map(|(f, p, a, i)| (*f, *p, *a, i.as_slice()))
                .collect::<Vec<_>>(),
        );
        b.records.push(Record::new(1.0).with_param("flops", 1e9)); // no timing, no acts
        let (s, points) = runtime_fits(&[a, b]).unwrap();
        assert_eq!((s.n, s.skipped, points.len()), (4, 1, 4));
        assert_eq!(points[2].space, 1);
        let j = s.joint().unwrap();
        let [ca, cb] = j.coef.unwrap();
        assert!((ca - 1e-12).abs() < 1e-22 && (cb - 1e-10).abs() < 1e-20);
        assert!((j.intercept.unwrap() - 1e-4).abs() < 1e-15);
        assert!((j.r2.unwrap() - 1.0).abs() < 1e-12);
        assert!(s.line(crate::Complexity::Flops).unwrap().r.unwrap() > 0.5);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["fits"][0]["on"], "flops");
        assert_eq!(json["fits"][3]["on"], "flops+acts");
        assert_eq!(json["fits"][3]["coef"].as_array().unwrap().len(), 2);
        let back: RuntimeSummary = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn runtime_fits_need_three_timed_models_and_null_degenerate_fits() {
        let p = timed("A", &[(1.0, 1.0, 1.0, &[10.0]), (2.0, 1.0, 2.0, &[])]);
        let e = runtime_fits(&[p]).unwrap_err();
        assert!(matches!(e, StatsError::TooFewPoints { n: 1, .. }), "{e}");
        // Same params for every model (one architecture, several runs) and acts ∝ flops.
        let p = timed(
            "A",
            &[
                (1e8, 5e6, 1e6, &[1000.0]),
                (2e8, 5e6, 2e6, &[600.0]),
                (3e8, 5e6, 3e6, &[400.0, 350.0]),
            ],
        );
        let (s, _) = runtime_fits(&[p]).unwrap();
        assert_eq!(
            *s.line(crate::Complexity::Params).unwrap(),
            LineFitSummary::default()
        );
        assert_eq!(*s.joint().unwrap(), PlaneFitSummary::default());
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            json.contains(r#"{"on":"params","slope":null,"intercept":null,"r":null,"r2":null}"#)
        );
        assert!(!json.contains("NaN"));
    }
}
