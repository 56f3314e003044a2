//! The published model zoo: 24 RegNetX/RegNetY models (paper Figs. 15–16, pycls MODEL_ZOO) and the
//! ResNet/ResNeXt baselines (pycls `configs/dds_baselines`), all at 224×224 with 1000 classes; and the
//! EfficientNet baselines EN-B0 … EN-B5 ([`effnets`]), each at its own training resolution.

use serde::Serialize;

use crate::{
    AnyNetSpec, BlockType, EffNetSpec, EffStageSpec, RegNetParams, SpecError, StageSpec, StemType,
};

/// A zoo entry: its name, how it is defined and the paper's reported numbers.
#[derive(Debug, Clone, Serialize)]
pub struct ZooModel {
    /// Canonical name, e.g. `RegNetX-200MF`.
    pub name: &'static str,
    /// The definition.
    pub def: ZooDef,
    /// ImageNet top-1 error in % reported by the paper for the RegNets (mean of 5 runs); `None` for the
    /// baselines, whose errors this crate does not carry.
    pub paper_top1_err: Option<f64>,
}

/// How a zoo model is defined.
#[derive(Debug, Clone, Serialize)]
pub enum ZooDef {
    /// A RegNet (generated widths).
    RegNet(RegNetParams),
    /// An AnyNet given stage by stage (ResNet/ResNeXt).
    AnyNet(AnyNetSpec),
}

impl ZooModel {
    /// The model's AnyNet spec.
    pub fn spec(&self) -> Result<AnyNetSpec, SpecError> {
        match &self.def {
            ZooDef::RegNet(p) => p.to_spec(),
            ZooDef::AnyNet(s) => Ok(s.clone()),
        }
    }

    /// The RegNet parameters, for RegNet entries.
    pub fn regnet(&self) -> Option<&RegNetParams> {
        match &self.def {
            ZooDef::RegNet(p) => Some(p),
            ZooDef::AnyNet(_) => None,
        }
    }
}

/// (name, d, w0, wa, wm, g, paper top-1 error) of the RegNets, from paper Figs. 15–16 / regnet-zoo.md.
const REGNETS: [(&str, u32, u32, f64, f64, u32, f64); 24] = [
    ("RegNetX-200MF", 13, 24, 36.44, 2.49, 8, 31.1),
    ("RegNetX-400MF", 22, 24, 24.48, 2.54, 16, 27.3),
    ("RegNetX-600MF", 16, 48, 36.97, 2.24, 24, 25.9),
    ("RegNetX-800MF", 16, 56, 35.73, 2.28, 16, 24.8),
    ("RegNetX-1.6GF", 18, 80, 34.01, 2.25, 24, 23.0),
    ("RegNetX-3.2GF", 25, 88, 26.31, 2.25, 48, 21.7),
    ("RegNetX-4.0GF", 23, 96, 38.65, 2.43, 40, 21.4),
    ("RegNetX-6.4GF", 17, 184, 60.83, 2.07, 56, 20.8),
    ("RegNetX-8.0GF", 23, 80, 49.56, 2.88, 120, 20.7),
    ("RegNetX-12GF", 19, 168, 73.36, 2.37, 112, 20.3),
    ("RegNetX-16GF", 22, 216, 55.59, 2.1, 128, 20.0),
    ("RegNetX-32GF", 23, 320, 69.86, 2.0, 168, 19.5),
    ("RegNetY-200MF", 13, 24, 36.44, 2.49, 8, 29.6),
    ("RegNetY-400MF", 16, 48, 27.89, 2.09, 8, 25.9),
    ("RegNetY-600MF", 15, 48, 32.54, 2.32, 16, 24.5),
    ("RegNetY-800MF", 14, 56, 38.84, 2.4, 16, 23.7),
    ("RegNetY-1.6GF", 27, 48, 20.71, 2.65, 24, 22.0),
    ("RegNetY-3.2GF", 21, 80, 42.63, 2.66, 24, 21.0),
    ("RegNetY-4.0GF", 22, 96, 31.41, 2.24, 64, 20.6),
    ("RegNetY-6.4GF", 25, 112, 33.22, 2.27, 72, 20.1),
    ("RegNetY-8.0GF", 17, 192, 76.82, 2.19, 56, 20.1),
    ("RegNetY-12GF", 19, 168, 73.36, 2.37, 112, 19.7),
    ("RegNetY-16GF", 18, 200, 106.23, 2.48, 112, 19.6),
    ("RegNetY-32GF", 20, 232, 115.89, 2.53, 232, 19.0),
];

/// (name, depths, bot_mul, group widths) of the ResNe(X)t baselines (pycls dds configs: res_stem_in,
/// stem 64, widths 256–2048, strides 1,2,2,2). ResNeXt uses 32 groups of width 4·2^i (32x4d).
const RESNETS: [(&str, [u32; 4], f64, [u32; 4]); 6] = [
    ("ResNet-50", [3, 4, 6, 3], 0.25, [64, 128, 256, 512]),
    ("ResNet-101", [3, 4, 23, 3], 0.25, [64, 128, 256, 512]),
    ("ResNet-152", [3, 8, 36, 3], 0.25, [64, 128, 256, 512]),
    ("ResNeXt-50", [3, 4, 6, 3], 0.5, [4, 8, 16, 32]),
    ("ResNeXt-101", [3, 4, 23, 3], 0.5, [4, 8, 16, 32]),
    ("ResNeXt-152", [3, 8, 36, 3], 0.5, [4, 8, 16, 32]),
];

fn resnet_spec(depths: [u32; 4], bot_mul: f64, gs: [u32; 4]) -> AnyNetSpec {
    let widths = [256, 512, 1024, 2048];
    let strides = [1, 2, 2, 2];
    AnyNetSpec {
        stem: StemType::ResStemIn,
        stem_w: 64,
        block: BlockType::ResBottleneck,
        stages: (0..4)
            .map(|i| StageSpec {
                d: depths[i],
                w: widths[i],
                stride: strides[i],
                bot_mul,
                g: gs[i],
            })
            .collect(),
        se_r: None,
        head_w: 0,
        num_classes: 1000,
        in_channels: 3,
        activation: crate::Activation::Relu,
    }
}

/// All zoo models: the 24 RegNets (X then Y, by flops) then the 6 ResNe(X)t baselines.
pub fn models() -> Vec<ZooModel> {
    let regnets = REGNETS.iter().map(|&(name, d, w0, wa, wm, g, err)| {
        let p = if name.starts_with("RegNetY") {
            RegNetParams::regnety(d, w0, wa, wm, g)
        } else {
            RegNetParams::regnetx(d, w0, wa, wm, g)
        };
        ZooModel {
            name,
            def: ZooDef::RegNet(p),
            paper_top1_err: Some(err),
        }
    });
    let resnets = RESNETS.iter().map(|&(name, depths, bot_mul, gs)| ZooModel {
        name,
        def: ZooDef::AnyNet(resnet_spec(depths, bot_mul, gs)),
        paper_top1_err: None,
    });
    regnets.chain(resnets).collect()
}

/// Lower-cases and drops `-`, `_` and spaces, so `regnetx_1.6gf` matches `RegNetX-1.6GF` (the `.` is
/// kept: `1.6GF` and `16GF` are different models).
fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Looks a zoo model up by name, case-insensitively, ignoring `-`, `_` and spaces; also accepts pycls's
/// baseline names (`R-50-1x64d`, `X-50-32x4d`, …).
pub fn find(name: &str) -> Result<ZooModel, SpecError> {
    let n = normalize(name);
    let alias = match n.as_str() {
        "r501x64d" => "resnet50",
        "r1011x64d" => "resnet101",
        "r1521x64d" => "resnet152",
        "x5032x4d" | "resnext5032x4d" => "resnext50",
        "x10132x4d" | "resnext10132x4d" => "resnext101",
        "x15232x4d" | "resnext15232x4d" => "resnext152",
        other => other,
    };
    models()
        .into_iter()
        .find(|m| normalize(m.name) == alias)
        .ok_or_else(|| SpecError::UnknownModel { name: name.into() })
}

/// The AnyNet spec of the zoo model `name` (see [`find`]).
pub fn model(name: &str) -> Result<AnyNetSpec, SpecError> {
    find(name)?.spec()
}

/// An EfficientNet baseline (pycls `configs/dds_baselines/effnet/EN-B*_dds_8gpu.yaml`): the model and
/// the training resolution (`TRAIN.IM_SIZE`) its complexity is reported at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffNetZooModel {
    /// Canonical name, `EN-B0` … `EN-B5` (pycls's names).
    pub name: &'static str,
    /// The model (`EN` section, `MODEL.ACTIVATION_FUN: silu`, 1000 classes).
    pub spec: EffNetSpec,
    /// Training resolution `TRAIN.IM_SIZE` of the config (224 … 456).
    pub resolution: u32,
}

/// (name, STEM_W, DEPTHS, WIDTHS, HEAD_W, TRAIN.IM_SIZE) of pycls's EN-B0…B5 dds configs. All share
/// STRIDES [1, 2, 2, 2, 1, 2, 1], EXP_RATIOS [1, 6, 6, 6, 6, 6, 6], KERNELS [3, 3, 5, 3, 5, 5, 3],
/// SE_R 0.25 (the default) and no drop-connect or dropout (the configs leave both at 0).
/// One EN row: (name, STEM_W, DEPTHS, WIDTHS, HEAD_W, TRAIN.IM_SIZE).
type EffNetRow = (&'static str, u32, [u32; 7], [u32; 7], u32, u32);

const EFFNETS: [EffNetRow; 6] = [
    (
        "EN-B0",
        32,
        [1, 2, 2, 3, 3, 4, 1],
        [16, 24, 40, 80, 112, 192, 320],
        1280,
        224,
    ),
    (
        "EN-B1",
        32,
        [2, 3, 3, 4, 4, 5, 2],
        [16, 24, 40, 80, 112, 192, 320],
        1280,
        240,
    ),
    (
        "EN-B2",
        32,
        [2, 3, 3, 4, 4, 5, 2],
        [16, 24, 48, 88, 120, 208, 352],
        1408,
        260,
    ),
    (
        "EN-B3",
        40,
        [2, 3, 3, 5, 5, 6, 2],
        [24, 32, 48, 96, 136, 232, 384],
        1536,
        300,
    ),
    (
        "EN-B4",
        48,
        [2, 4, 4, 6, 6, 8, 2],
        [24, 32, 56, 112, 160, 272, 448],
        1792,
        380,
    ),
    (
        "EN-B5",
        48,
        [3, 5, 5, 7, 7, 9, 3],
        [24, 40, 64, 128, 176, 304, 512],
        2048,
        456,
    ),
];

/// The six EfficientNet baselines EN-B0 … EN-B5, in order.
pub fn effnets() -> Vec<EffNetZooModel> {
    const STRIDES: [u32; 7] = [1, 2, 2, 2, 1, 2, 1];
    const EXP_RATIOS: [f64; 7] = [1.0, 6.0, 6.0, 6.0, 6.0, 6.0, 6.0];
    const KERNELS: [u32; 7] = [3, 3, 5, 3, 5, 5, 3];
    EFFNETS
        .iter()
        .map(
            |&(name, stem_w, ds, ws, head_w, resolution)| EffNetZooModel {
                name,
                spec: EffNetSpec {
                    stem_w,
                    stages: (0..7)
                        .map(|i| EffStageSpec {
                            d: ds[i],
                            w: ws[i],
                            exp_r: EXP_RATIOS[i],
                            k: KERNELS[i],
                            stride: STRIDES[i],
                        })
                        .collect(),
                    se_r: 0.25,
                    head_w,
                    num_classes: 1000,
                    in_channels: 3,
                    activation: crate::Activation::Silu,
                    dc_ratio: 0.0,
                    dropout_ratio: 0.0,
                },
                resolution,
            },
        )
        .collect()
}

/// Looks an EfficientNet baseline up by name, case-insensitively, ignoring `-`, `_` and spaces:
/// `EN-B3`, `en_b3`, `EfficientNet-B3`, `effnet-b3`.
///
/// ```
/// let en = regnet_anynet::zoo::effnet("efficientnet-b3")?;
/// assert_eq!((en.name, en.resolution), ("EN-B3", 300));
/// # Ok::<(), regnet_anynet::SpecError>(())
/// ```
pub fn effnet(name: &str) -> Result<EffNetZooModel, SpecError> {
    let n = normalize(name);
    let n = n
        .strip_prefix("efficientnet")
        .or_else(|| n.strip_prefix("effnet"))
        .map_or(n.clone(), |rest| format!("en{rest}"));
    effnets()
        .into_iter()
        .find(|m| normalize(m.name) == n)
        .ok_or_else(|| SpecError::UnknownModel { name: name.into() })
}

/// A zoo model of either family: an AnyNet (RegNet, ResNe(X)t) or an EfficientNet baseline.
#[derive(Debug, Clone)]
pub enum AnyZooModel {
    /// A RegNet or ResNe(X)t ([`find`]), reported at 224.
    AnyNet(ZooModel),
    /// An EfficientNet baseline ([`effnet`]), reported at its own resolution.
    EffNet(EffNetZooModel),
}

/// Looks a name up among the AnyNets ([`find`]) and then the EfficientNets ([`effnet`]).
pub fn find_any(name: &str) -> Result<AnyZooModel, SpecError> {
    find(name)
        .map(AnyZooModel::AnyNet)
        .or_else(|_| effnet(name).map(AnyZooModel::EffNet))
}
