//! Append-only JSON lines: whole-line appends with fsync, and a reader that tolerates a torn last line.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SweepError;

/// Appends one JSON object per line; each append is written whole, flushed and fsynced before it returns.
#[derive(Debug)]
pub struct JsonlWriter {
    path: PathBuf,
    file: File,
}

impl JsonlWriter {
    /// Opens `path` for appending (creating it). A torn last line (no trailing newline) left by a kill is
    /// cut off first, so the next record starts on a fresh line.
    pub fn open_append(path: &Path) -> Result<Self, SweepError> {
        repair_torn_tail(path)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| SweepError::io(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Serializes `record` as one line and appends it durably (write, flush, fsync).
    pub fn append<T: Serialize>(&mut self, record: &T) -> Result<(), SweepError> {
        let mut line = serde_json::to_vec(record).map_err(|e| SweepError::Malformed {
            path: self.path.display().to_string(),
            line: 0,
            message: format!("cannot serialize record: {e}"),
        })?;
        line.push(b'\n');
        // One write call for the whole line: concurrent appenders (O_APPEND) never interleave inside it.
        self.file
            .write_all(&line)
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| SweepError::io(&self.path, e))
    }
}

/// Repairs a file that ends inside a line: a tail that is a complete JSON value (the kill came between the
/// record and its newline) gets its newline; anything else is cut off. Returns whether it changed the file.
fn repair_torn_tail(path: &Path) -> Result<bool, SweepError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(SweepError::io(path, e)),
    };
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(false);
    }
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut f = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| SweepError::io(path, e))?;
    let whole = serde_json::from_slice::<serde_json::Value>(&bytes[keep..]).is_ok();
    if whole {
        use std::io::Seek;
        f.seek(std::io::SeekFrom::End(0))
            .and_then(|_| f.write_all(b"\n"))
            .and_then(|()| f.sync_data())
            .map_err(|e| SweepError::io(path, e))?;
    } else {
        f.set_len(keep as u64)
            .and_then(|()| f.sync_data())
            .map_err(|e| SweepError::io(path, e))?;
    }
    Ok(true)
}

/// Reads every complete line of a JSONL file as `T`. A missing file is empty. The last line, if it has
/// no trailing newline and does not parse, is a torn write and is ignored (`torn = true`); any other
/// malformed line is an error naming the file and line.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<(Vec<T>, bool), SweepError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), false)),
        Err(e) => return Err(SweepError::io(path, e)),
    };
    let mut reader = BufReader::new(file);
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader
            .read_line(&mut buf)
            .map_err(|e| SweepError::io(path, e))?;
        if n == 0 {
            return Ok((out, false));
        }
        line_no += 1;
        let complete = buf.ends_with('\n');
        let text = buf.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str(text) {
            Ok(v) => out.push(v),
            Err(_) if !complete => return Ok((out, true)),
            Err(e) => {
                return Err(SweepError::Malformed {
                    path: path.display().to_string(),
                    line: line_no,
                    message: e.to_string(),
                });
            }
        }
    }
}
