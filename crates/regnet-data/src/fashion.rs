//! Fashion-MNIST (Zalando Research): 28×28 grey-scale, 10 classes, IDX files.

use std::path::{Path, PathBuf};

use crate::error::{DataError, Result};
use crate::idx::{parse_idx_images, parse_idx_labels, read_file};

/// Which half of a dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Split {
    /// Training images.
    Train,
    /// Evaluation images (Fashion-MNIST "t10k", CIFAR-10 "test_batch", an ImageNet "val" folder).
    Test,
}

/// Embedded subset files: the first 1,000 (train) / 200 (test) images of each class in file
/// order; see `data/fashion-mnist-subset/README.md`.
const EMBEDDED_TRAIN_IMAGES: &[u8] =
    include_bytes!("../data/fashion-mnist-subset/train-images-idx3-ubyte.gz");
const EMBEDDED_TRAIN_LABELS: &[u8] =
    include_bytes!("../data/fashion-mnist-subset/train-labels-idx1-ubyte.gz");
const EMBEDDED_TEST_IMAGES: &[u8] =
    include_bytes!("../data/fashion-mnist-subset/t10k-images-idx3-ubyte.gz");
const EMBEDDED_TEST_LABELS: &[u8] =
    include_bytes!("../data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz");

/// A Fashion-MNIST split held in memory as bytes (any MNIST-format IDX pair of 28×28 images
/// with labels 0..10 loads, so plain MNIST works too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FashionMnist {
    images: Vec<u8>,
    labels: Vec<u8>,
    split: Split,
}

impl FashionMnist {
    /// Class names, by label.
    pub const CLASSES: [&'static str; 10] = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ];
    /// Image side in pixels.
    pub const SIDE: usize = 28;

    /// The class-balanced subset compiled into this crate: 10,000 train images (1,000 per
    /// class) or 2,000 test images (200 per class). Needs no files, so examples run on a fresh
    /// clone.
    ///
    /// ```
    /// use regnet_data::{FashionMnist, Split};
    /// let test = FashionMnist::embedded(Split::Test).unwrap();
    /// assert_eq!(test.len(), 2_000);
    /// ```
    pub fn embedded(split: Split) -> Result<Self> {
        let (images, labels, name) = match split {
            Split::Train => (EMBEDDED_TRAIN_IMAGES, EMBEDDED_TRAIN_LABELS, "train"),
            Split::Test => (EMBEDDED_TEST_IMAGES, EMBEDDED_TEST_LABELS, "t10k"),
        };
        let dir = Path::new("<embedded>/fashion-mnist-subset");
        Self::from_idx_bytes(
            images,
            &dir.join(format!("{name}-images-idx3-ubyte.gz")),
            labels,
            &dir.join(format!("{name}-labels-idx1-ubyte.gz")),
            split,
        )
    }

    /// Loads a split from a directory holding the standard file names
    /// (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`,
    /// `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`); the `.gz` name is tried
    /// first. E.g. Debian's `dataset-fashion-mnist` installs `/usr/share/datasets/fashion-mnist`.
    pub fn from_dir(dir: impl AsRef<Path>, split: Split) -> Result<Self> {
        let dir = dir.as_ref();
        let prefix = match split {
            Split::Train => "train",
            Split::Test => "t10k",
        };
        let pick = |kind: &str| -> PathBuf {
            let gz = dir.join(format!("{prefix}-{kind}-ubyte.gz"));
            if gz.exists() {
                gz
            } else {
                dir.join(format!("{prefix}-{kind}-ubyte"))
            }
        };
        Self::from_files(pick("images-idx3"), pick("labels-idx1"), split)
    }

    /// Loads an image file and a label file (each raw or gzip).
    pub fn from_files(
        images: impl AsRef<Path>,
        labels: impl AsRef<Path>,
        split: Split,
    ) -> Result<Self> {
        let (images, labels) = (images.as_ref(), labels.as_ref());
        Self::from_idx_bytes(
            &read_file(images)?,
            images,
            &read_file(labels)?,
            labels,
            split,
        )
    }

    /// Parses in-memory IDX bytes; the paths only name the data in errors.
    ///
    /// Checks the magic numbers and sizes ([`crate::idx::parse_idx_images`]), that images are
    /// 28×28 ([`DataError::ImageDims`]), that the counts agree ([`DataError::CountMismatch`])
    /// and that every label is below 10 ([`DataError::LabelOutOfRange`], with its index). An
    /// empty split is an error ([`DataError::EmptySplit`]): evaluating on it would report 0 %.
    pub fn from_idx_bytes(
        images: &[u8],
        images_path: &Path,
        labels: &[u8],
        labels_path: &Path,
        split: Split,
    ) -> Result<Self> {
        let im = parse_idx_images(images, images_path)?;
        if (im.rows, im.cols) != (Self::SIDE, Self::SIDE) {
            return Err(DataError::ImageDims {
                path: images_path.to_path_buf(),
                found_h: im.rows,
                found_w: im.cols,
                expected_h: Self::SIDE,
                expected_w: Self::SIDE,
            });
        }
        let labels = parse_idx_labels(labels, labels_path)?;
        if im.count == 0 {
            return Err(DataError::EmptySplit {
                path: images_path.to_path_buf(),
                split: match split {
                    Split::Train => "train",
                    Split::Test => "test",
                },
            });
        }
        if labels.len() != im.count {
            return Err(DataError::CountMismatch {
                images: images_path.to_path_buf(),
                n_images: im.count,
                labels: labels_path.to_path_buf(),
                n_labels: labels.len(),
            });
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|&(_, &l)| usize::from(l) >= 10)
        {
            return Err(DataError::LabelOutOfRange {
                path: labels_path.to_path_buf(),
                index,
                label: u32::from(label),
                num_classes: 10,
            });
        }
        Ok(Self {
            images: im.pixels,
            labels,
            split,
        })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True if there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The split this was loaded as.
    pub fn split(&self) -> Split {
        self.split
    }

    /// All labels (0..10), in file order.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The 784 row-major pixel bytes of image `i`, or `None` past the end.
    pub fn image(&self, i: usize) -> Option<&[u8]> {
        let n = Self::SIDE * Self::SIDE;
        self.images.get(i * n..(i + 1) * n)
    }

    /// All pixel bytes, `len() · 784`.
    pub fn pixels(&self) -> &[u8] {
        &self.images
    }
}
