//! The report stays small at the population sizes the method is about (NDS: over 100,000 trained models):
//! two results files of 50,000 models give a report.html of at most 5 MB, while the statistics use every
//! model.

use regnet_stats::{AnalyzeOptions, BootstrapOptions, KsMethod, analyze, ks_2samp};

mod common;
use common::synthetic;

#[test]
fn two_times_fifty_thousand_models_give_a_small_report_and_exact_statistics() {
    let dir = std::env::temp_dir().join(format!("regnet-stats-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = 50_000;
    let inputs = vec![
        synthetic::write_space(&dir, "AnyNetX_E", n, 38.5, 1),
        synthetic::write_space(&dir, "RegNetX", n, 37.0, 2),
    ];
    let out = dir.join("out");
    // Few resamples: this test is about sizes, and runs unoptimised.
    let options = AnalyzeOptions {
        bootstrap: BootstrapOptions {
            resamples: 50,
            ..BootstrapOptions::default()
        },
        ..AnalyzeOptions::new(inputs.clone(), &out)
    };
    let summary = analyze(&options).unwrap();
    assert_eq!(summary.spaces[0].n, n);
    assert_eq!(summary.spaces[1].n, n);
    // Header facts from the records; best and worst models with their training curves.
    assert_eq!(summary.run.backends, vec!["synthetic".to_string()]);
    assert_eq!(summary.run.epochs, Some(3));
    let best = &summary.spaces[1].extremes[0];
    assert_eq!(best.label, "best 1");
    assert_eq!(best.error, summary.spaces[1].min_error);
    assert_eq!(best.stages["d"].len(), 4);
    assert_eq!(*best.epoch_errors.last().unwrap(), best.error);
    assert!(summary.files.contains(&"curves_RegNetX.svg".to_string()));

    let report = std::fs::metadata(out.join("report.html")).unwrap().len();
    eprintln!("2 × {n} models: report.html is {report} bytes");
    assert!(report <= 5_000_000, "report.html is {report} bytes");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("2,000 of 50,000 models shown (seeded subsample)"));
    for f in summary.files.iter().filter(|f| f.ends_with(".svg")) {
        let len = std::fs::metadata(out.join(f)).unwrap().len();
        assert!(len <= 400_000, "{f} is {len} bytes");
    }

    // The KS statistic is over all 2 × 50,000 errors (asymptotic p: more than 10,000 models).
    let errors = |path: &std::path::Path| -> Vec<f64> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["error"].as_f64().unwrap()
            })
            .collect()
    };
    let want = ks_2samp(&errors(&inputs[0]), &errors(&inputs[1])).unwrap();
    assert_eq!(want.method, KsMethod::Asymp);
    assert_eq!(summary.ks[0].statistic, want.statistic);
    assert_eq!(summary.ks[0].p_value, Some(want.p_value));
    let _ = std::fs::remove_dir_all(&dir);
}
