//! Parsing counts (`400M`, `4e8`, `0.4G`) and windows (`360M:400M`) for command lines and configs.

use super::Window;

/// Parses a count such as `400M`, `4e8`, `0.4G`, `360000000`, `2.5k` (suffixes k, M, G, T, any case;
/// a trailing `F` as in `400MF` is allowed). The result must be a non-negative integer.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let bad = |why: &str| format!("{why}: {text:?} (expected a count like 400M, 4e8 or 0.4G)");
    let t = text.trim();
    let t = t
        .strip_suffix(['F', 'f'])
        .filter(|s| s.ends_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or(t);
    let (num, mul) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
        Some('g' | 'G') => (&t[..t.len() - 1], 1e9),
        Some('t' | 'T') => (&t[..t.len() - 1], 1e12),
        _ => (t, 1.0),
    };
    if let Ok(v) = num.parse::<u64>()
        && mul == 1.0
    {
        return Ok(v);
    }
    let v: f64 = num.parse().map_err(|_| bad("not a number"))?;
    let v = v * mul;
    if !v.is_finite() || v < 0.0 || v > u64::MAX as f64 {
        return Err(bad("out of range"));
    }
    let r = v.round();
    if (v - r).abs() > 1e-6 * v.max(1.0) {
        return Err(bad("not an integer count"));
    }
    Ok(r as u64)
}

/// Parses a window `MIN:MAX` (either side may be empty for no bound).
pub fn parse_window(text: &str) -> Result<Window, String> {
    let (a, b) = text
        .split_once(':')
        .ok_or_else(|| format!("expected MIN:MAX (e.g. 360M:400M), got {text:?}"))?;
    let side = |s: &str| {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            parse_count(s).map(Some)
        }
    };
    let w = Window {
        min: side(a)?,
        max: side(b)?,
    };
    if let (Some(a), Some(b)) = (w.min, w.max)
        && a > b
    {
        return Err(format!("window {text:?} has MIN > MAX"));
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_suffixes_and_exponents() {
        for (t, v) in [
            ("400M", 400_000_000),
            ("4e8", 400_000_000),
            ("0.4G", 400_000_000),
            ("400MF", 400_000_000),
            ("360000000", 360_000_000),
            ("2.5k", 2500),
            ("1.2g", 1_200_000_000),
        ] {
            assert_eq!(parse_count(t).unwrap(), v, "{t}");
        }
        for t in ["abc", "-5M", "1.5", "4e8x", "", "M"] {
            let e = parse_count(t).unwrap_err().to_string();
            assert!(e.contains(&format!("{t:?}")), "{e}");
        }
    }

    #[test]
    fn windows_parse_with_open_sides() {
        assert_eq!(
            parse_window("360M:400M").unwrap(),
            Window::new(360_000_000, 400_000_000)
        );
        assert_eq!(
            parse_window(":5M").unwrap(),
            Window {
                min: None,
                max: Some(5_000_000)
            }
        );
        assert!(parse_window("5M").is_err());
        assert!(parse_window("5M:4M").is_err());
    }
}
