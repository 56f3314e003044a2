//! The wgpu backend trains: one SGD step of a small AnyNet of grouped X blocks on wgpu agrees with
//! the same step on flex (loss, every parameter after the step). With the `wgpu` feature only;
//! runs on Mesa's lavapipe (Vulkan on the CPU: `apt-get install mesa-vulkan-drivers`) without a GPU.
//! Where no Vulkan driver is installed the test prints why and returns without checking anything.
//!
//! `cargo test -p regnet-burn --features wgpu --test wgpu -- --nocapture`
#![cfg(feature = "wgpu")]

mod common;

use std::path::Path;

use burn::backend::{Autodiff, Flex, Wgpu};
use burn::module::AutodiffModule;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{GradientsParams, Optimizer, SgdConfig};
use burn::tensor::{Int, Tensor, TensorData};
use burn_store::{ModuleSnapshot, TensorSnapshot};
use common::{max_abs_diff, tiny_spec, values};
use regnet_anynet::{BlockType, StemType};
use regnet_burn::{AnyNet, TrainBackend};

/// Where the Vulkan loader looks for drivers (ICD manifests).
const ICD_DIRS: [&str; 3] = [
    "/usr/share/vulkan/icd.d",
    "/etc/vulkan/icd.d",
    "/usr/local/share/vulkan/icd.d",
];

/// Why no Vulkan device can exist here, if that is so.
fn no_vulkan_reason() -> Option<String> {
    let found = ICD_DIRS.iter().any(|d| {
        std::fs::read_dir(Path::new(d)).is_ok_and(|mut it| {
            it.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json")))
        })
    });
    (!found).then(|| {
        format!(
            "SKIPPED: no Vulkan driver manifest in {} (install mesa-vulkan-drivers for lavapipe)",
            ICD_DIRS.join(", ")
        )
    })
}

/// Loss and every tensor after one SGD step on `B`, from the given initial tensors.
fn one_step<B: TrainBackend>(
    init: &[TensorSnapshot],
    x: &TensorData,
    y: &[i64],
) -> (f32, Vec<(String, Vec<f32>)>) {
    let device = Default::default();
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, Some(0.25));
    let mut model: AnyNet<B> = AnyNet::new(&spec, &device).unwrap();
    let applied = model.apply(init.to_vec(), None, None, false);
    assert!(
        applied.errors.is_empty() && applied.missing.is_empty(),
        "{applied:?}"
    );
    let x: Tensor<B, 4> = Tensor::from_data(x.clone(), &device);
    let y = Tensor::<B, 1, Int>::from_data(TensorData::new(y.to_vec(), [y.len()]), &device);
    let loss = CrossEntropyLossConfig::new()
        .init(&device)
        .forward(model.forward(x), y);
    let loss_value = values(loss.clone())[0];
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    let mut optim = SgdConfig::new()
        .with_momentum(Some(
            MomentumConfig::new()
                .with_momentum(0.9)
                .with_dampening(0.0)
                .with_nesterov(true),
        ))
        .with_weight_decay(Some(WeightDecayConfig::new(5e-5)))
        .init();
    let model = optim.step(0.1, model, grads).valid();
    let tensors = model
        .collect(None, None, false)
        .into_iter()
        .map(|s| {
            (
                s.full_path(),
                s.to_data()
                    .unwrap()
                    .convert::<f32>()
                    .into_vec::<f32>()
                    .unwrap(),
            )
        })
        .collect();
    (loss_value, tensors)
}

#[test]
fn a_training_step_on_wgpu_agrees_with_flex() {
    if let Some(reason) = no_vulkan_reason() {
        eprintln!("{reason}");
        return;
    }
    let flex = Default::default();
    <Flex as burn::tensor::backend::Backend>::seed(&flex, 11);
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, Some(0.25));
    let init = AnyNet::<Flex>::new(&spec, &flex)
        .unwrap()
        .collect(None, None, false);
    let x = Tensor::<Flex, 4>::random(
        [6, 3, 16, 16],
        burn::tensor::Distribution::Normal(0.0, 1.0),
        &flex,
    )
    .into_data();
    let y: Vec<i64> = vec![0, 3, 6, 1, 2, 5];
    let (loss_f, after_f) = one_step::<Autodiff<Flex>>(&init, &x, &y);
    let (loss_w, after_w) = one_step::<Autodiff<Wgpu>>(&init, &x, &y);
    eprintln!("loss: flex {loss_f}, wgpu {loss_w}");
    assert!(
        (loss_f - loss_w).abs() < 1e-4 * loss_f.abs().max(1.0),
        "loss: flex {loss_f}, wgpu {loss_w}"
    );
    assert_eq!(after_f.len(), after_w.len());
    let mut worst = 0.0f32;
    for ((name, a), (name_w, b)) in after_f.iter().zip(&after_w) {
        assert_eq!(name, name_w);
        let scale = a.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-3);
        let d = max_abs_diff(a, b);
        assert!(
            d <= 1e-4 * scale.max(1.0),
            "{name}: flex and wgpu differ by {d:e}"
        );
        worst = worst.max(d);
    }
    eprintln!(
        "wgpu vs flex after one SGD step: {} tensors, largest difference {worst:e}",
        after_f.len()
    );
}
