//! The log file: `rolo.log` in the state folder (`paths::state_dir`), never the terminal, so
//! the editor's screen and the CLI's output stay clean. The level comes from `ROLO_LOG`
//! (`tracing_subscriber`'s filter syntax: `debug`, `rolo::client=trace`, …); by default
//! requests and outcomes are logged at info and errors that rolo deliberately carries on
//! after at warn. Nothing logged carries a secret: requests are logged from their recorded
//! (redacted) form, and secret values are types that cannot print themselves.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The variable that sets the level.
pub const LEVEL_VAR: &str = "ROLO_LOG";
const DEFAULT_LEVEL: &str = "info";
const FILE_NAME: &str = "rolo.log";
/// Lines queued for the writer thread. The queue is allocated and touched whole at start: the
/// default (128,000 lines) cost 4 MB of resident memory for a log that writes a few lines per
/// request. When it is full (the disk stalls), lines are dropped rather than the editor blocked.
const QUEUED_LINES: usize = 1024;

/// Keeps the log's writer thread alive; dropping it flushes what is queued.
#[must_use = "dropping the guard stops the log writer"]
pub struct LogGuard {
    _writer: Option<WorkerGuard>,
    /// Where the log goes, when it could be opened.
    pub path: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("no state folder for the log file: set ROLO_STATE_DIR")]
    NoFolder,
    #[error("cannot write the log file in {dir}: {source}")]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("{LEVEL_VAR}={value:?} is not a log filter: {message}")]
    Filter { value: String, message: String },
}

/// Starts logging to the file. On failure rolo runs without a log; the caller says why once.
pub fn init() -> Result<LogGuard, LogError> {
    let filter = match std::env::var(LEVEL_VAR) {
        Ok(value) if !value.trim().is_empty() => {
            EnvFilter::try_new(&value).map_err(|e| LogError::Filter {
                value: value.clone(),
                message: e.to_string(),
            })?
        }
        _ => EnvFilter::new(DEFAULT_LEVEL),
    };
    let dir = crate::paths::state_dir().ok_or(LogError::NoFolder)?;
    let file = open(&dir)?;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUED_LINES)
        .finish(file);
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .try_init();
    if installed.is_err() {
        // A subscriber is already set (a test that runs rolo in-process twice): keep it.
        tracing::debug!("a log subscriber was already installed");
    }
    Ok(LogGuard {
        _writer: Some(guard),
        path: Some(dir.join(FILE_NAME)),
    })
}

/// Writes one line to the log file at once, past the queue: for the last line before
/// `process::exit`, which the queue's writer thread would never write. Best effort: there is
/// nowhere left to report a failure.
pub fn write_now(level: &str, target: &str, message: &str) {
    let Some(dir) = crate::paths::state_dir() else {
        return;
    };
    let when = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    if let Ok(mut file) = open(&dir) {
        let line = format!("{when} {level:>5} {target}: {message}\n");
        let _ = std::io::Write::write_all(&mut file, line.as_bytes());
    }
}

/// Opens `rolo.log` for appending, in a private folder and as a private file: the log names
/// profiles, hosts and contact references.
fn open(dir: &Path) -> Result<std::fs::File, LogError> {
    let fail = |source| LogError::Folder {
        dir: dir.to_path_buf(),
        source,
    };
    crate::store::private::private_dir(dir).map_err(fail)?;
    let path = dir.join(FILE_NAME);
    let file = crate::store::private::private_options()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(fail)?;
    crate::store::private::private_file(&path).map_err(fail)?;
    Ok(file)
}
