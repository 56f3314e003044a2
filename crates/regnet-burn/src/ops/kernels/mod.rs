//! CPU kernels on contiguous `f32` slices (NCHW), used by the flex implementation of
//! [`RegNetOps`](super::RegNetOps). They know nothing of burn and are tested on plain slices.

pub mod batch_norm;
pub mod chunks;
pub mod conv;
pub(crate) mod gemm;
mod scratch;
mod simd;
