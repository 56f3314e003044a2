//! Bad specs and configs give typed errors that name the field and the value.

use regnet_anynet::{
    Activation, AnyNetSpec, BlockType, RegNetParams, SpecError, StageSpec, StemType,
    parse_pycls_config,
};

fn spec(stages: Vec<StageSpec>) -> AnyNetSpec {
    AnyNetSpec {
        stem: StemType::SimpleStemIn,
        stem_w: 32,
        block: BlockType::ResBottleneck,
        stages,
        se_r: None,
        head_w: 0,
        num_classes: 10,
        in_channels: 3,
        activation: Activation::Relu,
    }
}

#[test]
fn group_count_that_does_not_divide_is_rejected() {
    // w_b = 440, g = 48 → 9 groups, 440 % 9 ≠ 0.
    let e = spec(vec![StageSpec::new(1, 440, 48)])
        .validate()
        .unwrap_err();
    assert_eq!(
        e,
        SpecError::GroupsDoNotDivide {
            stage: 1,
            w_b: 440,
            g: 48,
            groups: 9
        }
    );
    assert!(e.to_string().contains("440") && e.to_string().contains("48"));
}

#[test]
fn group_width_not_dividing_but_group_count_dividing_is_valid() {
    // w_b = 40, g = 16 → 2 groups of 20, as pycls.
    let s = spec(vec![StageSpec::new(1, 40, 16)]);
    s.validate().unwrap();
    assert_eq!(s.stages[0].groups(), 2);
    assert_eq!(s.plan().stages[0][0].groups, 2);
}

#[test]
fn zero_depth_width_and_too_large_group_are_rejected() {
    let e = spec(vec![StageSpec::new(0, 64, 8)]).validate().unwrap_err();
    assert!(
        matches!(
            e,
            SpecError::InvalidStage {
                stage: 1,
                field: "d",
                ..
            }
        ),
        "{e}"
    );
    let e = spec(vec![StageSpec::new(1, 64, 8), StageSpec::new(2, 0, 8)])
        .validate()
        .unwrap_err();
    assert!(
        matches!(
            e,
            SpecError::InvalidStage {
                stage: 2,
                field: "w",
                ..
            }
        ),
        "{e}"
    );
    let e = spec(vec![StageSpec::new(1, 64, 128)])
        .validate()
        .unwrap_err();
    assert_eq!(
        e,
        SpecError::GroupWidthTooLarge {
            stage: 1,
            w_b: 64,
            g: 128
        }
    );
    assert_eq!(spec(vec![]).validate().unwrap_err(), SpecError::NoStages);
}

#[test]
fn se_on_basic_block_is_rejected() {
    let mut s = spec(vec![StageSpec::new(1, 64, 8)]);
    s.block = BlockType::ResBasic;
    s.se_r = Some(0.25);
    assert!(matches!(
        s.validate(),
        Err(SpecError::SeNotSupported { .. })
    ));
}

#[test]
fn invalid_regnet_parameters_name_the_parameter() {
    let e = RegNetParams::regnetx(13, 20, 36.44, 2.49, 8)
        .to_spec()
        .unwrap_err();
    assert!(
        e.to_string().contains("w0") && e.to_string().contains("20"),
        "{e}"
    );
    let e = RegNetParams::regnetx(13, 24, 36.44, 0.9, 8)
        .to_spec()
        .unwrap_err();
    assert!(
        e.to_string().contains("wm") && e.to_string().contains("0.9"),
        "{e}"
    );
    let e = RegNetParams::regnetx(13, 24, 36.44, 2.49, 0)
        .to_spec()
        .unwrap_err();
    assert!(e.to_string().contains("group width"), "{e}");
}

#[test]
fn resolution_zero_is_an_error_not_a_panic() {
    let s = spec(vec![StageSpec::new(1, 64, 8)]);
    assert!(matches!(
        s.complexity(0),
        Err(SpecError::InvalidResolution { .. })
    ));
}

#[test]
fn pycls_config_errors_name_the_key() {
    let e = parse_pycls_config("MODEL:\n  TYPE: regnet\nREGNET:\n  DEPTHS: 3\n").unwrap_err();
    assert_eq!(
        e,
        SpecError::UnknownKey {
            key: "REGNET.DEPTHS".into()
        }
    );
    let e = parse_pycls_config("MODEL:\n  TYPE: regnet\nFOO: 1\n").unwrap_err();
    assert_eq!(e, SpecError::UnknownKey { key: "FOO".into() });
    let e = parse_pycls_config("MODEL:\n  TYPE: regnet\nREGNET:\n  W0: abc\n").unwrap_err();
    assert!(
        e.to_string().contains("REGNET.W0") && e.to_string().contains("abc"),
        "{e}"
    );
    let e = parse_pycls_config(
        "MODEL:\n  TYPE: anynet\nANYNET:\n  DEPTHS: [1, 2]\n  WIDTHS: [32]\n  STRIDES: [2, 2]\n  BOT_MULS: [1, 1]\n  GROUP_WS: [8, 8]\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        SpecError::LengthMismatch {
            key: "WIDTHS",
            len: 1,
            depths: 2
        }
    );
    let e = parse_pycls_config("MODEL:\n  TYPE: resnet\n").unwrap_err();
    assert!(e.to_string().contains("MODEL.TYPE"), "{e}");
    let e = parse_pycls_config("MODEL: [").unwrap_err();
    assert!(matches!(e, SpecError::Yaml(_)));
    let e = parse_pycls_config("MODEL:\n  TYPE: regnet\n  ACTIVATION_FUN: mish\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "config: MODEL.ACTIVATION_FUN is not supported by regnet-space, got mish"
    );
    // pycls's activation functions become the spec's; relu when absent.
    for (name, want) in [
        ("relu", Activation::Relu),
        ("silu", Activation::Silu),
        ("swish", Activation::Silu),
        ("gelu", Activation::Gelu),
    ] {
        let yaml = format!(
            "MODEL:\n  TYPE: anynet\n  ACTIVATION_FUN: {name}\nANYNET:\n  DEPTHS: [1]\n  WIDTHS: [8]\n  STRIDES: [2]\n  BOT_MULS: [1.0]\n  GROUP_WS: [8]\n"
        );
        assert_eq!(
            parse_pycls_config(&yaml).unwrap().spec.activation,
            want,
            "{name}"
        );
        let yaml = format!("MODEL:\n  TYPE: regnet\n  ACTIVATION_FUN: {name}\n");
        assert_eq!(
            parse_pycls_config(&yaml).unwrap().spec.activation,
            want,
            "{name}"
        );
    }
    assert_eq!(
        parse_pycls_config("MODEL:\n  TYPE: regnet\n")
            .unwrap()
            .spec
            .activation,
        Activation::Relu
    );
}

#[test]
fn pycls_config_defaults_and_ignored_sections() {
    // pycls defaults: NUM_CLASSES 10, REGNET DEPTH 10, W0 32, WA 5.0, WM 2.5, GROUP_W 16, IM_SIZE 224.
    let cfg = parse_pycls_config(
        "MODEL:\n  TYPE: regnet\nOPTIM:\n  BASE_LR: 0.8\nTRAIN:\n  BATCH_SIZE: 1024\n  IM_SIZE: 160\nNUM_GPUS: 8\n",
    )
    .unwrap();
    assert_eq!(cfg.spec.num_classes, 10);
    assert_eq!(cfg.im_size, 160);
    let p = cfg.regnet.unwrap();
    assert_eq!((p.d, p.w0, p.wa, p.wm, p.g), (10, 32, 5.0, 2.5, 16));
    assert_eq!(
        cfg.spec,
        RegNetParams {
            num_classes: 10,
            ..p
        }
        .to_spec()
        .unwrap()
    );
}

#[test]
fn json_spec_round_trip() {
    let s = regnet_anynet::zoo::model("RegNetY-400MF").unwrap();
    let text = serde_json::to_string(&s).unwrap();
    assert!(text.contains("\"group_width\"") && text.contains("\"res_bottleneck_block\""));
    assert_eq!(AnyNetSpec::from_json(&text).unwrap(), s);
    assert!(AnyNetSpec::from_json("{\"stem\": 3}").is_err());
    // ReLU (the default) is not written; another activation is, and reads back.
    assert!(!text.contains("activation"));
    let mut silu = s.clone();
    silu.activation = Activation::Silu;
    let text = serde_json::to_string(&silu).unwrap();
    assert!(text.contains("\"activation\":\"silu\""), "{text}");
    assert_eq!(AnyNetSpec::from_json(&text).unwrap(), silu);
    let swish = text.replace("\"silu\"", "\"swish\"");
    assert_eq!(AnyNetSpec::from_json(&swish).unwrap(), silu);
    assert!(AnyNetSpec::from_json(&text.replace("\"silu\"", "\"tanh\"")).is_err());
}
