//! The seed corpus: valid inputs that the mutations start from. Data files are generated here;
//! specs, sampled populations and a finished training run come from the binary under test itself,
//! so they are valid for exactly that binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::run::Limits;

/// A tiny AnyNet spec (about 0.1 MF at 28 px) that trains a batch in milliseconds.
pub const TINY_SPEC: &str = r#"{"stem":"res_stem_cifar","stem_w":8,"block":"res_bottleneck_block","stages":[{"d":1,"w":8,"stride":2,"bot_mul":1.0,"g":8},{"d":1,"w":16,"stride":2,"bot_mul":1.0,"g":8}],"se_r":0.25,"head_w":0,"num_classes":10,"in_channels":1}"#;

/// pycls YAML configs (RegNet, RegNet with SE, AnyNet in flow and block style).
pub const YAML: &[&str] = &[
    "MODEL:\n  TYPE: regnet\n  NUM_CLASSES: 1000\nREGNET:\n  DEPTH: 13\n  W0: 24\n  WA: 36.44\n  WM: 2.49\n  GROUP_W: 8\n",
    "MODEL:\n  TYPE: regnet\nREGNET:\n  SE_ON: true\n  SE_R: 0.25\n  DEPTH: 16\n  W0: 48\n  WA: 27.89\n  WM: 2.09\n  GROUP_W: 8\nTRAIN:\n  IM_SIZE: 224\n",
    "MODEL:\n  TYPE: anynet\n  NUM_CLASSES: 10\nANYNET:\n  STEM_TYPE: res_stem_cifar\n  STEM_W: 16\n  BLOCK_TYPE: res_bottleneck_block\n  DEPTHS: [1, 2, 4]\n  WIDTHS: [32, 64, 128]\n  STRIDES: [1, 2, 2]\n  BOT_MULS: [1.0, 1.0, 1.0]\n  GROUP_WS: [8, 8, 8]\n",
    "MODEL:\n  TYPE: anynet\n  ACTIVATION_FUN: silu\nANYNET:\n  BLOCK_TYPE: res_basic_block\n  DEPTHS:\n  - 2\n  - 2\n  WIDTHS:\n  - 64\n  - 128\n  STRIDES:\n  - 1\n  - 2\n  HEAD_W: 256\n",
];

/// Valid inputs for the generators.
pub struct Corpus {
    /// JSON specs: the tiny one and zoo models as `complexity --json` writes them.
    pub specs: Vec<String>,
    /// Results lines of a sweep (sampled models with made-up training outcomes).
    pub results: Vec<String>,
    /// Population lines of the same sweep.
    pub population: Vec<String>,
    /// A finished two-epoch run of [`TINY_SPEC`] (`train --out`), to be copied and corrupted.
    pub run_dir: PathBuf,
    /// Fashion-MNIST IDX files: (name, bytes), 64 training and 32 test images.
    pub idx: Vec<(String, Vec<u8>)>,
    /// CIFAR-10 binary batches: (name, bytes), 10 images each.
    pub cifar: Vec<(String, Vec<u8>)>,
    /// An image folder: (relative path, PNG bytes).
    pub images: Vec<(String, Vec<u8>)>,
}

/// The flags of the training runs of the corpus and of the `resume` cases.
pub const RUN_FLAGS: &[&str] = &[
    "--epochs",
    "2",
    "--max-train-batches",
    "1",
    "--max-test-batches",
    "1",
    "--batch",
    "8",
    "--workers",
    "1",
];

fn run(bin: &Path, dir: &Path, args: &[&str], limits: &Limits) -> Result<String, String> {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .map_err(|e| format!("spawn {}: {e}", bin.display()))?;
    let _ = limits;
    if !out.status.success() {
        return Err(format!(
            "regnet {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Corpus {
    /// Builds the corpus under `dir` with the binary `bin`.
    pub fn build(bin: &Path, dir: &Path, limits: &Limits) -> Result<Self, String> {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let mut specs = vec![TINY_SPEC.to_string()];
        for model in ["RegNetY-200MF", "RegNetX-400MF", "ResNet-50"] {
            let out = run(
                bin,
                dir,
                &["complexity", "--model", model, "--json"],
                limits,
            )?;
            specs.push(out.trim().to_string());
        }
        let sampled = run(
            bin,
            dir,
            &[
                "sample",
                "--space",
                "anynetx-a",
                "--n",
                "12",
                "--resolution",
                "28",
                "--seed",
                "1",
            ],
            limits,
        )?;
        let mut population = Vec::new();
        let mut results = Vec::new();
        for (id, line) in sampled.lines().enumerate() {
            let mut v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            let obj = v.as_object_mut().ok_or("sample line is not an object")?;
            obj.insert("id".into(), id.into());
            population.push(serde_json::to_string(obj).map_err(|e| e.to_string())?);
            let err = 20.0 + 3.7 * id as f64;
            obj.insert("error".into(), err.into());
            obj.insert("epochs".into(), serde_json::json!([]));
            obj.insert("test_top1_errs".into(), serde_json::json!([err + 5.0, err]));
            obj.insert("diverged".into(), false.into());
            obj.insert("diverged_epoch".into(), serde_json::Value::Null);
            obj.insert("backend".into(), "flex".into());
            obj.insert("seed".into(), id.into());
            results.push(serde_json::to_string(obj).map_err(|e| e.to_string())?);
        }
        std::fs::write(dir.join("tiny.json"), TINY_SPEC).map_err(|e| e.to_string())?;
        let mut args = vec!["train", "--spec", "tiny.json", "--out", "run"];
        args.extend_from_slice(RUN_FLAGS);
        run(bin, dir, &args, limits)?;
        Ok(Self {
            specs,
            results,
            population,
            run_dir: dir.join("run"),
            idx: idx_files(),
            cifar: cifar_files(),
            images: image_folder(),
        })
    }
}

/// Deterministic pseudo-random bytes.
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut r = crate::rng::Rng::new(seed, 7);
    (0..n).map(|_| r.next() as u8).collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Fashion-MNIST IDX pairs: training images gzipped (as distributed), test images raw.
fn idx_files() -> Vec<(String, Vec<u8>)> {
    let images = |n: u32, seed| {
        let mut d = vec![0, 0, 8, 3];
        for v in [n, 28, 28] {
            d.extend_from_slice(&v.to_be_bytes());
        }
        d.extend(noise(seed, (n * 28 * 28) as usize));
        d
    };
    let labels = |n: u32| {
        let mut d = vec![0, 0, 8, 1];
        d.extend_from_slice(&n.to_be_bytes());
        d.extend((0..n).map(|i| (i % 10) as u8));
        d
    };
    vec![
        ("train-images-idx3-ubyte.gz".into(), gzip(&images(64, 1))),
        ("train-labels-idx1-ubyte.gz".into(), gzip(&labels(64))),
        ("t10k-images-idx3-ubyte".into(), images(32, 2)),
        ("t10k-labels-idx1-ubyte".into(), labels(32)),
    ]
}

/// CIFAR-10 binary batches (label byte + 3,072 pixel bytes per image).
fn cifar_files() -> Vec<(String, Vec<u8>)> {
    let batch = |seed: u64| {
        let mut d = Vec::new();
        for i in 0..10u8 {
            d.push(i);
            d.extend(noise(seed * 100 + u64::from(i), 3072));
        }
        d
    };
    let mut files: Vec<(String, Vec<u8>)> = (1..=5)
        .map(|i| (format!("data_batch_{i}.bin"), batch(i)))
        .collect();
    files.push(("test_batch.bin".into(), batch(9)));
    files
}

/// `train/<class>/*.png` and `val/<class>/*.png` with two classes.
fn image_folder() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (split, n) in [("train", 3), ("val", 2)] {
        for class in ["cat", "dog"] {
            for i in 0..n {
                let seed = (split.len() * 100 + class.len() * 10 + i) as u64;
                let (w, h) = (5 + i as u32, 4 + i as u32);
                files.push((
                    format!("{split}/{class}/{i}.png"),
                    png(w, h, &noise(seed, (w * h * 3) as usize)),
                ));
            }
        }
    }
    files
}

/// A PNG (8-bit RGB) with stored (uncompressed) deflate blocks.
pub fn png(w: u32, h: u32, rgb: &[u8]) -> Vec<u8> {
    let mut raw = Vec::new();
    for row in rgb.chunks((w * 3) as usize).take(h as usize) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut z = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, c) in chunks.iter().enumerate() {
        z.push(u8::from(i + 1 == chunks.len()));
        let n = c.len() as u16;
        z.extend_from_slice(&n.to_le_bytes());
        z.extend_from_slice(&(!n).to_le_bytes());
        z.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(&data);
        out.extend_from_slice(&crc_input);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    }
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &x in data {
        c ^= u32::from(x);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}
