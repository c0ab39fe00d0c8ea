//! Applying a plan: each "change" row sent as planned with `If-Match` (or after the re-read
//! check when the vendor gives no ETag); a row whose contact moved since the plan is rebased on
//! a fresh read (`send::prepare`), sent when the server's change does not overlap the row's
//! fields, a conflict when it does. Rows go `jobs` at a time under the profile's pace, every
//! outcome is journaled, and a row whose outcome is unknown (a crash, a dropped connection, a
//! 5xx, a timeout) is settled by re-reading before anything is resent.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;
use serde_json::Value as Json;

use super::durable::{Durable, HistoryWriter};
use super::plan::{PlanFileError, PlanReader};
use super::{
    ATTEMPTS, Class, Pacer, PlanRow, backoff, edited_form, heed, is_transient, read_paced,
};
use crate::client::Session;
use crate::send::{self, ReviewError};
use crate::store::History;
use crate::store::HistoryEntry;
use crate::store::history::HistoryChange;
use crate::store::journal::{self, Journal, JournalEntry, RowOutcome};

/// How often a 429 may send a row back to the pacer before the row fails.
const LIMITED_TRIES: u32 = 50;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Plan(#[from] PlanFileError),
    #[error(
        "cannot write the journal {path}: {source}; the rows confirmed so far are in it, `rolo apply` resumes"
    )]
    Journal {
        path: String,
        source: std::io::Error,
    },
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct ApplySummary {
    /// Outcomes per kind, this run and earlier ones.
    pub counts: BTreeMap<String, u64>,
    /// Rows already settled by an earlier run.
    pub resumed: u64,
    pub stopped: bool,
    /// A row failed at the vendor (4) or on the network (5).
    pub vendor_failed: bool,
    pub network_failed: bool,
    pub history_errors: u64,
}

impl ApplySummary {
    /// As for `patch`: 5 network, 4 a vendor error (a contact not found among them), 3 a
    /// conflict or invalid row (refused before sending), 0 all ok or unchanged.
    pub fn exit_code(&self) -> u8 {
        let has = |k: &str| self.counts.get(k).copied().unwrap_or(0) > 0;
        if self.network_failed {
            5
        } else if self.vendor_failed || has("not_found") {
            4
        } else if has("conflict") || has("invalid") {
            3
        } else {
            0
        }
    }
}

fn outcome(
    row: &PlanRow,
    kind: &str,
    status: Option<u16>,
    message: impl Into<String>,
) -> RowOutcome {
    RowOutcome {
        row: row.row,
        reference: row.reference.clone(),
        outcome: kind.to_string(),
        status,
        message: message.into(),
        changes: Json::Null,
    }
}

/// A row's outcome and, when it was applied, its history entry.
pub struct Settled {
    pub outcome: RowOutcome,
    pub history: Option<HistoryEntry>,
}

impl From<RowOutcome> for Settled {
    fn from(outcome: RowOutcome) -> Self {
        Settled {
            outcome,
            history: None,
        }
    }
}

/// Whether a request that may have landed has to be settled, and with which `If-Match` it left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Uncertain {
    #[default]
    No,
    /// It may have been applied; it carried this `If-Match` (None: unknown or none).
    Sent(Option<String>),
}

/// Applies one row. `uncertain`: an earlier run may have sent it (settle by re-reading first).
/// `journal` records each request, durably, before it leaves.
pub async fn apply_row(
    session: &Session,
    pacer: &Pacer,
    row: PlanRow,
    uncertain: Uncertain,
    journal: &Durable<'_>,
) -> Settled {
    match row.class {
        Class::Change => {}
        other => {
            return outcome(
                &row,
                other.name(),
                row.status,
                row.message.clone().unwrap_or_default(),
            )
            .into();
        }
    }
    let reference = match session.reference(&row.reference) {
        Ok(r) => r,
        Err(e) => return outcome(&row, "invalid", None, format!("reference: {e}")).into(),
    };
    let (Some(request), Some(record)) = (row.request.clone(), row.record.clone()) else {
        return outcome(
            &row,
            "invalid",
            None,
            "the plan row has no request; plan again",
        )
        .into();
    };
    let mut maybe_applied = uncertain != Uncertain::No;
    let mut rebuild = maybe_applied;
    // The If-Match of the last request that may have landed.
    let mut uncertain_tag = match uncertain {
        Uncertain::Sent(tag) => tag,
        Uncertain::No => None,
    };
    let mut server_moved = false;
    let mut attempt = 1;
    let mut limited = 0;
    loop {
        let (prepared, changes) = if !rebuild {
            if request.if_match.is_none() {
                // No ETag to send: the values read at plan time are the version to check.
                match read_paced(session, pacer, &reference).await {
                    Ok(fresh) if fresh.record == record => {}
                    Ok(_) => {
                        rebuild = true;
                        server_moved = true;
                        continue;
                    }
                    Err(failed) => {
                        return failure(&row, &failed.error, heed(pacer, &failed), maybe_applied);
                    }
                }
            }
            match session.prepare_update(&reference, &request.body, request.if_match.as_deref()) {
                Ok(prepared) => (prepared, row.changes.clone()),
                Err(e) => return outcome(&row, "failed", None, e.to_string()).into(),
            }
        } else {
            let form = match edited_form(session, &reference, record.clone(), &row.set, &row.clear)
            {
                Ok(form) => form,
                Err(why) => return outcome(&row, "invalid", None, why).into(),
            };
            pacer.wait().await;
            match send::prepare(session, &reference, &form).await {
                Ok(review) => {
                    if maybe_applied
                        && let Some(field) = unverifiable(session, &review, &uncertain_tag)
                    {
                        return outcome(
                            &row,
                            "failed",
                            None,
                            format!("the outcome of an earlier request is unknown, and {field} is not returned by the vendor's reads, so a re-read cannot tell whether it was applied; not sent again: check with `rolo get` and plan again"),
                        )
                        .into();
                    }
                    (
                        review.prepared,
                        HistoryChange::masked(&review.update.changes),
                    )
                }
                Err(ReviewError::NothingToSend { .. }) if maybe_applied => {
                    return outcome(
                        &row,
                        "ok",
                        None,
                        "applied earlier (its outcome was unknown; a re-read shows the values)",
                    )
                    .with_changes(&row.changes)
                    .into();
                }
                Err(ReviewError::NothingToSend { .. }) => {
                    return outcome(
                        &row,
                        "unchanged",
                        None,
                        "the server already holds the values",
                    )
                    .into();
                }
                Err(ReviewError::Conflicts { conflicts, .. }) => {
                    let fields: Vec<String> = conflicts
                        .0
                        .iter()
                        .map(crate::edit::Conflict::describe)
                        .collect();
                    return outcome(
                        &row,
                        "conflict",
                        None,
                        format!(
                            "changed on the server since the plan; not sent: {}",
                            fields.join("; ")
                        ),
                    )
                    .into();
                }
                Err(ReviewError::Invalid { issues, .. }) => {
                    return outcome(&row, "invalid", None, super::issues_line(&issues)).into();
                }
                Err(ReviewError::Client(failed)) => {
                    let status = heed(pacer, &failed);
                    if is_transient(&failed.error) && attempt < ATTEMPTS {
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    return failure(&row, &failed.error, status, maybe_applied);
                }
            }
        };
        pacer.wait().await;
        let tag = prepared.if_match();
        if let Err(e) = journal.mark(row.row, tag.as_deref()).await {
            return outcome(
                &row,
                "failed",
                None,
                format!("not sent: the journal cannot be written: {e}"),
            )
            .into();
        }
        match session.send_update(&reference, prepared).await {
            Ok(sent) => {
                if let Some(r) = sent.exchanges.last().and_then(|e| e.response.as_ref()) {
                    pacer.observe(&r.headers);
                }
                let message = if server_moved {
                    "the contact changed since the plan without touching the row's fields: rebuilt on a fresh read and sent"
                } else {
                    ""
                };
                let history = HistoryEntry {
                    changes: changes.clone(),
                    ..HistoryEntry::new(
                        &session.profile,
                        &session.spec.id,
                        &reference.text,
                        sent.status,
                        &[],
                    )
                };
                return Settled {
                    outcome: outcome(&row, "ok", Some(sent.status), message).with_changes(&changes),
                    history: Some(history),
                };
            }
            Err(failed) => {
                let status = heed(pacer, &failed);
                match status {
                    Some(412) => {
                        rebuild = true;
                        server_moved = true;
                    }
                    Some(429) if limited < LIMITED_TRIES => {
                        limited += 1;
                        continue;
                    }
                    _ if is_transient(&failed.error) && attempt < ATTEMPTS => {
                        // It may have been applied: re-read before anything is resent.
                        maybe_applied = true;
                        uncertain_tag = tag;
                        rebuild = true;
                        tokio::time::sleep(backoff(attempt)).await;
                    }
                    _ => {
                        let applied = maybe_applied || is_transient(&failed.error);
                        return failure(&row, &failed.error, status, applied);
                    }
                }
                attempt += 1;
                if attempt > ATTEMPTS {
                    return failure(&row, &failed.error, status, maybe_applied);
                }
            }
        }
    }
}

/// After a request whose outcome is unknown, the re-read still shows a change: either it
/// did not land, or it landed on a field the vendor's reads do not return (clemta's
/// `company_id`). When the contact's ETag is still the one that request carried, it did not
/// land. Otherwise a changed field missing from the read cannot be checked: the field's name.
fn unverifiable(
    session: &Session,
    review: &send::Review,
    uncertain_tag: &Option<String>,
) -> Option<String> {
    if uncertain_tag.is_some() && review.fresh.etag == *uncertain_tag {
        return None;
    }
    review.update.changes.iter().find_map(|change| {
        let field = session
            .spec
            .fields
            .iter()
            .find(|f| f.name == change.field)?;
        field
            .response_path
            .get(&review.fresh.record)
            .is_none()
            .then(|| change.field.clone())
    })
}

fn failure(
    row: &PlanRow,
    error: &crate::client::ClientError,
    status: Option<u16>,
    maybe_applied: bool,
) -> Settled {
    let mut message = error.to_string();
    if maybe_applied {
        message.push_str(" (it may have been applied: `rolo get` shows the contact)");
    }
    outcome(row, "failed", status, message).into()
}

trait WithChanges {
    fn with_changes(self, changes: &[HistoryChange]) -> Self;
}

impl WithChanges for RowOutcome {
    fn with_changes(mut self, changes: &[HistoryChange]) -> Self {
        self.changes = serde_json::to_value(changes).unwrap_or(Json::Null);
        self
    }
}

/// Runs a plan to the end (or until `stop`), resuming from its journal. `each` sees every
/// outcome confirmed in this run (progress); `total` rows are in the plan.
pub async fn run(
    session: &Session,
    pacer: &Pacer,
    plan: &Path,
    jobs: usize,
    stop: &AtomicBool,
    history: Option<&History>,
    mut each: impl FnMut(&RowOutcome),
) -> Result<ApplySummary, ApplyError> {
    let journal_path = Journal::path_for(plan);
    let journal_err = |source| ApplyError::Journal {
        path: journal_path.display().to_string(),
        source,
    };
    let state = journal::read_state(&journal_path).map_err(journal_err)?;
    let journal = RefCell::new(Journal::open(&journal_path).map_err(journal_err)?);
    let mut summary = ApplySummary {
        resumed: state.done.len() as u64,
        ..ApplySummary::default()
    };
    let reader = PlanReader::open(plan)?;
    let broken: RefCell<Option<ApplyError>> = RefCell::new(None);
    // Rows are pulled lazily, `jobs` in flight: a "sending" line is synced before each
    // request can leave, so a crash leaves that row unknown, never lost.
    let source = reader
        .map_while(|row| match row {
            Ok(row) => Some(row),
            Err(e) => {
                broken.borrow_mut().get_or_insert(e.into());
                None
            }
        })
        .filter(|row| !state.done.contains(&row.row))
        .take_while(|_| !stop.load(Ordering::SeqCst))
        .map(|row| {
            let uncertain = match state.unknown.get(&row.row) {
                Some(tag) => Uncertain::Sent(tag.clone()),
                None => Uncertain::No,
            };
            (row, uncertain)
        });
    // Each request is journaled, with its If-Match, and synced before it leaves; syncs are
    // shared by the rows in flight (group commit).
    let durable = Durable::new(&journal).map_err(journal_err)?;
    let history = HistoryWriter::start(history);
    let mut settled = futures_util::stream::iter(source)
        .map(|(row, uncertain)| apply_row(session, pacer, row, uncertain, &durable))
        .buffer_unordered(jobs.max(1));
    // The outcomes are written as rows finish and made durable by the next sync (a later
    // row's, or the last one below), never waited for here: this loop drives the rows in
    // flight. An outcome lost to a crash leaves its row unknown, settled by re-reading.
    while let Some(s) = settled.next().await {
        durable
            .write(&JournalEntry::Outcome(s.outcome.clone()))
            .map_err(journal_err)?;
        if let Some(entry) = s.history {
            history.append(entry);
        }
        each(&s.outcome);
        if broken.borrow().is_some() {
            break;
        }
    }
    let synced = durable.flush().await;
    summary.history_errors += history.finish();
    synced.map_err(journal_err)?;
    drop(settled);
    if let Some(e) = broken.into_inner() {
        return Err(e);
    }
    summary.stopped = stop.load(Ordering::SeqCst);
    journal::outcomes(&journal_path, |o| {
        *summary.counts.entry(o.outcome.clone()).or_default() += 1;
        if o.outcome == "failed" {
            if o.status.is_some() {
                summary.vendor_failed = true;
            } else {
                summary.network_failed = true;
            }
        }
    })
    .map_err(journal_err)?;
    Ok(summary)
}
