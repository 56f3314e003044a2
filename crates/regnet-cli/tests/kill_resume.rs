//! Kill tests: `regnet train` and `regnet sweep` are SIGKILLed at random moments and resumed until
//! they finish; the results must equal an uninterrupted run's, and no finished epoch or model may
//! be lost on the way (the finished count never goes down).
//!
//! The kill moments are drawn from a seeded generator, uniformly over the length of an
//! uninterrupted run measured first, so they land in loading, training, evaluation and the
//! checkpoint / result writes. What the test asserts does not depend on where they land. A kill in
//! a checkpoint write leaves a partial `partial-*.mpk` file (the final name is only ever renamed
//! into place); every third round also plants such a torn partial file, so that state is covered
//! whatever the timing. `REGNET_KILLS` sets the number of kills per command (default 25, so 50 in
//! all); runs use one rayon thread so that results are bitwise reproducible across processes.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::temp_dir as temp;

fn kills_wanted() -> usize {
    std::env::var("REGNET_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25)
}

/// SplitMix64: the kill moments are reproducible from the seed.
struct Rng(u64);
impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

const TINY_SPEC: &str = r#"{"stem":"res_stem_cifar","stem_w":8,"block":"res_bottleneck_block","stages":[{"d":1,"w":8,"stride":2,"bot_mul":1.0,"g":8},{"d":1,"w":16,"stride":2,"bot_mul":1.0,"g":8}],"se_r":0.25,"head_w":0,"num_classes":10,"in_channels":1}"#;

const RECIPE: [&str; 10] = [
    "--max-train-batches",
    "3",
    "--max-test-batches",
    "1",
    "--batch",
    "16",
    "--workers",
    "1",
    "--seed",
    "5",
];

fn train_cmd(dir: &Path, out: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_regnet"));
    c.current_dir(dir)
        .env("RAYON_NUM_THREADS", "1")
        .args([
            "train",
            "--spec",
            "tiny.json",
            "--epochs",
            "4",
            "--out",
            out,
            "--resume",
        ])
        .args(RECIPE)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn sweep_cmd(dir: &Path, out: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_regnet"));
    c.current_dir(dir)
        .env("RAYON_NUM_THREADS", "1")
        .args([
            "sweep", "--space", "regnetx", "--n", "5", "--flops", "1M:3M",
        ])
        .args(["--epochs", "1", "--out", out, "--resume"])
        .args(RECIPE)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Runs `cmd` to completion and returns its wall time.
fn run_through(mut cmd: Command) -> Duration {
    let t0 = Instant::now();
    let status = cmd.status().unwrap();
    assert!(status.success(), "{cmd:?}: {status:?}");
    t0.elapsed()
}

/// The reproducible part of an epoch line (not its seconds and images per second).
fn epoch_key(v: &serde_json::Value) -> String {
    format!(
        "{} {} {} {} {} {}",
        v["epoch"],
        v["train_loss"],
        v["train_top1_err"],
        v["test_top1_err"],
        v["test_top5_err"],
        v["lr"]
    )
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Epochs a training run has finished (its state.json), 0 before the first.
fn train_progress(run: &Path) -> usize {
    std::fs::read_to_string(run.join("state.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["epochs_done"].as_u64())
        .unwrap_or(0) as usize
}

fn train_result(run: &Path) -> Vec<String> {
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    let epochs: Vec<String> = summary["epochs"]
        .as_array()
        .unwrap()
        .iter()
        .map(epoch_key)
        .collect();
    let lines: Vec<String> = jsonl(&run.join("epochs.jsonl"))
        .iter()
        .map(epoch_key)
        .collect();
    assert_eq!(epochs, lines, "summary.json and epochs.jsonl disagree");
    epochs
}

/// Finished model ids of a sweep (its results file).
fn sweep_progress(out: &Path) -> Vec<u64> {
    let mut ids: Vec<u64> = jsonl(&out.join("results.jsonl"))
        .iter()
        .filter_map(|v| v["id"].as_u64())
        .collect();
    ids.sort_unstable();
    ids
}

fn sweep_result(out: &Path) -> Vec<String> {
    let mut rows: Vec<String> = jsonl(&out.join("results.jsonl"))
        .iter()
        .map(|v| {
            let epochs: Vec<String> = v["epochs"]
                .as_array()
                .unwrap()
                .iter()
                .map(epoch_key)
                .collect();
            format!("{} {} {:?}", v["id"], v["error"], epochs)
        })
        .collect();
    rows.sort();
    rows
}

/// A command under test: how to start it, how far it got, and what its finished run must hold.
struct Target<'a> {
    /// The command writing into `<dir>/<out>`.
    make: &'a dyn Fn(&Path, &str) -> Command,
    /// Finished work (epochs, models) in an output directory.
    progress: &'a dyn Fn(&Path) -> usize,
    /// Finished work of a complete run.
    total: usize,
    /// Leaves what a kill inside a checkpoint write leaves.
    plant_partial: &'a dyn Fn(&Path),
    /// Asserts that a finished output directory equals the uninterrupted run.
    check: &'a dyn Fn(&Path),
}

/// Kills the target at random moments until it finishes, again from scratch until `wanted` kills
/// happened. Returns (kills, kills that landed mid-run).
fn kill_until_done(
    dir: &Path,
    rng: &mut Rng,
    wanted: usize,
    span: Duration,
    t: &Target,
) -> (usize, usize) {
    let Target {
        make,
        progress,
        total,
        plant_partial,
        check,
    } = t;
    let total = *total;
    let (mut kills, mut mid) = (0, 0);
    let mut round = 0;
    while kills < wanted {
        let out = format!("killed-{round}");
        let _ = std::fs::remove_dir_all(dir.join(&out));
        let mut finished_before = 0;
        loop {
            if round % 3 == 2 && dir.join(&out).join("checkpoints").is_dir() {
                plant_partial(&dir.join(&out));
            }
            let mut child = make(dir, &out).spawn().unwrap();
            let delay = span.mul_f64(1.2 * rng.unit());
            let t0 = Instant::now();
            let done = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    assert!(status.success(), "round {round}: {status:?}");
                    break true;
                }
                if t0.elapsed() >= delay {
                    child.kill().unwrap();
                    child.wait().unwrap();
                    break false;
                }
                std::thread::sleep(Duration::from_millis(2));
            };
            let now = progress(&dir.join(&out));
            assert!(
                now >= finished_before,
                "round {round}: finished work went from {finished_before} to {now}"
            );
            finished_before = now;
            if done {
                break;
            }
            kills += 1;
            if now > 0 && now < total {
                mid += 1;
            }
        }
        check(&dir.join(&out));
        round += 1;
    }
    (kills, mid)
}

#[test]
fn training_killed_at_random_moments_resumes_to_the_uninterrupted_result() {
    let dir = temp("train");
    std::fs::write(dir.join("tiny.json"), TINY_SPEC).unwrap();
    let span = run_through(train_cmd(&dir, "reference"));
    let reference = train_result(&dir.join("reference"));
    assert_eq!(reference.len(), 4);
    let mut rng = Rng(16);
    let plant = |run: &Path| {
        let e = train_progress(run) + 1;
        std::fs::write(
            run.join(format!("checkpoints/partial-model-{e}.mpk")),
            b"\x85\xa4item\x82",
        )
        .unwrap();
    };
    let check = |run: &Path| {
        assert_eq!(train_result(run), reference, "{}", run.display());
        // Only the last checkpoint is kept, under its final names.
        let mut names: Vec<String> = std::fs::read_dir(run.join("checkpoints"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["model-4.mpk", "optim-4.mpk"]);
    };
    let target = Target {
        make: &train_cmd,
        progress: &train_progress,
        total: 4,
        plant_partial: &plant,
        check: &check,
    };
    let (kills, mid) = kill_until_done(&dir, &mut rng, kills_wanted(), span, &target);
    eprintln!("training: {kills} kills, {mid} with some but not all epochs finished");
    assert!(
        mid > 0,
        "no kill landed between the first and the last epoch"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sweep_killed_at_random_moments_resumes_to_the_uninterrupted_result() {
    let dir = temp("sweep");
    let span = run_through(sweep_cmd(&dir, "reference"));
    let reference = sweep_result(&dir.join("reference"));
    assert_eq!(reference.len(), 5);
    let mut rng = Rng(61);
    let progress = |out: &Path| sweep_progress(out).len();
    let check = |out: &Path| {
        assert_eq!(sweep_progress(out), [0, 1, 2, 3, 4]);
        assert_eq!(sweep_result(out), reference, "{}", out.display());
    };
    let target = Target {
        make: &sweep_cmd,
        progress: &progress,
        total: 5,
        plant_partial: &|_| {},
        check: &check,
    };
    let (kills, mid) = kill_until_done(&dir, &mut rng, kills_wanted(), span, &target);
    eprintln!("sweep: {kills} kills, {mid} with some but not all models finished");
    assert!(
        mid > 0,
        "no kill landed between the first and the last model"
    );
    std::fs::remove_dir_all(&dir).ok();
}
