//! Running one case: its files written into a fresh directory, the binary started there under an
//! address-space limit (setrlimit RLIMIT_AS) and a wall-clock limit, and the run classified.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cases::Case;

/// Per-run limits.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock limit; a run still going is killed and counted as a hang.
    pub timeout: Duration,
    /// Address-space limit of the child (RLIMIT_AS) in bytes.
    pub mem_bytes: u64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Exit status 0.
    Ok,
    /// Exit status 2 with `error: …` as its last stderr line.
    TypedError,
    /// An error whose message spans lines (or exit 2 without an `error:` line).
    MultiLine,
    /// A Rust panic (exit status 101).
    Panic,
    /// Killed by a signal other than the harness's (abort, segfault, stack overflow), or an
    /// unexpected exit status.
    Crash,
    /// Still running at the time limit.
    Hang,
    /// An allocation failed under the address-space limit (or a capacity overflow).
    Memory,
    /// The harness itself could not run the case (disk full, …).
    Harness,
}

impl Outcome {
    /// Every outcome, in table order.
    pub const ALL: [Outcome; 8] = [
        Self::Ok,
        Self::TypedError,
        Self::MultiLine,
        Self::Panic,
        Self::Crash,
        Self::Hang,
        Self::Memory,
        Self::Harness,
    ];

    /// The table heading.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::TypedError => "typed error",
            Self::MultiLine => "multi-line error",
            Self::Panic => "panic",
            Self::Crash => "crash",
            Self::Hang => "hang",
            Self::Memory => "memory",
            Self::Harness => "harness",
        }
    }

    /// Whether the outcome is a defect of the binary (or of the harness).
    pub fn is_failure(self) -> bool {
        !matches!(self, Self::Ok | Self::TypedError)
    }
}

/// What a run gave.
pub struct RunResult {
    /// The classification.
    pub outcome: Outcome,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// The last stderr line (or the signal), shortened, for reproducers.
    pub detail: String,
}

/// Writes the case's files under `dir`, runs the binary there and classifies the run.
pub fn run_case(bin: &Path, case: &Case, dir: &Path, limits: &Limits) -> Result<RunResult, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (src, dst) in &case.copies {
        copy_dir(src, &dir.join(dst)).map_err(|e| format!("copy {}: {e}", src.display()))?;
    }
    for (name, bytes) in &case.files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for name in &case.removes {
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path).or_else(|_| std::fs::remove_dir_all(&path));
    }
    let out = std::fs::File::create(dir.join(".stdout")).map_err(|e| e.to_string())?;
    let err = std::fs::File::create(dir.join(".stderr")).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join(".cmd"),
        format!("regnet {}\n", shell_line(&case.args)),
    )
    .map_err(|e| e.to_string())?;
    let mem = limits.mem_bytes;
    let mut cmd = Command::new(bin);
    cmd.args(&case.args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("RAYON_NUM_THREADS", "1");
    // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let set = |res, value: u64| {
                let lim = libc::rlimit {
                    rlim_cur: value as libc::rlim_t,
                    rlim_max: value as libc::rlim_t,
                };
                libc::setrlimit(res, &lim);
            };
            set(libc::RLIMIT_AS, mem);
            set(libc::RLIMIT_CORE, 0);
            set(libc::RLIMIT_FSIZE, 1 << 30);
            Ok(())
        });
    }
    let t0 = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("spawn: {e}"))?;
    let mut sleep = Duration::from_millis(1);
    let (status, hung) = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break (s, false);
        }
        if t0.elapsed() > limits.timeout {
            let _ = child.kill();
            break (child.wait().map_err(|e| e.to_string())?, true);
        }
        std::thread::sleep(sleep);
        sleep = (sleep * 2).min(Duration::from_millis(20));
    };
    let seconds = t0.elapsed().as_secs_f64();
    let stderr = std::fs::read(dir.join(".stderr")).unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string();
    let short = |s: &str| s.chars().take(200).collect::<String>();
    let memory = stderr.contains("memory allocation of") || stderr.contains("capacity overflow");
    let (outcome, detail) = if hung {
        (Outcome::Hang, format!("killed after {seconds:.1} s"))
    } else if let Some(sig) = status.signal() {
        let o = if memory {
            Outcome::Memory
        } else {
            Outcome::Crash
        };
        (o, format!("signal {sig}: {}", short(&last)))
    } else {
        match status.code() {
            Some(0) => (Outcome::Ok, String::new()),
            Some(2) if last.starts_with("error: ") && !stderr.contains("panicked at") => {
                (Outcome::TypedError, short(&last))
            }
            Some(101) if memory => (Outcome::Memory, short(&first_panic_line(&stderr))),
            Some(101) => (Outcome::Panic, short(&first_panic_line(&stderr))),
            Some(2) => (Outcome::MultiLine, short(&last)),
            Some(c) => (Outcome::Crash, format!("exit {c}: {}", short(&last))),
            None => (Outcome::Crash, "no exit status".into()),
        }
    };
    Ok(RunResult {
        outcome,
        seconds,
        detail,
    })
}

/// The panic message's lines (the line after `panicked at …`).
fn first_panic_line(stderr: &str) -> String {
    let mut lines = stderr.lines();
    while let Some(l) = lines.next() {
        if l.contains("panicked at") {
            return format!("{l} {}", lines.next().unwrap_or(""));
        }
    }
    stderr.lines().next().unwrap_or("").to_string()
}

/// The arguments as one shell-quoted line.
pub fn shell_line(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:,=+@".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Copies a directory tree (files and folders only).
pub fn copy_dir(src: &Path, dst: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dst)?;
    for entry in std::fs::read_dir(src)? {
        let entry = entry?;
        let to: PathBuf = dst.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to)?;
        } else {
            std::fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}
