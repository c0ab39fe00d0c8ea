//! Bodies past the display cap, saved whole into a private folder (the data folder's `bodies/`)
//! so that capping what is shown loses nothing. One file per distinct body: the editor formats
//! the raw pane again on every load and send, and the same 60 MiB answer must not be written
//! again each time. The folder keeps the `KEEP` most recently used files; older ones are
//! removed when a new one is saved.

use std::fs::{self, File, OpenOptions};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// How many saved bodies the folder keeps.
pub const KEEP: usize = 32;

const PREFIX: &str = "body-";
const SUFFIX: &str = ".txt";

/// Saves a (recorded, so redacted) body whole into a private file in `dir`, or names the file
/// already holding exactly these bytes.
pub fn save_body(body: &str, dir: &Path) -> io::Result<PathBuf> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    // The hash only names the file: a vendor able to forge a colliding body still gets a file
    // of its own, since the bytes are compared before a file is reused.
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    let stem = format!("{PREFIX}{:016x}-{}", hasher.finish(), body.len());
    let named = dir.join(format!("{stem}{SUFFIX}"));
    let path = match holds(&named, body.as_bytes()) {
        Ok(true) => {
            // Used again: the newest for the folder's pruning.
            if let Err(e) = File::options()
                .append(true)
                .open(&named)
                .and_then(|f| f.set_modified(SystemTime::now()))
            {
                tracing::warn!("could not mark {} as used: {e}", named.display());
            }
            return Ok(named);
        }
        Ok(false) if named.exists() => {
            dir.join(format!("{stem}-{}{SUFFIX}", uuid::Uuid::new_v4().simple()))
        }
        Ok(false) => named,
        Err(e) => return Err(e),
    };
    write_private(&path, body.as_bytes())?;
    prune(dir, KEEP);
    Ok(path)
}

/// Whether the file at `path` holds exactly `bytes` (false when there is no such file).
fn holds(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if file.metadata()?.len() != bytes.len() as u64 {
        return Ok(false);
    }
    let mut chunk = vec![0u8; 1 << 16];
    let mut at = 0;
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            return Ok(at == bytes.len());
        }
        if bytes.get(at..at + n) != Some(&chunk[..n]) {
            return Ok(false);
        }
        at += n;
    }
}

/// Writes a new file readable by its owner only; a half-written file is never left under the
/// final name (a reader sees the whole body or no file).
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let partial = path.with_extension(format!("partial-{}", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&partial)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| fs::rename(&partial, path));
    if written.is_err()
        && let Err(e) = fs::remove_file(&partial)
        && e.kind() != io::ErrorKind::NotFound
    {
        tracing::warn!("could not remove {}: {e}", partial.display());
    }
    written
}

/// Removes all but the `keep` most recently used saved bodies; a failure is logged, not fatal
/// (the body just saved is already on disk).
fn prune(dir: &Path, keep: usize) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!("could not list {}: {e}", dir.display());
            return;
        }
    };
    let mut saved: Vec<(SystemTime, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PREFIX) && name.ends_with(SUFFIX)
        })
        .filter_map(|entry| {
            let modified = entry.metadata().and_then(|m| m.modified()).ok()?;
            Some((modified, entry.path()))
        })
        .collect();
    if saved.len() <= keep {
        return;
    }
    saved.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    for (_, path) in saved.drain(keep..) {
        if let Err(e) = fs::remove_file(&path) {
            tracing::warn!(
                "could not remove the old saved body {}: {e}",
                path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved_files(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_same_body_saved_twice_is_one_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_body("{\"a\":1}", dir.path()).unwrap();
        let second = save_body("{\"a\":1}", dir.path()).unwrap();
        assert_eq!(first, second);
        assert_eq!(saved_files(dir.path()), vec![first.clone()]);
        assert_eq!(fs::read_to_string(&first).unwrap(), "{\"a\":1}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&first).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_file_under_the_name_with_other_bytes_is_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_body("one body", dir.path()).unwrap();
        // As if another body had hashed to the same name: same length, other bytes.
        fs::write(&first, "two body").unwrap();
        let second = save_body("one body", dir.path()).unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read_to_string(&second).unwrap(), "one body");
        assert_eq!(fs::read_to_string(&first).unwrap(), "two body");
    }

    #[test]
    fn the_folder_keeps_the_most_recently_used_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let oldest = save_body("body 0", dir.path()).unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000);
        File::options()
            .append(true)
            .open(&oldest)
            .unwrap()
            .set_modified(old)
            .unwrap();
        for n in 1..=KEEP {
            save_body(&format!("body {n}"), dir.path()).unwrap();
        }
        let files = saved_files(dir.path());
        assert_eq!(files.len(), KEEP);
        assert!(!files.contains(&oldest), "the oldest is removed");
    }
}
