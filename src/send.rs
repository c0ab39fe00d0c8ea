//! The one send path both front ends take: read the contact again, move the user's changes onto
//! it (a field changed on both sides is a conflict), build the update, and prepare the request
//! once. What comes back is what the review shows and exactly what `Session::send_update` sends.

use std::sync::Arc;

use serde_json::Value as Json;

use crate::client::{ClientError, Exchange, Failed, Loaded, Prepared, Reference, Session};
use crate::edit::{BuildError, Conflicts, Form, Issue, Update};

/// An update ready for review and sending. Its Debug shows no values (they may be secret).
#[derive(Debug, Clone)]
pub struct Review {
    /// The read the update is built on (its ETag is the request's `If-Match`).
    pub fresh: Loaded,
    /// The user's form moved onto `fresh`.
    pub form: Form,
    pub update: Update,
    /// The exact request: review, `--dry-run`, `--json` and `--curl` show it, sending sends it.
    pub prepared: Prepared,
}

/// Why there is nothing to review; nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The server changed fields the user also changed: the user resolves them on `fresh`.
    #[error("{conflicts}")]
    Conflicts {
        conflicts: Conflicts,
        fresh: Box<Loaded>,
    },
    #[error("nothing to send: {reason}")]
    NothingToSend {
        reason: &'static str,
        fresh: Box<Loaded>,
    },
    #[error("refused before sending:\n{}", .issues.iter().map(|i| format!("  {i}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        issues: Vec<Issue>,
        fresh: Box<Loaded>,
    },
    /// The read failed, or the request could not be made.
    #[error("{}", .0.error)]
    Client(Box<Failed>),
}

impl ReviewError {
    /// The exit code of PRODUCT.md: 0 when there is nothing to send, 3 refused before sending
    /// (a conflict or a rule), the client's otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            ReviewError::NothingToSend { .. } => 0,
            ReviewError::Conflicts { .. } | ReviewError::Invalid { .. } => 3,
            ReviewError::Client(failed) => failed.error.exit_code(),
        }
    }

    /// What was exchanged on the way (the read).
    pub fn exchanges(&self) -> Vec<Arc<Exchange>> {
        match self {
            ReviewError::Conflicts { fresh, .. }
            | ReviewError::NothingToSend { fresh, .. }
            | ReviewError::Invalid { fresh, .. } => vec![fresh.exchange.clone()],
            ReviewError::Client(failed) => failed.exchanges.iter().cloned().map(Arc::new).collect(),
        }
    }

    /// `exchanges`, moved out of a failure rather than copied (a body may be large); the
    /// error itself is kept.
    pub fn take_exchanges(&mut self) -> Vec<Arc<Exchange>> {
        match self {
            ReviewError::Client(failed) => std::mem::take(&mut failed.exchanges)
                .into_iter()
                .map(Arc::new)
                .collect(),
            _ => self.exchanges(),
        }
    }
}

/// Reads the contact again and prepares the update of `form` on it (`prepare_on`).
pub async fn prepare(
    session: &Session,
    reference: &Reference,
    form: &Form,
) -> Result<Review, ReviewError> {
    let fresh = session.read(reference).await.map_err(ReviewError::Client)?;
    prepare_on(session, reference, form, fresh)
}

/// Prepares the update of `form` on `fresh`, a read of the contact made just now (the CLI edits
/// the form it has just read, so it reads once). Rules that depend on other fields are checked
/// against the server's current values, and a full-replace body carries every server change.
pub fn prepare_on(
    session: &Session,
    reference: &Reference,
    form: &Form,
    fresh: Loaded,
) -> Result<Review, ReviewError> {
    if form.dirty_count() == 0 {
        return Err(ReviewError::NothingToSend {
            reason: "no field has changed",
            fresh: Box::new(fresh),
        });
    }
    let rebased = match form.rebase(fresh.record.clone()) {
        Ok(rebased) => rebased,
        Err(conflicts) => {
            return Err(ReviewError::Conflicts {
                conflicts,
                fresh: Box::new(fresh),
            });
        }
    };
    let update = match rebased.build_update() {
        Ok(update) => update,
        Err(BuildError::NoChanges) => {
            return Err(ReviewError::NothingToSend {
                reason: "the server already holds every value given",
                fresh: Box::new(fresh),
            });
        }
        Err(BuildError::Invalid(issues)) => {
            return Err(ReviewError::Invalid {
                issues,
                fresh: Box::new(fresh),
            });
        }
    };
    let prepared = session
        .prepare_update(reference, &update.body, fresh.etag.as_deref())
        .map_err(|error: ClientError| {
            ReviewError::Client(Box::new(Failed {
                error,
                exchanges: vec![Exchange::clone(&fresh.exchange)],
            }))
        })?;
    Ok(Review {
        fresh,
        form: rebased,
        update,
        prepared,
    })
}

/// The fields whose value differs between two reads of a contact, in spec order: what changed
/// on the server between a review and its send.
pub fn changed_between(form: &Form, before: &Json, after: &Json) -> Vec<String> {
    let spec = form.spec().clone();
    let (before, after) = (
        Form::from_record(spec.clone(), before.clone()),
        Form::from_record(spec, after.clone()),
    );
    before
        .fields()
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            !crate::edit::codec::same(
                f.kind,
                f.limits.json_type,
                before.original(*i),
                after.original(*i),
            )
        })
        .map(|(_, f)| f.name.clone())
        .collect()
}
