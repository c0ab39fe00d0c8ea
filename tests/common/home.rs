//! The one way tests start a rolo process: `Home`, a temp dir that holds everything the process
//! may read or write. Every folder variable rolo (or a crate it uses) reads points inside it,
//! and the developer's own `ROLO_*` variables are dropped, so no test touches the real config,
//! data, drafts or history of whoever runs it.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::pty::Tty;

/// The folder variables and where each points, relative to the temp dir. `ROLO_CONFIG_DIR`,
/// `ROLO_DATA_DIR` and `ROLO_STATE_DIR` (the log) are rolo's own (src/paths.rs); HOME and XDG_* are what the `directories`
/// crate, the keyring and a shell-run secret command would otherwise use; TMPDIR keeps temp
/// files in too.
const FOLDERS: [(&str, &str); 10] = [
    ("HOME", ""),
    ("XDG_CONFIG_HOME", "xdg-config"),
    ("XDG_DATA_HOME", "xdg-data"),
    ("XDG_STATE_HOME", "xdg-state"),
    ("XDG_CACHE_HOME", "xdg-cache"),
    ("XDG_RUNTIME_DIR", "xdg-runtime"),
    ("TMPDIR", "tmp"),
    ("ROLO_CONFIG_DIR", "config"),
    ("ROLO_DATA_DIR", "data"),
    ("ROLO_STATE_DIR", "state"),
];

/// A private home for the rolo processes of one test.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        for (_, sub) in FOLDERS {
            std::fs::create_dir_all(dir.path().join(sub)).expect("a folder in the temp dir");
        }
        // XDG_RUNTIME_DIR must be private to its user (the XDG base directory spec).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let runtime = dir.path().join("xdg-runtime");
            std::fs::set_permissions(runtime, std::fs::Permissions::from_mode(0o700))
                .expect("xdg-runtime is ours");
        }
        Home { dir }
    }

    /// The temp dir (HOME of the processes).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_dir(&self) -> PathBuf {
        self.path().join("config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path().join("data")
    }

    /// Writes `config.toml` (owner-only, as a file holding secrets should be).
    pub fn write_config(&self, text: &str) {
        std::fs::create_dir_all(self.config_dir()).expect("the config folder");
        let path = self.config_dir().join("config.toml");
        std::fs::write(&path, text).expect("config.toml is written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .expect("config.toml is ours");
        }
    }

    /// The environment changes for a process: the developer's `ROLO_*` variables to remove,
    /// then the folders to set. (`ROLO_SANDBOX_URL`, removed with the rest, is `Vendor`'s to set:
    /// it points the built-in profiles at the test's own sandbox.)
    pub fn env(&self) -> (Vec<OsString>, Vec<(String, OsString)>) {
        let remove = std::env::vars_os()
            .map(|(name, _)| name)
            .filter(|name| name.to_string_lossy().starts_with("ROLO_"))
            .collect();
        let set = FOLDERS
            .iter()
            .map(|(name, sub)| (name.to_string(), self.path().join(sub).into_os_string()))
            .collect();
        (remove, set)
    }

    /// rolo as a plain process (no terminal) with `extra` variables on top; run it with
    /// `.output()` or `.spawn()`.
    pub fn command(&self, args: &[&str], extra: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolo"));
        cmd.args(args);
        let (remove, set) = self.env();
        for name in remove {
            cmd.env_remove(name);
        }
        for (name, value) in set {
            cmd.env(name, value);
        }
        for (name, value) in extra {
            cmd.env(name, value);
        }
        cmd
    }

    /// Runs rolo to the end and returns what it printed.
    pub fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        self.command(args, extra).output().expect("rolo runs")
    }

    /// rolo in a pseudo-terminal of `rows`×`cols`.
    pub fn pty(&self, args: &[&str], extra: &[(&str, &str)], rows: u16, cols: u16) -> Tty {
        let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_rolo"));
        cmd.args(args);
        self.pty_command(cmd, extra, rows, cols)
    }

    /// rolo in a pseudo-terminal, started by a shell as a terminal's window starts it: the
    /// shell, not rolo, leads the session (and alone gets SIGHUP when the window closes). The
    /// shell waits for rolo and writes its exit code to `exit_file`.
    pub fn pty_under_shell(
        &self,
        args: &[&str],
        extra: &[(&str, &str)],
        exit_file: &Path,
        rows: u16,
        cols: u16,
    ) -> Tty {
        let mut cmd = portable_pty::CommandBuilder::new("/bin/sh");
        cmd.args(["-c", r#"trap : HUP; "$0" "$@"; echo $? > "$EXIT_FILE""#]);
        cmd.arg(env!("CARGO_BIN_EXE_rolo"));
        cmd.args(args);
        cmd.env("EXIT_FILE", exit_file);
        self.pty_command(cmd, extra, rows, cols)
    }

    fn pty_command(
        &self,
        mut cmd: portable_pty::CommandBuilder,
        extra: &[(&str, &str)],
        rows: u16,
        cols: u16,
    ) -> Tty {
        cmd.env("TERM", "xterm-256color");
        let (remove, set) = self.env();
        for name in remove {
            cmd.env_remove(name);
        }
        for (name, value) in set {
            cmd.env(name, value);
        }
        for (name, value) in extra {
            cmd.env(name, value);
        }
        Tty::spawn(cmd, rows, cols)
    }

    /// Every file under the temp dir, as text.
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        let mut stack = vec![self.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
        }
        out.sort();
        out
    }
}
