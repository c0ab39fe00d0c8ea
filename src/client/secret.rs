//! Secrets: a type that cannot print itself, where a profile's secret comes from, and looking
//! it up with a deadline (`lookup`).

mod lookup;

use std::fmt;
use std::path::Path;
use std::time::Duration;

pub use lookup::{CancelLookup, DEFAULT_SECRET_TIMEOUT, MAX_SECRET_BYTES, SecretLookup};

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

/// Where a profile's secret comes from (config.toml `secret = …`). Its `Debug` and `describe`
/// never show a value, nor a command's arguments (`echo TOKEN` carries the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `{ env = "NAME" }`
    Env(String),
    /// `{ command = "pass show x" }`: the first line of the command's output, within `timeout`.
    Command {
        command: CommandLine,
        timeout: Duration,
    },
    /// `{ keyring = "entry" }`: the OS keyring, service "rolo", user = entry, within `timeout`.
    Keyring { entry: String, timeout: Duration },
    /// `"value"`: only from a config file that only its owner can read.
    Literal(Secret),
    /// The built-in sandbox profiles' demo credentials.
    BuiltIn(Secret),
}

/// A secret command as written in config.toml. Only its program name is ever shown.
#[derive(Clone, PartialEq, Eq)]
pub struct CommandLine(String);

impl CommandLine {
    pub fn new(line: impl Into<String>) -> Self {
        Self(line.into())
    }

    /// The line the shell runs; never for display.
    pub(crate) fn line(&self) -> &str {
        &self.0
    }

    /// The program's name, without its folder or arguments (`/usr/bin/pass show x` → `pass`).
    /// Leading `NAME=value` assignments are passed over: they can carry a secret too.
    pub fn program(&self) -> String {
        let words = shell_words(&self.0);
        let word = words
            .iter()
            .find(|w| !is_assignment(w))
            .map_or("sh", String::as_str);
        let name = word.rsplit('/').next().unwrap_or(word);
        name.chars().filter(|c| !c.is_control()).collect()
    }

    /// The program name, with `…` when arguments are hidden.
    fn shown(&self) -> String {
        let words = shell_words(&self.0);
        let rest = words.iter().skip_while(|w| is_assignment(w)).count();
        if rest > 1 {
            format!("{} …", self.program())
        } else {
            self.program()
        }
    }
}

/// The line's words as `sh` would split them (quotes and backslashes; no expansions), enough
/// to find the program's name.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_default();
                w.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                let w = word.get_or_insert_default();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_default().extend(chars.next()),
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    words
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

impl fmt::Debug for CommandLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommandLine({:?})", self.shown())
    }
}

impl SecretSource {
    /// Whether the secret is at hand (the environment, the config, the built-in sandbox): no
    /// command to run and no keyring to ask, so nothing that may take long or start a runtime.
    pub fn is_at_hand(&self) -> bool {
        matches!(
            self,
            SecretSource::Env(_) | SecretSource::Literal(_) | SecretSource::BuiltIn(_)
        )
    }

    /// How the source is shown (`rolo profiles`): never the value, never a command's arguments.
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(name) => format!("env {name}"),
            SecretSource::Command { command, .. } => format!("command {}", command.shown()),
            SecretSource::Keyring { entry, .. } => format!("keyring {entry}"),
            SecretSource::Literal(_) => "in config.toml".to_string(),
            SecretSource::BuiltIn(_) => "sandbox demo credential".to_string(),
        }
    }
}

/// Why a secret could not be had. Commands are named by program only; the caller adds the
/// profile (`OpenError::Secret`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("the secret's environment variable {0} is not set (or is empty)")]
    MissingEnv(String),
    #[error("the secret command `{program}` could not start: {reason}")]
    CommandStart { program: String, reason: String },
    #[error("the secret command `{program}` failed: {reason}")]
    Command { program: String, reason: String },
    #[error("the secret command `{0}` printed nothing")]
    EmptyCommand(String),
    #[error(
        "the secret command `{program}` did not finish within {}, so it was stopped; raise secret_timeout in the profile if it needs longer",
        lookup::shown(*timeout)
    )]
    CommandTimedOut { program: String, timeout: Duration },
    #[error(
        "the secret command `{program}` printed more than {} KiB, so it was stopped; a secret is one short line",
        lookup::MAX_SECRET_BYTES / 1024
    )]
    CommandTooLong { program: String },
    #[error("no secret in the OS keyring for service \"rolo\", entry {entry:?}: {reason}")]
    Keyring { entry: String, reason: String },
    #[error(
        "the OS keyring did not answer within {} for entry {entry:?}; is the keyring locked or its service stuck? (secret_timeout in the profile sets the wait)",
        lookup::shown(*timeout)
    )]
    KeyringTimedOut { entry: String, timeout: Duration },
    #[error("the secret lookup was cancelled")]
    Cancelled,
    #[error(
        "{path} holds a literal secret but other users can read it (mode {mode:o}); run `chmod 600 {path}` or use secret = {{ env = \"…\" }}"
    )]
    PublicFile { path: String, mode: u32 },
}

/// Reads the secret, waiting for a command or the keyring at most the source's timeout.
/// `config_path` is the file a literal came from, checked for privacy. To stop a lookup early,
/// use `SecretLookup` instead.
pub fn resolve(source: &SecretSource, config_path: Option<&Path>) -> Result<Secret, SecretError> {
    SecretLookup::start(source, config_path).wait()
}

fn from_env(name: &str) -> Result<Secret, SecretError> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(Secret(v)),
        _ => Err(SecretError::MissingEnv(name.to_string())),
    }
}

/// A literal is accepted only from a file that only its owner can read.
fn literal(secret: &Secret, config_path: Option<&Path>) -> Result<Secret, SecretError> {
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

    /// Only what needs no command and no keyring is at hand (opened on the UI thread at
    /// start-up); the two that wait are not.
    #[test]
    fn only_sources_without_a_wait_are_at_hand() {
        let at_hand = [
            SecretSource::Env("K".into()),
            SecretSource::Literal(Secret::new("v")),
            SecretSource::BuiltIn(Secret::new("v")),
        ];
        assert!(at_hand.iter().all(SecretSource::is_at_hand));
        let keyring = SecretSource::Keyring {
            entry: "e".into(),
            timeout: DEFAULT_SECRET_TIMEOUT,
        };
        assert!(!keyring.is_at_hand());
        assert!(!command("pass show x").is_at_hand());
    }

    fn command(line: &str) -> SecretSource {
        SecretSource::Command {
            command: CommandLine::new(line),
            timeout: DEFAULT_SECRET_TIMEOUT,
        }
    }

    #[test]
    fn a_command_shows_its_program_name_only() {
        for (line, shown) in [
            ("echo TOKEN-MARK", "command echo …"),
            ("/usr/bin/pass show TOKEN-MARK", "command pass …"),
            ("API_KEY=TOKEN-MARK op read x", "command op …"),
            ("'/opt/my tools/get' TOKEN-MARK", "command get …"),
            ("A=\"TOKEN MARK\" get", "command get"),
            ("secret-tool", "command secret-tool"),
        ] {
            let source = command(line);
            assert_eq!(source.describe(), shown);
            let debug = format!("{source:?}");
            assert!(!debug.contains("TOKEN"), "{debug}");
        }
    }

    #[test]
    fn command_sources_take_the_first_line() {
        let s = resolve(&command("printf 'tok-1\\nsecond'"), None).unwrap();
        assert_eq!(s.expose(), "tok-1");
        let err = resolve(&command("exit 3"), None).unwrap_err();
        assert!(err.to_string().contains("failed"), "{err}");
        let err = resolve(&command("true"), None).unwrap_err();
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
            &SecretSource::Keyring {
                entry: "rolo-test-no-such-entry".into(),
                timeout: DEFAULT_SECRET_TIMEOUT,
            },
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
