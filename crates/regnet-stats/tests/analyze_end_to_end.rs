//! `analyze()` end to end on small JSONL files with a malformed line, a missing field and a NaN line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use regnet_stats::{AnalyzeOptions, BootstrapOptions, StatsError, analyze, ks_2samp};
use serde_json::Value;

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("regnet-stats-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// RegNet-like records: error is smallest at d = 12 and rises with |d − 12|.
fn regnet_error(i: usize) -> (f64, f64) {
    let d = (4 + i % 17) as f64;
    let error = 30.0 + (d - 12.0).abs() + (i % 5) as f64 * 0.01;
    (d, error)
}

/// Writes the first population; returns its file and the errors of the valid records.
fn write_regnet(dir: &Path) -> (PathBuf, Vec<f64>) {
    let mut text = String::new();
    let mut errors = Vec::new();
    for i in 0..40 {
        let (d, error) = regnet_error(i);
        let ds = [1, 2, (d as usize).saturating_sub(5).max(1), 2];
        let ws = [24 + 8 * (i % 3), 56, 152, 368];
        writeln!(
            text,
            r#"{{"space":"RegNetX","error":{error},"flops":0.38,"params":{{"d":{d},"w0":24,"wa":24.5,"wm":2.5,"g":8}},"ws":{ws:?},"ds":{ds:?}}}"#
        )
        .unwrap();
        errors.push(error);
        if i == 9 {
            text.push_str("{\"space\":\"RegNetX\",\"error\": 41.0, \"d\": \n"); // line 11: malformed
        }
        if i == 19 {
            text.push_str("{\"space\":\"RegNetX\",\"error\":NaN,\"params\":{\"d\":12}}\n"); // line 22: NaN
        }
        if i == 29 {
            text.push_str("{\"space\":\"RegNetX\",\"err\":35.0,\"params\":{\"d\":12}}\n"); // line 33: no "error"
        }
    }
    let path = dir.join("regnet.jsonl");
    std::fs::write(&path, text).unwrap();
    (path, errors)
}

/// Writes an AnyNet-like population without a `space` field (named by its file stem).
fn write_anynet(dir: &Path, stem: &str, shift: f64) -> (PathBuf, Vec<f64>) {
    let mut text = String::new();
    let mut errors = Vec::new();
    for i in 0..25 {
        let d = (2 + i % 14) as f64;
        let error = 33.0 + shift + 0.5 * (d - 9.0).abs() + (i % 4) as f64 * 0.1;
        writeln!(
            text,
            r#"{{"error":{error},"params":{{"d":{d},"g":16}},"ws":[32,64,128,256],"ds":[1,1,2,2]}}"#
        )
        .unwrap();
        errors.push(error);
    }
    let path = dir.join(format!("{stem}.jsonl"));
    std::fs::write(&path, text).unwrap();
    (path, errors)
}

fn fast_bootstrap() -> BootstrapOptions {
    BootstrapOptions {
        resamples: 2000,
        seed: 11,
        ..BootstrapOptions::default()
    }
}

#[test]
fn analyze_writes_summary_plots_and_report() {
    let tmp = TempDir::new("e2e");
    let (a, errors_a) = write_regnet(&tmp.0);
    let (b, errors_b) = write_anynet(&tmp.0, "anynet_e", 1.0);
    let out = tmp.0.join("out");
    let options = AnalyzeOptions {
        params: Some(vec!["d".into(), "w4".into()]),
        bootstrap: fast_bootstrap(),
        ..AnalyzeOptions::new(vec![a, b], &out)
    };
    let summary = analyze(&options).unwrap();

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let spaces = json["spaces"].as_array().unwrap();
    assert_eq!(spaces.len(), 2);

    let s0 = &spaces[0];
    assert_eq!(s0["name"], "RegNetX");
    assert_eq!(s0["n"], 40);
    let min_a = errors_a.iter().copied().fold(f64::INFINITY, f64::min);
    let mean_a = errors_a.iter().sum::<f64>() / 40.0;
    assert_eq!(s0["min_error"].as_f64().unwrap(), min_a);
    assert_eq!(min_a, 30.0);
    assert!((s0["mean_error"].as_f64().unwrap() - mean_a).abs() < 1e-12);
    // The skipped lines are reported, not silently dropped.
    assert_eq!(s0["non_finite_lines"], serde_json::json!([22]));
    let malformed = s0["malformed_lines"].as_array().unwrap();
    assert_eq!(malformed.len(), 2);
    assert_eq!(malformed[0]["line"], 11);
    assert!(
        malformed[0]["message"]
            .as_str()
            .unwrap()
            .contains("regnet.jsonl:11: malformed line")
    );
    assert_eq!(malformed[1]["line"], 33);
    assert!(
        malformed[1]["message"]
            .as_str()
            .unwrap()
            .contains("missing field \"error\"")
    );

    // Best depth: error is minimal at d = 12 (then 11 and 13).
    // ChaCha8 with seed 11 gives the same draws on every platform, so the range is pinned exactly.
    assert_eq!(
        s0["bootstrap"]["d"],
        serde_json::json!({"low": 9.0, "best": 12.0, "high": 14.0})
    );
    // w4 is 368 for every RegNetX record.
    assert_eq!(
        s0["bootstrap"]["w4"],
        serde_json::json!({"low": 368.0, "best": 368.0, "high": 368.0})
    );

    let s1 = &spaces[1];
    assert_eq!(s1["name"], "anynet_e");
    assert_eq!(s1["n"], 25);
    assert_eq!(s1["bootstrap"]["d"]["best"].as_f64().unwrap(), 9.0);
    assert_eq!(s1["bootstrap"]["w4"]["best"].as_f64().unwrap(), 256.0);
    assert_eq!(s1["non_finite_lines"], serde_json::json!([]));

    let ks = json["ks"].as_array().unwrap();
    assert_eq!(ks.len(), 1);
    assert_eq!(
        (ks[0]["a"].as_str(), ks[0]["b"].as_str()),
        (Some("RegNetX"), Some("anynet_e"))
    );
    let want = ks_2samp(&errors_a, &errors_b).unwrap();
    assert_eq!(ks[0]["statistic"].as_f64().unwrap(), want.statistic);
    assert_eq!(ks[0]["p_value"].as_f64().unwrap(), want.p_value);
    assert!(want.statistic > 0.0 && want.p_value > 0.0 && want.p_value < 1.0);
    // Fewer than 10,000 models: scipy's default computes the exact p-value; one comparison, so Holm is p.
    assert_eq!(ks[0]["method"], "exact");
    assert_eq!(ks[0]["p_holm"].as_f64().unwrap(), want.p_value);
    assert_eq!(ks[0]["significant"], want.p_value <= 0.05);
    assert!(ks[0]["mean_difference"]["difference"].as_f64().is_some());

    // The returned summary is what was written.
    assert_eq!(serde_json::to_value(&summary).unwrap(), json);

    for f in [
        "edf.svg",
        "scatter_d.svg",
        "scatter_w4.svg",
        "trend_d.svg",
        "widths_RegNetX.svg",
        "widths_anynet_e.svg",
    ] {
        let svg = std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{f}"
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{f}");
    }
    let edf = std::fs::read_to_string(out.join("edf.svg")).unwrap();
    assert!(edf.contains(&format!("RegNetX [40|30.0|{mean_a:.1}]")));

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg xmlns="));
    // 1 EDF + 2 params × (scatter + trend) + 2 width plots, all inline.
    assert_eq!(html.matches("<svg xmlns=").count(), 7);
    for external in ["<script", "<link", " src=", "href=\"http", "url("] {
        assert!(
            !html.contains(external),
            "report.html must be self-contained: found {external}"
        );
    }
    // Every link is internal and its target exists (table of contents, back links).
    for target in html.split("href=\"").skip(1) {
        let target = &target[..target.find('"').unwrap()];
        assert!(target.starts_with('#'), "external link {target}");
        assert!(
            html.contains(&format!("id=\"{}\"", &target[1..])),
            "dangling link {target}"
        );
    }
    assert!(html.contains("RegNetX</td><td>40</td><td>30.00</td>"));
    // Header, glossary, the good ranges transposed (one row per parameter), best and worst models.
    assert!(html.contains("<dt>data set</dt><dd><em>not recorded</em></dd>"));
    assert!(html.contains("<dt>seed</dt><dd>11 (bootstrap and plot subsampling)</dd>"));
    assert!(html.contains("<dt>d1…d4 (d_i)</dt>"));
    assert!(html.contains("<tr><td>d</td><td>"));
    assert!(html.contains("best 1</td>"));
    // Results first: summary, ranges, comparison and models come before the figures; the glossary last.
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(at("id=\"summary\"") < at("id=\"ranges\""));
    assert!(at("id=\"ranges\"") < at("id=\"ks\""));
    assert!(at("id=\"ks\"") < at("id=\"models\""));
    assert!(at("id=\"models\"") < at("id=\"fig1\""));
    assert!(at("id=\"fig1\"") < at("id=\"glossary\""));
    assert_eq!(html.matches("href=\"#glossary\"").count(), 1);
    assert!(html.contains("non-finite error on line(s) 22"));
    // 40 and 25 models: below the paper's 100, the report says so; one comparison is stated as such.
    assert!(html.contains("Small populations:</strong> RegNetX (n = 40), anynet_e (n = 25)."));
    assert!(html.contains("1 comparison is made at once"));
    assert!(
        !html.contains("e-1<"),
        "p-values are written for people, not in e-notation"
    );
}

#[test]
fn analyze_defaults_to_common_params_and_compares_every_pair() {
    let tmp = TempDir::new("pairs");
    let (a, _) = write_anynet(&tmp.0, "A", 0.0);
    let (b, _) = write_anynet(&tmp.0, "B", 0.5);
    let (c, _) = write_anynet(&tmp.0, "C", 1.0);
    let out = tmp.0.join("out");
    let summary = analyze(&AnalyzeOptions {
        bootstrap: fast_bootstrap(),
        ..AnalyzeOptions::new(vec![a, b, c], &out)
    })
    .unwrap();
    // The paper's parameters that every record has, in DEFAULT_PARAMS order.
    assert_eq!(
        summary.params,
        vec!["d", "g", "d1", "d2", "d3", "d4", "w1", "w2", "w3", "w4"]
    );
    let pairs: Vec<(&str, &str)> = summary
        .ks
        .iter()
        .map(|k| (k.a.as_str(), k.b.as_str()))
        .collect();
    assert_eq!(pairs, vec![("A", "B"), ("A", "C"), ("B", "C")]);
    // Same shapes shifted by a constant: means differ by exactly the shift.
    assert!((summary.ks[0].mean_difference.difference + 0.5).abs() < 1e-12);
    assert!((summary.ks[1].mean_difference.difference + 1.0).abs() < 1e-12);
    // Holm over the three comparisons: the smallest p is multiplied by 3, and adjusted p ≥ raw p.
    let raw: Vec<f64> = summary.ks.iter().map(|k| k.p_value.unwrap()).collect();
    let smallest = (0..3).min_by(|&i, &j| raw[i].total_cmp(&raw[j])).unwrap();
    assert_eq!(
        summary.ks[smallest].p_holm.unwrap(),
        (3.0 * raw[smallest]).min(1.0)
    );
    for k in &summary.ks {
        assert!(k.p_holm.unwrap() >= k.p_value.unwrap());
        assert_eq!(k.significant, k.p_holm.unwrap() <= 0.05);
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("3 comparisons are made at once"));
}

#[test]
fn strict_mode_and_missing_parameter_are_errors() {
    let tmp = TempDir::new("strict");
    let (a, _) = write_regnet(&tmp.0);
    let out = tmp.0.join("out");
    let strict = AnalyzeOptions {
        strict: true,
        bootstrap: fast_bootstrap(),
        ..AnalyzeOptions::new(vec![a.clone()], &out)
    };
    match analyze(&strict) {
        Err(StatsError::MalformedLine { line, .. }) => assert_eq!(line, 11),
        other => panic!("expected the malformed line 11, got {other:?}"),
    }
    let missing = AnalyzeOptions {
        params: Some(vec!["depth".into()]),
        bootstrap: fast_bootstrap(),
        ..AnalyzeOptions::new(vec![a], &out)
    };
    match analyze(&missing) {
        Err(StatsError::MissingParameter {
            space, param, line, ..
        }) => {
            assert_eq!(
                (space.as_str(), param.as_str(), line),
                ("RegNetX", "depth", Some(1))
            );
        }
        other => panic!("expected a missing parameter, got {other:?}"),
    }
    let nothing = AnalyzeOptions::new(vec![tmp.0.join("absent.jsonl")], &out);
    assert!(matches!(analyze(&nothing), Err(StatsError::Io { .. })));
}

#[test]
fn huge_widths_times_depths_is_a_typed_error_and_skipped_lines_print_on_one_line() {
    let dir = TempDir::new("bomb");
    let (good, _) = write_regnet(&dir.0);
    // One ~20 KB line describing 2,000 stages of depth 999,999 (16 GB if expanded).
    let mut text = std::fs::read_to_string(&good).unwrap();
    let ws = vec![8; 2000];
    let ds = vec![999_999; 2000];
    writeln!(
        text,
        r#"{{"space":"RegNetX","error":33.0,"flops":0.38,"params":{{"d":12,"w0":24,"wa":24.5,"wm":2.5,"g":8}},"ws":{ws:?},"ds":{ds:?}}}"#
    )
    .unwrap();
    let bomb = dir.0.join("bomb.jsonl");
    std::fs::write(&bomb, text).unwrap();
    let options = AnalyzeOptions {
        bootstrap: BootstrapOptions {
            resamples: 200,
            ..BootstrapOptions::default()
        },
        params: Some(vec!["d".into()]),
        ..AnalyzeOptions::new(vec![bomb], dir.0.join("out"))
    };
    let err = analyze(&options).unwrap_err();
    assert!(
        matches!(
            err,
            StatsError::TooManyBlocks {
                line: 44,
                max: 4096,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.line(), Some(44));
    // The malformed line of the good file is reported by Display on one line.
    let options = AnalyzeOptions {
        out_dir: dir.0.join("out2"),
        inputs: vec![good],
        ..options
    };
    let summary = analyze(&options).unwrap();
    let skipped: Vec<String> = summary.spaces[0]
        .malformed_lines
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].starts_with("skipped line 11: "), "{skipped:?}");
    assert!(skipped.iter().all(|s| !s.contains('\n')));
}

#[test]
fn oversized_results_files_are_refused_before_reading() {
    let dir = TempDir::new("huge");
    let path = dir.0.join("huge.jsonl");
    // Sparse: 2 GiB of size, no data written.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let err = regnet_stats::population::read_jsonl(&path, "error").unwrap_err();
    assert!(
        matches!(err, StatsError::FileTooLarge { len, max, .. } if len == 2 << 30 && max == 1 << 30),
        "{err}"
    );
}

/// The numbers alone: `analyze_populations` computes what `analyze` reports and writes no file.
#[test]
fn analyze_populations_computes_without_writing() {
    let tmp = TempDir::new("numbers");
    let (a, errors_a) = write_regnet(&tmp.0);
    let (b, _) = write_anynet(&tmp.0, "anynet_e", 1.0);
    let out = tmp.0.join("never-created");
    let options = AnalyzeOptions {
        params: Some(vec!["d".into()]),
        bootstrap: fast_bootstrap(),
        ..AnalyzeOptions::new(vec![a, b], &out)
    };
    let analysis = regnet_stats::analyze_populations(&options).unwrap();
    assert!(!out.exists());
    assert_eq!(analysis.populations.len(), 2);
    assert_eq!(analysis.spaces[0].n, 40);
    assert_eq!(analysis.spaces[0].min_error, 30.0);
    let mean_a = errors_a.iter().sum::<f64>() / 40.0;
    assert!((analysis.spaces[0].mean_error - mean_a).abs() < 1e-12);
    assert_eq!(analysis.params, vec!["d".to_string()]);
    assert_eq!(analysis.ks.len(), 1);
    // The same numbers as the full analysis, which also writes the report.
    let summary = analyze(&options).unwrap();
    assert_eq!(summary.spaces[0].bootstrap, analysis.spaces[0].bootstrap);
    assert_eq!(summary.ks[0].p_value, analysis.ks[0].p_value);
    assert!(out.join("report.html").exists());
}
