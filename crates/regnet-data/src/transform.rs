//! Image transforms with pycls semantics, on CHW `f32` images.
//!
//! The primitives mirror `pycls/datasets/transforms.py` (pycls 0.1.1, the code that trained the
//! RegNet paper's models) function by function; [`Pipeline`] chains them as [`Step`]s and
//! provides the pycls recipes ([`Pipeline::imagenet_train`], [`Pipeline::imagenet_test`],
//! [`Pipeline::cifar_train`], [`Pipeline::cifar_test`]) plus this crate's Fashion-MNIST recipe
//! ([`Pipeline::fashion_mnist`]). Where pycls has a quirk it is reproduced and named in the doc
//! of the step (e.g. random crop offsets drawn with an exclusive upper bound).
//!
//! Images enter pipelines on the 0–255 scale as decoded; pycls works in BGR order (OpenCV)
//! with BGR-ordered constants, this crate in RGB order with the same constants reordered, which
//! is the same computation.

use crate::error::{DataError, Result};
use crate::rng::{below, normal, uniform, uniform_in};
use rand::Rng;

/// A dense image in CHW layout (channel planes, each row-major).
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    /// Channels.
    pub c: usize,
    /// Height (rows).
    pub h: usize,
    /// Width (columns).
    pub w: usize,
    /// `c · h · w` values; value `(ch, y, x)` is at `(ch·h + y)·w + x`.
    pub data: Vec<f32>,
}

impl Image {
    /// Wraps a CHW buffer, checking its length.
    ///
    /// ```
    /// let im = regnet_data::Image::new(1, 2, 2, vec![0.0, 1.0, 2.0, 3.0]).unwrap();
    /// assert_eq!(im.at(0, 1, 0), 2.0);
    /// assert!(regnet_data::Image::new(3, 2, 2, vec![0.0; 4]).is_err());
    /// ```
    pub fn new(c: usize, h: usize, w: usize, data: Vec<f32>) -> Result<Self> {
        let expected = c * h * w;
        if data.len() != expected {
            return Err(DataError::BufferSize {
                shape: [c, h, w],
                expected,
                found: data.len(),
            });
        }
        Ok(Self { c, h, w, data })
    }

    /// An all-zero image.
    pub fn zeros(c: usize, h: usize, w: usize) -> Self {
        Self {
            c,
            h,
            w,
            data: vec![0.0; c * h * w],
        }
    }

    /// Converts CHW bytes to `f32` on the 0–255 scale.
    pub fn from_chw_u8(c: usize, h: usize, w: usize, bytes: &[u8]) -> Result<Self> {
        Self::new(c, h, w, bytes.iter().map(|&b| f32::from(b)).collect())
    }

    /// Converts interleaved HWC bytes (e.g. an RGB8 buffer) to a CHW `f32` image on the 0–255 scale.
    pub fn from_hwc_u8(c: usize, h: usize, w: usize, bytes: &[u8]) -> Result<Self> {
        let expected = c * h * w;
        if bytes.len() != expected {
            return Err(DataError::BufferSize {
                shape: [c, h, w],
                expected,
                found: bytes.len(),
            });
        }
        let mut data = vec![0.0; expected];
        for (p, px) in bytes.chunks_exact(c.max(1)).enumerate() {
            for (ch, &v) in px.iter().enumerate() {
                data[ch * h * w + p] = f32::from(v);
            }
        }
        Ok(Self { c, h, w, data })
    }

    /// Value at channel `ch`, row `y`, column `x` (panics if out of bounds, like slice indexing).
    pub fn at(&self, ch: usize, y: usize, x: usize) -> f32 {
        self.data[(ch * self.h + y) * self.w + x]
    }

    /// The shape as `[c, h, w]`.
    pub fn shape(&self) -> [usize; 3] {
        [self.c, self.h, self.w]
    }
}

/// Interpolation used by [`resize`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Interpolation {
    /// Nearest neighbour, source index `⌊dst · in / out⌋` (OpenCV `INTER_NEAREST`, PyTorch
    /// `nearest`). Integer up-scales (28 → 224) replicate each pixel exactly.
    Nearest,
    /// Bilinear with half-pixel centres and edge clamping, no anti-aliasing (OpenCV
    /// `INTER_LINEAR` on float images, as pycls uses; PyTorch `bilinear, align_corners=False`).
    #[default]
    Bilinear,
}

/// Mirrors the image left–right (pycls `horizontal_flip` when the coin comes up).
pub fn hflip(im: &Image) -> Image {
    let mut out = im.clone();
    for row in out.data.chunks_exact_mut(im.w.max(1)) {
        row.reverse();
    }
    out
}

/// Pads every side with `pad` zeros (pycls `zero_pad`).
pub fn zero_pad(im: &Image, pad: usize) -> Image {
    let (h, w) = (im.h + 2 * pad, im.w + 2 * pad);
    let mut out = Image::zeros(im.c, h, w);
    for ch in 0..im.c {
        for y in 0..im.h {
            let src = &im.data[(ch * im.h + y) * im.w..][..im.w];
            out.data[(ch * h + y + pad) * w + pad..][..im.w].copy_from_slice(src);
        }
    }
    out
}

/// A crop rectangle: top-left `(y, x)`, size `h × w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CropBox {
    /// Top row.
    pub y: usize,
    /// Left column.
    pub x: usize,
    /// Height.
    pub h: usize,
    /// Width.
    pub w: usize,
}

/// Cuts out `b`; fails with [`DataError::CropOutOfBounds`] if it does not fit.
pub fn crop(im: &Image, b: CropBox) -> Result<Image> {
    if b.y + b.h > im.h || b.x + b.w > im.w {
        return Err(DataError::CropOutOfBounds {
            y: b.y,
            x: b.x,
            crop_h: b.h,
            crop_w: b.w,
            h: im.h,
            w: im.w,
        });
    }
    let mut out = Image::zeros(im.c, b.h, b.w);
    for ch in 0..im.c {
        for y in 0..b.h {
            let src = &im.data[(ch * im.h + b.y + y) * im.w + b.x..][..b.w];
            out.data[(ch * b.h + y) * b.w..][..b.w].copy_from_slice(src);
        }
    }
    Ok(out)
}

/// The centred `size × size` crop, offsets `⌈(h − size)/2⌉`, `⌈(w − size)/2⌉` (pycls
/// `center_crop`). Fails if the image is smaller than `size`.
pub fn center_crop(im: &Image, size: usize) -> Result<Image> {
    let y = im.h.saturating_sub(size).div_ceil(2);
    let x = im.w.saturating_sub(size).div_ceil(2);
    crop(
        im,
        CropBox {
            y,
            x,
            h: size,
            w: size,
        },
    )
}

/// Source index pairs and weights for one axis of an OpenCV-style bilinear resize.
fn linear_taps(src: usize, dst: usize) -> Vec<(usize, usize, f32)> {
    let scale = src as f64 / dst as f64;
    (0..dst)
        .map(|d| {
            let f = ((d as f64 + 0.5) * scale - 0.5).max(0.0);
            let i0 = (f.floor() as usize).min(src - 1);
            let i1 = (i0 + 1).min(src - 1);
            let t = if i0 == src - 1 {
                0.0
            } else {
                (f - i0 as f64) as f32
            };
            (i0, i1, t)
        })
        .collect()
}

/// Resizes to `h × w` with the given interpolation. Resizing to the current size returns a copy;
/// resizing an empty image (or to an empty size) returns an empty image of the target size.
pub fn resize(im: &Image, h: usize, w: usize, interp: Interpolation) -> Image {
    if (h, w) == (im.h, im.w) {
        return im.clone();
    }
    let mut out = Image::zeros(im.c, h, w);
    if im.h == 0 || im.w == 0 || h == 0 || w == 0 {
        return out;
    }
    match interp {
        Interpolation::Nearest => {
            let ys: Vec<usize> = (0..h).map(|y| y * im.h / h).collect();
            let xs: Vec<usize> = (0..w).map(|x| x * im.w / w).collect();
            for ch in 0..im.c {
                for (y, &sy) in ys.iter().enumerate() {
                    for (x, &sx) in xs.iter().enumerate() {
                        out.data[(ch * h + y) * w + x] = im.at(ch, sy, sx);
                    }
                }
            }
        }
        Interpolation::Bilinear => {
            let ys = linear_taps(im.h, h);
            let xs = linear_taps(im.w, w);
            let mut row = vec![0.0f32; w];
            for ch in 0..im.c {
                let plane = &im.data[ch * im.h * im.w..][..im.h * im.w];
                for (y, &(y0, y1, ty)) in ys.iter().enumerate() {
                    let r0 = &plane[y0 * im.w..][..im.w];
                    let r1 = &plane[y1 * im.w..][..im.w];
                    for (v, &(x0, x1, tx)) in row.iter_mut().zip(&xs) {
                        let a = r0[x0] + tx * (r0[x1] - r0[x0]);
                        let b = r1[x0] + tx * (r1[x1] - r1[x0]);
                        *v = a + ty * (b - a);
                    }
                    out.data[(ch * h + y) * w..][..w].copy_from_slice(&row);
                }
            }
        }
    }
    out
}

/// Resizes so the shorter side is `size`, keeping the aspect ratio (bilinear; pycls `scale`):
/// the longer side becomes `⌊long/short · size⌋`; an image whose shorter side already is `size`
/// is returned unchanged.
pub fn scale_shorter(im: &Image, size: usize) -> Image {
    let (h, w) = (im.h, im.w);
    if (w <= h && w == size) || (h <= w && h == size) || h == 0 || w == 0 {
        return im.clone();
    }
    let (mut h_new, mut w_new) = (size, size);
    if w < h {
        h_new = (h as f64 / w as f64 * size as f64).floor() as usize;
    } else {
        w_new = (w as f64 / h as f64 * size as f64).floor() as usize;
    }
    resize(im, h_new, w_new, Interpolation::Bilinear)
}

/// Draws an Inception-style crop box for an `h × w` image (pycls `random_sized_crop`), or
/// `None` if all `max_iter` tries fail (the caller then falls back to scale + center crop).
///
/// Each try draws, in this order: area fraction `U[area_frac, 1)`, aspect ratio
/// `U[3/4, 4/3)` (uniform, not log-uniform, as pycls), `w = round(√(area·ratio))`,
/// `h = round(√(area/ratio))` (Python's round-half-to-even), a coin that swaps them with
/// probability 0.5, then if the box fits the offsets `y ∈ [0, h_img − h)` and
/// `x ∈ [0, w_img − w)` — pycls's `np.random.randint` excludes the upper bound, so the last
/// offset is never drawn (offset 0 when the box spans the side). A box with a zero side (only
/// possible for images of a dozen pixels, where pycls would crash in OpenCV) counts as a failed
/// try.
pub fn sample_random_sized_crop<R: Rng + ?Sized>(
    h: usize,
    w: usize,
    area_frac: f64,
    max_iter: usize,
    rng: &mut R,
) -> Option<CropBox> {
    let area = (h * w) as f64;
    for _ in 0..max_iter {
        let target_area = uniform_in(rng, area_frac, 1.0) * area;
        let aspect = uniform_in(rng, 3.0 / 4.0, 4.0 / 3.0);
        let mut w_crop = (target_area * aspect).sqrt().round_ties_even() as usize;
        let mut h_crop = (target_area / aspect).sqrt().round_ties_even() as usize;
        if uniform(rng) < 0.5 {
            std::mem::swap(&mut w_crop, &mut h_crop);
        }
        // pycls would hand OpenCV an empty crop for a zero side (tiny images only); retry.
        if h_crop <= h && w_crop <= w && h_crop > 0 && w_crop > 0 {
            let y = if h_crop == h {
                0
            } else {
                below(rng, h - h_crop)
            };
            let x = if w_crop == w {
                0
            } else {
                below(rng, w - w_crop)
            };
            return Some(CropBox {
                y,
                x,
                h: h_crop,
                w: w_crop,
            });
        }
    }
    None
}

/// ImageNet PCA eigenvalues (AlexNet lighting), as in pycls.
pub const IMAGENET_EIGVALS: [f32; 3] = [0.2175, 0.0188, 0.0045];
/// ImageNet PCA eigenvectors as columns, rows in RGB order, as in pycls (`_EIG_VECS`).
pub const IMAGENET_EIGVECS: [[f32; 3]; 3] = [
    [-0.5675, 0.7192, 0.4009],
    [-0.5808, -0.0045, -0.8140],
    [-0.5836, -0.6948, 0.4203],
];
/// ImageNet per-channel mean on the `[0, 1]` scale, RGB.
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
/// ImageNet per-channel standard deviation on the `[0, 1]` scale, RGB.
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];
/// CIFAR-10 per-channel mean on the 0–255 scale, RGB (pycls).
pub const CIFAR_MEAN: [f32; 3] = [125.3, 123.0, 113.9];
/// CIFAR-10 per-channel standard deviation on the 0–255 scale, RGB (pycls).
pub const CIFAR_STD: [f32; 3] = [63.0, 62.1, 66.7];
/// Fashion-MNIST pixel mean on the `[0, 1]` scale, over the full 60,000-image train set
/// (0.286041; see `docs/data.md`).
pub const FASHION_MNIST_MEAN: f32 = 0.2860;
/// Fashion-MNIST pixel standard deviation on the `[0, 1]` scale, over the full train set
/// (population std 0.353024).
pub const FASHION_MNIST_STD: f32 = 0.3530;

/// The per-channel RGB offsets of AlexNet PCA lighting for coefficients `alpha`:
/// `rgb[i] = Σ_j eigvecs[i][j] · alpha[j] · eigvals[j]` (pycls `lighting`).
pub fn lighting_offsets(alpha: [f64; 3], eigvals: [f32; 3], eigvecs: [[f32; 3]; 3]) -> [f64; 3] {
    let mut rgb = [0.0; 3];
    for (i, v) in rgb.iter_mut().enumerate() {
        *v = (0..3)
            .map(|j| f64::from(eigvecs[i][j]) * alpha[j] * f64::from(eigvals[j]))
            .sum();
    }
    rgb
}

/// AlexNet PCA lighting with given coefficients `alpha` (already scaled by the noise std):
/// adds [`lighting_offsets`] to each RGB channel (pycls `lighting` after its normal draw).
/// Fails with [`DataError::Channels`] unless the image has 3 channels.
pub fn lighting(
    im: &mut Image,
    alpha: [f64; 3],
    eigvals: [f32; 3],
    eigvecs: [[f32; 3]; 3],
) -> Result<()> {
    if im.c != 3 {
        return Err(DataError::Channels {
            step: "lighting",
            expected: 3,
            found: im.c,
        });
    }
    let offsets = lighting_offsets(alpha, eigvals, eigvecs);
    let plane = im.h * im.w;
    for (ch, &o) in offsets.iter().enumerate() {
        for v in &mut im.data[ch * plane..][..plane] {
            *v = (f64::from(*v) + o) as f32;
        }
    }
    Ok(())
}

/// Per-channel `(x − mean[c]) / std[c]` (pycls `color_norm`); `mean` and `std` must have one
/// entry per channel.
pub fn normalize(im: &mut Image, mean: &[f32], std: &[f32]) -> Result<()> {
    if mean.len() != im.c || std.len() != im.c {
        return Err(DataError::Channels {
            step: "normalize",
            expected: mean.len(),
            found: im.c,
        });
    }
    let plane = im.h * im.w;
    for ch in 0..im.c {
        let (m, s) = (mean[ch], std[ch]);
        for v in &mut im.data[ch * plane..][..plane] {
            *v = (*v - m) / s;
        }
    }
    Ok(())
}

/// Largest output side (height or width, in pixels) of any resizing or cropping step, and largest
/// padding: 4096. The paper trains at 224 and tests up to 448; one 4096² RGB image is 200 MB of
/// `f32`, so larger sizes are rejected by [`Pipeline::validate`] instead of exhausting memory.
pub const MAX_SIDE: usize = 4096;

/// One stage of a [`Pipeline`]. Random steps draw from the sample's generator in the order
/// they appear.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Divide by 255 (0–255 → `[0, 1]`).
    ToUnit,
    /// Per-channel `(x − mean) / std`.
    Normalize {
        /// One mean per channel.
        mean: Vec<f32>,
        /// One standard deviation per channel.
        std: Vec<f32>,
    },
    /// Mirror left–right with probability `p` (one uniform draw).
    HFlip {
        /// Flip probability.
        p: f64,
    },
    /// Zero-pad by `pad`, then a random `size × size` crop (pycls `random_crop`): offsets
    /// `y, x ∈ [0, H + 2·pad − size)` — upper bound excluded as in pycls, so with pad 4 on
    /// 32×32 the offsets are 0..=7, never 8. Draws `y` then `x`.
    PadCrop {
        /// Zero padding on every side.
        pad: usize,
        /// Output side.
        size: usize,
    },
    /// Inception-style random-sized crop resized (bilinear) to `size × size`, with pycls's
    /// fallback to [`scale_shorter`]`(size)` + [`center_crop`]`(size)` after `max_iter` failed
    /// tries; see [`sample_random_sized_crop`].
    RandomSizedCrop {
        /// Output side.
        size: usize,
        /// Minimum area fraction (0.08).
        area_frac: f64,
        /// Tries before the fallback (10).
        max_iter: usize,
    },
    /// [`scale_shorter`] to `size`.
    ScaleShorter {
        /// Target shorter side.
        size: usize,
    },
    /// [`center_crop`] to `size × size`.
    CenterCrop {
        /// Output side.
        size: usize,
    },
    /// [`resize`] to `h × w`.
    Resize {
        /// Output height.
        h: usize,
        /// Output width.
        w: usize,
        /// Interpolation.
        interp: Interpolation,
    },
    /// AlexNet PCA lighting: `alpha ~ N(0, std²)` (three draws), each RGB channel shifted by
    /// [`lighting_offsets`]. Needs 3 channels; `std == 0` draws nothing.
    Lighting {
        /// Standard deviation of `alpha` (0.1).
        std: f64,
        /// PCA eigenvalues.
        eigvals: [f32; 3],
        /// PCA eigenvectors (columns).
        eigvecs: [[f32; 3]; 3],
    },
}

impl Step {
    /// Applies the step, drawing from `rng` if it is random.
    pub fn apply<R: Rng + ?Sized>(&self, im: Image, rng: &mut R) -> Result<Image> {
        match self {
            Step::ToUnit => {
                let mut im = im;
                for v in &mut im.data {
                    *v /= 255.0;
                }
                Ok(im)
            }
            Step::Normalize { mean, std } => {
                let mut im = im;
                normalize(&mut im, mean, std)?;
                Ok(im)
            }
            Step::HFlip { p } => Ok(if uniform(rng) < *p { hflip(&im) } else { im }),
            Step::PadCrop { pad, size } => {
                let padded = if *pad > 0 { zero_pad(&im, *pad) } else { im };
                let (h, w) = (padded.h, padded.w);
                if *size > h || *size > w {
                    return Err(DataError::CropOutOfBounds {
                        y: 0,
                        x: 0,
                        crop_h: *size,
                        crop_w: *size,
                        h,
                        w,
                    });
                }
                let y = below(rng, h - size);
                let x = below(rng, w - size);
                crop(
                    &padded,
                    CropBox {
                        y,
                        x,
                        h: *size,
                        w: *size,
                    },
                )
            }
            Step::RandomSizedCrop {
                size,
                area_frac,
                max_iter,
            } => match sample_random_sized_crop(im.h, im.w, *area_frac, *max_iter, rng) {
                Some(b) => Ok(resize(
                    &crop(&im, b)?,
                    *size,
                    *size,
                    Interpolation::Bilinear,
                )),
                None => center_crop(&scale_shorter(&im, *size), *size),
            },
            Step::ScaleShorter { size } => Ok(scale_shorter(&im, *size)),
            Step::CenterCrop { size } => center_crop(&im, *size),
            Step::Resize { h, w, interp } => Ok(resize(&im, *h, *w, *interp)),
            Step::Lighting {
                std,
                eigvals,
                eigvecs,
            } => {
                if im.c != 3 {
                    return Err(DataError::Channels {
                        step: "lighting",
                        expected: 3,
                        found: im.c,
                    });
                }
                if *std == 0.0 {
                    return Ok(im);
                }
                let alpha = [0; 3].map(|_| normal(rng) * std);
                let mut im = im;
                lighting(&mut im, alpha, *eigvals, *eigvecs)?;
                Ok(im)
            }
        }
    }

    /// Checks the step's parameters and, where the step needs it, the channel count.
    fn validate(&self, channels: usize) -> Result<()> {
        let bad = |field, value: String, reason| {
            Err(DataError::InvalidOption {
                field,
                value,
                reason,
            })
        };
        match self {
            Step::Normalize { mean, std } => {
                if mean.len() != channels || std.len() != channels {
                    return Err(DataError::Channels {
                        step: "normalize",
                        expected: mean.len(),
                        found: channels,
                    });
                }
                if std.iter().any(|&s| s == 0.0 || !s.is_finite()) {
                    return bad(
                        "normalize.std",
                        format!("{std:?}"),
                        "must be finite and non-zero",
                    );
                }
            }
            Step::HFlip { p } if !(0.0..=1.0).contains(p) => {
                return bad("hflip.p", p.to_string(), "must be in [0, 1]");
            }
            Step::RandomSizedCrop {
                size,
                area_frac,
                max_iter: _,
            } => {
                if *size == 0 || *size > MAX_SIDE {
                    return bad(
                        "random_sized_crop.size",
                        size.to_string(),
                        "must be between 1 and 4096 (MAX_SIDE)",
                    );
                }
                if !(*area_frac > 0.0 && *area_frac <= 1.0) {
                    return bad(
                        "random_sized_crop.area_frac",
                        area_frac.to_string(),
                        "must be in (0, 1]",
                    );
                }
            }
            Step::PadCrop { size: 0, .. }
            | Step::CenterCrop { size: 0 }
            | Step::ScaleShorter { size: 0 } => {
                return bad("size", "0".into(), "must be positive");
            }
            Step::PadCrop { size, pad } if *size > MAX_SIDE || *pad > MAX_SIDE => {
                return bad(
                    "pad_crop",
                    format!("size {size}, pad {pad}"),
                    "size and pad must be at most 4096 (MAX_SIDE)",
                );
            }
            Step::CenterCrop { size } | Step::ScaleShorter { size } if *size > MAX_SIDE => {
                return bad("size", size.to_string(), "must be at most 4096 (MAX_SIDE)");
            }
            Step::Resize { h, w, .. } if *h == 0 || *w == 0 => {
                return bad("resize", format!("{h}x{w}"), "must be positive");
            }
            Step::Resize { h, w, .. } if *h > MAX_SIDE || *w > MAX_SIDE => {
                return bad(
                    "resize",
                    format!("{h}x{w}"),
                    "sides must be at most 4096 (MAX_SIDE)",
                );
            }
            Step::Lighting { std, .. } => {
                if channels != 3 {
                    return Err(DataError::Channels {
                        step: "lighting",
                        expected: 3,
                        found: channels,
                    });
                }
                if !(std.is_finite() && *std >= 0.0) {
                    return bad("lighting.std", std.to_string(), "must be finite and >= 0");
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Options of [`Pipeline::fashion_mnist`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FashionMnistTransform {
    /// Output side (28 = native; the paper's resolution is 224; small CPU runs use 28 or 32).
    pub size: usize,
    /// Interpolation when `size != 28`.
    pub interp: Interpolation,
    /// Random horizontal flip (p = 0.5) and zero-pad + random crop (train only).
    pub augment: bool,
    /// Zero padding of the random crop, in output pixels.
    pub pad: usize,
}

impl Default for FashionMnistTransform {
    /// Native 28×28, bilinear, no augmentation, pad 4.
    fn default() -> Self {
        Self {
            size: 28,
            interp: Interpolation::Bilinear,
            augment: false,
            pad: 4,
        }
    }
}

/// A sequence of [`Step`]s applied to a sample on the 0–255 scale.
///
/// ```
/// use regnet_data::{Image, Pipeline, rng::sample_rng};
/// let pipe = Pipeline::cifar_train();
/// let out = pipe.apply(Image::zeros(3, 32, 32), &mut sample_rng(0, 0, 0)).unwrap();
/// assert_eq!(out.shape(), [3, 32, 32]);
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pipeline {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Pipeline {
    /// A pipeline from steps.
    pub fn new(steps: Vec<Step>) -> Self {
        Self { steps }
    }

    /// No transform: samples are returned on the 0–255 scale.
    pub fn identity() -> Self {
        Self::default()
    }

    /// pycls ImageNet training: random-sized crop (area `U[0.08, 1)`, 10 tries) to
    /// `size × size`, horizontal flip p = 0.5, ÷255, PCA lighting (std 0.1), normalization with
    /// [`IMAGENET_MEAN`]/[`IMAGENET_STD`].
    pub fn imagenet_train(size: usize) -> Self {
        Self::new(vec![
            Step::RandomSizedCrop {
                size,
                area_frac: 0.08,
                max_iter: 10,
            },
            Step::HFlip { p: 0.5 },
            Step::ToUnit,
            Step::Lighting {
                std: 0.1,
                eigvals: IMAGENET_EIGVALS,
                eigvecs: IMAGENET_EIGVECS,
            },
            Step::Normalize {
                mean: IMAGENET_MEAN.to_vec(),
                std: IMAGENET_STD.to_vec(),
            },
        ])
    }

    /// pycls ImageNet evaluation: shorter side to [`imagenet_test_resize`]`(size)` (256 for 224),
    /// center crop `size`, ÷255, normalization.
    pub fn imagenet_test(size: usize) -> Self {
        Self::new(vec![
            Step::ScaleShorter {
                size: imagenet_test_resize(size),
            },
            Step::CenterCrop { size },
            Step::ToUnit,
            Step::Normalize {
                mean: IMAGENET_MEAN.to_vec(),
                std: IMAGENET_STD.to_vec(),
            },
        ])
    }

    /// pycls CIFAR-10 training: normalization with [`CIFAR_MEAN`]/[`CIFAR_STD`] on the 0–255
    /// scale, horizontal flip p = 0.5, zero-pad 4 + random 32×32 crop. As in pycls the padding
    /// comes after normalization, so padded pixels are 0 in normalized units (the mean colour).
    pub fn cifar_train() -> Self {
        Self::new(vec![
            Step::Normalize {
                mean: CIFAR_MEAN.to_vec(),
                std: CIFAR_STD.to_vec(),
            },
            Step::HFlip { p: 0.5 },
            Step::PadCrop { pad: 4, size: 32 },
        ])
    }

    /// pycls CIFAR-10 evaluation: normalization only.
    pub fn cifar_test() -> Self {
        Self::new(vec![Step::Normalize {
            mean: CIFAR_MEAN.to_vec(),
            std: CIFAR_STD.to_vec(),
        }])
    }

    /// Fashion-MNIST: ÷255, resize to `size` if it is not 28, then (if `augment`) flip p = 0.5
    /// and zero-pad + random crop, then normalization with [`FASHION_MNIST_MEAN`] /
    /// [`FASHION_MNIST_STD`]. Unlike the CIFAR recipe, padding comes before normalization, so
    /// padded pixels are black like the Fashion-MNIST background.
    pub fn fashion_mnist(opts: FashionMnistTransform) -> Self {
        let mut steps = vec![Step::ToUnit];
        if opts.size != 28 {
            steps.push(Step::Resize {
                h: opts.size,
                w: opts.size,
                interp: opts.interp,
            });
        }
        if opts.augment {
            steps.push(Step::HFlip { p: 0.5 });
            steps.push(Step::PadCrop {
                pad: opts.pad,
                size: opts.size,
            });
        }
        steps.push(Step::Normalize {
            mean: vec![FASHION_MNIST_MEAN],
            std: vec![FASHION_MNIST_STD],
        });
        Self::new(steps)
    }

    /// Applies every step in order.
    pub fn apply<R: Rng + ?Sized>(&self, im: Image, rng: &mut R) -> Result<Image> {
        self.steps
            .iter()
            .try_fold(im, |im, step| step.apply(im, rng))
    }

    /// Checks every step's parameters against images with `channels` channels.
    pub fn validate(&self, channels: usize) -> Result<()> {
        self.steps.iter().try_for_each(|s| s.validate(channels))
    }
}

/// The shorter side pycls resizes to before the evaluation center crop: 256 for 224, and
/// `round(size · 256 / 224)` for other sizes (e.g. 37 for 32).
pub fn imagenet_test_resize(size: usize) -> usize {
    (size as f64 * 256.0 / 224.0).round() as usize
}
