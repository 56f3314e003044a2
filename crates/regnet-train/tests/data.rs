//! `load_data` for CIFAR-10 and image folders on small synthetic files: split sizes, label order,
//! classes and the normalised values the loaders yield.

use std::path::{Path, PathBuf};

use regnet_data::transform::{CIFAR_MEAN, CIFAR_STD, IMAGENET_MEAN, IMAGENET_STD};
use regnet_train::{DataOptions, DatasetKind, TrainError, load_data};

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regnet-train-data-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn options(kind: DatasetKind, dir: &Path, resolution: Option<usize>) -> DataOptions {
    DataOptions {
        kind,
        dir: Some(dir.to_path_buf()),
        resolution,
        batch_size: 8,
        test_batch_size: 100,
        seed: 0,
        workers: 1,
        ..DataOptions::default()
    }
}

/// A CIFAR-10 batch of `n` images: image i has label (i + offset) % 10 and every red pixel equal to
/// 10·i + offset, green 1, blue 2 (channel-planar, as the binary format stores them).
fn cifar_batch(n: usize, offset: usize) -> Vec<u8> {
    let mut d = Vec::new();
    for i in 0..n {
        d.push(((i + offset) % 10) as u8);
        d.extend(std::iter::repeat_n((10 * i + offset) as u8, 1024));
        d.extend(std::iter::repeat_n(1u8, 1024));
        d.extend(std::iter::repeat_n(2u8, 1024));
    }
    d
}

#[test]
fn cifar10_from_batches() {
    let dir = temp("cifar");
    for b in 1..=5 {
        std::fs::write(dir.join(format!("data_batch_{b}.bin")), cifar_batch(4, b)).unwrap();
    }
    std::fs::write(dir.join("test_batch.bin"), cifar_batch(6, 0)).unwrap();
    let data = load_data(&options(DatasetKind::Cifar10, &dir, None)).unwrap();
    assert_eq!(data.train.dataset().len(), 20);
    assert_eq!(data.test.dataset().len(), 6);
    assert_eq!(data.num_classes(), 10);
    assert_eq!(data.channels(), 3);
    assert_eq!(data.resolution, 32);
    // The test loader keeps file order and normalises with pycls's CIFAR mean and std (0–255).
    let batch = data.test.epoch(0).next().unwrap().unwrap();
    assert_eq!(batch.labels, [0, 1, 2, 3, 4, 5]);
    assert_eq!([batch.n, batch.c, batch.h, batch.w], [6, 3, 32, 32]);
    let plane = 32 * 32;
    for i in 0..6 {
        let img = &batch.images[i * 3 * plane..(i + 1) * 3 * plane];
        let red = (10.0 * i as f32 - CIFAR_MEAN[0]) / CIFAR_STD[0];
        let green = (1.0 - CIFAR_MEAN[1]) / CIFAR_STD[1];
        let blue = (2.0 - CIFAR_MEAN[2]) / CIFAR_STD[2];
        assert!(
            (img[0] - red).abs() < 1e-5,
            "image {i}: {} vs {red}",
            img[0]
        );
        assert!((img[plane + 5] - green).abs() < 1e-5);
        assert!((img[2 * plane + 1023] - blue).abs() < 1e-5);
    }
    // A missing training batch is a typed error naming it.
    std::fs::remove_file(dir.join("data_batch_3.bin")).unwrap();
    let e = load_data(&options(DatasetKind::Cifar10, &dir, None)).unwrap_err();
    assert!(matches!(e, TrainError::Data(_)), "{e:?}");
    assert!(e.to_string().contains("data_batch_3"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A solid-colour 8-bit RGB PNG (stored deflate blocks).
fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    // Each row: filter byte 0, then w RGB pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain(rgb.iter().copied().cycle().take(3 * w as usize))
        .collect();
    let raw = row.repeat(h as usize);
    let mut z = vec![0x78, 0x01, 1];
    let n = raw.len() as u16;
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&(!n).to_le_bytes());
    z.extend_from_slice(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let crc = |data: &[u8]| {
        let mut c = 0xFFFF_FFFFu32;
        for &x in data {
            c ^= u32::from(x);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc(&chunk).to_be_bytes());
    }
    out
}

const COLOURS: [(&str, [u8; 3]); 3] = [
    ("bird", [200, 10, 10]),
    ("cat", [10, 200, 10]),
    ("dog", [10, 10, 200]),
];

fn image_folder(dir: &Path, val_classes: &[&str]) {
    for (class, rgb) in COLOURS {
        for i in 0..3 {
            let d = dir.join("train").join(class);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join(format!("{i}.png")), png(40 + i, 30, rgb)).unwrap();
        }
        if val_classes.contains(&class) {
            let d = dir.join("val").join(class);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("v.png"), png(24, 36, rgb)).unwrap();
        }
    }
}

#[test]
fn image_folder_train_and_val() {
    let dir = temp("folder");
    image_folder(&dir, &["bird", "cat", "dog"]);
    let data = load_data(&options(DatasetKind::ImageFolder, &dir, Some(16))).unwrap();
    assert_eq!(data.train.dataset().len(), 9);
    assert_eq!(data.test.dataset().len(), 3);
    assert_eq!(data.num_classes(), 3);
    assert_eq!(data.resolution, 16);
    // Classes are the sorted folder names; a solid colour stays solid through resize and crop.
    let batch = data.test.epoch(0).next().unwrap().unwrap();
    assert_eq!(batch.labels, [0, 1, 2]);
    assert_eq!([batch.n, batch.c, batch.h, batch.w], [3, 3, 16, 16]);
    let plane = 16 * 16;
    for (i, (_, rgb)) in COLOURS.iter().enumerate() {
        for ch in 0..3 {
            let expected = (f32::from(rgb[ch]) / 255.0 - IMAGENET_MEAN[ch]) / IMAGENET_STD[ch];
            let v = &batch.images[(i * 3 + ch) * plane..(i * 3 + ch + 1) * plane];
            assert!(
                v.iter().all(|x| (x - expected).abs() < 1e-4),
                "class {i} channel {ch}: {} vs {expected}",
                v[0]
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn image_folder_with_other_validation_classes_is_refused() {
    let dir = temp("folder-mismatch");
    image_folder(&dir, &["bird", "cat"]);
    std::fs::create_dir_all(dir.join("val/wolf")).unwrap();
    std::fs::write(dir.join("val/wolf/w.png"), png(8, 8, [1, 2, 3])).unwrap();
    let e = load_data(&options(DatasetKind::ImageFolder, &dir, Some(16))).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(
            e,
            TrainError::Data(regnet_data::DataError::ClassMismatch { .. })
        ),
        "{e:?}"
    );
    assert!(msg.contains("dog") && msg.contains("wolf"), "{msg}");
    std::fs::remove_dir_all(&dir).ok();
}
