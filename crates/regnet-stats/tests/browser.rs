//! The report in a real browser: Debian's `chromium` loads report.html headless and must log no console
//! error. Skipped, with the reason printed, when no Chromium is installed (`apt-get install chromium`).

use std::path::{Path, PathBuf};
use std::process::Command;

use regnet_stats::{AnalyzeOptions, BootstrapOptions, analyze};

mod common;
use common::synthetic;

/// The first Chromium binary on PATH, if any.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Loads `html` headless and returns the console messages Chromium logged at error level.
fn console_errors(browser: &Path, html: &Path, profile: &Path) -> Vec<String> {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium starts");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<svg"), "the page did not render: {dom:.200}");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught")))
        .map(str::to_string)
        .collect()
}

#[test]
fn report_loads_in_headless_chromium_without_console_errors() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no chromium on PATH (apt-get install chromium to run this test)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("regnet-stats-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let inputs = vec![
        synthetic::write_space(&dir, "AnyNetX_E", 300, 38.5, 1),
        synthetic::write_space(&dir, "RegNetX", 40, 37.0, 2),
    ];
    let out = dir.join("out");
    analyze(&AnalyzeOptions {
        bootstrap: BootstrapOptions {
            resamples: 200,
            ..BootstrapOptions::default()
        },
        ..AnalyzeOptions::new(inputs, &out)
    })
    .unwrap();
    let errors = console_errors(&browser, &out.join("report.html"), &dir.join("profile"));
    assert!(errors.is_empty(), "console errors: {errors:#?}");

    // The check itself can fail: a page that throws is caught.
    let bad = dir.join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><svg></svg><script>throw new Error('boom')</script></body></html>",
    )
    .unwrap();
    let errors = console_errors(&browser, &bad, &dir.join("profile"));
    assert!(
        errors.iter().any(|e| e.contains("boom")),
        "a thrown error must be reported: {errors:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
