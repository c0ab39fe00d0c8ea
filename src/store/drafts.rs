//! Drafts: every unsent change, journaled per profile and contact, so that a crash, a killed
//! terminal or a failed send loses nothing. A draft is removed only when the vendor confirmed
//! the update (or the form is back to what the server holds).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::write_atomically;
use crate::edit::{Form, Value, codec};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftField {
    pub field: String,
    /// The value the user started from (null when absent).
    pub original: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub format: u32,
    pub profile: String,
    pub vendor: String,
    pub reference: String,
    pub saved_at: String,
    pub fields: Vec<DraftField>,
    /// Changed secret fields (servicedesk e_password): never written to disk, so not restorable.
    #[serde(default)]
    pub secrets_left_out: Vec<String>,
}

fn to_option(v: &Value) -> Option<String> {
    v.as_text().map(str::to_string)
}

fn to_value(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |t| Value::text(t.clone()))
}

impl Draft {
    pub fn of(profile: &str, reference: &str, form: &Form) -> Self {
        let mut fields = Vec::new();
        let mut secrets_left_out = Vec::new();
        for i in form.dirty_fields() {
            let f = &form.fields()[i];
            if f.is_secret() {
                secrets_left_out.push(f.name.clone());
                continue;
            }
            fields.push(DraftField {
                field: f.name.clone(),
                original: to_option(form.original(i)),
                value: to_option(form.value(i)),
            });
        }
        Self {
            format: 1,
            profile: profile.to_string(),
            vendor: form.spec().id.clone(),
            reference: reference.to_string(),
            saved_at: OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok())
                .unwrap_or_default(),
            fields,
            secrets_left_out,
        }
    }

    /// Fields whose value on the server now differs from the one the draft started from.
    pub fn changed_on_server(&self, form: &Form) -> Vec<String> {
        self.fields
            .iter()
            .filter(|d| {
                form.index(&d.field).is_ok_and(|i| {
                    let f = &form.fields()[i];
                    !codec::same(
                        f.kind,
                        f.limits.json_type,
                        form.original(i),
                        &to_value(&d.original),
                    )
                })
            })
            .map(|d| d.field.clone())
            .collect()
    }

    /// Puts the draft's values into a freshly loaded form; returns the fields it could not set
    /// (no longer a field, or no longer editable), with why.
    pub fn restore(&self, form: &mut Form) -> Vec<String> {
        let mut refused = Vec::new();
        for d in &self.fields {
            match form
                .index(&d.field)
                .and_then(|i| form.set(i, to_value(&d.value)))
            {
                Ok(_) => {}
                Err(e) => refused.push(e.to_string()),
            }
        }
        refused
    }
}

/// Drafts on disk: `DIR/<profile>/<reference>.json`.
#[derive(Debug, Clone)]
pub struct DraftStore {
    dir: PathBuf,
}

/// A file name for any reference: safe characters kept, the rest hex-escaped (so distinct
/// references never share a file).
fn file_name(reference: &str) -> String {
    format!("{}.json", safe(reference))
}

/// A path component for any text: safe characters kept, the rest hex-escaped.
fn safe(reference: &str) -> String {
    let mut out = String::with_capacity(reference.len() + 5);
    for b in reference.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    out
}

impl DraftStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, profile: &str, reference: &str) -> PathBuf {
        self.dir.join(safe(profile)).join(file_name(reference))
    }

    /// Journals the form's unsent changes; a clean form has no draft.
    pub fn save(&self, profile: &str, reference: &str, form: &Form) -> std::io::Result<()> {
        if form.dirty_count() == 0 {
            return self.remove(profile, reference);
        }
        let draft = Draft::of(profile, reference, form);
        let bytes = serde_json::to_vec_pretty(&draft).map_err(std::io::Error::other)?;
        write_atomically(&self.path(profile, reference), &bytes)
    }

    pub fn load(&self, profile: &str, reference: &str) -> Option<Draft> {
        let text = std::fs::read_to_string(self.path(profile, reference)).ok()?;
        serde_json::from_str::<Draft>(&text)
            .ok()
            .filter(|d| !d.fields.is_empty() || !d.secrets_left_out.is_empty())
    }

    pub fn remove(&self, profile: &str, reference: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(profile, reference)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Catalog;

    fn form(vendor: &str, record: serde_json::Value) -> Form {
        Form::from_record(Catalog::built_in().get(vendor).unwrap().clone(), record)
    }

    #[test]
    fn a_draft_round_trips_and_says_what_changed_on_the_server() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        let record =
            serde_json::json!({"id": 5001, "name": "Desk", "fax": "+6189000111", "number": "1"});
        let mut f = form("cro", record.clone());
        let name = f.index("name").unwrap();
        f.set_text(name, "Desk 2").unwrap();
        store.save("sandbox-cro", "1001/5001", &f).unwrap();
        let draft = store.load("sandbox-cro", "1001/5001").unwrap();
        assert_eq!(
            draft.fields,
            vec![DraftField {
                field: "name".into(),
                original: Some("Desk".into()),
                value: Some("Desk 2".into())
            }]
        );
        // Restored on a fresh read where the server changed the name meanwhile.
        let mut fresh = form(
            "cro",
            serde_json::json!({"id": 5001, "name": "Front Desk", "fax": "+6189000111", "number": "1"}),
        );
        assert_eq!(draft.changed_on_server(&fresh), vec!["name".to_string()]);
        assert!(draft.restore(&mut fresh).is_empty());
        assert_eq!(fresh.value(name), &Value::text("Desk 2"));
        // Clean again: the draft goes.
        f.undo();
        store.save("sandbox-cro", "1001/5001", &f).unwrap();
        assert!(store.load("sandbox-cro", "1001/5001").is_none());
    }

    #[test]
    fn secret_fields_never_reach_the_draft() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        let mut f = form(
            "servicedesk",
            serde_json::json!({"id": "93498506-9dde-4593-b844-e3c51c0e2bc2", "lastname": "S", "company_code": "C", "e_password": "old"}),
        );
        f.set_text(f.index("e_password").unwrap(), "TopSecret-42")
            .unwrap();
        f.set_text(f.index("firstname").unwrap(), "Anna").unwrap();
        store
            .save("sd", "93498506-9dde-4593-b844-e3c51c0e2bc2", &f)
            .unwrap();
        let text =
            std::fs::read_to_string(store.path("sd", "93498506-9dde-4593-b844-e3c51c0e2bc2"))
                .unwrap();
        assert!(
            !text.contains("TopSecret-42") && !text.contains("old"),
            "{text}"
        );
        let draft = store
            .load("sd", "93498506-9dde-4593-b844-e3c51c0e2bc2")
            .unwrap();
        assert_eq!(draft.secrets_left_out, vec!["e_password".to_string()]);
    }

    #[test]
    fn references_map_to_distinct_safe_file_names() {
        assert_eq!(
            file_name("ACC-1001/CONTACT_1"),
            "ACC-1001_2fCONTACT_5f1.json"
        );
        assert_ne!(file_name("a/b"), file_name("a_b"));
        assert!(!file_name("../../etc").contains('/'));
    }
}
