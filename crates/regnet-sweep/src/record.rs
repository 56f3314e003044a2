//! Records of a sweep: population entries, per-epoch statistics, per-model results.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One sampled model of the population: its index and whatever the sampler recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationEntry {
    /// Index of the model in the population (0..n).
    pub id: usize,
    /// The sample (space, sampled parameters, spec, flops, params, acts, …), flattened into the line.
    #[serde(flatten)]
    pub sample: Map<String, Value>,
}

impl PopulationEntry {
    /// An entry from a JSON object (non-object values are stored under the key `sample`).
    pub fn new(id: usize, sample: Value) -> Self {
        let sample = match sample {
            Value::Object(m) => m,
            other => Map::from_iter([("sample".to_string(), other)]),
        };
        Self { id, sample }
    }
}

/// Statistics of one training epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    /// 0-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training top-1 error in %.
    pub train_top1_err: f64,
    /// Test top-1 error in %.
    pub test_top1_err: f64,
    /// Test top-5 error in %.
    pub test_top5_err: f64,
    /// Learning rate used in the epoch (pycls sets it once per epoch).
    pub lr: f64,
    /// Wall-clock seconds of the epoch (training and test).
    pub seconds: f64,
    /// Training images per second.
    pub images_per_sec: f64,
}

/// What a trainer returns for one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOutcome {
    /// Per-epoch statistics (empty for trainers that report only test errors).
    pub epochs: Vec<EpochStats>,
    /// Test top-1 error (%) after each epoch.
    pub test_top1_errs: Vec<f64>,
    /// Whether the loss became non-finite; training stopped then.
    pub diverged: bool,
    /// The epoch at which it diverged.
    pub diverged_epoch: Option<usize>,
    /// Backend name (flex, cuda, wgpu, …).
    pub backend: String,
    /// Seed of the run.
    pub seed: u64,
}

impl TrainOutcome {
    /// A finished (not diverged) outcome from the per-epoch test errors.
    pub fn finished(test_top1_errs: Vec<f64>, seed: u64) -> Self {
        Self {
            epochs: Vec::new(),
            test_top1_errs,
            diverged: false,
            diverged_epoch: None,
            backend: String::new(),
            seed,
        }
    }

    /// The minimum test top-1 error over epochs (the paper's per-model error), if any finite one.
    pub fn min_top1_err(&self) -> Option<f64> {
        self.test_top1_errs
            .iter()
            .copied()
            .filter(|e| e.is_finite())
            .reduce(f64::min)
    }
}

/// One line of `results.jsonl`: the population entry and its training outcome.
///
/// `error` is the minimum test top-1 error in % (`null` when the model diverged before any finite
/// error); this is the quantity whose EDF the paper compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRecord {
    /// Model index in the population.
    pub id: usize,
    /// Minimum test top-1 error over epochs, in %.
    pub error: Option<f64>,
    /// The training outcome.
    #[serde(flatten)]
    pub outcome: TrainOutcome,
    /// The population entry's fields (space, parameters, spec, complexity, …).
    #[serde(flatten)]
    pub sample: Map<String, Value>,
}

impl ResultRecord {
    /// Joins a population entry with its outcome.
    pub fn new(entry: &PopulationEntry, outcome: TrainOutcome) -> Self {
        let mut sample = entry.sample.clone();
        // Keys of the outcome win over sample keys of the same name.
        for k in [
            "id",
            "error",
            "epochs",
            "test_top1_errs",
            "diverged",
            "diverged_epoch",
            "backend",
            "seed",
        ] {
            sample.remove(k);
        }
        Self {
            id: entry.id,
            error: outcome.min_top1_err(),
            outcome,
            sample,
        }
    }
}
