//! Running generic training code on a backend chosen at run time (`flex|ndarray|cuda|wgpu`).

use regnet_burn::BackendError;
use regnet_burn::TrainBackend;
use regnet_burn::backend::BackendKind;

/// Work that runs on any autodiff backend (Rust has no generic closures, so this is a trait).
pub trait WithBackend {
    /// The result.
    type Out;
    /// Runs on backend `B` with `device`; `name` is the backend's command-line name.
    fn run<B: TrainBackend>(self, device: B::Device, name: &str) -> Self::Out;
}

/// Runs `work` on the backend `kind`, on GPU number `device` for cuda and wgpu (ignored on CPU).
/// A backend not compiled into this build is an error naming the cargo feature that enables it.
pub fn with_backend<W: WithBackend>(
    kind: BackendKind,
    device: usize,
    work: W,
) -> Result<W::Out, BackendError> {
    let kind = kind.ensure_compiled()?;
    let name = kind.name();
    let _ = device;
    Ok(match kind {
        BackendKind::Flex => {
            work.run::<regnet_burn::backend::FlexAutodiff>(Default::default(), name)
        }
        #[cfg(feature = "ndarray")]
        BackendKind::NdArray => {
            work.run::<regnet_burn::backend::NdArrayAutodiff>(Default::default(), name)
        }
        #[cfg(feature = "cuda")]
        BackendKind::Cuda => {
            // One typed line instead of cudarc's and cubecl's panics when there is no driver.
            regnet_burn::backend::probe_cuda(device)?;
            work.run::<regnet_burn::backend::CudaAutodiff>(
                burn::backend::cuda::CudaDevice { index: device },
                name,
            )
        }
        #[cfg(feature = "wgpu")]
        BackendKind::Wgpu => work.run::<regnet_burn::backend::WgpuAutodiff>(
            burn::backend::wgpu::WgpuDevice::DiscreteGpu(device),
            name,
        ),
        #[allow(unreachable_patterns)]
        other => {
            return Err(BackendError::NotCompiled {
                backend: other.name(),
                feature: other.feature(),
            });
        }
    })
}
