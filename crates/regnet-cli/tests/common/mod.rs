//! Helpers shared by the `regnet` binary's integration tests (each test binary uses a subset).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The `regnet` binary built for these tests.
pub fn regnet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_regnet"))
}

/// Runs `regnet ARGS` to the end: exit code (-1 when a signal ended it), stdout, stderr (lossy
/// UTF-8, so that a test can assert on any output).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = regnet().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A path under the temp directory unique to this test binary's process, removed if present and
/// not created (for `--out` directories the binary creates itself).
pub fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regnet-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// [`temp`], created empty.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = temp(name);
    std::fs::create_dir_all(&d).unwrap();
    d
}
