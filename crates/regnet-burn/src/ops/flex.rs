//! [`RegNetOps`] for burn's flex CPU backend: the kernels of [`super::kernels`] on `f32` tensors;
//! other dtypes and shapes the kernels do not take fall back to [`super::reference`].

use burn::tensor::ops::ConvOptions;
use burn::tensor::{Bytes, DType, Shape, TensorMetadata};
use burn_flex::{Flex, FlexTensor, Layout};

use super::kernels::batch_norm::{BnShape, batch_norm_backward, batch_norm_forward};
use super::kernels::conv::{ConvGeometry, conv2d_backward, conv2d_bias_backward, conv2d_forward};
use super::{
    BatchNormGrads, BatchNormOutput, BatchNormSaved, ConvGrads, ConvNeeds, RegNetOps, reference,
    reference_ops_forced,
};

/// The tensor as a contiguous `f32` tensor, or `None` for another dtype (or when
/// [`super::with_reference_ops`] asks for burn's ops).
fn f32_contiguous(t: &FlexTensor) -> Option<FlexTensor> {
    (t.dtype() == DType::F32 && !reference_ops_forced()).then(|| t.to_contiguous())
}

/// The values of a tensor made by [`f32_contiguous`].
fn values(t: &FlexTensor) -> &[f32] {
    t.as_slice::<f32>()
        .expect("f32_contiguous returns contiguous f32 tensors")
}

fn dims4(t: &FlexTensor) -> Option<[usize; 4]> {
    let s = t.shape();
    (s.num_dims() == 4).then(|| s.dims::<4>())
}

fn tensor(values: Vec<f32>, shape: &[usize]) -> FlexTensor {
    FlexTensor::new(
        Bytes::from_elems(values),
        Layout::contiguous(Shape::from(shape.to_vec())),
        DType::F32,
    )
}

fn geometry(x: &FlexTensor, weight: &FlexTensor, o: &ConvOptions<2>) -> Option<ConvGeometry> {
    ConvGeometry::new(
        dims4(x)?,
        dims4(weight)?,
        o.stride,
        o.padding,
        o.dilation,
        o.groups,
    )
}

impl RegNetOps for Flex {
    fn regnet_conv2d(
        x: FlexTensor,
        weight: FlexTensor,
        bias: Option<FlexTensor>,
        options: ConvOptions<2>,
    ) -> FlexTensor {
        let (Some(xc), Some(wc), Some(geo)) = (
            f32_contiguous(&x),
            f32_contiguous(&weight),
            geometry(&x, &weight, &options),
        ) else {
            return reference::conv2d::<Self>(x, weight, bias, options);
        };
        let bc = match &bias {
            Some(b) => match f32_contiguous(b) {
                Some(b) if b.shape().num_elements() == geo.c_out => Some(b),
                _ => return reference::conv2d::<Self>(x, weight, bias, options),
            },
            None => None,
        };
        let out = conv2d_forward(&geo, values(&xc), values(&wc), bc.as_ref().map(values));
        tensor(out, &[geo.n, geo.c_out, geo.h_out, geo.w_out])
    }

    fn regnet_conv2d_backward(
        x: FlexTensor,
        weight: FlexTensor,
        dy: FlexTensor,
        options: ConvOptions<2>,
        needs: ConvNeeds,
    ) -> ConvGrads<Self> {
        let geo = geometry(&x, &weight, &options);
        let (Some(xc), Some(wc), Some(dyc), Some(geo)) = (
            f32_contiguous(&x),
            f32_contiguous(&weight),
            f32_contiguous(&dy),
            geo,
        ) else {
            return reference::conv2d_backward::<Self>(x, weight, dy, options, needs);
        };
        if dims4(&dy) != Some([geo.n, geo.c_out, geo.h_out, geo.w_out]) {
            return reference::conv2d_backward::<Self>(x, weight, dy, options, needs);
        }
        let (dx, dw) = conv2d_backward(
            &geo,
            values(&xc),
            values(&wc),
            values(&dyc),
            needs.x,
            needs.weight,
        );
        let w_shape = dims4(&weight).expect("geometry checked the weight");
        ConvGrads {
            x: dx.map(|v| tensor(v, &[geo.n, geo.c_in, geo.h, geo.w])),
            weight: dw.map(|v| tensor(v, &w_shape)),
            bias: needs
                .bias
                .then(|| tensor(conv2d_bias_backward(&geo, values(&dyc)), &[geo.c_out])),
        }
    }

    fn regnet_batch_norm(
        x: FlexTensor,
        gamma: FlexTensor,
        beta: FlexTensor,
        residual: Option<FlexTensor>,
        eps: f64,
        relu: bool,
    ) -> BatchNormOutput<Self> {
        let fallback = |x, gamma, beta, residual| {
            reference::batch_norm::<Self>(x, gamma, beta, residual, eps, relu)
        };
        let (Some(xc), Some(gc), Some(bc), Some([n, c, h, w])) = (
            f32_contiguous(&x),
            f32_contiguous(&gamma),
            f32_contiguous(&beta),
            dims4(&x),
        ) else {
            return fallback(x, gamma, beta, residual);
        };
        let rc = match &residual {
            Some(r) => match (f32_contiguous(r), dims4(r)) {
                (Some(rc), Some(d)) if d == [n, c, h, w] => Some(rc),
                _ => return fallback(x, gamma, beta, residual),
            },
            None => None,
        };
        if values(&gc).len() != c || values(&bc).len() != c {
            return fallback(x, gamma, beta, residual);
        }
        let s = BnShape { n, c, hw: h * w };
        let (y, st) = batch_norm_forward(
            &s,
            values(&xc),
            values(&gc),
            values(&bc),
            rc.as_ref().map(values),
            eps,
            relu,
        );
        BatchNormOutput {
            y: tensor(y, &[n, c, h, w]),
            mean: tensor(st.mean, &[c]),
            var: tensor(st.var, &[c]),
            inv_std: tensor(st.inv_std, &[c]),
        }
    }

    fn regnet_batch_norm_backward(
        saved: BatchNormSaved<Self>,
        dy: FlexTensor,
        need_residual: bool,
    ) -> BatchNormGrads<Self> {
        let parts = (
            f32_contiguous(&saved.x),
            saved.y.as_ref().map(f32_contiguous),
            f32_contiguous(&dy),
            f32_contiguous(&saved.gamma),
            f32_contiguous(&saved.mean),
            f32_contiguous(&saved.inv_std),
            dims4(&saved.x),
        );
        let (Some(xc), y, Some(dyc), Some(gc), Some(mc), Some(ic), Some([n, c, h, w])) = parts
        else {
            return reference::batch_norm_backward::<Self>(saved, dy, need_residual);
        };
        let yc = match y {
            Some(Some(y)) => Some(y),
            Some(None) => return reference::batch_norm_backward::<Self>(saved, dy, need_residual),
            None => None,
        };
        let s = BnShape { n, c, hw: h * w };
        let g = batch_norm_backward(
            &s,
            values(&xc),
            yc.as_ref().map(values),
            values(&dyc),
            values(&gc),
            values(&mc),
            values(&ic),
            saved.relu,
            need_residual,
        );
        BatchNormGrads {
            x: tensor(g.dx, &[n, c, h, w]),
            gamma: tensor(g.dgamma, &[c]),
            beta: tensor(g.dbeta, &[c]),
            residual: g.dresidual.map(|v| tensor(v, &[n, c, h, w])),
        }
    }
}
