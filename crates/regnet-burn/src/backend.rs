//! Concrete backends, one per cargo feature; library code elsewhere is generic over `B: Backend`.
//!
//! | name | cargo feature | inference type | training type |
//! |---|---|---|---|
//! | `flex` (default) | `flex` | [`Flex`] | [`FlexAutodiff`] |
//! | `ndarray` | `ndarray` | `NdArray` | `NdArrayAutodiff` |
//! | `cuda` | `cuda` | `Cuda` | `CudaAutodiff` |
//! | `wgpu` | `wgpu` | `Wgpu` | `WgpuAutodiff` |
//!
//! A binary picks one with [`BackendKind`] (parsed from `flex|ndarray|cuda|wgpu`), whose
//! [`BackendKind::ensure_compiled`] says which feature to turn on when a backend is missing.

use std::fmt;
use std::str::FromStr;

use crate::BackendError;

#[cfg(feature = "flex")]
pub use burn::backend::Flex;
/// flex with automatic differentiation (training on CPU).
#[cfg(feature = "flex")]
pub type FlexAutodiff = burn::backend::Autodiff<Flex>;

#[cfg(feature = "ndarray")]
pub use burn::backend::NdArray;
/// ndarray with automatic differentiation.
#[cfg(feature = "ndarray")]
pub type NdArrayAutodiff = burn::backend::Autodiff<NdArray>;

#[cfg(feature = "cuda")]
pub use burn::backend::Cuda;
/// CUDA with automatic differentiation.
#[cfg(feature = "cuda")]
pub type CudaAutodiff = burn::backend::Autodiff<Cuda>;

#[cfg(feature = "wgpu")]
pub use burn::backend::Wgpu;
/// wgpu with automatic differentiation.
#[cfg(feature = "wgpu")]
pub type WgpuAutodiff = burn::backend::Autodiff<Wgpu>;

/// The backends this crate knows, whether or not they are compiled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// burn's flex CPU backend (the default; fastest on CPU).
    Flex,
    /// burn's ndarray CPU backend.
    NdArray,
    /// NVIDIA GPUs through CUDA.
    Cuda,
    /// GPUs through wgpu (Vulkan, Metal, DX12; lavapipe on CPU).
    Wgpu,
}

impl BackendKind {
    /// All kinds, in the order of the table above.
    pub const ALL: [BackendKind; 4] = [Self::Flex, Self::NdArray, Self::Cuda, Self::Wgpu];

    /// The name used on command lines (`flex`, `ndarray`, `cuda`, `wgpu`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Flex => "flex",
            Self::NdArray => "ndarray",
            Self::Cuda => "cuda",
            Self::Wgpu => "wgpu",
        }
    }

    /// The cargo feature of `regnet-burn` that compiles the backend in.
    pub fn feature(self) -> &'static str {
        self.name()
    }

    /// Whether this build has the backend.
    pub fn is_compiled(self) -> bool {
        match self {
            Self::Flex => cfg!(feature = "flex"),
            Self::NdArray => cfg!(feature = "ndarray"),
            Self::Cuda => cfg!(feature = "cuda"),
            Self::Wgpu => cfg!(feature = "wgpu"),
        }
    }

    /// `Ok(self)` if the backend is compiled in, else an error naming the cargo feature.
    ///
    /// ```
    /// use regnet_burn::backend::BackendKind;
    /// let kind: BackendKind = "flex".parse()?;
    /// assert_eq!(kind.ensure_compiled()?, BackendKind::Flex); // `flex` is a default feature
    /// # Ok::<(), regnet_burn::BackendError>(())
    /// ```
    pub fn ensure_compiled(self) -> Result<Self, BackendError> {
        if self.is_compiled() {
            Ok(self)
        } else {
            Err(BackendError::NotCompiled {
                backend: self.name(),
                feature: self.feature(),
            })
        }
    }

    /// The kinds compiled into this build.
    pub fn compiled() -> Vec<BackendKind> {
        Self::ALL.into_iter().filter(|k| k.is_compiled()).collect()
    }
}

/// Checks, before burn-cuda is touched, that a CUDA driver can be loaded and that GPU `index`
/// exists: cudarc panics when `libcuda` is missing and cubecl's device thread then panics again
/// (`RecvError`), with backtraces. The driver library is loaded with `dlopen` under the names cudarc
/// tries first, initialised (`cuInit`) and asked for its device count (`cuDeviceGetCount`); any
/// failure is [`BackendError::Unavailable`] naming the backends compiled into this build.
#[cfg(all(feature = "cuda", target_os = "linux", target_env = "gnu"))]
pub fn probe_cuda(index: usize) -> Result<(), BackendError> {
    use std::ffi::{CStr, c_char, c_int, c_uint, c_void};
    let unavailable = |reason: String| BackendError::Unavailable {
        backend: "cuda",
        reason,
        available: BackendKind::compiled()
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let names: [&CStr; 2] = [c"libcuda.so", c"libcuda.so.1"];
    // SAFETY: dlopen/dlsym with NUL-terminated names; the symbols are called with the signatures
    // of the CUDA driver API (CUresult cuInit(unsigned), CUresult cuDeviceGetCount(int*)). The
    // library stays loaded (it is what cudarc loads next).
    unsafe {
        let lib = names
            .iter()
            .map(|n| libc::dlopen(n.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL))
            .find(|h| !h.is_null());
        let Some(lib) = lib else {
            return Err(unavailable(
                "no CUDA driver found (libcuda.so could not be loaded)".into(),
            ));
        };
        let sym = |name: &CStr| -> *mut c_void { libc::dlsym(lib, name.as_ptr() as *const c_char) };
        let (init, count) = (sym(c"cuInit"), sym(c"cuDeviceGetCount"));
        if init.is_null() || count.is_null() {
            return Err(unavailable(
                "the CUDA driver library lacks cuInit/cuDeviceGetCount".into(),
            ));
        }
        let init: extern "C" fn(c_uint) -> c_int = std::mem::transmute(init);
        let count: extern "C" fn(*mut c_int) -> c_int = std::mem::transmute(count);
        let code = init(0);
        if code != 0 {
            return Err(unavailable(format!(
                "the CUDA driver did not initialise (cuInit error {code}: no CUDA device or a driver mismatch)"
            )));
        }
        let mut n: c_int = 0;
        let code = count(&mut n);
        if code != 0 {
            return Err(unavailable(format!(
                "the CUDA driver could not count devices (error {code})"
            )));
        }
        if index >= n.max(0) as usize {
            return Err(unavailable(format!(
                "no CUDA device {index} (this machine has {n})"
            )));
        }
    }
    Ok(())
}

/// Outside Linux with glibc the driver is not probed (burn-cuda reports what it finds).
#[cfg(all(feature = "cuda", not(all(target_os = "linux", target_env = "gnu"))))]
pub fn probe_cuda(_index: usize) -> Result<(), BackendError> {
    Ok(())
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BackendKind {
    type Err = BackendError;

    /// Parses `flex`, `ndarray`, `cuda` or `wgpu` (case-insensitive, surrounding spaces ignored).
    /// Parsing succeeds for a backend that is not compiled in; use
    /// [`BackendKind::ensure_compiled`] to check that.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| BackendError::Unknown { name: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_name_and_rejects_others() {
        for k in BackendKind::ALL {
            assert_eq!(k.name().parse::<BackendKind>(), Ok(k));
            assert_eq!(k.to_string().to_uppercase().parse::<BackendKind>(), Ok(k));
        }
        assert_eq!(
            " Wgpu ".parse::<BackendKind>(),
            Ok(BackendKind::Wgpu),
            "spaces and case are ignored"
        );
        let err = "tch".parse::<BackendKind>().unwrap_err();
        assert_eq!(err, BackendError::Unknown { name: "tch".into() });
        assert!(err.to_string().contains("flex, ndarray, cuda, wgpu"));
    }

    #[test]
    fn missing_backend_names_its_feature() {
        assert_eq!(BackendKind::Flex.ensure_compiled(), Ok(BackendKind::Flex));
        for k in BackendKind::ALL {
            match k.ensure_compiled() {
                Ok(got) => assert!(got.is_compiled() && got == k),
                Err(e) => {
                    assert!(!k.is_compiled());
                    assert_eq!(
                        e,
                        BackendError::NotCompiled {
                            backend: k.name(),
                            feature: k.feature()
                        }
                    );
                    assert!(e.to_string().contains(&format!("`{}`", k.feature())));
                }
            }
        }
        #[cfg(not(feature = "cuda"))]
        assert!(
            BackendKind::Cuda
                .ensure_compiled()
                .unwrap_err()
                .to_string()
                .contains("cargo feature `cuda`")
        );
        assert_eq!(BackendKind::compiled().first(), Some(&BackendKind::Flex));
    }
}
