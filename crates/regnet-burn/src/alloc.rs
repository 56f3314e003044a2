//! Allocator settings for training on the CPU.
//!
//! A training step allocates and frees every activation and gradient, many of them between
//! 128 KiB and a few MiB. glibc serves those with `mmap` and gives them back with `munmap`, and
//! returns the top of its heap to the system whenever more than a little is free, so the same
//! memory is faulted in (and zeroed by the kernel) again on every step: a profile of a 10 MF
//! AnyNet on flex put about 15 % of a step in page faults and TLB shootdowns. Keeping freed
//! memory in the process instead made that model's step 1.6× faster and RegNetX-200MF's 1.1×
//! (docs/performance.md); peak memory does not change, since the memory is reused, not grown.

use std::sync::OnceLock;

/// The `mmap` threshold set by [`tune_allocator`]: allocations below it come from the heap.
/// 32 MiB is the largest value glibc accepts on 64-bit targets.
pub const MMAP_THRESHOLD: usize = 32 << 20;
/// The trim threshold set by [`tune_allocator`]: free memory at the top of the heap is kept up to
/// this size.
pub const TRIM_THRESHOLD: usize = 1 << 30;

/// Tells glibc's allocator to keep freed memory for reuse (see the module docs): `mmap`
/// threshold [`MMAP_THRESHOLD`], trim threshold [`TRIM_THRESHOLD`]. Runs once per process; does
/// nothing when any `MALLOC_*` tuning variable is set in the environment (the user's settings
/// win), off glibc, or off Linux. `regnet_train::train`, `regnet train`, `regnet sweep` and the
/// examples call it; call it from your own training binary to get the same speed.
/// `REGNET_TUNE_ALLOCATOR=0` in the environment switches it off too. Returns whether the settings
/// were applied (by this or an earlier call).
pub fn tune_allocator() -> bool {
    static APPLIED: OnceLock<bool> = OnceLock::new();
    *APPLIED.get_or_init(apply)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn apply() -> bool {
    let user_set = std::env::vars_os().any(|(k, _)| {
        k.to_str()
            .is_some_and(|k| k.starts_with("MALLOC_") && k.ends_with('_'))
    });
    if user_set || std::env::var_os("REGNET_TUNE_ALLOCATOR").is_some_and(|v| v == "0") {
        return false;
    }
    // SAFETY: mallopt only changes allocator parameters; it is thread-safe in glibc and takes
    // plain integers. Values outside glibc's accepted range make it return 0 (no change).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD as libc::c_int) == 1
            && libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD as libc::c_int) == 1
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn apply() -> bool {
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn applies_once_and_reports_the_same_answer() {
        let first = super::tune_allocator();
        assert_eq!(super::tune_allocator(), first);
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        if !std::env::vars().any(|(k, _)| {
            (k.starts_with("MALLOC_") && k.ends_with('_')) || k == "REGNET_TUNE_ALLOCATOR"
        }) {
            assert!(first, "glibc accepts both values");
        }
    }
}
