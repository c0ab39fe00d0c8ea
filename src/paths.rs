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
