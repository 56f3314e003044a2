//! Append-only JSON lines and atomic whole-file writes, both durable: every append is fsynced, every
//! file creation and rename is followed by an fsync of the parent directory, and a torn last line is
//! repaired only when it provably is one, and reported.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SweepError;

/// Held by every durable write of this crate (an append, an atomic replace, a torn-line repair), so
/// that [`crate::exit_now`] never ends the process in the middle of one.
pub(crate) static WRITE_GATE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn gate() -> std::sync::MutexGuard<'static, ()> {
    WRITE_GATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Appends one JSON object per line; each append is written whole, flushed and fsynced before it returns.
#[derive(Debug)]
pub struct JsonlWriter {
    path: PathBuf,
    file: File,
    torn_tail: Option<TornTail>,
}

/// What [`JsonlWriter::open_append`] did to a file whose last line had no trailing newline (a write
/// interrupted by a kill or a power loss).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// The file.
    pub path: String,
    /// 1-based number of the torn line.
    pub line: usize,
    /// Bytes of that line (without newline).
    pub bytes: u64,
    /// What was done with it.
    pub action: TornAction,
}

/// How a torn last line was repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TornAction {
    /// The line was a complete JSON value (the kill came between the record and its newline): the
    /// newline was added and the record kept.
    Completed,
    /// The line was a strict prefix of a JSON value (the write itself was cut short): it was dropped.
    Dropped,
}

impl fmt::Display for TornTail {
    /// One line for a log, e.g. `results.jsonl: line 7 (53 bytes) had no trailing newline and was an
    /// incomplete JSON record (interrupted write); dropped it`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.action {
            TornAction::Completed => write!(
                f,
                "{}: line {} ({} bytes) had no trailing newline but was a complete record; added the newline and kept it",
                self.path, self.line, self.bytes
            ),
            TornAction::Dropped => write!(
                f,
                "{}: line {} ({} bytes) had no trailing newline and was an incomplete JSON record (interrupted write); dropped it",
                self.path, self.line, self.bytes
            ),
        }
    }
}

impl JsonlWriter {
    /// Opens `path` for appending (creating it, and then fsyncing its directory so the new entry is
    /// durable). A torn last line (no trailing newline) left by a kill is repaired first, so the next
    /// record starts on a fresh line: a complete JSON record gets its newline, a strict prefix of one is
    /// dropped, and anything else (say, text another tool appended) is left untouched and reported as
    /// [`SweepError::Malformed`]. What was done is available from [`JsonlWriter::torn_tail`].
    pub fn open_append(path: &Path) -> Result<Self, SweepError> {
        let torn_tail = repair_torn_tail(path)?;
        let existed = path.exists();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| SweepError::io(path, e))?;
        if !existed {
            sync_parent_dir(path)?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            file,
            torn_tail,
        })
    }

    /// The torn last line found (and repaired) when the file was opened, if any; print it with
    /// `Display` so an interrupted write is never repaired silently.
    pub fn torn_tail(&self) -> Option<&TornTail> {
        self.torn_tail.as_ref()
    }

    /// Serializes `record` as one line and appends it durably (write, flush, fsync).
    pub fn append<T: Serialize>(&mut self, record: &T) -> Result<(), SweepError> {
        let mut line = serde_json::to_vec(record).map_err(|e| SweepError::Malformed {
            path: self.path.display().to_string(),
            line: 0,
            message: format!("cannot serialize record: {e}"),
        })?;
        line.push(b'\n');
        let _gate = gate();
        // One write call for the whole line: concurrent appenders (O_APPEND) never interleave inside it.
        self.file
            .write_all(&line)
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| SweepError::io(&self.path, e))
    }
}

/// Fsyncs the directory holding `path`, so that a file created or renamed there survives a power loss.
///
/// On platforms where a directory cannot be opened for syncing (Windows) this does nothing.
pub fn sync_parent_dir(path: &Path) -> Result<(), SweepError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    sync_dir(dir)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), SweepError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| SweepError::io(dir, e))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), SweepError> {
    Ok(())
}

/// Writes `bytes` to `path` atomically and durably: a temporary file in the same directory is written
/// and fsynced, renamed over `path`, and the directory is fsynced. After a crash `path` holds either
/// the old content or the new one, never an empty or partial file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SweepError> {
    let _gate = gate();
    write_atomic_ungated(path, bytes)
}

/// [`write_atomic`] for a caller that already holds [`WRITE_GATE`].
pub(crate) fn write_atomic_ungated(path: &Path, bytes: &[u8]) -> Result<(), SweepError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    // Unique per process and per call, so concurrent writers (processes or threads) never share one.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp).map_err(|e| SweepError::io(&tmp, e))?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| SweepError::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| SweepError::io(path, e))?;
        sync_parent_dir(path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// [`write_atomic`] of `value` as pretty JSON with a trailing newline.
pub fn write_json_atomic<T: Serialize>(path: &Path, value: &T) -> Result<(), SweepError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| SweepError::Malformed {
        path: path.display().to_string(),
        line: 0,
        message: format!("cannot serialize: {e}"),
    })?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

/// How a last line without a trailing newline parses.
enum Tail {
    /// A complete JSON value: only the newline is missing.
    Complete,
    /// A strict prefix of a JSON value: the write was cut short.
    Torn,
    /// Something else: not ours to drop.
    Foreign(String),
}

fn classify_tail(tail: &[u8]) -> Tail {
    match serde_json::from_slice::<serde_json::Value>(tail) {
        Ok(v) if v.is_object() => Tail::Complete,
        Ok(_) => Tail::Foreign("a JSON value that is not an object".into()),
        // Our writer emits one JSON object per write; a cut-short write is a prefix of one, which
        // the parser reports as "EOF while parsing". Any other error is not an interrupted write.
        Err(e) if e.is_eof() && tail.trim_ascii_start().starts_with(b"{") => Tail::Torn,
        Err(e) => Tail::Foreign(e.to_string()),
    }
}

/// Repairs a file that ends inside a line (see [`JsonlWriter::open_append`]); returns what it did.
fn repair_torn_tail(path: &Path) -> Result<Option<TornTail>, SweepError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SweepError::io(path, e)),
    };
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(None);
    }
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = bytes[..keep].iter().filter(|&&b| b == b'\n').count() + 1;
    let tail = &bytes[keep..];
    let action = match classify_tail(tail) {
        Tail::Complete => TornAction::Completed,
        Tail::Torn => TornAction::Dropped,
        Tail::Foreign(message) => {
            return Err(SweepError::Malformed {
                path: path.display().to_string(),
                line,
                message: format!(
                    "last line has no trailing newline and is not an interrupted record ({message}); refusing to modify the file"
                ),
            });
        }
    };
    let _gate = gate();
    let mut f = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| SweepError::io(path, e))?;
    match action {
        TornAction::Completed => f
            .seek(std::io::SeekFrom::End(0))
            .and_then(|_| f.write_all(b"\n"))
            .and_then(|()| f.sync_data()),
        TornAction::Dropped => f.set_len(keep as u64).and_then(|()| f.sync_data()),
    }
    .map_err(|e| SweepError::io(path, e))?;
    Ok(Some(TornTail {
        path: path.display().to_string(),
        line,
        bytes: tail.len() as u64,
        action,
    }))
}

/// Reads every complete line of a JSONL file as `T`. A missing file is empty. The last line, if it has
/// no trailing newline and is a strict prefix of a JSON object, is a torn write and is ignored
/// (`torn = true`); any other malformed line, including a last line that is not a torn record, is an
/// error naming the file and line.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<(Vec<T>, bool), SweepError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), false)),
        Err(e) => return Err(SweepError::io(path, e)),
    };
    let mut reader = BufReader::new(file);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| SweepError::io(path, e))?;
        if n == 0 {
            return Ok((out, false));
        }
        line_no += 1;
        let complete = buf.ends_with(b"\n");
        let malformed = |message: String| SweepError::Malformed {
            path: path.display().to_string(),
            line: line_no,
            message,
        };
        let Ok(text) = std::str::from_utf8(&buf) else {
            if !complete && matches!(classify_tail(&buf), Tail::Torn) {
                return Ok((out, true));
            }
            return Err(malformed("line is not valid UTF-8".into()));
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str(text) {
            Ok(v) => out.push(v),
            Err(_) if !complete && matches!(classify_tail(text.as_bytes()), Tail::Torn) => {
                return Ok((out, true));
            }
            Err(e) => return Err(malformed(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(content: &[u8]) -> (tempfile_dir::Dir, PathBuf) {
        let dir = tempfile_dir::Dir::new();
        let p = dir.path().join("r.jsonl");
        std::fs::write(&p, content).unwrap();
        (dir, p)
    }

    /// A throw-away directory under the system temp dir, removed on drop.
    mod tempfile_dir {
        use std::path::{Path, PathBuf};
        use std::sync::atomic::{AtomicUsize, Ordering};

        pub struct Dir(PathBuf);

        impl Dir {
            pub fn new() -> Self {
                static N: AtomicUsize = AtomicUsize::new(0);
                let p = std::env::temp_dir().join(format!(
                    "regnet-sweep-jsonl-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::SeqCst)
                ));
                std::fs::create_dir_all(&p).unwrap();
                Self(p)
            }

            pub fn path(&self) -> &Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn torn_prefix_is_dropped_and_reported() {
        let (_d, p) = file_with(b"{\"id\":0}\n{\"id\":1}\n{\"id\":2,\"err");
        let (v, torn) = read_jsonl::<serde_json::Value>(&p).unwrap();
        assert_eq!((v.len(), torn), (2, true));
        let w = JsonlWriter::open_append(&p).unwrap();
        let t = w.torn_tail().unwrap();
        assert_eq!((t.line, t.bytes, t.action), (3, 12, TornAction::Dropped));
        assert!(
            t.to_string()
                .ends_with("incomplete JSON record (interrupted write); dropped it")
        );
        assert!(!t.to_string().contains('\n'));
        assert_eq!(std::fs::read(&p).unwrap(), b"{\"id\":0}\n{\"id\":1}\n");
    }

    #[test]
    fn complete_last_record_gets_its_newline() {
        let (_d, p) = file_with(b"{\"id\":0}\n{\"id\":1}");
        let mut w = JsonlWriter::open_append(&p).unwrap();
        assert_eq!(w.torn_tail().unwrap().action, TornAction::Completed);
        w.append(&serde_json::json!({"id": 2})).unwrap();
        assert_eq!(
            std::fs::read(&p).unwrap(),
            b"{\"id\":0}\n{\"id\":1}\n{\"id\":2}\n"
        );
    }

    #[test]
    fn foreign_last_line_is_refused_not_truncated() {
        let content = b"{\"id\":0}\nwritten by another tool";
        let (_d, p) = file_with(content);
        let e = JsonlWriter::open_append(&p).unwrap_err();
        assert!(matches!(e, SweepError::Malformed { line: 2, .. }), "{e}");
        assert!(!e.to_string().contains('\n'));
        assert_eq!(
            std::fs::read(&p).unwrap(),
            content,
            "file must be unchanged"
        );
        // Reading reports it too instead of silently ignoring it.
        let e = read_jsonl::<serde_json::Value>(&p).unwrap_err();
        assert!(matches!(e, SweepError::Malformed { line: 2, .. }), "{e}");
    }

    #[test]
    fn clean_files_are_left_alone() {
        let (_d, p) = file_with(b"{\"id\":0}\n");
        let w = JsonlWriter::open_append(&p).unwrap();
        assert!(w.torn_tail().is_none());
        assert_eq!(std::fs::read(&p).unwrap(), b"{\"id\":0}\n");
    }

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temp() {
        let d = tempfile_dir::Dir::new();
        let p = d.path().join("state.json");
        write_json_atomic(&p, &serde_json::json!({"epoch": 1})).unwrap();
        write_json_atomic(&p, &serde_json::json!({"epoch": 2})).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(v["epoch"], 2);
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
    }
}
