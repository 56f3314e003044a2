//! The zoo against the paper (Figs. 15–16, regnet-zoo.md) and the worked examples of
//! docs/conventions.md, to the integer where the reference gives integers.

use regnet_anynet::{RegNetParams, zoo};

/// (name, GF, params M, acts M) as printed in the paper / regnet-zoo.md.
const PAPER: [(&str, &str, &str, &str); 24] = [
    ("RegNetX-200MF", "0.2", "2.7", "2.2"),
    ("RegNetX-400MF", "0.4", "5.2", "3.1"),
    ("RegNetX-600MF", "0.6", "6.2", "4.0"),
    ("RegNetX-800MF", "0.8", "7.3", "5.1"),
    ("RegNetX-1.6GF", "1.6", "9.2", "7.9"),
    ("RegNetX-3.2GF", "3.2", "15.3", "11.4"),
    ("RegNetX-4.0GF", "4.0", "22.1", "12.2"),
    ("RegNetX-6.4GF", "6.5", "26.2", "16.4"),
    ("RegNetX-8.0GF", "8.0", "39.6", "14.1"),
    ("RegNetX-12GF", "12.1", "46.1", "21.4"),
    ("RegNetX-16GF", "15.9", "54.3", "25.5"),
    ("RegNetX-32GF", "31.7", "107.8", "36.3"),
    ("RegNetY-200MF", "0.2", "3.2", "2.2"),
    ("RegNetY-400MF", "0.4", "4.3", "3.9"),
    ("RegNetY-600MF", "0.6", "6.1", "4.3"),
    ("RegNetY-800MF", "0.8", "6.3", "5.2"),
    ("RegNetY-1.6GF", "1.6", "11.2", "8.0"),
    ("RegNetY-3.2GF", "3.2", "19.4", "11.3"),
    ("RegNetY-4.0GF", "4.0", "20.6", "12.3"),
    ("RegNetY-6.4GF", "6.4", "30.6", "16.4"),
    ("RegNetY-8.0GF", "8.0", "39.2", "18.0"),
    ("RegNetY-12GF", "12.1", "51.8", "21.4"),
    ("RegNetY-16GF", "15.9", "83.6", "23.0"),
    ("RegNetY-32GF", "32.3", "145.0", "30.3"),
];

#[test]
fn every_zoo_regnet_rounds_to_the_paper() {
    for (name, gf, pm, am) in PAPER {
        let c = zoo::model(name).unwrap().complexity(224).unwrap();
        assert_eq!(format!("{:.1}", c.flops as f64 / 1e9), gf, "{name} flops");
        assert_eq!(format!("{:.1}", c.params as f64 / 1e6), pm, "{name} params");
        assert_eq!(format!("{:.1}", c.acts as f64 / 1e6), am, "{name} acts");
    }
}

#[test]
fn regnety_200mf_worked_example_to_the_integer() {
    let spec = zoo::model("RegNetY-200MF").unwrap();
    let c = spec.complexity(224).unwrap();
    assert_eq!(
        (c.flops, c.params, c.acts),
        (199_519_076, 3_162_996, 2_168_052)
    );
    let parts: Vec<_> = spec
        .complexity_breakdown(224)
        .unwrap()
        .into_iter()
        .map(|p| (p.part, p.flops, p.params, p.acts, p.out_h))
        .collect();
    let expected = [
        ("stem", 10_838_016, 928, 401_408, 112),
        ("s1", 19_268_000, 4_448, 526_880, 56),
        ("s2", 10_888_926, 11_038, 307_390, 28),
        ("s3", 48_660_192, 266_128, 477_408, 14),
        ("s4", 109_494_942, 2_511_454, 453_966, 7),
        ("head", 369_000, 369_000, 1_000, 1),
    ];
    assert_eq!(parts.len(), expected.len());
    for (p, e) in parts.iter().zip(expected) {
        assert_eq!((p.0.as_str(), p.1, p.2, p.3, p.4), e);
    }
}

#[test]
fn regnetx_200mf_worked_example_to_the_integer() {
    let spec = zoo::model("RegNetX-200MF").unwrap();
    assert_eq!(spec.widths(), vec![24, 56, 152, 368]);
    assert_eq!(spec.depths(), vec![1, 1, 4, 7]);
    let c = spec.complexity(224).unwrap();
    assert_eq!(
        (c.flops, c.params, c.acts),
        (199_040_872, 2_684_792, 2_164_056)
    );
    // Stage 1 of RegNetX-200MF: RegNetY's minus the SE (416 flops, 416 params, 32 acts).
    let s1 = &spec.complexity_breakdown(224).unwrap()[1];
    assert_eq!((s1.flops, s1.params, s1.acts), (19_267_584, 4_032, 526_848));
}

#[test]
fn half_to_even_zoo_widths() {
    assert_eq!(
        zoo::model("RegNetX-400MF").unwrap().widths(),
        vec![32, 64, 160, 384]
    );
    assert_eq!(
        zoo::model("RegNetX-1.6GF").unwrap().widths(),
        vec![72, 168, 408, 912]
    );
    assert_eq!(
        zoo::model("RegNetY-800MF").unwrap().widths(),
        vec![64, 128, 320, 768]
    );
}

#[test]
fn se_width_comes_from_the_block_input() {
    // RegNetY-400MF stage widths [48, 104, 208, 440]: SE widths first/rest (8,12), (12,26), (26,52), (52,110).
    let spec = zoo::model("RegNetY-400MF").unwrap();
    let plan = spec.plan();
    assert_eq!(spec.depths(), vec![1, 3, 6, 6]);
    let first: Vec<u32> = plan.stages.iter().map(|s| s[0].w_se.unwrap()).collect();
    assert_eq!(first, vec![8, 12, 26, 52]);
    let rest: Vec<u32> = plan.stages[1..]
        .iter()
        .map(|s| s[1].w_se.unwrap())
        .collect();
    assert_eq!(rest, vec![26, 52, 110]);
    // Stage 1 has one block; a second block would have round(48 · 0.25) = 12.
    assert!(
        plan.stages
            .iter()
            .all(|s| s[1..].iter().all(|b| b.w_se == s[1].w_se))
    );
}

#[test]
fn group_width_clamping_in_the_zoo() {
    // RegNetX-8.0GF stage 1: width 80 < group width 120 → group width 80 (one group).
    let s = zoo::model("RegNetX-8.0GF").unwrap();
    assert_eq!(
        (s.stages[0].w, s.stages[0].g, s.stages[0].groups()),
        (80, 80, 1)
    );
    // RegNetY-32GF stage 1: width 232 = group width → one group.
    let s = zoo::model("RegNetY-32GF").unwrap();
    assert_eq!(
        (s.stages[0].w, s.stages[0].g, s.stages[0].groups()),
        (232, 232, 1)
    );
}

#[test]
fn resolution_changes_follow_the_ceil_rule() {
    let spec = zoo::model("RegNetX-200MF").unwrap();
    let out = |r| -> Vec<u32> {
        spec.complexity_breakdown(r)
            .unwrap()
            .iter()
            .map(|p| p.out_h)
            .collect()
    };
    assert_eq!(out(224), vec![112, 56, 28, 14, 7, 1]);
    assert_eq!(out(227), vec![114, 57, 29, 15, 8, 1]);
    assert_eq!(out(32), vec![16, 8, 4, 2, 1, 1]);
    // ResNet stem: conv 112 → pool 56, stage strides 1,2,2,2.
    let r50 = zoo::model("ResNet-50").unwrap();
    let outs: Vec<u32> = r50
        .complexity_breakdown(224)
        .unwrap()
        .iter()
        .map(|p| p.out_h)
        .collect();
    assert_eq!(outs, vec![56, 56, 28, 14, 7, 1]);
    assert_eq!(r50.complexity(224).unwrap().params, 25_557_032);
}

#[test]
fn names_are_case_insensitive() {
    assert_eq!(zoo::find("regnetx-16gf").unwrap().name, "RegNetX-16GF");
    assert_eq!(zoo::find("RegNetX-1.6GF").unwrap().name, "RegNetX-1.6GF");
    for n in [
        "regnetx-200mf",
        "REGNETX_200MF",
        "RegNetX-200MF",
        "regnetx200mf",
    ] {
        assert_eq!(zoo::find(n).unwrap().name, "RegNetX-200MF");
    }
    assert_eq!(zoo::find("regnety_1.6gf").unwrap().name, "RegNetY-1.6GF");
    assert_eq!(zoo::find("R-50-1x64d").unwrap().name, "ResNet-50");
    assert_eq!(zoo::find("X-101-32x4d").unwrap().name, "ResNeXt-101");
    assert!(zoo::find("RegNetZ-1GF").is_err());
    assert_eq!(zoo::models().len(), 30);
}

#[test]
fn regnet_params_equal_zoo_entries() {
    let p = RegNetParams::regnety(16, 48, 27.89, 2.09, 8);
    assert_eq!(p.to_spec().unwrap(), zoo::model("RegNetY-400MF").unwrap());
}
