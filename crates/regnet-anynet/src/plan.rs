//! The layer plan: the spec expanded into stem, blocks and head, each walking its layers in figure order.
//!
//! Every consumer folds over the same walk ([`StemPlan::for_each_op`], [`BlockPlan::for_each_op`],
//! [`HeadPlan::for_each_op`]): the complexity counter here, the module builder of `regnet-burn`, the
//! human-readable summary. Structure and cost cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::{AnyNetSpec, BlockType, StemType};

/// One primitive of the network, with everything needed to count or build it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// k×k conv (k odd, padding (k−1)/2), `c_in → c_out`, with `groups` groups.
    Conv {
        /// Kernel size k.
        k: u32,
        /// Input channels.
        c_in: u32,
        /// Output channels.
        c_out: u32,
        /// Stride.
        stride: u32,
        /// Group count.
        groups: u32,
        /// Whether the conv has a bias (only the SE convs).
        bias: bool,
    },
    /// Batch norm over `c` channels (γ and β are parameters; running statistics are buffers).
    BatchNorm {
        /// Channels.
        c: u32,
    },
    /// ReLU.
    Relu,
    /// Sigmoid (SE gate).
    Sigmoid,
    /// k×k max-pool with padding (k−1)/2 over `c` channels (only in the ResNet stem).
    MaxPool {
        /// Kernel size.
        k: u32,
        /// Stride.
        stride: u32,
        /// Channels.
        c: u32,
    },
    /// Global average pool to 1×1.
    GlobalAvgPool,
    /// Fully connected layer with bias.
    Linear {
        /// Input features.
        c_in: u32,
        /// Output features.
        c_out: u32,
    },
    /// Start of a parallel branch fed by the current input (projection shortcut or SE).
    Fork,
    /// End of a parallel branch: the spatial size returns to the one at the matching `Fork`.
    Join,
}

/// The stem of a model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StemPlan {
    /// Stem type.
    pub kind: StemType,
    /// Input channels (3 RGB, 1 grayscale).
    pub c_in: u32,
    /// Output channels.
    pub w: u32,
}

/// One block with all derived widths (docs/conventions.md §A step 7, §B, §C).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlockPlan {
    /// Block type.
    pub kind: BlockType,
    /// Input width (previous stage's width, or the stem width, for a stage's first block).
    pub w_in: u32,
    /// Output width.
    pub w_out: u32,
    /// Stride (only a stage's first block has the stage stride).
    pub stride: u32,
    /// Bottleneck width w_b = round(w_out · bot_mul) (bottleneck blocks), else w_out.
    pub w_b: u32,
    /// Group count of the 3×3 conv, w_b // g (bottleneck blocks), else 1.
    pub groups: u32,
    /// SE width round(w_in · se_r) from the block *input* width, if SE is on.
    pub w_se: Option<u32>,
    /// Whether a projection shortcut (1×1 conv with the stride + BN) is present.
    pub proj: bool,
    /// Whether the block adds a residual (identity or projection).
    pub residual: bool,
}

/// The head of a model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeadPlan {
    /// Input width (last stage width).
    pub w_in: u32,
    /// Optional 1×1 conv width (0 = none).
    pub head_w: u32,
    /// Classes.
    pub num_classes: u32,
}

impl StemPlan {
    /// Calls `f` on each layer of the stem in order.
    pub fn for_each_op(&self, mut f: impl FnMut(Op)) {
        let (k, stride) = match self.kind {
            StemType::SimpleStemIn => (3, 2),
            StemType::ResStemCifar => (3, 1),
            StemType::ResStemIn => (7, 2),
        };
        f(Op::Conv {
            k,
            c_in: self.c_in,
            c_out: self.w,
            stride,
            groups: 1,
            bias: false,
        });
        f(Op::BatchNorm { c: self.w });
        f(Op::Relu);
        if self.kind == StemType::ResStemIn {
            f(Op::MaxPool {
                k: 3,
                stride: 2,
                c: self.w,
            });
        }
    }
}

impl BlockPlan {
    /// Calls `f` on each layer of the block: the projection branch (if any), then the main branch
    /// in figure order, with SE as a parallel branch after the 3×3 conv.
    pub fn for_each_op(&self, mut f: impl FnMut(Op)) {
        let conv = |k, c_in, c_out, stride, groups| Op::Conv {
            k,
            c_in,
            c_out,
            stride,
            groups,
            bias: false,
        };
        if self.proj {
            f(Op::Fork);
            f(conv(1, self.w_in, self.w_out, self.stride, 1));
            f(Op::BatchNorm { c: self.w_out });
            f(Op::Join);
        }
        match self.kind {
            BlockType::ResBottleneck | BlockType::ResBottleneckLinear => {
                let w_b = self.w_b;
                f(conv(1, self.w_in, w_b, 1, 1));
                f(Op::BatchNorm { c: w_b });
                f(Op::Relu);
                f(conv(3, w_b, w_b, self.stride, self.groups));
                f(Op::BatchNorm { c: w_b });
                f(Op::Relu);
                if let Some(w_se) = self.w_se {
                    f(Op::Fork);
                    f(Op::GlobalAvgPool);
                    f(Op::Conv {
                        k: 1,
                        c_in: w_b,
                        c_out: w_se,
                        stride: 1,
                        groups: 1,
                        bias: true,
                    });
                    f(Op::Relu);
                    f(Op::Conv {
                        k: 1,
                        c_in: w_se,
                        c_out: w_b,
                        stride: 1,
                        groups: 1,
                        bias: true,
                    });
                    f(Op::Sigmoid);
                    f(Op::Join);
                }
                f(conv(1, w_b, self.w_out, 1, 1));
                f(Op::BatchNorm { c: self.w_out });
            }
            BlockType::ResBasic | BlockType::Vanilla => {
                f(conv(3, self.w_in, self.w_out, self.stride, 1));
                f(Op::BatchNorm { c: self.w_out });
                f(Op::Relu);
                f(conv(3, self.w_out, self.w_out, 1, 1));
                f(Op::BatchNorm { c: self.w_out });
            }
        }
        if self.kind != BlockType::ResBottleneckLinear {
            f(Op::Relu);
        }
    }
}

impl HeadPlan {
    /// Calls `f` on each layer of the head: optional 1×1 conv + BN + ReLU, global pool, FC.
    pub fn for_each_op(&self, mut f: impl FnMut(Op)) {
        let mut c = self.w_in;
        if self.head_w > 0 {
            f(Op::Conv {
                k: 1,
                c_in: c,
                c_out: self.head_w,
                stride: 1,
                groups: 1,
                bias: false,
            });
            f(Op::BatchNorm { c: self.head_w });
            f(Op::Relu);
            c = self.head_w;
        }
        f(Op::GlobalAvgPool);
        f(Op::Linear {
            c_in: c,
            c_out: self.num_classes,
        });
    }
}

/// A whole model as plans: what a module builder walks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPlan {
    /// The stem.
    pub stem: StemPlan,
    /// The blocks, stage by stage.
    pub stages: Vec<Vec<BlockPlan>>,
    /// The head.
    pub head: HeadPlan,
}

impl AnyNetSpec {
    /// The stem plan.
    pub fn stem_plan(&self) -> StemPlan {
        StemPlan {
            kind: self.stem,
            c_in: self.in_channels,
            w: self.stem_w,
        }
    }

    /// The head plan.
    pub fn head_plan(&self) -> HeadPlan {
        HeadPlan {
            w_in: self.stages.last().map_or(self.stem_w, |s| s.w),
            head_w: self.head_w,
            num_classes: self.num_classes,
        }
    }

    /// Calls `f(stage_index, block_index, plan)` for every block, without allocating.
    ///
    /// Only a stage's first block gets the stride and the width change; the others are w→w, stride 1.
    pub fn for_each_block(&self, mut f: impl FnMut(usize, usize, BlockPlan)) {
        let mut w_in = self.stem_w;
        for (i, s) in self.stages.iter().enumerate() {
            for j in 0..s.d as usize {
                let stride = if j == 0 { s.stride } else { 1 };
                let (w_b, groups) = if self.block.is_bottleneck() {
                    (s.w_b(), s.groups())
                } else {
                    (s.w, 1)
                };
                let w_se = self
                    .se_r
                    .filter(|_| self.block.is_bottleneck())
                    .map(|r| (f64::from(w_in) * r).round_ties_even() as u32);
                let shape_changes = w_in != s.w || stride != 1;
                let (proj, residual) = match self.block {
                    BlockType::ResBottleneck | BlockType::ResBasic => (shape_changes, true),
                    BlockType::ResBottleneckLinear => (false, !shape_changes),
                    BlockType::Vanilla => (false, false),
                };
                f(
                    i,
                    j,
                    BlockPlan {
                        kind: self.block,
                        w_in,
                        w_out: s.w,
                        stride,
                        w_b,
                        groups,
                        w_se,
                        proj,
                        residual,
                    },
                );
                w_in = s.w;
            }
        }
    }

    /// The full plan (stem, blocks per stage, head).
    pub fn plan(&self) -> ModelPlan {
        let mut stages: Vec<Vec<BlockPlan>> = self
            .stages
            .iter()
            .map(|s| Vec::with_capacity(s.d as usize))
            .collect();
        self.for_each_block(|i, _, b| stages[i].push(b));
        ModelPlan {
            stem: self.stem_plan(),
            stages,
            head: self.head_plan(),
        }
    }
}
