//! Records of a sweep: population entries, per-epoch statistics, per-model results.
//!
//! The records are generic over the sample type `S`: what the sampler recorded for one model. The
//! model crates use their own typed sample (`regnet_anynet::SampleRecord`: space, sampler seed,
//! candidate index, drawn parameters, spec, complexity); the default, [`JsonSample`], is an untyped
//! JSON object for tools that do not know the sampler. Either way the sample is flattened into the
//! line, so `population.jsonl` and `results.jsonl` are plain JSON objects.

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An untyped sample: the JSON object of a population line without its `id`.
pub type JsonSample = Map<String, Value>;

/// One sampled model of the population: its index and what the sampler recorded.
///
/// On disk (`population.jsonl`) the sample's fields are flattened next to `id`. A sample must not use
/// the keys a results line reserves ([`ResultRecord::reserved_keys`]); [`crate::Sweep::create`]
/// refuses one that does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "S: Serialize", deserialize = "S: DeserializeOwned"))]
pub struct PopulationEntry<S = JsonSample> {
    /// Index of the model in the population (0..n).
    pub id: usize,
    /// The sample (space, sampled parameters, spec, flops, params, acts, …), flattened into the line.
    #[serde(flatten)]
    pub sample: S,
}

impl PopulationEntry<JsonSample> {
    /// An untyped entry from a JSON object (non-object values are stored under the key `sample`).
    pub fn new(id: usize, sample: Value) -> Self {
        let sample = match sample {
            Value::Object(m) => m,
            other => Map::from_iter([("sample".to_string(), other)]),
        };
        Self { id, sample }
    }
}

impl<S> PopulationEntry<S> {
    /// An entry of a typed sample.
    pub fn with_sample(id: usize, sample: S) -> Self {
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
///
/// In a results line its fields sit next to the sample's ([`ResultRecord`]); their keys are
/// [`TrainOutcome::keys`]. The training seed is written as `train_seed` (see [`ResultRecord`] for
/// why and for how older lines, which wrote it as `seed`, are read).
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
    /// Seed of the training run (key `train_seed` on disk; the sample's `seed` is the sampler's).
    #[serde(rename = "train_seed")]
    pub seed: u64,
}

/// Key of the training seed in a results line.
pub const TRAIN_SEED_KEY: &str = "train_seed";

/// Key under which results lines written before [`TRAIN_SEED_KEY`] existed carry the training seed.
pub const LEGACY_TRAIN_SEED_KEY: &str = "seed";

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

    /// The keys of an outcome in a results line, as its serde derive names them (read from the
    /// derive, not kept by hand: a new field is a new key here).
    pub fn keys() -> &'static [&'static str] {
        struct_fields::<TrainOutcome>()
    }
}

/// The field names a derived `Deserialize` of a plain struct (no flattened field) asks for.
fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    // The probe always fails after recording the fields; only the recorded names matter.
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// One line of `results.jsonl`: the population entry and its training outcome.
///
/// `error` is the minimum test top-1 error in % (`null` when the model diverged before any finite
/// error); this is the quantity whose EDF the paper compares.
///
/// # Line format
///
/// One flat JSON object: `id`, `error`, the outcome's fields ([`TrainOutcome::keys`]: `epochs`,
/// `test_top1_errs`, `diverged`, `diverged_epoch`, `backend`, `train_seed`) and the sample's fields
/// (for `regnet_anynet::SampleRecord`: `space`, `seed`, `index`, `regnet` or `anynet`, `spec`,
/// `resolution`, `flops`, `params`, `acts`). The two parts are serialised side by side (serde
/// flatten); nothing is removed from either, so every field of both reaches the file. The keys of the
/// two parts must be disjoint: [`ResultRecord::reserved_keys`] lists the outcome's (read from its
/// derive), and [`crate::Sweep::create`] refuses a population whose samples use one of them.
///
/// # The two seeds
///
/// A sample carries the sampler's seed as `seed`; the outcome's training seed is written as
/// `train_seed`. Results lines written before that change hold the training seed under `seed` and no
/// sampler seed (the outcome's `seed` replaced the sample's). They are still read: a line without
/// `train_seed` takes its `seed` as the training seed, and the sample is read from the remaining keys
/// (so a typed sample that needs the sampler seed cannot come from such a line alone;
/// [`crate::Sweep::results`] takes every sample from the population, which always has it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(bound(serialize = "S: Serialize"))]
pub struct ResultRecord<S = JsonSample> {
    /// Model index in the population.
    pub id: usize,
    /// Minimum test top-1 error over epochs, in %.
    pub error: Option<f64>,
    /// The training outcome.
    #[serde(flatten)]
    pub outcome: TrainOutcome,
    /// The population entry's sample (space, parameters, spec, complexity, …).
    #[serde(flatten)]
    pub sample: S,
}

impl<S: Clone> ResultRecord<S> {
    /// Joins a population entry with its outcome; `error` is [`TrainOutcome::min_top1_err`].
    pub fn new(entry: &PopulationEntry<S>, outcome: TrainOutcome) -> Self {
        Self {
            id: entry.id,
            error: outcome.min_top1_err(),
            outcome,
            sample: entry.sample.clone(),
        }
    }
}

impl<S> ResultRecord<S> {
    /// The keys a results line gives to the record and its outcome (`id`, `error` and
    /// [`TrainOutcome::keys`]); a sample must not use any of them.
    pub fn reserved_keys() -> Vec<&'static str> {
        let mut keys = vec!["id", "error"];
        keys.extend_from_slice(TrainOutcome::keys());
        keys
    }

    /// The same result with another sample (e.g. the population's typed one).
    pub fn with_sample<T>(self, sample: T) -> ResultRecord<T> {
        ResultRecord {
            id: self.id,
            error: self.error,
            outcome: self.outcome,
            sample,
        }
    }
}

impl<'de, S: DeserializeOwned> Deserialize<'de> for ResultRecord<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut line = JsonSample::deserialize(deserializer)?;
        if !line.contains_key(TRAIN_SEED_KEY)
            && let Some(seed) = line.remove(LEGACY_TRAIN_SEED_KEY)
        {
            line.insert(TRAIN_SEED_KEY.to_string(), seed);
        }
        let id = line
            .remove("id")
            .ok_or_else(|| de::Error::missing_field("id"))?;
        let id = usize::deserialize(id).map_err(|e| field_error("id", e))?;
        let error = match line.remove("error") {
            None => None,
            Some(v) => Option::<f64>::deserialize(v).map_err(|e| field_error("error", e))?,
        };
        let mut outcome = Map::new();
        for &key in TrainOutcome::keys() {
            if let Some(v) = line.remove(key) {
                outcome.insert(key.to_string(), v);
            }
        }
        let outcome = TrainOutcome::deserialize(Value::Object(outcome))
            .map_err(|e| de::Error::custom(format_args!("outcome: {e}")))?;
        let sample = S::deserialize(Value::Object(line))
            .map_err(|e| de::Error::custom(format_args!("sample: {e}")))?;
        Ok(Self {
            id,
            error,
            outcome,
            sample,
        })
    }
}

fn field_error<E: de::Error>(field: &str, e: serde_json::Error) -> E {
    E::custom(format_args!("field `{field}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> TrainOutcome {
        TrainOutcome {
            epochs: vec![EpochStats {
                epoch: 0,
                train_loss: 1.25,
                train_top1_err: 40.5,
                test_top1_err: 38.0,
                test_top5_err: 9.5,
                lr: 0.1,
                seconds: 2.5,
                images_per_sec: 812.5,
            }],
            test_top1_errs: vec![38.0],
            diverged: false,
            diverged_epoch: None,
            backend: "flex".into(),
            seed: 9,
        }
    }

    #[test]
    fn outcome_keys_are_every_serialised_field() {
        let Value::Object(m) = serde_json::to_value(outcome()).unwrap() else {
            panic!("an outcome is an object");
        };
        let mut written: Vec<&str> = m.keys().map(String::as_str).collect();
        let mut keys = TrainOutcome::keys().to_vec();
        written.sort_unstable();
        keys.sort_unstable();
        assert_eq!(written, keys);
        assert!(keys.contains(&TRAIN_SEED_KEY));
        assert!(!keys.contains(&LEGACY_TRAIN_SEED_KEY));
    }

    #[test]
    fn untyped_result_round_trips_and_keeps_every_field() {
        let entry = PopulationEntry::new(4, serde_json::json!({"space": "toy", "seed": 3, "d": 2}));
        let r = ResultRecord::new(&entry, outcome());
        let line = serde_json::to_string(&r).unwrap();
        let Value::Object(m) = serde_json::from_str::<Value>(&line).unwrap() else {
            panic!("a result is an object");
        };
        for key in ResultRecord::<JsonSample>::reserved_keys() {
            assert!(m.contains_key(key), "{key} missing from {line}");
        }
        for key in entry.sample.keys() {
            assert!(m.contains_key(key), "{key} missing from {line}");
        }
        assert_eq!(
            (m["seed"].as_u64(), m["train_seed"].as_u64()),
            (Some(3), Some(9))
        );
        let back: ResultRecord = serde_json::from_str(&line).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn legacy_line_reads_seed_as_the_training_seed() {
        let line = r#"{"id":1,"error":null,"epochs":[],"test_top1_errs":[],"diverged":true,"diverged_epoch":0,"backend":"flex","seed":8,"space":"toy","d":1}"#;
        let r: ResultRecord = serde_json::from_str(line).unwrap();
        assert_eq!((r.id, r.error, r.outcome.seed), (1, None, 8));
        assert_eq!(r.outcome.diverged_epoch, Some(0));
        assert_eq!(r.sample.keys().collect::<Vec<_>>(), ["d", "space"]);
        assert!(serde_json::from_str::<ResultRecord>(r#"{"error":1.0}"#).is_err());
    }
}
