//! Loader tests: batch layout, determinism across worker counts, epochs, corrupt-file policy.

use std::path::Path;

use regnet_data::{
    Batch, Cifar10, CorruptPolicy, DataError, Dataset, FashionMnist, FashionMnistTransform,
    ImageFolder, Loader, LoaderConfig, Pipeline, Split,
};

fn collect(loader: &Loader, epoch: u64) -> Vec<Batch> {
    loader.epoch(epoch).map(|b| b.unwrap()).collect()
}

fn cfg(batch_size: usize, workers: usize) -> LoaderConfig {
    LoaderConfig {
        batch_size,
        workers,
        prefetch: 2,
        seed: 42,
        ..LoaderConfig::default()
    }
}

#[test]
fn batches_cover_the_epoch_in_nchw() {
    let ds = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
    let pipe = Pipeline::fashion_mnist(FashionMnistTransform::default());
    let loader = Loader::new(
        ds,
        pipe,
        LoaderConfig {
            shuffle: false,
            ..cfg(300, 2)
        },
    )
    .unwrap();
    let batches = collect(&loader, 0);
    assert_eq!(batches.len(), 7);
    assert_eq!(batches[6].shape(), [200, 1, 28, 28]);
    let all: Vec<usize> = batches.iter().flat_map(|b| b.indices.clone()).collect();
    assert_eq!(all, (0..2000).collect::<Vec<_>>());
    // Sample 0 of batch 0 is image 0 normalized; pixel k of image 0 sits at images[k].
    let raw = loader.dataset().load(0).unwrap();
    let b = &batches[0];
    assert_eq!(b.labels[0], 9);
    assert_eq!(b.images.len(), 300 * 784);
    for k in [0, 400, 783] {
        let want = (raw.data[k] / 255.0 - 0.2860) / 0.3530;
        assert!((b.images[k] - want).abs() < 1e-6);
    }
    let drop = Loader::new(
        loader.dataset().clone(),
        loader.pipeline().clone(),
        LoaderConfig {
            drop_last: true,
            ..cfg(300, 0)
        },
    )
    .unwrap();
    assert_eq!(drop.num_batches(), 6);
    assert_eq!(drop.epoch(0).count(), 6);
}

#[test]
fn identical_batches_for_0_1_and_4_workers() {
    let ds = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
    let pipe = Pipeline::fashion_mnist(FashionMnistTransform {
        augment: true,
        size: 32,
        ..Default::default()
    });
    let reference = collect(
        &Loader::new(ds.clone(), pipe.clone(), cfg(96, 0)).unwrap(),
        3,
    );
    for workers in [1, 4] {
        let loader = Loader::new(ds.clone(), pipe.clone(), cfg(96, workers)).unwrap();
        assert_eq!(collect(&loader, 3), reference, "{workers} workers");
    }
    // Random access gives the same batch.
    let loader = Loader::new(ds, pipe, cfg(96, 4)).unwrap();
    assert_eq!(loader.batch(3, 5).unwrap(), reference[5]);
    assert!(matches!(
        loader.batch(3, 21),
        Err(DataError::IndexOutOfRange { index: 21, len: 21 })
    ));
}

#[test]
fn augmentation_does_not_depend_on_batch_size() {
    let ds = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
    let pipe = Pipeline::fashion_mnist(FashionMnistTransform {
        augment: true,
        ..Default::default()
    });
    let a = collect(
        &Loader::new(ds.clone(), pipe.clone(), cfg(50, 2)).unwrap(),
        1,
    );
    let b = collect(&Loader::new(ds, pipe, cfg(200, 3)).unwrap(), 1);
    let flat = |v: &[Batch]| {
        v.iter()
            .flat_map(|b| b.images.clone())
            .collect::<Vec<f32>>()
    };
    assert_eq!(flat(&a), flat(&b));
}

#[test]
fn epochs_and_seeds_change_order_and_augmentation() {
    let ds = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
    let pipe = Pipeline::fashion_mnist(FashionMnistTransform {
        augment: true,
        ..Default::default()
    });
    let loader = Loader::new(ds.clone(), pipe.clone(), cfg(64, 2)).unwrap();
    let (e0, e1) = (loader.batch(0, 0).unwrap(), loader.batch(1, 0).unwrap());
    assert_ne!(e0.indices, e1.indices);
    let mut sorted = loader.order(0);
    sorted.sort_unstable();
    assert_eq!(sorted, (0..2000).collect::<Vec<_>>());
    // Same sample, other epoch: other augmentation (with overwhelming probability).
    let other_seed = Loader::new(
        ds,
        pipe,
        LoaderConfig {
            seed: 43,
            ..cfg(64, 2)
        },
    )
    .unwrap();
    assert_ne!(other_seed.batch(0, 0).unwrap().indices, e0.indices);
}

/// Synthetic 3-channel data through the ImageNet train recipe (random-sized crop, flip,
/// lighting), with 1 and 4 workers.
#[test]
fn imagenet_recipe_is_deterministic_across_workers() {
    let mut bytes = Vec::new();
    for k in 0..40u32 {
        bytes.push((k % 10) as u8);
        bytes.extend((0..3072u32).map(|i| ((i * 31 + k * 17) % 256) as u8));
    }
    let ds = Dataset::from(Cifar10::from_bytes(&bytes, Path::new("mem"), Split::Train).unwrap());
    let pipe = Pipeline::imagenet_train(24);
    let one = collect(
        &Loader::new(ds.clone(), pipe.clone(), cfg(8, 1)).unwrap(),
        0,
    );
    let four = collect(&Loader::new(ds, pipe, cfg(8, 4)).unwrap(), 0);
    assert_eq!(one, four);
    assert_eq!(one[0].shape(), [8, 3, 24, 24]);
}

#[test]
fn loader_rejects_bad_config() {
    let ds = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
    let pipe = Pipeline::fashion_mnist(FashionMnistTransform::default());
    assert!(matches!(
        Loader::new(ds.clone(), pipe.clone(), cfg(0, 1)),
        Err(DataError::InvalidOption {
            field: "batch_size",
            ..
        })
    ));
    assert!(matches!(
        Loader::new(
            ds.clone(),
            pipe,
            LoaderConfig {
                prefetch: 0,
                ..cfg(8, 1)
            }
        ),
        Err(DataError::InvalidOption {
            field: "prefetch",
            ..
        })
    ));
    // Lighting needs RGB.
    assert!(matches!(
        Loader::new(ds, Pipeline::imagenet_train(28), cfg(8, 1)),
        Err(DataError::Channels { .. })
    ));
}

#[test]
fn dropping_an_epoch_early_stops_the_workers() {
    let ds = Dataset::from(FashionMnist::embedded(Split::Train).unwrap());
    let loader = Loader::new(ds, Pipeline::identity(), cfg(10, 4)).unwrap();
    let mut it = loader.epoch(0);
    assert_eq!(it.next().unwrap().unwrap().n, 10);
    assert_eq!(it.position(), 1);
    drop(it); // must return promptly (joins 4 workers blocked on the prefetch window)
}

fn folder_with_corrupt_file(root: &Path) {
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::create_dir_all(root.join("b")).unwrap();
    for (i, cls) in ["a", "a", "b"].iter().enumerate() {
        let im = image::RgbImage::from_fn(6, 4, |x, y| {
            image::Rgb([(x * 40) as u8, (y * 60) as u8, (i * 80) as u8])
        });
        im.save(root.join(cls).join(format!("{i}.png"))).unwrap();
    }
    std::fs::write(root.join("b/zz-broken.png"), b"\x89PNG\r\n\x1a\n truncated").unwrap();
}

#[test]
fn corrupt_file_fails_or_is_skipped_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    folder_with_corrupt_file(tmp.path());
    let broken = tmp.path().join("b/zz-broken.png");
    let pipe = Pipeline::imagenet_test(4);
    let config = LoaderConfig {
        shuffle: false,
        ..cfg(4, 2)
    };

    let fail = Dataset::from(ImageFolder::from_dir(tmp.path(), CorruptPolicy::Fail).unwrap());
    let results: Vec<_> = Loader::new(fail, pipe.clone(), config.clone())
        .unwrap()
        .epoch(0)
        .collect();
    assert_eq!(results.len(), 1);
    assert!(matches!(&results[0], Err(DataError::Decode { path, .. }) if path == &broken));

    let skip = Dataset::from(ImageFolder::from_dir(tmp.path(), CorruptPolicy::Skip).unwrap());
    let batches = collect(&Loader::new(skip, pipe, config).unwrap(), 0);
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    assert_eq!(b.shape(), [3, 3, 4, 4]);
    assert_eq!(b.labels, vec![0, 0, 1]);
    assert_eq!(b.skipped.len(), 1);
    assert_eq!((b.skipped[0].index, &b.skipped[0].path), (3, &broken));
    assert!(b.skipped[0].reason.contains("cannot decode image"));
}

#[test]
fn differing_sizes_without_crop_are_a_shape_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("c")).unwrap();
    image::RgbImage::new(4, 4)
        .save(tmp.path().join("c/0.png"))
        .unwrap();
    image::RgbImage::new(5, 4)
        .save(tmp.path().join("c/1.png"))
        .unwrap();
    let ds = Dataset::from(ImageFolder::from_dir(tmp.path(), CorruptPolicy::Fail).unwrap());
    let loader = Loader::new(
        ds,
        Pipeline::identity(),
        LoaderConfig {
            shuffle: false,
            ..cfg(2, 0)
        },
    )
    .unwrap();
    let err = loader.batch(0, 0).unwrap_err();
    assert!(matches!(
        err,
        DataError::ShapeMismatch {
            index: 1,
            expected: [3, 4, 4],
            found: [3, 4, 5]
        }
    ));
}

#[test]
fn loader_sizes_beyond_the_limits_are_typed_errors() {
    let d = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
    for (config, msg) in [
        (
            LoaderConfig {
                workers: usize::MAX,
                ..cfg(8, 1)
            },
            "invalid workers = 18446744073709551615: must be at most 256 (MAX_WORKERS)",
        ),
        (
            cfg(1 << 20, 0),
            "invalid batch_size = 1048576: must be at most 65536 (MAX_BATCH_SIZE)",
        ),
        (
            LoaderConfig {
                prefetch: 5000,
                ..cfg(8, 2)
            },
            "invalid prefetch = 5000: must be at most 1024 (MAX_PREFETCH)",
        ),
    ] {
        let err = Loader::new(d.clone(), Pipeline::identity(), config).err();
        assert_eq!(err.map(|e| e.to_string()).as_deref(), Some(msg));
    }
}
