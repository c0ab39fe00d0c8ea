//! What rolo keeps on disk: drafts of unsent changes and the history of confirmed updates.
//! Files are replaced atomically (temp file, fsync, rename) or appended whole-line, and hold no
//! secret: secret fields are left out of drafts and masked in history.

mod atomic;
pub mod drafts;
pub mod history;
pub mod journal;

pub use atomic::write_atomically;
pub use drafts::{Draft, DraftStore};
pub use history::{History, HistoryEntry};
pub use journal::{Journal, JournalEntry, RowOutcome};
