//! A deterministic, streamed, parallel batch loader.
//!
//! An epoch visits the dataset in the order [`crate::rng::permutation`]`(len, seed, epoch)`
//! (or `0..len` without shuffling), cut into batches of `batch_size`. Sample `i` is
//! transformed with the generator [`crate::rng::sample_rng`]`(seed, epoch, i)`, so a batch is
//! a pure function of `(dataset, pipeline, config without workers/prefetch, epoch, batch
//! index)`: 0, 1 or 16 workers give bit-identical batches in the same order.
//!
//! With `workers > 0`, that many threads claim batch indices in increasing order, decode and
//! transform them, and send them back; the iterator re-orders them. Only batches
//! `next .. next + prefetch` may be claimed, where `next` is the batch the consumer waits for,
//! so at most `prefetch` batches are built or buffered ahead (bounded memory). Dropping the
//! iterator stops and joins the workers.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::dataset::Dataset;
use crate::error::{DataError, Result};
use crate::folder::{CorruptPolicy, SkippedSample};
use crate::rng::{permutation, sample_rng};
use crate::transform::Pipeline;

/// Largest `batch_size` a [`Loader`] accepts (the paper's largest batch is 1024).
pub const MAX_BATCH_SIZE: usize = 65_536;

/// Largest number of worker threads a [`Loader`] accepts.
pub const MAX_WORKERS: usize = 256;

/// Largest `prefetch` a [`Loader`] accepts (batches built ahead, held in memory).
pub const MAX_PREFETCH: usize = 1024;

/// Loader options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoaderConfig {
    /// Samples per batch (the last batch may be smaller unless `drop_last`).
    pub batch_size: usize,
    /// Visit samples in a per-epoch shuffled order (train) or in dataset order (test).
    pub shuffle: bool,
    /// Drop the last incomplete batch.
    pub drop_last: bool,
    /// Seed of the shuffled order and of every augmentation draw.
    pub seed: u64,
    /// Worker threads (0 = build batches on the calling thread when the iterator is advanced).
    pub workers: usize,
    /// Batches that may be built ahead of the one being consumed (≥ 1 when `workers > 0`).
    pub prefetch: usize,
}

impl Default for LoaderConfig {
    /// Batch 128 (the paper's), shuffled, keep the last batch, seed 0, 2 workers, prefetch 4.
    fn default() -> Self {
        Self {
            batch_size: 128,
            shuffle: true,
            drop_last: false,
            seed: 0,
            workers: 2,
            prefetch: 4,
        }
    }
}

/// A batch of transformed samples in contiguous NCHW layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// `n · c · h · w` values; sample `k` occupies `images[k·c·h·w .. (k+1)·c·h·w]` in CHW order.
    pub images: Vec<f32>,
    /// `n` labels.
    pub labels: Vec<u32>,
    /// Number of samples (smaller than `batch_size` for a last partial batch or when files
    /// were skipped; 0 if every file of the batch was skipped, in which case `c, h, w` are 0).
    pub n: usize,
    /// Channels.
    pub c: usize,
    /// Height.
    pub h: usize,
    /// Width.
    pub w: usize,
    /// Dataset index of each sample.
    pub indices: Vec<usize>,
    /// Files left out of this batch under [`CorruptPolicy::Skip`].
    pub skipped: Vec<SkippedSample>,
}

impl Batch {
    /// The shape `[n, c, h, w]`.
    pub fn shape(&self) -> [usize; 4] {
        [self.n, self.c, self.h, self.w]
    }
}

/// Everything a batch is a function of.
#[derive(Debug)]
struct Job {
    dataset: Arc<Dataset>,
    pipeline: Arc<Pipeline>,
    order: Vec<usize>,
    batch_size: usize,
    num_batches: usize,
    seed: u64,
    epoch: u64,
}

impl Job {
    fn build(&self, b: usize) -> Result<Batch> {
        let start = b * self.batch_size;
        let end = (start + self.batch_size).min(self.order.len());
        let policy = self.dataset.corrupt_policy();
        let mut batch = Batch {
            images: Vec::new(),
            labels: Vec::with_capacity(end - start),
            n: 0,
            c: 0,
            h: 0,
            w: 0,
            indices: Vec::with_capacity(end - start),
            skipped: Vec::new(),
        };
        for &index in &self.order[start..end] {
            let label = self.dataset.label(index)?;
            let im = match self.dataset.load(index) {
                Ok(im) => im,
                Err(e @ (DataError::Decode { .. } | DataError::Io { .. }))
                    if policy == CorruptPolicy::Skip =>
                {
                    batch.skipped.push(SkippedSample {
                        index,
                        path: self.dataset.path(index).map(Into::into).unwrap_or_default(),
                        reason: e.to_string(),
                    });
                    continue;
                }
                Err(e) => return Err(e),
            };
            let mut rng = sample_rng(self.seed, self.epoch, index as u64);
            let im = self.pipeline.apply(im, &mut rng)?;
            if batch.n == 0 {
                (batch.c, batch.h, batch.w) = (im.c, im.h, im.w);
                batch.images.reserve((end - start) * im.data.len());
            } else if im.shape() != [batch.c, batch.h, batch.w] {
                return Err(DataError::ShapeMismatch {
                    index,
                    expected: [batch.c, batch.h, batch.w],
                    found: im.shape(),
                });
            }
            batch.images.extend_from_slice(&im.data);
            batch.labels.push(label);
            batch.indices.push(index);
            batch.n += 1;
        }
        Ok(batch)
    }
}

/// Produces epochs of [`Batch`]es from a [`Dataset`] and a [`Pipeline`].
///
/// ```
/// use regnet_data::{Dataset, FashionMnist, FashionMnistTransform, Loader, LoaderConfig, Pipeline, Split};
/// let ds = Dataset::from(FashionMnist::embedded(Split::Test).unwrap());
/// let cfg = LoaderConfig { batch_size: 64, ..LoaderConfig::default() };
/// let loader = Loader::new(ds, Pipeline::fashion_mnist(FashionMnistTransform::default()), cfg).unwrap();
/// let batch = loader.epoch(0).next().unwrap().unwrap();
/// assert_eq!(batch.shape(), [64, 1, 28, 28]);
/// assert_eq!(loader.num_batches(), 32); // 2,000 / 64, last batch partial
/// ```
#[derive(Clone, Debug)]
pub struct Loader {
    dataset: Arc<Dataset>,
    pipeline: Arc<Pipeline>,
    config: LoaderConfig,
}

impl Loader {
    /// Checks the configuration and the pipeline against the dataset's channel count.
    ///
    /// Fails with [`DataError::InvalidOption`] for `batch_size == 0` or `prefetch == 0` with
    /// workers, for values above [`MAX_BATCH_SIZE`], [`MAX_WORKERS`] or [`MAX_PREFETCH`], and with
    /// the pipeline's validation errors (e.g. lighting on 1 channel, sizes above
    /// [`crate::MAX_SIDE`]).
    pub fn new(
        dataset: impl Into<Arc<Dataset>>,
        pipeline: Pipeline,
        config: LoaderConfig,
    ) -> Result<Self> {
        let dataset = dataset.into();
        if config.batch_size == 0 {
            return Err(DataError::InvalidOption {
                field: "batch_size",
                value: "0".into(),
                reason: "must be positive",
            });
        }
        for (field, value, max, reason) in [
            (
                "batch_size",
                config.batch_size,
                MAX_BATCH_SIZE,
                "must be at most 65536 (MAX_BATCH_SIZE)",
            ),
            (
                "workers",
                config.workers,
                MAX_WORKERS,
                "must be at most 256 (MAX_WORKERS)",
            ),
            (
                "prefetch",
                config.prefetch,
                MAX_PREFETCH,
                "must be at most 1024 (MAX_PREFETCH)",
            ),
        ] {
            if value > max {
                return Err(DataError::InvalidOption {
                    field,
                    value: value.to_string(),
                    reason,
                });
            }
        }
        if config.workers > 0 && config.prefetch == 0 {
            return Err(DataError::InvalidOption {
                field: "prefetch",
                value: "0".into(),
                reason: "must be at least 1 when workers > 0",
            });
        }
        pipeline.validate(dataset.channels())?;
        Ok(Self {
            dataset,
            pipeline: Arc::new(pipeline),
            config,
        })
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The configuration.
    pub fn config(&self) -> &LoaderConfig {
        &self.config
    }

    /// Batches per epoch.
    pub fn num_batches(&self) -> usize {
        let (n, b) = (self.dataset.len(), self.config.batch_size);
        if self.config.drop_last {
            n / b
        } else {
            n.div_ceil(b)
        }
    }

    /// The dataset indices in the order `epoch` visits them.
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        let n = self.dataset.len();
        if self.config.shuffle {
            permutation(n, self.config.seed, epoch)
        } else {
            (0..n).collect()
        }
    }

    fn job(&self, epoch: u64) -> Job {
        Job {
            dataset: Arc::clone(&self.dataset),
            pipeline: Arc::clone(&self.pipeline),
            order: self.order(epoch),
            batch_size: self.config.batch_size,
            num_batches: self.num_batches(),
            seed: self.config.seed,
            epoch,
        }
    }

    /// Builds batch `b` of `epoch` on the calling thread (random access; same result as the
    /// iterator). Fails with [`DataError::IndexOutOfRange`] past the last batch.
    pub fn batch(&self, epoch: u64, b: usize) -> Result<Batch> {
        let job = self.job(epoch);
        if b >= job.num_batches {
            return Err(DataError::IndexOutOfRange {
                index: b,
                len: job.num_batches,
            });
        }
        job.build(b)
    }

    /// Iterates over the batches of `epoch`, built by the configured workers.
    pub fn epoch(&self, epoch: u64) -> Epoch {
        let job = Arc::new(self.job(epoch));
        let workers = self.config.workers.min(job.num_batches);
        let threads = if workers == 0 {
            None
        } else {
            let shared = Arc::new(Shared {
                state: Mutex::new(State {
                    next_claim: 0,
                    consumed: 0,
                    stop: false,
                }),
                cv: Condvar::new(),
                prefetch: self.config.prefetch.max(1),
            });
            let (tx, rx) = channel();
            let handles = (0..workers)
                .map(|_| {
                    let (job, shared, tx) = (Arc::clone(&job), Arc::clone(&shared), tx.clone());
                    std::thread::spawn(move || worker(&job, &shared, &tx))
                })
                .collect();
            Some(Threads {
                shared,
                rx: Some(rx),
                pending: BTreeMap::new(),
                handles,
            })
        };
        Epoch {
            job,
            next: 0,
            done: false,
            threads,
        }
    }
}

struct State {
    next_claim: usize,
    consumed: usize,
    stop: bool,
}

struct Shared {
    state: Mutex<State>,
    cv: Condvar,
    prefetch: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type Message = (usize, Result<Batch>);

fn worker(job: &Job, shared: &Shared, tx: &Sender<Message>) {
    loop {
        let b = {
            let mut st = shared.lock();
            loop {
                if st.stop || st.next_claim >= job.num_batches {
                    return;
                }
                if st.next_claim < st.consumed + shared.prefetch {
                    st.next_claim += 1;
                    break st.next_claim - 1;
                }
                st = shared.cv.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let result = catch_unwind(AssertUnwindSafe(|| job.build(b)))
            .unwrap_or(Err(DataError::WorkerPanicked { batch: b }));
        if tx.send((b, result)).is_err() {
            return;
        }
    }
}

struct Threads {
    shared: Arc<Shared>,
    rx: Option<Receiver<Message>>,
    pending: BTreeMap<usize, Result<Batch>>,
    handles: Vec<JoinHandle<()>>,
}

/// The batches of one epoch, in order; see [`Loader::epoch`].
///
/// Yields `Err` for a sample that fails (a corrupt file under [`CorruptPolicy::Fail`], a
/// transform error) and then ends. Dropping it early stops and joins the workers.
pub struct Epoch {
    job: Arc<Job>,
    next: usize,
    done: bool,
    threads: Option<Threads>,
}

impl Epoch {
    /// Index (within the epoch) of the batch the next call to `next` returns.
    pub fn position(&self) -> usize {
        self.next
    }

    fn shutdown(&mut self) {
        self.done = true;
        if let Some(t) = &mut self.threads {
            t.shared.lock().stop = true;
            t.shared.cv.notify_all();
            t.rx = None;
            for h in t.handles.drain(..) {
                // Worker panics are caught per batch; a join error can only come from a
                // panic outside `build`, which has already surfaced as a missing batch.
                let _ = h.join();
            }
        }
    }

    fn next_threaded(&mut self) -> Result<Batch> {
        let b = self.next;
        let Some(t) = &mut self.threads else {
            return self.job.build(b);
        };
        loop {
            if let Some(r) = t.pending.remove(&b) {
                t.shared.lock().consumed = b + 1;
                t.shared.cv.notify_all();
                return r;
            }
            match t.rx.as_ref().map(Receiver::recv) {
                Some(Ok((k, r))) => {
                    t.pending.insert(k, r);
                }
                _ => return Err(DataError::WorkerPanicked { batch: b }),
            }
        }
    }
}

impl Iterator for Epoch {
    type Item = Result<Batch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.next >= self.job.num_batches {
            self.shutdown();
            return None;
        }
        let r = self.next_threaded();
        self.next += 1;
        if r.is_err() {
            self.shutdown();
        }
        Some(r)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.done {
            0
        } else {
            self.job.num_batches - self.next
        };
        (0, Some(left))
    }
}

impl Drop for Epoch {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for Epoch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Epoch")
            .field("epoch", &self.job.epoch)
            .field("next", &self.next)
            .field("num_batches", &self.job.num_batches)
            .field(
                "workers",
                &self.threads.as_ref().map_or(0, |t| t.handles.len()),
            )
            .finish()
    }
}
