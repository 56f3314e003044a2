//! Design spaces and seeded samplers (paper §3, Table 1; pycls `sweep`).
//!
//! A design space is a set of models plus a distribution over it. The paper's spaces are values of
//! [`AnyNetSpace`] (AnyNetX_A…E, §3.2) and [`RegNetSpace`] (RegNetX, RegNetX constrained, RegNetY,
//! §3.3–§5; plus pycls's sweep sampler as `pycls-regnet`), collected in [`DesignSpace`]. Every field is
//! public, so custom ranges and rules are built by changing a preset.
//!
//! A [`Sampler`] draws candidates from a space and keeps those inside the [`Constraints`] (flops, params,
//! acts windows at a resolution, number of stages), as the paper does ("repeat the sampling until n = 500
//! models fall in the target complexity regime (360MF to 400MF)"). Candidate t is drawn from its own
//! ChaCha8 stream (key from the seed, stream t), so the samples depend only on the seed — not on the
//! platform or on the number of threads. The number of tries is capped; an infeasible window ends in a
//! [`SampleError`] that reports the tries and the acceptance so far.
//!
//! ```
//! use regnet_anynet::space::{Constraints, DesignSpace, Sampler};
//!
//! let space = DesignSpace::by_name("anynetx-a")?;
//! let sampler = Sampler::new(space, Constraints::paper_regime(), 0);
//! let out = sampler.sample(3)?;
//! assert_eq!(out.records.len(), 3);
//! for r in &out.records {
//!     assert!((360_000_000..=400_000_000).contains(&r.flops));
//! }
//! # Ok::<(), regnet_anynet::space::SampleError>(())
//! ```

mod anynet;
mod count;
mod draw;
mod parse;
mod regnet;
mod sampler;

pub use anynet::{AnyNetDraw, AnyNetSpace, CompatRule, ORDER_REDRAWS, OrderRule, multichoose};
pub use count::count_complexity;
pub use draw::{Dist, MAX_RANGE_VALUE, ParamRange};
pub use parse::{parse_count, parse_window};
pub use regnet::{Fig12Limits, RegNetDraw, RegNetSpace};
pub use sampler::{
    Constraints, DEFAULT_MAX_TRIES, Draw, MAX_THREADS, RejectCounts, SampleRecord, SampleStats,
    Sampled, Sampler, Window,
};

use crate::StemType;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a candidate was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reject {
    /// An ordering rule (D, E) found no ordered list within [`ORDER_REDRAWS`] redraws.
    Ordering,
    /// A RegNet generated a stage count outside the space's range, or skipped/merged an exponent.
    Stages,
    /// The spec is not buildable (group width vs bottleneck width), see [`CompatRule`].
    Compat,
    /// Flops outside the window.
    Flops,
    /// Params outside the window.
    Params,
    /// Acts outside the window.
    Acts,
    /// The §4 params/acts limits ([`Fig12Limits`]) do not hold.
    Fig12,
    /// Equal to an earlier accepted sample (spaces with `unique`).
    Duplicate,
}

/// Errors of the design-space samplers; each names the offending value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SampleError {
    /// No space has this name.
    #[error("unknown design space {name:?}; known: {known}")]
    UnknownSpace {
        /// The name asked for.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
    /// A parameter range is invalid.
    #[error("range of {param} must have {expected}, got {range:?}")]
    InvalidRange {
        /// The parameter.
        param: &'static str,
        /// What a valid range looks like.
        expected: &'static str,
        /// The rejected range.
        range: ParamRange,
    },
    /// The space's constants are invalid.
    #[error("invalid design space: {reason}")]
    InvalidSpace {
        /// What is wrong.
        reason: String,
    },
    /// A window has min > max or the resolution is invalid.
    #[error("invalid constraint: {reason}")]
    InvalidConstraint {
        /// What is wrong.
        reason: String,
    },
    /// The window cannot be met by any model of the space (it lies below a lower bound that every
    /// model exceeds: the stem and head alone).
    #[error(
        "infeasible {what} window {window}: every model of {space} has at least {bound} {what} at resolution {resolution}"
    )]
    Infeasible {
        /// `flops`, `params` or `acts`.
        what: &'static str,
        /// The window, printed.
        window: String,
        /// The space.
        space: String,
        /// The lower bound.
        bound: u64,
        /// The resolution.
        resolution: u32,
    },
    /// The cap on tries was reached before enough candidates were accepted.
    #[error(
        "accepted only {accepted} of {requested} samples in {tries} tries (acceptance {acceptance:.3e}); the constraints are infeasible or too narrow for {space} (raise max_tries or widen the windows)"
    )]
    TooFewAccepted {
        /// The space.
        space: String,
        /// Candidates drawn.
        tries: u64,
        /// Candidates accepted.
        accepted: u64,
        /// Samples asked for.
        requested: u64,
        /// accepted / tries.
        acceptance: f64,
    },
}

/// One of the paper's design spaces (or a custom one built from a preset).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DesignSpace {
    /// An AnyNet space (AnyNetX_A…E).
    AnyNet(AnyNetSpace),
    /// A RegNet space (RegNetX, RegNetX constrained, RegNetY, pycls-regnet).
    RegNet(RegNetSpace),
}

/// A network's input and output, which come from the data rather than from the design space:
/// input channels, classes and the stem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkIo {
    /// Input channels (3 for RGB, 1 for grey images).
    pub in_channels: u32,
    /// Number of classes of the head.
    pub num_classes: u32,
    /// The stem.
    pub stem: StemType,
}

impl NetworkIo {
    /// The paper's ImageNet networks: 3 channels, 1000 classes, `simple_stem_in` (stride 2).
    pub const IMAGENET: Self = Self {
        in_channels: 3,
        num_classes: 1000,
        stem: StemType::SimpleStemIn,
    };

    /// Largest resolution at which [`NetworkIo::for_data`] picks the CIFAR stem.
    pub const MAX_CIFAR_STEM_RESOLUTION: u32 = 64;

    /// The input and output for a data set, with the stem pycls uses at its resolution: the stride-1
    /// `res_stem_cifar` for small images (≤ [`Self::MAX_CIFAR_STEM_RESOLUTION`] px, pycls's CIFAR
    /// configs at 32 px; Fashion-MNIST's 28 px), else the paper's stride-2 `simple_stem_in`. With the
    /// stride-2 stem a 28×28 input reaches the last of 4 stages at 1×1 — yet inside the same flops
    /// window its wider networks reached lower errors in short budgets on Fashion-MNIST, and a clearer
    /// AnyNetX_A → RegNetX ordering, than with the CIFAR stem (the repository's
    /// docs/results/budget-study/); pass the stem explicitly to choose it.
    pub fn for_data(in_channels: u32, num_classes: u32, resolution: u32) -> Self {
        Self {
            in_channels,
            num_classes,
            stem: Self::default_stem(resolution),
        }
    }

    /// The stem [`NetworkIo::for_data`] picks at `resolution`.
    pub fn default_stem(resolution: u32) -> StemType {
        if resolution <= Self::MAX_CIFAR_STEM_RESOLUTION {
            StemType::ResStemCifar
        } else {
            StemType::SimpleStemIn
        }
    }

    /// Channels and classes within the spec limits ([`crate::MAX_CHANNELS`], [`crate::MAX_CLASSES`]).
    pub fn validate(&self) -> Result<(), SampleError> {
        if self.in_channels == 0 || self.in_channels > crate::MAX_CHANNELS {
            return Err(SampleError::InvalidSpace {
                reason: format!(
                    "in_channels must be 1..={}, got {}",
                    crate::MAX_CHANNELS,
                    self.in_channels
                ),
            });
        }
        if self.num_classes == 0 || self.num_classes > crate::MAX_CLASSES {
            return Err(SampleError::InvalidSpace {
                reason: format!(
                    "num_classes must be 1..={}, got {}",
                    crate::MAX_CLASSES,
                    self.num_classes
                ),
            });
        }
        Ok(())
    }
}

pub(crate) fn default_stem() -> StemType {
    StemType::SimpleStemIn
}

pub(crate) fn default_in_channels() -> u32 {
    3
}

/// Names accepted by [`DesignSpace::by_name`], in paper order.
pub const SPACE_NAMES: [&str; 9] = [
    "anynetx-a",
    "anynetx-b",
    "anynetx-c",
    "anynetx-d",
    "anynetx-e",
    "regnetx",
    "regnetx-constrained",
    "regnety",
    "pycls-regnet",
];

impl DesignSpace {
    /// Looks a space up by name (case-insensitive; `_` and `-` are interchangeable).
    pub fn by_name(name: &str) -> Result<Self, SampleError> {
        let n = name.to_ascii_lowercase().replace('_', "-");
        Ok(match n.as_str() {
            "anynetx-a" => Self::AnyNet(AnyNetSpace::anynetx_a()),
            "anynetx-b" => Self::AnyNet(AnyNetSpace::anynetx_b()),
            "anynetx-c" => Self::AnyNet(AnyNetSpace::anynetx_c()),
            "anynetx-d" => Self::AnyNet(AnyNetSpace::anynetx_d()),
            "anynetx-e" => Self::AnyNet(AnyNetSpace::anynetx_e()),
            "regnetx" => Self::RegNet(RegNetSpace::regnetx()),
            "regnetx-constrained" => Self::RegNet(RegNetSpace::regnetx_constrained()),
            "regnety" => Self::RegNet(RegNetSpace::regnety()),
            "pycls-regnet" => Self::RegNet(RegNetSpace::pycls_regnet()),
            _ => {
                return Err(SampleError::UnknownSpace {
                    name: name.into(),
                    known: SPACE_NAMES.join(", "),
                });
            }
        })
    }

    /// All named spaces, in paper order.
    pub fn all() -> Vec<Self> {
        SPACE_NAMES
            .iter()
            .map(|n| Self::by_name(n).expect("every listed name resolves"))
            .collect()
    }

    /// The space's name.
    pub fn name(&self) -> &str {
        match self {
            Self::AnyNet(s) => &s.name,
            Self::RegNet(s) => &s.name,
        }
    }

    /// Free parameters (Table 1 "dim.").
    pub fn dims(&self) -> usize {
        match self {
            Self::AnyNet(s) => s.dims(),
            Self::RegNet(s) => s.dims(),
        }
    }

    /// Exact number of distinct parameter tuples (see [`AnyNetSpace::size`], [`RegNetSpace::size`]).
    pub fn size(&self) -> u128 {
        match self {
            Self::AnyNet(s) => s.size(),
            Self::RegNet(s) => s.size(),
        }
    }

    /// The input and output of the space's networks (channels, classes, stem).
    pub fn io(&self) -> NetworkIo {
        match self {
            Self::AnyNet(s) => NetworkIo {
                in_channels: s.in_channels,
                num_classes: s.num_classes,
                stem: s.stem,
            },
            Self::RegNet(s) => NetworkIo {
                in_channels: s.in_channels,
                num_classes: s.num_classes,
                stem: s.stem,
            },
        }
    }

    /// The space with its networks' input and output set from the data, so that the complexity
    /// windows count exactly the networks that are trained (the paper's spaces are for ImageNet:
    /// 3 channels, 1000 classes, the stride-2 stem).
    ///
    /// ```
    /// use regnet_anynet::StemType;
    /// use regnet_anynet::space::{Constraints, DesignSpace, NetworkIo, Sampler, Window};
    ///
    /// // Fashion-MNIST: 28×28 grey images, 10 classes, pycls's CIFAR stem at this size.
    /// let io = NetworkIo::for_data(1, 10, 28);
    /// assert_eq!(io.stem, StemType::ResStemCifar);
    /// let space = DesignSpace::by_name("regnetx")?.with_io(io);
    /// let window = Constraints { resolution: 28, flops: Window::new(1_000_000, 2_000_000), ..Constraints::default() };
    /// let s = &Sampler::new(space, window, 0).sample(1)?.records[0];
    /// assert_eq!((s.spec.in_channels, s.spec.num_classes, s.spec.stem), (1, 10, StemType::ResStemCifar));
    /// assert_eq!(s.spec.complexity(28)?.flops, s.flops); // the window counted this very network
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_io(mut self, io: NetworkIo) -> Self {
        match &mut self {
            Self::AnyNet(s) => {
                s.in_channels = io.in_channels;
                s.num_classes = io.num_classes;
                s.stem = io.stem;
            }
            Self::RegNet(s) => {
                s.in_channels = io.in_channels;
                s.num_classes = io.num_classes;
                s.stem = io.stem;
            }
        }
        self
    }

    /// The size by the paper's Table 1 formula.
    pub fn table1_size(&self) -> f64 {
        match self {
            Self::AnyNet(s) => s.table1_size(),
            Self::RegNet(s) => s.table1_size(),
        }
    }

    /// Checks the space.
    pub fn validate(&self) -> Result<(), SampleError> {
        self.io().validate()?;
        match self {
            Self::AnyNet(s) => s.validate(),
            Self::RegNet(s) => s.validate(),
        }
    }

    /// Named parameter ranges, for listings.
    pub fn ranges(&self) -> Vec<(&'static str, ParamRange)> {
        match self {
            Self::AnyNet(s) => vec![("d_i", s.d), ("w_i", s.w), ("b_i", s.b), ("g_i", s.g)],
            Self::RegNet(s) => vec![
                ("d", s.d),
                ("w0", s.w0),
                ("wa", s.wa),
                ("wm", s.wm),
                ("b", s.b),
                ("g", s.g),
            ],
        }
    }

    /// The space's rules in words (Table 1 "restriction" plus this crate's sampling decisions).
    pub fn rules(&self) -> Vec<String> {
        match self {
            Self::AnyNet(s) => {
                let mut r = vec![format!(
                    "{} stages, X block, stem {}, stride {}",
                    s.num_stages, s.stem_w, s.stride
                )];
                if s.shared_b {
                    r.push("b_{i+1} = b_i".into());
                }
                if s.shared_g {
                    r.push("g_{i+1} = g_i".into());
                }
                if s.increasing_w {
                    r.push(format!("w_{{i+1}} >= w_i ({:?})", s.order));
                }
                if s.increasing_d {
                    r.push(format!("d_{{i+1}} >= d_i ({:?})", s.order));
                }
                r.push(format!("compatibility: {:?}", s.compat));
                r
            }
            Self::RegNet(s) => {
                let mut r = vec![format!(
                    "quantized linear (q = {}), {}..={} stages{}",
                    s.q,
                    s.stages.0,
                    s.stages.1,
                    if s.regular {
                        ", num_stages == total_stages"
                    } else {
                        ""
                    }
                )];
                if let Some(se) = s.se_r {
                    r.push(format!("SE ratio {se}"));
                }
                if let Some(l) = s.fig12 {
                    r.push(format!(
                        "params < {} + {}·F M, acts < {}·sqrt(F) M",
                        l.params_a, l.params_b, l.acts_c
                    ));
                }
                if s.unique {
                    r.push("duplicates skipped".into());
                }
                r
            }
        }
    }
}
