//! Training-mode BatchNorm2d with an optional residual add and ReLU, forward and backward, on
//! contiguous NCHW `f32` slices.
//!
//! Forward: one pass for the per-channel sums (f64 accumulators), one pass that writes
//! y = act(γ_c·(x − μ_c)/√(σ²_c + ε) + β_c [+ r]). Backward: one pass for the per-channel sums of
//! the (ReLU-masked) output gradient g and of g·x̂, one pass that writes
//! dx = γ_c/√(σ²_c + ε)·(g − Σg/M − x̂·Σ(g·x̂)/M) and the residual gradient g. Chunks of images run
//! on rayon's threads; partial sums are added in chunk order (bit-identical for any thread count).

use rayon::prelude::*;

use super::chunks;

/// Shape of a BatchNorm input: `[n, c, hw]` (the two spatial dims folded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BnShape {
    /// Batch size.
    pub n: usize,
    /// Channels.
    pub c: usize,
    /// Pixels per channel and image.
    pub hw: usize,
}

impl BnShape {
    fn len(&self) -> usize {
        self.n * self.c * self.hw
    }
    /// Elements per channel over the batch, M = n·h·w.
    pub fn count(&self) -> usize {
        self.n * self.hw
    }
}

/// What the forward pass returns besides y.
#[derive(Debug, Clone)]
pub struct BnStats {
    /// Batch mean μ_c.
    pub mean: Vec<f32>,
    /// Biased batch variance σ²_c.
    pub var: Vec<f32>,
    /// 1/√(σ²_c + ε).
    pub inv_std: Vec<f32>,
}

/// Lanes of the row sums: wide enough for 8 (AVX2) or 16 (AVX-512) f32 per instruction.
const LANES: usize = 16;

/// `(Σ f(v).0, Σ f(v).1)` over a row, accumulated in [`LANES`] f32 lanes (which the compiler
/// vectorises) and returned as f64. The rows are at most one feature map long, so f32 partial
/// sums lose nothing that matters at the 1e-4 level the kernels are held to.
#[inline(always)]
fn lane_sums(row: &[f32], f: impl Fn(f32) -> (f32, f32)) -> (f64, f64) {
    let (mut a, mut b) = ([0.0f32; LANES], [0.0f32; LANES]);
    let mut chunks = row.chunks_exact(LANES);
    for c in &mut chunks {
        for i in 0..LANES {
            let (da, db) = f(c[i]);
            a[i] += da;
            b[i] += db;
        }
    }
    let (mut sa, mut sb) = (0.0f64, 0.0f64);
    for i in 0..LANES {
        sa += a[i] as f64;
        sb += b[i] as f64;
    }
    for &v in chunks.remainder() {
        let (da, db) = f(v);
        sa += da as f64;
        sb += db as f64;
    }
    (sa, sb)
}

/// `(Σ g, Σ g·(x − μ))` over a row, with g = dy masked by y > 0 when `y` is given.
#[inline(always)]
fn grad_sums(dy: &[f32], x: &[f32], y: Option<&[f32]>, mu: f32) -> (f64, f64) {
    let (mut a, mut b) = ([0.0f32; LANES], [0.0f32; LANES]);
    let n = dy.len() / LANES * LANES;
    let (mut sa, mut sb) = (0.0f64, 0.0f64);
    match y {
        Some(y) => {
            for ((d, xv), yv) in dy[..n]
                .chunks_exact(LANES)
                .zip(x[..n].chunks_exact(LANES))
                .zip(y[..n].chunks_exact(LANES))
            {
                for i in 0..LANES {
                    let g = if yv[i] > 0.0 { d[i] } else { 0.0 };
                    a[i] += g;
                    b[i] += g * (xv[i] - mu);
                }
            }
            for i in n..dy.len() {
                let g = if y[i] > 0.0 { dy[i] } else { 0.0 };
                sa += g as f64;
                sb += (g * (x[i] - mu)) as f64;
            }
        }
        None => {
            for (d, xv) in dy[..n].chunks_exact(LANES).zip(x[..n].chunks_exact(LANES)) {
                for i in 0..LANES {
                    a[i] += d[i];
                    b[i] += d[i] * (xv[i] - mu);
                }
            }
            for i in n..dy.len() {
                sa += dy[i] as f64;
                sb += (dy[i] * (x[i] - mu)) as f64;
            }
        }
    }
    for i in 0..LANES {
        sa += a[i] as f64;
        sb += b[i] as f64;
    }
    (sa, sb)
}

/// Per-chunk sums over the `[n, c, hw]` layout: `f(row, channel) -> (a, b)` summed per channel.
fn channel_sums(
    s: &BnShape,
    f: impl Fn(usize, usize) -> (f64, f64) + Sync,
) -> (Vec<f64>, Vec<f64>) {
    let per = chunks::images_per_chunk(s.n);
    let parts: Vec<(Vec<f64>, Vec<f64>)> = (0..s.n.div_ceil(per))
        .into_par_iter()
        .map(|chunk| {
            let (mut a, mut b) = (vec![0.0f64; s.c], vec![0.0f64; s.c]);
            for img in chunk * per..((chunk + 1) * per).min(s.n) {
                for ch in 0..s.c {
                    let (da, db) = f(img * s.c + ch, ch);
                    a[ch] += da;
                    b[ch] += db;
                }
            }
            (a, b)
        })
        .collect();
    let (mut a, mut b) = (vec![0.0f64; s.c], vec![0.0f64; s.c]);
    for (pa, pb) in parts {
        a.iter_mut().zip(pa).for_each(|(t, v)| *t += v);
        b.iter_mut().zip(pb).for_each(|(t, v)| *t += v);
    }
    (a, b)
}

/// Forward in training mode. Returns y and the batch statistics.
pub fn batch_norm_forward(
    s: &BnShape,
    x: &[f32],
    gamma: &[f32],
    beta: &[f32],
    residual: Option<&[f32]>,
    eps: f64,
    relu: bool,
) -> (Vec<f32>, BnStats) {
    assert_eq!(x.len(), s.len());
    assert!(gamma.len() == s.c && beta.len() == s.c);
    assert!(residual.is_none_or(|r| r.len() == s.len()));
    let hw = s.hw;
    // Shifted sums (shift = the channel's first value) keep E[x²] − E[x]² accurate when |μ| ≫ σ.
    let shift: Vec<f64> = (0..s.c)
        .map(|ch| {
            if s.count() > 0 {
                x[ch * hw] as f64
            } else {
                0.0
            }
        })
        .collect();
    let (sum, sum_sq) = channel_sums(s, |row, ch| {
        let k = shift[ch] as f32;
        lane_sums(&x[row * hw..(row + 1) * hw], |v| {
            let d = v - k;
            (d, d * d)
        })
    });
    let m = s.count().max(1) as f64;
    let mut stats = BnStats {
        mean: vec![0.0; s.c],
        var: vec![0.0; s.c],
        inv_std: vec![0.0; s.c],
    };
    let mut scale = vec![0.0f32; s.c];
    let mut offset = vec![0.0f32; s.c];
    for ch in 0..s.c {
        let d_mean = sum[ch] / m;
        let var = (sum_sq[ch] / m - d_mean * d_mean).max(0.0);
        let mean = shift[ch] + d_mean;
        let inv_std = 1.0 / (var + eps).sqrt();
        stats.mean[ch] = mean as f32;
        stats.var[ch] = var as f32;
        stats.inv_std[ch] = inv_std as f32;
        scale[ch] = (gamma[ch] as f64 * inv_std) as f32;
        offset[ch] = (beta[ch] as f64 - mean * gamma[ch] as f64 * inv_std) as f32;
    }
    let mut y = vec![0.0f32; s.len()];
    if y.is_empty() {
        return (y, stats);
    }
    let per = chunks::images_per_chunk(s.n) * s.c * hw;
    y.par_chunks_mut(per).enumerate().for_each(|(chunk, y_c)| {
        let base = chunk * per;
        for (r, y_row) in y_c.chunks_mut(hw).enumerate() {
            let start = base + r * hw;
            let ch = (start / hw) % s.c;
            let (a, b) = (scale[ch], offset[ch]);
            let x_row = &x[start..start + hw];
            match residual {
                Some(res) => {
                    let r_row = &res[start..start + hw];
                    for ((o, &v), &rv) in y_row.iter_mut().zip(x_row).zip(r_row) {
                        let t = v * a + b + rv;
                        *o = if relu { t.max(0.0) } else { t };
                    }
                }
                None => {
                    for (o, &v) in y_row.iter_mut().zip(x_row) {
                        let t = v * a + b;
                        *o = if relu { t.max(0.0) } else { t };
                    }
                }
            }
        }
    });
    (y, stats)
}

/// The gradients of [`batch_norm_forward`].
#[derive(Debug, Clone)]
pub struct BnGrads {
    /// ∂L/∂x.
    pub dx: Vec<f32>,
    /// ∂L/∂γ.
    pub dgamma: Vec<f32>,
    /// ∂L/∂β.
    pub dbeta: Vec<f32>,
    /// ∂L/∂r of the residual input (when asked for).
    pub dresidual: Option<Vec<f32>>,
}

/// Backward in training mode. `y` is the forward output (read only when `relu`, for its mask).
#[allow(clippy::too_many_arguments)]
pub fn batch_norm_backward(
    s: &BnShape,
    x: &[f32],
    y: Option<&[f32]>,
    dy: &[f32],
    gamma: &[f32],
    mean: &[f32],
    inv_std: &[f32],
    relu: bool,
    need_residual: bool,
) -> BnGrads {
    assert_eq!(x.len(), s.len());
    assert_eq!(dy.len(), s.len());
    let hw = s.hw;
    let y = if relu {
        let y = y.expect("the ReLU mask needs the forward output");
        assert_eq!(y.len(), s.len());
        Some(y)
    } else {
        None
    };
    // Σ g and Σ g·(x − μ) per channel.
    let (sum_g, sum_gxc) = channel_sums(s, |row, ch| {
        let r = row * hw..(row + 1) * hw;
        grad_sums(&dy[r.clone()], &x[r.clone()], y.map(|y| &y[r]), mean[ch])
    });
    let m = s.count().max(1) as f64;
    let mut dgamma = vec![0.0f32; s.c];
    let mut dbeta = vec![0.0f32; s.c];
    let mut k = vec![0.0f32; s.c]; // γ/σ
    let mut a = vec![0.0f32; s.c]; // Σg/M
    let mut b = vec![0.0f32; s.c]; // Σ(g·x̂)/M · 1/σ, applied to (x − μ)
    for ch in 0..s.c {
        let is = inv_std[ch] as f64;
        let sum_gxhat = sum_gxc[ch] * is;
        dgamma[ch] = sum_gxhat as f32;
        dbeta[ch] = sum_g[ch] as f32;
        k[ch] = (gamma[ch] as f64 * is) as f32;
        a[ch] = (sum_g[ch] / m) as f32;
        b[ch] = (sum_gxhat / m * is) as f32;
    }
    let mut dx = vec![0.0f32; s.len()];
    let mut dres = if need_residual {
        vec![0.0f32; s.len()]
    } else {
        Vec::new()
    };
    if !dx.is_empty() {
        let per = chunks::images_per_chunk(s.n) * s.c * hw;
        let dres_chunks: Vec<Option<&mut [f32]>> = if need_residual {
            dres.chunks_mut(per).map(Some).collect()
        } else {
            (0..dx.len().div_ceil(per)).map(|_| None).collect()
        };
        dx.par_chunks_mut(per)
            .zip(dres_chunks)
            .enumerate()
            .for_each(|(chunk, (dx_c, mut dr_c))| {
                let base = chunk * per;
                for (r, dx_row) in dx_c.chunks_mut(hw).enumerate() {
                    let start = base + r * hw;
                    let ch = (start / hw) % s.c;
                    let (kc, ac, bc, mu) = (k[ch], a[ch], b[ch], mean[ch]);
                    let (dy_row, x_row) = (&dy[start..start + hw], &x[start..start + hw]);
                    match y {
                        Some(y) => {
                            let y_row = &y[start..start + hw];
                            for ((o, (&d, &xv)), &yv) in
                                dx_row.iter_mut().zip(dy_row.iter().zip(x_row)).zip(y_row)
                            {
                                let g = if yv > 0.0 { d } else { 0.0 };
                                *o = kc * (g - ac - (xv - mu) * bc);
                            }
                            if let Some(dr) = dr_c.as_deref_mut() {
                                for ((o, &d), &yv) in
                                    dr[r * hw..(r + 1) * hw].iter_mut().zip(dy_row).zip(y_row)
                                {
                                    *o = if yv > 0.0 { d } else { 0.0 };
                                }
                            }
                        }
                        None => {
                            for (o, (&d, &xv)) in dx_row.iter_mut().zip(dy_row.iter().zip(x_row)) {
                                *o = kc * (d - ac - (xv - mu) * bc);
                            }
                            if let Some(dr) = dr_c.as_deref_mut() {
                                dr[r * hw..(r + 1) * hw].copy_from_slice(dy_row);
                            }
                        }
                    }
                }
            });
    }
    BnGrads {
        dx,
        dgamma,
        dbeta,
        dresidual: need_residual.then_some(dres),
    }
}
