//! Vendors as data: the spec types, the TOML loader, and the catalog of built-in and user specs.

mod catalog;
mod fields;
mod list;
mod param;
mod raw;
mod template;
mod types;

pub use catalog::{BUILT_IN, Catalog};
pub use list::{
    DEFAULT_PAGE_SIZE, ListSource, ListSpec, MAX_PAGE_SIZE, Paging, PagingStyle, SearchParams,
};
pub use param::ParamType;
pub use raw::{MAX_FIELDS, MAX_NAME_CHARS, humanize, parse_built_in, parse_spec};
pub use template::{Piece, Template, TemplateError};
pub use types::*;

use std::fmt;

/// A spec that could not be loaded: which file, which line, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SpecError {
    pub origin: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.origin, line, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}
