//! Training-mode BatchNorm2d with an optional residual add and ReLU, forward and backward, on
//! contiguous NCHW `f32` slices.
//!
//! Forward: one pass for the per-channel sums, one pass that writes
//! y = act(γ_c·(x − μ_c)/√(σ²_c + ε) + β_c [+ r]). Backward: one pass for the per-channel sums of
//! the (ReLU-masked) output gradient g and of g·(x − μ_c), one pass that writes
//! dx = γ_c/√(σ²_c + ε)·(g − Σg/M − x̂·Σ(g·x̂)/M) and the residual gradient g. Chunks of images run
//! on rayon's threads; partial sums are added in chunk order (bit-identical for any thread count).
//! The row loops are compiled for AVX-512, AVX2 and the baseline, chosen at run time.

use rayon::prelude::*;

use super::chunks;
use super::simd::multiversion;

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
    /// Elements per chunk of images.
    fn chunk_len(&self) -> usize {
        chunks::images_per_chunk(self.n) * self.c * self.hw
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

/// Lanes of the row sums: 16 f32 fill one AVX-512 register (two AVX2 ones).
const LANES: usize = 16;

/// `d` where the ReLU output `y` is positive, else 0, as a bit mask (no branch: the loops stay
/// vectorised).
#[inline(always)]
fn relu_mask(d: f32, y: f32) -> f32 {
    f32::from_bits(d.to_bits() & u32::from(y > 0.0).wrapping_neg())
}

/// Adds a row's `(Σ (v − k), Σ (v − k)²)` to `(a, b)`, in [`LANES`] f32 lanes the compiler
/// vectorises. Rows are at most one feature map long, so f32 partial sums lose nothing that
/// matters at the 1e-4 level the kernels are held to; channel totals are f64.
#[inline(always)]
fn shifted_sums(row: &[f32], k: f32) -> (f64, f64) {
    let (mut a, mut b) = ([0.0f32; LANES], [0.0f32; LANES]);
    let mut it = row.chunks_exact(LANES);
    for c in &mut it {
        for i in 0..LANES {
            let d = c[i] - k;
            a[i] += d;
            b[i] += d * d;
        }
    }
    let (mut sa, mut sb) = (0.0f64, 0.0f64);
    for &v in it.remainder() {
        let d = v - k;
        sa += d as f64;
        sb += (d * d) as f64;
    }
    for i in 0..LANES {
        sa += a[i] as f64;
        sb += b[i] as f64;
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
                    let g = relu_mask(d[i], yv[i]);
                    a[i] += g;
                    b[i] += g * (xv[i] - mu);
                }
            }
            for i in n..dy.len() {
                let g = relu_mask(dy[i], y[i]);
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

multiversion! {
    /// Per-channel shifted sums of the rows of one chunk (`x` starts at row `row0`).
    fn stats_rows(x: &[f32], hw: usize, c: usize, row0: usize, shift: &[f32], out: &mut [(f64, f64)]) {
        if hw == 1 && row0.is_multiple_of(c) {
            // 1×1 maps: each image is a row of c channels; vectorise across channels.
            let (mut a, mut b) = (vec![0.0f32; c], vec![0.0f32; c]);
            for img in x.chunks_exact(c) {
                for (((a, b), &v), &k) in a.iter_mut().zip(b.iter_mut()).zip(img).zip(shift) {
                    let d = v - k;
                    *a += d;
                    *b += d * d;
                }
            }
            for ((o, a), b) in out.iter_mut().zip(a).zip(b) {
                o.0 += a as f64;
                o.1 += b as f64;
            }
            return;
        }
        for (r, row) in x.chunks_exact(hw).enumerate() {
            let ch = (row0 + r) % c;
            let (a, b) = shifted_sums(row, shift[ch]);
            out[ch].0 += a;
            out[ch].1 += b;
        }
    }
}

multiversion! {
    /// y = act(x·scale_c + offset_c [+ r]) over the rows of one chunk.
    fn apply_rows(
        x: &[f32],
        residual: Option<&[f32]>,
        y: &mut [f32],
        hw: usize,
        c: usize,
        row0: usize,
        scale: &[f32],
        offset: &[f32],
        relu: bool,
    ) {
        if hw == 1 && row0.is_multiple_of(c) {
            // 1×1 maps: vectorise across channels.
            for (i, y_img) in y.chunks_exact_mut(c).enumerate() {
                let x_img = &x[i * c..(i + 1) * c];
                match residual {
                    Some(res) => {
                        let r_img = &res[i * c..(i + 1) * c];
                        for ((((o, &v), &rv), &a), &b) in
                            y_img.iter_mut().zip(x_img).zip(r_img).zip(scale).zip(offset)
                        {
                            let t = v * a + b + rv;
                            *o = if relu { t.max(0.0) } else { t };
                        }
                    }
                    None => {
                        for (((o, &v), &a), &b) in y_img.iter_mut().zip(x_img).zip(scale).zip(offset) {
                            let t = v * a + b;
                            *o = if relu { t.max(0.0) } else { t };
                        }
                    }
                }
            }
            return;
        }
        for (r, y_row) in y.chunks_exact_mut(hw).enumerate() {
            let ch = (row0 + r) % c;
            let (a, b) = (scale[ch], offset[ch]);
            let x_row = &x[r * hw..(r + 1) * hw];
            match (residual, relu) {
                (Some(res), true) => {
                    for ((o, &v), &rv) in y_row.iter_mut().zip(x_row).zip(&res[r * hw..(r + 1) * hw]) {
                        *o = (v * a + b + rv).max(0.0);
                    }
                }
                (Some(res), false) => {
                    for ((o, &v), &rv) in y_row.iter_mut().zip(x_row).zip(&res[r * hw..(r + 1) * hw]) {
                        *o = v * a + b + rv;
                    }
                }
                (None, true) => {
                    for (o, &v) in y_row.iter_mut().zip(x_row) {
                        *o = (v * a + b).max(0.0);
                    }
                }
                (None, false) => {
                    for (o, &v) in y_row.iter_mut().zip(x_row) {
                        *o = v * a + b;
                    }
                }
            }
        }
    }
}

multiversion! {
    /// Per-channel `(Σ g, Σ g·(x − μ))` of the rows of one chunk.
    fn grad_rows(
        dy: &[f32],
        x: &[f32],
        y: Option<&[f32]>,
        hw: usize,
        c: usize,
        row0: usize,
        mean: &[f32],
        out: &mut [(f64, f64)],
    ) {
        if hw == 1 && row0.is_multiple_of(c) {
            // 1×1 maps: vectorise across channels.
            let (mut a, mut b) = (vec![0.0f32; c], vec![0.0f32; c]);
            for i in 0..dy.len() / c {
                let span = i * c..(i + 1) * c;
                let (d_img, x_img) = (&dy[span.clone()], &x[span.clone()]);
                match y {
                    Some(y) => {
                        for (((((a, b), &d), &xv), &yv), &mu) in a
                            .iter_mut()
                            .zip(b.iter_mut())
                            .zip(d_img)
                            .zip(x_img)
                            .zip(&y[span.clone()])
                            .zip(mean)
                        {
                            let g = relu_mask(d, yv);
                            *a += g;
                            *b += g * (xv - mu);
                        }
                    }
                    None => {
                        for ((((a, b), &d), &xv), &mu) in
                            a.iter_mut().zip(b.iter_mut()).zip(d_img).zip(x_img).zip(mean)
                        {
                            *a += d;
                            *b += d * (xv - mu);
                        }
                    }
                }
            }
            for ((o, a), b) in out.iter_mut().zip(a).zip(b) {
                o.0 += a as f64;
                o.1 += b as f64;
            }
            return;
        }
        for r in 0..dy.len() / hw {
            let ch = (row0 + r) % c;
            let span = r * hw..(r + 1) * hw;
            let (a, b) = grad_sums(&dy[span.clone()], &x[span.clone()], y.map(|y| &y[span]), mean[ch]);
            out[ch].0 += a;
            out[ch].1 += b;
        }
    }
}

multiversion! {
    /// dx = k_c·(g − a_c − (x − μ_c)·b_c) and, when asked, dr = g, over the rows of one chunk.
    fn dx_rows(
        dy: &[f32],
        x: &[f32],
        y: Option<&[f32]>,
        dx: &mut [f32],
        dres: Option<&mut [f32]>,
        hw: usize,
        c: usize,
        row0: usize,
        coef: &[[f32; 4]],
    ) {
        let mut dres = dres;
        if hw == 1 && row0.is_multiple_of(c) {
            // 1×1 maps: vectorise across channels (coefficients as separate arrays).
            let k: Vec<f32> = coef.iter().map(|v| v[0]).collect();
            let a: Vec<f32> = coef.iter().map(|v| v[1]).collect();
            let b: Vec<f32> = coef.iter().map(|v| v[2]).collect();
            let mu: Vec<f32> = coef.iter().map(|v| v[3]).collect();
            for (i, dx_img) in dx.chunks_exact_mut(c).enumerate() {
                let span = i * c..(i + 1) * c;
                let (d_img, x_img) = (&dy[span.clone()], &x[span.clone()]);
                let y_img = y.map(|y| &y[span.clone()]);
                for j in 0..c {
                    let g = match y_img {
                        Some(y) => relu_mask(d_img[j], y[j]),
                        None => d_img[j],
                    };
                    dx_img[j] = k[j] * (g - a[j] - (x_img[j] - mu[j]) * b[j]);
                }
                if let Some(dr) = dres.as_deref_mut() {
                    let dr = &mut dr[span];
                    match y_img {
                        Some(y) => {
                            for ((o, &d), &yv) in dr.iter_mut().zip(d_img).zip(y) {
                                *o = relu_mask(d, yv);
                            }
                        }
                        None => dr.copy_from_slice(d_img),
                    }
                }
            }
            return;
        }
        for (r, dx_row) in dx.chunks_exact_mut(hw).enumerate() {
            let [k, a, b, mu] = coef[(row0 + r) % c];
            let span = r * hw..(r + 1) * hw;
            let (dy_row, x_row) = (&dy[span.clone()], &x[span.clone()]);
            match y {
                Some(y) => {
                    let y_row = &y[span.clone()];
                    for ((o, (&d, &xv)), &yv) in dx_row.iter_mut().zip(dy_row.iter().zip(x_row)).zip(y_row) {
                        let g = relu_mask(d, yv);
                        *o = k * (g - a - (xv - mu) * b);
                    }
                    if let Some(dr) = dres.as_deref_mut() {
                        for ((o, &d), &yv) in dr[span].iter_mut().zip(dy_row).zip(y_row) {
                            *o = relu_mask(d, yv);
                        }
                    }
                }
                None => {
                    for (o, (&d, &xv)) in dx_row.iter_mut().zip(dy_row.iter().zip(x_row)) {
                        *o = k * (d - a - (xv - mu) * b);
                    }
                    if let Some(dr) = dres.as_deref_mut() {
                        dr[span].copy_from_slice(dy_row);
                    }
                }
            }
        }
    }
}

/// Per-channel sums over all chunks: `f(chunk_range, row0, partial)` fills one chunk's partial
/// sums; partials are added in chunk order.
fn channel_sums(
    s: &BnShape,
    f: impl Fn(std::ops::Range<usize>, usize, &mut [(f64, f64)]) + Sync,
) -> Vec<(f64, f64)> {
    let per = s.chunk_len();
    let n_chunks = s.len().div_ceil(per.max(1));
    let parts: Vec<Vec<(f64, f64)>> = (0..n_chunks)
        .into_par_iter()
        .map(|i| {
            let mut part = vec![(0.0, 0.0); s.c];
            let range = i * per..((i + 1) * per).min(s.len());
            f(range, i * per / s.hw.max(1), &mut part);
            part
        })
        .collect();
    let mut total = vec![(0.0f64, 0.0f64); s.c];
    for part in parts {
        for (t, p) in total.iter_mut().zip(part) {
            t.0 += p.0;
            t.1 += p.1;
        }
    }
    total
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
    let mut stats = BnStats {
        mean: vec![0.0; s.c],
        var: vec![0.0; s.c],
        inv_std: vec![0.0; s.c],
    };
    let mut y = vec![0.0f32; s.len()];
    if y.is_empty() {
        return (y, stats);
    }
    // Shifted sums (shift = the channel's first value) keep E[x²] − E[x]² accurate when |μ| ≫ σ.
    let shift: Vec<f32> = (0..s.c).map(|ch| x[ch * hw]).collect();
    let sums = channel_sums(s, |range, row0, part| {
        stats_rows(&x[range], hw, s.c, row0, &shift, part)
    });
    let m = s.count() as f64;
    let mut scale = vec![0.0f32; s.c];
    let mut offset = vec![0.0f32; s.c];
    for ch in 0..s.c {
        let d_mean = sums[ch].0 / m;
        let var = (sums[ch].1 / m - d_mean * d_mean).max(0.0);
        let mean = shift[ch] as f64 + d_mean;
        let inv_std = 1.0 / (var + eps).sqrt();
        stats.mean[ch] = mean as f32;
        stats.var[ch] = var as f32;
        stats.inv_std[ch] = inv_std as f32;
        scale[ch] = (gamma[ch] as f64 * inv_std) as f32;
        offset[ch] = (beta[ch] as f64 - mean * gamma[ch] as f64 * inv_std) as f32;
    }
    let per = s.chunk_len();
    y.par_chunks_mut(per).enumerate().for_each(|(i, y_c)| {
        let range = i * per..i * per + y_c.len();
        apply_rows(
            &x[range.clone()],
            residual.map(|r| &r[range]),
            y_c,
            hw,
            s.c,
            i * per / hw,
            &scale,
            &offset,
            relu,
        );
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
    assert!(gamma.len() == s.c && mean.len() == s.c && inv_std.len() == s.c);
    let hw = s.hw;
    let y = if relu {
        let y = y.expect("the ReLU mask needs the forward output");
        assert_eq!(y.len(), s.len());
        Some(y)
    } else {
        None
    };
    let mut dx = vec![0.0f32; s.len()];
    let mut dres = if need_residual {
        vec![0.0f32; s.len()]
    } else {
        Vec::new()
    };
    let (mut dgamma, mut dbeta) = (vec![0.0f32; s.c], vec![0.0f32; s.c]);
    if dx.is_empty() {
        return BnGrads {
            dx,
            dgamma,
            dbeta,
            dresidual: need_residual.then_some(dres),
        };
    }
    // Σ g and Σ g·(x − μ) per channel.
    let sums = channel_sums(s, |range, row0, part| {
        grad_rows(
            &dy[range.clone()],
            &x[range.clone()],
            y.map(|y| &y[range]),
            hw,
            s.c,
            row0,
            mean,
            part,
        )
    });
    let m = s.count() as f64;
    // Per channel: k = γ/σ, a = Σg/M, b = Σ(g·x̂)/M · 1/σ (applied to x − μ), μ.
    let mut coef = vec![[0.0f32; 4]; s.c];
    for ch in 0..s.c {
        let is = inv_std[ch] as f64;
        let sum_gxhat = sums[ch].1 * is;
        dgamma[ch] = sum_gxhat as f32;
        dbeta[ch] = sums[ch].0 as f32;
        coef[ch] = [
            (gamma[ch] as f64 * is) as f32,
            (sums[ch].0 / m) as f32,
            (sum_gxhat / m * is) as f32,
            mean[ch],
        ];
    }
    let per = s.chunk_len();
    let dres_chunks: Vec<Option<&mut [f32]>> = if need_residual {
        dres.chunks_mut(per).map(Some).collect()
    } else {
        (0..dx.len().div_ceil(per)).map(|_| None).collect()
    };
    dx.par_chunks_mut(per)
        .zip(dres_chunks)
        .enumerate()
        .for_each(|(i, (dx_c, dr_c))| {
            let range = i * per..i * per + dx_c.len();
            dx_rows(
                &dy[range.clone()],
                &x[range.clone()],
                y.map(|y| &y[range]),
                dx_c,
                dr_c,
                hw,
                s.c,
                i * per / hw,
                &coef,
            );
        });
    BnGrads {
        dx,
        dgamma,
        dbeta,
        dresidual: need_residual.then_some(dres),
    }
}
