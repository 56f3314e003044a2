//! Group-width / bottleneck compatibility (paper Appendix D; pycls `adjust_block_compatibility`).

use serde::{Deserialize, Serialize};

use crate::QuantizedError;

/// Largest bottleneck multiplier accepted by [`adjust_block_compatibility`].
///
/// The paper's spaces use bot_mul = 1/b ∈ {1, ½, ¼}; pycls allows integer multipliers above 1
/// (inverted bottlenecks). 64 bounds the bottleneck width at 64 · w and keeps the lcm in range.
pub const MAX_BOT_MUL: f64 = 64.0;

/// One stage's (width, bottleneck multiplier, group width) before or after the adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StageCompat {
    /// Stage width w_i.
    pub w: u32,
    /// Bottleneck multiplier (pycls `bot_mul` = 1 / b_i in the paper).
    pub bot_mul: f64,
    /// Group width g_i.
    pub g: u32,
}

/// Makes one stage buildable: the bottleneck width becomes a multiple of the group width.
///
/// Paper Appendix D: "if g > w (the bottleneck width) set g = w, else round w to be divisible by g";
/// implemented as pycls does it:
/// 1. v = trunc(max(1, w · bot_mul)) — the bottleneck width,
/// 2. g = min(g, v) — the group width is clamped to it,
/// 3. m = lcm(g, bot_mul) if bot_mul > 1 else g,
/// 4. v = max(m, round_half_even(v / m) · m),
/// 5. w = trunc(v / bot_mul).
///
/// The adjusted widths are multiples of the clamped group width, not re-rounded to multiples of 8.
/// `stage` only labels errors. Fails when bot_mul is not < 1 and not an integer (pycls asserts it), or
/// when the final w · bot_mul is not divisible by g (possible for fractional multipliers like 0.3).
pub fn adjust_block_compatibility(
    stage: usize,
    s: StageCompat,
) -> Result<StageCompat, QuantizedError> {
    let StageCompat { w, bot_mul, g } = s;
    if w == 0 {
        return Err(QuantizedError::InvalidWidth { stage, w });
    }
    if g == 0 {
        return Err(QuantizedError::InvalidGroupWidth { stage, g });
    }
    if !bot_mul.is_finite() || bot_mul <= 0.0 || (bot_mul >= 1.0 && bot_mul.fract() != 0.0) {
        return Err(QuantizedError::InvalidBottleneckMultiplier { stage, bot_mul });
    }
    if bot_mul > MAX_BOT_MUL {
        return Err(QuantizedError::AboveLimit {
            field: "bot_mul",
            value: bot_mul as u64,
            max: MAX_BOT_MUL as u64,
        });
    }
    let v = (f64::from(w) * bot_mul).max(1.0).trunc() as u64;
    let g = u64::from(g).min(v);
    let m = if bot_mul > 1.0 {
        lcm(g, bot_mul as u64)
    } else {
        g
    };
    let v = m.max(((v as f64 / m as f64).round_ties_even() * m as f64) as u64);
    let w_adj = (v as f64 / bot_mul).trunc();
    let incompatible = || QuantizedError::Incompatible {
        stage,
        w: w_adj.min(f64::from(u32::MAX)) as u32,
        bot_mul,
        g: g as u32,
    };
    if w_adj < 1.0 || w_adj > f64::from(u32::MAX) || (w_adj * bot_mul) % (g as f64) != 0.0 {
        return Err(incompatible());
    }
    Ok(StageCompat {
        w: w_adj as u32,
        bot_mul,
        g: g as u32,
    })
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: u64, b: u64) -> u64 {
    a / gcd(a, b) * b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adj(w: u32, bot_mul: f64, g: u32) -> (u32, u32) {
        let s = adjust_block_compatibility(0, StageCompat { w, bot_mul, g }).unwrap();
        (s.w, s.g)
    }

    #[test]
    fn half_to_even_cases_from_the_zoo() {
        // RegNetX-400MF last stage: 392 / 16 = 24.5 → 24 → 384.
        assert_eq!(adj(392, 1.0, 16), (384, 16));
        // RegNetX-1.6GF: 176 / 24 = 7.33 → 7 → 168.
        assert_eq!(adj(176, 1.0, 24), (168, 24));
        // RegNetY-800MF: 136 / 16 = 8.5 → 8 → 128; 776 / 16 = 48.5 → 48 → 768.
        assert_eq!(adj(136, 1.0, 16), (128, 16));
        assert_eq!(adj(776, 1.0, 16), (768, 16));
    }

    #[test]
    fn group_width_is_clamped_to_the_bottleneck_width() {
        // RegNetX-8.0GF stage 1: width 80 < group width 120 → one group of 80.
        assert_eq!(adj(80, 1.0, 120), (80, 80));
        // Bottleneck 0.25: v = 16, g = min(32, 16) = 16, w = 64.
        assert_eq!(adj(64, 0.25, 32), (64, 16));
    }

    #[test]
    fn integer_bottleneck_multiplier_uses_lcm() {
        // bot_mul 2: v = 2·52 = 104, g = 24, m = lcm(24, 2) = 24, round(104/24 = 4.33) = 4 → 96 → w = 48.
        assert_eq!(adj(52, 2.0, 24), (48, 24));
        // bot_mul 4, g = 6: v = 80, m = lcm(6, 4) = 12, round(6.67) = 7 → 84 → w = 21.
        assert_eq!(adj(20, 4.0, 6), (21, 6));
    }

    #[test]
    fn fractional_bottleneck_multiplier() {
        // bot_mul 0.5: v = 28, g = 8, round(3.5) = 4 (even) → 32 → w = 64.
        assert_eq!(adj(56, 0.5, 8), (64, 8));
        // v = 20, round(2.5) = 2 (even) → 16 → w = 32.
        assert_eq!(adj(40, 0.5, 8), (32, 8));
    }

    #[test]
    fn rejects_bad_input() {
        let e = adjust_block_compatibility(
            2,
            StageCompat {
                w: 64,
                bot_mul: 1.5,
                g: 8,
            },
        )
        .unwrap_err();
        assert_eq!(
            e,
            QuantizedError::InvalidBottleneckMultiplier {
                stage: 2,
                bot_mul: 1.5
            }
        );
        assert!(
            adjust_block_compatibility(
                0,
                StageCompat {
                    w: 64,
                    bot_mul: 1.0,
                    g: 0
                }
            )
            .is_err()
        );
        // 100 · 0.3 = 30 → g 8 → 32 → w = trunc(106.67) = 106 → 106 · 0.3 = 31.8, not a multiple of 8.
        assert!(matches!(
            adjust_block_compatibility(
                1,
                StageCompat {
                    w: 100,
                    bot_mul: 0.3,
                    g: 8
                }
            ),
            Err(QuantizedError::Incompatible { stage: 1, .. })
        ));
    }

    #[test]
    fn huge_bottleneck_multiplier_is_a_typed_error_not_an_overflow() {
        let e = adjust_block_compatibility(
            2,
            StageCompat {
                w: u32::MAX,
                bot_mul: 1e300,
                g: u32::MAX,
            },
        )
        .unwrap_err();
        assert!(matches!(
            e,
            QuantizedError::AboveLimit {
                field: "bot_mul",
                max: 64,
                ..
            }
        ));
        // The largest accepted multiplier on the largest width stays in range: v = 64·(2^32 − 1),
        // g = 2^32 − 1, m = lcm(g, 64) = v, so w comes back unchanged.
        let s = StageCompat {
            w: u32::MAX,
            bot_mul: MAX_BOT_MUL,
            g: u32::MAX,
        };
        assert_eq!(adjust_block_compatibility(0, s), Ok(s));
    }
}
