//! Selecting a model: `--model NAME`, `--config FILE.yaml` (pycls) or `--spec FILE.json`.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::{AnyNetSpec, RegNetParams, load_pycls_config, zoo};

use crate::CliError;

/// Where the model comes from (exactly one of the three).
#[derive(Debug, Clone, ClapArgs)]
#[group(required = true, multiple = false)]
pub struct ModelSource {
    /// A zoo model name, case-insensitive (e.g. RegNetX-200MF, regnety_1.6gf, ResNet-50).
    #[arg(long)]
    pub model: Option<String>,
    /// A pycls YAML config (MODEL.TYPE anynet or regnet).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// An AnyNet spec as JSON (the `spec` object written by `regnet sample` or `complexity --json`).
    #[arg(long)]
    pub spec: Option<PathBuf>,
}

/// A resolved model: its spec, RegNet parameters if any, and the resolution its source implies.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Display name.
    pub name: String,
    /// The spec.
    pub spec: AnyNetSpec,
    /// RegNet parameters when the model is a RegNet.
    pub regnet: Option<RegNetParams>,
    /// Default resolution (224, or the config's TRAIN.IM_SIZE).
    pub resolution: u32,
}

impl ModelSource {
    /// Loads and validates the model.
    pub fn resolve(&self) -> Result<Resolved, CliError> {
        if let Some(name) = &self.model {
            let m = zoo::find(name).map_err(|e| CliError::Flag {
                flag: "model",
                message: e.to_string(),
            })?;
            return Ok(Resolved {
                name: m.name.to_string(),
                spec: m.spec()?,
                regnet: m.regnet().copied(),
                resolution: 224,
            });
        }
        if let Some(path) = &self.config {
            let cfg = load_pycls_config(path)?;
            return Ok(Resolved {
                name: path.display().to_string(),
                spec: cfg.spec,
                regnet: cfg.regnet,
                resolution: cfg.im_size,
            });
        }
        let path = self.spec.as_ref().ok_or(CliError::Flag {
            flag: "model",
            message: "one of --model, --config or --spec is required".into(),
        })?;
        let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
            path: path.display().to_string(),
            source,
        })?;
        // Accept a bare spec or an object with a `spec` field (a `regnet sample` line).
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| CliError::Flag {
            flag: "spec",
            message: format!("{}: not JSON: {e}", path.display()),
        })?;
        let spec_value = value.get("spec").cloned().unwrap_or(value);
        let spec = AnyNetSpec::from_json(&spec_value.to_string())?;
        Ok(Resolved {
            name: path.display().to_string(),
            spec,
            regnet: None,
            resolution: 224,
        })
    }
}
