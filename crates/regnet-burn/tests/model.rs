//! The built modules: parameter counts equal the analytic count, shapes follow the plan, init follows pycls.

mod common;

use burn::backend::{Autodiff, Flex};
use burn::module::Module;
use burn::tensor::{Distribution, Tensor};
use common::{max_abs_diff, tiny_spec, values};
use regnet_anynet::{AnyNetSpec, BlockType, Op, SpecError, StemType, zoo};
use regnet_burn::{AnyNet, AnyNetConfig, Block, BuildError};

type B = Flex;

/// Elements of the BatchNorm running statistics (2·c per BN), which burn's `num_params` counts.
fn bn_buffers(spec: &AnyNetSpec) -> u64 {
    let mut n = 0u64;
    let mut count = |op| {
        if let Op::BatchNorm { c } = op {
            n += 2 * u64::from(c);
        }
    };
    let plan = spec.plan();
    plan.stem.for_each_op(&mut count);
    plan.stages
        .iter()
        .flatten()
        .for_each(|b| b.for_each_op(&mut count));
    plan.head.for_each_op(&mut count);
    n
}

/// The learnable count equals the analytic `params`; burn's `num_params` adds the BN buffers.
fn assert_params(model: &AnyNet<B>, spec: &AnyNetSpec, what: &str) {
    let analytic = spec.complexity(32).unwrap().params;
    assert_eq!(model.num_learnable_params() as u64, analytic, "{what}");
    assert_eq!(
        model.num_params() as u64,
        analytic + bn_buffers(spec),
        "{what}"
    );
}

fn build(spec: &AnyNetSpec) -> AnyNet<B> {
    AnyNet::new(spec, &Default::default()).expect("valid spec builds")
}

/// Every stem type × block type (with and without SE), a head conv, grayscale input.
fn all_variants() -> Vec<AnyNetSpec> {
    let mut specs = Vec::new();
    for stem in [
        StemType::SimpleStemIn,
        StemType::ResStemCifar,
        StemType::ResStemIn,
    ] {
        for block in [
            BlockType::ResBottleneck,
            BlockType::ResBasic,
            BlockType::Vanilla,
            BlockType::ResBottleneckLinear,
        ] {
            specs.push(tiny_spec(stem, block, None));
            if block.is_bottleneck() {
                specs.push(tiny_spec(stem, block, Some(0.25)));
            }
        }
    }
    let mut head = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, Some(0.25));
    head.head_w = 40;
    specs.push(head);
    let mut gray = tiny_spec(StemType::ResStemCifar, BlockType::ResBasic, None);
    gray.in_channels = 1;
    specs.push(gray);
    specs
}

#[test]
fn num_params_equals_analytic_params_for_every_stem_and_block() {
    for spec in all_variants() {
        let model = build(&spec);
        let what = format!(
            "{} / {} / se {:?} / head_w {} / in {}",
            spec.stem, spec.block, spec.se_r, spec.head_w, spec.in_channels
        );
        assert_params(&model, &spec, &what);
    }
}

#[test]
fn num_params_equals_analytic_params_for_small_zoo_models() {
    for name in [
        "RegNetX-200MF",
        "RegNetY-200MF",
        "RegNetX-400MF",
        "RegNetY-400MF",
    ] {
        let spec = zoo::model(name).unwrap();
        assert_params(&build(&spec), &spec, name);
    }
    // The pycls reference value of RegNetY-200MF (docs/conventions.md §B).
    let y200 = build(&zoo::model("RegNetY-200MF").unwrap());
    assert_eq!(y200.num_learnable_params(), 3_162_996);
}

#[test]
#[ignore = "builds every zoo model (up to 145M parameters); run with --ignored"]
fn num_params_equals_analytic_params_for_all_zoo_models() {
    for m in zoo::models() {
        let spec = m.spec().unwrap();
        assert_params(&build(&spec), &spec, m.name);
    }
}

#[test]
fn output_shapes_follow_the_plan_at_odd_resolutions() {
    let device = Default::default();
    for spec in all_variants() {
        let model = build(&spec);
        for res in [37u32, 20] {
            let parts = spec.complexity_breakdown(res).unwrap();
            let last = &parts[parts.len() - 2]; // the last stage, before the head
            let x = Tensor::<B, 4>::random(
                [2, spec.in_channels as usize, res as usize, res as usize],
                Distribution::Default,
                &device,
            );
            let f = model.features(x.clone());
            assert_eq!(
                f.dims(),
                [
                    2,
                    spec.stages.last().unwrap().w as usize,
                    last.out_h as usize,
                    last.out_w as usize
                ],
                "{} / {} at {res}",
                spec.stem,
                spec.block
            );
            let logits = model.forward(x);
            assert_eq!(logits.dims(), [2, spec.num_classes as usize]);
            assert!(values(logits).iter().all(|v| v.is_finite()));
        }
    }
}

#[test]
fn rectangular_inputs_work() {
    let spec = tiny_spec(StemType::ResStemIn, BlockType::ResBottleneck, Some(0.25));
    let model = build(&spec);
    let x = Tensor::<B, 4>::random([1, 3, 45, 29], Distribution::Default, &Default::default());
    // res_stem_in: conv s2 → 23×15, pool s2 → 12×8; stages s2, s2 → 6×4 → 3×2.
    assert_eq!(model.features(x).dims(), [1, 32, 3, 2]);
}

#[test]
fn projections_and_se_are_where_the_plan_says() {
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, Some(0.25));
    let model = build(&spec);
    let plan = spec.plan();
    for (stage, blocks) in model.stages.iter().zip(&plan.stages) {
        for (block, bp) in stage.iter().zip(blocks) {
            let Block::Bottleneck(b) = block else {
                panic!("bottleneck spec built a basic block")
            };
            assert_eq!(b.proj.is_some(), bp.proj);
            let se = b.se.as_ref().expect("SE on");
            assert_eq!(
                se.reduce.weight.dims(),
                [bp.w_se.unwrap() as usize, bp.w_b as usize, 1, 1]
            );
            assert_eq!(b.b.groups, bp.groups as usize);
            assert_eq!(b.b.stride, [bp.stride as usize; 2]);
        }
    }
    // First block of stage 1: SE width from the block input (stem 16 → round(16/4) = 4).
    let Block::Bottleneck(first) = &model.stages[0][0] else {
        unreachable!()
    };
    assert_eq!(
        first.se.as_ref().unwrap().reduce.weight.dims(),
        [4, 24, 1, 1]
    );
}

/// Sample mean and standard deviation.
fn stats(v: &[f32]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let var = v
        .iter()
        .map(|&x| (f64::from(x) - mean).powi(2))
        .sum::<f64>()
        / n;
    (mean, var.sqrt())
}

#[test]
fn init_follows_pycls() {
    let spec = zoo::model("RegNetY-200MF").unwrap();
    let model = build(&spec);
    let Block::Bottleneck(b) = &model.stages[3][1] else {
        unreachable!()
    };
    // 3×3 group conv 368→368: N(0, sqrt(2 / (9·368))) (fan-out, not divided by groups).
    let (mean, std) = stats(&values(b.b.weight.val()));
    let expected = (2.0f64 / (9.0 * 368.0)).sqrt();
    assert!(mean.abs() < 0.1 * expected, "mean {mean}");
    assert!(
        (std / expected - 1.0).abs() < 0.05,
        "std {std} vs {expected}"
    );
    // 1×1 conv 368→368: sqrt(2 / 368).
    let (_, std) = stats(&values(b.c.weight.val()));
    assert!(
        (std / (2.0f64 / 368.0).sqrt() - 1.0).abs() < 0.05,
        "std {std}"
    );
    // SE convs use the same rule (w_b = 368 → w_se = 92); biases keep PyTorch's U(±1/sqrt(fan_in)).
    let se = b.se.as_ref().unwrap();
    let (_, std) = stats(&values(se.reduce.weight.val()));
    assert!(
        (std / (2.0f64 / 92.0).sqrt() - 1.0).abs() < 0.05,
        "std {std}"
    );
    let bias = values(se.reduce.bias.as_ref().unwrap().val());
    let bound = 1.0 / (368.0f32).sqrt();
    assert!(bias.iter().all(|v| v.abs() <= bound) && bias.iter().any(|v| v.abs() > 0.5 * bound));
    // BN γ = 1, β = 0.
    assert!(values(b.c_bn.gamma.val()).iter().all(|&v| v == 1.0));
    assert!(values(b.c_bn.beta.val()).iter().all(|&v| v == 0.0));
    assert_eq!((b.c_bn.epsilon, b.c_bn.momentum), (1e-5, 0.1));
    // FC: N(0, 0.01), bias 0.
    let (_, std) = stats(&values(model.head.fc.weight.val()));
    assert!((std / 0.01 - 1.0).abs() < 0.05, "fc std {std}");
    assert!(
        values(model.head.fc.bias.as_ref().unwrap().val())
            .iter()
            .all(|&v| v == 0.0)
    );
}

#[test]
fn zero_init_last_bn_zeroes_only_the_last_bn_of_residual_blocks() {
    let spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, None);
    let device = Default::default();
    let model: AnyNet<B> = AnyNetConfig::new(spec)
        .with_zero_init_last_bn(true)
        .init(&device)
        .unwrap();
    for block in model.stages.iter().flatten() {
        let Block::Bottleneck(b) = block else {
            unreachable!()
        };
        assert!(values(b.c_bn.gamma.val()).iter().all(|&v| v == 0.0));
        assert!(values(b.a_bn.gamma.val()).iter().all(|&v| v == 1.0));
    }
    let vanilla = tiny_spec(StemType::SimpleStemIn, BlockType::Vanilla, None);
    let model: AnyNet<B> = AnyNetConfig::new(vanilla)
        .with_zero_init_last_bn(true)
        .init(&device)
        .unwrap();
    let Block::Basic(b) = &model.stages[0][1] else {
        unreachable!()
    };
    assert!(
        values(b.b_bn.gamma.val()).iter().all(|&v| v == 1.0),
        "a V block has no residual: zeroing its last γ would kill the signal"
    );
}

#[test]
fn batch_norm_momentum_is_pytorchs() {
    // One training-mode forward: running_mean = 0.9 · 0 + 0.1 · batch mean (PyTorch convention).
    let device = Default::default();
    let spec = tiny_spec(StemType::ResStemCifar, BlockType::ResBasic, None);
    let model: AnyNet<Autodiff<B>> = AnyNet::new(&spec, &device).unwrap();
    let x = Tensor::<Autodiff<B>, 4>::random([4, 3, 8, 8], Distribution::Default, &device);
    let conv_out = model.stem.conv.forward(x.clone()); // [4, 16, 8, 8]
    let batch_mean = values(conv_out.swap_dims(0, 1).reshape([16, 4 * 64]).mean_dim(1));
    let _ = model.forward(x);
    let running = values(model.stem.bn.running_mean.value_sync());
    let expected: Vec<f32> = batch_mean.iter().map(|m| 0.1 * m).collect();
    assert!(
        max_abs_diff(&running, &expected) < 1e-6,
        "{running:?} vs {expected:?}"
    );
    assert!(
        expected.iter().any(|v| v.abs() > 1e-3),
        "non-trivial batch mean"
    );
}

#[test]
fn invalid_spec_is_an_error_not_a_panic() {
    let mut spec = tiny_spec(StemType::SimpleStemIn, BlockType::ResBottleneck, None);
    spec.stages[0].w = 40;
    spec.stages[0].g = 16; // 40 // 16 = 2 groups of 20: a valid grouped conv, as in pycls
    assert!(AnyNet::<B>::new(&spec, &Default::default()).is_ok());
    spec.stages[0].w = 440;
    spec.stages[0].g = 48; // 440 // 48 = 9 groups, which do not divide 440
    let err = AnyNet::<B>::new(&spec, &Default::default()).unwrap_err();
    assert_eq!(
        err,
        BuildError::Spec(SpecError::GroupsDoNotDivide {
            stage: 1,
            w_b: 440,
            g: 48,
            groups: 9
        })
    );
    assert!(err.to_string().contains("440"));
}

#[test]
fn config_round_trips_through_json() {
    let cfg = AnyNetConfig::new(zoo::model("RegNetY-400MF").unwrap()).with_zero_init_last_bn(true);
    let dir = std::env::temp_dir().join(format!("regnet-burn-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    burn::config::Config::save(&cfg, &path).unwrap();
    let back: AnyNetConfig = burn::config::Config::load(&path).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(back.spec, cfg.spec);
    assert!(back.zero_init_last_bn);
    let a: AnyNet<B> = back.init(&Default::default()).unwrap();
    assert_eq!(a.num_learnable_params(), 4_344_144); // pycls, RegNetY-400MF
}
