//! Draft and history writes, off the UI thread: one writer thread takes them in the order they
//! were queued, so a journaled edit is on disk before the next edit's journal, and a failure
//! comes back to the app as a message. Dropping the writer flushes everything queued.

use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::mpsc::UnboundedSender;

use super::Msg;
use crate::edit::Form;
use crate::store::{DraftEditing, DraftExternal, DraftStore, History, HistoryEntry};

pub enum WriteJob {
    SaveDraft {
        profile: String,
        reference: String,
        form: Box<Form>,
        /// A field's editor still open, with its text.
        editing: Option<DraftEditing>,
        /// An edit running in the user's own editor.
        external: Option<DraftExternal>,
    },
    RemoveDraft {
        profile: String,
        reference: String,
    },
    AppendHistory(Box<HistoryEntry>),
    /// The file of an edit in the user's own editor, once that edit is over.
    RemoveEditFile {
        path: std::path::PathBuf,
    },
}

/// Which write failed, so the app says the right thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    SaveDraft,
    RemoveDraft,
    AppendHistory,
    RemoveEditFile,
}

impl WriteKind {
    pub fn describe(self) -> &'static str {
        match self {
            WriteKind::SaveDraft => "saving the draft",
            WriteKind::RemoveDraft => "removing the draft",
            WriteKind::AppendHistory => "writing the history",
            WriteKind::RemoveEditFile => "removing your editor's file",
        }
    }
}

pub struct Writer {
    /// What the thread writes to, until it starts: with the first job, since most starts write
    /// nothing and a thread is one more thing start-up pays for (issue 18).
    stores: Option<Stores>,
    jobs: Option<mpsc::Sender<(usize, WriteJob)>>,
    thread: Option<JoinHandle<()>>,
}

struct Stores {
    drafts: Option<DraftStore>,
    history: Option<History>,
    results: UnboundedSender<Msg>,
}

impl Writer {
    /// Nothing kept on disk: jobs are dropped (widget tests, benches).
    pub fn none() -> Self {
        Self {
            stores: None,
            jobs: None,
            thread: None,
        }
    }

    /// A writer to these stores; its thread starts with the first job.
    pub fn start(
        drafts: Option<DraftStore>,
        history: Option<History>,
        results: UnboundedSender<Msg>,
    ) -> Self {
        Self {
            stores: Some(Stores {
                drafts,
                history,
                results,
            }),
            jobs: None,
            thread: None,
        }
    }

    fn spawn(stores: Stores) -> Self {
        let Stores {
            drafts,
            history,
            results,
        } = stores;
        let (jobs, queue) = mpsc::channel::<(usize, WriteJob)>();
        let thread = std::thread::Builder::new()
            .name("rolo-writer".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    // Everything queued meanwhile, with each draft that a later write of the same
                    // contact replaces left out (typing into an editor queues one per key).
                    let mut batch = vec![first];
                    batch.extend(queue.try_iter());
                    let batch = superseded_dropped(batch);
                    for (ws, job) in batch {
                        let (kind, result) = match job {
                            WriteJob::SaveDraft {
                                profile,
                                reference,
                                form,
                                editing,
                                external,
                            } => (
                                WriteKind::SaveDraft,
                                drafts
                                    .as_ref()
                                    .map_or(Ok(()), |s| {
                                        s.save_editing(
                                            &profile, &reference, &form, editing, external,
                                        )
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
                            WriteJob::RemoveEditFile { path } => (
                                WriteKind::RemoveEditFile,
                                match std::fs::remove_file(&path) {
                                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                                        Err(format!("{}: {e}", path.display()))
                                    }
                                    _ => Ok(()),
                                },
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
                }
            });
        match thread {
            Ok(thread) => Self {
                stores: None,
                jobs: Some(jobs),
                thread: Some(thread),
            },
            // No thread, no writer: every job then fails loudly in `queue`.
            Err(e) => {
                tracing::warn!("cannot start the draft and history writer: {e}");
                Self::none()
            }
        }
    }

    /// Queues a write (starting the thread with the first); `false` if nothing can write it.
    pub fn queue(&mut self, ws: usize, job: WriteJob) -> bool {
        if let Some(stores) = self.stores.take() {
            *self = Self::spawn(stores);
        }
        self.jobs
            .as_ref()
            .is_some_and(|j| j.send((ws, job)).is_ok())
    }

    /// Waits until everything queued is written.
    pub fn flush(&mut self) {
        // A writer that never started has nothing queued.
        self.stores = None;
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            // A panicked writer has nothing left to flush.
            let _ = thread.join();
        }
    }
}

/// The contact a draft write is about.
fn draft_of(job: &WriteJob) -> Option<(&str, &str)> {
    match job {
        WriteJob::SaveDraft {
            profile, reference, ..
        }
        | WriteJob::RemoveDraft { profile, reference } => Some((profile, reference)),
        WriteJob::AppendHistory(_) | WriteJob::RemoveEditFile { .. } => None,
    }
}

/// The jobs in order, less each draft save followed by another write of the same contact's
/// draft (whose result it would be overwritten by).
fn superseded_dropped(batch: Vec<(usize, WriteJob)>) -> Vec<(usize, WriteJob)> {
    let keep: Vec<bool> = batch
        .iter()
        .enumerate()
        .map(|(i, (_, job))| {
            !matches!(job, WriteJob::SaveDraft { .. })
                || batch[i + 1..]
                    .iter()
                    .all(|(_, later)| draft_of(later) != draft_of(job))
        })
        .collect();
    batch
        .into_iter()
        .zip(keep)
        .filter_map(|(job, keep)| keep.then_some(job))
        .collect()
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Catalog;

    fn save(reference: &str, name: &str) -> (usize, WriteJob) {
        let spec = Catalog::built_in().get("cro").unwrap().clone();
        let mut form = Form::from_record(spec, serde_json::json!({"id": 5001, "name": "Desk"}));
        form.set_text(form.index("name").unwrap(), name).unwrap();
        let job = WriteJob::SaveDraft {
            profile: "p".into(),
            reference: reference.into(),
            form: Box::new(form),
            editing: None,
            external: None,
        };
        (0, job)
    }

    fn named(job: &WriteJob) -> String {
        match job {
            WriteJob::SaveDraft {
                reference, form, ..
            } => format!(
                "{reference}:{}",
                form.value(form.index("name").unwrap())
                    .as_text()
                    .unwrap_or("")
            ),
            WriteJob::RemoveDraft { reference, .. } => format!("remove {reference}"),
            WriteJob::AppendHistory(_) => "history".into(),
            WriteJob::RemoveEditFile { .. } => "remove edit file".into(),
        }
    }

    #[test]
    fn a_draft_replaced_by_a_later_one_of_the_same_contact_is_not_written() {
        let batch = vec![
            save("a", "D"),
            save("b", "X"),
            save("a", "De"),
            save("a", "Des"),
            (
                0,
                WriteJob::RemoveDraft {
                    profile: "p".into(),
                    reference: "b".into(),
                },
            ),
        ];
        let kept: Vec<String> = superseded_dropped(batch)
            .iter()
            .map(|(_, j)| named(j))
            .collect();
        assert_eq!(kept, vec!["a:Des", "remove b"]);
    }

    /// No thread until there is something to write; the first job starts it and is written,
    /// and a flush waits for it.
    #[test]
    fn the_thread_starts_with_the_first_job() {
        let dir = std::env::temp_dir().join(format!("rolo-writer-{}", std::process::id()));
        let drafts = DraftStore::new(&dir);
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let mut writer = Writer::start(Some(drafts.clone()), None, tx);
        assert!(writer.thread.is_none(), "a thread before any job");
        let (ws, job) = save("a", "Desk 2");
        assert!(writer.queue(ws, job));
        assert!(writer.thread.is_some());
        writer.flush();
        let draft = drafts
            .read("p", "a")
            .unwrap()
            .expect("the draft is written");
        assert_eq!(draft.reference, "a");
        // A writer that never wrote flushes at once.
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let mut idle = Writer::start(Some(drafts), None, tx);
        idle.flush();
        assert!(idle.thread.is_none() && idle.jobs.is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
