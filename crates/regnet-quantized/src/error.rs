//! Errors of the quantized linear parameterization.

use thiserror::Error;

/// Invalid parameters or an impossible adjustment, named by parameter and value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum QuantizedError {
    /// The depth `d` (number of blocks) must be at least 1.
    #[error("depth d must be at least 1, got {d}")]
    InvalidDepth {
        /// The rejected depth.
        d: u32,
    },
    /// The quantum `q` must be at least 1.
    #[error("width quantum q must be at least 1, got {q}")]
    InvalidQuantum {
        /// The rejected quantum.
        q: u32,
    },
    /// The initial width `w0` must be positive and a multiple of `q`.
    #[error("initial width w0 must be > 0 and a multiple of q = {q}, got {w0}")]
    InvalidW0 {
        /// The rejected initial width.
        w0: u32,
        /// The quantum it must be a multiple of.
        q: u32,
    },
    /// The slope `wa` must be finite and non-negative (pycls allows 0; the paper asks for wa > 0).
    #[error("slope wa must be finite and >= 0, got {wa:?}")]
    InvalidWa {
        /// The rejected slope.
        wa: f64,
    },
    /// The width multiplier `wm` must be finite and greater than 1.
    #[error("width multiplier wm must be finite and > 1, got {wm:?}")]
    InvalidWm {
        /// The rejected multiplier.
        wm: f64,
    },
    /// A generated width does not fit the supported range (at most 2^24 channels).
    #[error(
        "generated width {width} at block {block} exceeds the supported maximum of {max} channels"
    )]
    WidthTooLarge {
        /// Index j of the block.
        block: usize,
        /// The width that was generated (rounded down to an integer).
        width: f64,
        /// The largest supported width.
        max: u64,
    },
    /// A stage width must be at least 1.
    #[error("stage {stage}: width must be at least 1, got {w}")]
    InvalidWidth {
        /// Index of the stage (0-based).
        stage: usize,
        /// The rejected width.
        w: u32,
    },
    /// A group width must be at least 1.
    #[error("stage {stage}: group width g must be at least 1, got {g}")]
    InvalidGroupWidth {
        /// Index of the stage (0-based).
        stage: usize,
        /// The rejected group width.
        g: u32,
    },
    /// The bottleneck multiplier (1/b in the paper) must be finite, positive, and < 1 or an integer.
    #[error(
        "stage {stage}: bottleneck multiplier must be finite, > 0 and either < 1 or an integer, got {bot_mul:?}"
    )]
    InvalidBottleneckMultiplier {
        /// Index of the stage (0-based).
        stage: usize,
        /// The rejected multiplier.
        bot_mul: f64,
    },
    /// After the adjustment the bottleneck width is not a multiple of the group width (pycls asserts this).
    #[error(
        "stage {stage}: cannot make width {w} with bottleneck multiplier {bot_mul:?} compatible with group width {g}"
    )]
    Incompatible {
        /// Index of the stage (0-based).
        stage: usize,
        /// The adjusted width.
        w: u32,
        /// The bottleneck multiplier.
        bot_mul: f64,
        /// The (clamped) group width.
        g: u32,
    },
    /// A value is above one of the crate's documented limits ([`crate::MAX_DEPTH`],
    /// [`crate::MAX_WIDTH`], [`crate::MAX_FIT_BLOCKS`], [`crate::MAX_BOT_MUL`]).
    #[error("{field} = {value} exceeds the supported maximum of {max}")]
    AboveLimit {
        /// The parameter or input, as the paper and the API name it (`d`, `q`, `w0`, `widths[3]`, …).
        field: &'static str,
        /// The rejected value (saturated to `u64::MAX` for larger values).
        value: u64,
        /// The largest accepted value.
        max: u64,
    },
    /// A per-block width given to the inverse fit is above [`crate::MAX_WIDTH`].
    #[error(
        "cannot fit widths: width of block {block} is {w}, above the supported maximum of {max}"
    )]
    FitWidthTooLarge {
        /// Index j of the block.
        block: usize,
        /// The rejected width.
        w: u32,
        /// The largest accepted width.
        max: u32,
    },
    /// A fit option is outside its accepted range.
    #[error("fit option {field} = {value:?} is out of range: expected {expected}")]
    InvalidFitOption {
        /// The option (`q`, `wm_min`, `wm_max`).
        field: &'static str,
        /// The rejected value.
        value: f64,
        /// The accepted range, in words.
        expected: &'static str,
    },
    /// The inverse fit needs at least one per-block width, all positive.
    #[error("cannot fit widths: {reason}")]
    InvalidFitInput {
        /// What is wrong with the widths.
        reason: String,
    },
}
