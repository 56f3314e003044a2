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

/// Loads `html` headless in a window `width` px wide; returns the rendered DOM and the console messages
/// Chromium logged at error level.
fn load(browser: &Path, html: &Path, profile: &Path, width: u32) -> (String, Vec<String>) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("--window-size={width},800"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium starts");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(dom.contains("<svg"), "the page did not render: {dom:.200}");
    let errors = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught")))
        .map(str::to_string)
        .collect();
    (dom, errors)
}

fn console_errors(browser: &Path, html: &Path, profile: &Path) -> Vec<String> {
    load(browser, html, profile, 1400).1
}

/// The page's scroll width at a window `width` px wide, measured by a script in a copy of the page (the
/// report itself has no script).
fn scroll_width(browser: &Path, html: &Path, profile: &Path, width: u32) -> u32 {
    let probe = html.with_file_name("probe.html");
    let page = std::fs::read_to_string(html).unwrap().replace(
        "</body>",
        "<script>document.body.setAttribute('data-sw', document.documentElement.scrollWidth)</script></body>",
    );
    std::fs::write(&probe, page).unwrap();
    let (dom, errors) = load(browser, &probe, profile, width);
    assert!(errors.is_empty(), "{errors:?}");
    let at = dom.find("data-sw=\"").expect("the probe ran") + 9;
    dom[at..at + dom[at..].find('"').unwrap()].parse().unwrap()
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

    // Six spaces of ten models, as the default refinement run: the page fits 1024 px without sideways
    // scrolling, and says that the populations are small.
    let six: Vec<_> = ["A", "B", "C", "D", "E", "RegNetX"]
        .iter()
        .enumerate()
        .map(|(i, name)| synthetic::write_space(&dir, name, 10, 36.0 + i as f64, 10 + i as u64))
        .collect();
    let out6 = dir.join("out6");
    analyze(&AnalyzeOptions {
        bootstrap: BootstrapOptions {
            resamples: 200,
            ..BootstrapOptions::default()
        },
        ..AnalyzeOptions::new(six, &out6)
    })
    .unwrap();
    let report6 = out6.join("report.html");
    let html = std::fs::read_to_string(&report6).unwrap();
    assert!(html.contains("15 comparisons are made at once"));
    assert!(html.contains("Small populations:"));
    let width = scroll_width(&browser, &report6, &dir.join("profile"), 1024);
    assert!(
        width <= 1024,
        "report.html scrolls sideways at 1024 px: {width} px wide"
    );

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
