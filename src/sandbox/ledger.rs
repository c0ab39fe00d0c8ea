//! The sandbox's contacts, in memory, with an optional state file that keeps updated contacts
//! across restarts. The file is replaced atomically (temp file, fsync, rename), so a killed
//! sandbox leaves either the old file or the new one, never a torn one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

#[derive(Debug, Default)]
pub struct Ledger {
    vendors: BTreeMap<String, IndexMap<String, Contact>>,
    /// Keys updated since start (or loaded from the state file), per vendor.
    changed: BTreeMap<String, std::collections::BTreeSet<String>>,
}

impl Ledger {
    /// The fixtures only: what the sandbox serves from its first moment.
    pub fn fixtures(vendors: &[&str]) -> Self {
        let mut ledger = Self::default();
        for vendor in vendors {
            let contacts = ledger.vendors.entry(vendor.to_string()).or_default();
            for (key, record) in seed::fixtures(vendor) {
                contacts.insert(
                    key,
                    Contact {
                        revision: 1,
                        record,
                    },
                );
            }
        }
        ledger
    }

    /// Adds generated contacts; a key already there (restored from the state file) is kept.
    pub fn add_generated(&mut self, vendor: &str, generated: Vec<(String, Json)>) {
        let contacts = self.vendors.entry(vendor.to_string()).or_default();
        for (key, record) in generated {
            contacts.entry(key).or_insert(Contact {
                revision: 1,
                record,
            });
        }
    }

    pub fn get(&self, vendor: &str, key: &str) -> Option<&Contact> {
        self.vendors.get(vendor)?.get(key)
    }

    pub fn get_mut(&mut self, vendor: &str, key: &str) -> Option<&mut Contact> {
        self.vendors.get_mut(vendor)?.get_mut(key)
    }

    /// Contacts of a vendor in ledger order; with a scope, only keys under `scope/`.
    pub fn list<'a>(
        &'a self,
        vendor: &str,
        scope: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a String, &'a Contact)> + 'a {
        self.vendors
            .get(vendor)
            .into_iter()
            .flat_map(|contacts| contacts.iter())
            .filter(move |(key, _)| match scope {
                None => true,
                Some(prefix) => key
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/')),
            })
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
                    out.insert(key.clone(), contact.clone());
                }
            }
        }
        file
    }

    /// Puts the contacts of a state file over the seeded ones.
    pub fn restore(&mut self, state: StateFile) {
        for (vendor, contacts) in state.contacts {
            let Some(stored) = self.vendors.get_mut(&vendor) else {
                continue;
            };
            for (key, contact) in contacts {
                stored.insert(key.clone(), contact);
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
