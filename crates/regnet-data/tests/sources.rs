//! Source tests: the embedded Fashion-MNIST subset, and synthetic IDX / CIFAR-10 / PNG / JPEG
//! files written to a temporary directory, including the corrupt-file errors.

use std::io::Write;
use std::path::Path;

use regnet_data::idx::{self, encode_idx_images, encode_idx_labels};
use regnet_data::{
    CIFAR_RECORD, Cifar10, CorruptPolicy, DataError, Dataset, FashionMnist, ImageFolder, Split,
};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn embedded_subset_counts_and_balance() {
    for (split, n, per_class) in [(Split::Train, 10_000, 1_000), (Split::Test, 2_000, 200)] {
        let ds = FashionMnist::embedded(split).unwrap();
        assert_eq!(ds.len(), n);
        assert_eq!(ds.pixels().len(), n * 784);
        let mut counts = [0usize; 10];
        for &l in ds.labels() {
            counts[usize::from(l)] += 1;
        }
        assert_eq!(counts, [per_class; 10]);
    }
}

#[test]
fn embedded_first_images_checksums() {
    // Independent values from numpy (run in crates/regnet-data/data/fashion-mnist-subset):
    // python3 -c "import gzip,numpy as np; d=gzip.open('train-images-idx3-ubyte.gz').read();
    //   l=gzip.open('train-labels-idx1-ubyte.gz').read(); im=np.frombuffer(d,np.uint8,784,16);
    //   print(int(im.sum(dtype=np.uint64)),
    //         int((im.astype(np.uint64)*np.arange(1,785,dtype=np.uint64)).sum()), l[8])"
    // -> 76247 35954273 9        (same with t10k-*: 33456 16008570 9)
    for (split, sum, weighted, label) in [
        (Split::Train, 76_247u64, 35_954_273u64, 9u8),
        (Split::Test, 33_456, 16_008_570, 9),
    ] {
        let ds = FashionMnist::embedded(split).unwrap();
        let im = ds.image(0).unwrap();
        assert_eq!(im.iter().map(|&v| u64::from(v)).sum::<u64>(), sum);
        assert_eq!(
            im.iter()
                .enumerate()
                .map(|(i, &v)| (i as u64 + 1) * u64::from(v))
                .sum::<u64>(),
            weighted
        );
        assert_eq!(ds.labels()[0], label);
    }
    // The train subset begins 9 0 0 3 0 2 7 2 5 5 like the full file.
    let ds = FashionMnist::embedded(Split::Train).unwrap();
    assert_eq!(&ds.labels()[..10], &[9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
}

/// The subset must be exactly the first N images of each class of the full files (the README's
/// selection rule). Needs Debian's `dataset-fashion-mnist` (or `FASHION_MNIST_DIR`), so it is
/// ignored by default and reported as such; run it with `cargo test -- --ignored`.
#[test]
#[ignore = "needs the full Fashion-MNIST (dataset-fashion-mnist or FASHION_MNIST_DIR)"]
fn embedded_subset_follows_the_selection_rule() {
    let dir = std::env::var_os("FASHION_MNIST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/share/datasets/fashion-mnist".into());
    assert!(
        dir.join("t10k-images-idx3-ubyte.gz").exists(),
        "{} does not hold the full Fashion-MNIST",
        dir.display()
    );
    let full = FashionMnist::from_dir(dir, Split::Test).unwrap();
    assert_eq!(full.len(), 10_000);
    let sub = FashionMnist::embedded(Split::Test).unwrap();
    let mut counts = [0usize; 10];
    let mut k = 0;
    for i in 0..full.len() {
        let l = usize::from(full.labels()[i]);
        if counts[l] < 200 {
            counts[l] += 1;
            assert_eq!(sub.labels()[k], full.labels()[i]);
            assert_eq!(sub.image(k), full.image(i));
            k += 1;
        }
    }
    assert_eq!(k, 2_000);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn synthetic_fashion(n: usize) -> (Vec<u8>, Vec<u8>) {
    let px: Vec<u8> = (0..n * 784).map(|i| (i * 7 % 256) as u8).collect();
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    (
        encode_idx_images(n, 28, 28, &px).unwrap(),
        encode_idx_labels(&labels).unwrap(),
    )
}

#[test]
fn idx_round_trip_raw_and_gzip_from_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let (im, lb) = synthetic_fashion(3);
    // Train split gzip-compressed, test split raw.
    write(tmp.path(), "train-images-idx3-ubyte.gz", &gzip(&im));
    write(tmp.path(), "train-labels-idx1-ubyte.gz", &gzip(&lb));
    write(tmp.path(), "t10k-images-idx3-ubyte", &im);
    write(tmp.path(), "t10k-labels-idx1-ubyte", &lb);
    for split in [Split::Train, Split::Test] {
        let ds = FashionMnist::from_dir(tmp.path(), split).unwrap();
        assert_eq!(ds.len(), 3);
        assert_eq!(ds.labels(), &[0, 1, 2]);
        assert_eq!(ds.image(1).unwrap()[0], (784 * 7 % 256) as u8);
        assert!(ds.image(3).is_none());
        let d = Dataset::from(ds);
        assert_eq!(
            d.load(2).unwrap().at(0, 0, 1),
            ((2 * 784 + 1) * 7 % 256) as f32
        );
        assert!(matches!(
            d.load(3),
            Err(DataError::IndexOutOfRange { index: 3, len: 3 })
        ));
    }
}

#[test]
fn corrupt_idx_files_are_typed_errors_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let (im, lb) = synthetic_fashion(2);
    let lbl = write(tmp.path(), "labels", &lb);

    // Truncated gzip stream.
    let gz = gzip(&im);
    let p = write(tmp.path(), "trunc.gz", &gz[..gz.len() / 2]);
    let err = FashionMnist::from_files(&p, &lbl, Split::Train).unwrap_err();
    assert!(
        matches!(&err, DataError::Gzip { path, .. } if path == &p),
        "{err}"
    );

    // Truncated raw payload.
    let p = write(tmp.path(), "short", &im[..im.len() - 1]);
    let err = FashionMnist::from_files(&p, &lbl, Split::Train).unwrap_err();
    assert!(
        matches!(&err, DataError::IdxSize { path, expected: 1568, found: 1567, .. } if path == &p),
        "{err}"
    );

    // Wrong magic (a label file given as images).
    let err = FashionMnist::from_files(&lbl, &lbl, Split::Train).unwrap_err();
    assert!(matches!(
        err,
        DataError::IdxMagic {
            found: 0x801,
            expected: 0x803,
            ..
        }
    ));

    // Wrong image size.
    let p = write(
        tmp.path(),
        "small",
        &encode_idx_images(2, 2, 2, &[0; 8]).unwrap(),
    );
    let err = FashionMnist::from_files(&p, &lbl, Split::Train).unwrap_err();
    assert!(matches!(
        err,
        DataError::ImageDims {
            found_h: 2,
            expected_h: 28,
            ..
        }
    ));

    // Count mismatch.
    let p_im = write(tmp.path(), "images", &im);
    let p = write(
        tmp.path(),
        "three-labels",
        &encode_idx_labels(&[0, 1, 2]).unwrap(),
    );
    let err = FashionMnist::from_files(&p_im, &p, Split::Train).unwrap_err();
    assert!(matches!(
        err,
        DataError::CountMismatch {
            n_images: 2,
            n_labels: 3,
            ..
        }
    ));

    // Out-of-range label, with its index and path in the message.
    let p = write(
        tmp.path(),
        "bad-labels",
        &encode_idx_labels(&[3, 10]).unwrap(),
    );
    let err = FashionMnist::from_files(&p_im, &p, Split::Train).unwrap_err();
    assert!(
        matches!(&err, DataError::LabelOutOfRange { index: 1, label: 10, num_classes: 10, path } if path == &p)
    );
    assert!(
        err.to_string()
            .ends_with("bad-labels: label 10 at index 1 is out of range (expected < 10)"),
        "{err}"
    );

    // Missing files.
    let err = FashionMnist::from_dir(tmp.path().join("nope"), Split::Test).unwrap_err();
    assert!(
        matches!(&err, DataError::Io { path, .. } if path.ends_with("nope/t10k-images-idx3-ubyte"))
    );
}

fn cifar_records(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, &l) in labels.iter().enumerate() {
        out.push(l);
        out.extend((0..3072).map(|i| ((i + 13 * k) % 251) as u8));
    }
    out
}

#[test]
fn cifar_round_trip_from_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let nested = tmp.path().join("cifar-10-batches-bin");
    std::fs::create_dir(&nested).unwrap();
    for i in 1..=5 {
        write(
            &nested,
            &format!("data_batch_{i}.bin"),
            &cifar_records(&[i, 9 - i]),
        );
    }
    write(&nested, "test_batch.bin", &cifar_records(&[7]));
    let train = Cifar10::from_dir(tmp.path(), Split::Train).unwrap();
    assert_eq!(train.len(), 10);
    assert_eq!(train.labels(), &[1, 8, 2, 7, 3, 6, 4, 5, 5, 4]);
    let test = Cifar10::from_dir(&nested, Split::Test).unwrap();
    assert_eq!(test.labels(), &[7]);
    let d = Dataset::from(train);
    assert_eq!(
        (d.channels(), d.num_classes(), d.native_size()),
        (3, 10, Some((32, 32)))
    );
    let im = d.load(1).unwrap();
    // Record 1 of data_batch_1: byte i = (i + 13) % 251; G plane starts at 1024, row 2 col 5.
    assert_eq!(im.at(1, 2, 5), ((1024 + 2 * 32 + 5 + 13) % 251) as f32);
}

#[test]
fn cifar_corrupt_files_are_typed_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "test_batch.bin",
        &cifar_records(&[1, 2])[..2 * CIFAR_RECORD - 5],
    );
    let err = Cifar10::from_dir(tmp.path(), Split::Test).unwrap_err();
    assert!(
        matches!(&err, DataError::CifarSize { path, len: 6141, record: 3073 } if path == &p),
        "{err}"
    );
    write(tmp.path(), "test_batch.bin", &[]);
    assert!(matches!(
        Cifar10::from_dir(tmp.path(), Split::Test),
        Err(DataError::CifarSize { len: 0, .. })
    ));
    let p = write(tmp.path(), "test_batch.bin", &cifar_records(&[1, 2, 10]));
    let err = Cifar10::from_dir(tmp.path(), Split::Test).unwrap_err();
    assert!(
        matches!(&err, DataError::LabelOutOfRange { index: 2, label: 10, path, .. } if path == &p)
    );
    let err = Cifar10::from_dir(tmp.path(), Split::Train).unwrap_err();
    assert!(matches!(&err, DataError::Io { path, .. } if path.ends_with("data_batch_1.bin")));
}

/// Writes `root/<class>/<name>` images: a PNG whose pixels are known exactly and a JPEG.
fn make_folder(root: &Path) {
    for class in ["n02", "n01"] {
        std::fs::create_dir_all(root.join(class)).unwrap();
    }
    let png = image::RgbImage::from_fn(5, 3, |x, y| {
        image::Rgb([(10 * x) as u8, (50 * y) as u8, 200])
    });
    png.save(root.join("n01/b.png")).unwrap();
    let jpg = image::RgbImage::from_fn(16, 8, |_, _| image::Rgb([100, 150, 200]));
    jpg.save(root.join("n01/a.JPEG")).unwrap();
    let grey = image::GrayImage::from_fn(4, 6, |x, _| image::Luma([(40 * x) as u8]));
    grey.save(root.join("n02/c.png")).unwrap();
    std::fs::write(root.join("n02/notes.txt"), "not an image").unwrap();
}

#[test]
fn image_folder_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    make_folder(tmp.path());
    let f = ImageFolder::from_dir(tmp.path(), CorruptPolicy::Fail).unwrap();
    assert_eq!(f.classes(), &["n01".to_string(), "n02".to_string()]);
    let names: Vec<_> = f
        .samples()
        .iter()
        .map(|(p, l)| (p.file_name().unwrap().to_str().unwrap().to_string(), *l))
        .collect();
    assert_eq!(
        names,
        vec![
            ("a.JPEG".into(), 0),
            ("b.png".into(), 0),
            ("c.png".into(), 1)
        ]
    );
    assert_eq!(f.ignored_files(), 1);
    assert!(f.verify().is_empty());
    let d = Dataset::from(f);
    assert_eq!(
        (d.len(), d.num_classes(), d.channels(), d.native_size()),
        (3, 2, 3, None)
    );
    // PNG: exact pixels, RGB planes.
    let png = d.load(1).unwrap();
    assert_eq!(png.shape(), [3, 3, 5]);
    assert_eq!(
        (png.at(0, 2, 4), png.at(1, 2, 4), png.at(2, 2, 4)),
        (40.0, 100.0, 200.0)
    );
    // JPEG: a flat colour survives lossy coding within a few levels.
    let jpg = d.load(0).unwrap();
    assert_eq!(jpg.shape(), [3, 8, 16]);
    for (ch, want) in [100.0, 150.0, 200.0].into_iter().enumerate() {
        assert!(
            (jpg.at(ch, 4, 8) - want).abs() <= 3.0,
            "channel {ch}: {}",
            jpg.at(ch, 4, 8)
        );
    }
    // Grey-scale becomes 3 equal channels.
    let g = d.load(2).unwrap();
    assert_eq!(
        (g.at(0, 1, 3), g.at(1, 1, 3), g.at(2, 1, 3)),
        (120.0, 120.0, 120.0)
    );
}

#[test]
fn image_folder_corrupt_and_empty() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        ImageFolder::from_dir(tmp.path(), CorruptPolicy::Fail),
        Err(DataError::EmptyFolder { .. })
    ));
    std::fs::create_dir(tmp.path().join("cls")).unwrap();
    assert!(matches!(
        ImageFolder::from_dir(tmp.path(), CorruptPolicy::Fail),
        Err(DataError::EmptyFolder { .. })
    ));
    let bad = write(&tmp.path().join("cls"), "bad.jpg", b"\xff\xd8\xff garbage");
    let f = ImageFolder::from_dir(tmp.path(), CorruptPolicy::Fail).unwrap();
    let err = f.decode(0).unwrap_err();
    assert!(
        matches!(&err, DataError::Decode { path, .. } if path == &bad),
        "{err}"
    );
    let v = f.verify();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].path, bad);
}

#[test]
fn train_and_val_folders_must_have_the_same_classes() {
    let tmp = tempfile::tempdir().unwrap();
    let (train, val) = (tmp.path().join("train"), tmp.path().join("val"));
    make_folder(&train);
    make_folder(&val);
    let (t, v) = ImageFolder::train_val(&train, &val, CorruptPolicy::Fail).unwrap();
    assert_eq!(t.classes(), v.classes());
    // Same number of classes, different names: must not be silently remapped.
    std::fs::rename(val.join("n02"), val.join("n03")).unwrap();
    let err = ImageFolder::train_val(&train, &val, CorruptPolicy::Fail).unwrap_err();
    match &err {
        DataError::ClassMismatch {
            n_train,
            n_val,
            only_train,
            only_val,
            ..
        } => {
            assert_eq!((*n_train, *n_val), (2, 2));
            assert_eq!((only_train.as_str(), only_val.as_str()), ("n02", "n03"));
        }
        other => panic!("{other}"),
    }
    assert!(!err.to_string().contains('\n'));
    // A missing class (fewer classes in val) is an error too, not an index out of bounds later.
    std::fs::remove_dir_all(val.join("n03")).unwrap();
    let err = ImageFolder::train_val(&train, &val, CorruptPolicy::Fail).unwrap_err();
    assert!(
        matches!(&err, DataError::ClassMismatch { n_train: 2, n_val: 1, only_val, .. } if only_val == "-"),
        "{err}"
    );
}

#[test]
fn empty_fashion_split_is_an_error() {
    let images = idx::encode_idx_images(0, 28, 28, &[]).unwrap();
    let labels = idx::encode_idx_labels(&[]).unwrap();
    let err = FashionMnist::from_idx_bytes(
        &images,
        Path::new("t10k-images"),
        &labels,
        Path::new("t10k-labels"),
        Split::Test,
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::EmptySplit { split: "test", .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "t10k-images: the test split holds no samples"
    );
}

#[test]
fn resolutions_beyond_the_limit_are_rejected_before_any_work() {
    let d = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
    let pipe = regnet_data::Pipeline::fashion_mnist(regnet_data::FashionMnistTransform {
        size: 65536,
        ..Default::default()
    });
    let err = regnet_data::Loader::new(d, pipe, regnet_data::LoaderConfig::default()).err();
    let err = err.expect("65536 is above MAX_SIDE");
    assert_eq!(
        err.to_string(),
        "invalid resize = 65536x65536: sides must be at most 4096 (MAX_SIDE)"
    );
}

#[test]
fn oversized_files_are_refused_before_reading() {
    // A sparse 2 GiB file: refused from its size, nothing is read or allocated.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("data_batch_1.bin");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let err = Cifar10::from_files(std::slice::from_ref(&path), Split::Train).unwrap_err();
    assert!(
        matches!(err, DataError::FileTooLarge { len, max, .. } if len == 2 << 30 && max == idx::MAX_FILE_BYTES),
        "{err}"
    );
    let err = FashionMnist::from_files(&path, &path, Split::Train).unwrap_err();
    assert!(matches!(err, DataError::FileTooLarge { .. }), "{err}");
}

#[test]
fn images_declaring_huge_sizes_are_decode_errors() {
    // A valid PNG of 9000 x 1 pixels: above MAX_DECODE_SIDE, refused from its header.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("cls")).unwrap();
    let path = tmp.path().join("cls/wide.png");
    image::GrayImage::new(9000, 1).save(&path).unwrap();
    let f = ImageFolder::from_dir(tmp.path(), CorruptPolicy::Fail).unwrap();
    let err = f.decode(0).unwrap_err();
    assert!(
        matches!(&err, DataError::Decode { path: p, .. } if p == &path),
        "{err}"
    );
    assert!(!err.to_string().contains('\n'));
    // At the limit it decodes.
    image::GrayImage::new(regnet_data::MAX_DECODE_SIDE, 1)
        .save(&path)
        .unwrap();
    assert_eq!(f.decode(0).unwrap().shape(), [3, 1, 8192]);
}
