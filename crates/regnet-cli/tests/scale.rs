//! End-to-end checks of `regnet scale` (values from pycls's scaler, see
//! crates/regnet-anynet/tests/fixtures/scaling.json).

mod common;
use common::run as regnet;

#[test]
fn scale_json_and_config_match_pycls() {
    let dir = std::env::temp_dir().join(format!("regnet-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = dir.join("scaled.yaml");
    let (code, out, err) = regnet(&[
        "scale",
        "--model",
        "RegNetX-200MF",
        "--strategy",
        "d1_w8_g8_r1",
        "--factor",
        "4",
        "--json",
        "--out-config",
        yaml.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["strategy"], "d1_w8_g8_r1");
    assert_eq!(v["resolution"], 240);
    assert_eq!(v["flops"], 775_931_880u64);
    assert_eq!(v["params"], 8_752_264u64);
    assert_eq!(v["acts"], 4_094_440u64);
    let depths: Vec<u64> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["depth"].as_u64().unwrap())
        .collect();
    assert_eq!(depths, vec![1, 1, 5, 8]);
    assert_eq!(v["stages"][3]["width"], 640);
    assert_eq!(v["stages"][0]["group_width"], 16);
    assert_eq!(v["base"]["flops"], 199_040_872u64);
    // The written config is read back by `complexity` with the scaled resolution.
    let (code, c, err) = regnet(&["complexity", "--config", yaml.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let c: serde_json::Value = serde_json::from_str(&c).unwrap();
    assert_eq!(c["resolution"], 240);
    assert_eq!(c["flops"], 775_931_880u64);
    // Scaling the config again at factor 1 changes nothing.
    let (code, again, err) = regnet(&[
        "scale",
        "--config",
        yaml.to_str().unwrap(),
        "--strategy",
        "dw",
        "--factor",
        "1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["flops"], 775_931_880u64);
    assert_eq!(again["resolution"], 240);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn scale_errors_name_the_flag() {
    let base = ["scale", "--model", "RegNetX-200MF"];
    let cases: [(&[&str], &str); 4] = [
        (&["--strategy", "x2", "--factor", "2"], "--strategy:"),
        (&["--strategy", "d", "--factor", "0"], "--factor:"),
        (&["--strategy", "d", "--factor", "1e12"], "--factor:"),
        (
            &["--strategy", "d", "--factor", "2", "--resolution", "0"],
            "--resolution:",
        ),
    ];
    for (extra, flag) in cases {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let (code, out, err) = regnet(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(
            err.starts_with(&format!("error: {flag}")),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
