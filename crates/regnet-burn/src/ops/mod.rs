//! The operations a RegNet trains with, as a burn backend extension.
//!
//! [`RegNetOps`] extends burn's [`Backend`] with the few fused operations an AnyNet spends its
//! training step in: convolution with both gradients in one call, and training-mode BatchNorm2d
//! with an optional residual add and ReLU (the paper's X block is conv → BN → ReLU twice, then
//! conv → BN → add → ReLU). Every method has a default written with burn's standard ops
//! ([`reference`](mod@reference)), so any backend works with a one-line impl:
//!
//! ```ignore
//! impl regnet_burn::ops::RegNetOps for MyBackend {}
//! ```
//!
//! Implemented here: flex with its own CPU kernels ([`kernels`]: batch-folded GEMMs per group,
//! two-pass BatchNorm with threads over image chunks), ndarray, CUDA and wgpu with the defaults,
//! and `Autodiff<B>` for any `B: RegNetOps`, which records each op as one node of burn-autodiff's
//! graph whose backward calls `B`'s backward kernel ([`RegNetOps::regnet_conv2d_backward`],
//! [`RegNetOps::regnet_batch_norm_backward`]).
//!
//! [`TrainBackend`] names what training needs: an autodiff backend whose inner backend is
//! `RegNetOps` too (evaluation runs on the inner backend).

mod autodiff;
#[cfg(feature = "flex")]
mod flex;
pub mod kernels;
pub mod reference;

use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::ops::{ConvOptions, FloatTensor};

thread_local! {
    static FORCE_REFERENCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every [`RegNetOps`] call made on this thread routed to [`reference`](mod@reference) (burn's
/// standard ops), also on backends with kernels of their own: the same model can then be run
/// both ways to compare them, or to rule the kernels out when debugging. Nested calls are fine.
pub fn with_reference_ops<R>(f: impl FnOnce() -> R) -> R {
    let before = FORCE_REFERENCE.with(|c| c.replace(true));
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            FORCE_REFERENCE.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

/// Whether this thread is inside [`with_reference_ops`].
pub fn reference_ops_forced() -> bool {
    FORCE_REFERENCE.with(|c| c.get())
}

/// Which gradients a convolution backward must produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConvNeeds {
    /// ∂L/∂x.
    pub x: bool,
    /// ∂L/∂weight.
    pub weight: bool,
    /// ∂L/∂bias.
    pub bias: bool,
}

/// The gradients of a convolution (each present iff asked for in [`ConvNeeds`]).
#[derive(Debug, Clone)]
pub struct ConvGrads<B: Backend> {
    /// ∂L/∂x, `[n, c_in, h, w]`.
    pub x: Option<FloatTensor<B>>,
    /// ∂L/∂weight, `[c_out, c_in/groups, kh, kw]`.
    pub weight: Option<FloatTensor<B>>,
    /// ∂L/∂bias, `[c_out]`.
    pub bias: Option<FloatTensor<B>>,
}

/// The output of training-mode BatchNorm: y and the batch statistics per channel (`[c]`).
#[derive(Debug, Clone)]
pub struct BatchNormOutput<B: Backend> {
    /// y = act(γ·(x − μ)/√(σ² + ε) + β [+ r]), `[n, c, h, w]`.
    pub y: FloatTensor<B>,
    /// Batch mean μ_c.
    pub mean: FloatTensor<B>,
    /// Biased batch variance σ²_c (the running variance takes the unbiased one, as PyTorch).
    pub var: FloatTensor<B>,
    /// 1/√(σ²_c + ε), kept for the backward pass.
    pub inv_std: FloatTensor<B>,
}

/// The gradients of training-mode BatchNorm.
#[derive(Debug, Clone)]
pub struct BatchNormGrads<B: Backend> {
    /// ∂L/∂x.
    pub x: FloatTensor<B>,
    /// ∂L/∂γ.
    pub gamma: FloatTensor<B>,
    /// ∂L/∂β.
    pub beta: FloatTensor<B>,
    /// ∂L/∂r of the residual input, when asked for.
    pub residual: Option<FloatTensor<B>>,
}

/// What BatchNorm's backward pass reads from its forward pass.
#[derive(Debug, Clone)]
pub struct BatchNormSaved<B: Backend> {
    /// The input x.
    pub x: FloatTensor<B>,
    /// The output y (its ReLU mask), present iff `relu`.
    pub y: Option<FloatTensor<B>>,
    /// γ.
    pub gamma: FloatTensor<B>,
    /// Batch mean μ_c.
    pub mean: FloatTensor<B>,
    /// 1/√(σ²_c + ε).
    pub inv_std: FloatTensor<B>,
    /// Whether a ReLU followed.
    pub relu: bool,
}

/// A burn backend with the operations an AnyNet trains with (see the module docs).
///
/// All tensors are NCHW. Implementations must agree with [`reference`](mod@reference) (the defaults) to float
/// rounding; `tests/ops.rs` checks the flex kernels against it.
pub trait RegNetOps: Backend {
    /// 2-D convolution (burn's `conv2d`): `x [n, c_in, h, w]`, `weight [c_out, c_in/groups, kh,
    /// kw]`, optional `bias [c_out]`.
    fn regnet_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: Option<FloatTensor<Self>>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        reference::conv2d::<Self>(x, weight, bias, options)
    }

    /// The gradients of [`RegNetOps::regnet_conv2d`] for the output gradient `dy`, only those in
    /// `needs` (`bias` reads only the shape of `dy`).
    fn regnet_conv2d_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        dy: FloatTensor<Self>,
        options: ConvOptions<2>,
        needs: ConvNeeds,
    ) -> ConvGrads<Self> {
        reference::conv2d_backward::<Self>(x, weight, dy, options, needs)
    }

    /// Training-mode BatchNorm2d over `x [n, c, h, w]` with batch statistics, then `+ residual`
    /// (same shape) when given, then ReLU when `relu`.
    fn regnet_batch_norm(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        residual: Option<FloatTensor<Self>>,
        eps: f64,
        relu: bool,
    ) -> BatchNormOutput<Self> {
        reference::batch_norm::<Self>(x, gamma, beta, residual, eps, relu)
    }

    /// The gradients of [`RegNetOps::regnet_batch_norm`] for the output gradient `dy`;
    /// the residual's gradient only when `need_residual`.
    fn regnet_batch_norm_backward(
        saved: BatchNormSaved<Self>,
        dy: FloatTensor<Self>,
        need_residual: bool,
    ) -> BatchNormGrads<Self> {
        reference::batch_norm_backward::<Self>(saved, dy, need_residual)
    }
}

/// A backend to train an AnyNet on: autodiff, with [`RegNetOps`] on it and on its inner backend
/// (where evaluation runs). Implemented for every such backend.
pub trait TrainBackend: AutodiffBackend<InnerBackend: RegNetOps> + RegNetOps {}

impl<B> TrainBackend for B
where
    B: AutodiffBackend + RegNetOps,
    B::InnerBackend: RegNetOps,
{
}

#[cfg(feature = "ndarray")]
impl RegNetOps for burn::backend::NdArray {}

#[cfg(feature = "cuda")]
impl RegNetOps for burn::backend::Cuda {}

#[cfg(feature = "wgpu")]
impl RegNetOps for burn::backend::Wgpu {}
