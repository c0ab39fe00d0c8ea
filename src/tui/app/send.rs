//! The send path, kept together: review before sending, the send itself, its result (history,
//! draft, conflict), the curl copy, and a read's result (including the rebase after a conflict,
//! `LoadPurpose::Resolve`).

use super::{App, Banner, LoadPurpose, Msg, RequestState, WriteJob};
use crate::client::{ClientError, Failed, Loaded, Reference, Sent};
use crate::edit::{BuildError, Form};
use crate::store::{Draft, HistoryEntry};
use crate::tui::keymap::Action;
use crate::tui::modals::{ConflictModal, ReviewModal};

impl App {
    pub(super) fn send(&mut self) {
        let ws = self.active;
        let w = &self.workspaces[ws];
        let (Some(session), Some(reference), Some(form)) =
            (w.session.clone(), w.reference.clone(), w.form.clone())
        else {
            return;
        };
        self.spawn(ws, RequestState::Sending, async move {
            let result = session.update(&reference, &form).await;
            Msg::Sent { ws, result }
        });
    }

    pub(super) fn on_loaded(
        &mut self,
        ws: usize,
        reference: Reference,
        purpose: LoadPurpose,
        result: Result<(Form, Loaded), Box<Failed>>,
        draft: Option<Draft>,
    ) {
        let w = &mut self.workspaces[ws];
        w.request = RequestState::Idle;
        match result {
            Ok((fresh, loaded)) => {
                w.etag = loaded.etag.clone();
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
                match (&mut w.form, same_contact, &purpose) {
                    // Keep unsent edits: move them onto the fresh record.
                    (Some(form), true, LoadPurpose::Reload | LoadPurpose::Resolve { .. }) => {
                        form.rebase(loaded.record.clone());
                        if let LoadPurpose::Resolve { take_theirs } = &purpose {
                            for name in take_theirs {
                                if let Ok(i) = form.index(name) {
                                    // The field exists (just looked up); reverting it to the
                                    // fresh record's value cannot fail.
                                    let _ = form.revert(i);
                                }
                            }
                        }
                    }
                    _ => {
                        // A freshly opened contact is not journaled until it changes, so a draft
                        // on disk survives until the user restores or discards it.
                        w.journaled = fresh.revision();
                        w.form = Some(fresh);
                        w.reference = Some(reference.clone());
                        w.selected = 0;
                        w.scroll = 0;
                        if let (Some(form), Some(draft)) = (&w.form, draft) {
                            let changed_on_server = draft.changed_on_server(form);
                            w.pending_draft = Some((draft, changed_on_server));
                        }
                    }
                }
                w.banner = Some(match purpose {
                    LoadPurpose::Resolve { .. } => Banner::Info(format!(
                        "Conflict resolved on the server's latest version; {} unsaved. Press {} to review and send.",
                        w.unsaved(),
                        self.keymap.label(Action::Review)
                    )),
                    _ => Banner::Info(format!(
                        "Loaded {} · HTTP 200 · {elapsed} ms",
                        reference.text
                    )),
                });
            }
            Err(failed) => {
                w.exchanges = failed.exchanges.clone();
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

    pub(super) fn on_sent(&mut self, ws: usize, result: Result<Sent, Box<Failed>>) {
        let w = &mut self.workspaces[ws];
        w.request = RequestState::Idle;
        match result {
            Ok(sent) => {
                // Confirmed: the draft has done its job, and the change goes into the history.
                let mut writes = Vec::new();
                if let Some(reference) = &w.reference {
                    if self.drafts.is_some() {
                        writes.push(WriteJob::RemoveDraft {
                            profile: w.profile.name.clone(),
                            reference: reference.text.clone(),
                        });
                    }
                    if self.history.is_some() && !sent.changes.is_empty() {
                        let entry = HistoryEntry::new(
                            &w.profile.name,
                            &w.profile.vendor,
                            &reference.text,
                            sent.status,
                            &sent.changes,
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
                    .exchanges
                    .iter()
                    .rev()
                    .find(|e| e.request.method == w.profile_update_method())
                    .and_then(|e| e.response.as_ref())
                    .map_or(0, |r| r.elapsed.as_millis());
                // What was sent is now on the server; anything typed while it was in flight
                // stays a change (and goes back into the draft when the results are journaled).
                if let Some(form) = w.form.as_mut() {
                    form.rebase(sent.record.clone());
                }
                w.etag = sent.etag.clone();
                w.exchanges = sent.exchanges.clone();
                w.banner = Some(Banner::Ok(format!(
                    "✓ HTTP {} · {message} · {} field(s) saved · {elapsed} ms",
                    sent.status,
                    sent.changes.len()
                )));
                for job in writes {
                    self.write(ws, job);
                }
            }
            Err(failed) => {
                w.exchanges = failed.exchanges.clone();
                if let ClientError::Conflict(conflicts) = &failed.error {
                    let n = conflicts.len();
                    w.banner = Some(Banner::Error(format!(
                        "Not sent: {n} field(s) changed on the server meanwhile"
                    )));
                    if ws == self.active {
                        self.modals
                            .push(Box::new(ConflictModal::new(conflicts.clone())));
                    }
                } else {
                    w.banner = Some(Banner::Error(format!(
                        "Not saved, your changes are kept: {}",
                        failed.error
                    )));
                }
            }
        }
        self.refresh_raw(ws);
    }

    pub(super) fn review(&mut self) {
        let w = self.ws();
        let (Some(form), Some(session), Some(reference)) = (&w.form, &w.session, &w.reference)
        else {
            self.toast = Some(self.no_contact());
            return;
        };
        match form.build_update() {
            Ok(update) => {
                let request =
                    match session.prepare_update(reference, &update.body, w.etag.as_deref()) {
                        Ok(prepared) => session.record(&prepared).to_text(),
                        Err(e) => {
                            self.toast = Some(e.to_string());
                            return;
                        }
                    };
                self.modals
                    .push(Box::new(ReviewModal::new(update, request)));
            }
            Err(BuildError::NoChanges) => {
                self.toast = Some("nothing to send: no field has changed".into())
            }
            Err(BuildError::Invalid(issues)) => {
                let lines: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
                self.ws_mut().banner = Some(Banner::Error(format!(
                    "Refused before sending, nothing sent:\n{}",
                    lines.join("\n")
                )));
            }
        }
    }

    pub(super) fn copy_curl(&mut self) {
        let w = self.ws();
        let request = match (&w.form, &w.session, &w.reference) {
            (Some(form), Some(session), Some(reference)) if form.dirty_count() > 0 => {
                form.build_update().ok().and_then(|u| {
                    session
                        .prepare_update(reference, &u.body, w.etag.as_deref())
                        .ok()
                        .map(|p| session.record(&p))
                })
            }
            _ => None,
        }
        .or_else(|| w.exchanges.last().map(|e| e.request.clone()));
        match request {
            Some(r) => {
                self.clipboard = Some(r.to_curl());
                self.toast = Some("copied the request as curl (secrets as ***)".into());
            }
            None => self.toast = Some("no request to copy yet".into()),
        }
    }
}
