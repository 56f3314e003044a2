//! Per-layer micro-benchmark: forward + backward of single RegNetX-200MF layers (32×32 input,
//! batch 64) on flex, with the kernels of `regnet_burn::ops` and with burn's ops; the burn half of
//! `bench/torch_layers.py` (same shapes and the same `(y · dy).sum()` loss; inputs drawn once, see
//! docs/performance.md).
//!
//! ```text
//! cargo run --release -p regnet-burn --example layer_step -- [ITERS]
//! ```
//! Prints one line per layer: `layer NAME kernels_ms X burn_ops_ms Y` (median over ITERS, default 30).

use std::time::Instant;

use burn::backend::{Autodiff, Flex};
use burn::tensor::ops::{ConvOptions, FloatTensor};
use burn::tensor::{Distribution, Tensor, TensorPrimitive};
use regnet_burn::ops::{RegNetOps, with_reference_ops};

type A = Autodiff<Flex>;

/// A layer: a conv (x shape, c_out, k, stride, groups) or a BatchNorm (+ residual) + ReLU.
enum Layer {
    Conv([usize; 4], usize, usize, usize, usize),
    BnRelu([usize; 4], bool),
}

/// The layers timed, named as in `bench/torch_layers.py`.
fn layers() -> Vec<(&'static str, Layer)> {
    vec![
        ("stem_conv3x3_s2", Layer::Conv([64, 3, 32, 32], 32, 3, 2, 1)),
        (
            "s1_conv3x3_g3_s2",
            Layer::Conv([64, 24, 16, 16], 24, 3, 2, 3),
        ),
        ("s1_conv1x1", Layer::Conv([64, 32, 16, 16], 24, 1, 1, 1)),
        ("s3_conv1x1", Layer::Conv([64, 152, 2, 2], 152, 1, 1, 1)),
        (
            "s3_conv3x3_g19",
            Layer::Conv([64, 152, 2, 2], 152, 3, 1, 19),
        ),
        ("s4_conv1x1", Layer::Conv([64, 368, 1, 1], 368, 1, 1, 1)),
        (
            "s4_conv3x3_g46",
            Layer::Conv([64, 368, 1, 1], 368, 3, 1, 46),
        ),
        ("s1_bn_relu", Layer::BnRelu([64, 24, 8, 8], false)),
        ("s3_bn_add_relu", Layer::BnRelu([64, 152, 2, 2], true)),
        ("s4_bn_relu", Layer::BnRelu([64, 368, 1, 1], false)),
    ]
}

fn prim<const D: usize>(t: Tensor<A, D>) -> FloatTensor<A> {
    t.into_primitive().tensor()
}

/// The layer's inputs, drawn once: (x, weight or γ, β, residual, output gradient).
struct Inputs {
    x: Tensor<Flex, 4>,
    w: Option<Tensor<Flex, 4>>,
    gamma_beta: Option<(Tensor<Flex, 1>, Tensor<Flex, 1>)>,
    residual: Option<Tensor<Flex, 4>>,
    dy: Tensor<Flex, 4>,
}

fn inputs(layer: &Layer) -> Inputs {
    let device = Default::default();
    let normal = Distribution::Normal(0.0, 1.0);
    match *layer {
        Layer::Conv(x_shape, c_out, k, stride, groups) => {
            let out = x_shape[2].div_ceil(stride);
            Inputs {
                x: Tensor::random(x_shape, normal, &device),
                w: Some(Tensor::random(
                    [c_out, x_shape[1] / groups, k, k],
                    normal,
                    &device,
                )),
                gamma_beta: None,
                residual: None,
                dy: Tensor::random([x_shape[0], c_out, out, out], normal, &device),
            }
        }
        Layer::BnRelu(shape, residual) => Inputs {
            x: Tensor::random(shape, normal, &device),
            w: None,
            gamma_beta: Some((
                Tensor::ones([shape[1]], &device),
                Tensor::zeros([shape[1]], &device),
            )),
            residual: residual.then(|| Tensor::random(shape, normal, &device)),
            dy: Tensor::random(shape, normal, &device),
        },
    }
}

/// A tracked copy of an input (no data copy).
fn tracked<const D: usize>(t: &Tensor<Flex, D>) -> Tensor<A, D> {
    Tensor::from_inner(t.clone()).require_grad()
}

/// One forward + backward of the layer on its inputs; the gradients are dropped.
fn step(layer: &Layer, inp: &Inputs) {
    let dy = Tensor::<A, 4>::from_inner(inp.dy.clone());
    let y: Tensor<A, 4> = match *layer {
        Layer::Conv(_, _, k, stride, groups) => {
            let opts = ConvOptions::new([stride; 2], [(k - 1) / 2; 2], [1, 1], groups);
            let w = inp.w.as_ref().expect("conv inputs have a weight");
            Tensor::from_primitive(TensorPrimitive::Float(A::regnet_conv2d(
                prim(tracked(&inp.x)),
                prim(tracked(w)),
                None,
                opts,
            )))
        }
        Layer::BnRelu(..) => {
            let (gamma, beta) = inp.gamma_beta.as_ref().expect("BN inputs have γ and β");
            let out = A::regnet_batch_norm(
                prim(tracked(&inp.x)),
                prim(tracked(gamma)),
                prim(tracked(beta)),
                inp.residual.as_ref().map(|r| prim(tracked(r))),
                1e-5,
                true,
            );
            Tensor::from_primitive(TensorPrimitive::Float(out.y))
        }
    };
    let _ = (y * dy).sum().backward();
}

/// Median milliseconds of `iters` steps after 3 warm-up steps.
fn time(layer: &Layer, iters: usize) -> f64 {
    let inp = inputs(layer);
    for _ in 0..3 {
        step(layer, &inp);
    }
    let mut ms: Vec<f64> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            step(layer, &inp);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let iters: usize = std::env::args().nth(1).map_or(Ok(30), |s| s.parse())?;
    regnet_burn::tune_allocator();
    for (name, layer) in layers() {
        let kernels = time(&layer, iters);
        let burn_ops = with_reference_ops(|| time(&layer, iters));
        println!("layer {name} kernels_ms {kernels:.3} burn_ops_ms {burn_ops:.3}");
    }
    Ok(())
}
