//! Exact complexity: flops (multiply-adds), params and activations, counted as pycls does
//! (paper §3.1 "complexity"; conventions (b)).

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

/// The running record (h, w, flops, params, acts) of pycls's `complexity` walk, in 128-bit integers.
#[derive(Debug, Clone, Copy)]
struct Counter {
    h: u128,
    w: u128,
    stack: [(u128, u128); 4],
    depth: usize,
    flops: u128,
    params: u128,
    acts: u128,
}

/// Output size of a "same"-padded k×k window with the given stride: (h − 1) // s + 1 = ceil(h / s).
fn out_size(h: u128, stride: u32) -> u128 {
    (h - 1) / u128::from(stride) + 1
}

impl Counter {
    fn new(h: u32, w: u32) -> Self {
        Self {
            h: h.into(),
            w: w.into(),
            stack: [(0, 0); 4],
            depth: 0,
            flops: 0,
            params: 0,
            acts: 0,
        }
    }

    /// Adds one layer (conventions (b), the table).
    fn op(&mut self, op: Op) {
        match op {
            Op::Conv {
                k,
                c_in,
                c_out,
                stride,
                groups,
                bias,
            } => {
                let (k, c_in, c_out, g) = (
                    u128::from(k),
                    u128::from(c_in),
                    u128::from(c_out),
                    u128::from(groups),
                );
                self.h = out_size(self.h, stride);
                self.w = out_size(self.w, stride);
                let hw = self.h * self.w;
                // Integer division of the full product by the group count, as pycls.
                self.flops += k * k * c_in * c_out * hw / g + if bias { c_out * hw } else { 0 };
                self.params += k * k * c_in * c_out / g + if bias { c_out } else { 0 };
                self.acts += c_out * hw;
            }
            Op::BatchNorm { c } => self.params += 2 * u128::from(c),
            Op::MaxPool { stride, c, .. } => {
                self.h = out_size(self.h, stride);
                self.w = out_size(self.w, stride);
                self.acts += u128::from(c) * self.h * self.w;
            }
            Op::GlobalAvgPool => {
                self.h = 1;
                self.w = 1;
            }
            Op::Linear { c_in, c_out } => {
                let (c_in, c_out) = (u128::from(c_in), u128::from(c_out));
                self.flops += c_in * c_out + c_out;
                self.params += c_in * c_out + c_out;
                self.acts += c_out;
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

    fn take(&mut self, h: u32, w: u32) -> Result<Complexity, SpecError> {
        let conv = |x: u128| u64::try_from(x).map_err(|_| SpecError::Overflow { h, w });
        let c = Complexity {
            flops: conv(self.flops)?,
            params: conv(self.params)?,
            acts: conv(self.acts)?,
        };
        (self.flops, self.params, self.acts) = (0, 0, 0);
        Ok(c)
    }
}

fn check_resolution(h: u32, w: u32) -> Result<(), SpecError> {
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
        let mut cx = Counter::new(h, w);
        self.stem_plan().for_each_op(|op| cx.op(op));
        self.for_each_block(|_, _, b| b.for_each_op(|op| cx.op(op)));
        self.head_plan().for_each_op(|op| cx.op(op));
        cx.take(h, w)
    }

    /// Per-part breakdown at a square input: `stem`, `s1`…`sN`, `head`, each with its output size.
    /// The parts add up to [`AnyNetSpec::complexity`].
    pub fn complexity_breakdown(&self, resolution: u32) -> Result<Vec<PartComplexity>, SpecError> {
        let (h, w) = (resolution, resolution);
        self.validate()?;
        check_resolution(h, w)?;
        let mut cx = Counter::new(h, w);
        let mut parts = Vec::with_capacity(self.stages.len() + 2);
        let mut close = |cx: &mut Counter, part: String| -> Result<(), SpecError> {
            let (out_h, out_w) = (cx.h as u32, cx.w as u32);
            let c = cx.take(h, w)?;
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
