//! `regnet_burn::batch_norm` against PyTorch's `nn.BatchNorm2d` (fixtures/make_batchnorm.py):
//! training-mode output, the running statistics after one step (unbiased variance) and an
//! eval-mode output that uses them.

mod common;

use burn::backend::{Autodiff, Flex};
use burn::module::{AutodiffModule, Param, RunningState};
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::tensor::{Tensor, TensorData, backend::Backend};
use common::{max_abs_diff, values};
use serde_json::Value;

type B = Autodiff<Flex>;
const N: usize = 3;
const C: usize = 4;
const H: usize = 5;
const W: usize = 2;

/// The fixture's input formula.
fn input<Bk: Backend>(phase: f64, device: &burn::tensor::Device<Bk>) -> Tensor<Bk, 4> {
    let mut v = Vec::with_capacity(N * C * H * W);
    for n in 0..N {
        for c in 0..C {
            for h in 0..H {
                for w in 0..W {
                    let arg = 0.37 * n as f64
                        + 1.3 * c as f64
                        + 0.11 * (h * W) as f64
                        + 0.07 * w as f64
                        + phase;
                    v.push((2.0 * arg.sin() + 0.5 * c as f64) as f32);
                }
            }
        }
    }
    Tensor::from_data(TensorData::new(v, [N, C, H, W]), device)
}

fn vec1(f: impl Fn(usize) -> f64) -> Vec<f32> {
    (0..C).map(|c| f(c) as f32).collect()
}

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/batchnorm.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn floats(v: &Value, key: &str) -> Vec<f32> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}"))
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

fn bn(device: &burn::tensor::Device<B>) -> BatchNorm<B> {
    let mut bn = BatchNormConfig::new(C)
        .with_epsilon(1e-5)
        .with_momentum(0.1)
        .init::<B>(device);
    let t = |v: Vec<f32>| Tensor::<B, 1>::from_data(TensorData::new(v, [C]), device);
    bn.gamma = Param::from_tensor(t(vec1(|c| 1.0 + 0.25 * c as f64)));
    bn.beta = Param::from_tensor(t(vec1(|c| 0.1 * c as f64 - 0.2)));
    bn.running_mean = RunningState::new(t(vec1(|c| 0.05 * c as f64)));
    bn.running_var = RunningState::new(t(vec1(|c| 1.0 + 0.5 * c as f64)));
    bn
}

#[test]
fn training_and_eval_forward_match_pytorch_batchnorm2d() {
    let want = fixture();
    let device = Default::default();
    let bn = bn(&device);

    let y = regnet_burn::batch_norm(&bn, input::<B>(0.0, &device));
    let d = max_abs_diff(&values(y), &floats(&want, "train_output"));
    assert!(d < 2e-6, "training output differs by {d}");

    // Running statistics: (1 − 0.1)·old + 0.1·batch, the variance unbiased (×30/29 here).
    let rm = values(bn.running_mean.value_sync());
    let rv = values(bn.running_var.value_sync());
    let d_mean = max_abs_diff(&rm, &floats(&want, "running_mean"));
    let d_var = max_abs_diff(&rv, &floats(&want, "running_var"));
    assert!(d_mean < 1e-6, "running mean differs by {d_mean}: {rm:?}");
    assert!(d_var < 1e-6, "running var differs by {d_var}: {rv:?}");

    let eval = bn.valid();
    let y = regnet_burn::batch_norm(&eval, input::<Flex>(0.9, &device));
    let d = max_abs_diff(&values(y), &floats(&want, "eval_output"));
    assert!(d < 2e-6, "eval output differs by {d}");
}

#[test]
fn the_biased_variance_would_fail_the_running_var_check() {
    // Guards the test above: with the biased batch variance (burn's BatchNorm) the running
    // variance is off by 0.1·σ²/29 per channel, far above the 1e-6 tolerance.
    let want = fixture();
    let device = Default::default();
    let bn = bn(&device);
    let _ = bn.forward(input::<B>(0.0, &device));
    let rv = values(bn.running_var.value_sync());
    let d = max_abs_diff(&rv, &floats(&want, "running_var"));
    assert!(d > 1e-3, "burn's BatchNorm running var differs only by {d}");
}
