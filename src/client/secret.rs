//! Secrets: a type that cannot print itself, and where a profile's secret comes from.

use std::fmt;
use std::path::Path;
use std::process::{Command, Stdio};

/// A credential. It has no `Display`, its `Debug` prints `***`, and it cannot be serialized;
/// only the client, which sets the auth headers, can read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that writes it into a request.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a profile's secret comes from (config.toml `secret = …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `{ env = "NAME" }`
    Env(String),
    /// `{ command = "pass show x" }`: the first line of the command's output.
    Command(String),
    /// `{ keyring = "entry" }`: the OS keyring, service "rolo", user = entry.
    Keyring(String),
    /// `"value"`: only from a config file that only its owner can read.
    Literal(Secret),
    /// The built-in sandbox profiles' demo credentials.
    BuiltIn(Secret),
}

impl SecretSource {
    /// How the source is shown (`rolo profiles`): never the value.
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(name) => format!("env {name}"),
            SecretSource::Command(cmd) => format!("command `{cmd}`"),
            SecretSource::Keyring(entry) => format!("keyring {entry}"),
            SecretSource::Literal(_) => "in config.toml".to_string(),
            SecretSource::BuiltIn(_) => "sandbox demo credential".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("the secret's environment variable {0} is not set (or is empty)")]
    MissingEnv(String),
    #[error("the secret command `{command}` failed: {reason}")]
    Command { command: String, reason: String },
    #[error("the secret command `{0}` printed nothing")]
    EmptyCommand(String),
    #[error("no secret in the OS keyring for service \"rolo\", entry {entry:?}: {reason}")]
    Keyring { entry: String, reason: String },
    #[error(
        "{path} holds a literal secret but other users can read it (mode {mode:o}); run `chmod 600 {path}` or use secret = {{ env = \"…\" }}"
    )]
    PublicFile { path: String, mode: u32 },
}

/// Reads the secret. `config_path` is the file a literal came from, checked for privacy.
pub fn resolve(source: &SecretSource, config_path: Option<&Path>) -> Result<Secret, SecretError> {
    match source {
        SecretSource::Env(name) => match std::env::var(name) {
            Ok(v) if !v.is_empty() => Ok(Secret(v)),
            _ => Err(SecretError::MissingEnv(name.clone())),
        },
        SecretSource::Command(command) => run_command(command),
        SecretSource::Keyring(entry) => {
            // The keyring crate drives D-Bus on a runtime of its own, which must not start
            // inside ours: look it up on a thread of its own.
            let name = entry.clone();
            let found = std::thread::spawn(move || {
                keyring::Entry::new("rolo", &name).and_then(|e| e.get_password())
            })
            .join()
            .map_err(|_| SecretError::Keyring {
                entry: entry.clone(),
                reason: "the keyring lookup failed".into(),
            })?;
            found.map(Secret).map_err(|e| SecretError::Keyring {
                entry: entry.clone(),
                reason: e.to_string(),
            })
        }
        SecretSource::Literal(secret) => {
            if let Some(path) = config_path
                && let Some(mode) = public_mode(path)
            {
                return Err(SecretError::PublicFile {
                    path: path.display().to_string(),
                    mode,
                });
            }
            Ok(secret.clone())
        }
        SecretSource::BuiltIn(secret) => Ok(secret.clone()),
    }
}

/// The file's permission bits when group or others may read or write it.
#[cfg(unix)]
pub fn public_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
pub fn public_mode(_path: &Path) -> Option<u32> {
    None
}

fn run_command(command: &str) -> Result<Secret, SecretError> {
    let fail = |reason: String| SecretError::Command {
        command: command.to_string(),
        reason,
    };
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    // stderr goes to a pipe too: a password manager's prompt or error must not reach the TUI.
    let output = Command::new(shell)
        .args([flag, command])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| fail(e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("").trim();
        return Err(fail(
            format!("{} {first}", output.status).trim().to_string(),
        ));
    }
    let stdout =
        String::from_utf8(output.stdout).map_err(|_| fail("its output is not UTF-8".into()))?;
    let line = stdout.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err(SecretError::EmptyCommand(command.to_string()));
    }
    Ok(Secret(line.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(
            format!("{:?}", SecretSource::Literal(s.clone())),
            "Literal(***)"
        );
        assert_eq!(SecretSource::Literal(s).describe(), "in config.toml");
    }

    #[test]
    fn command_sources_take_the_first_line() {
        let s = resolve(
            &SecretSource::Command("printf 'tok-1\\nsecond'".into()),
            None,
        )
        .unwrap();
        assert_eq!(s.expose(), "tok-1");
        let err = resolve(&SecretSource::Command("exit 3".into()), None).unwrap_err();
        assert!(err.to_string().contains("failed"), "{err}");
        let err = resolve(&SecretSource::Command("true".into()), None).unwrap_err();
        assert_eq!(err, SecretError::EmptyCommand("true".into()));
    }

    #[test]
    fn env_sources_need_a_value() {
        let err = resolve(
            &SecretSource::Env("ROLO_TEST_SURELY_UNSET_VAR".into()),
            None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the secret's environment variable ROLO_TEST_SURELY_UNSET_VAR is not set (or is empty)"
        );
    }

    #[test]
    fn a_missing_keyring_entry_says_where_it_looked() {
        let err = resolve(
            &SecretSource::Keyring("rolo-test-no-such-entry".into()),
            None,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("no secret in the OS keyring for service \"rolo\", entry \"rolo-test-no-such-entry\""), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn literals_only_from_private_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "").unwrap();
        let literal = SecretSource::Literal(Secret::new("x"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = resolve(&literal, Some(&path)).unwrap_err();
        assert!(
            matches!(err, SecretError::PublicFile { mode: 0o644, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 600"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(resolve(&literal, Some(&path)).unwrap().expose(), "x");
    }
}
