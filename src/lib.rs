//! # regnet-space
//!
//! (The README example is compiled as a test in `tests/readme.rs`.)
//!
//! Design spaces, RegNet generation, exact complexity and population statistics from
//! "Designing Network Design Spaces" (Radosavovic, Kosaraju, Girshick, He, Dollár, CVPR 2020).
//!
//! This crate re-exports the workspace's libraries so that `cargo add regnet-space` is enough:
//! - [`quantized`]: the quantized linear width rule (generate and fit),
//! - [`anynet`]: AnyNet specs, exact flops/params/acts, the RegNet zoo and pycls configs.

pub use regnet_anynet as anynet;
#[cfg(feature = "burn")]
pub use regnet_burn as burn;
pub use regnet_quantized as quantized;
