//! What rolo keeps on disk: drafts of unsent changes and the history of confirmed updates.
//! Files are replaced atomically (temp file, fsync, rename) or appended whole-line, and hold no
//! secret: secret fields are left out of drafts and masked in history. Only the user can read
//! them (folders 0700, files 0600).

mod atomic;
pub mod drafts;
pub mod history;
pub mod journal;
mod lock;
pub(crate) mod private;

pub use atomic::write_atomically;
pub use drafts::{Draft, DraftEditing, DraftError, DraftExternal, DraftStore};
pub use history::{History, HistoryEntry, HistoryListing, SkippedLine};
pub use journal::{Journal, JournalEntry, RowOutcome};
pub use lock::ContactLock;
