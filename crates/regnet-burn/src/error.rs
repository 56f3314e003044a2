//! Errors of `regnet-burn`: building a model, choosing a backend, loading weights.

use thiserror::Error;

use regnet_anynet::SpecError;

/// Why a model could not be built from a spec.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BuildError {
    /// The spec itself is invalid (see [`regnet_anynet::AnyNetSpec::validate`]).
    #[error("invalid model spec: {0}")]
    Spec(#[from] SpecError),
}

/// Why a backend name could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BackendError {
    /// The name is not one of `flex`, `ndarray`, `cuda`, `wgpu`.
    #[error("unknown backend {name:?}: expected one of flex, ndarray, cuda, wgpu")]
    Unknown {
        /// The rejected name.
        name: String,
    },
    /// The backend exists but this build of `regnet-burn` was compiled without it.
    #[error(
        "backend `{backend}` is not compiled in: rebuild with the cargo feature `{feature}` \
         (e.g. `cargo build --features regnet-burn/{feature}`)"
    )]
    NotCompiled {
        /// The backend's name.
        backend: &'static str,
        /// The cargo feature of `regnet-burn` that enables it.
        feature: &'static str,
    },
    /// The backend is compiled in but cannot run here (no CUDA driver, no such device).
    #[error("backend `{backend}` cannot run: {reason}; backends in this build: {available}")]
    Unavailable {
        /// The backend's name.
        backend: &'static str,
        /// What is missing, e.g. `no CUDA driver found (libcuda.so could not be loaded)`.
        reason: String,
        /// The backends compiled into this build, comma separated.
        available: String,
    },
}

/// Why a checkpoint could not be loaded into (or written from) a model.
#[derive(Debug, Error)]
pub enum WeightsError {
    /// The checkpoint file could not be read or parsed.
    #[error("cannot read checkpoint {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The reader's message.
        reason: String,
    },
    /// The checkpoint file could not be written.
    #[error("cannot write checkpoint {path}: {reason}")]
    Write {
        /// The file.
        path: String,
        /// The writer's message.
        reason: String,
    },
    /// The file extension is neither `.pth`/`.pt` nor `.safetensors`.
    #[error("unknown checkpoint format for {path}: expected a .pth, .pt or .safetensors file")]
    UnknownFormat {
        /// The file.
        path: String,
    },
    /// The naming scheme has no name for a layer of this model (e.g. timm has no vanilla block).
    #[error("the {scheme} naming scheme cannot name {what} (model parameter `{param}`)")]
    UnsupportedLayer {
        /// The naming scheme.
        scheme: &'static str,
        /// What cannot be named.
        what: String,
        /// The burn parameter path.
        param: String,
    },
    /// The model needs a tensor the checkpoint does not have.
    #[error(
        "missing key `{key}` in the checkpoint (model parameter `{param}`, shape {expected:?})"
    )]
    MissingKey {
        /// The checkpoint key that was looked for.
        key: String,
        /// The burn parameter path it would fill.
        param: String,
        /// The shape the model expects (PyTorch layout).
        expected: Vec<usize>,
    },
    /// The checkpoint has a tensor the model does not use.
    #[error(
        "unexpected key `{key}` in the checkpoint (shape {shape:?}): the model has no such layer"
    )]
    UnexpectedKey {
        /// The checkpoint key.
        key: String,
        /// Its shape.
        shape: Vec<usize>,
    },
    /// A tensor has another shape than the model's parameter.
    #[error(
        "shape mismatch for `{key}` (model parameter `{param}`): model expects {expected:?}, checkpoint has {found:?}"
    )]
    ShapeMismatch {
        /// The checkpoint key.
        key: String,
        /// The burn parameter path.
        param: String,
        /// The shape the model expects (PyTorch layout).
        expected: Vec<usize>,
        /// The shape in the checkpoint.
        found: Vec<usize>,
    },
    /// A tensor could not be converted to 32-bit floats.
    #[error("tensor `{key}` has an unsupported data type: {reason}")]
    BadTensor {
        /// The checkpoint key.
        key: String,
        /// What went wrong.
        reason: String,
    },
    /// burn refused to apply a tensor to the module.
    #[error("could not apply the checkpoint to the model: {reason}")]
    Apply {
        /// burn's report.
        reason: String,
    },
}
