//! The history of confirmed updates made from this machine: one JSON line per update, appended
//! whole and always on a line of its own. Secret fields' values are written as `***`. A line
//! that cannot be read is skipped and told, never the end of the history.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::private::{private_dir, private_file, private_options};
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

/// What `History::read` found: the entries it could read, and the lines it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryListing {
    pub entries: Vec<HistoryEntry>,
    pub skipped: Vec<SkippedLine>,
}

/// A history line that could not be read (cut short by a crash or a full disk, or damaged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path} line {line} cannot be read ({reason}); it is skipped")]
pub struct SkippedLine {
    pub path: String,
    pub line: usize,
    pub reason: String,
}

impl History {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Appends one entry as one line, written whole and synced. The line always starts a line
    /// of its own: after a torn last line (full disk, crash) a newline goes first, so the torn
    /// one cannot swallow this entry.
    pub fn append(&self, entry: &HistoryEntry) -> std::io::Result<()> {
        self.append_all(&[entry])
    }

    /// Appends entries, one line each, with one sync for all (a batch's rows).
    pub fn append_all(&self, entries: &[&HistoryEntry]) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_dir(dir)?;
        }
        let mut lines = Vec::new();
        for entry in entries {
            serde_json::to_writer(&mut lines, entry).map_err(std::io::Error::other)?;
            lines.push(b'\n');
        }
        let mut file = private_options()
            .create(true)
            .read(true)
            .append(true)
            .open(&self.path)?;
        private_file(&self.path)?;
        // Held while checking the last byte and writing, so two rolo processes appending at
        // once cannot both decide the file ends mid-line.
        file.lock()?;
        if file.metadata()?.len() > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::End(-1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                lines.insert(0, b'\n');
            }
        }
        file.write_all(&lines)?;
        file.sync_data()
    }

    /// Entries, oldest first, for a profile and/or reference, and every line that could not be
    /// read (with its number) instead of failing the whole file.
    pub fn read(
        &self,
        profile: Option<&str>,
        reference: Option<&str>,
    ) -> std::io::Result<HistoryListing> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(HistoryListing::default());
            }
            Err(e) => return Err(e),
        };
        let mut listing = HistoryListing::default();
        for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let skip = |reason: String| SkippedLine {
                path: self.path.display().to_string(),
                line: i + 1,
                reason,
            };
            let entry = match std::str::from_utf8(raw) {
                Err(_) => Err(skip("not UTF-8".into())),
                Ok(text) => serde_json::from_str::<HistoryEntry>(text).map_err(|e| {
                    skip(if e.is_eof() {
                        "cut short".into()
                    } else {
                        e.to_string()
                    })
                }),
            };
            match entry {
                Ok(e) => {
                    if profile.is_none_or(|p| e.profile == p)
                        && reference.is_none_or(|r| e.reference == r)
                    {
                        listing.entries.push(e);
                    }
                }
                Err(skipped) => listing.skipped.push(skipped),
            }
        }
        Ok(listing)
    }

    /// `read`'s entries only. Prefer `read`, whose skipped lines the user can be told.
    pub fn list(
        &self,
        profile: Option<&str>,
        reference: Option<&str>,
    ) -> std::io::Result<Vec<HistoryEntry>> {
        Ok(self.read(profile, reference)?.entries)
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

    fn entry(reference: &str) -> HistoryEntry {
        let change = Change {
            field: "fax".into(),
            secret: false,
            before: Value::text("1"),
            after: Value::text("2"),
        };
        HistoryEntry::new("p1", "cro", reference, 200, &[change])
    }

    #[test]
    fn an_append_after_a_torn_line_starts_a_line_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let history = History::new(&path);
        history.append(&entry("1001/5001")).unwrap();
        // A full disk cut the second entry short.
        let torn = serde_json::to_vec(&entry("1001/5002")).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(&torn[..torn.len() / 2])
            .unwrap();
        history.append(&entry("1001/5003")).unwrap();
        let listing = history.read(None, None).unwrap();
        let references: Vec<_> = listing
            .entries
            .iter()
            .map(|e| e.reference.as_str())
            .collect();
        assert_eq!(references, ["1001/5001", "1001/5003"]);
        assert_eq!(listing.skipped.len(), 1);
        assert_eq!(listing.skipped[0].line, 2);
        assert!(
            listing.skipped[0]
                .to_string()
                .ends_with("history.jsonl line 2 cannot be read (cut short); it is skipped"),
            "{}",
            listing.skipped[0]
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_or_not_json_is_skipped_and_told() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let history = History::new(&path);
        history.append(&entry("1001/5001")).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"time\": \"\xff\xfe\"}\n[1, 2]\n\n");
        std::fs::write(&path, &bytes).unwrap();
        history.append(&entry("1001/5002")).unwrap();
        let listing = history.read(None, None).unwrap();
        assert_eq!(listing.entries.len(), 2);
        let lines: Vec<(usize, &str)> = listing
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(lines[0], (2, "not UTF-8"));
        assert_eq!(lines[1].0, 3);
        assert_eq!(lines.len(), 2, "the blank line is not a problem");
        assert_eq!(history.list(None, Some("1001/5002")).unwrap().len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_history_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let path = data.join("history.jsonl");
        let history = History::new(&path);
        history.append(&entry("1001/5001")).unwrap();
        assert_eq!((mode(&data), mode(&path)), (0o700, 0o600));
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        history.append(&entry("1001/5002")).unwrap();
        assert_eq!((mode(&data), mode(&path)), (0o700, 0o600));
    }
}
