//! The quantized linear parameterization of RegNet widths.
//!
//! "Designing Network Design Spaces" (Radosavovic, Kosaraju, Girshick, He, Dollár, CVPR 2020), §3.3,
//! describes every block width of a RegNet by four numbers: depth `d`, initial width `w0`, slope `wa`
//! and width multiplier `wm`. This crate turns those numbers into per-block and per-stage widths exactly
//! as the authors' reference code (pycls) does — including its round-half-to-even rounding in three
//! places — and adjusts each stage's width, bottleneck multiplier and group width so a model can be
//! built from them.
//!
//! ```
//! use regnet_quantized::QuantizedLinear;
//!
//! // RegNetX-200MF (paper Fig. 15): d = 13, w0 = 24, wa = 36.44, wm = 2.49.
//! let generated = QuantizedLinear::new(13, 24, 36.44, 2.49)?.generate()?;
//! assert_eq!(generated.stage_widths(), vec![24, 56, 152, 368]);
//! assert_eq!(generated.stage_depths(), vec![1, 1, 4, 7]);
//! # Ok::<(), regnet_quantized::QuantizedError>(())
//! ```

mod compat;
mod error;
mod fit;
mod generate;

pub use compat::{MAX_BOT_MUL, StageCompat, adjust_block_compatibility};
pub use error::QuantizedError;
pub use fit::{FitOptions, MAX_FIT_BLOCKS, MIN_FIT_WM, QuantizedFit, fit_quantized_linear};
pub use generate::{DEFAULT_Q, Generated, MAX_DEPTH, MAX_WIDTH, QuantizedLinear, Stage};
