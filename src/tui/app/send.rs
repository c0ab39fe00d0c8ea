//! The editor's side of the one send path (`crate::send`): `s` prepares the update on a fresh
//! read in the background (conflicts open the conflict modal), the review modal shows that
//! prepared request, and confirming sends exactly it. A 412 sends nothing more and reviews again.
//! Also here: a read's result, a conflict's resolution and the curl copy.

use std::sync::Arc;

use super::{App, Banner, ContactRead, LoadPurpose, Msg, RequestState, ReviewPurpose, WriteJob};
use crate::client::{ClientError, Exchange, Failed, Sent};
use crate::send::{self, Review, ReviewError};
use crate::store::HistoryEntry;
use crate::tui::keymap::Action;
use crate::tui::modals::{ConflictModal, ReviewModal};

impl App {
    /// Sends exactly the reviewed request: no re-read, no rebuild. The editor's form becomes
    /// the reviewed one, the user's edits moved onto the fresh read (as a reload does): the
    /// form as first loaded would otherwise keep that older read's body alive through the
    /// send (a full-replace contact's unknown members are spans of it).
    pub(super) fn send(&mut self, review: Box<Review>) {
        let ws = self.active;
        let w = &mut self.workspaces[ws];
        let (Some(session), Some(reference)) = (w.session.clone(), w.reference.clone()) else {
            return;
        };
        if let Some(form) = w.form.as_mut() {
            *form = review.form.clone();
        }
        self.spawn(ws, RequestState::Sending, async move {
            let result = session
                .send_update(&reference, review.prepared.clone())
                .await;
            Msg::Sent { ws, review, result }
        });
    }

    /// Prepares the update on a fresh read of the contact, in the background.
    fn prepare(&mut self, ws: usize, purpose: ReviewPurpose) {
        let w = &self.workspaces[ws];
        let (Some(session), Some(reference), Some(form)) =
            (w.session.clone(), w.reference.clone(), w.form.clone())
        else {
            return;
        };
        let text = reference.text.clone();
        self.spawn(
            ws,
            |run| RequestState::Preparing {
                reference: text,
                run,
            },
            async move {
                let result = send::prepare(&session, &reference, &form)
                    .await
                    .map(Box::new);
                Msg::Reviewed {
                    ws,
                    purpose,
                    result,
                }
            },
        );
    }

    pub(super) fn on_loaded(&mut self, ws: usize, purpose: LoadPurpose, read: ContactRead) {
        let ContactRead {
            reference,
            result,
            draft,
            claim,
        } = read;
        let has_drafts = self.drafts.is_some();
        let w = &mut self.workspaces[ws];
        w.request = RequestState::Idle;
        match result {
            Ok((fresh, loaded)) => {
                w.exchanges = vec![loaded.exchange.clone()];
                let elapsed = loaded
                    .exchange
                    .response
                    .as_ref()
                    .map_or(0, |r| r.elapsed.as_millis());
                let same_contact = w
                    .reference
                    .as_ref()
                    .is_some_and(|r| r.text == reference.text);
                let mut notes = Vec::new();
                let mut conflicts = None;
                match (&mut w.form, same_contact, &purpose) {
                    // Keep unsent edits: move them onto the fresh record, unless the server
                    // changed a field the user changed too (then ask, as a send does).
                    (Some(form), true, LoadPurpose::Reload) => {
                        match form.rebase(loaded.record.clone()) {
                            Ok(rebased) => *form = rebased,
                            Err(found) => conflicts = Some(found.0),
                        }
                    }
                    (old, _, _) => {
                        if let (Some(old), Some(open)) = (old.as_ref(), w.reference.as_ref())
                            && old.dirty_count() > 0
                            && !same_contact
                            && has_drafts
                        {
                            notes.push(format!(
                                "Your {} unsaved change(s) on {} are kept as a draft: open it again to get them back.",
                                old.dirty_count(),
                                open.text
                            ));
                        }
                        // A freshly opened contact is not journaled until it changes, so a draft
                        // on disk survives until the user restores or discards it.
                        w.journaled = fresh.revision();
                        w.journaled_editing = None;
                        w.journaled_external = None;
                        w.form = Some(fresh);
                        w.reference = Some(reference.clone());
                        w.selected = 0;
                        w.scroll = 0;
                        w.pending_draft = None;
                        if let Some(lock) = claim {
                            // The previous contact's claim is released here.
                            w.claim = Some((reference.text.clone(), lock));
                        }
                        match (&w.form, draft) {
                            (Some(form), Ok(Some(draft))) => {
                                let changed_on_server = draft.changed_on_server(form);
                                w.pending_draft = Some((draft, changed_on_server));
                            }
                            (_, Err(e)) => notes.push(e),
                            _ => {}
                        }
                    }
                }
                let mut banner = Banner::Info(format!(
                    "Loaded {} · HTTP 200 · {elapsed} ms",
                    reference.text
                ));
                if let Some(found) = &conflicts {
                    banner = Banner::Error(format!(
                        "Reloaded: {} field(s) you changed also changed on the server; choose for each.",
                        found.len()
                    ));
                }
                if !notes.is_empty() {
                    let text = match &banner {
                        Banner::Ok(t) | Banner::Info(t) | Banner::Error(t) => t.clone(),
                    };
                    banner = Banner::Error(format!("{text}\n{}", notes.join("\n")));
                }
                w.banner = Some(banner);
                if let Some(found) = conflicts
                    && ws == self.active
                {
                    self.modals
                        .push(Box::new(ConflictModal::new(found, loaded.record.clone())));
                }
            }
            Err(mut failed) => {
                w.exchanges = take_exchanges(&mut failed);
                w.banner = Some(Banner::Error(format!(
                    "Could not read {}: {}",
                    reference.text, failed.error
                )));
            }
        }
        self.refresh_raw(ws);
        if ws == self.active {
            self.offer_pending_draft();
        }
    }

    pub(super) fn on_reviewed(
        &mut self,
        ws: usize,
        purpose: ReviewPurpose,
        mut result: Result<Box<Review>, ReviewError>,
    ) {
        let w = &mut self.workspaces[ws];
        w.request = RequestState::Idle;
        w.exchanges = match &mut result {
            Ok(review) => vec![review.fresh.exchange.clone()],
            Err(e) => e.take_exchanges(),
        };
        let active = ws == self.active;
        match result {
            Ok(review) => {
                let Some(session) = w.session.clone() else {
                    return;
                };
                let recorded = session.record(&review.prepared);
                match purpose {
                    ReviewPurpose::Copy => {
                        self.clipboard = Some(recorded.to_curl());
                        self.toast = Some("copied the request as curl (secrets as ***)".into());
                    }
                    ReviewPurpose::Send { previous } => {
                        let note = previous.map(|before| {
                            let changed =
                                send::changed_between(&review.form, &before, &review.fresh.record);
                            format!(
                                "The contact changed on the server after your review (HTTP 412); nothing was sent. Changed since: {}. Review again:",
                                if changed.is_empty() {
                                    "no field rolo shows".to_string()
                                } else {
                                    changed.join(", ")
                                }
                            )
                        });
                        if let Some(note) = &note {
                            w.banner = Some(Banner::Info(note.clone()));
                        }
                        if active {
                            self.modals.push(Box::new(
                                ReviewModal::new(review, ReviewModal::request_text(&recorded))
                                    .with_note(note),
                            ));
                        }
                    }
                }
            }
            Err(ReviewError::Conflicts { conflicts, .. })
                if matches!(purpose, ReviewPurpose::Copy) =>
            {
                // Copying sends nothing, so it resolves nothing: say why there is no copy.
                self.toast = Some(format!(
                    "not copied: {} field(s) you changed also changed on the server; press {} to review and resolve",
                    conflicts.0.len(),
                    self.keymap.label(Action::Review)
                ));
            }
            Err(ReviewError::Conflicts { conflicts, fresh }) => {
                let n = conflicts.0.len();
                w.banner = Some(Banner::Error(format!(
                    "Not sent: {n} field(s) changed on the server meanwhile"
                )));
                if active {
                    self.modals
                        .push(Box::new(ConflictModal::new(conflicts.0, fresh.record)));
                }
            }
            Err(e @ ReviewError::NothingToSend { .. }) => self.toast = Some(e.to_string()),
            Err(ReviewError::Invalid { issues, .. }) => {
                let lines: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
                w.banner = Some(Banner::Error(format!(
                    "Refused before sending, nothing sent:\n{}",
                    lines.join("\n")
                )));
            }
            Err(e) => {
                w.banner = Some(Banner::Error(format!(
                    "Not sent, your changes are kept: {e}"
                )));
            }
        }
        self.refresh_raw(ws);
    }

    pub(super) fn on_sent(
        &mut self,
        ws: usize,
        review: Box<Review>,
        result: Result<Sent, Box<Failed>>,
    ) {
        let w = &mut self.workspaces[ws];
        w.request = RequestState::Idle;
        let changes = &review.update.changes;
        match result {
            Ok(mut sent) => {
                // Applied: the draft has done its job, and the change goes into the history.
                let mut writes = Vec::new();
                if let Some(reference) = &w.reference {
                    if self.drafts.is_some() {
                        writes.push(WriteJob::RemoveDraft {
                            profile: w.profile.name.clone(),
                            reference: reference.text.clone(),
                        });
                    }
                    if self.history.is_some() && !changes.is_empty() {
                        let entry = HistoryEntry::new(
                            &w.profile.name,
                            &w.profile.vendor,
                            &reference.text,
                            sent.status,
                            changes,
                        );
                        writes.push(WriteJob::AppendHistory(Box::new(entry)));
                    }
                }
                let message = sent
                    .outcome
                    .message
                    .clone()
                    .unwrap_or_else(|| "the vendor accepted the update".into());
                let elapsed = sent
                    .update_exchange(&w.profile_update_method())
                    .and_then(|e| e.response.as_ref())
                    .map_or(0, |r| r.elapsed.as_millis());
                w.exchanges = std::mem::take(&mut sent.exchanges)
                    .into_iter()
                    .map(Arc::new)
                    .collect();
                match (sent.record(), sent.unread()) {
                    (Some(record), _) => {
                        // What was sent is now on the server; anything typed while it was in
                        // flight stays a change (and goes back into the draft when journaled).
                        if let Some(form) = w.form.as_mut() {
                            form.adopt(record.clone());
                        }
                        w.banner = Some(Banner::Ok(format!(
                            "✓ HTTP {} · {message} · {} field(s) saved · {elapsed} ms",
                            sent.status,
                            changes.len()
                        )));
                    }
                    (None, unread) => {
                        // Applied, but what was stored is unknown: the form is left as it is
                        // until the user reloads.
                        w.banner = Some(Banner::Ok(format!(
                            "✓ HTTP {} · applied, {} field(s) sent · could not read back what was stored ({}): press {} to reload",
                            sent.status,
                            changes.len(),
                            unread.map_or_else(String::new, |e| e.to_string()),
                            self.keymap.label(Action::Reload)
                        )));
                    }
                }
                for job in writes {
                    self.write(ws, job);
                }
            }
            Err(mut failed) if matches!(failed.error, ClientError::Status { status: 412, .. }) => {
                // The contact moved between review and send: nothing else is sent; a fresh
                // review (on a new read) says what changed.
                w.exchanges = take_exchanges(&mut failed);
                self.refresh_raw(ws);
                self.prepare(
                    ws,
                    ReviewPurpose::Send {
                        previous: Some(review.fresh.record.clone()),
                    },
                );
                return;
            }
            Err(mut failed) => {
                w.banner = Some(Banner::Error(format!(
                    "Not saved, your changes are kept: {}",
                    failed.error
                )));
                // The fields the vendor named get its words (panes.rs), from its answer.
                self.mark_vendor_errors(ws, &failed);
                self.workspaces[ws].exchanges = take_exchanges(&mut failed);
            }
        }
        self.refresh_raw(ws);
    }

    /// Applies the conflict modal's choices: the edits move onto the server's record the
    /// conflicts were found on, taking its value for `take_theirs`. Nothing is read or sent.
    pub(super) fn resolve(&mut self, take_theirs: &[String], server: crate::edit::Record) {
        let review = self.keymap.label(Action::Review);
        let w = self.ws_mut();
        let Some(form) = w.form.as_mut() else {
            return;
        };
        *form = form.rebase_resolving(server, take_theirs);
        w.banner = Some(Banner::Info(format!(
            "Conflict resolved on the server's version; {} unsaved. Press {review} to review and send.",
            w.unsaved()
        )));
    }

    /// Prepares the update on a fresh read (conflicts open the conflict modal), then shows the
    /// exact request in the review modal.
    pub(super) fn review(&mut self) {
        let w = self.ws();
        let Some(form) = &w.form else {
            self.toast = Some(self.no_contact());
            return;
        };
        if form.dirty_count() == 0 {
            self.toast = Some("nothing to send: no field has changed".into());
            return;
        }
        if let Some(busy) = w.request.label() {
            self.toast = Some(format!("wait: {busy}"));
            return;
        }
        self.prepare(self.active, ReviewPurpose::Send { previous: None });
    }

    /// Copies the request as curl: with changes, the one the review would show (prepared on a
    /// fresh read); otherwise the last request made.
    pub(super) fn copy_curl(&mut self) {
        let w = self.ws();
        if w.form.as_ref().is_some_and(|f| f.dirty_count() > 0) {
            if let Some(busy) = w.request.label() {
                self.toast = Some(format!("wait: {busy}"));
            } else {
                self.prepare(self.active, ReviewPurpose::Copy);
            }
            return;
        }
        match w.exchanges.last().map(|e| e.request.to_curl()) {
            Some(curl) => {
                self.clipboard = Some(curl);
                self.toast = Some("copied the request as curl (secrets as ***)".into());
            }
            None => self.toast = Some("no request to copy yet".into()),
        }
    }
}

/// A failure's exchanges, moved out to be shared (a body may be large); its error stays.
fn take_exchanges(failed: &mut Failed) -> Vec<Arc<Exchange>> {
    std::mem::take(&mut failed.exchanges)
        .into_iter()
        .map(Arc::new)
        .collect()
}
