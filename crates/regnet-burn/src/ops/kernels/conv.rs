//! 2-D convolution forward and backward on contiguous NCHW `f32` slices.
//!
//! Every pass is batch-folded per group: the images of a chunk are unfolded into one column
//! matrix per group (`im2col`, K_g = c_in/G·k_h·k_w rows, one column per output pixel of every
//! image of the chunk), so each group needs one GEMM per chunk instead of one per image and pixel
//! tile. Chunks of images run on rayon's threads; the weight gradient of each chunk is summed in
//! chunk order, so results are bit-identical whatever the number of threads.

use rayon::prelude::*;

use super::chunks;
use super::gemm::{Mat, sgemm};
use super::scratch::with_scratch;
use super::simd::multiversion;

/// The shapes of one convolution: input `[n, c_in, h, w]`, weight `[c_out, c_in/groups, kh, kw]`,
/// output `[n, c_out, h_out, w_out]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeometry {
    /// Batch size.
    pub n: usize,
    /// Input channels.
    pub c_in: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Output channels.
    pub c_out: usize,
    /// Kernel height.
    pub kh: usize,
    /// Kernel width.
    pub kw: usize,
    /// Stride (height, width).
    pub stride: [usize; 2],
    /// Zero padding on each side (height, width).
    pub padding: [usize; 2],
    /// Dilation (height, width).
    pub dilation: [usize; 2],
    /// Groups.
    pub groups: usize,
    /// Output height.
    pub h_out: usize,
    /// Output width.
    pub w_out: usize,
}

impl ConvGeometry {
    /// The geometry of `x [n, c_in, h, w]` convolved with `weight [c_out, c_in/groups, kh, kw]`,
    /// or `None` when the shapes do not fit together (the caller falls back to burn's op, which
    /// reports the error).
    pub fn new(
        x: [usize; 4],
        weight: [usize; 4],
        stride: [usize; 2],
        padding: [usize; 2],
        dilation: [usize; 2],
        groups: usize,
    ) -> Option<Self> {
        let [n, c_in, h, w] = x;
        let [c_out, cig, kh, kw] = weight;
        if groups == 0
            || c_in != cig * groups
            || c_out % groups != 0
            || stride.contains(&0)
            || dilation.contains(&0)
        {
            return None;
        }
        let out = |size: usize, k: usize, i: usize| {
            let span = dilation[i] * (k.checked_sub(1)?) + 1;
            (size + 2 * padding[i])
                .checked_sub(span)
                .map(|r| r / stride[i] + 1)
        };
        Some(Self {
            n,
            c_in,
            h,
            w,
            c_out,
            kh,
            kw,
            stride,
            padding,
            dilation,
            groups,
            h_out: out(h, kh, 0)?,
            w_out: out(w, kw, 1)?,
        })
    }

    fn cig(&self) -> usize {
        self.c_in / self.groups
    }
    fn cog(&self) -> usize {
        self.c_out / self.groups
    }
    /// Rows of a group's column matrix: c_in/G · kh · kw.
    fn kg(&self) -> usize {
        self.cig() * self.kh * self.kw
    }
    fn hw_in(&self) -> usize {
        self.h * self.w
    }
    fn hw_out(&self) -> usize {
        self.h_out * self.w_out
    }
    /// Output elements.
    pub fn out_len(&self) -> usize {
        self.n * self.c_out * self.hw_out()
    }
    /// Input elements.
    pub fn in_len(&self) -> usize {
        self.n * self.c_in * self.hw_in()
    }
    /// Weight elements.
    pub fn weight_len(&self) -> usize {
        self.c_out * self.kg()
    }
}

/// Output positions `o` in `[lo, hi)` whose input index `o·s + off` lies in `[0, size)`.
fn valid_range(off: isize, s: usize, size: usize, n_out: usize) -> (usize, usize) {
    let s = s as isize;
    let lo = if off >= 0 { 0 } else { ((-off) + s - 1) / s };
    let room = size as isize - off;
    let hi = if room <= 0 { 0 } else { (room + s - 1) / s };
    let hi = (hi as usize).min(n_out);
    ((lo as usize).min(hi), hi)
}

/// One kernel tap (ci, ky, kx) of a group: its row of the column matrix, its input channel, and
/// which output rows and columns read inside the input (`o·s + off` in `[0, size)`).
struct Tap {
    row: usize,
    c: usize,
    off_y: isize,
    oy: (usize, usize),
    off_x: isize,
    ox: (usize, usize),
}

/// The taps of group `g`, in column-matrix row order (ci, ky, kx); what `im2col` and `col2im`
/// both walk.
fn taps(geo: &ConvGeometry, g: usize) -> impl Iterator<Item = Tap> + '_ {
    let [sh, sw] = geo.stride;
    let [ph, pw] = geo.padding;
    let [dh, dw] = geo.dilation;
    (0..geo.cig()).flat_map(move |ci| {
        (0..geo.kh).flat_map(move |ky| {
            let off_y = (ky * dh) as isize - ph as isize;
            let oy = valid_range(off_y, sh, geo.h, geo.h_out);
            (0..geo.kw).map(move |kx| {
                let off_x = (kx * dw) as isize - pw as isize;
                Tap {
                    row: (ci * geo.kh + ky) * geo.kw + kx,
                    c: g * geo.cig() + ci,
                    off_y,
                    oy,
                    off_x,
                    ox: valid_range(off_x, sw, geo.w, geo.w_out),
                }
            })
        })
    })
}

multiversion! {
/// Unfolds group `g` of images `n0..n0+nc` into `col` (`kg` rows of `nc·hw_out` columns).
fn im2col(geo: &ConvGeometry, x: &[f32], n0: usize, nc: usize, g: usize, col: &mut [f32]) {
    let (hwo, p_len) = (geo.hw_out(), nc * geo.hw_out());
    let [sh, sw] = geo.stride;
    for t in taps(geo, g) {
        let ((oy_lo, oy_hi), (ox_lo, ox_hi)) = (t.oy, t.ox);
        let dst_row = &mut col[t.row * p_len..(t.row + 1) * p_len];
        for i in 0..nc {
            let src_img = &x[((n0 + i) * geo.c_in + t.c) * geo.hw_in()..][..geo.hw_in()];
            let dst_img = &mut dst_row[i * hwo..(i + 1) * hwo];
            for oy in 0..geo.h_out {
                let dst = &mut dst_img[oy * geo.w_out..(oy + 1) * geo.w_out];
                if oy < oy_lo || oy >= oy_hi {
                    dst.fill(0.0);
                    continue;
                }
                let iy = (oy * sh) as isize + t.off_y;
                let src = &src_img[iy as usize * geo.w..][..geo.w];
                dst[..ox_lo].fill(0.0);
                dst[ox_hi..].fill(0.0);
                if sw == 1 {
                    let start = (ox_lo as isize + t.off_x) as usize;
                    dst[ox_lo..ox_hi].copy_from_slice(&src[start..start + ox_hi - ox_lo]);
                } else {
                    for (ox, d) in dst.iter_mut().enumerate().take(ox_hi).skip(ox_lo) {
                        *d = src[((ox * sw) as isize + t.off_x) as usize];
                    }
                }
            }
        }
    }
}
}

multiversion! {
/// Folds `col` (layout of [`im2col`]) back onto group `g` of the chunk's input gradient `dx`
/// (whose first image is image `n0`), adding overlapping taps.
fn col2im(geo: &ConvGeometry, col: &[f32], nc: usize, g: usize, dx: &mut [f32]) {
    let (hwo, p_len) = (geo.hw_out(), nc * geo.hw_out());
    let [sh, sw] = geo.stride;
    for t in taps(geo, g) {
        let ((oy_lo, oy_hi), (ox_lo, ox_hi)) = (t.oy, t.ox);
        let src_row = &col[t.row * p_len..(t.row + 1) * p_len];
        for i in 0..nc {
            let dst_img = &mut dx[(i * geo.c_in + t.c) * geo.hw_in()..][..geo.hw_in()];
            let src_img = &src_row[i * hwo..(i + 1) * hwo];
            for oy in oy_lo..oy_hi {
                let iy = (oy * sh) as isize + t.off_y;
                let dst = &mut dst_img[iy as usize * geo.w..][..geo.w];
                let src = &src_img[oy * geo.w_out..(oy + 1) * geo.w_out];
                if sw == 1 {
                    let start = (ox_lo as isize + t.off_x) as usize;
                    for (d, s) in dst[start..start + ox_hi - ox_lo]
                        .iter_mut()
                        .zip(&src[ox_lo..ox_hi])
                    {
                        *d += s;
                    }
                } else {
                    for (ox, s) in src.iter().enumerate().take(ox_hi).skip(ox_lo) {
                        dst[((ox * sw) as isize + t.off_x) as usize] += s;
                    }
                }
            }
        }
    }
}
}

/// For 1×1 input and output maps: the offset (ky·kw + kx) of the only kernel tap that reads the
/// input, if one does. The convolution is then a 1×1 convolution with that tap's weights (a
/// 3×3 "same" conv on the 1×1 maps of a RegNet's last stage at 32×32 reads only its centre).
fn single_tap(geo: &ConvGeometry) -> Option<usize> {
    if (geo.h, geo.w, geo.h_out, geo.w_out) != (1, 1, 1, 1) {
        return None;
    }
    let [ph, pw] = geo.padding;
    let [dh, dw] = geo.dilation;
    if ph % dh != 0 || pw % dw != 0 {
        return None;
    }
    let (ky, kx) = (ph / dh, pw / dw);
    (ky < geo.kh && kx < geo.kw).then_some(ky * geo.kw + kx)
}

/// The weights of one tap for `rows` output channels of a group: `[rows × cig]`, starting at
/// `o·kg + tap` of the weight for the first output channel o.
fn tap_view(geo: &ConvGeometry, rows: usize) -> Mat {
    Mat {
        rows,
        cols: geo.cig(),
        rs: geo.kg(),
        cs: geo.kh * geo.kw,
    }
}

/// From this many output pixels per image on, a 1×1 convolution runs one GEMM per image on the
/// tensors themselves; below it, the images of a chunk are gathered into one wider GEMM.
const PER_IMAGE_MIN_PIXELS: usize = 64;

/// Whether the column matrix of one image is the input itself (1×1, stride 1, no padding).
fn is_pointwise(geo: &ConvGeometry) -> bool {
    geo.kh == 1 && geo.kw == 1 && geo.stride == [1, 1] && geo.padding == [0, 0]
}

/// Forward: `out[n, o, ·] = bias[o] + Σ weight[o, ·] ⋆ x[n, group(o), ·]`.
pub fn conv2d_forward(
    geo: &ConvGeometry,
    x: &[f32],
    weight: &[f32],
    bias: Option<&[f32]>,
) -> Vec<f32> {
    assert_eq!(x.len(), geo.in_len());
    assert_eq!(weight.len(), geo.weight_len());
    let (hwo, kg, cog) = (geo.hw_out(), geo.kg(), geo.cog());
    let mut out = vec![0.0f32; geo.out_len()];
    if out.is_empty() {
        return out;
    }
    let per = chunks::images_per_chunk(geo.n);
    let img_out = geo.c_out * hwo;
    out.par_chunks_mut(per * img_out)
        .enumerate()
        .for_each(|(chunk, out_c)| {
            let n0 = chunk * per;
            let nc = out_c.len() / img_out;
            let p_len = nc * hwo;
            let (cig, c_in, c_out) = (geo.cig(), geo.c_in, geo.c_out);
            if let Some(tap) = single_tap(geo) {
                // 1×1 maps: x and out are [n, c] matrices, read and written in place.
                for g in 0..geo.groups {
                    sgemm(
                        &mut out_c[g * cog..],
                        Mat::row_major(nc, c_out, c_out).t().rows_cols(cog, nc),
                        false,
                        &weight[g * cog * kg + tap..],
                        tap_view(geo, cog),
                        &x[n0 * c_in + g * cig..],
                        Mat::row_major(nc, c_in, c_in).t().rows_cols(cig, nc),
                    );
                }
            } else if is_pointwise(geo) && (nc == 1 || hwo >= PER_IMAGE_MIN_PIXELS) {
                // Large maps: one GEMM per image, on the input rows and into the output rows.
                for i in 0..nc {
                    for g in 0..geo.groups {
                        sgemm(
                            &mut out_c[(i * c_out + g * cog) * hwo..],
                            Mat::row_major(cog, hwo, hwo),
                            false,
                            &weight[g * cog * kg..],
                            Mat::row_major(cog, kg, kg),
                            &x[((n0 + i) * c_in + g * cig) * hwo..],
                            Mat::row_major(kg, hwo, hwo),
                        );
                    }
                }
            } else {
                with_scratch((kg + cog) * p_len, |buf| {
                    let (col, tmp) = buf.split_at_mut(kg * p_len);
                    for g in 0..geo.groups {
                        im2col(geo, x, n0, nc, g, col);
                        sgemm(
                            tmp,
                            Mat::row_major(cog, p_len, p_len),
                            false,
                            &weight[g * cog * kg..],
                            Mat::row_major(cog, kg, kg),
                            col,
                            Mat::row_major(kg, p_len, p_len),
                        );
                        for co in 0..cog {
                            for i in 0..nc {
                                let o = g * cog + co;
                                out_c[(i * geo.c_out + o) * hwo..][..hwo]
                                    .copy_from_slice(&tmp[co * p_len + i * hwo..][..hwo]);
                            }
                        }
                    }
                });
            }
            if let Some(bias) = bias {
                for (row, o) in out_c.chunks_mut(hwo).zip((0..geo.c_out).cycle()) {
                    row.iter_mut().for_each(|v| *v += bias[o]);
                }
            }
        });
    out
}

/// Backward: the input gradient (when `need_dx`) and the weight gradient (when `need_dw`) of
/// [`conv2d_forward`] for the output gradient `dy`.
pub fn conv2d_backward(
    geo: &ConvGeometry,
    x: &[f32],
    weight: &[f32],
    dy: &[f32],
    need_dx: bool,
    need_dw: bool,
) -> (Option<Vec<f32>>, Option<Vec<f32>>) {
    assert_eq!(x.len(), geo.in_len());
    assert_eq!(weight.len(), geo.weight_len());
    assert_eq!(dy.len(), geo.out_len());
    let (hwo, kg, cog) = (geo.hw_out(), geo.kg(), geo.cog());
    let per = chunks::images_per_chunk(geo.n);
    let n_chunks = geo.n.div_ceil(per);
    let img_in = geo.c_in * geo.hw_in();
    let mut dx = if need_dx {
        vec![0.0f32; geo.in_len()]
    } else {
        Vec::new()
    };
    let dx_chunks: Vec<Option<&mut [f32]>> = if need_dx && !dx.is_empty() {
        dx.chunks_mut(per * img_in).map(Some).collect()
    } else {
        (0..n_chunks).map(|_| None).collect()
    };
    let partial_dw: Vec<Vec<f32>> = dx_chunks
        .into_par_iter()
        .enumerate()
        .map(|(chunk, mut dx_c)| {
            let n0 = chunk * per;
            let nc = per.min(geo.n - n0);
            let p_len = nc * hwo;
            let chunk_dw = need_dw && single_tap(geo).is_none();
            let mut dw = if chunk_dw {
                vec![0.0f32; geo.weight_len()]
            } else {
                Vec::new()
            };
            let col_len = if need_dw { kg * p_len } else { 0 };
            let dcol_len = if dx_c.is_some() { kg * p_len } else { 0 };
            let (cig, c_in, c_out) = (geo.cig(), geo.c_in, geo.c_out);
            if let Some(tap) = single_tap(geo) {
                // 1×1 maps: dy and dx are [n, c] matrices, read and written in place; the weight
                // gradient is one GEMM over the whole batch (`single_tap_weight_grad`).
                if let Some(dx_c) = dx_c.as_deref_mut() {
                    for g in 0..geo.groups {
                        sgemm(
                            &mut dx_c[g * cig..],
                            Mat::row_major(nc, c_in, c_in).t().rows_cols(cig, nc),
                            false,
                            &weight[g * cog * kg + tap..],
                            tap_view(geo, cog).t(),
                            &dy[n0 * c_out + g * cog..],
                            Mat::row_major(nc, c_out, c_out).t().rows_cols(cog, nc),
                        );
                    }
                }
            } else if is_pointwise(geo) && (nc == 1 || hwo >= PER_IMAGE_MIN_PIXELS) {
                for i in 0..nc {
                    for g in 0..geo.groups {
                        let dyg = &dy[((n0 + i) * c_out + g * cog) * hwo..];
                        if need_dw {
                            sgemm(
                                &mut dw[g * cog * kg..],
                                Mat::row_major(cog, kg, kg),
                                true,
                                dyg,
                                Mat::row_major(cog, hwo, hwo),
                                &x[((n0 + i) * c_in + g * cig) * hwo..],
                                Mat::row_major(kg, hwo, hwo).t(),
                            );
                        }
                        if let Some(dx_c) = dx_c.as_deref_mut() {
                            sgemm(
                                &mut dx_c[(i * c_in + g * cig) * hwo..],
                                Mat::row_major(kg, hwo, hwo),
                                false,
                                &weight[g * cog * kg..],
                                Mat::row_major(cog, kg, kg).t(),
                                dyg,
                                Mat::row_major(cog, hwo, hwo),
                            );
                        }
                    }
                }
            } else {
                with_scratch(cog * p_len + col_len + dcol_len, |buf| {
                    let (dyg, rest) = buf.split_at_mut(cog * p_len);
                    let (col, dcol) = rest.split_at_mut(col_len);
                    for g in 0..geo.groups {
                        for co in 0..cog {
                            for i in 0..nc {
                                let o = g * cog + co;
                                dyg[co * p_len + i * hwo..][..hwo].copy_from_slice(
                                    &dy[((n0 + i) * geo.c_out + o) * hwo..][..hwo],
                                );
                            }
                        }
                        if need_dw {
                            // dW_g [cog × kg] += dy_g [cog × P] · colᵀ [P × kg]
                            im2col(geo, x, n0, nc, g, col);
                            sgemm(
                                &mut dw[g * cog * kg..],
                                Mat::row_major(cog, kg, kg),
                                true,
                                dyg,
                                Mat::row_major(cog, p_len, p_len),
                                col,
                                Mat::row_major(kg, p_len, p_len).t(),
                            );
                        }
                        if let Some(dx_c) = dx_c.as_deref_mut() {
                            // dcol [kg × P] = W_gᵀ [kg × cog] · dy_g [cog × P], folded back onto dx.
                            sgemm(
                                dcol,
                                Mat::row_major(kg, p_len, p_len),
                                false,
                                &weight[g * cog * kg..],
                                Mat::row_major(cog, kg, kg).t(),
                                dyg,
                                Mat::row_major(cog, p_len, p_len),
                            );
                            col2im(geo, dcol, nc, g, dx_c);
                        }
                    }
                });
            }
            dw
        })
        .collect();
    let dw = need_dw.then(|| match single_tap(geo) {
        Some(tap) => single_tap_weight_grad(geo, tap, x, dy),
        None => {
            let mut total = vec![0.0f32; geo.weight_len()];
            for part in &partial_dw {
                total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
            }
            total
        }
    });
    (need_dx.then_some(dx), dw)
}

/// The weight gradient of a convolution on 1×1 maps ([`single_tap`]): for each block of output
/// channels, dW[o, ·, tap] = Σ_n dy[n, o]·x[n, group(o)·] as one GEMM over the whole batch; the
/// other taps read only padding and get zero. Blocks run on rayon's threads.
fn single_tap_weight_grad(geo: &ConvGeometry, tap: usize, x: &[f32], dy: &[f32]) -> Vec<f32> {
    let (kg, cog, cig) = (geo.kg(), geo.cog(), geo.cig());
    let mut dw = vec![0.0f32; geo.weight_len()];
    if dw.is_empty() {
        return dw;
    }
    // One group per block, or (one group) up to eight blocks of output channels.
    let rows = if geo.groups > 1 {
        cog
    } else {
        geo.c_out.div_ceil(8).max(1)
    };
    dw.par_chunks_mut(rows * kg)
        .enumerate()
        .for_each(|(b, dw_b)| {
            let o0 = b * rows;
            let nrows = dw_b.len() / kg;
            let g = o0 / cog;
            sgemm(
                &mut dw_b[tap..],
                tap_view(geo, nrows),
                false,
                &dy[o0..],
                Mat::row_major(geo.n, geo.c_out, geo.c_out)
                    .t()
                    .rows_cols(nrows, geo.n),
                &x[g * cig..],
                Mat::row_major(geo.n, geo.c_in, geo.c_in).rows_cols(geo.n, cig),
            );
        });
    dw
}

/// The bias gradient: `Σ_{n, pixels} dy[n, o, ·]` per output channel.
pub fn conv2d_bias_backward(geo: &ConvGeometry, dy: &[f32]) -> Vec<f32> {
    let hwo = geo.hw_out();
    let mut db = vec![0.0f64; geo.c_out];
    for (row, o) in dy.chunks(hwo.max(1)).zip((0..geo.c_out).cycle()) {
        db[o] += row.iter().map(|&v| v as f64).sum::<f64>();
    }
    db.into_iter().map(|v| v as f32).collect()
}
