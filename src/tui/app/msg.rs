//! What background work reports back to the app.

use std::sync::Arc;

use crate::client::{Failed, Listing, Loaded, Reference, Sent, Session};
use crate::edit::Form;
use crate::send::{Review, ReviewError};
use crate::store::{ContactLock, Draft, DraftError, HistoryListing};
use crate::tui::error::TuiError;

use super::WriteKind;

/// A contact read for the editor (`app::read_for_editor`): the answer, and its draft on disk.
pub struct ContactRead {
    pub reference: Reference,
    pub result: Result<(Form, Loaded), Box<Failed>>,
    /// A draft of unsent changes found on disk for this contact, or why it could not be read
    /// (then it was moved aside).
    pub draft: Result<Option<Draft>, String>,
    /// This process's claim on the contact, when it was not open already.
    pub claim: Option<ContactLock>,
}

/// Results of background work.
// One message is in flight per request and is moved once: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    ProfileOpened {
        ws: usize,
        result: Result<Arc<Session>, TuiError>,
    },
    Loaded {
        ws: usize,
        purpose: LoadPurpose,
        read: ContactRead,
    },
    /// Opening a contact was refused: another rolo has it open.
    Refused { ws: usize, error: DraftError },
    /// The update prepared on a fresh read (`send::prepare`), for review or for the clipboard.
    Reviewed {
        ws: usize,
        purpose: ReviewPurpose,
        result: Result<Box<Review>, ReviewError>,
    },
    /// The reviewed request sent; the review it came from, for the history and a 412.
    Sent {
        ws: usize,
        review: Box<Review>,
        result: Result<Sent, Box<Failed>>,
    },
    Listed {
        ws: usize,
        page: usize,
        result: Result<Listing, Box<Failed>>,
    },
    /// The pause after typing in the open-contact list is over (timer `generation`).
    SearchDue { ws: usize, generation: u64 },
    /// The vendor's search for `query` answered.
    Searched {
        ws: usize,
        query: String,
        result: Result<Listing, Box<Failed>>,
    },
    Raw {
        ws: usize,
        generation: u64,
        lines: Arc<super::RawText>,
    },
    HistoryRead {
        ws: usize,
        reference: String,
        result: Result<HistoryListing, String>,
    },
    WriteFailed {
        ws: usize,
        kind: WriteKind,
        error: String,
    },
}

/// Why a contact is being read.
#[derive(Debug, Clone)]
pub enum LoadPurpose {
    Open,
    Reload,
}

/// Why an update is being prepared.
#[derive(Debug, Clone)]
pub enum ReviewPurpose {
    /// To review and send; `previous` is the read a refused (412) send was built on, to say
    /// what changed on the server since.
    Send {
        previous: Option<crate::edit::Record>,
    },
    /// To copy as curl.
    Copy,
}
