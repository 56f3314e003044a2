//! # regnet-space
//!
//! "Designing Network Design Spaces" (Radosavovic, Kosaraju, Girshick, He, Dollár, CVPR 2020) as one
//! library: design spaces of networks, sampled, counted exactly, trained briefly and compared as
//! populations. `cargo add regnet-space` gives the method without burn; `--features burn` adds the
//! models, data and training (and re-exports `burn` itself, so no pin of your own is needed).
//!
//! The method, in the paper's order, and where each step lives:
//!
//! 1. **Networks as specs** ([`AnyNetSpec`], paper §3.1, Fig. 3–4): stem → stages of blocks (d, w, b, g per
//!    stage) → head, with exact flops, params and activations ([`AnyNetSpec::complexity`], counted as pycls
//!    counts: docs/conventions.md §B). The [`zoo`] has every RegNetX/Y of the paper by name.
//! 2. **Quantized linear widths** ([`quantized`], paper §3.3 eq. 2–4): u_j = w0 + wa·j,
//!    s_j = log(u_j/w0)/log(wm) rounded, w_j = w0·wm^s_j quantized to multiples of q
//!    ([`QuantizedLinear`], [`RegNetParams`]); the inverse fit with e_fit ([`fit_quantized_linear`]).
//! 3. **Design spaces** ([`spaces`], paper §3.1–3.3, Table 1): AnyNetX_A…E and RegNetX/Y as
//!    [`DesignSpace`]s, sampled inside a complexity window by a seeded [`Sampler`].
//! 4. **Training briefly** (`train`, `data`, `nn`; feature `burn`; paper §3 footnote 5): burn modules from any
//!    spec (generic over `B: Backend`), the data sets, the recipe, a seeded model constructor and the
//!    pieces of a user-written loop (`train::batch_to_tensors`, `train::count_mistakes`).
//! 5. **Populations** ([`sweep`]): crash-safe append-only result files, shards, resume, collect.
//! 6. **Baselines** ([`EffNetSpec`], paper Table 4): pycls's EfficientNet B0–B5 (MBConv) with the same
//!    exact counting (`zoo::effnet`) and burn modules (`nn::EffNet`), for RegNet vs EfficientNet at equal
//!    flops (docs/efficientnet.md).
//! 7. **Comparing spaces** ([`stats`], paper §3.1 eq. 1, footnote 4): error EDFs ([`Edf`]),
//!    the empirical bootstrap of the best models ([`bootstrap_best`]), two-sample KS tests ([`ks_2samp`]),
//!    and the whole analysis with its report ([`stats::analyze()`]).
//!
//! ```
//! use regnet_space::{Constraints, DesignSpace, Edf, Sampler, Window, fit_quantized_linear};
//! use regnet_space::quantized::FitOptions;
//!
//! // Ten RegNetX models of 360–400 MF at 224×224 (paper §3.1), seeded.
//! let constraints = Constraints {
//!     flops: Window::new(360_000_000, 400_000_000),
//!     ..Constraints::default()
//! };
//! let space = DesignSpace::by_name("regnetx")?;
//! let sampled = Sampler::new(space, constraints, 0).sample(10)?;
//! assert_eq!(sampled.records.len(), 10);
//! for s in &sampled.records {
//!     assert!((360_000_000..=400_000_000).contains(&s.flops));
//!     assert_eq!(s.spec.complexity(224)?.flops, s.flops);
//! }
//! // A zoo model's widths are exactly quantized linear: the inverse fit finds e_fit = 0.
//! let x200 = regnet_space::zoo::model("RegNetX-200MF")?;
//! let fit = fit_quantized_linear(&x200.block_widths(), FitOptions::default())?;
//! assert_eq!(fit.e_fit, 0.0);
//! // An EDF of (made-up) errors: F(e) = fraction of models with error < e (eq. 1).
//! let edf = Edf::new(&[30.0, 35.0, 40.0, 45.0])?;
//! assert_eq!(edf.eval(40.0), 0.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Debug builds: burn is ~30–40× slower without optimisation. A crate using this one should add to its
//! own `Cargo.toml` what this workspace uses for its tests:
//!
//! ```toml
//! [profile.dev.package."*"]
//! opt-level = 3
//! ```

/// The quantized linear parameterization (paper §3.3 eq. 2–4): generate per-block and per-stage widths
/// from (w0, wa, wm, d, q) and fit (w0, wa, wm, e_fit) to any per-block widths.
pub use regnet_quantized as quantized;

/// AnyNet specs, layer plans, exact complexity, RegNet parameters, pycls configs and the zoo.
pub use regnet_anynet as anynet;

/// The design spaces of the paper (AnyNetX_A…E, RegNetX, RegNetY), their samplers and constraints.
pub use regnet_anynet::space as spaces;

/// Population statistics: EDF, normalized EDF, bootstrap, KS tests, runtime fits, plots and reports.
pub use regnet_stats as stats;

/// Sweeps: populations on disk, crash-safe results, shards, resume and collect.
pub use regnet_sweep as sweep;

/// The burn modules of any spec, their backend extension and weight import (feature `burn`).
#[cfg(feature = "burn")]
pub use regnet_burn as nn;

/// Data sets (embedded Fashion-MNIST subset, Fashion-MNIST, CIFAR-10, image folders), transforms and
/// the deterministic loader (feature `burn`).
#[cfg(feature = "burn")]
pub use regnet_data as data;

/// The paper's training recipe on burn, population sweeps of typed samples
/// (`SampleSweep` = `sweep::Sweep<SampleRecord>`, `SampleResult` = `sweep::ResultRecord<SampleRecord>`),
/// and the pieces of a custom loop (feature `burn`).
#[cfg(feature = "burn")]
pub use regnet_train as train;

/// burn itself, at the exact version the models are built with (feature `burn`).
#[cfg(feature = "burn")]
pub use burn;

pub use regnet_anynet::space::{
    Constraints, DesignSpace, NetworkIo, SampleRecord, Sampler, Window,
};
pub use regnet_anynet::{
    AnyNetSpec, BlockType, Complexity, EffNetSpec, RegNetParams, SpecError, StemType, zoo,
};
pub use regnet_quantized::{QuantizedFit, QuantizedLinear, fit_quantized_linear};
pub use regnet_stats::{
    BootstrapOptions, BootstrapRange, Edf, KsResult, Population, Record, bootstrap_best, ks_2samp,
};

/// README.md's library examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
