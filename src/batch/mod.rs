//! Bulk edits (`rolo plan` / `rolo apply`) on the editor's core: each row is a form edited and
//! prepared by `send::prepare_on`, sent by `Session::send_update`, rebased with `Form::rebase`
//! when the server moved. Rows are streamed (never all held), requests are paced per profile,
//! and every outcome is journaled (`store::journal`) so that a killed run resumes.

pub mod apply;
pub mod durable;
pub mod input;
pub mod limit;
pub mod plan;
pub mod results;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::client::{ClientError, Failed, Loaded, Reference, Session};
use crate::edit::{EditError, Form};
use crate::store::history::HistoryChange;

pub use input::{CLEAR_MARKER, EditRow};
pub use limit::{Pacer, Rate};

/// What planning found for a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// The contact already holds those values.
    Unchanged,
    /// Something to send (each field's old → new in `changes`).
    Change,
    /// Refused by the vendor's rules or not a usable row (the rule in `message`).
    Invalid,
    NotFound,
    /// The contact could not be read (network, vendor error).
    Failed,
}

impl Class {
    pub const ALL: [Class; 5] = [
        Class::Change,
        Class::Unchanged,
        Class::Invalid,
        Class::NotFound,
        Class::Failed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Unchanged => "unchanged",
            Class::Change => "change",
            Class::Invalid => "invalid",
            Class::NotFound => "not_found",
            Class::Failed => "failed",
        }
    }
}

/// The request of a "change" row. Sent by rebuilding it with `Session::prepare_update` from
/// the same body and ETag, which gives the same bytes (the credentials are not kept here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    pub method: String,
    pub url: String,
    pub if_match: Option<String>,
    pub body: Json,
}

/// The plan file's first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHeader {
    pub rolo_plan: u32,
    pub profile: String,
    pub vendor: String,
    pub source: String,
}

pub const PLAN_FORMAT: u32 = 1;

/// One row of a plan file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub row: u64,
    pub reference: String,
    pub class: Class,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// HTTP status of a failed read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The contact's version when planned: its ETag, and the values read (the check for a
    /// vendor without ETags, and the base a rebuilt row is rebased from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Json>,
    #[serde(default)]
    pub set: Vec<(String, String)>,
    #[serde(default)]
    pub clear: Vec<String>,
    #[serde(default)]
    pub changes: Vec<HistoryChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestView>,
    /// Fields a server change would conflict with, beyond the row's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The form for a row: `record` with the row's edits made (clears first, then sets).
pub fn edited_form(
    session: &Session,
    reference: &Reference,
    record: Json,
    set: &[(String, String)],
    clear: &[String],
) -> Result<Form, String> {
    let mut form =
        Form::from_record(session.spec.clone(), record).with_reference(reference.values.clone());
    let refused = |name: &str, e: EditError| format!("{name}: {e}");
    for name in clear {
        let i = form.index(name).map_err(|e| e.to_string())?;
        form.clear(i).map_err(|e| refused(name, e))?;
    }
    for (name, value) in set {
        let i = form.index(name).map_err(|e| e.to_string())?;
        form.set_text(i, value).map_err(|e| refused(name, e))?;
    }
    Ok(form)
}

/// Validation issues on one line, for a plan row or a results line.
pub fn issues_line(issues: &[crate::edit::Issue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a failure may pass if tried again: network trouble, a timeout, 5xx, 429.
pub fn is_transient(error: &ClientError) -> bool {
    match error {
        ClientError::Status { status, .. } => *status == 429 || *status >= 500,
        ClientError::Html { status, .. }
        | ClientError::NotJson { status, .. }
        | ClientError::Empty { status } => *status >= 500,
        ClientError::Timeout { .. }
        | ClientError::Closed { .. }
        | ClientError::Truncated { .. }
        | ClientError::Network { .. }
        | ClientError::Refused { .. } => true,
        _ => false,
    }
}

/// How many times a batch tries one request before the row fails.
pub const ATTEMPTS: u32 = 8;

/// The wait before try `attempt + 1`: 50 ms doubling, at most 5 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(25u64.saturating_mul(1 << attempt.min(8))).min(Duration::from_secs(5))
}

/// Tells the pacer what a failure says about the vendor's limits, and returns the status.
pub fn heed(pacer: &Pacer, failed: &Failed) -> Option<u16> {
    if let Some(response) = failed.exchanges.last().and_then(|e| e.response.as_ref()) {
        pacer.observe(&response.headers);
    }
    match &failed.error {
        ClientError::Status {
            status,
            retry_after,
            ..
        } => {
            if *status == 429 {
                pacer.slow_down(Duration::from_secs(retry_after.unwrap_or(1)));
            }
            Some(*status)
        }
        ClientError::Html { status, .. }
        | ClientError::NotJson { status, .. }
        | ClientError::Empty { status } => Some(*status),
        _ => None,
    }
}

/// Reads a contact, paced, trying again on transient failures.
pub async fn read_paced(
    session: &Session,
    pacer: &Pacer,
    reference: &Reference,
) -> Result<Loaded, Box<Failed>> {
    let mut attempt = 1;
    loop {
        pacer.wait().await;
        match session.read(reference).await {
            Ok(loaded) => {
                if let Some(r) = &loaded.exchange.response {
                    pacer.observe(&r.headers);
                }
                return Ok(loaded);
            }
            Err(failed) => {
                heed(pacer, &failed);
                if attempt >= ATTEMPTS || !is_transient(&failed.error) {
                    return Err(failed);
                }
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
        }
    }
}
