//! The sandbox's contacts, in memory, with an optional state file that keeps updated contacts
//! across restarts. The file is replaced atomically (temp file, fsync, rename), so a killed
//! sandbox leaves either the old file or the new one, never a torn one.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::seed;

/// One stored contact. `revision` grows on every update and makes the ETag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    pub revision: u64,
    pub record: Json,
}

impl Contact {
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.revision)
    }
}

/// What the state file holds: every contact that was updated, by vendor and key.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct StateFile {
    pub format: u32,
    pub contacts: BTreeMap<String, BTreeMap<String, Contact>>,
}

const STATE_FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the state file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the state file {path} is not a sandbox state file ({reason}); move it away or pass another --state"
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error("cannot write the state file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One vendor's contacts. The generated ones are derived from their index when asked for
/// (`seed`); only the ones written (or restored from the state file) are held.
#[derive(Debug, Default)]
struct Book {
    /// The fixtures, then restored contacts that are neither fixtures nor generated.
    held: IndexMap<String, Contact>,
    /// Generated contacts that were written or restored, by index.
    written: BTreeMap<usize, Contact>,
}

impl Book {
    /// A vendor's fixtures, nothing written yet.
    fn seeded(vendor: &str) -> Self {
        let held = seed::fixtures(vendor)
            .into_iter()
            .map(|(key, record)| {
                let contact = Contact {
                    revision: 1,
                    record,
                };
                (key, contact)
            })
            .collect();
        Self {
            held,
            written: BTreeMap::new(),
        }
    }
}

/// A contact in list order, as cheaply as the ledger can give it.
pub enum Listed<'a> {
    /// In memory: a fixture, a written or a restored contact.
    Held {
        key: Cow<'a, str>,
        contact: &'a Contact,
    },
    /// A generated contact as it was generated: `seed::generated_record(vendor, index)`.
    Derived { key: String, index: usize },
}

impl Listed<'_> {
    pub fn key(&self) -> &str {
        match self {
            Listed::Held { key, .. } => key,
            Listed::Derived { key, .. } => key,
        }
    }
}

#[derive(Debug, Default)]
pub struct Ledger {
    /// Per vendor; a vendor's fixtures are parsed when its book is first used (the editor's
    /// demo asks one vendor, and parsing all five was a tenth of its start-up, issue 18).
    books: BTreeMap<String, OnceLock<Book>>,
    /// Keys updated since start (or loaded from the state file), per vendor.
    changed: BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Generated contacts per vendor (`seed::GENERATED`, or `rolo sandbox --generated N`).
    generated: usize,
}

impl Ledger {
    /// The fixtures and the generated contacts (derived, so nothing is built for them here).
    pub fn seeded(vendors: &[&str], generated: usize) -> Self {
        Self {
            books: vendors
                .iter()
                .map(|vendor| (vendor.to_string(), OnceLock::new()))
                .collect(),
            generated,
            ..Self::default()
        }
    }

    fn book(&self, vendor: &str) -> Option<&Book> {
        let cell = self.books.get(vendor)?;
        Some(cell.get_or_init(|| Book::seeded(vendor)))
    }

    /// The books alone, so that the ledger's other fields stay free to borrow.
    fn book_mut<'b>(
        books: &'b mut BTreeMap<String, OnceLock<Book>>,
        vendor: &str,
    ) -> Option<&'b mut Book> {
        let cell = books.get_mut(vendor)?;
        cell.get_or_init(|| Book::seeded(vendor));
        cell.get_mut()
    }

    /// The contact under `key`; a generated one not written yet is derived.
    pub fn get(&self, vendor: &str, key: &str) -> Option<Cow<'_, Contact>> {
        let book = self.book(vendor)?;
        if let Some(contact) = book.held.get(key) {
            return Some(Cow::Borrowed(contact));
        }
        let index = seed::generated_index(vendor, key, self.generated)?;
        Some(match book.written.get(&index) {
            Some(contact) => Cow::Borrowed(contact),
            None => Cow::Owned(Contact {
                revision: 1,
                record: seed::generated_record(vendor, index),
            }),
        })
    }

    /// The contact under `key`, to change: a generated one is held from now on.
    pub fn get_mut(&mut self, vendor: &str, key: &str) -> Option<&mut Contact> {
        let generated = self.generated;
        let book = Self::book_mut(&mut self.books, vendor)?;
        if book.held.contains_key(key) {
            return book.held.get_mut(key);
        }
        let index = seed::generated_index(vendor, key, generated)?;
        Some(book.written.entry(index).or_insert_with(|| Contact {
            revision: 1,
            record: seed::generated_record(vendor, index),
        }))
    }

    /// Contacts of a vendor in ledger order (fixtures, restored others, generated); with a
    /// scope, only keys under `scope/`. Generated contacts never written come as `Derived`.
    pub fn list<'a>(
        &'a self,
        vendor: &'a str,
        scope: Option<&'a str>,
    ) -> impl Iterator<Item = Listed<'a>> + 'a {
        let book = self.book(vendor);
        let held = book
            .into_iter()
            .flat_map(|b| b.held.iter())
            .map(|(key, contact)| Listed::Held {
                key: Cow::Borrowed(key.as_str()),
                contact,
            });
        let generated = book
            .into_iter()
            .flat_map(|_| 1..=self.generated)
            .map(move |index| {
                let key = seed::generated_key(vendor, index);
                match book.and_then(|b| b.written.get(&index)) {
                    Some(contact) => Listed::Held {
                        key: Cow::Owned(key),
                        contact,
                    },
                    None => Listed::Derived { key, index },
                }
            });
        held.chain(generated).filter(move |listed| match scope {
            None => true,
            Some(prefix) => listed
                .key()
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/')),
        })
    }

    /// Generated contacts per vendor.
    pub fn generated(&self) -> usize {
        self.generated
    }

    /// The contacts of a vendor held in memory (fixtures, written, restored), with their keys.
    pub fn held<'a>(&'a self, vendor: &'a str) -> impl Iterator<Item = (String, &'a Contact)> {
        let book = self.book(vendor);
        let held = book
            .into_iter()
            .flat_map(|b| b.held.iter())
            .map(|(key, contact)| (key.clone(), contact));
        let written = book
            .into_iter()
            .flat_map(|b| b.written.iter())
            .map(move |(index, contact)| (seed::generated_key(vendor, *index), contact));
        held.chain(written)
    }

    pub fn mark_changed(&mut self, vendor: &str, key: &str) {
        self.changed
            .entry(vendor.to_string())
            .or_default()
            .insert(key.to_string());
    }

    /// The updated contacts, for the state file.
    pub fn snapshot(&self) -> StateFile {
        let mut file = StateFile {
            format: STATE_FORMAT,
            contacts: BTreeMap::new(),
        };
        for (vendor, keys) in &self.changed {
            let out = file.contacts.entry(vendor.clone()).or_default();
            for key in keys {
                if let Some(contact) = self.get(vendor, key) {
                    out.insert(key.clone(), contact.into_owned());
                }
            }
        }
        file
    }

    /// Puts the contacts of a state file over the seeded ones.
    pub fn restore(&mut self, state: StateFile) {
        for (vendor, contacts) in state.contacts {
            let generated = self.generated;
            let Some(book) = Self::book_mut(&mut self.books, &vendor) else {
                continue;
            };
            for (key, contact) in contacts {
                match seed::generated_index(&vendor, &key, generated) {
                    Some(index) if !book.held.contains_key(&key) => {
                        book.written.insert(index, contact);
                    }
                    _ => {
                        book.held.insert(key.clone(), contact);
                    }
                }
                self.changed.entry(vendor.clone()).or_default().insert(key);
            }
        }
    }
}

/// Reads a state file; a missing file is an empty state.
pub fn load_state(path: &Path) -> Result<Option<StateFile>, StateError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StateError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let state: StateFile = serde_json::from_str(&text).map_err(|e| StateError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if state.format != STATE_FORMAT {
        return Err(StateError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("format {} is not {STATE_FORMAT}", state.format),
        });
    }
    Ok(Some(state))
}

/// Replaces the state file atomically (temp file, fsync, rename, fsync the folder).
pub fn save_state(path: &Path, state: &StateFile) -> Result<(), StateError> {
    let fail = |source| StateError::Write {
        path: path.to_path_buf(),
        source,
    };
    let bytes = serde_json::to_vec(state).map_err(|e| fail(std::io::Error::other(e)))?;
    // The same atomic writer as rolo's drafts: a file write judges nothing about the client.
    crate::store::write_atomically(path, &bytes).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_contacts_are_derived_until_written() {
        let mut ledger = Ledger::seeded(&["cro"], seed::GENERATED);
        let key = seed::generated_key("cro", 7);
        let read = ledger.get("cro", &key).unwrap();
        assert!(matches!(read, Cow::Owned(_)), "derived, not held");
        assert_eq!(read.record, seed::generated_record("cro", 7));
        let fixtures: Vec<String> = seed::fixtures("cro").into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            ledger.held("cro").count(),
            fixtures.len(),
            "the fixtures only"
        );

        ledger.get_mut("cro", &key).unwrap().revision = 2;
        ledger.mark_changed("cro", &key);
        assert!(matches!(ledger.get("cro", &key), Some(Cow::Borrowed(_))));
        let held: Vec<String> = ledger.held("cro").map(|(k, _)| k).collect();
        let mut expected = fixtures.clone();
        expected.push(key.clone());
        assert_eq!(held, expected);
        // The written one keeps its place in the list.
        let listed: Vec<String> = ledger
            .list("cro", None)
            .map(|l| l.key().to_string())
            .take(fixtures.len() + 7)
            .collect();
        assert_eq!(listed[fixtures.len() + 6], key);
        assert!(ledger.get("cro", "1001/7001").is_none());

        let mut restored = Ledger::seeded(&["cro"], seed::GENERATED);
        restored.restore(ledger.snapshot());
        assert_eq!(restored.get("cro", &key).unwrap().revision, 2);
        assert_eq!(restored.held("cro").count(), fixtures.len() + 1);
    }
}
