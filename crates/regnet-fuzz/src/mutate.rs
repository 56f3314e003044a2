//! Mutations of text (configs, specs, JSON lines) and of binary files (IDX, CIFAR, images,
//! checkpoints).

use crate::rng::Rng;

/// Values that sit on or beyond the documented limits, or are not numbers at all.
pub const EDGE_VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3",
    "7",
    "8",
    "0.5",
    "1.5",
    "1e300",
    "-1e300",
    "1e-300",
    "NaN",
    ".nan",
    ".inf",
    "-.inf",
    "inf",
    "255",
    "256",
    "4095",
    "4096",
    "4097",
    "65535",
    "65536",
    "65537",
    "1048576",
    "1048577",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "1000000000000",
    "-0",
    "00012",
    "0x10",
    "1_000",
    "\"\"",
    "\"8\"",
    "null",
    "true",
    "[]",
    "{}",
    "[1, 2]",
    "abc",
    "é",
    "\u{1b}[31m",
];

/// Tokens inserted into text at random places.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\n",
    "- ",
    "  ",
    "&a ",
    "*a",
    "!!binary ",
    "#",
    "'",
    "\\",
    "\t",
    "\u{0}",
    "%",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    "<<: *a\n",
];

/// A random number token of `text` replaced by an edge value, or a random mutation of the text.
pub fn text(rng: &mut Rng, text: &str) -> String {
    let mut s = text.to_string();
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        s = match rng.below(7) {
            0..=2 => replace_number(rng, &s),
            3 => {
                let token = rng_token(rng);
                insert(rng, &s, token)
            }
            4 => delete_span(rng, &s),
            5 => duplicate_span(rng, &s),
            _ => replace_word(rng, &s),
        };
    }
    s
}

fn rng_token(rng: &mut Rng) -> &'static str {
    if rng.chance(0.5) {
        rng.pick::<&str>(TOKENS)
    } else {
        rng.pick::<&str>(EDGE_VALUES)
    }
}

/// Char boundaries of `s` (positions where a mutation may cut).
fn cut(rng: &mut Rng, s: &str) -> usize {
    let mut i = rng.below(s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn insert(rng: &mut Rng, s: &str, token: &str) -> String {
    let i = cut(rng, s);
    format!("{}{token}{}", &s[..i], &s[i..])
}

fn delete_span(rng: &mut Rng, s: &str) -> String {
    let a = cut(rng, s);
    let b = cut(rng, s);
    let (a, b) = (a.min(b), a.max(b));
    let b = a + (b - a).min(1 + rng.below(40));
    let mut b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    format!("{}{}", &s[..a], &s[b..])
}

fn duplicate_span(rng: &mut Rng, s: &str) -> String {
    let a = cut(rng, s);
    let b = cut(rng, s);
    let (a, b) = (a.min(b), a.max(b));
    let times = if rng.chance(0.1) { 50 } else { 2 };
    format!("{}{}{}", &s[..a], s[a..b].repeat(times), &s[b..])
}

/// Spans of ASCII digits (with sign, dot and exponent).
fn numbers(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.' || b[j] == b'e') {
                j += 1;
            }
            out.push((start, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn replace_number(rng: &mut Rng, s: &str) -> String {
    let spans = numbers(s);
    if spans.is_empty() {
        let token = *rng.pick(EDGE_VALUES);
        return insert(rng, s, token);
    }
    let (a, b) = *rng.pick(&spans);
    let token = *rng.pick(EDGE_VALUES);
    format!("{}{token}{}", &s[..a], &s[b..])
}

/// Replaces a word (letters and underscores) by another word of the text or a stray name.
fn replace_word(rng: &mut Rng, s: &str) -> String {
    let words: Vec<(usize, usize)> = {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_alphabetic() || b[i] == b'_' {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                out.push((i, j));
                i = j;
            } else {
                i += 1;
            }
        }
        out
    };
    if words.len() < 2 {
        return s.to_string();
    }
    let (a, b) = *rng.pick(&words);
    let (c, d) = *rng.pick(&words);
    let other = if rng.chance(0.3) {
        rng.pick(&[
            "x",
            "anynet",
            "regnet",
            "res_bottleneck_block",
            "simple_stem_in",
            "NONE",
        ])
        .to_string()
    } else {
        s[c..d].to_string()
    };
    format!("{}{other}{}", &s[..a], &s[b..])
}

/// A random mutation of binary data: flipped bytes, a rewritten big-endian header word, truncation,
/// appended bytes or a duplicated span.
pub fn bytes(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        match rng.below(6) {
            0 if !d.is_empty() => {
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(d.len());
                    d[i] ^= 1 << rng.below(8);
                }
            }
            1 if d.len() >= 4 => {
                let word = rng.below(d.len().min(32) / 4) * 4;
                let v: u32 = *rng.pick(&[
                    0,
                    1,
                    3,
                    0x7f,
                    0xff,
                    0x803,
                    0x801,
                    0x10000,
                    0x7fff_ffff,
                    0x8000_0000,
                    0xffff_ffff,
                    60_000,
                    28,
                ]);
                d[word..word + 4].copy_from_slice(&v.to_be_bytes());
            }
            2 => {
                let n = rng.below(d.len() + 1);
                d.truncate(n);
            }
            3 => {
                let n = 1 + rng.below(64);
                d.extend((0..n).map(|_| rng.next() as u8));
            }
            4 if !d.is_empty() => {
                let a = rng.below(d.len());
                let b = (a + 1 + rng.below(256)).min(d.len());
                let span = d[a..b].to_vec();
                d.splice(a..a, span);
            }
            _ => {
                if !d.is_empty() {
                    let i = rng.below(d.len());
                    d[i] = rng.next() as u8;
                }
            }
        }
    }
    d
}
