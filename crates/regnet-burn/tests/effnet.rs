//! EfficientNet modules: parameter count against the analytic count, and logits parity with
//! pycls's PyTorch `EffNet` (fixtures/make_effnet_parity.py: random weights and BN statistics,
//! SiLU, pycls names).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use burn::backend::Flex;
use burn::tensor::{Tensor, TensorData};
use burn_store::TensorSnapshot;
use common::{max_abs_diff, values};
use regnet_anynet::{Activation, EffNetSpec, EffStageSpec, zoo};
use regnet_burn::weights::effnet::{key_mappings, load_checkpoint, load_tensors};
use regnet_burn::weights::read_checkpoint;
use regnet_burn::{EffNet, EffNetConfig, RegNetOps, WeightsError};

type B = Flex;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The fixture model, from effnet_parity.json (written by the script).
fn spec() -> EffNetSpec {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("effnet_parity.json")).unwrap())
            .unwrap();
    let en = &meta["en"];
    let list = |k: &str| -> Vec<f64> {
        en[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let (ds, ws, es, ks, ss) = (
        list("DEPTHS"),
        list("WIDTHS"),
        list("EXP_RATIOS"),
        list("KERNELS"),
        list("STRIDES"),
    );
    EffNetSpec {
        stem_w: en["STEM_W"].as_u64().unwrap() as u32,
        stages: (0..ds.len())
            .map(|i| EffStageSpec {
                d: ds[i] as u32,
                w: ws[i] as u32,
                exp_r: es[i],
                k: ks[i] as u32,
                stride: ss[i] as u32,
            })
            .collect(),
        se_r: en["SE_R"].as_f64().unwrap(),
        head_w: en["HEAD_W"].as_u64().unwrap() as u32,
        num_classes: meta["num_classes"].as_u64().unwrap() as u32,
        in_channels: 3,
        activation: Activation::Silu,
        dc_ratio: 0.0,
        dropout_ratio: 0.0,
    }
}

#[test]
fn learnable_params_equal_the_analytic_count() {
    // The fixture model: make_effnet_parity.py prints 14144 PyTorch parameters.
    let s = spec();
    let model: EffNet<B> = EffNet::new(&s, &Default::default()).unwrap();
    assert_eq!(model.num_learnable_params(), 14_144);
    assert_eq!(s.complexity(38).unwrap().params, 14_144);
    // EN-B0 and EN-B2 as pycls builds them (5,288,548 and 9,109,994 in the complexity fixture).
    for (name, params) in [("EN-B0", 5_288_548), ("EN-B2", 9_109_994)] {
        let m = zoo::effnet(name).unwrap();
        let model: EffNet<B> = EffNetConfig::new(m.spec.clone())
            .init(&Default::default())
            .unwrap();
        assert_eq!(model.num_learnable_params() as u64, params, "{name}");
        assert_eq!(m.spec.complexity(m.resolution).unwrap().params, params);
    }
}

/// Loads the fixture weights into the model on `Bk` and returns max |burn − torch| of the logits.
fn logits_diff<Bk: RegNetOps>(spec: &EffNetSpec) -> f32 {
    let io = read_checkpoint(&fixture("effnet_pycls.safetensors")).unwrap();
    let weights: BTreeMap<String, TensorSnapshot> = io
        .iter()
        .filter(|(k, _)| *k != "input" && *k != "logits")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let device = Default::default();
    let model: EffNet<Bk> = EffNet::new(spec, &device).unwrap();
    // Every model tensor has a pycls key, and every pycls tensor a model tensor (strict load).
    assert_eq!(key_mappings(&model).unwrap().len(), weights.len());
    let model = load_tensors(model, &weights).unwrap();
    let input: TensorData = io["input"].to_data().unwrap();
    let logits = values(model.forward(Tensor::<Bk, 4>::from_data(input, &device)));
    let expected: Vec<f32> = io["logits"].to_data().unwrap().to_vec().unwrap();
    assert_eq!(logits.len(), 20);
    assert!(expected.iter().any(|v| v.abs() > 0.5));
    max_abs_diff(&logits, &expected)
}

#[test]
fn logits_match_pycls_effnet() {
    let diff = logits_diff::<B>(&spec());
    assert!(diff < 1e-4, "max |burn − torch| = {diff}");
    eprintln!("EffNet / pycls: max |burn − torch| = {diff:e}");
    // ReLU on the same weights gives other logits: the activation is really applied.
    let mut relu = spec();
    relu.activation = Activation::Relu;
    assert!(logits_diff::<B>(&relu) > 0.05);
}

#[cfg(feature = "cuda")]
#[test]
#[ignore = "needs an NVIDIA GPU and its driver (bench/gpu_check.sh runs it)"]
fn cuda_logits_match_pycls_effnet() {
    let diff = logits_diff::<burn::backend::Cuda>(&spec());
    assert!(diff < 1e-4, "max |burn − torch| = {diff}");
    eprintln!("EffNet / pycls on CUDA: max |burn − torch| = {diff:e}");
}

#[test]
fn loading_is_strict_and_names_the_key() {
    // The fixture file also holds `input` and `logits`, which no model tensor uses.
    let model: EffNet<B> = EffNet::new(&spec(), &Default::default()).unwrap();
    match load_checkpoint(model, fixture("effnet_pycls.safetensors")) {
        Err(WeightsError::UnexpectedKey { key, .. }) => assert!(key == "input" || key == "logits"),
        other => panic!("expected an unexpected-key error, got {other:?}"),
    }
    // A wider head conv than the checkpoint's: a shape mismatch naming pycls's key.
    let mut wide = spec();
    wide.head_w = 40;
    let io = read_checkpoint(&fixture("effnet_pycls.safetensors")).unwrap();
    let model: EffNet<B> = EffNet::new(&wide, &Default::default()).unwrap();
    let e = load_tensors(model, &io).unwrap_err();
    assert!(e.to_string().contains("head.conv.weight"), "{e}");
}

#[test]
fn invalid_specs_are_errors_not_panics() {
    let mut s = spec();
    s.stages[0].k = 2;
    let e = EffNet::<B>::new(&s, &Default::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid model spec: stage 1: k must be odd and between 1 and 31 (MAX_KERNEL), got 2"
    );
}

#[test]
fn trains_with_drop_connect_and_dropout() {
    use burn::tensor::Distribution;
    use regnet_burn::backend::FlexAutodiff;
    let mut s = spec();
    s.dc_ratio = 0.5;
    s.dropout_ratio = 0.5;
    let device = Default::default();
    let model: EffNet<FlexAutodiff> = EffNet::new(&s, &device).unwrap();
    assert!(model.dropout.is_some());
    let x = Tensor::<FlexAutodiff, 4>::random([4, 3, 24, 24], Distribution::Default, &device);
    let logits = model.forward(x.clone());
    assert_eq!(logits.dims(), [4, 10]);
    let grads = logits.sum().backward();
    // Gradients reach the depthwise conv of a block with a skip and the stem.
    let dwise = &model.stages[2][1].dwise.weight;
    assert!(model.stages[2][1].residual);
    let g = values(dwise.grad(&grads).unwrap());
    assert_eq!(g.len(), 64 * 9);
    assert!(g.iter().all(|v| v.is_finite()));
    assert!(model.stem.conv.weight.grad(&grads).is_some());
    // In inference (no autodiff) drop-connect and dropout are off: the same input twice gives the
    // same logits.
    let plain: EffNet<B> = EffNet::new(&s, &Default::default()).unwrap();
    let xi = Tensor::<B, 4>::random([2, 3, 24, 24], Distribution::Default, &Default::default());
    let (a, b) = (plain.forward(xi.clone()), plain.forward(xi));
    assert_eq!(values(a), values(b));
}
