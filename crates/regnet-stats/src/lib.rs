//! Population statistics for design-space studies, after "Designing Network Design Spaces"
//! (Radosavovic et al., CVPR 2020) and "On Network Design Spaces for Visual Recognition" (NDS, ICCV 2019).
//!
//! The crate works on populations of records — an error plus named numeric parameters — so it serves any
//! design-space study; it depends on no model crate.
//!
//! * [`Edf`]: the error EDF F(e) = (1/n)·#{e_i < e} (RegNet paper §3.1) with its legend `name [n|min|mean]`;
//!   [`normalized_edf`]: the complexity-normalized EDF of the NDS paper (§3.2).
//! * [`bootstrap_best`]: the empirical bootstrap of the best models (RegNet paper footnote 4; pycls
//!   `get_filters`), seeded and portable; [`bootstrap_best_with_indices`] on explicit draws.
//! * [`ks_2samp`]: the two-sample Kolmogorov–Smirnov statistic and p-value as SciPy's default
//!   `scipy.stats.ks_2samp` (exact up to 10,000 models, asymptotic above); [`holm`] adjusts the p-values of
//!   several comparisons; [`format_p_value`] prints them for people; [`mean_difference`] with a bootstrap
//!   range; [`trend`] of a parameter across spaces.
//! * [`plot`]: SVG figures (EDFs, error-vs-parameter scatter with bootstrap band, per-block widths, trends)
//!   and a self-contained HTML report.
//! * [`fit_line`], [`fit_plane`], [`runtime_fits`]: least-squares fits of the training time per image
//!   against flops, params and acts (RegNet paper §5: activations, not flops, track GPU runtime).
//! * [`analyze()`]: the whole analysis of JSONL result files, behind `regnet analyze`.
//!
//! ```
//! use regnet_stats::{BootstrapOptions, Population, Record};
//!
//! let pop = Population::new(
//!     "RegNetX",
//!     (0..100)
//!         .map(|i| {
//!             let d = (i % 20 + 5) as f64;
//!             Record::new(36.0 + (d - 16.0).abs() * 0.3 + (i % 7) as f64 * 0.1).with_param("d", d)
//!         })
//!         .collect(),
//! );
//! let edf = pop.edf()?;
//! assert_eq!(edf.n(), 100);
//! assert_eq!(edf.min(), 36.0);
//! let good = pop.bootstrap("d", &BootstrapOptions::default())?;
//! assert!(good.low <= 16.0 && 16.0 <= good.high);
//! # Ok::<(), regnet_stats::StatsError>(())
//! ```

#![warn(missing_docs)]

pub mod analyze;
mod bootstrap;
mod compare;
mod edf;
mod error;
pub mod kolmogorov;
mod ks;
pub mod plot;
pub mod population;
pub mod runtime;

pub use analyze::{
    Analysis, AnalyzeOptions, AnalyzeSummary, HOLM_ALPHA, KsSummary, MAX_PLOT_BLOCKS,
    SMALL_POPULATION, SkippedLine, SpaceSummary, analyze, analyze_populations, block_widths,
    expand_block_widths,
};
pub use bootstrap::{
    BootstrapOptions, BootstrapRange, MAX_RESAMPLES, MeanDifference, best_indices, bootstrap_best,
    bootstrap_best_from, bootstrap_best_with_indices, mean_difference, percentile, percentiles,
};
pub use compare::{Comparison, TrendPoint, compare, trend};
pub use edf::{
    Edf, EdfStep, NormalizedEdfOptions, NormalizedWeights, complexity_bin, normalized_edf,
    normalized_weights,
};
pub use error::{Result, StatsError};
pub use kolmogorov::{kolmogorov_cdf, kolmogorov_sf, smirnov_sf};
pub use ks::{
    KsMethod, KsResult, MAX_EXACT_N, format_p_value, holm, ks_2samp, ks_2samp_with, ks_p_value,
    ks_statistic,
};
pub use population::{
    Complexity, Population, ReadOutcome, Record, parse_jsonl, parse_record, read_jsonl,
};
pub use runtime::{
    LineFit, LineFitSummary, MIN_FIT_POINTS, PlaneFit, PlaneFitSummary, RuntimeFit, RuntimePoint,
    RuntimeSummary, fit_line, fit_plane, runtime_fits, time_per_image,
};

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
