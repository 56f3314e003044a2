//! Per-thread scratch memory for the kernels' temporary matrices.
//!
//! A training step calls the kernels hundreds of times with the same sizes; allocating their
//! column matrices afresh each time costs page faults (large allocations come from `mmap`, and
//! every new page is zeroed by the kernel), which a profile of a 10 MF AnyNet put at about 16 %
//! of a step. Each thread keeps one buffer instead and grows it to the largest size asked.

use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on a scratch slice of `len` floats whose contents are unspecified (callers overwrite
/// what they read). Reuses this thread's buffer; a nested call gets a fresh allocation.
pub(crate) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < len {
                buf.resize(len, 0.0);
            }
            f(&mut buf[..len])
        }
        Err(_) => f(&mut vec![0.0; len]),
    })
}
