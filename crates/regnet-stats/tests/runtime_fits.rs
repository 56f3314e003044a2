//! The runtime fits against numpy's `lstsq` / `corrcoef` (`fixtures/runtime_fixtures.json`, written by
//! `fixtures/make_runtime_fixtures.py`), directly and through `analyze --runtime` on JSONL files.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;

use common::f64s;
use regnet_stats::{
    AnalyzeOptions, Complexity, Population, Record, RuntimeFit, RuntimeSummary, StatsError,
    analyze, fit_line, fit_plane, runtime_fits, time_per_image,
};
use serde_json::Value;

const TOL: f64 = 1e-9;

fn fixtures() -> Value {
    common::fixture("runtime_fixtures.json")
}

/// Relative closeness: |got − want| ≤ 1e-9·|want|.
fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= TOL * want.abs(),
        "{what}: got {got:e}, numpy {want:e} (relative {:e})",
        ((got - want) / want).abs()
    );
}

fn record(model: &Value) -> Record {
    let mut r = Record::new(40.0)
        .with_param("flops", model["flops"].as_f64().unwrap())
        .with_param("params", model["params"].as_f64().unwrap())
        .with_param("acts", model["acts"].as_f64().unwrap());
    r.epoch_images_per_sec = f64s(&model["images_per_sec"]);
    r
}

/// Compares every fit of `got` with the fixture's `fits`.
fn assert_fits_match(name: &str, got: &RuntimeSummary, want: &Value) {
    let want = want.as_array().unwrap();
    assert_eq!(got.fits.len(), 4, "{name}");
    for (g, w) in got.fits.iter().zip(want) {
        let on = w["on"].as_str().unwrap();
        let what = |field: &str| format!("{name}: {field} of t on {on}");
        match g {
            RuntimeFit::Flops(l) | RuntimeFit::Params(l) | RuntimeFit::Acts(l) => {
                let expected_on = match g {
                    RuntimeFit::Flops(_) => "flops",
                    RuntimeFit::Params(_) => "params",
                    _ => "acts",
                };
                assert_eq!(on, expected_on, "{name}");
                for (field, value) in [
                    ("slope", l.slope),
                    ("intercept", l.intercept),
                    ("r", l.r),
                    ("r2", l.r2),
                ] {
                    assert_close(value.unwrap(), w[field].as_f64().unwrap(), &what(field));
                }
            }
            RuntimeFit::FlopsActs(p) => {
                assert_eq!(on, "flops+acts", "{name}");
                let [a, b] = p.coef.unwrap();
                let coef = f64s(&w["coef"]);
                assert_close(a, coef[0], &what("a"));
                assert_close(b, coef[1], &what("b"));
                assert_close(
                    p.intercept.unwrap(),
                    w["intercept"].as_f64().unwrap(),
                    &what("intercept"),
                );
                assert_close(p.r2.unwrap(), w["r2"].as_f64().unwrap(), &what("R²"));
            }
        }
    }
}

#[test]
fn fits_match_numpy_lstsq_and_corrcoef() {
    let f = fixtures();
    let cases = f["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let records: Vec<Record> = case["models"]
            .as_array()
            .unwrap()
            .iter()
            .map(record)
            .collect();
        // t per model: mean over epochs of 1 / images_per_sec.
        for (r, want) in records.iter().zip(f64s(&case["t"])) {
            assert_close(time_per_image(r).unwrap(), want, &format!("{name}: t"));
        }
        let (summary, points) = runtime_fits(&[Population::new(name, records)]).unwrap();
        assert_eq!((summary.n, summary.skipped), (points.len(), 0), "{name}");
        assert_eq!(
            summary.n,
            case["models"].as_array().unwrap().len(),
            "{name}"
        );
        assert_fits_match(name, &summary, &case["fits"]);

        // The building blocks, on the same points, give the same numbers.
        let col =
            |f: fn(&regnet_stats::RuntimePoint) -> f64| points.iter().map(f).collect::<Vec<_>>();
        let t = col(|p| p.t);
        let line = fit_line(&col(|p| p.acts), &t).unwrap();
        assert_eq!(Some(&line.into()), summary.line(Complexity::Acts), "{name}");
        let plane = fit_plane(&col(|p| p.flops), &col(|p| p.acts), &t).unwrap();
        assert_eq!(Some(&plane.into()), summary.joint(), "{name}");
    }
}

#[test]
fn gpu_like_case_shows_the_papers_finding() {
    // In the GPU-like case t is built from acts: acts correlate better with t than flops do.
    let f = fixtures();
    let case = &f["cases"][0];
    assert_eq!(case["name"], "gpu_like_acts");
    let records: Vec<Record> = case["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(record)
        .collect();
    let (s, _) = runtime_fits(&[Population::new("A", records)]).unwrap();
    let r_flops = s.line(Complexity::Flops).unwrap().r.unwrap();
    let r_acts = s.line(Complexity::Acts).unwrap().r.unwrap();
    assert!(r_acts > 0.99 && r_flops < 0.9, "{r_flops} {r_acts}");
}

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("regnet-stats-runtime-{tag}-{}", std::process::id()));
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

/// Results lines as the sweep writes them (`epochs` objects with `images_per_sec`), for the models
/// `range` of a fixture case, plus `untimed` lines without epoch timings.
fn write_results(dir: &TempDir, space: &str, models: &[Value], untimed: usize) -> PathBuf {
    let mut text = String::new();
    for (i, m) in models.iter().enumerate() {
        let epochs: Vec<String> = f64s(&m["images_per_sec"])
            .iter()
            .enumerate()
            .map(|(e, ips)| {
                format!(
                    r#"{{"epoch":{e},"test_top1_err":40.0,"seconds":3.5,"images_per_sec":{ips:?}}}"#
                )
            })
            .collect();
        writeln!(
            text,
            r#"{{"id":{i},"space":"{space}","error":{},"backend":"flex","flops":{:?},"params":{:?},"acts":{:?},"epochs":[{}]}}"#,
            35.0 + (i % 7) as f64,
            m["flops"].as_f64().unwrap(),
            m["params"].as_f64().unwrap(),
            m["acts"].as_f64().unwrap(),
            epochs.join(",")
        )
        .unwrap();
    }
    for i in 0..untimed {
        writeln!(
            text,
            r#"{{"id":{},"space":"{space}","error":39.5,"flops":4e8,"params":5e6,"acts":6e6,"epochs":[]}}"#,
            models.len() + i
        )
        .unwrap();
    }
    let path = dir.0.join(format!("{space}.jsonl"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn analyze_runtime_writes_summary_report_and_plots() {
    let f = fixtures();
    let case = &f["cases"][0];
    let models = case["models"].as_array().unwrap();
    let dir = TempDir::new("e2e");
    // Two spaces: the fit pools them; one untimed line is skipped and counted.
    let a = write_results(&dir, "regnetx", &models[..35], 1);
    let b = write_results(&dir, "regnety", &models[35..], 0);
    let out = dir.0.join("out");
    let mut options = AnalyzeOptions::new(vec![a, b], &out);
    options.bootstrap.resamples = 200;
    options.runtime = true;
    let summary = analyze(&options).unwrap();
    let rt = summary.runtime.as_ref().unwrap();
    assert_eq!((rt.n, rt.skipped), (60, 1));
    assert_fits_match("analyze", rt, &case["fits"]);

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let runtime = &json["runtime"];
    assert_eq!(
        (runtime["n"].as_u64(), runtime["skipped"].as_u64()),
        (Some(60), Some(1))
    );
    let ons: Vec<&str> = runtime["fits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["on"].as_str().unwrap())
        .collect();
    assert_eq!(ons, ["flops", "params", "acts", "flops+acts"]);
    let flops_fit = &runtime["fits"][0];
    assert_close(
        flops_fit["r"].as_f64().unwrap(),
        case["fits"][0]["r"].as_f64().unwrap(),
        "summary.json r of flops",
    );
    assert_eq!(runtime["fits"][3]["coef"].as_array().unwrap().len(), 2);

    for file in ["runtime_flops.svg", "runtime_acts.svg"] {
        assert!(summary.files.iter().any(|f| f == file), "{file}");
        assert!(out.join(file).exists(), "{file}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2 id=\"runtime\">Runtime"));
    assert!(html.contains("<li><a href=\"#runtime\">Runtime</a></li>"));
    assert!(html.contains("1 of 61 models left out</strong> of the runtime fits"));
    let r_acts = case["fits"][2]["r"].as_f64().unwrap();
    assert!(html.contains(&format!("t vs acts: r = {r_acts:.3}")));
    // The runtime figures sit in their own section, before the other figures.
    let runtime_at = html.find("id=\"runtime1\"").unwrap();
    assert!(runtime_at < html.find("<h2 id=\"figures\"").unwrap());
    assert!(!html.contains("NaN"));

    // Without --runtime nothing changes: no runtime key, no section.
    options.runtime = false;
    let plain = analyze(&options).unwrap();
    assert!(plain.runtime.is_none());
    let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(!json.contains("\"runtime\""));
}

#[test]
fn analyze_runtime_without_timings_is_a_typed_error() {
    let dir = TempDir::new("untimed");
    let a = write_results(&dir, "a", &[], 5);
    let mut options = AnalyzeOptions::new(vec![a], dir.0.join("out"));
    options.bootstrap.resamples = 100;
    options.runtime = true;
    let e = analyze(&options).unwrap_err();
    assert!(
        matches!(
            e,
            StatsError::TooFewPoints {
                n: 0,
                needed: 3,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "0 models with epoch timings (images_per_sec) and flops, params and acts for the runtime fits \
         (5 left out), but at least 3 are needed"
    );
}
