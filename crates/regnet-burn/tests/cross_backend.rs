//! Cross-backend check: forward and gradients of an X block and a Y block with groups > 1 agree
//! between burn's standard ops on flex (the reference: `ops::with_reference_ops`) and
//! - the flex kernels of `regnet_burn::ops` (always),
//! - burn's ndarray backend (with the `ndarray` feature; burn had grouped-conv bugs: #2286, #3521),
//! - CUDA (with the `cuda` feature; ignored by default; `bench/gpu_check.sh` runs it),
//! - wgpu (with the `wgpu` feature; ignored by default; runs on Mesa lavapipe without a GPU).

mod common;

use burn::backend::{Autodiff, Flex};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{Tensor, TensorData};
use burn_store::{ModuleSnapshot, TensorSnapshot};
use common::{max_abs_diff, tiny_spec, values};
use regnet_anynet::{BlockPlan, BlockType, StemType};
use regnet_burn::ops::with_reference_ops;
use regnet_burn::{Block, BottleneckBlock, TrainBackend};

const TOLERANCE: f32 = 1e-4;

/// Forward output and named gradients (input and every parameter) of one block in training mode.
struct Run {
    out: Vec<f32>,
    grads: Vec<(&'static str, Vec<f32>)>,
}

fn grad<B: AutodiffBackend, const D: usize>(
    t: &burn::module::Param<Tensor<B, D>>,
    g: &B::Gradients,
) -> Vec<f32> {
    values(t.val().grad(g).expect("parameter takes part in the loss"))
}

fn bottleneck_grads<B: AutodiffBackend>(
    b: &BottleneckBlock<B>,
    g: &B::Gradients,
) -> Vec<(&'static str, Vec<f32>)> {
    let mut v = vec![
        ("a.weight", grad(&b.a.weight, g)),
        ("a_bn.gamma", grad(&b.a_bn.gamma, g)),
        ("b.weight (grouped)", grad(&b.b.weight, g)),
        ("b_bn.gamma", grad(&b.b_bn.gamma, g)),
        ("b_bn.beta", grad(&b.b_bn.beta, g)),
        ("c.weight", grad(&b.c.weight, g)),
        ("c_bn.gamma", grad(&b.c_bn.gamma, g)),
    ];
    if let Some(se) = &b.se {
        v.push(("se.reduce.weight", grad(&se.reduce.weight, g)));
        v.push(("se.reduce.bias", grad(se.reduce.bias.as_ref().unwrap(), g)));
        v.push(("se.expand.weight", grad(&se.expand.weight, g)));
        v.push(("se.expand.bias", grad(se.expand.bias.as_ref().unwrap(), g)));
    }
    if let Some(p) = &b.proj {
        v.push(("proj.conv.weight", grad(&p.conv.weight, g)));
        v.push(("proj.bn.gamma", grad(&p.bn.gamma, g)));
    }
    v
}

fn run<B: TrainBackend>(
    plan: &BlockPlan,
    weights: &[TensorSnapshot],
    x: &TensorData,
    w: &TensorData,
    device: &B::Device,
) -> Run {
    let mut block = Block::<B>::new(plan, false, device);
    let applied = block.apply(weights.to_vec(), None, None, false);
    assert!(
        applied.errors.is_empty() && applied.missing.is_empty(),
        "{applied:?}"
    );
    let x = Tensor::<B, 4>::from_data(x.clone(), device).require_grad();
    let out = block.forward(x.clone());
    let loss = (out.clone() * Tensor::from_data(w.clone(), device)).sum();
    let g = loss.backward();
    let mut grads = vec![("input", values(x.grad(&g).unwrap()))];
    let Block::Bottleneck(b) = &block else {
        panic!("X/Y plans build bottleneck blocks")
    };
    grads.extend(bottleneck_grads(b, &g));
    Run {
        out: values(out),
        grads,
    }
}

/// The plans checked: first block of stage 1 (stride 2, projection, 16→24, 3 groups of 8) and its
/// second block (identity shortcut), without (X) and with (Y) SE.
fn plans() -> Vec<(String, BlockPlan)> {
    let mut out = Vec::new();
    for (name, se) in [("X", None), ("Y", Some(0.25))] {
        let plan = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, se).plan();
        for (j, p) in plan.stages[0].iter().enumerate() {
            assert!(p.groups > 1);
            out.push((format!("{name} block b{}", j + 1), *p));
        }
    }
    out
}

/// Runs every plan on the reference (burn's ops on flex) and on `B`; returns the largest
/// difference seen.
fn compare<B: TrainBackend>(device: &B::Device) -> f32 {
    let flex = Default::default();
    <Flex as burn::tensor::backend::Backend>::seed(&flex, 7); // fixed weights and inputs
    let mut worst = 0.0f32;
    for (name, plan) in plans() {
        let reference = Block::<Autodiff<Flex>>::new(&plan, false, &flex);
        let weights = reference.collect(None, None, false);
        let x = Tensor::<Flex, 4>::random(
            [4, plan.w_in as usize, 9, 9],
            burn::tensor::Distribution::Normal(0.0, 1.0),
            &Default::default(),
        )
        .into_data();
        let h = 9usize.div_ceil(plan.stride as usize);
        let w = Tensor::<Flex, 4>::random(
            [4, plan.w_out as usize, h, h],
            burn::tensor::Distribution::Normal(0.0, 1.0),
            &Default::default(),
        )
        .into_data();
        let a = with_reference_ops(|| run::<Autodiff<Flex>>(&plan, &weights, &x, &w, &flex));
        let b = run::<B>(&plan, &weights, &x, &w, device);
        let d = max_abs_diff(&a.out, &b.out);
        assert!(d < TOLERANCE, "{name}: forward differs by {d}");
        assert!(a.out.iter().any(|v| v.abs() > 0.1));
        worst = worst.max(d);
        for ((ga_name, ga), (_, gb)) in a.grads.iter().zip(&b.grads) {
            let d = max_abs_diff(ga, gb);
            assert!(
                ga.iter().any(|v| *v != 0.0),
                "{name}: zero gradient for {ga_name}"
            );
            assert!(
                d < TOLERANCE,
                "{name}: gradient of {ga_name} differs by {d}"
            );
            worst = worst.max(d);
        }
    }
    worst
}

#[test]
fn flex_kernels_and_burn_ops_agree_on_grouped_x_and_y_blocks() {
    let worst = compare::<Autodiff<Flex>>(&Default::default());
    eprintln!("flex kernels vs burn's ops on flex: largest difference {worst:e}");
}

#[cfg(feature = "ndarray")]
#[test]
fn flex_and_ndarray_agree_on_grouped_x_and_y_blocks() {
    let worst = compare::<Autodiff<burn::backend::NdArray>>(&Default::default());
    eprintln!("flex vs ndarray: largest difference {worst:e}");
}

#[cfg(feature = "cuda")]
#[test]
#[ignore = "needs an NVIDIA GPU and its driver (bench/gpu_check.sh runs it)"]
fn flex_and_cuda_agree_on_grouped_x_and_y_blocks() {
    let worst = compare::<Autodiff<burn::backend::Cuda>>(&Default::default());
    eprintln!("flex vs cuda: largest difference {worst:e}");
}

#[cfg(feature = "wgpu")]
#[test]
#[ignore = "needs a wgpu adapter (e.g. Mesa lavapipe: apt-get install mesa-vulkan-drivers); slow first run"]
fn flex_and_wgpu_agree_on_grouped_x_and_y_blocks() {
    let worst = compare::<Autodiff<burn::backend::Wgpu>>(&Default::default());
    eprintln!("flex vs wgpu: largest difference {worst:e}");
}
