//! Transform tests: exact pixels on tiny images, normalization values, and pycls/OpenCV
//! reference values from `fixtures/pycls_reference.txt` (made by
//! `fixtures/make_pycls_reference.py`, which runs pycls 0.1.1's own functions and cv2).

use proptest::prelude::*;
use regnet_data::rng::{normal, sample_rng};
use regnet_data::transform::{
    self, CropBox, IMAGENET_EIGVALS, IMAGENET_EIGVECS, center_crop, crop, hflip, lighting_offsets,
    resize, sample_random_sized_crop, scale_shorter, zero_pad,
};
use regnet_data::{DataError, FashionMnistTransform, Image, Interpolation, Pipeline, Step};

/// The formula shared with the Python script.
fn test_image(c: usize, h: usize, w: usize) -> Image {
    let mut data = Vec::with_capacity(c * h * w);
    for ch in 0..c {
        for y in 0..h {
            for x in 0..w {
                data.push(((ch * 131 + y * 71 + x * 37 + y * x * 13) % 256) as f32);
            }
        }
    }
    Image::new(c, h, w, data).unwrap()
}

fn reference(name: &str) -> Image {
    let text = include_str!("fixtures/pycls_reference.txt");
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no record {name}"));
    let mut it = line.split_whitespace().skip(1);
    let mut dim = || it.next().unwrap().parse::<usize>().unwrap();
    let (c, h, w) = (dim(), dim(), dim());
    let data = line
        .split_whitespace()
        .skip(4)
        .map(|v| v.parse::<f32>().unwrap())
        .collect();
    Image::new(c, h, w, data).unwrap()
}

fn assert_close(got: &Image, want: &Image, tol: f32) {
    assert_eq!(got.shape(), want.shape());
    for (i, (a, b)) in got.data.iter().zip(&want.data).enumerate() {
        assert!((a - b).abs() <= tol, "value {i}: got {a}, want {b}");
    }
}

fn img(c: usize, h: usize, w: usize, v: &[f32]) -> Image {
    Image::new(c, h, w, v.to_vec()).unwrap()
}

#[test]
fn hflip_mirrors_each_row() {
    let im = img(
        2,
        2,
        3,
        &[1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11., 12.],
    );
    assert_eq!(
        hflip(&im).data,
        vec![3., 2., 1., 6., 5., 4., 9., 8., 7., 12., 11., 10.]
    );
}

#[test]
fn zero_pad_then_crop_gives_exact_pixels() {
    let im = img(1, 2, 2, &[1., 2., 3., 4.]);
    let p = zero_pad(&im, 1);
    #[rustfmt::skip]
    assert_eq!(p.data, vec![
        0., 0., 0., 0.,
        0., 1., 2., 0.,
        0., 3., 4., 0.,
        0., 0., 0., 0.,
    ]);
    let c = crop(
        &p,
        CropBox {
            y: 1,
            x: 0,
            h: 2,
            w: 2,
        },
    )
    .unwrap();
    assert_eq!(c.data, vec![0., 1., 0., 3.]);
    let c = crop(
        &p,
        CropBox {
            y: 2,
            x: 2,
            h: 2,
            w: 2,
        },
    )
    .unwrap();
    assert_eq!(c.data, vec![4., 0., 0., 0.]);
    assert!(matches!(
        crop(
            &p,
            CropBox {
                y: 3,
                x: 0,
                h: 2,
                w: 2
            }
        ),
        Err(DataError::CropOutOfBounds { y: 3, h: 4, .. })
    ));
}

#[test]
fn pad_crop_offsets_follow_pycls_exclusive_bound() {
    // Pixel values encode their position, so each output reveals the crop offset (y, x) of the
    // 40x40 padded image; offsets are drawn like np.random.randint(0, 8): 0..=7, never 8.
    let (h, w) = (32usize, 32usize);
    let data: Vec<f32> = (0..h * w).map(|i| i as f32 + 1.0).collect();
    let im = Image::new(1, h, w, data).unwrap();
    let step = Step::PadCrop { pad: 4, size: 32 };
    let mut seen = [[false; 9]; 2];
    for i in 0..400 {
        let out = step.apply(im.clone(), &mut sample_rng(3, 0, i)).unwrap();
        assert_eq!(out.shape(), [1, 32, 32]);
        // Original pixel (4, 4) (value 133) lands at (8 - y, 8 - x).
        let pos = out.data.iter().position(|&v| v == 133.0).unwrap();
        let (y, x) = (8 - pos / 32, 8 - pos % 32);
        seen[0][y] = true;
        seen[1][x] = true;
        for oy in 0..32 {
            for ox in 0..32 {
                let (sy, sx) = ((y + oy) as isize - 4, (x + ox) as isize - 4);
                let inside = (0..32).contains(&sy) && (0..32).contains(&sx);
                let want = if inside {
                    (sy * 32 + sx) as f32 + 1.0
                } else {
                    0.0
                };
                assert_eq!(out.at(0, oy, ox), want);
            }
        }
    }
    assert_eq!(
        seen[0],
        [true, true, true, true, true, true, true, true, false]
    );
    assert_eq!(
        seen[1],
        [true, true, true, true, true, true, true, true, false]
    );
}

#[test]
fn center_crop_uses_ceil_offsets() {
    // 1x3x4 -> 2x2: y = ceil(1/2) = 1, x = ceil(2/2) = 1.
    let im = img(1, 3, 4, &[0., 1., 2., 3., 4., 5., 6., 7., 8., 9., 10., 11.]);
    assert_eq!(center_crop(&im, 2).unwrap().data, vec![5., 6., 9., 10.]);
    assert!(center_crop(&im, 4).is_err());
}

#[test]
fn nearest_resize_replicates_and_subsamples() {
    let im = img(1, 2, 2, &[1., 2., 3., 4.]);
    let up = resize(&im, 4, 4, Interpolation::Nearest);
    #[rustfmt::skip]
    assert_eq!(up.data, vec![
        1., 1., 2., 2.,
        1., 1., 2., 2.,
        3., 3., 4., 4.,
        3., 3., 4., 4.,
    ]);
    let down = resize(&up, 2, 2, Interpolation::Nearest);
    assert_eq!(down.data, im.data);
}

#[test]
fn bilinear_resize_matches_opencv() {
    let src = test_image(3, 5, 7);
    for (name, h, w) in [
        ("resize_5x7_to_3x4", 3, 4),
        ("resize_5x7_to_9x11", 9, 11),
        ("resize_5x7_to_5x3", 5, 3),
    ] {
        assert_close(
            &resize(&src, h, w, Interpolation::Bilinear),
            &reference(name),
            2e-4,
        );
    }
}

#[test]
fn imagenet_test_pipeline_matches_pycls() {
    assert_eq!(transform::imagenet_test_resize(224), 256);
    assert_eq!(transform::imagenet_test_resize(8), 9);
    let out = Pipeline::imagenet_test(8)
        .apply(test_image(3, 12, 15), &mut sample_rng(0, 0, 0))
        .unwrap();
    assert_close(&out, &reference("imagenet_test_12x15_size8"), 1e-5);
}

#[test]
fn scale_shorter_floors_the_long_side() {
    let im = test_image(1, 12, 15);
    assert_eq!(scale_shorter(&im, 9).shape(), [1, 9, 11]); // floor(15/12*9) = 11
    assert_eq!(scale_shorter(&im, 12), im);
}

#[test]
fn lighting_matches_pycls_for_fixed_alpha() {
    let alpha = [0.05, -0.12, 0.2];
    let rgb = lighting_offsets(alpha, IMAGENET_EIGVALS, IMAGENET_EIGVECS);
    // python3 -c "import numpy as np; V=np.array([[-0.5675,0.7192,0.4009],[-0.5808,-0.0045,-0.8140],
    //   [-0.5836,-0.6948,0.4203]]); L=np.array([0.2175,0.0188,0.0045]); a=np.array([0.05,-0.12,0.2]);
    //   print(np.sum(V*a*L, axis=1))"
    let want = [-7.4332677e-3_f64, -7.038648e-3, -4.4009112e-3];
    for (g, w) in rgb.iter().zip(want) {
        assert!((g - w).abs() < 1e-9, "{g} vs {w}");
    }
    let mut im = test_image(3, 12, 15);
    for v in &mut im.data {
        *v /= 255.0;
    }
    transform::lighting(&mut im, alpha, IMAGENET_EIGVALS, IMAGENET_EIGVECS).unwrap();
    assert_close(&im, &reference("lighting_12x15_alpha"), 1e-6);
}

#[test]
fn lighting_step_draws_three_normals_times_std() {
    let step = Step::Lighting {
        std: 0.1,
        eigvals: IMAGENET_EIGVALS,
        eigvecs: IMAGENET_EIGVECS,
    };
    let im = Image::zeros(3, 2, 2);
    let out = step.apply(im, &mut sample_rng(9, 1, 5)).unwrap();
    let mut rng = sample_rng(9, 1, 5);
    let alpha = [0; 3].map(|_| normal(&mut rng) * 0.1);
    let rgb = lighting_offsets(alpha, IMAGENET_EIGVALS, IMAGENET_EIGVECS);
    for (ch, &o) in rgb.iter().enumerate() {
        assert_eq!(out.at(ch, 1, 1), o as f32);
    }
    assert!(matches!(
        step.apply(Image::zeros(1, 2, 2), &mut sample_rng(0, 0, 0)),
        Err(DataError::Channels {
            step: "lighting",
            expected: 3,
            found: 1
        })
    ));
}

#[test]
fn normalization_values() {
    // Fashion-MNIST: black and white pixels.
    let fm = Pipeline::fashion_mnist(FashionMnistTransform::default());
    let out = fm
        .apply(img(1, 1, 2, &[0.0, 255.0]), &mut sample_rng(0, 0, 0))
        .unwrap();
    assert!((out.data[0] - (-0.2860 / 0.3530)).abs() < 1e-6); // -0.810198
    assert!((out.data[1] - (0.7140 / 0.3530)).abs() < 1e-6); // 2.022663
    // CIFAR: mean + std -> 1, mean -> 0 per channel.
    let px = [125.3 + 63.0, 123.0, 113.9 - 66.7];
    let out = Pipeline::cifar_test()
        .apply(img(3, 1, 1, &px), &mut sample_rng(0, 0, 0))
        .unwrap();
    assert_close(&out, &img(3, 1, 1, &[1.0, 0.0, -1.0]), 1e-6);
    // ImageNet: 255 * mean -> 0.
    let mut im = img(3, 1, 1, &[0.485, 0.456, 0.406]);
    transform::normalize(&mut im, &transform::IMAGENET_MEAN, &transform::IMAGENET_STD).unwrap();
    assert_close(&im, &img(3, 1, 1, &[0.0, 0.0, 0.0]), 1e-7);
}

#[test]
fn fashion_mnist_resize_and_augment_shapes() {
    let im = test_image(1, 28, 28);
    for (size, interp) in [(32, Interpolation::Bilinear), (224, Interpolation::Nearest)] {
        let t = FashionMnistTransform {
            size,
            interp,
            augment: true,
            pad: 4,
        };
        let out = Pipeline::fashion_mnist(t)
            .apply(im.clone(), &mut sample_rng(0, 0, 1))
            .unwrap();
        assert_eq!(out.shape(), [1, size, size]);
    }
    // 28 -> 224 nearest replicates 8x8 blocks exactly.
    let up = resize(&im, 224, 224, Interpolation::Nearest);
    assert_eq!(up.at(0, 8 * 5 + 7, 8 * 9), im.at(0, 5, 9));
}

#[test]
fn random_sized_crop_falls_back_to_scale_and_center_crop() {
    // A 1x50 strip never fits a crop of area >= 4 with aspect in [3/4, 4/3].
    let im = test_image(3, 1, 50);
    let step = Step::RandomSizedCrop {
        size: 4,
        area_frac: 0.08,
        max_iter: 10,
    };
    let out = step.apply(im.clone(), &mut sample_rng(0, 0, 0)).unwrap();
    assert_eq!(out, center_crop(&scale_shorter(&im, 4), 4).unwrap());
}

#[test]
fn pipeline_validation_rejects_bad_parameters() {
    assert!(Pipeline::imagenet_train(224).validate(1).is_err());
    assert!(Pipeline::imagenet_train(224).validate(3).is_ok());
    assert!(
        Pipeline::new(vec![Step::HFlip { p: 1.5 }])
            .validate(3)
            .is_err()
    );
    assert!(
        Pipeline::new(vec![Step::CenterCrop { size: 0 }])
            .validate(3)
            .is_err()
    );
    let p = Pipeline::new(vec![Step::Normalize {
        mean: vec![0.0],
        std: vec![0.0],
    }]);
    assert!(matches!(
        p.validate(1),
        Err(DataError::InvalidOption {
            field: "normalize.std",
            ..
        })
    ));
}

proptest! {
    #[test]
    fn random_sized_crop_stays_in_bounds(h in 1usize..400, w in 1usize..400, seed in any::<u64>()) {
        let mut rng = sample_rng(seed, 0, 0);
        if let Some(b) = sample_random_sized_crop(h, w, 0.08, 10, &mut rng) {
            prop_assert!(b.h >= 1 && b.w >= 1);
            prop_assert!(b.y + b.h <= h && b.x + b.w <= w);
            // Area at least 0.08 of the image up to rounding of each side.
            let lo = (0.08 * (h * w) as f64).sqrt();
            prop_assert!(((b.h + 1) * (b.w + 1)) as f64 >= lo * lo);
        }
    }

    #[test]
    fn imagenet_train_always_outputs_size(h in 1usize..64, w in 1usize..64, size in 1usize..40, seed in any::<u64>()) {
        let out = Pipeline::imagenet_train(size).apply(Image::zeros(3, h, w), &mut sample_rng(seed, 0, 0)).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(out.shape(), [3, size, size]);
    }
}

#[test]
fn random_sized_crop_step_is_sample_then_crop_then_bilinear() {
    let im = test_image(3, 40, 60);
    let step = Step::RandomSizedCrop {
        size: 16,
        area_frac: 0.08,
        max_iter: 10,
    };
    for i in 0..20 {
        let out = step.apply(im.clone(), &mut sample_rng(5, 0, i)).unwrap();
        let b = sample_random_sized_crop(40, 60, 0.08, 10, &mut sample_rng(5, 0, i)).unwrap();
        let aspect = b.w as f64 / b.h as f64;
        assert!(
            (0.6..=1.45).contains(&aspect) || (0.6..=1.45).contains(&(1.0 / aspect)),
            "{b:?}"
        );
        assert_eq!(
            out,
            resize(&crop(&im, b).unwrap(), 16, 16, Interpolation::Bilinear)
        );
    }
}
