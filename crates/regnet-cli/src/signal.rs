//! SIGTERM and SIGINT as a request to stop, handled on a thread of their own.
//!
//! The signals are blocked in the calling thread (and so in every thread it spawns afterwards) and a
//! dedicated thread takes them with `sigwait`: the reaction runs as ordinary code, not in an
//! async-signal handler, and can wait for a write in progress before it ends the process.

use crate::CliError;

/// Blocks SIGTERM and SIGINT in this thread and the threads it spawns later, and starts a thread that
/// calls `on_signal(name, count)` for each one received (`count` starts at 1). Call it before any
/// other thread is spawned, or those threads may still take the signal with its default action.
#[cfg(unix)]
pub fn on_stop_signals(
    on_signal: impl Fn(&'static str, usize) + Send + 'static,
) -> Result<(), CliError> {
    let os_err = |what: &str, code: i32| CliError::Io {
        path: format!("<{what}>"),
        source: std::io::Error::from_raw_os_error(code),
    };
    // SAFETY: sigset_t is plain data initialised by sigemptyset before use; pthread_sigmask only
    // changes this thread's mask.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGINT);
        let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        if rc != 0 {
            return Err(os_err("pthread_sigmask", rc));
        }
        set
    };
    std::thread::Builder::new()
        .name("stop-signals".into())
        .spawn(move || {
            let mut count = 0;
            loop {
                let mut sig: libc::c_int = 0;
                // SAFETY: `set` is an initialised signal set; sigwait writes the signal number.
                let rc = unsafe { libc::sigwait(&set, &mut sig) };
                if rc != 0 {
                    continue;
                }
                count += 1;
                let name = if sig == libc::SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                on_signal(name, count);
            }
        })
        .map_err(|e| CliError::Io {
            path: "<signal thread>".into(),
            source: e,
        })?;
    Ok(())
}

/// Without Unix signals there is nothing to install: the default actions stay.
#[cfg(not(unix))]
pub fn on_stop_signals(
    _on_signal: impl Fn(&'static str, usize) + Send + 'static,
) -> Result<(), CliError> {
    Ok(())
}
