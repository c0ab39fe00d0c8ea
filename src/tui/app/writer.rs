//! Draft and history writes, off the UI thread: one writer thread takes them in the order they
//! were queued, so a journaled edit is on disk before the next edit's journal, and a failure
//! comes back to the app as a message. Dropping the writer flushes everything queued.

use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::mpsc::UnboundedSender;

use super::Msg;
use crate::edit::Form;
use crate::store::{DraftEditing, DraftStore, History, HistoryEntry};

pub enum WriteJob {
    SaveDraft {
        profile: String,
        reference: String,
        form: Box<Form>,
        /// A field's editor still open, with its text.
        editing: Option<DraftEditing>,
    },
    RemoveDraft {
        profile: String,
        reference: String,
    },
    AppendHistory(Box<HistoryEntry>),
}

/// Which write failed, so the app says the right thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    SaveDraft,
    RemoveDraft,
    AppendHistory,
}

impl WriteKind {
    pub fn describe(self) -> &'static str {
        match self {
            WriteKind::SaveDraft => "saving the draft",
            WriteKind::RemoveDraft => "removing the draft",
            WriteKind::AppendHistory => "writing the history",
        }
    }
}

pub struct Writer {
    jobs: Option<mpsc::Sender<(usize, WriteJob)>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Nothing kept on disk: jobs are dropped (widget tests, benches).
    pub fn none() -> Self {
        Self {
            jobs: None,
            thread: None,
        }
    }

    pub fn start(
        drafts: Option<DraftStore>,
        history: Option<History>,
        results: UnboundedSender<Msg>,
    ) -> Self {
        let (jobs, queue) = mpsc::channel::<(usize, WriteJob)>();
        let thread = std::thread::Builder::new()
            .name("rolo-writer".into())
            .spawn(move || {
                for (ws, job) in queue {
                    let (kind, result) = match job {
                        WriteJob::SaveDraft {
                            profile,
                            reference,
                            form,
                            editing,
                        } => (
                            WriteKind::SaveDraft,
                            drafts
                                .as_ref()
                                .map_or(Ok(()), |s| {
                                    s.save_editing(&profile, &reference, &form, editing)
                                })
                                .map_err(|e| e.to_string()),
                        ),
                        WriteJob::RemoveDraft { profile, reference } => (
                            WriteKind::RemoveDraft,
                            drafts
                                .as_ref()
                                .map_or(Ok(()), |s| s.remove(&profile, &reference))
                                .map_err(|e| e.to_string()),
                        ),
                        WriteJob::AppendHistory(entry) => (
                            WriteKind::AppendHistory,
                            history
                                .as_ref()
                                .map_or(Ok(()), |h| h.append(&entry))
                                .map_err(|e| e.to_string()),
                        ),
                    };
                    if let Err(e) = result {
                        // The app may be gone after a quit; `flush` reports what it drains.
                        let _ = results.send(Msg::WriteFailed { ws, kind, error: e });
                    }
                }
            });
        match thread {
            Ok(thread) => Self {
                jobs: Some(jobs),
                thread: Some(thread),
            },
            // No thread, no writer: every job then fails loudly in `queue`.
            Err(_) => Self::none(),
        }
    }

    /// Queues a write; `false` if nothing can write it.
    pub fn queue(&self, ws: usize, job: WriteJob) -> bool {
        self.jobs
            .as_ref()
            .is_some_and(|j| j.send((ws, job)).is_ok())
    }

    /// Waits until everything queued is written.
    pub fn flush(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            // A panicked writer has nothing left to flush.
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.flush();
    }
}
