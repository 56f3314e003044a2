//! [`Dataset`]: one type over the three sources.

use std::path::Path;

use crate::cifar::Cifar10;
use crate::error::{DataError, Result};
use crate::fashion::FashionMnist;
use crate::folder::{CorruptPolicy, ImageFolder};
use crate::transform::Image;

/// A dataset from any of the supported sources.
///
/// ```
/// use regnet_data::{Dataset, FashionMnist, Split};
/// let ds = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
/// assert_eq!((ds.len(), ds.num_classes(), ds.channels()), (2_000, 10, 1));
/// assert_eq!(ds.native_size(), Some((28, 28)));
/// let im = ds.load(0).unwrap();
/// assert_eq!(im.shape(), [1, 28, 28]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// Fashion-MNIST (1 channel, 28×28, 10 classes).
    FashionMnist(FashionMnist),
    /// CIFAR-10 (3 channels, 32×32, 10 classes).
    Cifar10(Cifar10),
    /// Class folders of JPEG/PNG images (3 channels, any size).
    ImageFolder(ImageFolder),
}

impl From<FashionMnist> for Dataset {
    fn from(d: FashionMnist) -> Self {
        Self::FashionMnist(d)
    }
}

impl From<Cifar10> for Dataset {
    fn from(d: Cifar10) -> Self {
        Self::Cifar10(d)
    }
}

impl From<ImageFolder> for Dataset {
    fn from(d: ImageFolder) -> Self {
        Self::ImageFolder(d)
    }
}

impl Dataset {
    /// Number of samples.
    pub fn len(&self) -> usize {
        match self {
            Self::FashionMnist(d) => d.len(),
            Self::Cifar10(d) => d.len(),
            Self::ImageFolder(d) => d.len(),
        }
    }

    /// True if there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of classes (labels are `0..num_classes()`).
    pub fn num_classes(&self) -> usize {
        match self {
            Self::FashionMnist(_) | Self::Cifar10(_) => 10,
            Self::ImageFolder(d) => d.classes().len(),
        }
    }

    /// Channels of a loaded sample (1 for Fashion-MNIST, 3 otherwise).
    pub fn channels(&self) -> usize {
        match self {
            Self::FashionMnist(_) => 1,
            Self::Cifar10(_) | Self::ImageFolder(_) => 3,
        }
    }

    /// `(height, width)` of every sample, or `None` when sizes vary (image folders).
    pub fn native_size(&self) -> Option<(usize, usize)> {
        match self {
            Self::FashionMnist(_) => Some((FashionMnist::SIDE, FashionMnist::SIDE)),
            Self::Cifar10(_) => Some((Cifar10::SIDE, Cifar10::SIDE)),
            Self::ImageFolder(_) => None,
        }
    }

    /// The label of sample `i`.
    pub fn label(&self, i: usize) -> Result<u32> {
        let len = self.len();
        let oob = DataError::IndexOutOfRange { index: i, len };
        match self {
            Self::FashionMnist(d) => d.labels().get(i).map(|&l| u32::from(l)).ok_or(oob),
            Self::Cifar10(d) => d.labels().get(i).map(|&l| u32::from(l)).ok_or(oob),
            Self::ImageFolder(d) => d.samples().get(i).map(|s| s.1).ok_or(oob),
        }
    }

    /// The file behind sample `i` (image folders only).
    pub fn path(&self, i: usize) -> Option<&Path> {
        match self {
            Self::ImageFolder(d) => d.samples().get(i).map(|s| s.0.as_path()),
            _ => None,
        }
    }

    /// How unreadable files are handled ([`CorruptPolicy::Fail`] for in-memory sources, whose
    /// files were validated when loaded).
    pub fn corrupt_policy(&self) -> CorruptPolicy {
        match self {
            Self::ImageFolder(d) => d.policy(),
            _ => CorruptPolicy::Fail,
        }
    }

    /// Sample `i` as a CHW `f32` image on the 0–255 scale (decoding it for image folders).
    pub fn load(&self, i: usize) -> Result<Image> {
        let len = self.len();
        let oob = || DataError::IndexOutOfRange { index: i, len };
        match self {
            Self::FashionMnist(d) => {
                let px = d.image(i).ok_or_else(oob)?;
                Image::from_chw_u8(1, FashionMnist::SIDE, FashionMnist::SIDE, px)
            }
            Self::Cifar10(d) => {
                let px = d.image(i).ok_or_else(oob)?;
                Image::from_chw_u8(3, Cifar10::SIDE, Cifar10::SIDE, px)
            }
            Self::ImageFolder(d) => d.decode(i),
        }
    }
}
