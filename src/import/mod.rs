//! `rolo vendors import`: a vendor spec (the TOML of `spec::parse_spec`) made from a vendor's
//! OpenAPI 3.0 or 3.1 document.
//!
//! Parsing choice: the document is read into a `serde_json::Value` and walked by hand, not
//! through a typed OpenAPI model. `openapiv3` models only 3.0 and `oas3` only 3.1, and the two
//! versions differ exactly where the importer looks (`nullable` vs `type: [.., "null"]`,
//! boolean schemas, `examples`); a typed model also refuses a whole document over one odd
//! member, where rolo wants to map what it can and name the rest by its JSON pointer. JSON
//! goes through `serde_json`; YAML through `serde_yaml_ng`, the maintained fork of the
//! archived `serde_yaml` (serde-based, builds on rustc 1.95, YAML 1.2 scalars so `no` stays a
//! string). `saphyr` is maintained too but has no serde bridge, which would mean a second
//! hand-written converter.
//!
//! What cannot be mapped is never dropped: each item becomes an `Unmapped` (a JSON pointer and
//! a sentence), written as a comment at the top of the spec and printed by the CLI.

mod access;
mod build;
mod document;
mod emit;
mod fields;
mod locate;
mod schema;

pub use document::{Document, Operation};

/// What the caller chose on the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The update operation: an `operationId` or `METHOD /path`. `None`: the caller must pick
    /// one of `Document::update_candidates` first.
    pub update: Option<String>,
    pub read: Option<String>,
    pub list: Option<String>,
    /// The vendor id; default: from the document's title.
    pub id: Option<String>,
    /// The document's file name, recorded as the spec's `docs`.
    pub docs: String,
}

/// One thing in the document that the spec does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    /// JSON pointer into the document, e.g. `#/components/schemas/Contact/properties/tags`.
    pub pointer: String,
    pub what: String,
}

/// A generated spec.
#[derive(Debug, Clone)]
pub struct Imported {
    pub id: String,
    /// The spec file's text; it passes `spec::parse_spec`.
    pub toml: String,
    pub unmapped: Vec<Unmapped>,
    pub update: Operation,
    pub fields: usize,
}

/// Why a document could not be imported. Every refusal names where in the document it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the document is neither JSON nor YAML: {0}")]
    Syntax(String),
    #[error("{pointer}: {message}")]
    Refused { pointer: String, message: String },
    #[error("no operation {wanted:?} in the document (give an operationId or METHOD /path)")]
    NoSuchOperation { wanted: String },
    #[error("the generated spec does not load ({0}); this is a bug in rolo's importer")]
    Generated(String),
}

impl ImportError {
    pub(crate) fn refused(pointer: &str, message: impl Into<String>) -> Self {
        ImportError::Refused {
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }
}

/// Parses `text` (JSON or YAML) as an OpenAPI 3.0/3.1 document.
pub fn parse_document(text: &str) -> Result<Document, ImportError> {
    Document::parse(text)
}

/// Makes a spec from `doc` with the update operation of `options.update`.
pub fn import(doc: &Document, options: &Options) -> Result<Imported, ImportError> {
    build::build(doc, options)
}

/// `~` and `/` escaped as a JSON pointer segment needs (RFC 6901).
pub(crate) fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
