//! Building [`TrainData`] for the supported data sets with the paper's (or pycls's) transforms.

use std::path::Path;

use regnet_data::{
    Cifar10, CorruptPolicy, Dataset, FashionMnist, FashionMnistTransform, ImageFolder, Loader,
    LoaderConfig, Pipeline, Split,
};

use crate::{TrainData, TrainError};

/// Which data set to train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetKind {
    /// Fashion-MNIST (IDX files, or the embedded 10k/2k subset when no directory is given).
    FashionMnist,
    /// CIFAR-10 binary batches.
    Cifar10,
    /// ImageNet-style class folders (`DIR/train/<class>/*`, `DIR/val/<class>/*`).
    ImageFolder,
}

impl DatasetKind {
    /// Parses `fashion-mnist`, `cifar10` or `imagefolder` (also `imagenet`).
    pub fn from_name(name: &str) -> Result<Self, TrainError> {
        match name {
            "fashion-mnist" | "fashion_mnist" | "fmnist" => Ok(Self::FashionMnist),
            "cifar10" | "cifar-10" => Ok(Self::Cifar10),
            "imagefolder" | "imagenet" => Ok(Self::ImageFolder),
            other => Err(TrainError::Config {
                field: "dataset",
                message: format!(
                    "unknown data set {other:?} (fashion-mnist, cifar10, imagefolder)"
                ),
            }),
        }
    }
}

/// Options for [`load_data`].
#[derive(Debug, Clone)]
pub struct DataOptions {
    /// The data set.
    pub kind: DatasetKind,
    /// Its directory; `None` means the embedded Fashion-MNIST subset.
    pub dir: Option<std::path::PathBuf>,
    /// Training/test image side; `None` = the data set's native size (28, 32) or 224 for folders.
    pub resolution: Option<usize>,
    /// Training batch size.
    pub batch_size: usize,
    /// Test batch size.
    pub test_batch_size: usize,
    /// Seed of data order and augmentation.
    pub seed: u64,
    /// Loader worker threads.
    pub workers: usize,
    /// Training augmentation (flip + pad-crop for small images; the paper's for folders).
    pub augment: bool,
    /// What to do with a corrupt image file in a folder data set.
    pub corrupt: CorruptPolicy,
}

impl Default for DataOptions {
    /// The embedded Fashion-MNIST subset at 28×28, batch 128, 2 workers, augmentation on.
    fn default() -> Self {
        Self {
            kind: DatasetKind::FashionMnist,
            dir: None,
            resolution: None,
            batch_size: 128,
            test_batch_size: 200,
            seed: 0,
            workers: 2,
            augment: true,
            corrupt: CorruptPolicy::Fail,
        }
    }
}

/// Loads the training and test splits with matching transforms.
pub fn load_data(o: &DataOptions) -> Result<TrainData, TrainError> {
    let (train, test, train_pipe, test_pipe, res): (Dataset, Dataset, Pipeline, Pipeline, usize) =
        match o.kind {
            DatasetKind::FashionMnist => {
                let (tr, te) = match &o.dir {
                    Some(d) => (
                        FashionMnist::from_dir(d, Split::Train)?,
                        FashionMnist::from_dir(d, Split::Test)?,
                    ),
                    None => (
                        FashionMnist::embedded(Split::Train)?,
                        FashionMnist::embedded(Split::Test)?,
                    ),
                };
                let size = o.resolution.unwrap_or(28);
                let t = FashionMnistTransform {
                    size,
                    augment: o.augment,
                    ..Default::default()
                };
                let test_t = FashionMnistTransform {
                    augment: false,
                    ..t
                };
                (
                    tr.into(),
                    te.into(),
                    Pipeline::fashion_mnist(t),
                    Pipeline::fashion_mnist(test_t),
                    size,
                )
            }
            DatasetKind::Cifar10 => {
                let d = require_dir(o, "cifar10")?;
                let (tr, te) = (
                    Cifar10::from_dir(d, Split::Train)?,
                    Cifar10::from_dir(d, Split::Test)?,
                );
                let train_pipe = if o.augment {
                    Pipeline::cifar_train()
                } else {
                    Pipeline::cifar_test()
                };
                (tr.into(), te.into(), train_pipe, Pipeline::cifar_test(), 32)
            }
            DatasetKind::ImageFolder => {
                let d = require_dir(o, "imagefolder")?;
                let size = o.resolution.unwrap_or(224);
                // The same class folders in both splits, or a typed error: labels are never
                // remapped between them.
                let (tr, te) = ImageFolder::train_val(d.join("train"), d.join("val"), o.corrupt)?;
                (
                    tr.into(),
                    te.into(),
                    Pipeline::imagenet_train(size),
                    Pipeline::imagenet_test(size),
                    size,
                )
            }
        };
    let loader = |ds: Dataset, pipe: Pipeline, batch: usize, shuffle: bool| {
        Loader::new(
            ds,
            pipe,
            LoaderConfig {
                batch_size: batch,
                shuffle,
                drop_last: false,
                seed: o.seed,
                workers: o.workers,
                // Saturating: a huge --workers must reach the loader's MAX_WORKERS check, not overflow here.
                prefetch: o
                    .workers
                    .max(1)
                    .saturating_mul(2)
                    .min(regnet_data::MAX_PREFETCH),
            },
        )
    };
    Ok(TrainData {
        train: loader(train, train_pipe, o.batch_size, true)?,
        test: loader(test, test_pipe, o.test_batch_size, false)?,
        resolution: res as u32,
    })
}

fn require_dir<'a>(o: &'a DataOptions, name: &str) -> Result<&'a Path, TrainError> {
    o.dir.as_deref().ok_or_else(|| TrainError::Config {
        field: "data_dir",
        message: format!("--dataset {name} needs --data-dir"),
    })
}
