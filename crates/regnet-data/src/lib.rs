//! Data for training RegNets (Radosavovic et al., "Designing Network Design Spaces", CVPR 2020)
//! with plain Rust types, independent of any tensor library.
//!
//! * Sources: [`FashionMnist`] (IDX files, plus a class-balanced 10k/2k subset compiled into the
//!   crate: [`FashionMnist::embedded`]), [`Cifar10`] (binary batches) and [`ImageFolder`]
//!   (ImageNet-style `root/<class>/<image>`), unified by [`Dataset`].
//! * Transforms with the semantics of pycls, the paper's code base: [`Pipeline`] of [`Step`]s
//!   with the ImageNet, CIFAR-10 and Fashion-MNIST recipes.
//! * [`Loader`]: shuffles and augments deterministically from `(seed, epoch, sample index)`,
//!   decodes and transforms on worker threads with bounded prefetch, and yields NCHW
//!   [`Batch`]es (`Vec<f32>` images, `Vec<u32>` labels) that a training crate turns into
//!   tensors.
//!
//! ```
//! use regnet_data::{Dataset, FashionMnist, FashionMnistTransform, Loader, LoaderConfig, Pipeline, Split};
//!
//! let train = Dataset::from(FashionMnist::embedded(Split::Train)?);
//! let pipeline = Pipeline::fashion_mnist(FashionMnistTransform { augment: true, ..Default::default() });
//! let loader = Loader::new(train, pipeline, LoaderConfig { batch_size: 32, seed: 1, ..Default::default() })?;
//! let batch = loader.epoch(0).next().expect("10,000 images make batches")?;
//! assert_eq!(batch.shape(), [32, 1, 28, 28]);
//! assert_eq!(batch.images.len(), 32 * 28 * 28);
//! assert!(batch.labels.iter().all(|&l| l < 10));
//! # Ok::<(), regnet_data::DataError>(())
//! ```
//!
//! See `docs/data.md` in the repository for formats, provenance and how each transform matches
//! pycls.

#![warn(missing_docs)]

pub mod cifar;
pub mod dataset;
pub mod error;
pub mod fashion;
pub mod folder;
pub mod idx;
pub mod loader;
pub mod rng;
pub mod transform;

pub use cifar::{CIFAR_RECORD, Cifar10};
pub use dataset::Dataset;
pub use error::{DataError, Result};
pub use fashion::{FashionMnist, Split};
pub use folder::{CorruptPolicy, ImageFolder, MAX_DECODE_SIDE, SkippedSample};
pub use loader::{Batch, Epoch, Loader, LoaderConfig, MAX_BATCH_SIZE, MAX_PREFETCH, MAX_WORKERS};
pub use transform::{FashionMnistTransform, Image, Interpolation, MAX_SIDE, Pipeline, Step};

/// The README's examples, compiled and run as doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
