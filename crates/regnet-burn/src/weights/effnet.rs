//! pycls checkpoints of an [`EffNet`]: `stem.conv.weight`, `s1.b1.dwise.weight`,
//! `s2.b1.exp_bn.running_mean`, `s1.b1.se.f_ex.0.bias`, `head.conv_bn.weight`, `head.fc.weight`.
//!
//! The module's fields carry pycls's names, so a key is the burn path with `stages.i.j` written
//! `s{i+1}.b{j+1}`, SE's `reduce`/`expand` written `f_ex.0`/`f_ex.2`, the head conv's `conv.conv` /
//! `conv.bn` written `conv` / `conv_bn`, and BatchNorm's `gamma`/`beta` written `weight`/`bias`.
//! Loading is strict as for [`crate::AnyNet`] (see [`crate::weights`]).

use std::collections::BTreeMap;
use std::path::Path;

use burn::tensor::backend::Backend;
use burn_store::{ModuleSnapshot, TensorSnapshot};

use super::{KeyMapping, apply_mapped, read_checkpoint, torch_param};
use crate::{EffNet, WeightsError};

/// The pycls checkpoint key of one burn parameter path of an [`EffNet`].
fn pycls_key(param: &str) -> Result<String, WeightsError> {
    let unsupported = || WeightsError::UnsupportedLayer {
        scheme: "pycls",
        what: "this EfficientNet tensor".into(),
        param: param.to_owned(),
    };
    let (layer, tensor) = param.rsplit_once('.').ok_or_else(unsupported)?;
    let tensor = torch_param(tensor);
    let layer = if let Some(rest) = layer.strip_prefix("stages.") {
        let mut parts = rest.splitn(3, '.');
        let (i, j, inner) = match (parts.next(), parts.next(), parts.next()) {
            (Some(i), Some(j), Some(inner)) => (i, j, inner),
            _ => return Err(unsupported()),
        };
        let (i, j): (usize, usize) = match (i.parse(), j.parse()) {
            (Ok(i), Ok(j)) => (i, j),
            _ => return Err(unsupported()),
        };
        let inner = match inner {
            "se.reduce" => "se.f_ex.0",
            "se.expand" => "se.f_ex.2",
            "exp" | "exp_bn" | "dwise" | "dwise_bn" | "lin_proj" | "lin_proj_bn" => inner,
            _ => return Err(unsupported()),
        };
        format!("s{}.b{}.{inner}", i + 1, j + 1)
    } else {
        match layer {
            "stem.conv" | "stem.bn" | "head.fc" => layer,
            "head.conv.conv" => "head.conv",
            "head.conv.bn" => "head.conv_bn",
            _ => return Err(unsupported()),
        }
        .to_owned()
    };
    Ok(format!("{layer}.{tensor}"))
}

/// The full key table of an EfficientNet in pycls's names: one entry per model tensor
/// (parameters and BatchNorm running statistics), in module order.
pub fn key_mappings<B: Backend>(model: &EffNet<B>) -> Result<Vec<KeyMapping>, WeightsError> {
    model
        .collect(None, None, true)
        .into_iter()
        .map(|s| {
            let param = s.full_path();
            let key = pycls_key(&param)?;
            let transposed = param == "head.fc.weight";
            let mut shape = s.shape.to_vec();
            if transposed {
                shape.reverse();
            }
            Ok(KeyMapping {
                param,
                key,
                shape,
                transposed,
            })
        })
        .collect()
}

/// Loads a pycls EfficientNet checkpoint (`.pth`/`.pt` or `.safetensors`) into `model`, strictly.
pub fn load_checkpoint<B: Backend>(
    model: EffNet<B>,
    path: impl AsRef<Path>,
) -> Result<EffNet<B>, WeightsError> {
    let tensors = read_checkpoint(path.as_ref())?;
    load_tensors(model, &tensors)
}

/// Like [`load_checkpoint`], from tensors already read: every model tensor must be present with
/// its shape and every checkpoint tensor used (`num_batches_tracked` excepted).
pub fn load_tensors<B: Backend>(
    model: EffNet<B>,
    tensors: &BTreeMap<String, TensorSnapshot>,
) -> Result<EffNet<B>, WeightsError> {
    let table = key_mappings(&model)?;
    apply_mapped(model, &table, tensors)
}

#[cfg(test)]
mod tests {
    use super::pycls_key;

    #[test]
    fn burn_paths_map_to_pycls_names() {
        for (param, key) in [
            ("stem.bn.gamma", "stem.bn.weight"),
            ("stages.0.0.dwise.weight", "s1.b1.dwise.weight"),
            ("stages.1.2.exp_bn.running_var", "s2.b3.exp_bn.running_var"),
            ("stages.1.0.se.reduce.bias", "s2.b1.se.f_ex.0.bias"),
            ("stages.1.0.se.expand.weight", "s2.b1.se.f_ex.2.weight"),
            ("stages.6.0.lin_proj_bn.beta", "s7.b1.lin_proj_bn.bias"),
            ("head.conv.conv.weight", "head.conv.weight"),
            ("head.conv.bn.running_mean", "head.conv_bn.running_mean"),
            ("head.fc.weight", "head.fc.weight"),
        ] {
            assert_eq!(pycls_key(param).unwrap(), key);
        }
        assert!(pycls_key("stages.0.0.a.weight").is_err());
        assert!(pycls_key("weight").is_err());
    }
}
