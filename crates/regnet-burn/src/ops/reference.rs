//! The default implementations of [`RegNetOps`](super::RegNetOps), written with burn's standard
//! tensor ops: what every backend without kernels of its own runs, and the oracle the kernels
//! are tested against.

use burn::tensor::activation::relu as relu_act;
use burn::tensor::backend::Backend;
use burn::tensor::ops::{ConvOptions, FloatTensor};
use burn::tensor::{Tensor, TensorPrimitive};

use super::{BatchNormGrads, BatchNormOutput, BatchNormSaved, ConvGrads, ConvNeeds};

fn tensor<B: Backend, const D: usize>(t: FloatTensor<B>) -> Tensor<B, D> {
    Tensor::from_primitive(TensorPrimitive::Float(t))
}

fn prim<B: Backend, const D: usize>(t: Tensor<B, D>) -> FloatTensor<B> {
    t.into_primitive().tensor()
}

/// burn's `conv2d`.
pub fn conv2d<B: Backend>(
    x: FloatTensor<B>,
    weight: FloatTensor<B>,
    bias: Option<FloatTensor<B>>,
    options: ConvOptions<2>,
) -> FloatTensor<B> {
    B::conv2d(x, weight, bias, options)
}

/// burn's `conv2d_x_backward` and `conv2d_weight_backward`; the bias gradient as the sum of `dy`
/// over batch and pixels.
pub fn conv2d_backward<B: Backend>(
    x: FloatTensor<B>,
    weight: FloatTensor<B>,
    dy: FloatTensor<B>,
    options: ConvOptions<2>,
    needs: ConvNeeds,
) -> ConvGrads<B> {
    let bias = needs.bias.then(|| {
        let dy: Tensor<B, 4> = tensor(dy.clone());
        let [n, c, h, w] = dy.dims();
        prim(dy.reshape([n, c, h * w]).sum_dim(2).sum_dim(0).reshape([c]))
    });
    let dx = needs
        .x
        .then(|| B::conv2d_x_backward(x.clone(), weight.clone(), dy.clone(), options.clone()));
    let dw = needs
        .weight
        .then(|| B::conv2d_weight_backward(x, weight, dy, options));
    ConvGrads {
        x: dx,
        weight: dw,
        bias,
    }
}

/// Training-mode BatchNorm from tensor ops: μ and σ² (biased) per channel over `[n, h·w]`,
/// y = (x − μ)·γ/√(σ² + ε) + β \[+ r\], \[ReLU\].
pub fn batch_norm<B: Backend>(
    x: FloatTensor<B>,
    gamma: FloatTensor<B>,
    beta: FloatTensor<B>,
    residual: Option<FloatTensor<B>>,
    eps: f64,
    relu: bool,
) -> BatchNormOutput<B> {
    let x: Tensor<B, 4> = tensor(x);
    let [n, c, h, w] = x.dims();
    let x = x.reshape([n, c, h * w]);
    let mean = x.clone().mean_dim(2).mean_dim(0); // [1, c, 1]
    let centered = x - mean.clone();
    let var = centered.clone().square().mean_dim(2).mean_dim(0);
    let inv_std = var.clone().add_scalar(eps).sqrt().recip();
    let gamma: Tensor<B, 1> = tensor(gamma);
    let beta: Tensor<B, 1> = tensor(beta);
    let mut y = centered * (inv_std.clone() * gamma.reshape([1, c, 1])) + beta.reshape([1, c, 1]);
    if let Some(r) = residual {
        y = y + tensor::<B, 4>(r).reshape([n, c, h * w]);
    }
    if relu {
        y = relu_act(y);
    }
    BatchNormOutput {
        y: prim(y.reshape([n, c, h, w])),
        mean: prim(mean.reshape([c])),
        var: prim(var.reshape([c])),
        inv_std: prim(inv_std.reshape([c])),
    }
}

/// The gradients of [`batch_norm`]: with g = dy masked by y > 0 when ReLU, x̂ = (x − μ)/σ and
/// M = n·h·w: ∂γ = Σ g·x̂, ∂β = Σ g, ∂x = γ/σ·(g − ∂β/M − x̂·∂γ/M), ∂r = g.
pub fn batch_norm_backward<B: Backend>(
    saved: BatchNormSaved<B>,
    dy: FloatTensor<B>,
    need_residual: bool,
) -> BatchNormGrads<B> {
    let x: Tensor<B, 4> = tensor(saved.x);
    let [n, c, h, w] = x.dims();
    let x = x.reshape([n, c, h * w]);
    let dy: Tensor<B, 3> = tensor::<B, 4>(dy).reshape([n, c, h * w]);
    let g = match (saved.relu, saved.y) {
        (true, Some(y)) => {
            let y: Tensor<B, 3> = tensor::<B, 4>(y).reshape([n, c, h * w]);
            dy.mask_fill(y.lower_equal_elem(0.0), 0.0)
        }
        _ => dy,
    };
    let per_channel = |t: FloatTensor<B>| tensor::<B, 1>(t).reshape([1, c, 1]);
    let inv_std = per_channel(saved.inv_std);
    let x_hat = (x - per_channel(saved.mean)) * inv_std.clone();
    let m = (n * h * w) as f64;
    let sum_g = g.clone().sum_dim(2).sum_dim(0);
    let sum_gx = (g.clone() * x_hat.clone()).sum_dim(2).sum_dim(0);
    let k = per_channel(saved.gamma) * inv_std;
    let dx = (g.clone() - sum_g.clone().div_scalar(m) - x_hat * sum_gx.clone().div_scalar(m)) * k;
    BatchNormGrads {
        x: prim(dx.reshape([n, c, h, w])),
        gamma: prim(sum_gx.reshape([c])),
        beta: prim(sum_g.reshape([c])),
        residual: need_residual.then(|| prim(g.reshape([n, c, h, w]))),
    }
}
