//! pycls YAML configs (`MODEL`, `ANYNET`, `REGNET`, `EN`, `TRAIN.IM_SIZE`) → AnyNet or EfficientNet spec.
//!
//! Keys and defaults are pycls's (`pycls/core/config.py`). Inside `MODEL`, `ANYNET`, `REGNET` and `EN`, an
//! unknown key is an error naming it. Sections that do not describe the architecture (`OPTIM`, `TEST`,
//! `BN`, `DATA_LOADER`, …, and every `TRAIN` key but `IM_SIZE`) are ignored; an unknown top-level
//! section is an error. `MODEL.ACTIVATION_FUN` (`relu`, `silu`/`swish`, `gelu`) becomes the spec's
//! [`Activation`](crate::Activation); any other activation and `MODEL.SCALING_TYPE` are rejected as
//! unsupported rather than silently ignored.

use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

use crate::error::one_line;
use crate::{
    AnyNetSpec, BlockType, EffNetSpec, EffStageSpec, RegNetParams, SpecError, StageSpec, StemType,
};

/// Top-level pycls sections that do not change the architecture and are ignored.
const IGNORED_SECTIONS: &[&str] = &[
    "OPTIM",
    "TEST",
    "BN",
    "LN",
    "DATA_LOADER",
    "CUDNN",
    "PREC_TIME",
    "LAUNCH",
    "MEM",
    "NUM_GPUS",
    "OUT_DIR",
    "CFG_DEST",
    "RNG_SEED",
    "LOG_DEST",
    "LOG_PERIOD",
    "DIST_BACKEND",
    "HOST",
    "PORT",
    "PORT_RANGE",
    "DOWNLOAD_CACHE",
    "RESNET",
    "VIT",
];

/// Largest pycls config text accepted (1 MiB; real configs are about 1 KB).
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

/// Deepest nesting of YAML flow collections (`[ ]`, `{ }`) accepted in a config. The YAML scanner
/// takes time quadratic in this nesting (100,000 levels: 40 s), so deeper configs are refused before
/// parsing; real configs nest 1 level.
pub const MAX_CONFIG_NESTING: usize = 64;

/// Refuses texts above [`MAX_CONFIG_BYTES`] or nesting flow collections deeper than
/// [`MAX_CONFIG_NESTING`]. Every bracket counts, also inside quoted scalars and comments (a scan that
/// tracked quotes could be misled by an apostrophe in a comment); real configs are far from the limit.
fn check_config_shape(text: &str) -> Result<(), SpecError> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(SpecError::ConfigLimit {
            what: "size in bytes",
            line: 1,
            value: text.len(),
            max: MAX_CONFIG_BYTES,
        });
    }
    let (mut depth, mut line) = (0usize, 1usize);
    for b in text.bytes() {
        match b {
            b'\n' => line += 1,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_CONFIG_NESTING {
                    return Err(SpecError::ConfigLimit {
                        what: "nesting of [ ] and { }",
                        line,
                        value: depth,
                        max: MAX_CONFIG_NESTING,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A pycls config read into this crate's types.
#[derive(Debug, Clone, PartialEq)]
pub struct PyclsConfig {
    /// The model as an AnyNet spec (RegNets already generated and adjusted).
    pub spec: AnyNetSpec,
    /// The RegNet parameters when `MODEL.TYPE` is `regnet`.
    pub regnet: Option<RegNetParams>,
    /// `TRAIN.IM_SIZE` (pycls default 224): the resolution pycls counts complexity at.
    pub im_size: u32,
}

/// Reads a pycls YAML config file.
///
/// Files above [`MAX_CONFIG_BYTES`] are refused from their size, before reading.
pub fn load_pycls_config(path: &Path) -> Result<PyclsConfig, SpecError> {
    let text = read_config(path)?;
    parse_pycls_config(&text)
}

/// Reads a config file, refusing one above [`MAX_CONFIG_BYTES`] from its size.
fn read_config(path: &Path) -> Result<String, SpecError> {
    let io = |e: std::io::Error| SpecError::Io {
        path: path.display().to_string(),
        message: one_line(&e.to_string()),
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_CONFIG_BYTES as u64 {
        return Err(SpecError::ConfigLimit {
            what: "size in bytes",
            line: 1,
            value: usize::try_from(len).unwrap_or(usize::MAX),
            max: MAX_CONFIG_BYTES,
        });
    }
    std::fs::read_to_string(path).map_err(io)
}

/// Parses a pycls YAML config (text). Also accepts the same structure as JSON.
///
/// Texts above [`MAX_CONFIG_BYTES`] or nesting `[ ]` / `{ }` deeper than [`MAX_CONFIG_NESTING`]
/// are refused before parsing ([`SpecError::ConfigLimit`]).
///
/// ```
/// let cfg = regnet_anynet::parse_pycls_config(
///     "MODEL:\n  TYPE: regnet\n  NUM_CLASSES: 1000\nREGNET:\n  DEPTH: 13\n  W0: 24\n  WA: 36.44\n  WM: 2.49\n  GROUP_W: 8\n",
/// ).unwrap();
/// assert_eq!(cfg.spec.widths(), vec![24, 56, 152, 368]);
/// ```
pub fn parse_pycls_config(text: &str) -> Result<PyclsConfig, SpecError> {
    match parse_pycls_model(text)? {
        PyclsModel::AnyNet(cfg) => Ok(cfg),
        PyclsModel::EffNet(_) => Err(SpecError::BadValue {
            key: "MODEL.TYPE".into(),
            problem: "is an EfficientNet, which is not an AnyNet (read it with parse_pycls_model)"
                .into(),
            value: "\"effnet\"".into(),
        }),
    }
}

/// A pycls config of any supported `MODEL.TYPE`: `anynet` / `regnet` or `effnet`.
#[derive(Debug, Clone, PartialEq)]
pub enum PyclsModel {
    /// `MODEL.TYPE: anynet` or `regnet`.
    AnyNet(PyclsConfig),
    /// `MODEL.TYPE: effnet` (section `EN`).
    EffNet(PyclsEffNetConfig),
}

/// A pycls `MODEL.TYPE: effnet` config read into this crate's types.
#[derive(Debug, Clone, PartialEq)]
pub struct PyclsEffNetConfig {
    /// The model (`EN` section, `MODEL.NUM_CLASSES`, `MODEL.ACTIVATION_FUN`).
    pub spec: EffNetSpec,
    /// `TRAIN.IM_SIZE` (pycls default 224): the resolution pycls counts complexity at.
    pub im_size: u32,
}

impl PyclsModel {
    /// `TRAIN.IM_SIZE` of the config.
    pub fn im_size(&self) -> u32 {
        match self {
            Self::AnyNet(c) => c.im_size,
            Self::EffNet(c) => c.im_size,
        }
    }
}

/// Reads a pycls YAML config file of any supported `MODEL.TYPE` (see [`parse_pycls_model`]).
pub fn load_pycls_model(path: &Path) -> Result<PyclsModel, SpecError> {
    let text = read_config(path)?;
    parse_pycls_model(&text)
}

/// Parses a pycls YAML config whose `MODEL.TYPE` is `anynet`, `regnet` or `effnet` (pycls
/// `EN` keys STEM_W, STRIDES, DEPTHS, WIDTHS, EXP_RATIOS, KERNELS, HEAD_W, SE_R, DC_RATIO,
/// DROPOUT_RATIO with pycls's defaults). Limits and errors as [`parse_pycls_config`].
///
/// ```
/// use regnet_anynet::{PyclsModel, parse_pycls_model};
/// let yaml = "MODEL:\n  TYPE: effnet\n  NUM_CLASSES: 1000\n  ACTIVATION_FUN: silu\nEN:\n  STEM_W: 32\n  STRIDES: [1, 2, 2, 2, 1, 2, 1]\n  DEPTHS: [1, 2, 2, 3, 3, 4, 1]\n  WIDTHS: [16, 24, 40, 80, 112, 192, 320]\n  EXP_RATIOS: [1, 6, 6, 6, 6, 6, 6]\n  KERNELS: [3, 3, 5, 3, 5, 5, 3]\n  HEAD_W: 1280\nTRAIN:\n  IM_SIZE: 224\n";
/// let PyclsModel::EffNet(cfg) = parse_pycls_model(yaml)? else { unreachable!() };
/// assert_eq!(cfg.spec, regnet_anynet::zoo::effnet("EN-B0")?.spec);
/// # Ok::<(), regnet_anynet::SpecError>(())
/// ```
pub fn parse_pycls_model(text: &str) -> Result<PyclsModel, SpecError> {
    check_config_shape(text)?;
    let root: Value =
        serde_yaml_ng::from_str(text).map_err(|e| SpecError::Yaml(one_line(&e.to_string())))?;
    let root = match root {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        other => {
            return Err(SpecError::BadValue {
                key: "<root>".into(),
                problem: "must be a mapping of sections".into(),
                value: short(&other),
            });
        }
    };
    let mut model = None;
    let mut anynet = None;
    let mut regnet = None;
    let mut en = None;
    let mut im_size = 224;
    for (k, v) in &root {
        let name = key_name(k, "")?;
        match name.as_str() {
            "MODEL" => model = Some(section(v, "MODEL")?),
            "ANYNET" => anynet = Some(section(v, "ANYNET")?),
            "REGNET" => regnet = Some(section(v, "REGNET")?),
            "EN" => en = Some(section(v, "EN")?),
            "TRAIN" => {
                for (tk, tv) in &section(v, "TRAIN")? {
                    if key_name(tk, "TRAIN.")? == "IM_SIZE" {
                        im_size = get_u32("TRAIN.IM_SIZE", tv)?;
                    }
                }
            }
            s if IGNORED_SECTIONS.contains(&s) => {}
            _ => return Err(SpecError::UnknownKey { key: name }),
        }
    }
    let mut model_type = String::new();
    let mut num_classes = 10; // pycls's default
    let mut activation = crate::Activation::Relu;
    for (k, v) in model.iter().flatten() {
        let key = key_name(k, "MODEL.")?;
        let full = format!("MODEL.{key}");
        match key.as_str() {
            "TYPE" => model_type = get_str(&full, v)?,
            "NUM_CLASSES" => num_classes = get_u32(&full, v)?,
            "ACTIVATION_FUN" => {
                let a = get_str(&full, v)?;
                activation = crate::Activation::from_name(&a)
                    .ok_or_else(|| unsupported(&full, &one_line(&a)))?;
            }
            "SCALING_TYPE" => {
                let s = get_str(&full, v)?;
                if !s.is_empty() {
                    return Err(unsupported(&full, &one_line(&s)));
                }
            }
            "SCALING_FACTOR" => {
                let f = get_f64(&full, v)?;
                if f != 1.0 {
                    return Err(unsupported(&full, &f.to_string()));
                }
            }
            "DEPTH" | "LOSS_FUN" | "ACTIVATION_INPLACE" => {}
            _ => return Err(SpecError::UnknownKey { key: full }),
        }
    }
    match model_type.as_str() {
        "anynet" => {
            let mut spec = anynet_spec(anynet.unwrap_or_default(), num_classes)?;
            spec.activation = activation;
            Ok(PyclsModel::AnyNet(PyclsConfig {
                spec,
                regnet: None,
                im_size,
            }))
        }
        "regnet" => {
            let p = regnet_params(regnet.unwrap_or_default(), num_classes)?;
            let mut spec = p.to_spec()?;
            spec.activation = activation;
            Ok(PyclsModel::AnyNet(PyclsConfig {
                spec,
                regnet: Some(p),
                im_size,
            }))
        }
        "effnet" => {
            let spec = effnet_spec(en.unwrap_or_default(), num_classes, activation)?;
            Ok(PyclsModel::EffNet(PyclsEffNetConfig { spec, im_size }))
        }
        other => Err(SpecError::BadValue {
            key: "MODEL.TYPE".into(),
            problem: "must be anynet, regnet or effnet".into(),
            value: one_line(&format!("{other:?}")),
        }),
    }
}

fn regnet_params(m: Mapping, num_classes: u32) -> Result<RegNetParams, SpecError> {
    // pycls defaults for the REGNET section.
    let mut p = RegNetParams {
        d: 10,
        w0: 32,
        wa: 5.0,
        wm: 2.5,
        g: 16,
        bot_mul: 1.0,
        se_r: None,
        stride: 2,
        stem: StemType::SimpleStemIn,
        stem_w: 32,
        block: BlockType::ResBottleneck,
        head_w: 0,
        num_classes,
        in_channels: 3,
        q: 8,
    };
    let (mut se_on, mut se_r) = (false, 0.25);
    for (k, v) in &m {
        let key = key_name(k, "REGNET.")?;
        let full = format!("REGNET.{key}");
        match key.as_str() {
            "STEM_TYPE" => p.stem = get_stem(&full, v)?,
            "STEM_W" => p.stem_w = get_u32(&full, v)?,
            "BLOCK_TYPE" => p.block = get_block(&full, v)?,
            "DEPTH" => p.d = get_u32(&full, v)?,
            "W0" => p.w0 = get_u32(&full, v)?,
            "WA" => p.wa = get_f64(&full, v)?,
            "WM" => p.wm = get_f64(&full, v)?,
            "GROUP_W" => p.g = get_u32(&full, v)?,
            "BOT_MUL" => p.bot_mul = get_f64(&full, v)?,
            "STRIDE" => p.stride = get_u32(&full, v)?,
            "SE_ON" => se_on = get_bool(&full, v)?,
            "SE_R" => se_r = get_f64(&full, v)?,
            "HEAD_W" => p.head_w = get_u32(&full, v)?,
            _ => return Err(SpecError::UnknownKey { key: full }),
        }
    }
    p.se_r = se_on.then_some(se_r);
    Ok(p)
}

/// The `EN` section (pycls defaults: STEM_W 32, HEAD_W 1280, SE_R 0.25, DC_RATIO 0,
/// DROPOUT_RATIO 0, empty stage lists) → an EfficientNet spec, validated.
fn effnet_spec(
    m: Mapping,
    num_classes: u32,
    activation: crate::Activation,
) -> Result<EffNetSpec, SpecError> {
    let mut spec = EffNetSpec {
        stem_w: 32,
        stages: vec![],
        se_r: 0.25,
        head_w: 1280,
        num_classes,
        in_channels: 3,
        activation,
        dc_ratio: 0.0,
        dropout_ratio: 0.0,
    };
    let (mut ds, mut ws, mut es, mut ks, mut ss) = (vec![], vec![], vec![], vec![], vec![]);
    for (k, v) in &m {
        let key = key_name(k, "EN.")?;
        let full = format!("EN.{key}");
        match key.as_str() {
            "STEM_W" => spec.stem_w = get_u32(&full, v)?,
            "DEPTHS" => ds = get_list(&full, v, get_u32)?,
            "WIDTHS" => ws = get_list(&full, v, get_u32)?,
            "EXP_RATIOS" => es = get_list(&full, v, get_f64)?,
            "KERNELS" => ks = get_list(&full, v, get_u32)?,
            "STRIDES" => ss = get_list(&full, v, get_u32)?,
            "HEAD_W" => spec.head_w = get_u32(&full, v)?,
            "SE_R" => spec.se_r = get_f64(&full, v)?,
            "DC_RATIO" => spec.dc_ratio = get_f64(&full, v)?,
            "DROPOUT_RATIO" => spec.dropout_ratio = get_f64(&full, v)?,
            _ => return Err(SpecError::UnknownKey { key: full }),
        }
    }
    let n = ds.len();
    for (key, len) in [
        ("EN.WIDTHS", ws.len()),
        ("EN.EXP_RATIOS", es.len()),
        ("EN.KERNELS", ks.len()),
        ("EN.STRIDES", ss.len()),
    ] {
        if len != n {
            return Err(SpecError::BadValue {
                key: key.into(),
                problem: format!("must have as many entries as EN.DEPTHS ({n})"),
                value: format!("{len} entries"),
            });
        }
    }
    spec.stages = (0..n)
        .map(|i| EffStageSpec {
            d: ds[i],
            w: ws[i],
            exp_r: es[i],
            k: ks[i],
            stride: ss[i],
        })
        .collect();
    spec.validate()?;
    Ok(spec)
}

fn anynet_spec(m: Mapping, num_classes: u32) -> Result<AnyNetSpec, SpecError> {
    let (mut stem, mut stem_w, mut block) = (StemType::SimpleStemIn, 32, BlockType::ResBottleneck);
    let (mut ds, mut ws, mut ss, mut bs, mut gs) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut head_w, mut se_on, mut se_r) = (0, false, 0.25);
    for (k, v) in &m {
        let key = key_name(k, "ANYNET.")?;
        let full = format!("ANYNET.{key}");
        match key.as_str() {
            "STEM_TYPE" => stem = get_stem(&full, v)?,
            "STEM_W" => stem_w = get_u32(&full, v)?,
            "BLOCK_TYPE" => block = get_block(&full, v)?,
            "DEPTHS" => ds = get_list(&full, v, get_u32)?,
            "WIDTHS" => ws = get_list(&full, v, get_u32)?,
            "STRIDES" => ss = get_list(&full, v, get_u32)?,
            "BOT_MULS" => bs = get_list(&full, v, get_f64)?,
            "GROUP_WS" => gs = get_list(&full, v, get_u32)?,
            "HEAD_W" => head_w = get_u32(&full, v)?,
            "SE_ON" => se_on = get_bool(&full, v)?,
            "SE_R" => se_r = get_f64(&full, v)?,
            _ => return Err(SpecError::UnknownKey { key: full }),
        }
    }
    let n = ds.len();
    let check = |key: &'static str, len: usize, optional: bool| {
        if len == n || (optional && len == 0) {
            Ok(())
        } else {
            Err(SpecError::LengthMismatch {
                key,
                len,
                depths: n,
            })
        }
    };
    check("WIDTHS", ws.len(), false)?;
    check("STRIDES", ss.len(), false)?;
    // pycls passes None when BOT_MULS / GROUP_WS are empty; only basic and vanilla blocks can use that.
    check("BOT_MULS", bs.len(), !block.is_bottleneck())?;
    check("GROUP_WS", gs.len(), !block.is_bottleneck())?;
    let stages = (0..n)
        .map(|i| StageSpec {
            d: ds[i],
            w: ws[i],
            stride: ss[i],
            bot_mul: bs.get(i).copied().unwrap_or(1.0),
            g: gs.get(i).copied().unwrap_or(1),
        })
        .collect();
    let spec = AnyNetSpec {
        stem,
        stem_w,
        block,
        stages,
        se_r: se_on.then_some(se_r),
        head_w,
        num_classes,
        in_channels: 3,
        activation: crate::Activation::Relu,
    };
    spec.validate()?;
    Ok(spec)
}

/// A YAML value printed on one line for an error message: as JSON (`[1,2]`, `{"a":1}`) where it has a
/// JSON form, else as flow-less YAML with its line breaks escaped; cut after 60 characters.
fn short(v: &Value) -> String {
    let s = serde_json::to_string(v)
        .unwrap_or_else(|_| serde_yaml_ng::to_string(v).unwrap_or_default());
    let s = one_line(s.trim());
    if s.len() > 60 {
        format!("{}…", &s[..s.floor_char_boundary(60)])
    } else {
        s
    }
}

fn unsupported(key: &str, value: &str) -> SpecError {
    SpecError::BadValue {
        key: key.into(),
        problem: "is not supported by regnet-space".into(),
        value: value.into(),
    }
}

fn bad(key: &str, problem: &str, v: &Value) -> SpecError {
    SpecError::BadValue {
        key: key.into(),
        problem: problem.into(),
        value: short(v),
    }
}

fn key_name(k: &Value, prefix: &str) -> Result<String, SpecError> {
    match k {
        Value::String(s) => Ok(one_line(s)),
        other => Err(bad(&format!("{prefix}<key>"), "must be a string", other)),
    }
}

fn section(v: &Value, key: &str) -> Result<Mapping, SpecError> {
    match v {
        Value::Mapping(m) => Ok(m.clone()),
        Value::Null => Ok(Mapping::new()),
        other => Err(bad(key, "must be a mapping", other)),
    }
}

fn get_u32(key: &str, v: &Value) -> Result<u32, SpecError> {
    v.as_u64()
        .and_then(|x| u32::try_from(x).ok())
        .ok_or_else(|| bad(key, "must be a non-negative integer", v))
}

fn get_f64(key: &str, v: &Value) -> Result<f64, SpecError> {
    v.as_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| bad(key, "must be a finite number", v))
}

fn get_bool(key: &str, v: &Value) -> Result<bool, SpecError> {
    v.as_bool()
        .ok_or_else(|| bad(key, "must be true or false", v))
}

fn get_str(key: &str, v: &Value) -> Result<String, SpecError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| bad(key, "must be a string", v))
}

fn get_list<T>(
    key: &str,
    v: &Value,
    item: fn(&str, &Value) -> Result<T, SpecError>,
) -> Result<Vec<T>, SpecError> {
    let seq = v
        .as_sequence()
        .ok_or_else(|| bad(key, "must be a list", v))?;
    seq.iter()
        .enumerate()
        .map(|(i, x)| item(&format!("{key}[{i}]"), x))
        .collect()
}

fn get_stem(key: &str, v: &Value) -> Result<StemType, SpecError> {
    let s = get_str(key, v)?;
    StemType::from_name(&s).ok_or_else(|| SpecError::BadValue {
        key: key.into(),
        problem: "must be simple_stem_in, res_stem_cifar or res_stem_in".into(),
        value: one_line(&s),
    })
}

fn get_block(key: &str, v: &Value) -> Result<BlockType, SpecError> {
    let s = get_str(key, v)?;
    BlockType::from_name(&s).ok_or_else(|| SpecError::BadValue {
        key: key.into(),
        problem: "must be res_bottleneck_block, res_basic_block, vanilla_block or res_bottleneck_linear_block".into(),
        value: one_line(&s),
    })
}

impl AnyNetSpec {
    /// Writes the spec as a pycls AnyNet config (`MODEL`, `ANYNET`, `TRAIN.IM_SIZE`), the form pycls's
    /// scaler leaves a model in and the form [`parse_pycls_config`] reads back to the same spec.
    ///
    /// Fails when the spec is invalid or has an input-channel count other than 3 (pycls configs have no
    /// key for it).
    ///
    /// ```
    /// let spec = regnet_anynet::zoo::model("RegNetY-200MF")?;
    /// let yaml = spec.to_pycls_yaml(224)?;
    /// assert!(yaml.contains("  WIDTHS: [24, 56, 152, 368]\n"));
    /// let back = regnet_anynet::parse_pycls_config(&yaml)?;
    /// assert_eq!((back.spec, back.im_size), (spec, 224));
    /// # Ok::<(), regnet_anynet::SpecError>(())
    /// ```
    pub fn to_pycls_yaml(&self, im_size: u32) -> Result<String, SpecError> {
        self.validate()?;
        if self.in_channels != 3 {
            return Err(SpecError::InvalidField {
                field: "in_channels",
                expected: "3 to be written as a pycls config (pycls has no key for it)",
                value: self.in_channels.to_string(),
            });
        }
        let list = |f: &dyn Fn(&StageSpec) -> String| {
            let items: Vec<String> = self.stages.iter().map(f).collect();
            format!("[{}]", items.join(", "))
        };
        let mut y = String::new();
        y.push_str("MODEL:\n  TYPE: anynet\n");
        y.push_str(&format!("  NUM_CLASSES: {}\n", self.num_classes));
        if self.activation != crate::Activation::Relu {
            y.push_str(&format!("  ACTIVATION_FUN: {}\n", self.activation));
        }
        y.push_str("ANYNET:\n");
        y.push_str(&format!("  STEM_TYPE: {}\n", self.stem.pycls_name()));
        y.push_str(&format!("  STEM_W: {}\n", self.stem_w));
        y.push_str(&format!("  BLOCK_TYPE: {}\n", self.block.pycls_name()));
        y.push_str(&format!("  DEPTHS: {}\n", list(&|s| s.d.to_string())));
        y.push_str(&format!("  WIDTHS: {}\n", list(&|s| s.w.to_string())));
        y.push_str(&format!("  STRIDES: {}\n", list(&|s| s.stride.to_string())));
        y.push_str(&format!(
            "  BOT_MULS: {}\n",
            list(&|s| format!("{:?}", s.bot_mul))
        ));
        y.push_str(&format!("  GROUP_WS: {}\n", list(&|s| s.g.to_string())));
        y.push_str(&format!("  HEAD_W: {}\n", self.head_w));
        match self.se_r {
            Some(r) => y.push_str(&format!("  SE_ON: true\n  SE_R: {r:?}\n")),
            None => y.push_str("  SE_ON: false\n"),
        }
        y.push_str(&format!("TRAIN:\n  IM_SIZE: {im_size}\n"));
        Ok(y)
    }
}

#[cfg(test)]
mod tests {
    use crate::{AnyNetSpec, SpecError, parse_pycls_config, zoo};

    #[test]
    fn pycls_yaml_round_trips_every_zoo_model() {
        for m in zoo::models() {
            let spec = m.spec().unwrap();
            let back = parse_pycls_config(&spec.to_pycls_yaml(256).unwrap()).unwrap();
            assert_eq!(back.spec, spec, "{}", m.name);
            assert_eq!(back.im_size, 256);
            assert_eq!(back.regnet, None);
        }
        // The activation is written when it is not pycls's default.
        let mut spec = zoo::model("RegNetY-200MF").unwrap();
        spec.activation = crate::Activation::Silu;
        let yaml = spec.to_pycls_yaml(224).unwrap();
        assert!(yaml.contains("  ACTIVATION_FUN: silu\n"), "{yaml}");
        assert_eq!(parse_pycls_config(&yaml).unwrap().spec, spec);
    }

    #[test]
    fn pycls_yaml_refuses_other_input_channels() {
        let spec = AnyNetSpec {
            in_channels: 1,
            ..zoo::model("RegNetX-200MF").unwrap()
        };
        assert!(matches!(
            spec.to_pycls_yaml(224),
            Err(SpecError::InvalidField {
                field: "in_channels",
                ..
            })
        ));
    }
}
