//! One rolo per contact: an OS advisory lock on `<reference>.lock` beside the draft. The lock
//! dies with its holder, `kill -9` included, so a crash never leaves a contact locked; the
//! holder's pid is written inside only to say who holds it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::drafts::DraftError;
use super::private::private_options;

/// This process's claim on one contact of one profile; released when dropped.
#[derive(Debug)]
pub struct ContactLock {
    file: File,
    path: PathBuf,
}

impl ContactLock {
    /// Takes the lock at `path`, or says which process holds it.
    pub(super) fn acquire(path: PathBuf, contact: &str) -> Result<Self, DraftError> {
        let io = |doing: &'static str| {
            let path = path.clone();
            move |source| DraftError::Io {
                doing,
                path,
                source,
            }
        };
        loop {
            let mut file = private_options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io("open the lock file"))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(DraftError::Busy {
                        contact: contact.to_string(),
                        pid: holder(&mut file),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io("lock")(e)),
            }
            // The previous holder unlinks the file before letting go; a lock taken on a file
            // that is no longer at `path` guards nothing, so open the new one and try again.
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(io("write the lock file"))?;
            file.write_all(format!("{}\n", std::process::id()).as_bytes())
                .map_err(io("write the lock file"))?;
            return Ok(Self { file, path });
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ContactLock {
    fn drop(&mut self) {
        // Unlinked while still held, so a process that opened it meanwhile sees a stale file and
        // retries. Nothing to report if this fails: a leftover file holds no lock once `file`
        // closes below, and the next claim reuses it.
        if same_file(&self.file, &self.path)
            && let Err(e) = std::fs::remove_file(&self.path)
        {
            tracing::debug!("lock file {} left behind: {e}", self.path.display());
        }
    }
}

/// The pid written by the lock's holder (absent if it has not written it yet).
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    // An open file cannot be unlinked here, so the file at `path` is the one locked.
    path.exists()
}
