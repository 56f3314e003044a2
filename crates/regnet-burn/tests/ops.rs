//! The flex kernels of `regnet_burn::ops` against burn's own ops, forward and every gradient, on
//! shapes that cover what an AnyNet builds (groups, stride 2, 1×1, projection shortcuts, SE convs
//! on 1×1 maps, batch 1, odd sizes): convolution against burn's `conv2d` and its autodiff;
//! BatchNorm (+ residual, + ReLU) against the composition of burn tensor ops and burn-autodiff's
//! gradients of it. Each within 1e-4 of the largest reference value.

mod common;

use burn::backend::{Autodiff, Flex};
use burn::tensor::module::conv2d as burn_conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Tensor, TensorData, TensorPrimitive, backend::Backend};
use common::values;
use regnet_burn::ops::{ConvNeeds, RegNetOps, reference};

type A = Autodiff<Flex>;

/// Deterministic values in about [-2, 2].
fn data(len: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
        })
        .collect()
}

fn t<B: Backend, const D: usize>(v: Vec<f32>, shape: [usize; D]) -> Tensor<B, D> {
    Tensor::from_data(TensorData::new(v, shape), &Default::default())
}

fn prim<B: Backend, const D: usize>(x: Tensor<B, D>) -> B::FloatTensorPrimitive {
    x.into_primitive().tensor()
}

fn from_prim<B: Backend, const D: usize>(p: B::FloatTensorPrimitive) -> Tensor<B, D> {
    Tensor::from_primitive(TensorPrimitive::Float(p))
}

/// Asserts `got` matches `want` within 1e-4 of `want`'s largest magnitude (at least 1e-4).
fn close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    let scale = want.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1.0);
    let worst = got
        .iter()
        .zip(want)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(
        worst <= 1e-4 * scale,
        "{what}: max |diff| {worst:e} over scale {scale}"
    );
    assert!(
        want.iter().any(|v| *v != 0.0),
        "{what}: reference is all zero"
    );
}

/// (name, [n, c_in, h, w], c_out, k, stride, groups, bias)
type ConvCase = (&'static str, [usize; 4], usize, usize, usize, usize, bool);

const CONVS: &[ConvCase] = &[
    ("grouped 3x3 s1", [4, 24, 8, 8], 24, 3, 1, 3, false),
    (
        "grouped 3x3 s2, odd size",
        [3, 16, 9, 7],
        16,
        3,
        2,
        2,
        false,
    ),
    (
        "grouped 3x3 s2, g=c/8 wide",
        [2, 48, 5, 5],
        48,
        3,
        2,
        6,
        false,
    ),
    ("dense 1x1 s1", [5, 24, 6, 6], 40, 1, 1, 1, false),
    ("projection 1x1 s2", [4, 16, 7, 7], 24, 1, 2, 1, false),
    ("stem 3x3 s2 from RGB", [2, 3, 11, 11], 16, 3, 2, 1, false),
    ("stem 3x3 s1, batch 1", [1, 1, 8, 8], 8, 3, 1, 1, false),
    (
        "SE 1x1 with bias on 1x1 maps",
        [6, 32, 1, 1],
        8,
        1,
        1,
        1,
        true,
    ),
    ("1x1 map grouped 3x3", [9, 16, 1, 1], 16, 3, 1, 2, false),
    ("7x7 s2 (res stem), bias", [2, 3, 13, 13], 8, 7, 2, 1, true),
];

#[test]
fn conv2d_forward_and_gradients_match_burn() {
    for (i, &(name, [n, c_in, h, w], c_out, k, stride, groups, bias)) in CONVS.iter().enumerate() {
        let seed = 10 * i as u64;
        let opts = ConvOptions::new([stride; 2], [(k - 1) / 2; 2], [1, 1], groups);
        let x = data(n * c_in * h * w, seed);
        let wt = data(c_out * c_in / groups * k * k, seed + 1);
        let b = bias.then(|| data(c_out, seed + 2));
        // Reference: burn's conv2d on Autodiff<Flex> (burn's own backward).
        let xa = t::<A, 4>(x.clone(), [n, c_in, h, w]).require_grad();
        let wa = t::<A, 4>(wt.clone(), [c_out, c_in / groups, k, k]).require_grad();
        let ba = b.clone().map(|b| t::<A, 1>(b, [c_out]).require_grad());
        let ya = burn_conv2d(xa.clone(), wa.clone(), ba.clone(), opts.clone());
        let dims = ya.dims();
        let dy = data(dims.iter().product(), seed + 3);
        let g = (ya.clone() * t::<A, 4>(dy.clone(), dims)).sum().backward();
        let want_y = values(ya);
        let want_dx = values(xa.grad(&g).unwrap());
        let want_dw = values(wa.grad(&g).unwrap());
        let want_db = ba.as_ref().map(|b| values(b.grad(&g).unwrap()));

        // The flex kernels, called directly.
        let y = Flex::regnet_conv2d(
            prim(t::<Flex, 4>(x.clone(), [n, c_in, h, w])),
            prim(t::<Flex, 4>(wt.clone(), [c_out, c_in / groups, k, k])),
            b.clone().map(|b| prim(t::<Flex, 1>(b, [c_out]))),
            opts.clone(),
        );
        close(
            &format!("{name}: y"),
            &values(from_prim::<Flex, 4>(y)),
            &want_y,
        );
        let grads = Flex::regnet_conv2d_backward(
            prim(t::<Flex, 4>(x.clone(), [n, c_in, h, w])),
            prim(t::<Flex, 4>(wt.clone(), [c_out, c_in / groups, k, k])),
            prim(t::<Flex, 4>(dy.clone(), dims)),
            opts.clone(),
            ConvNeeds {
                x: true,
                weight: true,
                bias,
            },
        );
        close(
            &format!("{name}: dx"),
            &values(from_prim::<Flex, 4>(grads.x.unwrap())),
            &want_dx,
        );
        close(
            &format!("{name}: dw"),
            &values(from_prim::<Flex, 4>(grads.weight.unwrap())),
            &want_dw,
        );
        if let Some(want_db) = &want_db {
            close(
                &format!("{name}: db"),
                &values(from_prim::<Flex, 1>(grads.bias.unwrap())),
                want_db,
            );
        }

        // Through the autodiff node of `RegNetOps for Autodiff<B>`.
        let xk = t::<A, 4>(x, [n, c_in, h, w]).require_grad();
        let wk = t::<A, 4>(wt, [c_out, c_in / groups, k, k]).require_grad();
        let bk = b.map(|b| t::<A, 1>(b, [c_out]).require_grad());
        let yk: Tensor<A, 4> = from_prim(A::regnet_conv2d(
            prim(xk.clone()),
            prim(wk.clone()),
            bk.clone().map(prim),
            opts,
        ));
        let g = (yk.clone() * t::<A, 4>(dy, dims)).sum().backward();
        close(&format!("{name}: autodiff y"), &values(yk), &want_y);
        close(
            &format!("{name}: autodiff dx"),
            &values(xk.grad(&g).unwrap()),
            &want_dx,
        );
        close(
            &format!("{name}: autodiff dw"),
            &values(wk.grad(&g).unwrap()),
            &want_dw,
        );
        if let (Some(bk), Some(want_db)) = (bk, want_db) {
            close(
                &format!("{name}: autodiff db"),
                &values(bk.grad(&g).unwrap()),
                &want_db,
            );
        }
    }
}

#[test]
fn conv2d_backward_computes_only_what_is_needed() {
    let opts = ConvOptions::new([1, 1], [1, 1], [1, 1], 2);
    let x = prim(t::<Flex, 4>(data(2 * 8 * 5 * 5, 1), [2, 8, 5, 5]));
    let w = prim(t::<Flex, 4>(data(8 * 4 * 9, 2), [8, 4, 3, 3]));
    let dy = prim(t::<Flex, 4>(data(2 * 8 * 5 * 5, 3), [2, 8, 5, 5]));
    let g = Flex::regnet_conv2d_backward(
        x,
        w,
        dy,
        opts,
        ConvNeeds {
            x: false,
            weight: true,
            bias: false,
        },
    );
    assert!(g.x.is_none() && g.bias.is_none());
    assert_eq!(from_prim::<Flex, 4>(g.weight.unwrap()).dims(), [8, 4, 3, 3]);
}

/// (name, [n, c, h, w], residual, relu)
const BNS: &[(&str, [usize; 4], bool, bool)] = &[
    ("BN", [4, 6, 5, 5], false, false),
    ("BN + ReLU", [3, 8, 4, 6], false, true),
    ("BN + residual + ReLU", [2, 5, 7, 3], true, true),
    ("BN + residual (linear block)", [2, 5, 3, 3], true, false),
    ("1x1 maps", [16, 12, 1, 1], false, true),
    ("1x1 maps + residual + ReLU", [9, 20, 1, 1], true, true),
    ("1x1 maps + residual, no ReLU", [17, 7, 1, 1], true, false),
    ("batch 1", [1, 4, 6, 6], true, true),
];

#[test]
fn batch_norm_forward_and_gradients_match_burn_autodiff() {
    for (i, &(name, [n, c, h, w], residual, relu)) in BNS.iter().enumerate() {
        let seed = 100 + 10 * i as u64;
        // Channel offsets far from 0 test the variance's accuracy.
        let x: Vec<f32> = data(n * c * h * w, seed)
            .into_iter()
            .enumerate()
            .map(|(j, v)| v + ((j / (h * w)) % c) as f32 * 3.0)
            .collect();
        let gamma: Vec<f32> = data(c, seed + 1)
            .into_iter()
            .map(|v| 1.0 + 0.3 * v)
            .collect();
        let beta = data(c, seed + 2);
        let r = residual.then(|| data(n * c * h * w, seed + 3));
        let dy = data(n * c * h * w, seed + 4);
        let eps = 1e-5;

        // Reference: burn tensor ops on Autodiff<Flex>, differentiated by burn-autodiff.
        let xa = t::<A, 4>(x.clone(), [n, c, h, w]).require_grad();
        let ga = t::<A, 1>(gamma.clone(), [c]).require_grad();
        let ba = t::<A, 1>(beta.clone(), [c]).require_grad();
        let ra = r.clone().map(|r| t::<A, 4>(r, [n, c, h, w]).require_grad());
        let out = reference::batch_norm::<A>(
            prim(xa.clone()),
            prim(ga.clone()),
            prim(ba.clone()),
            ra.clone().map(prim),
            eps,
            relu,
        );
        let ya: Tensor<A, 4> = from_prim(out.y);
        let grads = (ya.clone() * t::<A, 4>(dy.clone(), [n, c, h, w]))
            .sum()
            .backward();
        let want_y = values(ya);
        let want_mean = values(from_prim::<A, 1>(out.mean));
        let want_var = values(from_prim::<A, 1>(out.var));
        let want_dx = values(xa.grad(&grads).unwrap());
        let want_dg = values(ga.grad(&grads).unwrap());
        let want_db = values(ba.grad(&grads).unwrap());
        let want_dr = ra.map(|r| values(r.grad(&grads).unwrap()));

        // Through the autodiff node (flex kernels forward and backward).
        let xk = t::<A, 4>(x, [n, c, h, w]).require_grad();
        let gk = t::<A, 1>(gamma, [c]).require_grad();
        let bk = t::<A, 1>(beta, [c]).require_grad();
        let rk = r.map(|r| t::<A, 4>(r, [n, c, h, w]).require_grad());
        let out = A::regnet_batch_norm(
            prim(xk.clone()),
            prim(gk.clone()),
            prim(bk.clone()),
            rk.clone().map(prim),
            eps,
            relu,
        );
        let yk: Tensor<A, 4> = from_prim(out.y);
        let grads = (yk.clone() * t::<A, 4>(dy, [n, c, h, w])).sum().backward();
        close(&format!("{name}: y"), &values(yk), &want_y);
        close(
            &format!("{name}: mean"),
            &values(from_prim::<A, 1>(out.mean)),
            &want_mean,
        );
        close(
            &format!("{name}: var"),
            &values(from_prim::<A, 1>(out.var)),
            &want_var,
        );
        close(
            &format!("{name}: dx"),
            &values(xk.grad(&grads).unwrap()),
            &want_dx,
        );
        close(
            &format!("{name}: dgamma"),
            &values(gk.grad(&grads).unwrap()),
            &want_dg,
        );
        close(
            &format!("{name}: dbeta"),
            &values(bk.grad(&grads).unwrap()),
            &want_db,
        );
        if let (Some(rk), Some(want_dr)) = (rk, want_dr) {
            close(
                &format!("{name}: dresidual"),
                &values(rk.grad(&grads).unwrap()),
                &want_dr,
            );
        }
    }
}

#[test]
fn kernels_do_not_depend_on_the_thread_count() {
    let opts = ConvOptions::new([2, 2], [1, 1], [1, 1], 3);
    let run = || {
        let x = prim(t::<Flex, 4>(data(13 * 24 * 9 * 9, 7), [13, 24, 9, 9]));
        let w = prim(t::<Flex, 4>(data(24 * 8 * 9, 8), [24, 8, 3, 3]));
        let dy = prim(t::<Flex, 4>(data(13 * 24 * 5 * 5, 9), [13, 24, 5, 5]));
        let g = Flex::regnet_conv2d_backward(
            x,
            w,
            dy,
            opts.clone(),
            ConvNeeds {
                x: true,
                weight: true,
                bias: false,
            },
        );
        values(from_prim::<Flex, 4>(g.weight.unwrap()))
    };
    let many = run();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(run);
    assert_eq!(
        many, one,
        "weight gradient differs between 1 thread and the default pool"
    );
}
