//! Drafts: every unsent change, journaled per profile and contact, so that a crash, a killed
//! terminal or a failed send loses nothing. A draft is removed only when the vendor confirmed
//! the update (or the form is back to what the server holds). A draft that cannot be read is
//! moved aside and reported, never overwritten; one rolo at a time edits a contact (`claim`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::lock::ContactLock;
use super::private::{private_dir, private_file};
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
    /// Text typed into a field's editor and not yet committed (format 2; older drafts have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editing: Option<DraftEditing>,
    /// An edit in the user's own editor that was running (format 3; older drafts have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<DraftExternal>,
}

/// An edit in the user's own editor (`e`, `E`) that was in progress: what it covers and the
/// file holding its text, which the editor saves as the user goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftExternal {
    /// The field edited alone (`e`); `None` for the whole contact as a document (`E`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub path: PathBuf,
}

/// A field's editor that was open, with the text in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEditing {
    pub field: String,
    pub text: String,
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
            editing: None,
            external: None,
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

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(
        "{contact} is open in another rolo{}; finish or quit there first",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    Busy { contact: String, pid: Option<u32> },
    #[error(
        "the draft {} could not be read ({reason}); it was moved to {} so nothing in it is lost",
        path.display(),
        moved_to.display()
    )]
    Unreadable {
        path: PathBuf,
        moved_to: PathBuf,
        reason: String,
    },
    #[error("cannot {doing} {}: {source}", path.display())]
    Io {
        doing: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Drafts on disk: `DIR/<profile>/<reference>.json`, private to the user (folders 0700, files
/// 0600), with `<reference>.lock` beside each contact being edited.
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

    /// The profile's folder, created (or tightened) private.
    fn profile_dir(&self, profile: &str) -> Result<PathBuf, DraftError> {
        let dir = self.dir.join(safe(profile));
        for d in [&self.dir, &dir] {
            private_dir(d).map_err(|source| DraftError::Io {
                doing: "create the private folder",
                path: d.clone(),
                source,
            })?;
        }
        Ok(dir)
    }

    /// Claims the contact for this process until the lock drops (or the process dies, however
    /// it dies). Refused with the holder's pid while another rolo has it open.
    pub fn claim(&self, profile: &str, reference: &str) -> Result<ContactLock, DraftError> {
        let dir = self.profile_dir(profile)?;
        ContactLock::acquire(
            dir.join(format!("{}.lock", safe(reference))),
            &format!("{reference} ({profile})"),
        )
    }

    /// Journals the form's unsent changes; a clean form has no draft. An unreadable draft in
    /// the way is moved aside first (`read` is where it is reported), never overwritten.
    pub fn save(&self, profile: &str, reference: &str, form: &Form) -> Result<(), DraftError> {
        self.save_editing(profile, reference, form, None, None)
    }

    /// `save`, with the text of a field's editor still open and an edit running in the user's
    /// own editor (each kept even when no field changed yet).
    pub fn save_editing(
        &self,
        profile: &str,
        reference: &str,
        form: &Form,
        editing: Option<DraftEditing>,
        external: Option<DraftExternal>,
    ) -> Result<(), DraftError> {
        if form.dirty_count() == 0 && editing.is_none() && external.is_none() {
            return self.remove(profile, reference);
        }
        self.profile_dir(profile)?;
        let path = self.path(profile, reference);
        match self.read(profile, reference) {
            // Moved aside, so not lost; this write goes ahead.
            Ok(_) | Err(DraftError::Unreadable { .. }) => {}
            Err(e) => return Err(e),
        }
        let mut draft = Draft::of(profile, reference, form);
        if editing.is_some() {
            draft.format = 2;
            draft.editing = editing;
        }
        if external.is_some() {
            draft.format = 3;
            draft.external = external;
        }
        let bytes = serde_json::to_vec_pretty(&draft).map_err(|e| DraftError::Io {
            doing: "encode the draft for",
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        write_atomically(&path, &bytes).map_err(|source| DraftError::Io {
            doing: "write the draft",
            path,
            source,
        })
    }

    /// The contact's draft, if it has one. One that cannot be read (cut short, not JSON, not
    /// UTF-8) is moved to `NAME.corrupt-<time>` and reported as `DraftError::Unreadable`.
    pub fn read(&self, profile: &str, reference: &str) -> Result<Option<Draft>, DraftError> {
        let path = self.path(profile, reference);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(DraftError::Io {
                    doing: "read the draft",
                    path,
                    source,
                });
            }
        };
        match serde_json::from_slice::<Draft>(&bytes) {
            Ok(d) => Ok(Some(d).filter(|d| {
                !d.fields.is_empty()
                    || !d.secrets_left_out.is_empty()
                    || d.editing.is_some()
                    || d.external.is_some()
            })),
            Err(e) => {
                let moved_to = move_aside(&path)?;
                Err(DraftError::Unreadable {
                    path,
                    moved_to,
                    reason: e.to_string(),
                })
            }
        }
    }

    /// `read` without its report: an unreadable draft is still moved aside (so it is never
    /// overwritten) but not told. Prefer `read`, whose error the user can be shown.
    pub fn load(&self, profile: &str, reference: &str) -> Option<Draft> {
        self.read(profile, reference).ok().flatten()
    }

    /// Where the text of an edit in the user's own editor lives while it runs: beside the
    /// contact's draft (a private folder), `<reference>.edit.toml` for the whole contact or
    /// `<reference>.edit-<field>.txt` for one field. The same path every time, so the draft
    /// can name it and a later rolo find it.
    pub fn edit_path(&self, profile: &str, reference: &str, field: Option<&str>) -> PathBuf {
        let name = match field {
            None => format!("{}.edit.toml", safe(reference)),
            Some(field) => format!("{}.edit-{}.txt", safe(reference), safe(field)),
        };
        self.dir.join(safe(profile)).join(name)
    }

    /// Writes the text for the user's editor at `edit_path` (0600, in the private folder).
    pub fn write_edit_file(
        &self,
        profile: &str,
        path: &Path,
        text: &str,
    ) -> Result<(), DraftError> {
        self.profile_dir(profile)?;
        write_atomically(path, text.as_bytes()).map_err(|source| DraftError::Io {
            doing: "write the file for your editor",
            path: path.to_path_buf(),
            source,
        })
    }

    pub fn remove(&self, profile: &str, reference: &str) -> Result<(), DraftError> {
        let path = self.path(profile, reference);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(DraftError::Io {
                doing: "remove the draft",
                path,
                source: e,
            }),
            _ => Ok(()),
        }
    }
}

/// Renames an unreadable draft to `NAME.corrupt-<UTC time>` beside it, kept private.
fn move_aside(path: &Path) -> Result<PathBuf, DraftError> {
    let stamp = OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut target = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while target.exists() {
        n += 1;
        target = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
    }
    let io = |doing, source| DraftError::Io {
        doing,
        path: path.to_path_buf(),
        source,
    };
    std::fs::rename(path, &target).map_err(|e| io("move aside the unreadable draft", e))?;
    private_file(&target).map_err(|e| io("make private the unreadable draft", e))?;
    Ok(target)
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

    fn edited(name: &str) -> Form {
        let mut f = form(
            "cro",
            serde_json::json!({"id": 5001, "name": "Desk", "fax": "+6189000111", "number": "1"}),
        );
        f.set_text(f.index("name").unwrap(), name).unwrap();
        f
    }

    #[test]
    fn an_edit_running_in_the_users_editor_is_kept_with_no_change_and_named_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        let clean = form(
            "cro",
            serde_json::json!({"id": 5001, "name": "Desk", "fax": "+6189000111", "number": "1"}),
        );
        let path = store.edit_path("p", "1001/5001", None);
        assert_eq!(path, dir.path().join("p").join("1001_2f5001.edit.toml"));
        assert_eq!(
            store.edit_path("p", "1001/5001", Some("name")),
            dir.path().join("p").join("1001_2f5001.edit-name.txt")
        );
        let running = DraftExternal {
            field: None,
            path: path.clone(),
        };
        store
            .save_editing("p", "1001/5001", &clean, None, Some(running.clone()))
            .unwrap();
        let draft = store.read("p", "1001/5001").unwrap().unwrap();
        assert_eq!(draft.external, Some(running));
        assert_eq!(draft.format, 3);
        store.write_edit_file("p", &path, "name = \"x\"\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // Over: a clean form with nothing running has no draft.
        store
            .save_editing("p", "1001/5001", &clean, None, None)
            .unwrap();
        assert!(store.read("p", "1001/5001").unwrap().is_none());
    }

    #[test]
    fn an_unreadable_draft_is_moved_aside_and_reported_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path());
        store.save("p", "1001/5001", &edited("Desk 2")).unwrap();
        let path = store.path("p", "1001/5001");
        let whole = std::fs::read(&path).unwrap();
        let mut not_utf8 = whole.clone();
        let at = not_utf8.iter().position(|&b| b == b'D').unwrap();
        not_utf8[at] = 0xff;
        for bytes in [
            whole[..whole.len() / 2].to_vec(),
            b"garbage".to_vec(),
            not_utf8,
        ] {
            std::fs::write(&path, &bytes).unwrap();
            let err = store.read("p", "1001/5001").unwrap_err();
            let DraftError::Unreadable { moved_to, .. } = &err else {
                panic!("{err}")
            };
            assert!(err.to_string().contains("could not be read"), "{err}");
            assert_eq!(std::fs::read(moved_to).unwrap(), bytes);
            assert!(
                moved_to
                    .display()
                    .to_string()
                    .contains("1001_2f5001.json.corrupt-"),
                "{}",
                moved_to.display()
            );
            assert!(store.read("p", "1001/5001").unwrap().is_none());
        }
        // Saving over an unreadable draft that nobody read first sets it aside too.
        std::fs::write(&path, b"{\"format\":").unwrap();
        store.save("p", "1001/5001", &edited("Desk 3")).unwrap();
        let kept: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        assert!(kept.contains(&b"{\"format\":".to_vec()));
        assert_eq!(kept.len(), 5, "four set aside and the new draft");
        assert_eq!(
            store.read("p", "1001/5001").unwrap().unwrap().fields[0].value,
            Some("Desk 3".into())
        );
    }

    #[cfg(unix)]
    #[test]
    fn drafts_and_their_folders_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("drafts");
        let store = DraftStore::new(&root);
        std::fs::create_dir_all(root.join("p")).unwrap();
        for d in [&root, &root.join("p")] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        store.save("p", "1001/5001", &edited("Desk 2")).unwrap();
        store.save("q", "1001/5001", &edited("Desk 2")).unwrap();
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("p")), 0o700);
        assert_eq!(mode(&root.join("q")), 0o700);
        assert_eq!(mode(&store.path("p", "1001/5001")), 0o600);
        let lock = store.claim("p", "1001/5001").unwrap();
        assert_eq!(mode(lock.path()), 0o600);
        let err = store.claim("p", "1001/5001").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "1001/5001 (p) is open in another rolo (pid {}); finish or quit there first",
                std::process::id()
            )
        );
        let lock_path = lock.path().to_path_buf();
        drop(lock);
        assert!(!lock_path.exists());
        assert!(store.claim("p", "1001/5001").is_ok());
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
