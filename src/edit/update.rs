//! Building the update request body from a form's dirty set.

use std::fmt;

use serde_json::Value as Json;

use super::validate::{Issue, Rule};
use super::{Body, Form, RawMembers, Value, codec};
use crate::spec::{Field, Kind, Semantics};

/// One changed field, for review and history.
#[derive(Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub secret: bool,
    pub before: Value,
    pub after: Value,
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret {
            write!(f, "{}: *** → ***", self.field)
        } else {
            write!(f, "{}: {:?} → {:?}", self.field, self.before, self.after)
        }
    }
}

/// The body to send, and the changes it carries.
#[derive(Clone, PartialEq)]
pub struct Update {
    pub body: Body,
    pub changes: Vec<Change>,
}

/// The body may hold a secret field's value (servicedesk e_password): Debug shows the changes,
/// which mask it, and not the body.
impl fmt::Debug for Update {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Update")
            .field("changes", &self.changes)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("nothing to send: no field has changed")]
    NoChanges,
    #[error("refused before sending:\n{}", list(.0))]
    Invalid(Vec<Issue>),
}

fn list(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| format!("  {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Form {
    /// The exact body for the vendor's update, or why none can be sent.
    ///
    /// Partial vendors get only the changed fields, each at its request path (so a nested
    /// object carries only its changed members) inside the spec's wrapper. A full-replace vendor
    /// gets the whole record as it was read, with the changes merged in, response-only shapes
    /// mapped to request shapes and read-only fields left out (its identity kept).
    pub fn build_update(&self) -> Result<Update, BuildError> {
        if self.dirty_count() == 0 {
            return Err(BuildError::NoChanges);
        }
        let spec = self.spec().clone();
        let full = spec.semantics == Semantics::FullReplace;
        // A partial update is judged on what it sends; a full one sends every field.
        let mut issues: Vec<Issue> = (0..self.len())
            .filter(|&i| full || self.is_dirty(i))
            .filter_map(|i| self.field_issue(i))
            .collect();
        issues.extend(self.record_issues());
        if !issues.is_empty() {
            return Err(BuildError::Invalid(issues));
        }

        let (contact, unknown) = if full {
            self.full_record().map_err(BuildError::Invalid)?
        } else {
            (
                self.partial_body().map_err(BuildError::Invalid)?,
                RawMembers::default(),
            )
        };
        let changes = self
            .dirty_fields()
            .map(|i| {
                let f = &spec.fields[i];
                Change {
                    field: f.name.clone(),
                    secret: f.is_secret(),
                    before: self.original(i).clone(),
                    // As sent, so the review shows what the vendor gets (a date-time
                    // without an offset read as UTC, a country trimmed).
                    after: codec::as_sent(f.kind, f.limits.json_type, self.value(i)),
                }
            })
            .collect();
        let body = Body::contact(
            spec.request_wrapper.wrap(contact),
            unknown,
            spec.request_wrapper.segments().len(),
        );
        Ok(Update { body, changes })
    }

    fn encoded(&self, i: usize) -> Result<Json, Issue> {
        let f = &self.fields()[i];
        codec::to_json(f.kind, f.limits.json_type, self.value(i))
            .map_err(|e| Issue::field(f, Rule::Kind(f.kind), e.message))
    }

    fn partial_body(&self) -> Result<Json, Vec<Issue>> {
        let mut body = Json::Object(Default::default());
        for i in self.dirty_fields() {
            let value = self.encoded(i).map_err(|e| vec![e])?;
            self.fields()[i].request_path.set(&mut body, value);
        }
        Ok(body)
    }

    /// The record's parsed members with the changes merged in, and the members rolo does not
    /// know (as read, shared: never parsed) to send after them.
    fn full_record(&self) -> Result<(Json, RawMembers), Vec<Issue>> {
        let mut record = self.record().members().clone();
        let reshaped = |f: &Field| f.response_path != f.request_path;
        for f in self.fields().iter().filter(|f| reshaped(f)) {
            f.response_path.remove(&mut record);
        }
        for (i, f) in self.fields().iter().enumerate() {
            if f.identity {
                // Kept exactly as read: the vendor checks it against the id in the URI.
                continue;
            }
            if f.read_only.is_some() {
                f.request_path.remove(&mut record);
            } else if self.is_dirty(i) || reshaped(f) || f.kind == Kind::DateTime {
                // Date-times are re-encoded even when unchanged: one read without an offset
                // is sent with one (read as UTC), as every sent date-time is.
                let value = self.encoded(i).map_err(|e| vec![e])?;
                f.request_path.set(&mut record, value);
            }
            if f.request_path.get(&record).is_some_and(Json::is_null) {
                f.request_path.remove(&mut record);
            }
        }
        // Empty members are left out rather than sent as null: the pages never show null, and
        // under a full replace a member left out is cleared just the same (the unknown
        // members' nulls were left out when read: `Record::from_object_text`).
        if let Json::Object(members) = &mut record {
            members.retain(|_, value| !value.is_null());
        }
        Ok((record, self.record().unknown().clone()))
    }
}
