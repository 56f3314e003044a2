//! Choosing a burn backend at run time (`--backend flex|ndarray|cuda|wgpu`, `--device N`).

use burn::tensor::backend::AutodiffBackend;
use regnet_burn::backend::BackendKind;

use crate::CliError;

/// Work that runs on any autodiff backend.
pub trait WithBackend {
    /// The result.
    type Out;
    /// Runs on backend `B` and `device`; `name` is the backend's command-line name.
    fn run<B: AutodiffBackend>(self, device: B::Device, name: &str) -> Result<Self::Out, CliError>;
}

/// Runs `work` on the backend named `backend` (device index `device` for GPUs). A backend that is
/// not compiled in is an error naming the cargo feature that enables it.
pub fn with_backend<W: WithBackend>(
    backend: &str,
    device: usize,
    work: W,
) -> Result<W::Out, CliError> {
    let kind: BackendKind = backend.parse().map_err(|e| CliError::Flag {
        flag: "backend",
        message: format!("{e}"),
    })?;
    let kind = kind.ensure_compiled().map_err(|e| CliError::Flag {
        flag: "backend",
        message: format!(
            "{e} (e.g. cargo install --path crates/regnet-cli --features {})",
            kind.feature()
        ),
    })?;
    let name = kind.name();
    let _ = device;
    match kind {
        BackendKind::Flex => {
            work.run::<regnet_burn::backend::FlexAutodiff>(Default::default(), name)
        }
        #[cfg(feature = "ndarray")]
        BackendKind::NdArray => {
            work.run::<regnet_burn::backend::NdArrayAutodiff>(Default::default(), name)
        }
        #[cfg(feature = "cuda")]
        BackendKind::Cuda => work.run::<regnet_burn::backend::CudaAutodiff>(
            burn::backend::cuda::CudaDevice { index: device },
            name,
        ),
        #[cfg(feature = "wgpu")]
        BackendKind::Wgpu => work.run::<regnet_burn::backend::WgpuAutodiff>(
            burn::backend::wgpu::WgpuDevice::DiscreteGpu(device),
            name,
        ),
        #[allow(unreachable_patterns)]
        other => Err(CliError::Flag {
            flag: "backend",
            message: format!(
                "{other} is not compiled in; enable the `{}` feature",
                other.feature()
            ),
        }),
    }
}
