//! Portable, stateless randomness keyed by `(seed, epoch, sample index)`.
//!
//! Every random draw of the loader comes from a [`ChaCha8Rng`] whose 32-byte key is built from
//! little-endian `seed`, `epoch`, `index` and a domain tag. The shuffled order uses
//! [`shuffle_rng`]`(seed, epoch)`; the augmentation of a sample uses
//! [`sample_rng`]`(seed, epoch, index)` where `index` is the sample's position **in the
//! dataset** (not in the batch). Results therefore depend neither on the number of worker
//! threads nor on the batch size, and are identical on every platform.
//!
//! The scalar helpers ([`uniform`], [`below`], [`normal`]) are defined here from raw `u64`
//! draws rather than taken from `rand`'s distributions, so their values are pinned by this
//! crate and cannot change with a dependency upgrade.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator handed to transforms.
pub type SampleRng = ChaCha8Rng;

const SAMPLE_TAG: u64 = u64::from_le_bytes(*b"rgnt-smp");
const SHUFFLE_TAG: u64 = u64::from_le_bytes(*b"rgnt-shf");

fn keyed(seed: u64, epoch: u64, index: u64, tag: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[0..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&epoch.to_le_bytes());
    key[16..24].copy_from_slice(&index.to_le_bytes());
    key[24..32].copy_from_slice(&tag.to_le_bytes());
    ChaCha8Rng::from_seed(key)
}

/// The generator for the augmentation of dataset sample `index` in `epoch`.
pub fn sample_rng(seed: u64, epoch: u64, index: u64) -> SampleRng {
    keyed(seed, epoch, index, SAMPLE_TAG)
}

/// The generator for the shuffled order of `epoch`.
pub fn shuffle_rng(seed: u64, epoch: u64) -> SampleRng {
    keyed(seed, epoch, 0, SHUFFLE_TAG)
}

/// A uniform draw in `[0, 1)` with 53 random bits (like `numpy.random.uniform()`).
pub fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform draw in `[lo, hi)`.
pub fn uniform_in<R: Rng + ?Sized>(rng: &mut R, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * uniform(rng)
}

/// A uniform integer in `0..n` (`n > 0`; returns 0 for `n == 0`), by 128-bit widening
/// multiplication (bias below 2⁻⁶⁴·n, irrelevant here).
pub fn below<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// A standard normal draw (Box–Muller, cosine branch; two uniforms per draw).
pub fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1 = 1.0 - uniform(rng); // (0, 1]
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The order in which `epoch` visits a dataset of `n` samples: a Fisher–Yates shuffle of
/// `0..n` driven by [`shuffle_rng`]`(seed, epoch)`.
///
/// ```
/// let a = regnet_data::rng::permutation(10, 7, 0);
/// let mut sorted = a.clone();
/// sorted.sort();
/// assert_eq!(sorted, (0..10).collect::<Vec<_>>());
/// assert_eq!(a, regnet_data::rng::permutation(10, 7, 0));
/// assert_ne!(a, regnet_data::rng::permutation(10, 7, 1));
/// ```
pub fn permutation(n: usize, seed: u64, epoch: u64) -> Vec<usize> {
    let mut rng = shuffle_rng(seed, epoch);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = below(&mut rng, i + 1);
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_key_and_repeat() {
        let a = sample_rng(1, 2, 3).next_u64();
        assert_eq!(a, sample_rng(1, 2, 3).next_u64());
        assert_ne!(a, sample_rng(1, 2, 4).next_u64());
        assert_ne!(a, sample_rng(1, 3, 3).next_u64());
        assert_ne!(a, sample_rng(2, 2, 3).next_u64());
        assert_ne!(shuffle_rng(1, 2).next_u64(), sample_rng(1, 2, 0).next_u64());
    }

    #[test]
    fn scalar_draws_have_the_right_moments() {
        let mut rng = sample_rng(0, 0, 0);
        let n = 20_000;
        let (mut s, mut s2, mut u_min, mut u_max) = (0.0, 0.0, 1.0f64, 0.0f64);
        for _ in 0..n {
            let u = uniform(&mut rng);
            u_min = u_min.min(u);
            u_max = u_max.max(u);
            let z = normal(&mut rng);
            s += z;
            s2 += z * z;
            assert!(below(&mut rng, 7) < 7);
        }
        assert!(u_min >= 0.0 && u_max < 1.0);
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
        assert_eq!(below(&mut rng, 0), 0);
    }
}
