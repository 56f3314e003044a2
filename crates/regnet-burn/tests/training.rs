//! Training numerics against PyTorch (fixtures/make_training.py, pycls 0.1.1 models): the loss,
//! every parameter's gradient at step 1, and every tensor (parameters and BatchNorm running
//! statistics) after 1 and after 3 SGD steps (lr 0.1, momentum 0.9, Nesterov, weight decay 5e-5,
//! train-mode BatchNorm, cross-entropy) of an X-block and a Y-block (SE) AnyNet on one batch of 8,
//! matched within 1e-4 of each tensor's largest value — once through the flex kernels of
//! `regnet_burn::ops` and once through burn's own ops (`with_reference_ops`).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use burn::backend::{Autodiff, Flex};
use burn::module::{AutodiffModule, Module, ModuleVisitor, Param, ParamId};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{GradientsParams, Optimizer, SgdConfig};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{Int, Tensor, TensorData};
use burn_store::{ModuleSnapshot, TensorSnapshot};
use common::{tiny_spec, values};
use regnet_anynet::{BlockType, StemType};
use regnet_burn::AnyNet;
use regnet_burn::ops::with_reference_ops;
use regnet_burn::weights::{NamingScheme, key_mappings, load_tensors, read_checkpoint};

type A = Autodiff<Flex>;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn meta() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("training.json")).unwrap()).unwrap()
}

/// The fixture's tensors whose key starts with `prefix.`, keyed by the rest.
fn with_prefix(
    all: &BTreeMap<String, TensorSnapshot>,
    prefix: &str,
) -> BTreeMap<String, TensorSnapshot> {
    all.iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(&format!("{prefix}."))?.to_owned(), v.clone())))
        .collect()
}

fn f32s(s: &TensorSnapshot) -> Vec<f32> {
    s.to_data()
        .unwrap()
        .convert::<f32>()
        .into_vec::<f32>()
        .unwrap()
}

/// Every tensor of the model by pycls name, in PyTorch layout.
fn state<B: burn::tensor::backend::Backend>(model: &AnyNet<B>) -> BTreeMap<String, Vec<f32>> {
    let table = key_mappings(model, NamingScheme::Pycls).unwrap();
    let snaps: HashMap<String, TensorSnapshot> = model
        .collect(None, None, true)
        .into_iter()
        .map(|s| (s.full_path(), s))
        .collect();
    table
        .iter()
        .map(|m| {
            let v = f32s(&snaps[&m.param]);
            let v = if m.transposed {
                transpose(&v, m.shape[1], m.shape[0])
            } else {
                v
            };
            (m.key.clone(), v)
        })
        .collect()
}

fn transpose(v: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; v.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = v[r * cols + c];
        }
    }
    out
}

/// Every parameter's gradient, by pycls name.
fn gradients(
    model: &AnyNet<A>,
    grads: &<A as AutodiffBackend>::Gradients,
) -> BTreeMap<String, Vec<f32>> {
    struct Collect<'a> {
        grads: &'a <A as AutodiffBackend>::Gradients,
        out: HashMap<ParamId, Vec<f32>>,
    }
    impl ModuleVisitor<A> for Collect<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<A, D>>) {
            if let Some(g) = param.val().grad(self.grads) {
                self.out.insert(param.id, values(g));
            }
        }
    }
    let mut c = Collect {
        grads,
        out: HashMap::new(),
    };
    model.visit(&mut c);
    let table = key_mappings(model, NamingScheme::Pycls).unwrap();
    let ids: HashMap<String, ParamId> = model
        .collect(None, None, true)
        .into_iter()
        .filter_map(|s| Some((s.full_path(), s.tensor_id?)))
        .collect();
    table
        .iter()
        .filter_map(|m| {
            let g = c.out.get(ids.get(&m.param)?)?;
            let g = if m.transposed {
                transpose(g, m.shape[1], m.shape[0])
            } else {
                g.clone()
            };
            Some((m.key.clone(), g))
        })
        .collect()
}

/// Asserts every tensor of `want` is in `got` and matches within 1e-4 of its largest value.
fn close_all(
    what: &str,
    got: &BTreeMap<String, Vec<f32>>,
    want: &BTreeMap<String, TensorSnapshot>,
) -> f32 {
    assert!(!want.is_empty(), "{what}: nothing to compare");
    let mut worst = 0.0f32;
    for (key, snap) in want {
        let want = f32s(snap);
        let got = got
            .get(key)
            .unwrap_or_else(|| panic!("{what}: burn has no `{key}`"));
        assert_eq!(got.len(), want.len(), "{what}: `{key}` size");
        let scale = want.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
        let d = got
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            d <= 1e-4 * scale,
            "{what}: `{key}` differs by {d:e} (largest |value| {scale:e})"
        );
        worst = worst.max(d / scale);
    }
    worst
}

fn check(model_name: &str, se: Option<f64>) {
    let all = read_checkpoint(&fixture(&format!("train_{model_name}.safetensors"))).unwrap();
    let meta = meta();
    let labels: Vec<i64> = meta["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let losses: Vec<f64> = meta["losses"][model_name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let device = Default::default();
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, se);
    let model: AnyNet<A> = AnyNet::new(&spec, &device).unwrap();
    let mut model = load_tensors(model, &with_prefix(&all, "init"), NamingScheme::Pycls).unwrap();
    let x: Tensor<A, 4> = Tensor::from_data(all["input"].to_data().unwrap(), &device);
    let n = labels.len();
    let y = Tensor::<A, 1, Int>::from_data(TensorData::new(labels, [n]), &device);
    let mut optim = SgdConfig::new()
        .with_momentum(Some(
            MomentumConfig::new()
                .with_momentum(0.9)
                .with_dampening(0.0)
                .with_nesterov(true),
        ))
        .with_weight_decay(Some(WeightDecayConfig::new(5e-5)))
        .init();
    let mut worst = 0.0f32;
    for step in 1..=3 {
        let loss = CrossEntropyLossConfig::new()
            .init(&device)
            .forward(model.forward(x.clone()), y.clone());
        let got_loss = values(loss.clone())[0] as f64;
        assert!(
            (got_loss - losses[step - 1]).abs() <= 1e-4 * losses[step - 1].abs().max(1.0),
            "{model_name}: loss at step {step}: burn {got_loss}, PyTorch {}",
            losses[step - 1]
        );
        let grads = loss.backward();
        if step == 1 {
            worst = worst.max(close_all(
                &format!("{model_name} step 1 gradients"),
                &gradients(&model, &grads),
                &with_prefix(&all, "grad1"),
            ));
        }
        let grads = GradientsParams::from_grads(grads, &model);
        model = optim.step(0.1, model, grads);
        if step == 1 || step == 3 {
            let want = with_prefix(&all, &format!("after{step}"));
            // `valid()` syncs the BatchNorm running statistics (a snapshot of the autodiff model
            // would read them one update old).
            let got = state(&model.valid());
            worst = worst.max(close_all(
                &format!("{model_name} after step {step}"),
                &got,
                &want,
            ));
        }
    }
    eprintln!("{model_name}: largest relative difference to PyTorch {worst:e}");
}

#[test]
fn x_block_model_trains_as_pytorch_with_flex_kernels() {
    check("x", None);
}

#[test]
fn y_block_model_trains_as_pytorch_with_flex_kernels() {
    check("y", Some(0.25));
}

#[test]
fn x_block_model_trains_as_pytorch_with_burn_ops() {
    with_reference_ops(|| check("x", None));
}

#[test]
fn y_block_model_trains_as_pytorch_with_burn_ops() {
    with_reference_ops(|| check("y", Some(0.25)));
}
