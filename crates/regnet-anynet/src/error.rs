//! Errors for AnyNet specs, RegNet parameters, zoo look-ups and pycls configs.

use thiserror::Error;

use crate::BlockType;

/// Why a spec, a configuration or a look-up was rejected; each variant names the field and the value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SpecError {
    /// A top-level field has an invalid value.
    #[error("{field} must be {expected}, got {value}")]
    InvalidField {
        /// The field's name (e.g. `stem_w`).
        field: &'static str,
        /// What a valid value looks like.
        expected: &'static str,
        /// The rejected value, printed.
        value: String,
    },
    /// The spec has no stage.
    #[error("an AnyNet needs at least one stage, got none")]
    NoStages,
    /// A per-stage field has an invalid value.
    #[error("stage {stage}: {field} must be {expected}, got {value}")]
    InvalidStage {
        /// 1-based stage index (as in pycls's `s1`…`s4`).
        stage: usize,
        /// The field's name (`d`, `w`, `stride`, `bot_mul`, `g`).
        field: &'static str,
        /// What a valid value looks like.
        expected: &'static str,
        /// The rejected value, printed.
        value: String,
    },
    /// The group count w_b // g does not divide the bottleneck width, so no grouped conv can be built.
    #[error(
        "stage {stage}: bottleneck width {w_b} with group width {g} gives {groups} groups, which do not divide {w_b}"
    )]
    GroupsDoNotDivide {
        /// 1-based stage index.
        stage: usize,
        /// Bottleneck width w_b = round(w · bot_mul).
        w_b: u32,
        /// Group width g.
        g: u32,
        /// Group count w_b // g.
        groups: u32,
    },
    /// The group width exceeds the bottleneck width, so the group count w_b // g would be 0.
    #[error("stage {stage}: group width {g} exceeds the bottleneck width {w_b} (0 groups)")]
    GroupWidthTooLarge {
        /// 1-based stage index.
        stage: usize,
        /// Bottleneck width.
        w_b: u32,
        /// Group width.
        g: u32,
    },
    /// Squeeze-excitation was asked for a block type that has no SE in pycls.
    #[error(
        "squeeze-excitation (se_r = {se_r:?}) is only defined for bottleneck blocks, not {block}"
    )]
    SeNotSupported {
        /// The block type.
        block: BlockType,
        /// The requested ratio.
        se_r: f64,
    },
    /// The SE width round(w_in · se_r) is 0 for some block.
    #[error("stage {stage}: SE width round({w_in} · {se_r:?}) is 0")]
    SeWidthZero {
        /// 1-based stage index.
        stage: usize,
        /// Block input width.
        w_in: u32,
        /// SE ratio.
        se_r: f64,
    },
    /// Generating the RegNet widths failed.
    #[error("RegNet parameters: {0}")]
    Quantized(#[from] regnet_quantized::QuantizedError),
    /// No zoo model has this name.
    #[error("unknown model {name:?}; `regnet zoo` lists the known names")]
    UnknownModel {
        /// The name that was looked up.
        name: String,
    },
    /// A pycls YAML config could not be parsed.
    #[error("config: {0}")]
    Yaml(String),
    /// A pycls config is too large or nests too deeply to be parsed in bounded time
    /// ([`crate::MAX_CONFIG_BYTES`], [`crate::MAX_CONFIG_NESTING`]).
    #[error("config: {what} (at line {line}) is {value}, more than the supported {max}")]
    ConfigLimit {
        /// What is limited (`size in bytes`, `nesting of [ ] and { }`).
        what: &'static str,
        /// The line where the limit was passed (1 for the size).
        line: usize,
        /// The value found.
        value: usize,
        /// The limit.
        max: usize,
    },
    /// A pycls config key is not known (or not supported) by this crate.
    #[error("config: unknown key {key}")]
    UnknownKey {
        /// The full dotted key, e.g. `ANYNET.DEPTH`.
        key: String,
    },
    /// A pycls config key has a value of the wrong type or out of range.
    #[error("config: {key} {problem}, got {value}")]
    BadValue {
        /// The full dotted key.
        key: String,
        /// What is wrong with it.
        problem: String,
        /// The rejected value, printed.
        value: String,
    },
    /// Per-stage lists of an AnyNet config have different lengths.
    #[error("config: ANYNET.{key} has {len} entries but ANYNET.DEPTHS has {depths}")]
    LengthMismatch {
        /// The list key.
        key: &'static str,
        /// Its length.
        len: usize,
        /// The number of stages.
        depths: usize,
    },
    /// The input resolution is invalid.
    #[error("input resolution must be between 1 and 65536, got {h}x{w}")]
    InvalidResolution {
        /// Height.
        h: u32,
        /// Width.
        w: u32,
    },
    /// A count does not fit into 64 bits.
    #[error("complexity overflows 64 bits at resolution {h}x{w}")]
    Overflow {
        /// Height.
        h: u32,
        /// Width.
        w: u32,
    },
    /// Reading a file failed.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

/// `text` on one line: control characters (newlines, tabs, escapes) are written as Rust escapes
/// (`\n`, `\t`, `\u{1b}`) and the result is cut to 200 characters, so an error message that
/// echoes user input stays one line of readable length.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 200 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_escapes_control_characters_and_truncates() {
        assert_eq!(one_line("- 1\n- 2\t\u{1b}"), "- 1\\n- 2\\t\\u{1b}");
        let long = "x".repeat(500);
        let s = one_line(&long);
        assert_eq!(s.chars().count(), 201);
        assert!(s.ends_with('…'));
    }
}
