//! The update: prepared once (what review, `--dry-run`, `--json` and `--curl` show), then sent
//! exactly as prepared, and its answer read. Deciding what to send is not the client's job
//! (`crate::send` re-reads, rebases and builds the body).

use std::sync::Arc;

use super::envelope::Outcome;
use super::error::ClientError;
use super::exchange::Exchange;
use super::http::{Prepared, etag};
use super::reference::Reference;
use super::session::{Failed, Result, Session};
use crate::edit::{Body, Record};

/// What the vendor stored, as far as rolo could tell after it applied an update.
#[derive(Clone)]
pub enum Stored {
    /// The contact as stored: from the update's answer, or re-read when it has no body.
    Read {
        record: Record,
        etag: Option<String>,
    },
    /// The vendor applied the update (2xx), but its answer could not be read, or the re-read
    /// after it failed: what it stored is unknown until the contact is read again.
    Unread(ClientError),
}

/// An update the vendor applied.
#[derive(Clone)]
pub struct Sent {
    pub status: u16,
    pub outcome: Outcome,
    pub stored: Stored,
    /// The update (and its 429 retry), and the read after an update with no body.
    pub exchanges: Vec<Exchange>,
}

impl Sent {
    /// The stored contact, when it could be read.
    pub fn record(&self) -> Option<&Record> {
        match &self.stored {
            Stored::Read { record, .. } => Some(record),
            Stored::Unread(_) => None,
        }
    }

    pub fn etag(&self) -> Option<&str> {
        match &self.stored {
            Stored::Read { etag, .. } => etag.as_deref(),
            Stored::Unread(_) => None,
        }
    }

    /// Why the stored contact could not be read back, when it could not.
    pub fn unread(&self) -> Option<&ClientError> {
        match &self.stored {
            Stored::Read { .. } => None,
            Stored::Unread(e) => Some(e),
        }
    }

    /// The update's own exchange (the last one sent with the update's method).
    pub fn update_exchange(&self, method: &str) -> Option<&Exchange> {
        self.exchanges
            .iter()
            .rev()
            .find(|e| e.request.method == method)
    }
}

// A record may hold secret fields (servicedesk e_password): Debug shows the shape only.
impl std::fmt::Debug for Sent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sent")
            .field("status", &self.status)
            .field("unread", &self.unread())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The update request for a body, built once: method, URL, headers (`If-Match` with a
    /// strong `etag`) and body bytes, exactly as `send_update` sends them.
    pub fn prepare_update(
        &self,
        reference: &Reference,
        body: &Body,
        etag: Option<&str>,
    ) -> std::result::Result<Prepared, ClientError> {
        let url = self.url(&self.spec.update.path, &reference.values)?;
        Ok(self.prepare(&self.spec.update.method, url, Some(body), etag))
    }

    /// Sends exactly `prepared` (a 429 is retried once with the same bytes), then, for a
    /// vendor whose update answers without the contact (servicedesk), reads back what was
    /// stored. A 2xx is never reported as a failure: when its body cannot be read, or the read
    /// back fails, it is `Stored::Unread`.
    pub async fn send_update(&self, reference: &Reference, prepared: Prepared) -> Result<Sent> {
        let answer = self.send(&prepared).await?;
        // Its body (a whole contact, for a full-replace vendor) is recorded: not kept twice
        // while the answer is read and the contact read back.
        drop(prepared);
        let status = answer.status;
        let applied = (200..300).contains(&status);
        // Read before the exchanges move: the body may be the recorded one.
        let judged = answer
            .bytes()
            .map(|body| {
                let source = answer.source();
                self.judge(
                    status,
                    &answer.headers,
                    body,
                    source,
                    false,
                    &self.contact_wanted,
                )
            })
            .map_err(Clone::clone);
        let etag_after = etag(&answer.headers);
        // Moved, not copied: a recorded body may be large.
        let mut exchanges = answer.exchanges;
        let unread = |error: ClientError, exchanges: Vec<Exchange>| {
            // Applied all the same: the error is reported as a warning, not a failure.
            tracing::warn!(profile = %self.profile, status, "update applied, answer unread: {error}");
            Sent {
                status,
                outcome: Outcome::default(),
                stored: Stored::Unread(error),
                exchanges,
            }
        };
        let judged = match judged {
            Ok(judged) => judged,
            Err(e) if applied => return Ok(unread(e, exchanges)),
            Err(e) => return Err(Failed::new(e, exchanges)),
        };
        let (json, outcome) = match judged {
            Ok(judged) => judged,
            // The vendor itself said no (an error status, or its envelope's success flag).
            Err(e @ (ClientError::Status { .. } | ClientError::Redirect { .. })) => {
                return Err(Failed::new(e, exchanges));
            }
            Err(e) if applied => return Ok(unread(e, exchanges)),
            Err(e) => return Err(Failed::new(e, exchanges)),
        };
        let stored = match json.filter(|pruned| self.contact(&pruned.json).is_ok()) {
            Some(pruned) => Stored::Read {
                record: self.record_of(pruned),
                etag: etag_after,
            },
            // No contact in the answer (servicedesk documents none): read back what was stored.
            None => match self.read(reference).await {
                Ok(after) => {
                    exchanges.push(Arc::unwrap_or_clone(after.exchange));
                    Stored::Read {
                        record: after.record,
                        etag: after.etag,
                    }
                }
                Err(failed) => {
                    tracing::warn!(
                        profile = %self.profile,
                        status,
                        "update applied, the read back failed: {}",
                        failed.error
                    );
                    exchanges.extend(failed.exchanges);
                    Stored::Unread(failed.error)
                }
            },
        };
        Ok(Sent {
            status,
            outcome,
            stored,
            exchanges,
        })
    }
}
