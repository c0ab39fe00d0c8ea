//! Planning: each row read (paced, a few at a time), edited, validated and prepared on the
//! one send path, then written as one JSON line of the plan file, in row order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use super::input::{EditRow, RowError};
use super::{Class, Pacer, PlanHeader, PlanRow, RequestView, edited_form, read_paced};
use crate::client::{ClientError, Session};
use crate::send::{self, ReviewError};
use crate::spec::Semantics;
use crate::store::history::HistoryChange;

/// Counts per class and the first invalid rows, for the summary.
#[derive(Debug, Default, Clone)]
pub struct PlanSummary {
    pub counts: BTreeMap<&'static str, u64>,
    /// (row, reference, why), the first few.
    pub first_invalid: Vec<(u64, String, String)>,
    /// The exit code a failed read would give (4 vendor, 5 network), the highest seen.
    pub failed_code: Option<u8>,
}

impl PlanSummary {
    pub const SHOWN_INVALID: usize = 10;

    pub fn count(&self, class: Class) -> u64 {
        self.counts.get(class.name()).copied().unwrap_or(0)
    }

    pub fn add(&mut self, row: &PlanRow) {
        *self.counts.entry(row.class.name()).or_default() += 1;
        if row.class == Class::Invalid && self.first_invalid.len() < Self::SHOWN_INVALID {
            self.first_invalid.push((
                row.row,
                row.reference.clone(),
                row.message.clone().unwrap_or_default(),
            ));
        }
    }

    /// PRODUCT.md's codes: 3 when a row is invalid, the read's code when one failed, else 0.
    pub fn exit_code(&self) -> u8 {
        if let Some(code) = self.failed_code {
            code
        } else if self.count(Class::Invalid) > 0 {
            3
        } else {
            0
        }
    }
}

fn bare(edit: &EditRow, class: Class, message: String) -> PlanRow {
    PlanRow {
        row: edit.row,
        reference: edit.reference.clone(),
        class,
        message: Some(message),
        status: None,
        etag: None,
        record: None,
        set: edit.set.clone(),
        clear: edit.clear.clone(),
        changes: Vec::new(),
        request: None,
        note: None,
    }
}

/// Plans one row: read, edit, validate, prepare.
pub async fn plan_row(session: &Session, pacer: &Pacer, edit: EditRow) -> PlanRow {
    if edit.set.is_empty() && edit.clear.is_empty() {
        return bare(&edit, Class::Unchanged, "the row changes no field".into());
    }
    let reference = match session.reference(&edit.reference) {
        Ok(r) => r,
        Err(e) => return bare(&edit, Class::Invalid, format!("reference: {e}")),
    };
    let loaded = match read_paced(session, pacer, &reference).await {
        Ok(loaded) => loaded,
        Err(failed) => {
            let status = match &failed.error {
                ClientError::Status { status, .. } => Some(*status),
                _ => None,
            };
            let class = if status == Some(404) {
                Class::NotFound
            } else {
                Class::Failed
            };
            let mut row = bare(&edit, class, failed.error.to_string());
            row.status = status;
            return row;
        }
    };
    let form = match edited_form(
        session,
        &reference,
        loaded.record.clone(),
        &edit.set,
        &edit.clear,
    ) {
        Ok(form) => form,
        Err(why) => return bare(&edit, Class::Invalid, why),
    };
    match send::prepare_on(session, &reference, &form, loaded) {
        Ok(review) => {
            // A full-replace body carries every field as read: any server change to them
            // before the send means the row is rebuilt on a fresh read.
            let note = (session.spec.semantics == Semantics::FullReplace).then(|| {
                "full replace: the whole record is sent; fields other than the row's are rebuilt from a fresh read if the server changes them".to_string()
            });
            PlanRow {
                row: edit.row,
                reference: edit.reference,
                class: Class::Change,
                message: None,
                status: None,
                etag: review.fresh.etag.clone(),
                record: Some(review.fresh.record.clone()),
                set: edit.set,
                clear: edit.clear,
                changes: HistoryChange::masked(&review.update.changes),
                request: Some(RequestView {
                    method: review.prepared.method.to_string(),
                    url: review.prepared.url.clone(),
                    if_match: review.fresh.etag.filter(|t| !t.starts_with("W/")),
                    body: review.update.body,
                }),
                note,
            }
        }
        Err(ReviewError::NothingToSend { reason, .. }) => {
            bare(&edit, Class::Unchanged, reason.to_string())
        }
        Err(ReviewError::Invalid { issues, .. }) => {
            bare(&edit, Class::Invalid, super::issues_line(&issues))
        }
        Err(e @ ReviewError::Conflicts { .. }) => {
            bare(&edit, Class::Invalid, e.to_string().replace('\n', " "))
        }
        Err(ReviewError::Client(failed)) => bare(&edit, Class::Failed, failed.error.to_string()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("cannot write the plan {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the plan {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not a rolo plan ({reason}); make one with `rolo plan -p PROFILE FILE -o PLAN`"
    )]
    NotAPlan { path: PathBuf, reason: String },
}

/// Plans every row, `jobs` at a time, and writes the plan file in row order as it goes.
/// `each` sees every planned row (progress).
pub async fn write_plan(
    session: &Session,
    pacer: &Pacer,
    header: &PlanHeader,
    rows: impl Iterator<Item = Result<EditRow, RowError>>,
    jobs: usize,
    out: &Path,
    mut each: impl FnMut(&PlanRow),
) -> Result<PlanSummary, PlanFileError> {
    let fail = |source| PlanFileError::Write {
        path: out.to_path_buf(),
        source,
    };
    let file = create_private(out).map_err(fail)?;
    let mut writer = std::io::BufWriter::new(file);
    write_line(&mut writer, header).map_err(fail)?;
    let mut summary = PlanSummary::default();
    let mut planned = futures_util::stream::iter(rows)
        .map(|row| async move {
            match row {
                Ok(edit) => plan_row(session, pacer, edit).await,
                Err(e) => PlanRow {
                    row: e.row,
                    reference: String::new(),
                    class: Class::Invalid,
                    message: Some(e.message),
                    status: None,
                    etag: None,
                    record: None,
                    set: Vec::new(),
                    clear: Vec::new(),
                    changes: Vec::new(),
                    request: None,
                    note: None,
                },
            }
        })
        .buffered(jobs.max(1));
    while let Some(row) = planned.next().await {
        if row.class == Class::Failed {
            let code = if row.status.is_some() { 4 } else { 5 };
            summary.failed_code = Some(summary.failed_code.map_or(code, |c| c.max(code)));
        }
        summary.add(&row);
        each(&row);
        write_line(&mut writer, &row).map_err(fail)?;
    }
    writer.flush().map_err(fail)?;
    writer.get_ref().sync_all().map_err(fail)?;
    Ok(summary)
}

fn write_line(out: &mut impl Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// A plan holds the requests and the records read: private to its owner, like the drafts.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// A plan file, read a row at a time.
pub struct PlanReader {
    pub header: PlanHeader,
    lines: std::io::Split<BufReader<File>>,
    path: PathBuf,
}

impl PlanReader {
    pub fn open(path: &Path) -> Result<Self, PlanFileError> {
        let read = |source| PlanFileError::Read {
            path: path.to_path_buf(),
            source,
        };
        let not_a_plan = |reason: String| PlanFileError::NotAPlan {
            path: path.to_path_buf(),
            reason,
        };
        let mut lines = BufReader::new(File::open(path).map_err(read)?).split(b'\n');
        let first = lines
            .next()
            .ok_or_else(|| not_a_plan("it is empty".into()))?
            .map_err(read)?;
        let header: PlanHeader =
            serde_json::from_slice(&first).map_err(|e| not_a_plan(format!("first line: {e}")))?;
        if header.rolo_plan != super::PLAN_FORMAT {
            return Err(not_a_plan(format!(
                "format {} is not {}",
                header.rolo_plan,
                super::PLAN_FORMAT
            )));
        }
        Ok(Self {
            header,
            lines,
            path: path.to_path_buf(),
        })
    }
}

impl Iterator for PlanReader {
    type Item = Result<PlanRow, PlanFileError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = match self.lines.next()? {
                Ok(line) => line,
                Err(source) => {
                    return Some(Err(PlanFileError::Read {
                        path: self.path.clone(),
                        source,
                    }));
                }
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(
                serde_json::from_slice(&line).map_err(|e| PlanFileError::NotAPlan {
                    path: self.path.clone(),
                    reason: format!("a row: {e}"),
                }),
            );
        }
    }
}
