//! The history of confirmed updates made from this machine: one JSON line per update, appended
//! whole. Secret fields' values are written as `***`.

use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::edit::{Change, Value};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// A secret field: its values are not kept.
    #[serde(default)]
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub time: String,
    pub profile: String,
    pub vendor: String,
    pub reference: String,
    pub status: u16,
    pub changes: Vec<HistoryChange>,
}

const MASK: &str = "***";

impl HistoryChange {
    /// The changes as kept on disk: secret fields' values written as `***`.
    pub fn masked(changes: &[Change]) -> Vec<HistoryChange> {
        let keep = |v: &Value, secret: bool| match v {
            Value::Null => None,
            Value::Text(_) if secret => Some(MASK.to_string()),
            Value::Text(t) => Some(t.clone()),
        };
        changes
            .iter()
            .map(|c| HistoryChange {
                field: c.field.clone(),
                old: keep(&c.before, c.secret),
                new: keep(&c.after, c.secret),
                secret: c.secret,
            })
            .collect()
    }
}

impl HistoryEntry {
    pub fn new(
        profile: &str,
        vendor: &str,
        reference: &str,
        status: u16,
        changes: &[Change],
    ) -> Self {
        Self {
            time: OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok())
                .unwrap_or_default(),
            profile: profile.into(),
            vendor: vendor.into(),
            reference: reference.into(),
            status,
            changes: HistoryChange::masked(changes),
        }
    }

    /// One line for `rolo history`.
    pub fn describe(&self) -> String {
        let show = |v: &Option<String>| {
            v.as_deref()
                .map_or("null".to_string(), |t| format!("{t:?}"))
        };
        let changes: Vec<String> = self
            .changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.field, show(&c.old), show(&c.new)))
            .collect();
        format!(
            "{}  {}  {}  HTTP {}  {}",
            self.time,
            self.profile,
            self.reference,
            self.status,
            changes.join("; ")
        )
    }
}

#[derive(Debug, Clone)]
pub struct History {
    path: PathBuf,
}

impl History {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Appends one entry as one line, written whole and synced.
    pub fn append(&self, entry: &HistoryEntry) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(&line)?;
        file.sync_data()
    }

    /// Appends entries, one line each, with one sync for all.
    pub fn append_all(&self, entries: &[&HistoryEntry]) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut lines = Vec::new();
        for entry in entries {
            serde_json::to_writer(&mut lines, entry).map_err(std::io::Error::other)?;
            lines.push(b'\n');
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(&lines)?;
        file.sync_data()
    }

    /// Entries, oldest first, for a profile and/or reference. A torn last line (a crash while
    /// appending) is passed over.
    pub fn list(
        &self,
        profile: Option<&str>,
        reference: Option<&str>,
    ) -> std::io::Result<Vec<HistoryEntry>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str::<HistoryEntry>(l).ok())
            .filter(|e| profile.is_none_or(|p| e.profile == p))
            .filter(|e| reference.is_none_or(|r| e.reference == r))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_lists_and_masks_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::new(dir.path().join("history.jsonl"));
        let changes = vec![
            Change {
                field: "fax".into(),
                secret: false,
                before: Value::text("1"),
                after: Value::text("2"),
            },
            Change {
                field: "e_password".into(),
                secret: true,
                before: Value::text("old-pw"),
                after: Value::text("new-pw"),
            },
        ];
        history
            .append(&HistoryEntry::new("p1", "cro", "1001/5001", 200, &changes))
            .unwrap();
        history
            .append(&HistoryEntry::new(
                "p2",
                "cro",
                "1001/5002",
                200,
                &changes[..1],
            ))
            .unwrap();
        // A torn line from a crash mid-append is skipped.
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("history.jsonl"))
            .unwrap()
            .write_all(b"{\"time\":")
            .unwrap();
        let all = history.list(None, None).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(history.list(Some("p1"), None).unwrap().len(), 1);
        assert_eq!(
            history.list(None, Some("1001/5002")).unwrap()[0].profile,
            "p2"
        );
        let text = std::fs::read_to_string(dir.path().join("history.jsonl")).unwrap();
        assert!(
            !text.contains("old-pw") && !text.contains("new-pw"),
            "{text}"
        );
        assert!(
            all[0]
                .describe()
                .contains("fax: \"1\" → \"2\"; e_password: \"***\" → \"***\""),
            "{}",
            all[0].describe()
        );
    }
}
