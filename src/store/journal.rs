//! A batch's journal: one JSON line per event, appended whole and synced before `apply` goes on,
//! next to the plan (`PLAN.journal`). `apply` writes "sending" before a row's request leaves
//! and the row's outcome once it is confirmed; after a crash, a row with "sending" and no
//! outcome is unknown and is settled by re-reading before anything is resent. A torn last line
//! (a crash mid-append) is passed over, as in history.jsonl.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum JournalEntry {
    /// The row's request is about to leave (with this `If-Match`): its outcome is unknown
    /// until an `Outcome` line.
    Sending {
        row: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        if_match: Option<String>,
    },
    /// The row's outcome, confirmed.
    Outcome(RowOutcome),
}

/// A row's confirmed outcome, as the results CSV shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub row: u64,
    pub reference: String,
    /// ok, unchanged, conflict, invalid, not_found or failed.
    pub outcome: String,
    pub status: Option<u16>,
    pub message: String,
    /// The applied changes as `[{"field","old","new","secret"}]` (for `plan --undo`).
    #[serde(default)]
    pub changes: serde_json::Value,
}

/// What a journal says so far.
#[derive(Debug, Default)]
pub struct JournalState {
    /// Rows with a confirmed outcome.
    pub done: HashSet<u64>,
    /// Rows that were being sent when the journal ends, with no outcome: unknown, with the
    /// `If-Match` of the last request that may have left.
    pub unknown: HashMap<u64, Option<String>>,
}

/// An open journal, appending.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// The journal of a plan file: `PLAN.journal` beside it.
    pub fn path_for(plan: &Path) -> PathBuf {
        let mut name = plan.as_os_str().to_owned();
        name.push(".journal");
        PathBuf::from(name)
    }

    /// Opens (creating) the journal for appending. A torn last line is ended first, so the
    /// next entry starts on a line of its own.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        let len = file.metadata()?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
                file.sync_data()?;
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line and syncs it to disk before returning.
    pub fn append(&mut self, entry: &JournalEntry) -> std::io::Result<()> {
        self.write(entry)?;
        self.sync()
    }

    /// Appends one entry as one line, not yet synced (`sync` makes a group of them durable).
    pub fn write(&mut self, entry: &JournalEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)
    }

    pub fn sync(&mut self) -> std::io::Result<()> {
        self.file.sync_data()
    }

    /// A second handle on the file, to sync from another thread: syncs running at once
    /// cover every line written before them, so rows in flight share their syncs.
    pub fn sync_handle(&self) -> std::io::Result<File> {
        self.file.try_clone()
    }
}

/// Reads a journal line by line (never whole); a missing file is an empty journal.
pub fn read_state(path: &Path) -> std::io::Result<JournalState> {
    let mut state = JournalState::default();
    for_each_outcome(path, |_, _| {}, Some(&mut state))?;
    Ok(state)
}

/// Calls `each` with every confirmed outcome, in the order written (the first per row wins:
/// a row has one outcome).
pub fn outcomes(path: &Path, mut each: impl FnMut(RowOutcome)) -> std::io::Result<()> {
    for_each_outcome(path, |outcome, _| each(outcome), None)
}

/// As `outcomes`, in row order (a plan's order) rather than the order rows finished in. The
/// outcomes are not held: only where each one's line is (24 bytes a row), and each line is
/// read again from there.
pub fn outcomes_by_row(path: &Path, mut each: impl FnMut(RowOutcome)) -> std::io::Result<()> {
    let mut places: Vec<(u64, Place)> = Vec::new();
    for_each_outcome(
        path,
        |outcome, place| places.push((outcome.row, place)),
        None,
    )?;
    places.sort_unstable_by_key(|(row, _)| *row);
    let mut file = File::open(path)?;
    let mut line = Vec::new();
    for (_, place) in places {
        file.seek(SeekFrom::Start(place.offset))?;
        line.resize(place.len as usize, 0);
        file.read_exact(&mut line)?;
        match serde_json::from_slice(&line) {
            Ok(JournalEntry::Outcome(outcome)) => each(outcome),
            _ => {
                return Err(std::io::Error::other(format!(
                    "the journal {} changed while it was read",
                    path.display()
                )));
            }
        }
    }
    Ok(())
}

/// Where a line is in the journal.
#[derive(Debug, Clone, Copy)]
struct Place {
    offset: u64,
    len: u32,
}

fn for_each_outcome(
    path: &Path,
    mut each: impl FnMut(RowOutcome, Place),
    state: Option<&mut JournalState>,
) -> std::io::Result<()> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut done = HashSet::new();
    let mut sending: HashMap<u64, Option<String>> = HashMap::new();
    let mut offset = 0u64;
    for line in BufReader::new(file).split(b'\n') {
        let line = line?;
        let place = Place {
            offset,
            len: u32::try_from(line.len()).unwrap_or(u32::MAX),
        };
        offset += line.len() as u64 + 1;
        let Ok(entry) = serde_json::from_slice::<JournalEntry>(&line) else {
            continue;
        };
        match entry {
            JournalEntry::Sending { row, if_match } => {
                // A later line without a tag (the row queued again) keeps the tag sent before.
                let last = sending.entry(row).or_default();
                if if_match.is_some() {
                    *last = if_match;
                }
            }
            JournalEntry::Outcome(outcome) => {
                sending.remove(&outcome.row);
                if done.insert(outcome.row) {
                    each(outcome, place);
                }
            }
        }
    }
    if let Some(state) = state {
        state.unknown = sending
            .into_iter()
            .filter(|(r, _)| !done.contains(r))
            .collect();
        state.done = done;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(row: u64) -> JournalEntry {
        JournalEntry::Outcome(RowOutcome {
            row,
            reference: format!("r{row}"),
            outcome: "ok".into(),
            status: Some(200),
            message: String::new(),
            changes: serde_json::Value::Null,
        })
    }

    #[test]
    fn sending_without_outcome_is_unknown_and_torn_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.journal");
        let mut journal = Journal::open(&path).unwrap();
        let sending = |row, tag: Option<&str>| JournalEntry::Sending {
            row,
            if_match: tag.map(str::to_string),
        };
        journal.append(&sending(1, None)).unwrap();
        journal.append(&outcome(1)).unwrap();
        journal.append(&sending(2, Some("\"4\""))).unwrap();
        journal.append(&sending(2, None)).unwrap();
        drop(journal);
        // A crash mid-append leaves a torn line.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"event\":\"outco")
            .unwrap();
        let state = read_state(&path).unwrap();
        assert_eq!(state.done, HashSet::from([1]));
        assert_eq!(
            state.unknown,
            HashMap::from([(2, Some("\"4\"".to_string()))]),
            "the tag last sent"
        );
        // Reopened, the next entry starts on its own line and is read.
        let mut journal = Journal::open(&path).unwrap();
        journal.append(&outcome(2)).unwrap();
        journal.append(&outcome(2)).unwrap();
        let state = read_state(&path).unwrap();
        assert_eq!(state.done, HashSet::from([1, 2]));
        assert!(state.unknown.is_empty());
        let mut seen = Vec::new();
        outcomes(&path, |o| seen.push(o.row)).unwrap();
        assert_eq!(seen, vec![1, 2], "one outcome per row");
    }

    #[test]
    fn outcomes_by_row_come_in_row_order_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.journal");
        let mut journal = Journal::open(&path).unwrap();
        for row in [3, 1, 4, 2, 1] {
            journal
                .append(&JournalEntry::Sending {
                    row,
                    if_match: None,
                })
                .unwrap();
            journal.append(&outcome(row)).unwrap();
        }
        let mut written = Vec::new();
        outcomes(&path, |o| written.push(o.row)).unwrap();
        assert_eq!(written, vec![3, 1, 4, 2], "as finished");
        let mut by_row = Vec::new();
        outcomes_by_row(&path, |o| by_row.push((o.row, o.reference))).unwrap();
        let expected: Vec<(u64, String)> = (1..=4).map(|r| (r, format!("r{r}"))).collect();
        assert_eq!(by_row, expected);
    }
}
