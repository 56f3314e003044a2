//! `regnet launch`: a sweep as a SLURM job array. Task K of N runs `regnet sweep FLAGS --shard K/N
//! --resume`; the sbatch script is written into the sweep directory first (reviewable; `--dry-run`
//! stops there), then submitted with `sbatch --parsable`, and the job id is printed and appended to
//! `launch.jsonl` for `regnet status`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args as ClapArgs, Parser};
use serde::{Deserialize, Serialize};

use crate::CliError;

/// Arguments of `regnet launch`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Array tasks N; task K trains shard K/N of the population.
    #[arg(long)]
    array: usize,
    /// SLURM partition (`#SBATCH --partition`).
    #[arg(long)]
    partition: Option<String>,
    /// Time limit per task (`#SBATCH --time`, e.g. 24:00:00).
    #[arg(long)]
    time: Option<String>,
    /// Any other sbatch option, written as one `#SBATCH` line (repeatable), e.g.
    /// --sbatch-arg=--gres=gpu:1.
    #[arg(long = "sbatch-arg", allow_hyphen_values = true)]
    sbatch_args: Vec<String>,
    /// Job name (default: regnet-SPACE).
    #[arg(long)]
    job_name: Option<String>,
    /// The regnet binary the tasks run (default: this one); the compute nodes must see it.
    #[arg(long)]
    regnet_bin: Option<PathBuf>,
    /// Write the script into the sweep directory and stop (no sbatch).
    #[arg(long)]
    dry_run: bool,
    /// The flags of `regnet sweep` (--space, --n, --out, recipe, --jobs, --on-sigterm …), after the
    /// launch flags; --shard and --resume are set per task.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "SWEEP-FLAGS"
    )]
    sweep: Vec<String>,
}

/// `regnet sweep`'s flags, parsed on their own.
#[derive(Debug, Parser)]
#[command(name = "regnet sweep", no_binary_name = true)]
struct SweepFlags {
    #[command(flatten)]
    sweep: crate::sweep::Args,
}

/// What the script needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Array tasks.
    pub array: usize,
    /// `#SBATCH` options besides the array, output and requeue ones.
    pub sbatch: Vec<String>,
    /// The sweep directory, absolute.
    pub out: PathBuf,
    /// The directory the tasks run in (sbatch --chdir), absolute.
    pub workdir: PathBuf,
    /// The regnet binary.
    pub regnet: PathBuf,
    /// The sweep flags, as given.
    pub sweep: Vec<String>,
}

/// One line of `launch.jsonl`: a submitted array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchRecord {
    /// The array's job id, as `sbatch --parsable` printed it (without a cluster name).
    pub job_id: String,
    /// Array tasks (shards).
    pub array: usize,
    /// The script submitted.
    pub script: String,
    /// Seconds since the Unix epoch at submission.
    pub submitted_unix: u64,
}

/// The script's file name inside the sweep directory.
pub const SCRIPT: &str = "launch.sbatch";
/// The submissions, one JSON line each, inside the sweep directory.
pub const LAUNCHES: &str = "launch.jsonl";

/// The flags of `regnet launch` itself, which must come before the sweep flags.
const LAUNCH_FLAGS: [&str; 7] = [
    "--array",
    "--partition",
    "--time",
    "--sbatch-arg",
    "--job-name",
    "--regnet-bin",
    "--dry-run",
];

/// Quotes `s` for bash: as is when it holds only safe characters, else in single quotes.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=./:,+%@".contains(&b));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The sbatch script of `plan`.
pub fn script(plan: &Plan) -> String {
    let out = plan.out.display();
    let mut s = String::new();
    s.push_str("#!/bin/bash\n");
    s.push_str(&format!(
        "# Written by `regnet launch`: task K of this {n}-task array trains shard K/{n} of the sweep in\n\
         # {out} (results-K.jsonl). A requeued task (scontrol requeue, preemption, node failure, or exit\n\
         # status 75 where slurm.conf has RequeueExit=75) runs this script again and resumes: finished\n\
         # models are skipped, a model that was in flight is trained again. Submit: sbatch --parsable {script}\n",
        n = plan.array,
        script = shell_quote(&plan.out.join(SCRIPT).display().to_string()),
    ));
    s.push_str(&format!("#SBATCH --array=0-{}\n", plan.array - 1));
    s.push_str(&format!("#SBATCH --output={out}/slurm/%A_%a.log\n"));
    s.push_str("#SBATCH --open-mode=append\n");
    s.push_str("#SBATCH --requeue\n");
    s.push_str(&format!("#SBATCH --chdir={}\n", plan.workdir.display()));
    for a in &plan.sbatch {
        s.push_str(&format!("#SBATCH {a}\n"));
    }
    s.push_str(
        "echo \"regnet launch: array job ${SLURM_ARRAY_JOB_ID} task ${SLURM_ARRAY_TASK_ID} restart ${SLURM_RESTART_COUNT:-0} on $(hostname) at $(date -u +%FT%TZ)\"\n",
    );
    s.push_str(
        "# exec: regnet itself receives SLURM's SIGTERM and its exit status is the task's.\n",
    );
    let mut cmd = vec![
        shell_quote(&plan.regnet.display().to_string()),
        "sweep".to_string(),
    ];
    cmd.extend(plan.sweep.iter().map(|a| shell_quote(a)));
    cmd.push(format!(
        "--shard \"${{SLURM_ARRAY_TASK_ID}}/{}\"",
        plan.array
    ));
    cmd.push("--resume".into());
    s.push_str(&format!("exec {}\n", cmd.join(" ")));
    s
}

fn flag(flag: &'static str, message: String) -> CliError {
    CliError::Flag { flag, message }
}

/// A path or value that goes on an `#SBATCH` line: one line, no whitespace.
fn sbatch_value(name: &'static str, v: &str) -> Result<(), CliError> {
    if v.is_empty() || v.chars().any(char::is_whitespace) {
        return Err(flag(
            name,
            format!("{v:?} is empty or holds whitespace, which an #SBATCH line cannot carry"),
        ));
    }
    Ok(())
}

fn absolute(p: &Path) -> Result<PathBuf, CliError> {
    std::path::absolute(p).map_err(|e| CliError::Io {
        path: p.display().to_string(),
        source: e,
    })
}

/// Checks the flags and builds the plan (no file written).
fn plan(a: &Args) -> Result<Plan, CliError> {
    if a.array == 0 {
        return Err(flag("array", "must be at least 1, got 0".into()));
    }
    for f in &a.sweep {
        let name = f.split('=').next().unwrap_or(f);
        if LAUNCH_FLAGS.contains(&name) {
            return Err(flag(
                "sweep flags",
                format!("{name} is a flag of regnet launch: put it before the sweep flags"),
            ));
        }
        if name == "--shard" || name == "--resume" {
            return Err(flag(
                "shard",
                format!("{name} is set per task by regnet launch (--shard K/N --resume); drop it"),
            ));
        }
    }
    let parsed = SweepFlags::try_parse_from(&a.sweep).map_err(|e| {
        // clap's message without its usage and help lines, on one line.
        let text = e.render().to_string();
        let message: Vec<&str> = text
            .lines()
            .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        flag(
            "sweep flags",
            message.join(" ").trim_start_matches("error: ").to_string(),
        )
    })?;
    parsed.sweep.check()?;
    let workdir = std::env::current_dir().map_err(|e| CliError::Io {
        path: ".".into(),
        source: e,
    })?;
    let out = absolute(parsed.sweep.out())?;
    sbatch_value("out", &out.display().to_string())?;
    sbatch_value("out", &workdir.display().to_string())?;
    let mut sbatch = Vec::new();
    let name = a
        .job_name
        .clone()
        .unwrap_or_else(|| format!("regnet-{}", parsed.sweep.space()));
    sbatch_value("job-name", &name)?;
    sbatch.push(format!("--job-name={name}"));
    if let Some(p) = &a.partition {
        sbatch_value("partition", p)?;
        sbatch.push(format!("--partition={p}"));
    }
    if let Some(t) = &a.time {
        sbatch_value("time", t)?;
        sbatch.push(format!("--time={t}"));
    }
    for s in &a.sbatch_args {
        sbatch_value("sbatch-arg", s)?;
        if !s.starts_with('-') {
            return Err(flag(
                "sbatch-arg",
                format!("{s:?} is not an sbatch option (e.g. --sbatch-arg=--gres=gpu:1)"),
            ));
        }
        let opt = s.split('=').next().unwrap_or(s);
        if [
            "--array",
            "-a",
            "--output",
            "-o",
            "--open-mode",
            "--chdir",
            "-D",
        ]
        .contains(&opt)
        {
            return Err(flag(
                "sbatch-arg",
                format!("{opt} is set by regnet launch; it cannot be overridden"),
            ));
        }
        sbatch.push(s.clone());
    }
    let regnet = match &a.regnet_bin {
        Some(p) => absolute(p)?,
        None => std::env::current_exe().map_err(|e| CliError::Io {
            path: "<current executable>".into(),
            source: e,
        })?,
    };
    Ok(Plan {
        array: a.array,
        sbatch,
        out,
        workdir,
        regnet,
        sweep: a.sweep.clone(),
    })
}

/// Runs `sbatch --parsable script` and returns the job id it printed.
fn submit(script: &Path) -> Result<String, CliError> {
    let out = std::process::Command::new("sbatch")
        .arg("--parsable")
        .arg(script)
        .output()
        .map_err(|e| CliError::Command {
            program: "sbatch",
            message: format!(
                "cannot run it ({e}); is SLURM installed here? --dry-run writes the script only"
            ),
        })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(CliError::Command {
            program: "sbatch",
            message: format!("{} ({})", err.trim().replace('\n', "; "), out.status),
        });
    }
    parse_job_id(&stdout).ok_or_else(|| CliError::Command {
        program: "sbatch",
        message: format!("--parsable printed {:?}, not a job id", stdout.trim()),
    })
}

/// The job id of `sbatch --parsable` output (`ID` or `ID;CLUSTER`).
pub fn parse_job_id(stdout: &str) -> Option<String> {
    let id = stdout.trim().split(';').next()?.trim();
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| id.to_string())
}

/// Runs the subcommand.
pub fn run(a: Args) -> Result<(), CliError> {
    let plan = plan(&a)?;
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| CliError::Io { path, source }
    };
    let logs = plan.out.join("slurm");
    std::fs::create_dir_all(&logs).map_err(io(&logs))?;
    let path = plan.out.join(SCRIPT);
    regnet_sweep::write_atomic(&path, script(&plan).as_bytes())?;
    if a.dry_run {
        println!(
            "wrote {} (not submitted: --dry-run); submit it with: sbatch --parsable {}",
            path.display(),
            shell_quote(&path.display().to_string())
        );
        return Ok(());
    }
    let job_id = submit(&path)?;
    let record = LaunchRecord {
        job_id: job_id.clone(),
        array: plan.array,
        script: SCRIPT.into(),
        submitted_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    regnet_sweep::JsonlWriter::open_append(&plan.out.join(LAUNCHES))?.append(&record)?;
    println!("{job_id}");
    eprintln!(
        "submitted array job {job_id} ({} tasks) from {}; logs in {}; follow it with: regnet status {}",
        plan.array,
        path.display(),
        logs.display(),
        shell_quote(&plan.out.display().to_string())
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(extra: &[&str]) -> Args {
        #[derive(Debug, Parser)]
        struct Cli {
            #[command(flatten)]
            a: Args,
        }
        let mut v = vec!["launch"];
        v.extend_from_slice(extra);
        Cli::try_parse_from(v).unwrap().a
    }

    #[test]
    fn quoting_keeps_plain_words_and_single_quotes_the_rest() {
        assert_eq!(shell_quote("--flops"), "--flops");
        assert_eq!(shell_quote("1M:2M"), "1M:2M");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn job_id_is_the_number_before_the_cluster() {
        assert_eq!(parse_job_id("1234\n").as_deref(), Some("1234"));
        assert_eq!(parse_job_id("77;cluster\n").as_deref(), Some("77"));
        assert_eq!(parse_job_id("Submitted batch job 5"), None);
        assert_eq!(parse_job_id(""), None);
    }

    #[test]
    fn script_runs_the_sweep_flags_per_shard_with_resume() {
        let a = args(&[
            "--array",
            "4",
            "--partition",
            "gpu",
            "--sbatch-arg=--gres=gpu:1",
            "--regnet-bin",
            "/opt/regnet",
            "--space",
            "regnetx",
            "--n",
            "8",
            "--out",
            "/shared/sw",
        ]);
        let p = plan(&a).unwrap();
        let s = script(&p);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "#!/bin/bash");
        for want in [
            "#SBATCH --array=0-3",
            "#SBATCH --output=/shared/sw/slurm/%A_%a.log",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
            "#SBATCH --job-name=regnet-regnetx",
            "#SBATCH --partition=gpu",
            "#SBATCH --gres=gpu:1",
            "exec /opt/regnet sweep --space regnetx --n 8 --out /shared/sw --shard \"${SLURM_ARRAY_TASK_ID}/4\" --resume",
        ] {
            assert!(lines.contains(&want), "missing {want:?} in\n{s}");
        }
        // #SBATCH lines must all come before the first command.
        let first_cmd = lines.iter().position(|l| l.starts_with("echo")).unwrap();
        assert!(lines[first_cmd..].iter().all(|l| !l.starts_with("#SBATCH")));
    }

    #[test]
    fn bad_launch_flags_name_the_flag() {
        let err = |extra: &[&str]| plan(&args(extra)).unwrap_err().to_string();
        let base = ["--space", "regnetx", "--n", "4", "--out", "/tmp/x"];
        let with = |pre: &[&'static str]| {
            let mut v: Vec<&str> = pre.to_vec();
            v.extend_from_slice(&base);
            v
        };
        assert!(err(&with(&["--array", "0"])).starts_with("--array: "));
        let e = err(&{
            let mut v = with(&["--array", "2"]);
            v.extend_from_slice(&["--shard", "0/2"]);
            v
        });
        assert!(
            e.starts_with("--shard: ") && e.contains("set per task"),
            "{e}"
        );
        let e = err(&with(&["--array", "2", "--sbatch-arg=--array=0-9"]));
        assert!(
            e.starts_with("--sbatch-arg: ") && e.contains("--array"),
            "{e}"
        );
        let e = err(&with(&["--array", "2", "--sbatch-arg", "gres=gpu:1"]));
        assert!(e.starts_with("--sbatch-arg: "), "{e}");
        let e = err(&with(&["--array", "2", "--time", "1 day"]));
        assert!(e.starts_with("--time: ") && e.contains("1 day"), "{e}");
        let e = err(&[
            "--array", "2", "--space", "nosuch", "--n", "2", "--out", "/tmp/x",
        ]);
        assert!(e.starts_with("--space: "), "{e}");
        let e = err(&{
            let mut v = with(&["--array", "2"]);
            v.push("--dry-run");
            v
        });
        assert!(e.contains("--dry-run is a flag of regnet launch"), "{e}");
        let e = err(&["--array", "2", "--space", "regnetx", "--out", "/tmp/x"]);
        assert!(e.starts_with("--sweep flags: ") && e.contains("--n"), "{e}");
    }
}
