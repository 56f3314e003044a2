//! Seeded rejection sampling inside complexity windows (paper §3.1: "repeat the sampling until n = 500
//! models fall in the target complexity regime (360MF to 400MF)").

use std::collections::HashSet;
use std::fmt;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{AnyNetDraw, DesignSpace, RegNetDraw, Reject, SampleError};
use crate::{AnyNetSpec, Complexity, StemType};

/// An inclusive window [min, max] on an integer count; `None` leaves that side open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    /// Smallest accepted value.
    pub min: Option<u64>,
    /// Largest accepted value.
    pub max: Option<u64>,
}

impl Window {
    /// No bound.
    pub const ANY: Self = Self {
        min: None,
        max: None,
    };

    /// The window [min, max].
    pub const fn new(min: u64, max: u64) -> Self {
        Self {
            min: Some(min),
            max: Some(max),
        }
    }

    /// Whether `v` lies inside.
    pub fn contains(&self, v: u64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
        write!(f, "{}:{}", side(self.min), side(self.max))
    }
}

/// What a sample must satisfy: complexity windows at a resolution and a stage-count window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraints {
    /// Input resolution (square) the complexity is counted at (224 in the paper).
    pub resolution: u32,
    /// Flops (multiply-adds) window.
    pub flops: Window,
    /// Params window.
    pub params: Window,
    /// Acts window.
    pub acts: Window,
    /// Window on the number of stages of the spec.
    pub stages: Window,
}

impl Default for Constraints {
    /// No window, resolution 224.
    fn default() -> Self {
        Self {
            resolution: 224,
            flops: Window::ANY,
            params: Window::ANY,
            acts: Window::ANY,
            stages: Window::ANY,
        }
    }
}

impl Constraints {
    /// The paper's regime (§3.1): 360 MF ≤ flops ≤ 400 MF at 224×224.
    pub fn paper_regime() -> Self {
        Self {
            flops: Window::new(360_000_000, 400_000_000),
            ..Self::default()
        }
    }

    /// Checks the windows and the resolution.
    pub fn validate(&self) -> Result<(), SampleError> {
        if self.resolution == 0 || self.resolution > 65536 {
            return Err(SampleError::InvalidConstraint {
                reason: format!("resolution must be 1..=65536, got {}", self.resolution),
            });
        }
        for (name, w) in [
            ("flops", self.flops),
            ("params", self.params),
            ("acts", self.acts),
            ("stages", self.stages),
        ] {
            if let (Some(a), Some(b)) = (w.min, w.max)
                && a > b
            {
                return Err(SampleError::InvalidConstraint {
                    reason: format!("{name} window {w} has min > max"),
                });
            }
        }
        Ok(())
    }
}

/// The drawn parameters of a sample: per-stage lists for AnyNet spaces, (d, w0, wa, wm, g, b) for
/// RegNet spaces. Serialised under the key `anynet` or `regnet`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Draw {
    /// AnyNet per-stage d_i, w_i, b_i, g_i.
    AnyNet(AnyNetDraw),
    /// RegNet d, w0, wa, wm, g, b.
    RegNet(RegNetDraw),
}

/// One accepted sample: the space, the drawn parameters, the expanded spec and its exact complexity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRecord {
    /// Name of the space.
    pub space: String,
    /// The sampler's seed.
    pub seed: u64,
    /// Candidate index t: the sample was drawn from ChaCha8 stream t of the seed's key.
    pub index: u64,
    /// The drawn parameters.
    #[serde(flatten)]
    pub draw: Draw,
    /// The expanded (and, where the space says so, compatibility-adjusted) AnyNet spec.
    pub spec: AnyNetSpec,
    /// Resolution the counts are at.
    pub resolution: u32,
    /// Flops (multiply-adds).
    pub flops: u64,
    /// Parameters.
    pub params: u64,
    /// Activations.
    pub acts: u64,
}

/// Candidates rejected, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectCounts {
    /// Ordering rule gave up ([`super::ORDER_REDRAWS`]).
    pub ordering: u64,
    /// Wrong (or irregular) number of stages.
    pub stages: u64,
    /// Not buildable (group width).
    pub compat: u64,
    /// Flops outside the window.
    pub flops: u64,
    /// Params outside the window.
    pub params: u64,
    /// Acts outside the window.
    pub acts: u64,
    /// Fig. 12 limits violated.
    pub fig12: u64,
    /// Duplicate of an accepted sample.
    pub duplicate: u64,
}

impl RejectCounts {
    fn add(&mut self, r: Reject) {
        let c = match r {
            Reject::Ordering => &mut self.ordering,
            Reject::Stages => &mut self.stages,
            Reject::Compat => &mut self.compat,
            Reject::Flops => &mut self.flops,
            Reject::Params => &mut self.params,
            Reject::Acts => &mut self.acts,
            Reject::Fig12 => &mut self.fig12,
            Reject::Duplicate => &mut self.duplicate,
        };
        *c += 1;
    }
}

/// How the sampling went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SampleStats {
    /// Candidates drawn (indices 0..tries).
    pub tries: u64,
    /// Candidates accepted.
    pub accepted: u64,
    /// accepted / tries.
    pub acceptance: f64,
    /// d/w lists redrawn by the ordering rules (inside candidates; not counted as tries).
    pub order_redraws: u64,
    /// Rejections by reason.
    pub rejected: RejectCounts,
}

/// Accepted samples, in candidate order, and the statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sampled {
    /// The samples.
    pub records: Vec<SampleRecord>,
    /// The statistics.
    pub stats: SampleStats,
}

/// Default cap on candidates per [`Sampler::sample`] call.
pub const DEFAULT_MAX_TRIES: u64 = 2_000_000;

/// Most worker threads a sampler uses; [`Sampler::with_threads`] and the `threads` field are clamped to it.
pub const MAX_THREADS: usize = 256;

/// Candidates evaluated per thread between two merges.
const BATCH: u64 = 512;

/// A seeded sampler: a space, constraints, a seed and a cap on tries.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampler {
    /// The design space.
    pub space: DesignSpace,
    /// The constraints.
    pub constraints: Constraints,
    /// The seed: candidate t uses ChaCha8 with the key `ChaCha8Rng::seed_from_u64(seed)` and stream t.
    pub seed: u64,
    /// Most candidates drawn before giving up with [`SampleError::TooFewAccepted`].
    pub max_tries: u64,
    /// Worker threads (results do not depend on it).
    pub threads: usize,
}

enum Outcome {
    Accepted(Box<SampleRecord>),
    Rejected(Reject),
}

/// Per-thread scratch: one spec and one draw reused for every candidate.
struct Worker<'a> {
    s: &'a Sampler,
    key: [u8; 32],
    spec: AnyNetSpec,
    any: AnyNetDraw,
}

impl Worker<'_> {
    fn new(s: &Sampler) -> Worker<'_> {
        let spec = match &s.space {
            DesignSpace::AnyNet(a) => a.template(),
            DesignSpace::RegNet(r) => r.template(),
        };
        Worker {
            s,
            key: ChaCha8Rng::seed_from_u64(s.seed).get_seed(),
            spec,
            any: AnyNetDraw::default(),
        }
    }

    /// Evaluates candidate t; returns the outcome and the ordering redraws it took.
    fn eval(&mut self, t: u64) -> (Outcome, u64) {
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(t);
        let mut redraws = 0;
        let (draw, filled) = match &self.s.space {
            DesignSpace::AnyNet(a) => match a.draw_into(&mut rng, &mut self.any) {
                None => return (Outcome::Rejected(Reject::Ordering), 0),
                Some(r) => {
                    redraws = u64::from(r);
                    (None, a.fill_spec(&self.any, &mut self.spec))
                }
            },
            DesignSpace::RegNet(r) => {
                let d = r.draw(&mut rng);
                (Some(d), r.fill_spec(&d, &mut self.spec))
            }
        };
        let verdict = filled.and_then(|()| self.check());
        let out = match verdict {
            Err(r) => Outcome::Rejected(r),
            Ok(c) => Outcome::Accepted(Box::new(SampleRecord {
                space: self.s.space.name().to_string(),
                seed: self.s.seed,
                index: t,
                draw: match draw {
                    Some(d) => Draw::RegNet(d),
                    None => Draw::AnyNet(self.any.clone()),
                },
                spec: self.spec.clone(),
                resolution: self.s.constraints.resolution,
                flops: c.flops,
                params: c.params,
                acts: c.acts,
            })),
        };
        (out, redraws)
    }

    /// Stage window, exact complexity, windows and the Fig. 12 limits of the filled spec.
    fn check(&self) -> Result<Complexity, Reject> {
        let k = &self.s.constraints;
        if !k.stages.contains(self.spec.stages.len() as u64) {
            return Err(Reject::Stages);
        }
        let c = super::count_complexity(&self.spec, k.resolution, k.resolution)
            .ok_or(Reject::Compat)?;
        if !k.flops.contains(c.flops) {
            return Err(Reject::Flops);
        }
        if !k.params.contains(c.params) {
            return Err(Reject::Params);
        }
        if !k.acts.contains(c.acts) {
            return Err(Reject::Acts);
        }
        if let DesignSpace::RegNet(r) = &self.s.space
            && let Some(l) = r.fig12
            && !l.holds(&c)
        {
            return Err(Reject::Fig12);
        }
        Ok(c)
    }

    fn run(&mut self, range: std::ops::Range<u64>) -> Vec<(Outcome, u64)> {
        range.map(|t| self.eval(t)).collect()
    }
}

impl Sampler {
    /// A single-threaded sampler with [`DEFAULT_MAX_TRIES`].
    pub fn new(space: DesignSpace, constraints: Constraints, seed: u64) -> Self {
        Self {
            space,
            constraints,
            seed,
            max_tries: DEFAULT_MAX_TRIES,
            threads: 1,
        }
    }

    /// Sets the number of worker threads (clamped to 1..=[`MAX_THREADS`]); the samples do not change.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.clamp(1, MAX_THREADS);
        self
    }

    /// Sets the cap on tries.
    pub fn with_max_tries(mut self, max_tries: u64) -> Self {
        self.max_tries = max_tries;
        self
    }

    /// Candidate t alone: its sample record if accepted, else why it was rejected (duplicates are
    /// only detected by [`Sampler::sample`]).
    pub fn candidate(&self, t: u64) -> Result<SampleRecord, Reject> {
        match Worker::new(self).eval(t).0 {
            Outcome::Accepted(r) => Ok(*r),
            Outcome::Rejected(r) => Err(r),
        }
    }

    /// Lower bounds every model of the space exceeds: the stem conv + BN and a 1-channel head.
    fn lower_bounds(&self) -> Complexity {
        let io = self.space.io();
        let stem_w = match &self.space {
            DesignSpace::AnyNet(a) => a.stem_w,
            DesignSpace::RegNet(r) => r.stem_w,
        };
        let res = u64::from(self.constraints.resolution);
        // The stem conv's kernel and output size (docs/conventions.md §B, stems).
        let (k2, h) = match io.stem {
            StemType::SimpleStemIn => (9, res.div_ceil(2)),
            StemType::ResStemCifar => (9, res),
            StemType::ResStemIn => (49, res.div_ceil(2)),
        };
        let (w, nc) = (u64::from(stem_w), u64::from(io.num_classes));
        let c_in = u64::from(io.in_channels);
        // Saturating: the space and the constraints are validated, but the bound must not overflow
        // for any of their fields.
        let wh2 = w.saturating_mul(h).saturating_mul(h);
        let conv = k2 * c_in;
        Complexity {
            flops: wh2
                .saturating_mul(conv)
                .saturating_add(nc.saturating_mul(2)),
            params: w
                .saturating_mul(conv.saturating_add(2))
                .saturating_add(nc.saturating_mul(2)),
            acts: wh2.saturating_add(nc),
        }
    }

    fn check_feasible(&self) -> Result<(), SampleError> {
        let lb = self.lower_bounds();
        let k = &self.constraints;
        for (what, w, bound) in [
            ("flops", k.flops, lb.flops),
            ("params", k.params, lb.params),
            ("acts", k.acts, lb.acts),
        ] {
            if w.max.is_some_and(|m| m < bound) {
                return Err(SampleError::Infeasible {
                    what,
                    window: w.to_string(),
                    space: self.space.name().to_string(),
                    bound,
                    resolution: k.resolution,
                });
            }
        }
        Ok(())
    }

    fn evaluate(&self, range: std::ops::Range<u64>) -> Vec<(Outcome, u64)> {
        let threads = self.threads.clamp(1, MAX_THREADS) as u64;
        if threads == 1 {
            return Worker::new(self).run(range);
        }
        let len = range.end - range.start;
        let per = len.div_ceil(threads);
        std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads)
                .map(|i| {
                    let a = (range.start + i * per).min(range.end);
                    let b = (a + per).min(range.end);
                    sc.spawn(move || Worker::new(self).run(a..b))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("sampler worker panicked"))
                .collect()
        })
    }

    /// Draws candidates 0, 1, 2, … and keeps the first `n` that satisfy the space's rules and the
    /// constraints. Deterministic in (space, constraints, seed); independent of `threads`.
    ///
    /// Fails fast with [`SampleError::Infeasible`] when a window lies below what the stem and head
    /// alone cost, with [`SampleError::TooFewAccepted`] after `max_tries / 10` candidates when none
    /// was accepted (raise `max_tries` for windows that accept fewer than about one in
    /// `max_tries / 10`), and after `max_tries` candidates otherwise.
    ///
    /// Memory grows with the samples accepted, never with `n` itself: `n = usize::MAX` is a valid request
    /// that ends with [`SampleError::TooFewAccepted`] once `max_tries` candidates are drawn.
    pub fn sample(&self, n: usize) -> Result<Sampled, SampleError> {
        self.space.validate()?;
        self.constraints.validate()?;
        let mut stats = SampleStats::default();
        // Grown as samples are accepted; reserving from `n` would let a huge count abort the process.
        let mut records = Vec::new();
        if n == 0 {
            return Ok(Sampled { records, stats });
        }
        self.check_feasible()?;
        let unique = matches!(&self.space, DesignSpace::RegNet(r) if r.unique);
        let mut seen: HashSet<String> = HashSet::new();
        let mut next = 0u64;
        // A window that none of the first tenth of `max_tries` candidates meets is infeasible or too
        // narrow: give up there (an infeasible flops window cost 2,000,000 candidates, 9 s and more).
        // Batches stop at that boundary, so where it ends does not depend on the thread count.
        let give_up_if_none = (self.max_tries / 10).max(1);
        'outer: while next < self.max_tries {
            if records.is_empty() && next >= give_up_if_none {
                break;
            }
            let batch = BATCH * self.threads.clamp(1, MAX_THREADS) as u64;
            let mut end = self.max_tries.min(next.saturating_add(batch));
            if next < give_up_if_none {
                end = end.min(give_up_if_none);
            }
            for (i, (outcome, redraws)) in self.evaluate(next..end).into_iter().enumerate() {
                stats.tries = next + i as u64 + 1;
                stats.order_redraws += redraws;
                match outcome {
                    Outcome::Rejected(r) => stats.rejected.add(r),
                    Outcome::Accepted(rec) => {
                        if unique
                            && let Draw::RegNet(d) = &rec.draw
                            && !seen.insert(format!(
                                "{} {} {} {} {} {}",
                                d.d, d.w0, d.wa, d.wm, d.g, d.b
                            ))
                        {
                            stats.rejected.add(Reject::Duplicate);
                            continue;
                        }
                        records.push(*rec);
                        if records.len() == n {
                            break 'outer;
                        }
                    }
                }
            }
            next = end;
        }
        stats.accepted = records.len() as u64;
        stats.acceptance = if stats.tries == 0 {
            0.0
        } else {
            stats.accepted as f64 / stats.tries as f64
        };
        if records.len() < n {
            return Err(SampleError::TooFewAccepted {
                space: self.space.name().to_string(),
                tries: stats.tries,
                accepted: stats.accepted,
                requested: n as u64,
                acceptance: stats.acceptance,
            });
        }
        Ok(Sampled { records, stats })
    }
}
