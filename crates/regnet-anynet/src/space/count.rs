//! Fast exact complexity for the samplers' hot loop.
//!
//! Folds over the same layer plan as [`AnyNetSpec::complexity`] (stem, blocks, head `for_each_op`), with
//! two shortcuts that keep the result exact: blocks 2..d_i of a stage are identical (w → w, stride 1, the
//! same spatial size), so the second block is walked once and its cost multiplied by d_i − 1; and the
//! arithmetic is 64-bit (checked), falling back to the 128-bit counter on overflow.

use crate::{AnyNetSpec, Complexity, Op};

/// Running record of the walk (h, w, flops, params, acts), in checked 64-bit arithmetic.
struct Fast {
    h: u64,
    w: u64,
    stack: [(u64, u64); 4],
    depth: usize,
    c: Complexity,
    overflow: bool,
}

fn out_size(h: u64, stride: u32) -> u64 {
    (h - 1) / u64::from(stride) + 1
}

impl Fast {
    fn add(&mut self, flops: Option<u64>, params: Option<u64>, acts: Option<u64>) {
        let sum = |a: u64, b: Option<u64>| b.and_then(|b| a.checked_add(b));
        match (
            sum(self.c.flops, flops),
            sum(self.c.params, params),
            sum(self.c.acts, acts),
        ) {
            (Some(f), Some(p), Some(a)) => {
                self.c = Complexity {
                    flops: f,
                    params: p,
                    acts: a,
                }
            }
            _ => self.overflow = true,
        }
    }

    /// The table of conventions (b), as `Counter::op` in `complexity.rs`.
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
                self.h = out_size(self.h, stride);
                self.w = out_size(self.w, stride);
                let hw = self.h * self.w;
                let (k, c_in, c_out) = (u64::from(k), u64::from(c_in), u64::from(c_out));
                let kkio = (k * k).checked_mul(c_in).and_then(|x| x.checked_mul(c_out));
                let b = u64::from(bias);
                let flops = kkio
                    .and_then(|x| x.checked_mul(hw))
                    .map(|x| x / u64::from(groups))
                    .and_then(|x| x.checked_add(b * c_out * hw));
                let params = kkio.map(|x| x / u64::from(groups) + b * c_out);
                self.add(flops, params, c_out.checked_mul(hw));
            }
            Op::BatchNorm { c } => self.add(Some(0), Some(2 * u64::from(c)), Some(0)),
            Op::MaxPool { stride, c, .. } => {
                self.h = out_size(self.h, stride);
                self.w = out_size(self.w, stride);
                self.add(Some(0), Some(0), u64::from(c).checked_mul(self.h * self.w));
            }
            Op::GlobalAvgPool => (self.h, self.w) = (1, 1),
            Op::Linear { c_in, c_out } => {
                let (c_in, c_out) = (u64::from(c_in), u64::from(c_out));
                let x = c_in * c_out + c_out;
                self.add(Some(x), Some(x), Some(c_out));
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
}

/// Exact flops, params and acts of a spec already checked by [`AnyNetSpec::validate`], at h×w
/// (h, w in 1..=65536): equal to [`AnyNetSpec::complexity_unchecked`], about 10× faster on RegNets
/// (O(stages) ops instead of O(blocks), 64-bit arithmetic). `None` only where that one fails.
///
/// ```
/// use regnet_anynet::{space::count_complexity, zoo};
/// let spec = zoo::model("RegNetY-200MF")?;
/// spec.validate()?;
/// assert_eq!(count_complexity(&spec, 224, 224), Some(spec.complexity(224)?));
/// # Ok::<(), regnet_anynet::SpecError>(())
/// ```
pub fn count_complexity(spec: &AnyNetSpec, h: u32, w: u32) -> Option<Complexity> {
    if !(1..=65536).contains(&h) || !(1..=65536).contains(&w) {
        return None;
    }
    let mut f = Fast {
        h: h.into(),
        w: w.into(),
        stack: [(0, 0); 4],
        depth: 0,
        c: Complexity::default(),
        overflow: false,
    };
    spec.stem_plan().for_each_op(|op| f.op(op));
    let mut repeat = Complexity::default();
    spec.for_each_block(|i, j, b| match j {
        0 => b.for_each_op(|op| f.op(op)),
        1 => {
            let before = f.c;
            b.for_each_op(|op| f.op(op));
            repeat = Complexity {
                flops: f.c.flops - before.flops,
                params: f.c.params - before.params,
                acts: f.c.acts - before.acts,
            };
            let extra = u64::from(spec.stages[i].d.saturating_sub(2));
            f.add(
                repeat.flops.checked_mul(extra),
                repeat.params.checked_mul(extra),
                repeat.acts.checked_mul(extra),
            );
        }
        _ => {}
    });
    spec.head_plan().for_each_op(|op| f.op(op));
    if f.overflow {
        return spec.complexity_unchecked(h, w).ok();
    }
    Some(f.c)
}
