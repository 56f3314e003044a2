//! EfficientNet complexity against pycls's own count (fixtures/make_effnet_complexity.py: pycls GitHub
//! `EffNet.complexity`, equal to pycls 0.1.1's, and PyTorch's parameter count), to the integer.

use regnet_anynet::{
    Activation, EffNetSpec, EffStageSpec, PyclsModel, SpecError, parse_pycls_config,
    parse_pycls_model, zoo,
};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/effnet_complexity.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn spec_of(case: &Value) -> EffNetSpec {
    let (ds, ws, ks, ss) = (
        u32s(&case["depths"]),
        u32s(&case["widths"]),
        u32s(&case["kernels"]),
        u32s(&case["strides"]),
    );
    let es: Vec<f64> = case["exp_ratios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    EffNetSpec {
        stem_w: case["stem_w"].as_u64().unwrap() as u32,
        stages: (0..ds.len())
            .map(|i| EffStageSpec {
                d: ds[i],
                w: ws[i],
                exp_r: es[i],
                k: ks[i],
                stride: ss[i],
            })
            .collect(),
        se_r: case["se_r"].as_f64().unwrap(),
        head_w: case["head_w"].as_u64().unwrap() as u32,
        num_classes: case["num_classes"].as_u64().unwrap() as u32,
        in_channels: 3,
        activation: Activation::Silu,
        dc_ratio: 0.0,
        dropout_ratio: 0.0,
    }
}

#[test]
fn complexity_equals_pycls_to_the_integer() {
    let fx = fixture();
    let cases = fx["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 15);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let spec = spec_of(case);
        let r = case["resolution"].as_u64().unwrap() as u32;
        let c = spec.complexity(r).unwrap();
        let want = (
            case["flops"].as_u64().unwrap(),
            case["params"].as_u64().unwrap(),
            case["acts"].as_u64().unwrap(),
        );
        assert_eq!((c.flops, c.params, c.acts), want, "{name}");
        assert_eq!(c.params, case["torch_params"].as_u64().unwrap(), "{name}");
        let parts = spec.complexity_breakdown(r).unwrap();
        let want_parts: Vec<(String, u64, u64, u64, u32)> = case["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["part"].as_str().unwrap().to_string(),
                    p["flops"].as_u64().unwrap(),
                    p["params"].as_u64().unwrap(),
                    p["acts"].as_u64().unwrap(),
                    p["out"].as_u64().unwrap() as u32,
                )
            })
            .collect();
        let got: Vec<(String, u64, u64, u64, u32)> = parts
            .into_iter()
            .map(|p| (p.part, p.flops, p.params, p.acts, p.out_h))
            .collect();
        assert_eq!(got, want_parts, "{name}");
        // The zoo entry is the same spec at the same resolution.
        if let Ok(m) = zoo::effnet(name.trim_end_matches("@224")) {
            assert_eq!(m.spec, spec, "{name}");
            if !name.ends_with("@224") {
                assert_eq!(m.resolution, r, "{name}");
            }
        }
    }
}

#[test]
fn zoo_effnets_have_pycls_model_zoo_complexity() {
    // pycls MODEL_ZOO.md (EfficientNet table): flops (B), params (M), acts (M), at each model's
    // training resolution, rounded to one decimal.
    let zoo_md = [
        ("EN-B0", "0.4", "5.3", "6.7"),
        ("EN-B1", "0.7", "7.8", "10.9"),
        ("EN-B2", "1.0", "9.1", "13.8"),
        ("EN-B3", "1.8", "12.2", "23.8"),
        ("EN-B4", "4.4", "19.3", "49.5"),
        ("EN-B5", "10.3", "30.4", "98.9"),
    ];
    let ms = zoo::effnets();
    assert_eq!(ms.len(), 6);
    for (m, (name, gf, p, a)) in ms.iter().zip(zoo_md) {
        assert_eq!(m.name, name);
        let c = m.spec.complexity(m.resolution).unwrap();
        assert_eq!(format!("{:.1}", c.flops as f64 / 1e9), gf, "{name}");
        assert_eq!(format!("{:.1}", c.params as f64 / 1e6), p, "{name}");
        assert_eq!(format!("{:.1}", c.acts as f64 / 1e6), a, "{name}");
    }
}

/// pycls's configs/dds_baselines/effnet/EN-B3_dds_8gpu.yaml as published (all sections).
const EN_B3_YAML: &str = "MODEL:
  TYPE: effnet
  NUM_CLASSES: 1000
  ACTIVATION_FUN: silu
EN:
  STEM_W: 40
  STRIDES: [1, 2, 2, 2, 1, 2, 1]
  DEPTHS: [2, 3, 3, 5, 5, 6, 2]
  WIDTHS: [24, 32, 48, 96, 136, 232, 384]
  EXP_RATIOS: [1, 6, 6, 6, 6, 6, 6]
  KERNELS: [3, 3, 5, 3, 5, 5, 3]
  HEAD_W: 1536
OPTIM:
  LR_POLICY: cos
  BASE_LR: 0.4
  MAX_EPOCH: 100
  MOMENTUM: 0.9
  WEIGHT_DECAY: 1e-5
TRAIN:
  DATASET: imagenet
  IM_SIZE: 300
  BATCH_SIZE: 256
TEST:
  DATASET: imagenet
  IM_SIZE: 342
  BATCH_SIZE: 200
NUM_GPUS: 8
OUT_DIR: .
";

#[test]
fn pycls_effnet_yaml_reads_to_the_zoo_model() {
    let PyclsModel::EffNet(cfg) = parse_pycls_model(EN_B3_YAML).unwrap() else {
        panic!("not an effnet")
    };
    let m = zoo::effnet("EN-B3").unwrap();
    assert_eq!((cfg.spec, cfg.im_size), (m.spec, 300));
    // The AnyNet-only reader names the type instead of misreading it.
    let e = parse_pycls_config(EN_B3_YAML).unwrap_err();
    assert!(e.to_string().contains("MODEL.TYPE"), "{e}");
    // EN keys with pycls's defaults and the optional ratios.
    let yaml = "MODEL: {TYPE: effnet, NUM_CLASSES: 10}\nEN: {DEPTHS: [1], WIDTHS: [16], EXP_RATIOS: [1], KERNELS: [3], STRIDES: [1], DC_RATIO: 0.2, DROPOUT_RATIO: 0.3}\n";
    let PyclsModel::EffNet(cfg) = parse_pycls_model(yaml).unwrap() else {
        panic!("not an effnet")
    };
    let s = cfg.spec;
    assert_eq!(
        (s.stem_w, s.head_w, s.se_r, s.activation, cfg.im_size),
        (32, 1280, 0.25, Activation::Relu, 224)
    );
    assert_eq!((s.dc_ratio, s.dropout_ratio), (0.2, 0.3));
}

#[test]
fn bad_effnet_configs_name_the_key_and_value() {
    let base = "MODEL: {TYPE: effnet}\nEN: {DEPTHS: [1, 2], WIDTHS: [16, 24], EXP_RATIOS: [1, 6], KERNELS: [3, 5], STRIDES: [1, 2]";
    let err = |extra: &str| parse_pycls_model(&format!("{base}{extra}}}\n")).unwrap_err();
    assert_eq!(
        err(", KERNEL: 3").to_string(),
        "config: unknown key EN.KERNEL"
    );
    assert_eq!(
        parse_pycls_model("MODEL: {TYPE: effnet}\nEN: {DEPTHS: [1, 2], WIDTHS: [16], EXP_RATIOS: [1, 6], KERNELS: [3, 5], STRIDES: [1, 2]}\n")
            .unwrap_err()
            .to_string(),
        "config: EN.WIDTHS must have as many entries as EN.DEPTHS (2), got 1 entries"
    );
    let e = parse_pycls_model(
        &base
            .replace("KERNELS: [3, 5]", "KERNELS: [3, 4]")
            .replace("STRIDES: [1, 2]", "STRIDES: [1, 2]}\n"),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "stage 2: k must be odd and between 1 and 31 (MAX_KERNEL), got 4"
    );
    assert!(matches!(
        err(", SE_R: -1"),
        SpecError::InvalidField { field: "se_r", .. }
    ));
    assert!(matches!(
        err(", DROPOUT_RATIO: 1.5"),
        SpecError::InvalidField {
            field: "dropout_ratio",
            ..
        }
    ));
    let e = parse_pycls_model(&format!(
        "{}}}\n",
        base.replace("EXP_RATIOS: [1, 6]", "EXP_RATIOS: [1, six]")
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "config: EN.EXP_RATIOS[1] must be a finite number, got \"six\""
    );
    assert!(matches!(
        parse_pycls_model(&base.replace("STRIDES: [1, 2]", "STRIDES: [1, 0]}\n")).unwrap_err(),
        SpecError::InvalidStage {
            stage: 2,
            field: "stride",
            ..
        }
    ));
    assert!(matches!(
        parse_pycls_model("MODEL: {TYPE: effnet}\n").unwrap_err(),
        SpecError::NoStages
    ));
    assert_eq!(
        parse_pycls_model("MODEL: {TYPE: mobilenet}\n")
            .unwrap_err()
            .to_string(),
        "config: MODEL.TYPE must be anynet, regnet or effnet, got \"mobilenet\""
    );
}

#[test]
fn effnet_names_and_json_round_trip() {
    for name in ["EN-B3", "en_b3", "EfficientNet-B3", "effnet-b3", "ENB3"] {
        assert_eq!(zoo::effnet(name).unwrap().name, "EN-B3", "{name}");
    }
    assert!(matches!(
        zoo::effnet("EN-B7"),
        Err(SpecError::UnknownModel { .. })
    ));
    assert!(matches!(
        zoo::find_any("en-b1").unwrap(),
        zoo::AnyZooModel::EffNet(m) if m.resolution == 240
    ));
    assert!(matches!(
        zoo::find_any("RegNetY-400MF").unwrap(),
        zoo::AnyZooModel::AnyNet(_)
    ));
    let spec = zoo::effnet("EN-B2").unwrap().spec;
    let back = EffNetSpec::from_json(&serde_json::to_string(&spec).unwrap()).unwrap();
    assert_eq!(back, spec);
    assert!(EffNetSpec::from_json("{\"stem_w\": 32}").is_err());
}

#[test]
fn zoo_effnets_equal_pycls_model_complexity_json() {
    // pycls's dev/model_complexity.json (the exact integers behind MODEL_ZOO.md), entries
    // configs/dds_baselines/effnet/EN-B*_dds_8gpu.yaml: (flops, params, acts).
    let pycls = [
        ("EN-B0", 385_825_092, 5_288_548, 6_748_036),
        ("EN-B1", 686_817_992, 7_794_184, 10_884_328),
        ("EN-B2", 993_578_282, 9_109_994, 13_832_834),
        ("EN-B3", 1_827_162_472, 12_233_232, 23_831_296),
        ("EN-B4", 4_393_801_064, 19_341_616, 49_489_032),
        ("EN-B5", 10_266_426_072, 30_389_784, 98_857_400),
    ];
    for (name, flops, params, acts) in pycls {
        let m = zoo::effnet(name).unwrap();
        let c = m.spec.complexity(m.resolution).unwrap();
        assert_eq!((c.flops, c.params, c.acts), (flops, params, acts), "{name}");
    }
}

/// Arbitrary EfficientNet specs (extreme values included) are counted or rejected with a typed,
/// one-line error — never a panic; mutated `EN` configs likewise.
#[test]
fn arbitrary_effnet_specs_and_configs_never_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let edge_u32 = prop_oneof![
        0u32..70,
        Just(u32::MAX),
        Just(1 << 20),
        Just((1 << 20) + 1),
        Just(4097)
    ];
    let edge_f64 = prop_oneof![
        0.0f64..8.0,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-1.0),
        Just(64.0),
        Just(1e300)
    ];
    let stage = (
        edge_u32.clone(),
        edge_u32.clone(),
        edge_f64.clone(),
        edge_u32.clone(),
        edge_u32.clone(),
    )
        .prop_map(|(d, w, exp_r, k, stride)| EffStageSpec {
            d: d.min(8),
            w,
            exp_r,
            k,
            stride,
        });
    let spec = (
        edge_u32.clone(),
        proptest::collection::vec(stage, 0..5),
        edge_f64.clone(),
        edge_u32.clone(),
        edge_u32,
        edge_f64.clone(),
        edge_f64,
        1u32..600,
    );
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        ..Config::default()
    });
    runner
        .run(
            &spec,
            |(stem_w, stages, se_r, head_w, num_classes, dc, dropout, res)| {
                let s = EffNetSpec {
                    stem_w,
                    stages,
                    se_r,
                    head_w,
                    num_classes,
                    in_channels: 3,
                    activation: Activation::Silu,
                    dc_ratio: dc,
                    dropout_ratio: dropout,
                };
                match s.complexity(res) {
                    Ok(c) => prop_assert!(c.params > 0),
                    Err(e) => prop_assert!(!e.to_string().contains('\n')),
                }
                Ok(())
            },
        )
        .unwrap();
    // Every single-token substitution of the EN-B3 config parses or fails with one line.
    let tokens = [
        "0",
        "-1",
        "4294967295",
        ".nan",
        "[1]",
        "[",
        "{a: 1}",
        "six",
        "1e300",
        "2.5",
    ];
    let words: Vec<&str> = EN_B3_YAML.split(' ').collect();
    for i in 0..words.len() {
        for t in tokens {
            let mut w = words.clone();
            w[i] = t;
            match parse_pycls_model(&w.join(" ")) {
                Ok(PyclsModel::EffNet(cfg)) => {
                    let _ = cfg.spec.complexity(cfg.im_size);
                }
                Ok(PyclsModel::AnyNet(_)) => {}
                Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
            }
        }
    }
}
