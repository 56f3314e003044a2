//! End-to-end checks of `regnet sample`, `regnet fit` and `regnet spaces`.

mod common;
use common::run as regnet;

#[test]
fn sample_writes_json_lines_that_complexity_reads() {
    let (code, out, err) = regnet(&[
        "sample",
        "--space",
        "anynetx-c",
        "--n",
        "3",
        "--seed",
        "7",
        "--flops",
        "0.36G:4e8",
        "--threads",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("acceptance"), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    let dir = std::env::temp_dir().join(format!("regnet-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, line) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["space"], "anynetx-c");
        let flops = v["flops"].as_u64().unwrap();
        assert!((360_000_000..=400_000_000).contains(&flops));
        assert!(v["anynet"]["d"].as_array().unwrap().len() == 4);
        // `regnet complexity --spec` reads a sample line and gives the same integers.
        let path = dir.join(format!("{i}.json"));
        std::fs::write(&path, line).unwrap();
        let (code, c, err) = regnet(&["complexity", "--spec", path.to_str().unwrap(), "--json"]);
        assert_eq!(code, 0, "{err}");
        let c: serde_json::Value = serde_json::from_str(&c).unwrap();
        for k in ["flops", "params", "acts"] {
            assert_eq!(c[k], v[k], "{k}");
        }
    }
    // Same seed, other thread count, to a file: identical lines.
    let file = dir.join("out.jsonl");
    let (code, _, err) = regnet(&[
        "sample",
        "--space",
        "anynetx-c",
        "--n",
        "3",
        "--seed",
        "7",
        "--flops",
        "360M:400M",
        "--threads",
        "1",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), out);
}

#[test]
fn sample_errors_name_the_flag() {
    let (code, _, err) = regnet(&["sample", "--space", "regnetx", "--flops", "lots:400M"]);
    assert_eq!(code, 2);
    assert!(err.contains("--flops") && err.contains("lots"), "{err}");
    let (code, _, err) = regnet(&["sample", "--space", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope") && err.contains("anynetx-a"), "{err}");
    let (code, _, err) = regnet(&["sample", "--space", "anynetx-a", "--flops", "1M:2M"]);
    assert_eq!(code, 2);
    assert!(err.contains("infeasible"), "{err}");
    let (code, _, err) = regnet(&[
        "sample",
        "--space",
        "regnetx",
        "--flops",
        "400M:400M",
        "--max-tries",
        "5000",
    ]);
    assert_eq!(code, 2);
    // None accepted in the first tenth of --max-tries: the sampler gives up there.
    assert!(
        err.contains("500 tries") && err.contains("--max-tries"),
        "{err}"
    );
}

#[test]
fn fit_widths_and_model() {
    let (code, out, err) = regnet(&[
        "fit",
        "--widths",
        "24,56,152,152,152,152,368,368,368,368,368,368,368",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["w0"], 24);
    assert_eq!(v["e_fit"], 0.0);
    assert_eq!(v["fitted_widths"], v["widths"]);
    let (code, out, err) = regnet(&["fit", "--model", "RegNetY-200MF", "--generated"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("w0 = 24") && out.contains("e_fit = 0.000000"),
        "{out}"
    );
    let (code, _, err) = regnet(&["fit", "--widths", "8,0"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn spaces_lists_all_with_sizes() {
    let (code, out, err) = regnet(&["spaces", "--json"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0]["name"], "anynetx-a");
    assert_eq!(rows[0]["dims"], 16);
    assert_eq!(rows[0]["size"].as_u64(), Some(1_846_757_322_198_614_016));
    assert_eq!(rows[5]["name"], "regnetx");
}
