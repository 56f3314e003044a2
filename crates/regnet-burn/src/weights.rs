//! PyTorch checkpoints: the names pycls, timm and torchvision give each tensor, import of `.pth` /
//! `.safetensors` files into an [`AnyNet`], and export to safetensors in those names.
//!
//! Checkpoint concerns live here only; the architecture (the modules of [`crate::AnyNet`]) knows nothing of them.
//! The mapping goes from each burn parameter path (e.g. `stages.0.1.a.weight`, enum variants
//! skipped) to the checkpoint key (pycls `s1.b2.f.a.weight`, timm `s1.b2.conv1.conv.weight`,
//! torchvision `trunk_output.block1.block1-1.f.a.0.weight`). Loading is strict: every model tensor
//! must be present with its exact shape and every checkpoint tensor must be used (BatchNorm's
//! `num_batches_tracked` counters excepted), else a [`WeightsError`] names the key and both shapes.
//!
//! Layout: conv weights are `[c_out, c_in/groups, k, k]` in both frameworks; the FC weight is
//! `[out, in]` in PyTorch and `[in, out]` in burn and is transposed on the way; BatchNorm's
//! `weight`/`bias` are burn's `gamma`/`beta`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use burn::module::ParamId;
use burn::tensor::backend::Backend;
use burn::tensor::{DType, TensorData};
use burn_store::{ModuleSnapshot, ModuleStore, PytorchStore, SafetensorsStore, TensorSnapshot};

use crate::{AnyNet, Block, WeightsError};

pub mod effnet;

/// Which library's parameter names a checkpoint uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamingScheme {
    /// pycls (the authors' code, also its 0.1.1 release on PyPI): `stem.conv.weight`,
    /// `s1.b1.f.a.weight`, `s1.b1.f.a_bn.weight`, `s1.b1.proj.weight`, `s1.b1.bn.weight`,
    /// `s1.b1.f.se.f_ex.0.weight`, `head.fc.weight`. Names every stem, block and head type.
    Pycls,
    /// timm's `regnet.py`: `stem.conv.weight`, `s1.b1.conv1.conv.weight`, `s1.b1.conv1.bn.weight`,
    /// `s1.b1.se.fc1.weight`, `s1.b1.downsample.conv.weight`, `head.fc.weight`. Bottleneck blocks
    /// only, no head conv.
    Timm,
    /// torchvision's `models/regnet.py`: `stem.0.weight`, `stem.1.weight`,
    /// `trunk_output.block1.block1-0.f.a.0.weight`, `….f.se.fc1.weight`, `….proj.0.weight`,
    /// `fc.weight`. Bottleneck blocks only, no head conv.
    Torchvision,
}

impl NamingScheme {
    /// All schemes.
    pub const ALL: [NamingScheme; 3] = [Self::Pycls, Self::Timm, Self::Torchvision];

    /// `pycls`, `timm` or `torchvision`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pycls => "pycls",
            Self::Timm => "timm",
            Self::Torchvision => "torchvision",
        }
    }
}

impl fmt::Display for NamingScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error of parsing a [`NamingScheme`] name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown naming scheme {name:?}: expected pycls, timm or torchvision")]
pub struct UnknownScheme {
    /// The rejected name.
    pub name: String,
}

impl FromStr for NamingScheme {
    type Err = UnknownScheme;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.name() == n)
            .ok_or_else(|| UnknownScheme { name: s.to_owned() })
    }
}

/// One model tensor and where it lives in a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMapping {
    /// burn parameter path (enum variants skipped), e.g. `stages.0.0.a.weight`.
    pub param: String,
    /// Checkpoint key, e.g. `s1.b1.f.a.weight`.
    pub key: String,
    /// Shape in the checkpoint (PyTorch layout).
    pub shape: Vec<usize>,
    /// Whether the tensor is transposed between the layouts (the FC weight).
    pub transposed: bool,
}

/// burn's name of a BatchNorm / conv / linear tensor → PyTorch's.
pub(crate) fn torch_param(p: &str) -> &str {
    match p {
        "gamma" => "weight",
        "beta" => "bias",
        other => other,
    }
}

/// The block kinds as a naming scheme sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Bottleneck,
    ResBasic,
    Vanilla,
}

fn block_kind<B: Backend>(block: &Block<B>) -> BlockKind {
    match block {
        Block::Bottleneck(_) => BlockKind::Bottleneck,
        Block::Basic(b) if b.residual => BlockKind::ResBasic,
        Block::Basic(_) => BlockKind::Vanilla,
    }
}

/// The checkpoint name of the layer `layer` (burn path inside the block, e.g. `a_bn`, `se.reduce`,
/// `proj.conv`) of a block, or `None` if the scheme has no such layer.
fn block_layer(scheme: NamingScheme, kind: BlockKind, layer: &str) -> Option<&'static str> {
    use BlockKind::*;
    use NamingScheme::*;
    Some(match (scheme, kind, layer) {
        (Pycls, Bottleneck | ResBasic, "proj.conv") => "proj",
        (Pycls, Bottleneck | ResBasic, "proj.bn") => "bn",
        (Pycls, Bottleneck | ResBasic, "a") => "f.a",
        (Pycls, Bottleneck | ResBasic, "a_bn") => "f.a_bn",
        (Pycls, Bottleneck | ResBasic, "b") => "f.b",
        (Pycls, Bottleneck | ResBasic, "b_bn") => "f.b_bn",
        (Pycls, Bottleneck, "se.reduce") => "f.se.f_ex.0",
        (Pycls, Bottleneck, "se.expand") => "f.se.f_ex.2",
        (Pycls, Bottleneck, "c") => "f.c",
        (Pycls, Bottleneck, "c_bn") => "f.c_bn",
        (Pycls, Vanilla, "a") => "a",
        (Pycls, Vanilla, "a_bn") => "a_bn",
        (Pycls, Vanilla, "b") => "b",
        (Pycls, Vanilla, "b_bn") => "b_bn",
        (Timm, Bottleneck, "a") => "conv1.conv",
        (Timm, Bottleneck, "a_bn") => "conv1.bn",
        (Timm, Bottleneck, "b") => "conv2.conv",
        (Timm, Bottleneck, "b_bn") => "conv2.bn",
        (Timm, Bottleneck, "se.reduce") => "se.fc1",
        (Timm, Bottleneck, "se.expand") => "se.fc2",
        (Timm, Bottleneck, "c") => "conv3.conv",
        (Timm, Bottleneck, "c_bn") => "conv3.bn",
        (Timm, Bottleneck, "proj.conv") => "downsample.conv",
        (Timm, Bottleneck, "proj.bn") => "downsample.bn",
        (Torchvision, Bottleneck, "a") => "f.a.0",
        (Torchvision, Bottleneck, "a_bn") => "f.a.1",
        (Torchvision, Bottleneck, "b") => "f.b.0",
        (Torchvision, Bottleneck, "b_bn") => "f.b.1",
        (Torchvision, Bottleneck, "se.reduce") => "f.se.fc1",
        (Torchvision, Bottleneck, "se.expand") => "f.se.fc2",
        (Torchvision, Bottleneck, "c") => "f.c.0",
        (Torchvision, Bottleneck, "c_bn") => "f.c.1",
        (Torchvision, Bottleneck, "proj.conv") => "proj.0",
        (Torchvision, Bottleneck, "proj.bn") => "proj.1",
        _ => return None,
    })
}

/// Checkpoint name of a stem or head layer (`stem.conv`, `head.conv.bn`, `head.fc`, …).
fn outer_layer(scheme: NamingScheme, layer: &str) -> Option<&'static str> {
    use NamingScheme::*;
    Some(match (scheme, layer) {
        (Pycls | Timm, "stem.conv") => "stem.conv",
        (Pycls | Timm, "stem.bn") => "stem.bn",
        (Torchvision, "stem.conv") => "stem.0",
        (Torchvision, "stem.bn") => "stem.1",
        (Pycls, "head.conv.conv") => "head.conv",
        (Pycls, "head.conv.bn") => "head.bn",
        (Pycls | Timm, "head.fc") => "head.fc",
        (Torchvision, "head.fc") => "fc",
        _ => return None,
    })
}

/// The checkpoint key of one burn parameter path.
fn checkpoint_key<B: Backend>(
    model: &AnyNet<B>,
    scheme: NamingScheme,
    param: &str,
) -> Result<String, WeightsError> {
    let unsupported = |what: String| WeightsError::UnsupportedLayer {
        scheme: scheme.name(),
        what,
        param: param.to_owned(),
    };
    let (layer, tensor) = param
        .rsplit_once('.')
        .ok_or_else(|| unsupported("a top-level tensor".into()))?;
    let tensor = torch_param(tensor);
    if let Some(rest) = layer.strip_prefix("stages.") {
        let mut parts = rest.splitn(3, '.');
        let (i, j, inner) = match (parts.next(), parts.next(), parts.next()) {
            (Some(i), Some(j), Some(inner)) => (i, j, inner),
            _ => return Err(unsupported(format!("layer `{layer}`"))),
        };
        let (i, j): (usize, usize) = match (i.parse(), j.parse()) {
            (Ok(i), Ok(j)) => (i, j),
            _ => return Err(unsupported(format!("layer `{layer}`"))),
        };
        let block = model
            .stages
            .get(i)
            .and_then(|s| s.get(j))
            .ok_or_else(|| unsupported(format!("block {i}.{j}")))?;
        let kind = block_kind(block);
        let name = block_layer(scheme, kind, inner)
            .ok_or_else(|| unsupported(format!("layer `{inner}` of a {kind:?} block")))?;
        let prefix = match scheme {
            NamingScheme::Pycls | NamingScheme::Timm => format!("s{}.b{}", i + 1, j + 1),
            NamingScheme::Torchvision => {
                format!("trunk_output.block{}.block{}-{}", i + 1, i + 1, j)
            }
        };
        Ok(format!("{prefix}.{name}.{tensor}"))
    } else {
        let name =
            outer_layer(scheme, layer).ok_or_else(|| unsupported(format!("layer `{layer}`")))?;
        Ok(format!("{name}.{tensor}"))
    }
}

/// The full key table of a model in a scheme: one entry per model tensor (parameters and BatchNorm
/// running statistics), in module order.
pub fn key_mappings<B: Backend>(
    model: &AnyNet<B>,
    scheme: NamingScheme,
) -> Result<Vec<KeyMapping>, WeightsError> {
    model
        .collect(None, None, true)
        .into_iter()
        .map(|s| {
            let param = s.full_path();
            let key = checkpoint_key(model, scheme, &param)?;
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

/// Checkpoint container format, chosen from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointFormat {
    /// PyTorch's `torch.save` (zip or legacy pickle), `.pth` / `.pt`.
    Pytorch,
    /// safetensors.
    Safetensors,
}

impl CheckpointFormat {
    /// The format of a path by its extension.
    pub fn from_path(path: &Path) -> Result<Self, WeightsError> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("pth" | "pt" | "bin") => Ok(Self::Pytorch),
            Some("safetensors") => Ok(Self::Safetensors),
            _ => Err(WeightsError::UnknownFormat {
                path: path.display().to_string(),
            }),
        }
    }
}

/// Reads every tensor of a checkpoint (lazily; data is read when used).
pub fn read_checkpoint(path: &Path) -> Result<BTreeMap<String, TensorSnapshot>, WeightsError> {
    let read_err = |e: &dyn fmt::Display| WeightsError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    if !path.is_file() {
        return Err(read_err(&"no such file"));
    }
    Ok(match CheckpointFormat::from_path(path)? {
        // Keep PyTorch's keys verbatim: burn-store renumbers `Sequential` indices by default
        // (`f_ex.2` → `f_ex.1`), which would break the naming schemes.
        CheckpointFormat::Pytorch => {
            let tensors = PytorchStore::from_file(path)
                .map_indices_contiguous(false)
                .get_all_snapshots()
                .map_err(|e| read_err(&e))?
                .clone();
            check_pytorch_storages(path, &tensors)?;
            tensors
        }
        CheckpointFormat::Safetensors => SafetensorsStore::from_file(path)
            .get_all_snapshots()
            .map_err(|e| read_err(&e))?
            .clone(),
    })
}

/// burn-store's PyTorch reader fills a tensor whose storage is missing from the archive, or shorter
/// than the tensor, with zeros instead of failing; such a checkpoint would load as zeros. This reads
/// the checkpoint a second time from a copy whose storages hold only `0xFF` bytes: a value read from a
/// storage then never has all-zero bytes (in any dtype), so an element that does was zero-filled, and
/// the tensor is refused as [`WeightsError::BadTensor`]. Only zip checkpoints (every `torch.save` since
/// PyTorch 1.6) can be checked this way; a legacy pickle checkpoint is refused with a hint to re-save
/// it.
fn check_pytorch_storages(
    path: &Path,
    tensors: &BTreeMap<String, TensorSnapshot>,
) -> Result<(), WeightsError> {
    let read_err = |reason: String| WeightsError::Read {
        path: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| read_err(e.to_string()))?;
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Err(read_err(
            "a legacy (pre-zip) PyTorch file, whose storages cannot be checked for missing data; \
             re-save it with torch.save (PyTorch >= 1.6) or as .safetensors"
                .into(),
        ));
    };
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let probe_path =
        std::env::temp_dir().join(format!("regnet-pth-probe-{}-{n}.pth", std::process::id()));
    let probe = (|| -> Result<BTreeMap<String, TensorSnapshot>, String> {
        let out = std::fs::File::create(&probe_path).map_err(|e| e.to_string())?;
        let mut w = zip::ZipWriter::new(std::io::BufWriter::new(out));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        for i in 0..archive.len() {
            let entry = archive.by_index(i).map_err(|e| e.to_string())?;
            let name = entry.name().to_owned();
            let is_storage = name
                .rsplit_once('/')
                .is_some_and(|(dir, _)| dir == "data" || dir.ends_with("/data"));
            if is_storage {
                let size = entry.size();
                drop(entry);
                w.start_file(name.as_str(), stored)
                    .map_err(|e| e.to_string())?;
                let ones = [0xFFu8; 8192];
                let mut left = size;
                while left > 0 {
                    let k = left.min(ones.len() as u64) as usize;
                    std::io::Write::write_all(&mut w, &ones[..k]).map_err(|e| e.to_string())?;
                    left -= k as u64;
                }
            } else {
                w.raw_copy_file(entry).map_err(|e| e.to_string())?;
            }
        }
        w.finish().map_err(|e| e.to_string())?;
        PytorchStore::from_file(&probe_path)
            .map_indices_contiguous(false)
            .get_all_snapshots()
            .cloned()
            .map_err(|e| e.to_string())
    })();
    // The snapshots read their data lazily from the file: check first, remove the copy after.
    let checked = probe
        .map_err(|e| read_err(format!("cannot check its storages: {e}")))
        .and_then(|probe| check_probe(tensors, &probe));
    let _ = std::fs::remove_file(&probe_path);
    checked
}

/// Refuses a tensor whose probe copy (see [`check_pytorch_storages`]) has an element with all-zero
/// bytes: burn-store zero-filled it.
fn check_probe(
    tensors: &BTreeMap<String, TensorSnapshot>,
    probe: &BTreeMap<String, TensorSnapshot>,
) -> Result<(), WeightsError> {
    for (key, snap) in tensors {
        let bad = |reason: String| WeightsError::BadTensor {
            key: key.clone(),
            reason,
        };
        let probed = probe
            .get(key)
            .ok_or_else(|| bad("its storage could not be checked".into()))?;
        let data = probed.to_data().map_err(|e| bad(e.to_string()))?;
        let width = data.dtype.size().max(1);
        if data
            .as_bytes()
            .chunks(width)
            .any(|c| c.iter().all(|&b| b == 0))
        {
            return Err(bad(format!(
                "its storage is missing from the file or shorter than the tensor ({:?} {:?}); the \
                 checkpoint is truncated or corrupt",
                snap.shape.to_vec(),
                data.dtype
            )));
        }
    }
    Ok(())
}

/// A checkpoint key that only counts updates and has no burn counterpart.
pub(crate) fn is_ignored(key: &str) -> bool {
    key.ends_with(".num_batches_tracked")
}

pub(crate) fn f32_data(key: &str, snap: &TensorSnapshot) -> Result<Vec<f32>, WeightsError> {
    let bad = |reason: String| WeightsError::BadTensor {
        key: key.to_owned(),
        reason,
    };
    let data = snap.to_data().map_err(|e| bad(e.to_string()))?;
    let data = match data.dtype {
        DType::F32 => data,
        DType::F64 | DType::F16 | DType::BF16 => data.convert::<f32>(),
        other => return Err(bad(format!("{other:?} is not a float type"))),
    };
    data.into_vec::<f32>().map_err(|e| bad(format!("{e:?}")))
}

/// Transposes a row-major `[rows, cols]` matrix.
pub(crate) fn transpose(v: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; v.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = v[r * cols + c];
        }
    }
    out
}

/// Loads a checkpoint into `model` (strict: see the module docs) and returns the updated model.
///
/// The format follows the extension (`.pth`/`.pt` or `.safetensors`); BatchNorm running statistics
/// are loaded too, so the model reproduces PyTorch's eval-mode outputs.
pub fn load_checkpoint<B: Backend>(
    model: AnyNet<B>,
    path: impl AsRef<Path>,
    scheme: NamingScheme,
) -> Result<AnyNet<B>, WeightsError> {
    let tensors = read_checkpoint(path.as_ref())?;
    load_tensors(model, &tensors, scheme)
}

/// Like [`load_checkpoint`], from tensors already read (e.g. by [`read_checkpoint`]).
pub fn load_tensors<B: Backend>(
    model: AnyNet<B>,
    tensors: &BTreeMap<String, TensorSnapshot>,
    scheme: NamingScheme,
) -> Result<AnyNet<B>, WeightsError> {
    let table = key_mappings(&model, scheme)?;
    apply_mapped(model, &table, tensors)
}

/// Loads `tensors` into `model` through its key table, strictly: every mapped tensor must be present
/// with its shape, every checkpoint tensor must be used (`num_batches_tracked` excepted), linear
/// weights are transposed where the table says so. Shared by the AnyNet and EfficientNet loaders.
pub(crate) fn apply_mapped<B: Backend, M: ModuleSnapshot<B>>(
    mut model: M,
    table: &[KeyMapping],
    tensors: &BTreeMap<String, TensorSnapshot>,
) -> Result<M, WeightsError> {
    let mut used = BTreeSet::new();
    let mut snapshots = Vec::with_capacity(table.len());
    for m in table {
        let snap = tensors
            .get(&m.key)
            .ok_or_else(|| WeightsError::MissingKey {
                key: m.key.clone(),
                param: m.param.clone(),
                expected: m.shape.clone(),
            })?;
        if snap.shape.as_slice() != m.shape.as_slice() {
            return Err(WeightsError::ShapeMismatch {
                key: m.key.clone(),
                param: m.param.clone(),
                expected: m.shape.clone(),
                found: snap.shape.to_vec(),
            });
        }
        used.insert(m.key.as_str());
        let mut values = f32_data(&m.key, snap)?;
        let mut shape = m.shape.clone();
        if m.transposed {
            values = transpose(&values, shape[0], shape[1]);
            shape.reverse();
        }
        snapshots.push(TensorSnapshot::from_data(
            TensorData::new(values, shape),
            m.param.split('.').map(str::to_owned).collect(),
            Vec::new(),
            ParamId::new(),
        ));
    }
    if let Some((key, snap)) = tensors
        .iter()
        .find(|(k, _)| !used.contains(k.as_str()) && !is_ignored(k))
    {
        return Err(WeightsError::UnexpectedKey {
            key: key.clone(),
            shape: snap.shape.to_vec(),
        });
    }
    let result = model.apply(snapshots, None, None, true);
    if !result.errors.is_empty() || !result.missing.is_empty() || !result.unused.is_empty() {
        return Err(WeightsError::Apply {
            reason: format!(
                "errors {:?}, missing {:?}, unused {:?}",
                result.errors, result.missing, result.unused
            ),
        });
    }
    Ok(model)
}

/// Writes the model's tensors (parameters and BatchNorm running statistics) as f32 safetensors under
/// the scheme's names, in PyTorch layout: `torch`'s `load_state_dict(strict=False)` of a pycls /
/// timm / torchvision model accepts the file (only `num_batches_tracked` is absent).
///
/// A model on an autodiff backend can be saved right after a training step: the running statistics
/// are synced first, so the file holds those of the last step (as `model.valid()` would).
pub fn save_safetensors<B: Backend>(
    model: &AnyNet<B>,
    path: impl AsRef<Path>,
    scheme: NamingScheme,
) -> Result<(), WeightsError> {
    let path = path.as_ref();
    let write_err = |reason: String| WeightsError::Write {
        path: path.display().to_string(),
        reason,
    };
    // BatchNorm running statistics updated in training mode are kept per thread until a sync;
    // reading a snapshot does not sync, `into_record` does (and the clone shares the state), so the
    // file holds the statistics of the last step, not those one update old.
    let _ = burn::module::Module::into_record(model.clone());
    let table = key_mappings(model, scheme)?;
    let snaps: BTreeMap<String, TensorSnapshot> = model
        .collect(None, None, true)
        .into_iter()
        .map(|s| (s.full_path(), s))
        .collect();
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::with_capacity(table.len());
    for m in &table {
        let snap = snaps.get(&m.param).ok_or_else(|| WeightsError::Apply {
            reason: format!("model tensor `{}` vanished while saving", m.param),
        })?;
        let mut values = f32_data(&m.param, snap)?;
        if m.transposed {
            // burn [in, out] → PyTorch [out, in]: m.shape is [out, in].
            values = transpose(&values, m.shape[1], m.shape[0]);
        }
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        buffers.push((m.key.clone(), m.shape.clone(), bytes));
    }
    let views = buffers
        .iter()
        .map(|(k, shape, bytes)| {
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), bytes)
                .map(|v| (k.clone(), v))
                .map_err(|e| write_err(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    safetensors::serialize_to_file(views, None, path).map_err(|e| write_err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_swaps_rows_and_columns() {
        assert_eq!(
            transpose(&[1., 2., 3., 4., 5., 6.], 2, 3),
            [1., 4., 2., 5., 3., 6.]
        );
    }

    #[test]
    fn scheme_names_round_trip() {
        for s in NamingScheme::ALL {
            assert_eq!(s.name().parse::<NamingScheme>(), Ok(s));
        }
        assert_eq!(
            "keras".parse::<NamingScheme>(),
            Err(UnknownScheme {
                name: "keras".into()
            })
        );
    }

    #[test]
    fn format_follows_extension() {
        assert_eq!(
            CheckpointFormat::from_path(Path::new("a/b.pth")).unwrap(),
            CheckpointFormat::Pytorch
        );
        assert_eq!(
            CheckpointFormat::from_path(Path::new("b.safetensors")).unwrap(),
            CheckpointFormat::Safetensors
        );
        let e = CheckpointFormat::from_path(Path::new("b.onnx")).unwrap_err();
        assert!(e.to_string().contains("b.onnx"), "{e}");
    }
}
