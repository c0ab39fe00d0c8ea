//! Where rolo keeps its files.

use std::path::PathBuf;

/// rolo's config folder: `ROLO_CONFIG_DIR` when set (tests, portable setups), else the
/// platform's folder from `directories` (`~/.config/rolo` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ROLO_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "rolo").map(|dirs| dirs.config_dir().to_path_buf())
}

/// The folder of user vendor specs: `vendors/` in the config folder.
pub fn user_vendor_dir() -> Option<PathBuf> {
    config_dir().map(|dir| dir.join("vendors"))
}

/// rolo's data folder (drafts, history): `ROLO_DATA_DIR` when set, else the platform's folder
/// (`~/.local/share/rolo` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ROLO_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "rolo").map(|dirs| dirs.data_dir().to_path_buf())
}

/// rolo's state folder (the log file): `ROLO_STATE_DIR` when set, else the XDG state folder
/// (`~/.local/state/rolo` on Linux; the data folder where a platform has no state folder).
pub fn state_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ROLO_STATE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("", "", "rolo")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

pub fn drafts() -> Option<crate::store::DraftStore> {
    data_dir().map(|d| crate::store::DraftStore::new(d.join("drafts")))
}

pub fn history() -> Option<crate::store::History> {
    data_dir().map(|d| crate::store::History::new(d.join("history.jsonl")))
}
