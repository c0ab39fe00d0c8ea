//! The results CSV of `rolo apply` (one line per row: outcome, HTTP status, message, the
//! changes applied), written from the journal, and `rolo plan --undo`, which reads it back.

use std::path::{Path, PathBuf};

use super::input::{EditRow, RowError};
use crate::store::history::HistoryChange;
use crate::store::journal;

pub const COLUMNS: [&str; 7] = [
    "row",
    "reference",
    "outcome",
    "status",
    "message",
    "changes",
    "profile",
];

#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("cannot write the results {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("cannot read the results {path}: {message}")]
    Read { path: PathBuf, message: String },
}

/// `PLAN.results.csv`, beside the plan.
pub fn path_for(plan: &Path) -> PathBuf {
    let mut name = plan.as_os_str().to_owned();
    name.push(".results.csv");
    PathBuf::from(name)
}

/// Writes every outcome the journal holds as the results CSV, in the plan's row order (rows
/// finish out of order, `--jobs` at a time and across resumed runs), with the row number first
/// so a line is matched to its edit at a glance.
pub fn write(journal_path: &Path, profile: &str, out: &Path) -> Result<u64, ResultsError> {
    let fail = |message: String| ResultsError::Write {
        path: out.to_path_buf(),
        message,
    };
    let file = super::plan::create_private(out).map_err(|e| fail(e.to_string()))?;
    let mut csv = csv::Writer::from_writer(std::io::BufWriter::new(file));
    csv.write_record(COLUMNS).map_err(|e| fail(e.to_string()))?;
    let mut rows = 0;
    let mut error = None;
    journal::outcomes_by_row(journal_path, |o| {
        if error.is_some() {
            return;
        }
        let changes = if o.changes.is_null() {
            String::new()
        } else {
            o.changes.to_string()
        };
        let status = o.status.map(|s| s.to_string()).unwrap_or_default();
        let row = o.row.to_string();
        let record = [
            row.as_str(),
            &o.reference,
            &o.outcome,
            &status,
            &o.message,
            &changes,
            profile,
        ];
        match csv.write_record(record) {
            Ok(()) => rows += 1,
            Err(e) => error = Some(e.to_string()),
        }
    })
    .map_err(|e| fail(e.to_string()))?;
    if let Some(e) = error {
        return Err(fail(e));
    }
    csv.flush().map_err(|e| fail(e.to_string()))?;
    Ok(rows)
}

/// The inverse edits of an applied batch, read as they are planned: for each "ok" row, every
/// changed field set back to its old value (cleared where it was empty). Secret fields, whose
/// values were never kept, are left out (`skipped_secrets` counts them). Also returns the
/// profile the results name.
pub fn undo_rows(results: &Path) -> Result<(Undo, Option<String>), ResultsError> {
    let fail = |message: String| ResultsError::Read {
        path: results.to_path_buf(),
        message,
    };
    let mut csv = csv::Reader::from_path(results).map_err(|e| fail(e.to_string()))?;
    let headers = csv.headers().map_err(|e| fail(e.to_string()))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            fail(format!(
                "no column {name:?}: is this a `rolo apply` results file?"
            ))
        })
    };
    let columns = [
        column("reference")?,
        column("outcome")?,
        column("changes")?,
        column("profile")?,
    ];
    let mut records = csv.into_records().peekable();
    let profile = match records.peek() {
        Some(Ok(first)) => first.get(columns[3]).map(str::to_string),
        _ => None,
    };
    let undo = Undo {
        records: Box::new(records),
        columns,
        next_row: 1,
        skipped_secrets: std::sync::Arc::default(),
    };
    Ok((undo, profile))
}

/// The inverse rows, streamed from a results file.
pub struct Undo {
    records: Box<dyn Iterator<Item = csv::Result<csv::StringRecord>> + Send>,
    columns: [usize; 4],
    next_row: u64,
    pub skipped_secrets: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Iterator for Undo {
    type Item = Result<EditRow, RowError>;
    fn next(&mut self) -> Option<Self::Item> {
        let [c_ref, c_outcome, c_changes, _] = self.columns;
        loop {
            let row = self.next_row;
            let record = match self.records.next()? {
                Ok(record) => record,
                Err(e) => {
                    self.next_row += 1;
                    return Some(Err(RowError {
                        row,
                        message: e.to_string(),
                    }));
                }
            };
            if record.get(c_outcome) != Some("ok") {
                continue;
            }
            let changes: Vec<HistoryChange> =
                match serde_json::from_str(record.get(c_changes).unwrap_or("[]")) {
                    Ok(changes) => changes,
                    Err(e) => {
                        self.next_row += 1;
                        return Some(Err(RowError {
                            row,
                            message: format!("changes: {e}"),
                        }));
                    }
                };
            let mut edit = EditRow {
                row,
                reference: record.get(c_ref).unwrap_or_default().to_string(),
                set: Vec::new(),
                clear: Vec::new(),
            };
            for change in changes {
                if change.secret {
                    self.skipped_secrets
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    continue;
                }
                match change.old {
                    Some(old) => edit.set.push((change.field, old)),
                    None => edit.clear.push(change.field),
                }
            }
            if !edit.set.is_empty() || !edit.clear.is_empty() {
                self.next_row += 1;
                return Some(Ok(edit));
            }
        }
    }
}
