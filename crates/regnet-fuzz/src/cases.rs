//! The case generators: each case is a command line plus the files it reads, derived from
//! (seed, index) alone.

use std::path::PathBuf;

use crate::corpus::{Corpus, RUN_FLAGS, YAML};
use crate::mutate::{self, EDGE_VALUES};
use crate::rng::Rng;

/// One run of the binary.
pub struct Case {
    /// Generator name (a row of the table).
    pub kind: &'static str,
    /// Arguments after `regnet`.
    pub args: Vec<String>,
    /// Directories copied into the case directory first: (source, relative destination).
    pub copies: Vec<(PathBuf, String)>,
    /// Files written into the case directory: (relative path, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Relative paths removed after copying and writing.
    pub removes: Vec<String>,
}

impl Case {
    fn new(kind: &'static str, args: &[&str]) -> Self {
        Self {
            kind,
            args: args.iter().map(|s| s.to_string()).collect(),
            copies: Vec::new(),
            files: Vec::new(),
            removes: Vec::new(),
        }
    }

    fn arg(&mut self, a: impl Into<String>) -> &mut Self {
        self.args.push(a.into());
        self
    }

    fn file(&mut self, name: &str, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.push((name.to_string(), bytes.into()));
        self
    }
}

/// Case `index` of run `seed`. The mix (per 100 cases): 38 flag values of the fast commands, 14
/// YAML configs, 14 JSON specs, 12 results files, 5 Fashion-MNIST IDX, 3 CIFAR-10, 3 image folders,
/// 6 training-run directories for `--resume`, 5 training/sweep flag values.
pub fn case(corpus: &Corpus, seed: u64, index: u64) -> Case {
    let mut rng = Rng::new(seed, index);
    let mut c = draw(&mut rng, corpus);
    // An argument cannot hold a NUL byte (execve's strings end there).
    for a in &mut c.args {
        a.retain(|ch| ch != '\0');
    }
    c
}

fn draw(rng: &mut Rng, corpus: &Corpus) -> Case {
    match rng.below(100) {
        0..=37 => flags(rng),
        38..=51 => yaml(rng),
        52..=65 => spec(rng, corpus),
        66..=77 => results(rng, corpus),
        78..=82 => idx(rng, corpus),
        83..=85 => cifar(rng, corpus),
        86..=88 => images(rng, corpus),
        89..=94 => resume(rng, corpus),
        _ => train_flags(rng, corpus),
    }
}

/// A flag value: an edge value, a plausible one, or a mutated plausible one.
fn value(rng: &mut Rng, plausible: &[&str]) -> String {
    match rng.below(10) {
        0..=4 => rng.pick(EDGE_VALUES).to_string(),
        5..=7 => rng.pick(plausible).to_string(),
        _ => {
            let base = *rng.pick(plausible);
            mutate::text(rng, base)
        }
    }
}

const MODELS: &[&str] = &[
    "RegNetX-200MF",
    "regnety_1.6gf",
    "ResNet-50",
    "ResNeXt-101",
    "RegNetY-32GF",
    "regnetx-600mf",
    "RegNetX-0MF",
    "",
];
const SPACES: &[&str] = &[
    "anynetx-a",
    "anynetx-e",
    "regnetx",
    "regnety",
    "regnetx-constrained",
    "pycls-regnet",
    "anynet",
];
const WINDOWS: &[&str] = &[
    "360M:400M",
    "0:1G",
    "1:0",
    "400M:360M",
    "5T:6T",
    ":",
    "1e3:1e4",
    "NaN:1",
    "-1:5",
    "200M",
    "18446744073709551615:18446744073709551616",
];
/// Flops windows of a sweep case: models of at most a few MF at 28 px (a window like 360M:400M
/// asks for minutes of training, which is work, not bad input), empty, reversed, infeasible and
/// malformed windows.
const SMALL_WINDOWS: &[&str] = &[
    "0:5M",
    "1M:3M",
    "1:0",
    "400M:360M",
    "5T:6T",
    ":",
    "1e3:1e4",
    "NaN:1",
    "-1:5",
    "2M",
    "18446744073709551615:18446744073709551616",
];
const STRATEGIES: &[&str] = &[
    "d",
    "w",
    "dw",
    "dwr",
    "d1_w8_g8_r1",
    "g",
    "r",
    "",
    "x",
    "d0_w0",
];
const WIDTH_LISTS: &[&str] = &[
    "24,56,152,152,152,152,368",
    "8,8",
    "4294967295,8",
    "1,2",
    "0,0",
    "48",
    "",
    "16,32,64,128,256,512,1024,2048,4096,8192,16384,32768",
];

/// Flag values of `zoo`, `complexity`, `scale`, `sample`, `fit`, `spaces`.
fn flags(rng: &mut Rng) -> Case {
    let mut c = Case::new("flags", &[]);
    match rng.below(6) {
        0 => {
            c.arg("zoo");
            if rng.chance(0.8) {
                let v = value(rng, &["224", "32", "1", "448"]);
                c.arg("--resolution").arg(v);
            }
        }
        1 => {
            c.arg("complexity").arg("--model");
            let m = value(rng, MODELS);
            c.arg(m);
            for (flag, plausible) in [
                ("--resolution", &["224", "32", "7"][..]),
                ("--num-classes", &["10", "1000"][..]),
                ("--in-channels", &["1", "3"][..]),
            ] {
                if rng.chance(0.4) {
                    let v = value(rng, plausible);
                    c.arg(flag).arg(v);
                }
            }
        }
        2 => {
            c.arg("scale").arg("--model");
            let m = value(rng, MODELS);
            c.arg(m);
            let s = value(rng, STRATEGIES);
            c.arg("--strategy").arg(s);
            let f = value(rng, &["2", "4", "1", "0.5", "16"]);
            c.arg("--factor").arg(f);
            if rng.chance(0.4) {
                let v = value(rng, &["224", "32"]);
                c.arg("--resolution").arg(v);
            }
        }
        3 => {
            c.arg("sample").arg("--space");
            let s = value(rng, SPACES);
            c.arg(s);
            let n = value(rng, &["10", "100", "1"]);
            c.arg("--n").arg(n);
            for (flag, plausible) in [
                ("--seed", &["0", "7"][..]),
                ("--flops", WINDOWS),
                ("--params", WINDOWS),
                ("--acts", WINDOWS),
                ("--stages", &["1:4", "4:4", "0:0"][..]),
                ("--resolution", &["224", "32"][..]),
                ("--max-tries", &["1000", "20000"][..]),
                ("--threads", &["1", "2"][..]),
            ] {
                if rng.chance(0.3) {
                    let v = within_budget(flag, value(rng, plausible));
                    c.arg(flag).arg(v);
                }
            }
            // Bound the work of plausible runs: a full default sample of a space is seconds.
            if !c.args.iter().any(|a| a == "--max-tries") {
                c.arg("--max-tries").arg("20000");
            }
        }
        4 => {
            c.arg("fit");
            if rng.chance(0.6) {
                let w = value(rng, WIDTH_LISTS);
                c.arg("--widths").arg(w);
            } else {
                let m = value(rng, MODELS);
                c.arg("--model").arg(m);
                if rng.chance(0.5) {
                    c.arg("--generated");
                }
            }
            if rng.chance(0.5) {
                let q = value(rng, &["8", "16", "1"]);
                c.arg("--q").arg(q);
            }
        }
        _ => {
            c.arg("spaces");
        }
    }
    if rng.chance(0.3) {
        c.arg("--json");
    }
    if rng.chance(0.05) {
        // Stray arguments: unknown flags, missing values, repeated flags.
        let stray = *rng.pick(&["--bogus", "--", "-x", "--json", "--resolution", "extra"]);
        c.arg(stray);
    }
    c
}

/// A mutated pycls YAML config for `complexity` or `scale`.
fn yaml(rng: &mut Rng) -> Case {
    let base = *rng.pick(YAML);
    let text = mutate::text(rng, base);
    let mut c = Case::new("yaml", &[]);
    c.file("model.yaml", text);
    if rng.chance(0.75) {
        c.args = ["complexity", "--config", "model.yaml"]
            .map(String::from)
            .to_vec();
    } else {
        c.args = [
            "scale",
            "--config",
            "model.yaml",
            "--strategy",
            "dw",
            "--factor",
            "2",
            "--out-config",
            "scaled.yaml",
        ]
        .map(String::from)
        .to_vec();
    }
    c
}

/// A mutated JSON spec for `complexity`, `scale` or `fit`-free commands.
fn spec(rng: &mut Rng, corpus: &Corpus) -> Case {
    let base = rng.pick(&corpus.specs).clone();
    let text = if rng.chance(0.9) {
        mutate::text(rng, &base)
    } else {
        base
    };
    let mut c = Case::new("spec", &[]);
    c.file("spec.json", text);
    if rng.chance(0.8) {
        c.args = ["complexity", "--spec", "spec.json", "--json"]
            .map(String::from)
            .to_vec();
    } else {
        c.args = [
            "scale",
            "--spec",
            "spec.json",
            "--strategy",
            "d1_w8_g8_r1",
            "--factor",
            "4",
        ]
        .map(String::from)
        .to_vec();
    }
    c
}

/// A results file (some lines mutated, or the whole file's bytes) for `analyze` or `collect`.
fn results(rng: &mut Rng, corpus: &Corpus) -> Case {
    let mut lines: Vec<String> = corpus.results.clone();
    for _ in 0..1 + rng.below(3) {
        let i = rng.below(lines.len());
        lines[i] = mutate::text(rng, &lines[i]);
    }
    let mut text = lines.join("\n");
    if rng.chance(0.7) {
        text.push('\n');
    }
    let mut bytes = text.into_bytes();
    if rng.chance(0.15) {
        bytes = mutate::bytes(rng, &bytes);
    }
    let mut c = Case::new("results", &[]);
    if rng.chance(0.65) {
        c.file("results.jsonl", bytes);
        c.args = ["analyze", "results.jsonl", "--out", "report"]
            .map(String::from)
            .to_vec();
        let resamples = value(rng, &["200", "50"]);
        let resamples = if rng.chance(0.8) {
            "200".to_string()
        } else {
            resamples
        };
        c.arg("--resamples").arg(resamples);
        if rng.chance(0.2) {
            let p = value(rng, &["d,w4", "ws", "error", "flops"]);
            c.arg("--params").arg(p);
        }
        if rng.chance(0.2) {
            c.arg("--runtime");
        }
        if rng.chance(0.2) {
            c.arg("--strict");
        }
    } else {
        let mut pop = corpus.population.join("\n");
        pop.push('\n');
        let pop = if rng.chance(0.3) {
            mutate::text(rng, &pop)
        } else {
            pop
        };
        c.file("sweep/population.jsonl", pop);
        let name = *rng.pick(&["results.jsonl", "results-0.jsonl", "results-1.jsonl"]);
        c.file(&format!("sweep/{name}"), bytes);
        c.args = ["collect", "sweep"].map(String::from).to_vec();
    }
    c
}

/// The training flags of data cases: one batch of the tiny spec.
fn train_args(c: &mut Case, dataset: &str) {
    c.file("tiny.json", crate::corpus::TINY_SPEC);
    for a in [
        "train",
        "--spec",
        "tiny.json",
        "--dataset",
        dataset,
        "--data-dir",
        "data",
        "--out",
        "run",
        "--epochs",
        "1",
        "--max-train-batches",
        "1",
        "--max-test-batches",
        "1",
        "--batch",
        "4",
        "--workers",
        "1",
    ] {
        c.arg(a);
    }
}

/// Mutates one or two files of a data set (or removes one).
fn data_files(rng: &mut Rng, files: &[(String, Vec<u8>)], c: &mut Case) {
    let victims: Vec<usize> = (0..1 + rng.below(2))
        .map(|_| rng.below(files.len()))
        .collect();
    for (i, (name, bytes)) in files.iter().enumerate() {
        let path = format!("data/{name}");
        if !victims.contains(&i) {
            c.file(&path, bytes.clone());
        } else if rng.chance(0.1) {
            // Left out: a missing file.
        } else if name.ends_with(".gz") && rng.chance(0.5) {
            // Mutate inside the compression, or the compressed bytes.
            let mut d = flate2::read::GzDecoder::new(bytes.as_slice());
            let mut raw = Vec::new();
            let _ = std::io::Read::read_to_end(&mut d, &mut raw);
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = std::io::Write::write_all(&mut e, &mutate::bytes(rng, &raw));
            c.file(&path, e.finish().unwrap_or_default());
        } else {
            c.file(&path, mutate::bytes(rng, bytes));
        }
    }
}

/// Fashion-MNIST IDX files with rewritten headers, flipped or missing bytes.
fn idx(rng: &mut Rng, corpus: &Corpus) -> Case {
    let mut c = Case::new("idx", &[]);
    data_files(rng, &corpus.idx, &mut c);
    if rng.chance(0.1) {
        // A gzip bomb: a stream far longer than its header announces.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let mut head = vec![0, 0, 8, 1];
        head.extend_from_slice(&64u32.to_be_bytes());
        let _ = std::io::Write::write_all(&mut e, &head);
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..256 {
            let _ = std::io::Write::write_all(&mut e, &zeros);
        }
        c.file(
            "data/train-labels-idx1-ubyte.gz",
            e.finish().unwrap_or_default(),
        );
    }
    train_args(&mut c, "fashion-mnist");
    c
}

/// CIFAR-10 batches with flipped, truncated or extended bytes.
fn cifar(rng: &mut Rng, corpus: &Corpus) -> Case {
    let mut c = Case::new("cifar", &[]);
    data_files(rng, &corpus.cifar, &mut c);
    train_args(&mut c, "cifar10");
    c.arg("--resolution").arg("32");
    c
}

/// Image folders with corrupt images, stray files, mismatched classes, empty splits.
fn images(rng: &mut Rng, corpus: &Corpus) -> Case {
    let mut c = Case::new("images", &[]);
    let files = &corpus.images;
    match rng.below(5) {
        0 => {
            // Rename a validation class: the class sets differ.
            for (name, bytes) in files {
                let name = name.replacen("val/dog", "val/wolf", 1);
                c.file(&format!("data/{name}"), bytes.clone());
            }
        }
        1 => {
            // A PNG with a huge announced size.
            for (name, bytes) in files {
                c.file(&format!("data/{name}"), bytes.clone());
            }
            let (w, h) = *rng.pick(&[(65535u32, 65535u32), (100_000, 1), (1, 100_000), (0, 0)]);
            let mut png = crate::corpus::png(2, 2, &[7; 12]);
            png[16..20].copy_from_slice(&w.to_be_bytes());
            png[20..24].copy_from_slice(&h.to_be_bytes());
            c.file("data/train/cat/huge.png", png);
        }
        2 => {
            // Only training images (no val/), or an empty class folder.
            for (name, bytes) in files.iter().filter(|(n, _)| n.starts_with("train/")) {
                c.file(&format!("data/{name}"), bytes.clone());
            }
            if rng.chance(0.5) {
                c.file("data/val/cat/notes.txt", "not an image");
            }
        }
        _ => data_files(rng, files, &mut c),
    }
    train_args(&mut c, "imagefolder");
    let r = within_budget("--resolution", value(rng, &["32", "16", "8"]));
    c.arg("--resolution")
        .arg(if rng.chance(0.7) { "16".into() } else { r });
    c
}

/// A copy of a finished training run with files removed, truncated or changed, then
/// `train --resume` with the same recipe, another recipe or another spec.
fn resume(rng: &mut Rng, corpus: &Corpus) -> Case {
    let mut c = Case::new("resume", &[]);
    c.copies.push((corpus.run_dir.clone(), "run".into()));
    let targets = [
        "run/state.json",
        "run/epochs.jsonl",
        "run/summary.json",
        "run/checkpoints/model-2.mpk",
        "run/checkpoints/optim-2.mpk",
    ];
    for _ in 0..1 + rng.below(2) {
        let t = *rng.pick(&targets);
        let src = corpus.run_dir.join(t.strip_prefix("run/").unwrap_or(t));
        let bytes = std::fs::read(&src).unwrap_or_default();
        match rng.below(5) {
            0 => c.removes.push(t.to_string()),
            1 => {
                let n = rng.below(bytes.len() + 1);
                c.file(t, bytes[..n].to_vec());
            }
            2 if t.ends_with(".json") || t.ends_with(".jsonl") => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                c.file(t, mutate::text(rng, &text));
            }
            _ => {
                c.file(t, mutate::bytes(rng, &bytes));
            }
        }
    }
    c.file("tiny.json", crate::corpus::TINY_SPEC);
    for a in ["train", "--spec", "tiny.json", "--out", "run", "--resume"] {
        c.arg(a);
    }
    let mut flags: Vec<String> = RUN_FLAGS.iter().map(|s| s.to_string()).collect();
    if rng.chance(0.3) {
        // Another recipe (or more epochs of the same one).
        let i = 2 * rng.below(flags.len() / 2) + 1;
        flags[i] = within_budget(&flags[i - 1].clone(), value(rng, &["3", "1", "16"]));
    }
    if rng.chance(0.1) {
        flags.push("--lr".into());
        flags.push("0.5".into());
    }
    if rng.chance(0.1) {
        c.files.retain(|(n, _)| n != "tiny.json");
        c.file(
            "tiny.json",
            crate::corpus::TINY_SPEC.replace("\"w\":16", "\"w\":24"),
        );
    }
    c.args.extend(flags);
    c
}

/// Flags whose valid values only ask for more work (epochs, batches, models, threads, pixels), with
/// the documented limit above which the binary must refuse them (`None`: no limit, the value is
/// clamped by the data) and the budget of a fuzz case.
const WORK_FLAGS: &[(&str, Option<u64>, u64)] = &[
    ("--epochs", Some(10_000), 2),
    ("--batch", Some(65_536), 64),
    ("--max-train-batches", None, 2),
    ("--max-test-batches", None, 2),
    ("--n", None, 3),
    ("--jobs", None, 4),
    ("--workers", Some(256), 4),
    ("--resolution", Some(4096), 64),
    ("--max-tries", None, 20_000),
];

/// A valid value of a work flag above the case budget becomes the budget (a run of 4,096 epochs is
/// legitimate work, not bad input); zero, values above the documented limit, negative, fractional
/// and non-numeric values are kept.
fn within_budget(flag: &str, v: String) -> String {
    let Some(&(_, limit, budget)) = WORK_FLAGS.iter().find(|(f, _, _)| *f == flag) else {
        return v;
    };
    match v.parse::<u64>() {
        Ok(n) if n > budget && limit.is_none_or(|l| n <= l) => budget.to_string(),
        _ => v,
    }
}

/// Largest flops a model of a fuzzed sweep may have: a few MF at 28 px train one batch in well
/// under a second even in a debug build.
const SWEEP_FLOPS_BUDGET: f64 = 5e6;
/// Smallest lower bound of a window that no space can reach at 28 px (AnyNetX_A's largest models
/// are a few GF there): such windows end in the sampler's typed "no model found" error quickly.
const INFEASIBLE_FLOPS: f64 = 1e11;

/// One side of a window as the binary reads it (`400M`, `4e8`, `0.4G`, empty for no bound); `None`
/// when it is not a number the binary would accept.
fn window_side(s: &str) -> Option<Option<f64>> {
    let t = s.trim();
    if t.is_empty() {
        return Some(None);
    }
    let t = t
        .strip_suffix(['F', 'f'])
        .filter(|r| r.ends_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or(t);
    let (num, mul) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1e3),
        'm' | 'M' => (&t[..t.len() - 1], 1e6),
        'g' | 'G' => (&t[..t.len() - 1], 1e9),
        't' | 'T' => (&t[..t.len() - 1], 1e12),
        _ => (t, 1.0),
    };
    let v = num.parse::<f64>().ok()? * mul;
    (v.is_finite() && v >= 0.0).then_some(Some(v))
}

/// A valid, feasible flops window of a sweep that admits models above [`SWEEP_FLOPS_BUDGET`]
/// becomes the tiny default window (sampling and training GF models is legitimate work, not bad
/// input: the second 100,000-case run's only hang was `--flops 4097M:2147483648M`); malformed,
/// reversed and infeasible windows are kept, they must end in a one-line error.
fn window_within_budget(v: String) -> String {
    let Some((a, b)) = v.split_once(':') else {
        return v;
    };
    let (Some(min), Some(max)) = (window_side(a), window_side(b)) else {
        return v;
    };
    let min = min.unwrap_or(0.0);
    let max = max.unwrap_or(f64::INFINITY);
    if min <= max && min < INFEASIBLE_FLOPS && max > SWEEP_FLOPS_BUDGET {
        "0:5M".into()
    } else {
        v
    }
}

/// One flag of `train` or `sweep` set to an edge or mutated value, the rest a tiny run.
fn train_flags(rng: &mut Rng, corpus: &Corpus) -> Case {
    let _ = corpus;
    let sweep = rng.chance(0.4);
    let mut c = Case::new("train-flags", &[]);
    c.file("tiny.json", crate::corpus::TINY_SPEC);
    let mut args: Vec<(String, String)> = vec![
        ("--epochs".into(), "1".into()),
        ("--max-train-batches".into(), "1".into()),
        ("--max-test-batches".into(), "1".into()),
        ("--batch".into(), "4".into()),
        ("--workers".into(), "1".into()),
        ("--out".into(), "out".into()),
    ];
    if sweep {
        c.arg("sweep");
        args.push(("--space".into(), "anynetx-a".into()));
        args.push(("--n".into(), "2".into()));
        args.push(("--flops".into(), "0:5M".into()));
    } else {
        c.arg("train");
        args.push(("--spec".into(), "tiny.json".into()));
    }
    let fuzzable: &[(&str, &[&str])] = &[
        ("--epochs", &["1", "2"]),
        ("--batch", &["4", "2", "1"]),
        ("--lr", &["0.1", "1e12", "0"]),
        ("--warmup-epochs", &["0", "1", "10001"]),
        ("--zero-init-final-gamma", &["true", "false", "yes"]),
        ("--max-train-batches", &["1", "0"]),
        ("--max-test-batches", &["1", "0"]),
        ("--seed", &["0", "1"]),
        ("--workers", &["1", "0"]),
        ("--preset", &["paper-low-epoch", "zoo-100ep", "x"]),
        ("--dataset", &["fashion-mnist", "cifar10", "mnist"]),
        ("--backend", &["flex", "ndarray", "cuda", "wgpu", "tpu"]),
        ("--device", &["0", "1"]),
        ("--resolution", &["28", "32", "8"]),
        ("--activation", &["relu", "silu", "tanh"]),
        ("--n", &["2", "0"]),
        ("--shard", &["0/1", "1/2", "2/2", "0/0", "x"]),
        ("--jobs", &["1", "2", "0"]),
        ("--flops", SMALL_WINDOWS),
        ("--space", SPACES),
    ];
    let (flag, plausible) = *rng.pick(fuzzable);
    let v = value(rng, plausible);
    let v = if flag == "--flops" {
        window_within_budget(v)
    } else {
        within_budget(flag, v)
    };
    let is_sweep_flag = matches!(flag, "--n" | "--shard" | "--jobs" | "--flops" | "--space");
    let is_train_flag = flag == "--activation";
    if (is_sweep_flag && !sweep) || (is_train_flag && sweep) {
        // Not a flag of this command: clap's one-line usage error.
        args.push((flag.to_string(), v));
    } else if let Some(slot) = args.iter_mut().find(|(f, _)| f == flag) {
        slot.1 = v;
    } else {
        args.push((flag.to_string(), v));
    }
    for (f, v) in args {
        c.arg(f).arg(v);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::window_within_budget;

    #[test]
    fn sweep_windows_are_bounded_unless_bad_or_infeasible() {
        for (given, kept) in [
            ("4097M:2147483648M", "0:5M"),
            ("0:1G", "0:5M"),
            (":", "0:5M"),
            ("1M:", "0:5M"),
            ("360M:400M", "0:5M"),
            ("0:5M", "0:5M"),
            ("1M:3M", "1M:3M"),
            ("1e3:1e4", "1e3:1e4"),
            ("5T:6T", "5T:6T"),
            ("400M:360M", "400M:360M"),
            ("NaN:1", "NaN:1"),
            ("-1:5", "-1:5"),
            ("2M", "2M"),
            (
                "18446744073709551615:18446744073709551616",
                "18446744073709551615:18446744073709551616",
            ),
        ] {
            assert_eq!(window_within_budget(given.into()), kept, "{given}");
        }
    }
}
