//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod synthetic;

use serde_json::Value;

/// A JSON fixture of `tests/fixtures/` (written by the scripts beside it).
pub fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(path).expect("fixture file is in the tree");
    serde_json::from_str(&text).expect("fixture file is valid JSON")
}

/// A JSON array of numbers.
pub fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}
