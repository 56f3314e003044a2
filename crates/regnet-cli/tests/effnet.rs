//! End-to-end checks of `regnet complexity` and `regnet compare` with the EfficientNet baselines
//! (values from pycls's own count, crates/regnet-anynet/tests/fixtures/effnet_complexity.json).

mod common;
use common::run as regnet;

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = regnet(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn complexity_counts_an_effnet_at_its_own_resolution() {
    let v = json(&["complexity", "--model", "EN-B3", "--json"]);
    assert_eq!(v["resolution"], 300);
    assert_eq!(
        (&v["flops"], &v["params"], &v["acts"]),
        (
            &serde_json::json!(1_827_162_472u64),
            &serde_json::json!(12_233_232u64),
            &serde_json::json!(23_831_296u64)
        )
    );
    assert_eq!(v["breakdown"].as_array().unwrap().len(), 9);
    let v = json(&[
        "complexity",
        "--model",
        "efficientnet-b3",
        "--resolution",
        "224",
        "--json",
    ]);
    assert_eq!(v["flops"], 962_729_320u64);
    assert_eq!(v["acts"], 13_007_256u64);
    // The table names the model and its resolution.
    let (code, out, _) = regnet(&["complexity", "--model", "EN-B1"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("EN-B1 at 240x240: 686817992 flops"),
        "{out}"
    );
}

#[test]
fn complexity_reads_a_pycls_effnet_config() {
    let dir = std::env::temp_dir().join(format!("regnet-effnet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("EN-B2_dds_8gpu.yaml");
    std::fs::write(
        &path,
        "MODEL:\n  TYPE: effnet\n  NUM_CLASSES: 1000\n  ACTIVATION_FUN: silu\nEN:\n  STEM_W: 32\n  STRIDES: [1, 2, 2, 2, 1, 2, 1]\n  DEPTHS: [2, 3, 3, 4, 4, 5, 2]\n  WIDTHS: [16, 24, 48, 88, 120, 208, 352]\n  EXP_RATIOS: [1, 6, 6, 6, 6, 6, 6]\n  KERNELS: [3, 3, 5, 3, 5, 5, 3]\n  HEAD_W: 1408\nTRAIN:\n  IM_SIZE: 260\n",
    )
    .unwrap();
    let v = json(&["complexity", "--config", path.to_str().unwrap(), "--json"]);
    assert_eq!(v["resolution"], 260);
    assert_eq!(v["flops"], 993_578_282u64);
    assert_eq!(v["params"], 9_109_994u64);
    assert_eq!(v["acts"], 13_832_834u64);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compare_lists_models_side_by_side() {
    let v = json(&[
        "compare",
        "RegNetY-400MF",
        "EN-B0",
        "EN-B2",
        "--no-timing",
        "--json",
    ]);
    let rows = v["models"].as_array().unwrap();
    let got: Vec<(&str, u64, u64, u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["model"].as_str().unwrap(),
                r["resolution"].as_u64().unwrap(),
                r["flops"].as_u64().unwrap(),
                r["params"].as_u64().unwrap(),
                r["acts"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("RegNetY-400MF", 224, 401_849_056, 4_344_144, 3_892_496),
            ("EN-B0", 224, 385_825_092, 5_288_548, 6_748_036),
            ("EN-B2", 260, 993_578_282, 9_109_994, 13_832_834),
        ]
    );
    assert!(rows[0]["infer_images_per_s"].is_null());
}

#[test]
fn compare_measures_both_families() {
    // Tiny inputs so the test stays fast; only that a positive, finite rate comes out is checked.
    let dir = std::env::temp_dir().join(format!("regnet-compare-{}", std::process::id()));
    let v = json(&[
        "compare",
        "--plot-dir",
        dir.to_str().unwrap(),
        "RegNetY-200MF",
        "EN-B0",
        "--resolution",
        "32",
        "--batch",
        "2",
        "--steps",
        "1",
        "--warmup",
        "0",
        "--json",
    ]);
    for r in v["models"].as_array().unwrap() {
        for key in ["infer_images_per_s", "train_images_per_s"] {
            let x = r[key].as_f64().unwrap();
            assert!(x.is_finite() && x > 0.0, "{}: {key} = {x}", r["model"]);
        }
        assert_eq!(r["resolution"], 32);
    }
    for name in ["runtime_vs_flops.svg", "runtime_vs_acts.svg"] {
        let svg = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("EfficientNet"),
            "{name}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_is_one_line_naming_the_problem() {
    let (code, _, err) = regnet(&["compare", "EN-B9", "--no-timing"]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        "error: unknown model \"EN-B9\"; `regnet zoo` lists the known names"
    );
    let (code, _, err) = regnet(&["compare", "EN-B0", "--steps", "0"]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        "error: --steps: must be between 1 and 100000, got 0"
    );
    let (code, _, err) = regnet(&["compare", "EN-B0", "--no-train", "--plot-dir", "x"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: --plot-dir: plots training time"),
        "{err}"
    );
    let (code, _, err) = regnet(&["train", "--model", "EN-B0"]);
    assert_eq!(code, 2);
    assert!(err.contains("EN-B0 is an EfficientNet"), "{err}");
}
