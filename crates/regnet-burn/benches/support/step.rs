//! The training step measured by the benchmark and the `train_step` example (shared source).
#![allow(dead_code)]

use burn::module::AutodiffModule;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{GradientsParams, Optimizer, SgdConfig};
use burn::tensor::{Distribution, Int, Tensor};
use regnet_anynet::{AnyNetSpec, BlockType, StageSpec, StemType, zoo};
use regnet_burn::AnyNet;
use regnet_burn::TrainBackend;

/// Image side of the benchmark inputs (default).
pub const RES: usize = 32;
/// Images per step (default).
pub const BATCH: usize = 64;
/// Classes.
pub const CLASSES: u32 = 10;

/// RegNetX-200MF with a 10-class head (3.9 MF at 32×32).
pub fn regnetx_200mf() -> AnyNetSpec {
    let mut s = zoo::model("RegNetX-200MF").expect("zoo model");
    s.num_classes = CLASSES;
    s
}

/// RegNetX-400MF with a 10-class head (the GPU check runs it at 224×224, batch 128).
pub fn regnetx_400mf() -> AnyNetSpec {
    let mut s = zoo::model("RegNetX-400MF").expect("zoo model");
    s.num_classes = CLASSES;
    s
}

/// The benchmark models by name: `regnetx_200mf`, `regnetx_400mf`, `anynet_10mf`.
pub fn model(name: &str) -> Option<AnyNetSpec> {
    match name {
        "regnetx_200mf" => Some(regnetx_200mf()),
        "regnetx_400mf" => Some(regnetx_400mf()),
        "anynet_10mf" => Some(anynet_10mf()),
        _ => None,
    }
}

/// A ~10 MF AnyNet at 32×32: CIFAR stem (16), three X stages of one block, widths 24/48/96,
/// strides 1/2/2, group width 8. `bench/torch_step.py` builds the same with pycls.
pub fn anynet_10mf() -> AnyNetSpec {
    AnyNetSpec {
        stem: StemType::ResStemCifar,
        stem_w: 16,
        block: BlockType::ResBottleneck,
        stages: [(24, 1), (48, 2), (96, 2)]
            .into_iter()
            .map(|(w, stride)| StageSpec {
                d: 1,
                w,
                stride,
                bot_mul: 1.0,
                g: 8,
            })
            .collect(),
        se_r: None,
        head_w: 0,
        num_classes: CLASSES,
        in_channels: 3,
        activation: Default::default(),
    }
}

/// Model, SGD (momentum 0.9, Nesterov, wd 5e-5, lr 0.1, as pycls) and one fixed batch.
pub struct Trainer<B: TrainBackend> {
    model: Option<AnyNet<B>>,
    optim: burn::optim::adaptor::OptimizerAdaptor<burn::optim::Sgd<B::InnerBackend>, AnyNet<B>, B>,
    x: Tensor<B, 4>,
    y: Tensor<B, 1, Int>,
    device: B::Device,
}

impl<B: TrainBackend> Trainer<B> {
    /// A trainer for `spec` on `device` at the default size (batch 64, 32×32).
    pub fn new(spec: &AnyNetSpec, device: &B::Device) -> Self {
        Self::with_size(spec, BATCH, RES, device)
    }

    /// A trainer for `spec` on `device`, `batch` images of `res`×`res` per step.
    pub fn with_size(spec: &AnyNetSpec, batch: usize, res: usize, device: &B::Device) -> Self {
        B::seed(device, 0);
        let model = AnyNet::new(spec, device).expect("valid spec");
        let optim = SgdConfig::new()
            .with_momentum(Some(
                MomentumConfig::new()
                    .with_momentum(0.9)
                    .with_dampening(0.0)
                    .with_nesterov(true),
            ))
            .with_weight_decay(Some(WeightDecayConfig::new(5e-5)))
            .init();
        let x = Tensor::random([batch, 3, res, res], Distribution::Normal(0.0, 1.0), device);
        let y = Tensor::<B, 1, Int>::random(
            [batch],
            Distribution::Uniform(0.0, CLASSES as f64),
            device,
        );
        Self {
            model: Some(model),
            optim,
            x,
            y,
            device: device.clone(),
        }
    }

    /// One forward + backward + SGD step; returns the loss.
    pub fn step(&mut self) -> f32 {
        let model = self
            .model
            .take()
            .expect("model is put back after each step");
        let logits = model.forward(self.x.clone());
        let loss = CrossEntropyLossConfig::new()
            .init(&self.device)
            .forward(logits, self.y.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        self.model = Some(self.optim.step(0.1, model, grads));
        let loss: f32 = loss.into_scalar().elem();
        B::sync(&self.device).expect("device sync");
        loss
    }

    /// The model in eval mode (inner backend).
    pub fn valid(&self) -> AnyNet<B::InnerBackend> {
        self.model.as_ref().expect("model").valid()
    }
}

use burn::tensor::ElementConversion;
