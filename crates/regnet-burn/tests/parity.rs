//! PyTorch parity: weights made by `tests/fixtures/make_parity.py` in pycls, timm and torchvision
//! names load into the burn model, whose eval-mode logits match PyTorch's within 1e-4.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use burn::backend::Flex;
use burn::tensor::{Tensor, TensorData};
use burn_store::TensorSnapshot;
use common::{max_abs_diff, values};
use regnet_anynet::{Activation, AnyNetSpec, RegNetParams};
use regnet_burn::weights::{NamingScheme, load_checkpoint, load_tensors, read_checkpoint};
use regnet_burn::{AnyNet, RegNetOps};

type B = Flex;

const TOLERANCE: f32 = 1e-4;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The spec of a fixture model, from `parity.json` (written by the script).
fn spec(model: &str) -> AnyNetSpec {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("parity.json")).unwrap()).unwrap();
    let m = &meta["models"][model];
    let (d, w0, g) = (
        m["d"].as_u64().unwrap() as u32,
        m["w0"].as_u64().unwrap() as u32,
        m["g"].as_u64().unwrap() as u32,
    );
    let (wa, wm) = (m["wa"].as_f64().unwrap(), m["wm"].as_f64().unwrap());
    let mut p = if m["se"].is_null() {
        RegNetParams::regnetx(d, w0, wa, wm, g)
    } else {
        RegNetParams::regnety(d, w0, wa, wm, g)
    };
    p.stem_w = meta["stem_w"].as_u64().unwrap() as u32;
    p.num_classes = meta["num_classes"].as_u64().unwrap() as u32;
    p.to_spec().unwrap()
}

fn io() -> BTreeMap<String, TensorSnapshot> {
    read_checkpoint(&fixture("io.safetensors")).unwrap()
}

fn tensor<Bk: RegNetOps, const D: usize>(
    io: &BTreeMap<String, TensorSnapshot>,
    key: &str,
) -> Tensor<Bk, D> {
    let data: TensorData = io[key].to_data().unwrap();
    Tensor::from_data(data, &Default::default())
}

fn check(model_name: &str, scheme: NamingScheme, file: &str) -> f32 {
    check_on::<B>(model_name, scheme, file)
}

/// Loads the fixture weights into a model on `Bk` and compares its eval-mode logits.
fn check_on<Bk: RegNetOps>(model_name: &str, scheme: NamingScheme, file: &str) -> f32 {
    let spec = spec(model_name);
    let io = io();
    let model: AnyNet<Bk> = AnyNet::new(&spec, &Default::default()).unwrap();
    let model = load_checkpoint(model, fixture(file), scheme).unwrap();
    let logits = values(model.forward(tensor::<Bk, 4>(&io, "input")));
    let expected = values(tensor::<Bk, 2>(
        &io,
        &format!("logits.{model_name}.{scheme}"),
    ));
    assert!(
        expected.iter().any(|v| v.abs() > 0.5),
        "fixture logits are not trivially small"
    );
    let diff = max_abs_diff(&logits, &expected);
    assert!(
        diff < TOLERANCE,
        "{model_name} / {scheme}: max |burn − torch| = {diff}"
    );
    eprintln!("{model_name} / {scheme} / {file}: max |burn − torch| = {diff:e}");
    diff
}

#[test]
fn fixture_models_have_the_pytorch_parameter_count() {
    // make_parity.py prints 30874 (X) and 33524 (Y) parameters for all three libraries.
    assert_eq!(spec("regnetx").complexity(36).unwrap().params, 30_874);
    assert_eq!(spec("regnety").complexity(36).unwrap().params, 33_524);
    assert_eq!(spec("regnetx").widths(), vec![8, 16, 32, 64]);
}

#[test]
fn regnetx_matches_pycls_timm_torchvision() {
    for scheme in NamingScheme::ALL {
        check("regnetx", scheme, &format!("regnetx_{scheme}.safetensors"));
    }
}

#[test]
fn regnety_matches_pycls_timm_torchvision() {
    for scheme in NamingScheme::ALL {
        check("regnety", scheme, &format!("regnety_{scheme}.safetensors"));
    }
}

#[cfg(feature = "cuda")]
#[test]
#[ignore = "needs an NVIDIA GPU and its driver (bench/gpu_check.sh runs it)"]
fn cuda_logits_match_pycls_timm_torchvision() {
    for model in ["regnetx", "regnety"] {
        for scheme in NamingScheme::ALL {
            check_on::<burn::backend::Cuda>(
                model,
                scheme,
                &format!("{model}_{scheme}.safetensors"),
            );
        }
    }
}

/// SiLU and GELU (pycls `MODEL.ACTIVATION_FUN`): the same small RegNetY with every ReLU replaced,
/// SE's inner one included (fixtures/make_activation.py). The weights load unchanged.
#[test]
fn silu_and_gelu_logits_match_pytorch() {
    let io = read_checkpoint(&fixture("activation.safetensors")).unwrap();
    let weights: BTreeMap<String, TensorSnapshot> = io
        .iter()
        .filter(|(k, _)| *k != "input" && !k.starts_with("logits."))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (name, act) in [("silu", Activation::Silu), ("gelu", Activation::Gelu)] {
        let mut spec = spec("regnety");
        spec.activation = act;
        let model: AnyNet<B> = AnyNet::new(&spec, &Default::default()).unwrap();
        let model = load_tensors(model, &weights, NamingScheme::Pycls).unwrap();
        let logits = values(model.forward(tensor::<B, 4>(&io, "input")));
        let expected = values(tensor::<B, 2>(&io, &format!("logits.{name}")));
        assert!(expected.iter().any(|v| v.abs() > 1.0));
        let diff = max_abs_diff(&logits, &expected);
        assert!(diff < TOLERANCE, "{name}: max |burn − torch| = {diff}");
        // ReLU on the same weights gives other logits: the activation is really applied.
        let relu: AnyNet<B> = AnyNet::new(&self::spec("regnety"), &Default::default()).unwrap();
        let relu = load_tensors(relu, &weights, NamingScheme::Pycls).unwrap();
        let relu_logits = values(relu.forward(tensor::<B, 4>(&io, "input")));
        assert!(
            max_abs_diff(&relu_logits, &expected) > 0.1,
            "{name} vs relu"
        );
    }
}

#[test]
fn regnety_pth_matches_pycls() {
    check("regnety", NamingScheme::Pycls, "regnety_pycls.pth");
}

#[test]
fn a_checkpoint_in_another_scheme_is_rejected_with_the_missing_key() {
    let model: AnyNet<B> = AnyNet::new(&spec("regnetx"), &Default::default()).unwrap();
    let err = load_checkpoint(
        model,
        fixture("regnetx_timm.safetensors"),
        NamingScheme::Pycls,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("missing key `s1.b1.f.a.weight`"), "{msg}");
    assert!(msg.contains("[8, 16, 1, 1]"), "{msg}");
}

#[test]
fn x_weights_do_not_load_into_a_y_model() {
    let model: AnyNet<B> = AnyNet::new(&spec("regnety"), &Default::default()).unwrap();
    let err = load_checkpoint(
        model,
        fixture("regnetx_pycls.safetensors"),
        NamingScheme::Pycls,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("s1.b1.f.se.f_ex.0.weight"),
        "{err}"
    );
    let model: AnyNet<B> = AnyNet::new(&spec("regnetx"), &Default::default()).unwrap();
    let err = load_checkpoint(
        model,
        fixture("regnety_pycls.safetensors"),
        NamingScheme::Pycls,
    )
    .unwrap_err();
    assert!(err.to_string().contains("unexpected key `s"), "{err}");
    assert!(err.to_string().contains(".f.se.f_ex."), "{err}");
}
