//! Talking to vendors: profiles and secrets, contact references, the HTTP session, recorded
//! exchanges with secrets redacted, the vendor's envelope, and typed errors.

pub mod envelope;
pub mod error;
pub mod exchange;
mod http;
pub mod jsontext;
mod judge;
pub mod listing;
mod literals;
mod prune;
mod redact;
pub mod reference;
pub mod secret;
pub mod session;
mod spill;
mod update;

pub use envelope::Outcome;
pub use error::ClientError;
pub use exchange::{DISPLAY_CAP, Exchange, RecordedRequest, RecordedResponse};
pub use http::Prepared;
pub use listing::{Listing, Match, PageAt, Query};
pub use redact::Redactor;
pub use reference::{Reference, ReferenceError};
pub use secret::{Secret, SecretSource};
pub use session::{Failed, Loaded, OpenError, Session};
pub use spill::save_body;
pub use update::{Sent, Stored};
