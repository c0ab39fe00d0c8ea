//! What can stop the terminal UI or refuse a user's request, each a sentence the user can act on.

use crate::client::{OpenError, ReferenceError};
use crate::config::ConfigError;
use crate::sandbox::SandboxError;

use super::keymap::KeymapError;
use super::theme::ThemeError;

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("no profile named {name:?}; `rolo profiles` lists them")]
    UnknownProfile { name: String },
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(
        "the profile {profile:?} is still opening: wait a moment, or press {cancel} to stop it"
    )]
    StillOpening { profile: String, cancel: String },
    #[error("the profile {profile:?} is not open: press {profiles} and choose it to try again")]
    NoSession { profile: String, profiles: String },
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    #[error(
        "{count} unsaved change(s) on {reference}: send them ({review}) or undo them ({undo}) before opening another contact"
    )]
    UnsavedChanges {
        count: usize,
        reference: String,
        review: String,
        undo: String,
    },
    #[error("opening the profile stopped unexpectedly ({0}); try again")]
    OpenTask(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error(transparent)]
    Keymap(#[from] KeymapError),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error("the built-in sandbox stopped while starting ({0}); try again")]
    SandboxTask(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot use the terminal: {0}")]
    TerminalSetup(std::io::Error),
    #[error("terminal: {0}")]
    Terminal(std::io::Error),
}
