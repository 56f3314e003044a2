//! [`RegNetOps`] for burn's `Autodiff<B>`: each op is one node of the autodiff graph whose
//! backward step calls the inner backend's backward kernel.

use burn::backend::Autodiff;
use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::ops::{ConvOptions, FloatTensor};

use super::{BatchNormGrads, BatchNormOutput, BatchNormSaved, ConvGrads, ConvNeeds, RegNetOps};

/// What a convolution node keeps for its backward step.
#[derive(Debug, Clone)]
struct ConvState<B: RegNetOps> {
    x: FloatTensor<B>,
    weight: FloatTensor<B>,
    options: ConvOptions<2>,
}

/// Registers the gradients asked for by the parents that track one.
fn conv_backward<B: RegNetOps>(
    state: ConvState<B>,
    dy: FloatTensor<B>,
    [x, weight, bias]: [Option<NodeId>; 3],
    grads: &mut Gradients,
) {
    let needs = ConvNeeds {
        x: x.is_some(),
        weight: weight.is_some(),
        bias: bias.is_some(),
    };
    let g = B::regnet_conv2d_backward(state.x, state.weight, dy, state.options, needs);
    for (node, grad) in [(x, g.x), (weight, g.weight), (bias, g.bias)] {
        if let (Some(id), Some(grad)) = (node, grad) {
            grads.register::<B>(id, grad);
        }
    }
}

#[derive(Debug)]
struct ConvNoBias;

impl<B: RegNetOps> Backward<B, 2> for ConvNoBias {
    type State = ConvState<B>;

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [x, w] = ops.parents.map(|p| p.map(|n| n.id));
        let dy = grads.consume::<B>(&ops.node);
        conv_backward(ops.state, dy, [x, w, None], grads);
    }
}

#[derive(Debug)]
struct ConvWithBias;

impl<B: RegNetOps> Backward<B, 3> for ConvWithBias {
    type State = ConvState<B>;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let ids = ops.parents.map(|p| p.map(|n| n.id));
        let dy = grads.consume::<B>(&ops.node);
        conv_backward(ops.state, dy, ids, grads);
    }
}

/// Registers BatchNorm's gradients for the parents that track one.
fn bn_backward<B: RegNetOps>(
    saved: BatchNormSaved<B>,
    dy: FloatTensor<B>,
    [x, gamma, beta, residual]: [Option<NodeId>; 4],
    grads: &mut Gradients,
) {
    let g = B::regnet_batch_norm_backward(saved, dy, residual.is_some());
    for (node, grad) in [
        (x, Some(g.x)),
        (gamma, Some(g.gamma)),
        (beta, Some(g.beta)),
        (residual, g.residual),
    ] {
        if let (Some(id), Some(grad)) = (node, grad) {
            grads.register::<B>(id, grad);
        }
    }
}

#[derive(Debug)]
struct BatchNormNoResidual;

impl<B: RegNetOps> Backward<B, 3> for BatchNormNoResidual {
    type State = BatchNormSaved<B>;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [x, g, b] = ops.parents.map(|p| p.map(|n| n.id));
        let dy = grads.consume::<B>(&ops.node);
        bn_backward(ops.state, dy, [x, g, b, None], grads);
    }
}

#[derive(Debug)]
struct BatchNormResidual;

impl<B: RegNetOps> Backward<B, 4> for BatchNormResidual {
    type State = BatchNormSaved<B>;

    fn backward(self, ops: Ops<Self::State, 4>, grads: &mut Gradients, _: &mut Checkpointer) {
        let ids = ops.parents.map(|p| p.map(|n| n.id));
        let dy = grads.consume::<B>(&ops.node);
        bn_backward(ops.state, dy, ids, grads);
    }
}

impl<B: RegNetOps, C: CheckpointStrategy> RegNetOps for Autodiff<B, C> {
    fn regnet_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: Option<FloatTensor<Self>>,
        options: ConvOptions<2>,
    ) -> FloatTensor<Self> {
        let state = ConvState::<B> {
            x: x.primitive.clone(),
            weight: weight.primitive.clone(),
            options: options.clone(),
        };
        match bias {
            None => {
                let out = B::regnet_conv2d(x.primitive, weight.primitive, None, options);
                match ConvNoBias
                    .prepare::<C>([x.node, weight.node])
                    .compute_bound()
                    .stateful()
                {
                    OpsKind::Tracked(prep) => prep.finish(state, out),
                    OpsKind::UnTracked(prep) => prep.finish(out),
                }
            }
            Some(bias) => {
                let out =
                    B::regnet_conv2d(x.primitive, weight.primitive, Some(bias.primitive), options);
                match ConvWithBias
                    .prepare::<C>([x.node, weight.node, bias.node])
                    .compute_bound()
                    .stateful()
                {
                    OpsKind::Tracked(prep) => prep.finish(state, out),
                    OpsKind::UnTracked(prep) => prep.finish(out),
                }
            }
        }
    }

    /// Runs the inner backend's backward kernel; the gradients are not tracked (no second
    /// derivatives).
    fn regnet_conv2d_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        dy: FloatTensor<Self>,
        options: ConvOptions<2>,
        needs: ConvNeeds,
    ) -> ConvGrads<Self> {
        let g =
            B::regnet_conv2d_backward(x.primitive, weight.primitive, dy.primitive, options, needs);
        ConvGrads {
            x: g.x.map(Self::from_inner),
            weight: g.weight.map(Self::from_inner),
            bias: g.bias.map(Self::from_inner),
        }
    }

    fn regnet_batch_norm(
        x: FloatTensor<Self>,
        gamma: FloatTensor<Self>,
        beta: FloatTensor<Self>,
        residual: Option<FloatTensor<Self>>,
        eps: f64,
        relu: bool,
    ) -> BatchNormOutput<Self> {
        let out = B::regnet_batch_norm(
            x.primitive.clone(),
            gamma.primitive.clone(),
            beta.primitive,
            residual.as_ref().map(|r| r.primitive.clone()),
            eps,
            relu,
        );
        let saved = BatchNormSaved::<B> {
            x: x.primitive,
            y: relu.then(|| out.y.clone()),
            gamma: gamma.primitive,
            mean: out.mean.clone(),
            inv_std: out.inv_std.clone(),
            relu,
        };
        let y = match residual {
            None => match BatchNormNoResidual
                .prepare::<C>([x.node, gamma.node, beta.node])
                .compute_bound()
                .stateful()
            {
                OpsKind::Tracked(prep) => prep.finish(saved, out.y),
                OpsKind::UnTracked(prep) => prep.finish(out.y),
            },
            Some(r) => match BatchNormResidual
                .prepare::<C>([x.node, gamma.node, beta.node, r.node])
                .compute_bound()
                .stateful()
            {
                OpsKind::Tracked(prep) => prep.finish(saved, out.y),
                OpsKind::UnTracked(prep) => prep.finish(out.y),
            },
        };
        BatchNormOutput {
            y,
            mean: Self::from_inner(out.mean),
            var: Self::from_inner(out.var),
            inv_std: Self::from_inner(out.inv_std),
        }
    }

    /// Runs the inner backend's backward kernel; the gradients are not tracked.
    fn regnet_batch_norm_backward(
        saved: BatchNormSaved<Self>,
        dy: FloatTensor<Self>,
        need_residual: bool,
    ) -> BatchNormGrads<Self> {
        let inner = BatchNormSaved::<B> {
            x: saved.x.primitive,
            y: saved.y.map(|y| y.primitive),
            gamma: saved.gamma.primitive,
            mean: saved.mean.primitive,
            inv_std: saved.inv_std.primitive,
            relu: saved.relu,
        };
        let g = B::regnet_batch_norm_backward(inner, dy.primitive, need_residual);
        BatchNormGrads {
            x: Self::from_inner(g.x),
            gamma: Self::from_inner(g.gamma),
            beta: Self::from_inner(g.beta),
            residual: g.residual.map(Self::from_inner),
        }
    }
}
