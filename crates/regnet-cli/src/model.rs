//! Selecting a model: `--model NAME`, `--config FILE.yaml` (pycls) or `--spec FILE.json`.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use regnet_anynet::{
    AnyNetSpec, EffNetSpec, PyclsModel, RegNetParams, load_pycls_config, load_pycls_model, zoo,
};

use crate::CliError;

/// Where the model comes from (exactly one of the three).
#[derive(Debug, Clone, ClapArgs)]
#[group(required = true, multiple = false)]
pub struct ModelSource {
    /// A zoo model name, case-insensitive (e.g. RegNetX-200MF, regnety_1.6gf, ResNet-50; EN-B0 …
    /// EN-B5 where the command takes EfficientNets).
    #[arg(long)]
    pub model: Option<String>,
    /// A pycls YAML config (MODEL.TYPE anynet or regnet; effnet where the command takes EfficientNets).
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

/// An EfficientNet named by `--model` or `--config`: display name, spec, default resolution (the
/// zoo model's or the config's TRAIN.IM_SIZE).
#[derive(Debug, Clone)]
pub struct ResolvedEffNet {
    /// Display name.
    pub name: String,
    /// The spec.
    pub spec: EffNetSpec,
    /// Default resolution.
    pub resolution: u32,
}

impl ModelSource {
    /// The EfficientNet the source names, if it names one (`--model EN-B3`, or `--config` with
    /// `MODEL.TYPE: effnet`); `None` for AnyNets and `--spec`.
    pub fn resolve_effnet(&self) -> Result<Option<ResolvedEffNet>, CliError> {
        if let Some(name) = &self.model {
            if zoo::find(name).is_ok() {
                return Ok(None);
            }
            let m = zoo::effnet(name).map_err(|e| CliError::Flag {
                flag: "model",
                message: e.to_string(),
            })?;
            return Ok(Some(ResolvedEffNet {
                name: m.name.to_string(),
                spec: m.spec,
                resolution: m.resolution,
            }));
        }
        if let Some(path) = &self.config
            && let PyclsModel::EffNet(cfg) = load_pycls_model(path)?
        {
            return Ok(Some(ResolvedEffNet {
                name: path.display().to_string(),
                spec: cfg.spec,
                resolution: cfg.im_size,
            }));
        }
        Ok(None)
    }

    /// Loads and validates the model.
    pub fn resolve(&self) -> Result<Resolved, CliError> {
        if let Some(name) = &self.model {
            let m = zoo::find(name).map_err(|e| match zoo::effnet(name) {
                Ok(en) => CliError::Flag {
                    flag: "model",
                    message: format!(
                        "{} is an EfficientNet, which this command does not take (`regnet complexity` and `regnet compare` do)",
                        en.name
                    ),
                },
                Err(_) => CliError::Flag {
                    flag: "model",
                    message: e.to_string(),
                },
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
