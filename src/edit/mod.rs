//! The edit model: a contact's values, the dirty set, undo and redo, rebasing onto the server's record, validation against the
//! vendor's rules, and building the update body. No terminal and no network in here.

pub mod codec;
pub mod document;
mod form;
mod rebase;
mod rule_text;
mod update;
mod validate;
mod value;

pub use form::{Access, Edit, EditError, Form, LoadError};
pub use rebase::{Conflict, Conflicts};
pub use rule_text::{kind_text, limits_text, rule_text};
pub use update::{BuildError, Change, Update};
pub use validate::{Issue, Rule, check_value};
pub use value::Value;
