//! How the kernels split a batch across threads.

/// The batch is split into at most this many chunks of whole images, whatever the number of
/// threads, so per-chunk partial sums (weight gradients, BatchNorm statistics) are added in the
/// same order on every machine: results are bit-identical for any `RAYON_NUM_THREADS`.
pub const MAX_CHUNKS: usize = 8;

/// Images per chunk for a batch of `n` (at least 1).
pub fn images_per_chunk(n: usize) -> usize {
    n.div_ceil(MAX_CHUNKS).max(1)
}
