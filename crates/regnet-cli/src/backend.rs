//! Choosing a burn backend at run time (`--backend flex|ndarray|cuda|wgpu`, `--device N`).

use regnet_burn::backend::BackendKind;
pub use regnet_train::WithBackend;

use crate::CliError;

/// Runs `work` on the backend named `backend` (GPU index `device`), see [`regnet_train::with_backend`];
/// a bad name or a backend not compiled in is an error naming `--backend`.
pub fn with_backend<W: WithBackend<Out = Result<T, E>>, T, E: Into<CliError>>(
    backend: &str,
    device: usize,
    work: W,
) -> Result<T, CliError> {
    let flag = |message: String| CliError::Flag {
        flag: "backend",
        message,
    };
    let kind: BackendKind = backend.parse().map_err(|e| flag(format!("{e}")))?;
    regnet_train::with_backend(kind, device, work)
        .map_err(|e| flag(e.to_string()))?
        .map_err(Into::into)
}

/// Checks `--backend` before any work starts: a bad name or a backend not compiled into this build is
/// an error naming `--backend` (so `regnet sweep` writes no population for a run that cannot start).
pub fn check_backend(backend: &str) -> Result<(), CliError> {
    let flag = |message: String| CliError::Flag {
        flag: "backend",
        message,
    };
    let kind: BackendKind = backend.parse().map_err(|e| flag(format!("{e}")))?;
    kind.ensure_compiled().map_err(|e| flag(e.to_string()))?;
    Ok(())
}
