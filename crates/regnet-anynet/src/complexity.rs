//! Exact complexity: flops (multiply-adds), params and activations, counted as pycls does
//! (paper §3.1 "complexity"; docs/conventions.md §B).

use serde::{Deserialize, Serialize};

use crate::{AnyNetSpec, Op, SpecError};

/// Flops (multiply-adds), parameters and activations of a model or a part of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Complexity {
    /// Multiply-adds: one per weight use; biases add one per output element.
    pub flops: u64,
    /// Learnable parameters (conv/linear weights and biases, BN γ and β; BN running statistics excluded).
    pub params: u64,
    /// Activations: output elements of every conv, the FC and the stem max-pool (pycls's count; the
    /// paper counts conv outputs only, which differs by the max-pool output for ResNet stems).
    pub acts: u64,
}

impl std::ops::Add for Complexity {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            flops: self.flops + o.flops,
            params: self.params + o.params,
            acts: self.acts + o.acts,
        }
    }
}

/// One part of the per-part breakdown (stem, s1…sN, head).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartComplexity {
    /// `stem`, `s1`, …, `head`.
    pub part: String,
    /// Flops of the part.
    pub flops: u64,
    /// Parameters of the part.
    pub params: u64,
    /// Activations of the part.
    pub acts: u64,
    /// Output height.
    pub out_h: u32,
    /// Output width.
    pub out_w: u32,
}

/// The integer a [`Counter`] accumulates in: `u128` for the reference count (which cannot overflow for
/// a valid spec at a resolution up to 65536), `u64` for the samplers' fast count (overflow detected).
pub(crate) trait Tally: Copy + Default {
    /// The value `x`.
    fn of(x: u64) -> Self;
    /// Checked sum.
    fn plus(self, o: Self) -> Option<Self>;
    /// Checked product.
    fn times(self, o: Self) -> Option<Self>;
    /// Integer division (o > 0).
    fn over(self, o: Self) -> Self;
    /// As `u64`, if it fits.
    fn to_u64(self) -> Option<u64>;
}

macro_rules! tally {
    ($t:ty) => {
        impl Tally for $t {
            fn of(x: u64) -> Self {
                x.into()
            }
            fn plus(self, o: Self) -> Option<Self> {
                self.checked_add(o)
            }
            fn times(self, o: Self) -> Option<Self> {
                self.checked_mul(o)
            }
            fn over(self, o: Self) -> Self {
                self / o
            }
            fn to_u64(self) -> Option<u64> {
                u64::try_from(self).ok()
            }
        }
    };
}
tally!(u64);
tally!(u128);

/// The running record (h, w, flops, params, acts) of pycls's `complexity` walk: the one
/// implementation of the counting conventions (docs/conventions.md §B), shared by
/// [`AnyNetSpec::complexity`] (in `u128`) and the samplers' [`crate::space::count_complexity`] (in `u64`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counter<T: Tally> {
    /// Current height of the walk.
    pub(crate) h: u64,
    /// Current width of the walk.
    pub(crate) w: u64,
    stack: [(u64, u64); 4],
    depth: usize,
    flops: T,
    params: T,
    acts: T,
    /// Whether a sum or product did not fit `T`.
    overflow: bool,
}

/// Output size of a "same"-padded k×k window with the given stride: (h − 1) // s + 1 = ceil(h / s).
fn out_size(h: u64, stride: u32) -> u64 {
    (h - 1) / u64::from(stride) + 1
}

impl<T: Tally> Counter<T> {
    /// A walk starting at an h×w input (h, w ≥ 1).
    pub(crate) fn new(h: u64, w: u64) -> Self {
        Self {
            h,
            w,
            stack: [(0, 0); 4],
            depth: 0,
            flops: T::default(),
            params: T::default(),
            acts: T::default(),
            overflow: false,
        }
    }

    /// Adds to the totals, recording an overflow.
    pub(crate) fn add(&mut self, flops: Option<T>, params: Option<T>, acts: Option<T>) {
        let sum = |a: T, b: Option<T>| b.and_then(|b| a.plus(b));
        match (
            sum(self.flops, flops),
            sum(self.params, params),
            sum(self.acts, acts),
        ) {
            (Some(f), Some(p), Some(a)) => (self.flops, self.params, self.acts) = (f, p, a),
            _ => self.overflow = true,
        }
    }

    /// Adds another walk's totals `times` times (a repeated block).
    pub(crate) fn add_repeated(&mut self, other: &Self, times: u64) {
        let n = T::of(times);
        self.overflow |= other.overflow;
        self.add(
            other.flops.times(n),
            other.params.times(n),
            other.acts.times(n),
        );
    }

    /// Adds one layer (docs/conventions.md §B, the table).
    pub(crate) fn op(&mut self, op: Op) {
        let of = |x: u64| T::of(x);
        match op {
            Op::Conv {
                k,
                c_in,
                c_out,
                stride,
                groups,
                bias,
            } => {
                self.h = out_size(self.h, stride);
                self.w = out_size(self.w, stride);
                let hw = of(self.h * self.w);
                let (k, c_out, g) = (u64::from(k), of(c_out.into()), of(groups.into()));
                let kkio = of(k * k)
                    .times(of(c_in.into()))
                    .and_then(|x| x.times(c_out));
                let bias_outs = if bias {
                    c_out.times(hw)
                } else {
                    Some(T::default())
                };
                // Integer division of the full product by the group count, as pycls.
                let flops = kkio
                    .and_then(|x| x.times(hw))
                    .map(|x| x.over(g))
                    .and_then(|x| bias_outs.and_then(|b| x.plus(b)));
                let bias_params = if bias { c_out } else { T::default() };
                let params = kkio.and_then(|x| x.over(g).plus(bias_params));
                self.add(flops, params, c_out.times(hw));
            }
            Op::BatchNorm { c } => self.add(
                Some(T::default()),
                Some(of(2 * u64::from(c))),
                Some(T::default()),
            ),
            Op::MaxPool { stride, c, .. } => {
                self.h = out_size(self.h, stride);
                self.w = out_size(self.w, stride);
                self.add(
                    Some(T::default()),
                    Some(T::default()),
                    of(c.into()).times(of(self.h * self.w)),
                );
            }
            Op::GlobalAvgPool => (self.h, self.w) = (1, 1),
            Op::Linear { c_in, c_out } => {
                let (c_in, c_out) = (of(c_in.into()), of(c_out.into()));
                let x = c_in.times(c_out).and_then(|x| x.plus(c_out));
                self.add(x, x, Some(c_out));
            }
            Op::Fork => {
                self.stack[self.depth] = (self.h, self.w);
                self.depth += 1;
            }
            Op::Join => {
                self.depth -= 1;
                (self.h, self.w) = self.stack[self.depth];
            }
            Op::Relu | Op::Sigmoid => {}
        }
    }

    /// The totals so far, and the counter reset to zero at its current position; `None` where a
    /// value overflowed `T` or does not fit `u64`.
    pub(crate) fn take(&mut self) -> Option<Complexity> {
        let c = if self.overflow {
            None
        } else {
            Some(Complexity {
                flops: self.flops.to_u64()?,
                params: self.params.to_u64()?,
                acts: self.acts.to_u64()?,
            })
        };
        (self.flops, self.params, self.acts) = (T::default(), T::default(), T::default());
        c
    }
}

pub(crate) fn check_resolution(h: u32, w: u32) -> Result<(), SpecError> {
    if h == 0 || w == 0 || h > 65536 || w > 65536 {
        return Err(SpecError::InvalidResolution { h, w });
    }
    Ok(())
}

impl AnyNetSpec {
    /// Exact flops, params and acts at a square input of `resolution` pixels (validates the spec).
    ///
    /// Allocation-free: the stages are walked block by block with [`AnyNetSpec::for_each_block`].
    ///
    /// ```
    /// use regnet_anynet::zoo;
    /// let spec = zoo::model("RegNetY-200MF").unwrap();
    /// let c = spec.complexity(224).unwrap();
    /// assert_eq!((c.flops, c.params, c.acts), (199_519_076, 3_162_996, 2_168_052));
    /// ```
    pub fn complexity(&self, resolution: u32) -> Result<Complexity, SpecError> {
        self.complexity_hw(resolution, resolution)
    }

    /// Exact complexity at an h×w input (validates the spec).
    pub fn complexity_hw(&self, h: u32, w: u32) -> Result<Complexity, SpecError> {
        self.validate()?;
        self.complexity_unchecked(h, w)
    }

    /// Complexity of a spec already validated by the caller (used by samplers in their hot loop).
    pub fn complexity_unchecked(&self, h: u32, w: u32) -> Result<Complexity, SpecError> {
        check_resolution(h, w)?;
        let mut cx = Counter::<u128>::new(h.into(), w.into());
        self.stem_plan().for_each_op(|op| cx.op(op));
        self.for_each_block(|_, _, b| b.for_each_op(|op| cx.op(op)));
        self.head_plan().for_each_op(|op| cx.op(op));
        cx.take().ok_or(SpecError::Overflow { h, w })
    }

    /// Per-part breakdown at a square input: `stem`, `s1`…`sN`, `head`, each with its output size.
    /// The parts add up to [`AnyNetSpec::complexity`].
    pub fn complexity_breakdown(&self, resolution: u32) -> Result<Vec<PartComplexity>, SpecError> {
        let (h, w) = (resolution, resolution);
        self.validate()?;
        check_resolution(h, w)?;
        let mut cx = Counter::<u128>::new(h.into(), w.into());
        let mut parts = Vec::with_capacity(self.stages.len() + 2);
        let mut close = |cx: &mut Counter<u128>, part: String| -> Result<(), SpecError> {
            let (out_h, out_w) = (cx.h as u32, cx.w as u32);
            let c = cx.take().ok_or(SpecError::Overflow { h, w })?;
            parts.push(PartComplexity {
                part,
                flops: c.flops,
                params: c.params,
                acts: c.acts,
                out_h,
                out_w,
            });
            Ok(())
        };
        self.stem_plan().for_each_op(|op| cx.op(op));
        close(&mut cx, "stem".into())?;
        let mut blocks: Vec<Vec<crate::BlockPlan>> = self.plan().stages;
        for (i, stage) in blocks.drain(..).enumerate() {
            for b in stage {
                b.for_each_op(|op| cx.op(op));
            }
            close(&mut cx, format!("s{}", i + 1))?;
        }
        self.head_plan().for_each_op(|op| cx.op(op));
        close(&mut cx, "head".into())?;
        Ok(parts)
    }
}
