//! burn modules for AnyNet / RegNet ("Designing Network Design Spaces", Radosavovic et al., CVPR 2020).
//!
//! - [`AnyNet`] is built from an [`regnet_anynet::AnyNetSpec`] through its layer plan, with pycls's
//!   init; its parameter count equals the spec's analytic `params`.
//! - [`AnyNetConfig`] is its serialisable twin (the spec plus init options).
//! - [`EffNet`] is pycls's EfficientNet baseline (MBConv blocks), built from
//!   [`regnet_anynet::EffNetSpec`] the same way, with [`EffNetConfig`] as its twin.
//! - [`weights`] imports PyTorch checkpoints (`.pth`, `.safetensors`) named as pycls, timm or
//!   torchvision, and exports safetensors in those names.
//! - [`ops`] is the backend extension the modules train with ([`RegNetOps`]: convolution and
//!   fused BatchNorm + residual + ReLU, forward and backward), with CPU kernels for flex.
//! - [`backend`] names the concrete backends behind the cargo features `flex` (default), `ndarray`,
//!   `cuda` and `wgpu`.
//!
//! ```
//! use burn::backend::Flex;
//! use burn::tensor::{Distribution, Tensor};
//! use regnet_anynet::RegNetParams;
//! use regnet_burn::AnyNet;
//!
//! let mut spec = RegNetParams::regnetx(13, 24, 36.44, 2.49, 8).to_spec()?; // RegNetX-200MF
//! spec.num_classes = 10;
//! let device = Default::default();
//! let model: AnyNet<Flex> = AnyNet::new(&spec, &device)?;
//! let logits = model.forward(Tensor::random([1, 3, 32, 32], Distribution::Default, &device));
//! assert_eq!(logits.dims(), [1, 10]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod alloc;
pub mod backend;
mod config;
mod effnet;
mod error;
mod model;
pub mod ops;
pub mod weights;

pub use alloc::{MMAP_THRESHOLD, TRIM_THRESHOLD, tune_allocator};
pub use config::AnyNetConfig;
pub use effnet::{EffNet, EffNetConfig, MbConv};
pub use error::{BackendError, BuildError, WeightsError};
pub use model::{
    AnyNet, BN_EPS, BN_MOMENTUM, BasicBlock, Block, BottleneckBlock, ConvBn, FC_INIT_STD, Head,
    SqueezeExcitation, Stem, activate, batch_norm, batch_norm_act, conv2d,
};
pub use ops::{RegNetOps, TrainBackend};
