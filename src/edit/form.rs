//! The form: a contact's values as loaded and as edited, the dirty set, undo and redo.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

use super::validate::{Issue, Rule, check_value};
use super::{Record, Value, codec};
use crate::spec::{ClearAs, Field, RecordRule, VendorSpec};

/// Whether a field can be edited now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Editable,
    /// The vendor never accepts this field in an update.
    ReadOnly(String),
    /// Another field's value rules this one out (contactreg person fields on a Company).
    NotApplicable(String),
    /// A record-level rule forbids any update (contactreg Joint Member).
    Locked(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error(
        "{field} cannot be cleared: {vendor} documents no empty value for a {kind} field; set a value instead"
    )]
    NoEmptyValue {
        field: String,
        vendor: String,
        kind: String,
    },
    #[error("{vendor} has no field named {name:?}{hint}; `rolo vendors {vendor}` lists them")]
    UnknownField {
        vendor: String,
        name: String,
        /// ` (did you mean "…"?)` or empty.
        hint: String,
    },
    #[error("{field} cannot be edited: {reason}")]
    ReadOnly { field: String, reason: String },
    #[error("{field} cannot be edited: {reason}")]
    NotApplicable { field: String, reason: String },
    #[error("{field} cannot be edited: {reason}")]
    Locked { field: String, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("the {vendor} response has no contact object at `{path}`")]
    NoContact { vendor: String, path: String },
}

/// One step of the undo/redo stack.
#[derive(Clone, PartialEq, Eq)]
pub struct Edit {
    pub field: usize,
    pub before: Value,
    pub after: Value,
}

/// A contact being edited. All state changes go through `set`, `clear`, `revert`, `undo`, `redo`.
#[derive(Clone)]
pub struct Form {
    spec: Arc<VendorSpec>,
    /// The contact object as the vendor returned it (members rolo does not know as text).
    record: Record,
    original: Vec<Value>,
    current: Vec<Value>,
    dirty: Vec<bool>,
    dirty_count: usize,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// The contact reference's values (`id`, `account_id`, …), when known: identity fields
    /// must agree with them, since the reference is what the request's URL is made of.
    reference: BTreeMap<String, String>,
    /// Grows with every change of values, so that watchers (the draft journal) know when.
    revision: u64,
}

impl Form {
    /// From a whole read or update response: finds the contact where the spec says it sits.
    pub fn from_response(spec: Arc<VendorSpec>, body: &Json) -> Result<Self, LoadError> {
        match spec.response_contact.get(body) {
            Some(record) if record.is_object() => Ok(Self::from_record(
                spec.clone(),
                Record::from(record.clone()),
            )),
            _ => Err(LoadError::NoContact {
                vendor: spec.id.clone(),
                path: if spec.response_contact.is_root() {
                    "(the body itself)".to_string()
                } else {
                    spec.response_contact.to_string()
                },
            }),
        }
    }

    /// From the contact object itself.
    pub fn from_record(spec: Arc<VendorSpec>, record: impl Into<Record>) -> Self {
        let record = record.into();
        let original: Vec<Value> = spec
            .fields
            .iter()
            .map(|f| codec::from_json(f.kind, read_value(f, record.members())))
            .collect();
        let count = original.len();
        Self {
            spec,
            record,
            current: original.clone(),
            original,
            dirty: vec![false; count],
            dirty_count: 0,
            undo: Vec::new(),
            redo: Vec::new(),
            reference: BTreeMap::new(),
            revision: 0,
        }
    }

    /// Changes whenever any value (current or original) changes.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Moves the form onto a fresh read of the same contact: the fresh values become the
    /// original, unchanged fields take them, changed fields keep the user's value (and stay
    /// changed unless the server now holds the same). Nothing the user typed is lost. For
    /// after a confirmed send or a reload; `rebase` (which also finds conflicts) is for sending.
    pub fn adopt(&mut self, record: impl Into<Record>) {
        let fresh = Self::from_record(self.spec.clone(), record);
        for i in 0..self.current.len() {
            if !self.dirty[i] {
                self.current[i] = fresh.original[i].clone();
            }
        }
        self.original = fresh.original;
        self.record = fresh.record;
        self.redo.clear();
        for i in 0..self.current.len() {
            self.refresh_dirty(i);
        }
    }

    /// Gives a field back the value it was loaded with, outside the undo history (a conflict
    /// resolved by taking the server's value is not an edit to undo).
    pub(super) fn take_original(&mut self, field: usize) {
        self.current[field] = self.original[field].clone();
        self.refresh_dirty(field);
    }

    /// Ties the form to the contact reference it was read with (values by placeholder name).
    pub fn with_reference(mut self, reference: BTreeMap<String, String>) -> Self {
        self.reference = reference;
        self
    }

    pub fn reference(&self) -> &BTreeMap<String, String> {
        &self.reference
    }

    pub fn spec(&self) -> &Arc<VendorSpec> {
        &self.spec
    }

    pub fn fields(&self) -> &[Field] {
        &self.spec.fields
    }

    pub fn record(&self) -> &Record {
        &self.record
    }

    pub fn len(&self) -> usize {
        self.current.len()
    }

    pub fn is_empty(&self) -> bool {
        self.current.is_empty()
    }

    pub fn index(&self, name: &str) -> Result<usize, EditError> {
        self.spec
            .field_index(name)
            .ok_or_else(|| EditError::UnknownField {
                vendor: self.spec.id.clone(),
                name: name.to_string(),
                hint: crate::suggest::hint(name, self.spec.fields.iter().map(|f| f.name.as_str())),
            })
    }

    pub fn value(&self, field: usize) -> &Value {
        &self.current[field]
    }

    pub fn original(&self, field: usize) -> &Value {
        &self.original[field]
    }

    pub fn values(&self) -> &[Value] {
        &self.current
    }

    pub fn original_values(&self) -> &[Value] {
        &self.original
    }

    pub fn is_dirty(&self, field: usize) -> bool {
        self.dirty[field]
    }

    pub fn dirty_count(&self) -> usize {
        self.dirty_count
    }

    /// Indices of changed fields, in spec order.
    pub fn dirty_fields(&self) -> impl Iterator<Item = usize> + '_ {
        self.dirty
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(i, _)| i)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Whether `field` can be edited now.
    pub fn access(&self, field: usize) -> Access {
        let f = &self.spec.fields[field];
        if let Some(reason) = &f.read_only {
            return Access::ReadOnly(reason.clone());
        }
        if let Some(message) = self.forbidden() {
            return Access::Locked(message.to_string());
        }
        if let Some(reason) = self.not_applicable(field) {
            return Access::NotApplicable(reason);
        }
        Access::Editable
    }

    /// The message of a record rule that forbids any update now, if one does.
    pub fn forbidden(&self) -> Option<&str> {
        self.spec.rules.iter().find_map(|rule| match rule {
            RecordRule::ForbidUpdate {
                field,
                values,
                message,
            } => self.current[*field]
                .as_text()
                .is_some_and(|v| values.iter().any(|x| x == v))
                .then_some(message.as_str()),
            RecordRule::OneOfRequired { .. } => None,
        })
    }

    /// Why `field` is not applicable now, if its condition does not hold.
    pub fn not_applicable(&self, field: usize) -> Option<String> {
        let condition = self.spec.fields[field].condition.as_ref()?;
        let controller = &self.spec.fields[condition.field];
        let now = self.current[condition.field].as_text().unwrap_or("");
        if condition.values.iter().any(|v| v == now) {
            return None;
        }
        let allowed = condition.values.join(" or ");
        Some(if now.is_empty() {
            format!("only allowed when {} is {allowed}", controller.name)
        } else {
            format!(
                "only allowed when {} is {allowed} (it is {now})",
                controller.name
            )
        })
    }

    /// Sets a field's value. Returns whether anything changed; an equal value is not an edit.
    pub fn set(&mut self, field: usize, value: Value) -> Result<bool, EditError> {
        self.check_editable(field)?;
        let f = &self.spec.fields[field];
        if codec::same(f.kind, f.limits.json_type, &self.current[field], &value) {
            return Ok(false);
        }
        let before = std::mem::replace(&mut self.current[field], value.clone());
        self.undo.push(Edit {
            field,
            before,
            after: value,
        });
        self.redo.clear();
        self.refresh_dirty(field);
        Ok(true)
    }

    /// Sets a field from text, as typed.
    pub fn set_text(&mut self, field: usize, text: &str) -> Result<bool, EditError> {
        self.set(field, Value::text(text))
    }

    /// Clears a field with the vendor's clear value (`null`, or the kind's empty value).
    /// A field that was empty when loaded just goes back to that, so clearing a field the
    /// record never had sends nothing.
    pub fn clear(&mut self, field: usize) -> Result<bool, EditError> {
        self.check_editable(field)?;
        if self.original[field].is_blank() {
            return self.revert(field);
        }
        let f = &self.spec.fields[field];
        let empty = match f.clear {
            ClearAs::Null => Some(Value::Null),
            ClearAs::Empty => codec::empty_value(f.kind, f.limits.json_type),
        };
        match empty {
            Some(value) => self.set(field, value),
            None => Err(EditError::NoEmptyValue {
                field: f.name.clone(),
                vendor: self.spec.id.clone(),
                kind: f.kind.to_string(),
            }),
        }
    }

    /// Puts back the value the vendor returned, as one undoable step.
    pub fn revert(&mut self, field: usize) -> Result<bool, EditError> {
        let original = self.original[field].clone();
        self.set(field, original)
    }

    /// Undoes the last edit; returns the field it touched.
    pub fn undo(&mut self) -> Option<usize> {
        let edit = self.undo.pop()?;
        self.current[edit.field] = edit.before.clone();
        self.refresh_dirty(edit.field);
        let field = edit.field;
        self.redo.push(edit);
        Some(field)
    }

    /// Redoes the last undone edit; returns the field it touched.
    pub fn redo(&mut self) -> Option<usize> {
        let edit = self.redo.pop()?;
        self.current[edit.field] = edit.after.clone();
        self.refresh_dirty(edit.field);
        let field = edit.field;
        self.undo.push(edit);
        Some(field)
    }

    fn check_editable(&self, field: usize) -> Result<(), EditError> {
        let name = self.spec.fields[field].name.clone();
        match self.access(field) {
            Access::Editable => Ok(()),
            Access::ReadOnly(reason) => Err(EditError::ReadOnly {
                field: name,
                reason,
            }),
            Access::NotApplicable(reason) => Err(EditError::NotApplicable {
                field: name,
                reason,
            }),
            Access::Locked(reason) => Err(EditError::Locked {
                field: name,
                reason,
            }),
        }
    }

    fn refresh_dirty(&mut self, field: usize) {
        self.revision += 1;
        let f = &self.spec.fields[field];
        let now = !codec::same(
            f.kind,
            f.limits.json_type,
            &self.current[field],
            &self.original[field],
        );
        if now != self.dirty[field] {
            self.dirty[field] = now;
            if now {
                self.dirty_count += 1;
            } else {
                self.dirty_count -= 1;
            }
        }
    }

    /// The problem with one field's current value, if any: its own rules, and its condition
    /// when it was changed while not applicable.
    pub fn field_issue(&self, field: usize) -> Option<Issue> {
        let f = &self.spec.fields[field];
        if f.identity {
            return self.identity_issue(field);
        }
        if f.read_only.is_some() {
            return None;
        }
        if self.dirty[field]
            && let Some(reason) = self.not_applicable(field)
        {
            return Some(Issue::field(f, Rule::Condition, reason));
        }
        check_value(f, &self.current[field]).err()
    }

    /// An identity field must pass its own rules and equal the reference it was read with
    /// (servicedesk: "the id inside the body must equal the URI id").
    fn identity_issue(&self, field: usize) -> Option<Issue> {
        let f = &self.spec.fields[field];
        if let Err(issue) = check_value(f, &self.current[field]) {
            return Some(issue);
        }
        let expected = self.reference.get(&f.name)?;
        let actual = self.current[field].as_text().unwrap_or("");
        (!actual.eq_ignore_ascii_case(expected)).then(|| {
            Issue::field(
                f,
                Rule::Identity,
                format!("the record says {actual:?} but the contact reference is {expected:?}"),
            )
        })
    }

    /// Record-level problems: a forbidden update, a missing one-of group.
    pub fn record_issues(&self) -> Vec<Issue> {
        let mut issues = Vec::new();
        for rule in &self.spec.rules {
            match rule {
                RecordRule::ForbidUpdate { .. } => {}
                RecordRule::OneOfRequired { fields } => {
                    if fields.iter().all(|&i| self.current[i].is_blank()) {
                        let names: Vec<&str> = fields
                            .iter()
                            .map(|&i| self.spec.fields[i].name.as_str())
                            .collect();
                        issues.push(Issue {
                            field: None,
                            rule: Rule::OneOfRequired,
                            message: format!("one of {} must be present", names.join(", ")),
                        });
                    }
                }
            }
        }
        if let Some(message) = self.forbidden() {
            issues.push(Issue {
                field: None,
                rule: Rule::ForbidUpdate,
                message: message.to_string(),
            });
        }
        issues
    }

    /// Every problem in the form, fields first in spec order, then record-level ones.
    pub fn validate(&self) -> Vec<Issue> {
        let mut issues: Vec<Issue> = (0..self.len())
            .filter_map(|i| self.field_issue(i))
            .collect();
        issues.extend(self.record_issues());
        issues
    }
}

/// Where a field's value sits in a record. A reshaped field (exsited `salutation.name`) falls
/// back to its request path when the vendor returns the plain value there instead.
fn read_value<'a>(field: &Field, record: &'a Json) -> Option<&'a Json> {
    field.response_path.get(record).or_else(|| {
        if field.response_path == field.request_path {
            return None;
        }
        field.request_path.get(record).filter(|v| !v.is_object())
    })
}

/// Masks the values of secret fields so a form can be logged.
impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (i, field) in self.spec.fields.iter().enumerate() {
            if field.is_secret() {
                map.entry(&field.name, &"***");
            } else {
                map.entry(&field.name, &self.current[i]);
            }
        }
        map.finish()
    }
}
