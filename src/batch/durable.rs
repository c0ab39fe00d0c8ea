//! What `apply` puts on disk while rows are in flight, without stalling them: the journal's
//! lines made durable by group commit (one sync at a time, each covering every line written
//! before it started, so the rows in flight share syncs), and the history appended by a
//! thread of its own. The run's rows are polled by the loop that drives them: anything that
//! blocks that loop (a sync took 1.6 ms on the machine measured) stalls every row in flight.

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::sync::Arc;
use std::sync::mpsc;

use crate::store::journal::{Journal, JournalEntry};
use crate::store::{History, HistoryEntry};

/// The journal of a run: lines written at once, made durable in groups.
pub struct Durable<'a> {
    journal: &'a RefCell<Journal>,
    file: Arc<File>,
    /// Lines written so far, and how many of them a finished sync covered.
    written: Cell<u64>,
    synced: Cell<u64>,
    /// Held by the one sync running; a row waiting here finds its line covered by it or runs
    /// the next one.
    turn: tokio::sync::Mutex<()>,
}

impl<'a> Durable<'a> {
    pub fn new(journal: &'a RefCell<Journal>) -> std::io::Result<Self> {
        let file = Arc::new(journal.borrow().sync_handle()?);
        Ok(Self {
            journal,
            file,
            written: Cell::new(0),
            synced: Cell::new(0),
            turn: tokio::sync::Mutex::new(()),
        })
    }

    /// Appends one line (not yet durable) and returns its number for `durable`.
    pub fn write(&self, entry: &JournalEntry) -> std::io::Result<u64> {
        self.journal.borrow_mut().write(entry)?;
        let line = self.written.get() + 1;
        self.written.set(line);
        Ok(line)
    }

    /// Waits until line `line` is on disk. The sync runs off the event loop, so the other
    /// rows in flight go on meanwhile.
    pub async fn durable(&self, line: u64) -> std::io::Result<()> {
        if self.synced.get() >= line {
            return Ok(());
        }
        let _turn = self.turn.lock().await;
        // The sync that held the turn may have covered this line.
        if self.synced.get() >= line {
            return Ok(());
        }
        let upto = self.written.get();
        let file = self.file.clone();
        tokio::task::spawn_blocking(move || file.sync_data())
            .await
            .map_err(std::io::Error::other)??;
        self.synced.set(self.synced.get().max(upto));
        Ok(())
    }

    /// Records, durably, that a row's request is about to leave (with this `If-Match`): after
    /// a crash the row is unknown and is settled by re-reading, never lost or sent blind.
    pub async fn mark(&self, row: u64, if_match: Option<&str>) -> std::io::Result<()> {
        let line = self.write(&JournalEntry::Sending {
            row,
            if_match: if_match.map(str::to_string),
        })?;
        self.durable(line).await
    }

    /// Makes every line written so far durable (the end of a run).
    pub async fn flush(&self) -> std::io::Result<()> {
        self.durable(self.written.get()).await
    }
}

/// Appends applied rows to the history on a thread of its own, a group at a time (each
/// append is an open, a lock and a sync). A row's entry is handed over once its outcome line
/// is written: a process killed between the two leaves the row out of the history, and an
/// outcome line lost before its sync (a power cut) leaves the row to be settled by a re-read,
/// which adds no second entry. Never in the history twice.
pub struct HistoryWriter {
    send: Option<mpsc::Sender<HistoryEntry>>,
    /// Entries the thread was gone for.
    lost: Cell<u64>,
    thread: Option<std::thread::JoinHandle<u64>>,
}

impl HistoryWriter {
    pub fn start(history: Option<&History>) -> Self {
        let Some(history) = history.cloned() else {
            return Self {
                send: None,
                lost: Cell::new(0),
                thread: None,
            };
        };
        let (send, receive) = mpsc::channel::<HistoryEntry>();
        let thread = std::thread::spawn(move || {
            let mut failed = 0;
            while let Ok(first) = receive.recv() {
                let mut group = vec![first];
                group.extend(receive.try_iter());
                let entries: Vec<&HistoryEntry> = group.iter().collect();
                if let Err(e) = history.append_all(&entries) {
                    tracing::warn!(
                        "cannot append {} batch rows to the history: {e}",
                        group.len()
                    );
                    failed += group.len() as u64;
                }
            }
            failed
        });
        Self {
            send: Some(send),
            lost: Cell::new(0),
            thread: Some(thread),
        }
    }

    pub fn append(&self, entry: HistoryEntry) {
        if let Some(send) = &self.send
            && send.send(entry).is_err()
        {
            tracing::warn!("the history writer has stopped; a batch row is not in the history");
            self.lost.set(self.lost.get() + 1);
        }
    }

    /// Waits for every entry handed over; the number that could not be written.
    pub fn finish(mut self) -> u64 {
        drop(self.send.take());
        let failed = match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(failed)) => failed,
            Some(Err(_)) => {
                tracing::error!("the history writer panicked");
                0
            }
            None => 0,
        };
        failed + self.lost.get()
    }
}
