//! Nothing lost: every change (and the text of an editor still open) is journaled as a draft in
//! the order it was made; opening a contact claims it for this process (one rolo per contact)
//! and reads its draft, reporting one that cannot be read.

use super::{App, Banner, LoadPurpose, Msg, RequestState, WriteJob};
use crate::client::Reference;
use crate::store::{DraftEditing, DraftError};
use crate::tui::modals::Editor;

impl App {
    /// The active workspace's open editor and its text, when that differs from the field's value
    /// (secret fields never: they are not kept on disk).
    fn editing(&self, ws: usize) -> Option<DraftEditing> {
        if ws != self.active {
            return None;
        }
        let editor = self.modals.find::<Editor>()?;
        let form = self.workspaces[ws].form.as_ref()?;
        let field = form.fields().get(editor.field)?;
        if field.is_secret() {
            return None;
        }
        let text = editor.area.lines().join("\n");
        if form.value(editor.field).as_text().unwrap_or("") == text {
            return None;
        }
        Some(DraftEditing {
            field: field.name.clone(),
            text,
        })
    }

    /// Queues the workspace's draft if its form (or its open editor's text, or the edit running
    /// in the user's own editor) changed since the last one. Called after every input and result, so drafts are written in the order the
    /// edits were made.
    pub fn journal(&mut self, ws: usize) {
        if self.drafts.is_none() {
            return;
        }
        let editing = self.editing(ws);
        let external = self.external_draft(ws);
        let w = &mut self.workspaces[ws];
        let (Some(form), Some(reference)) = (&w.form, &w.reference) else {
            return;
        };
        if (form.revision() == w.journaled
            && editing == w.journaled_editing
            && external == w.journaled_external)
            || w.pending_draft.is_some()
        {
            return;
        }
        w.journaled = form.revision();
        w.journaled_editing = editing.clone();
        w.journaled_external = external.clone();
        let job = WriteJob::SaveDraft {
            profile: w.profile.name.clone(),
            reference: reference.text.clone(),
            form: Box::new(form.clone()),
            editing,
            external,
        };
        self.write(ws, job);
    }

    /// Reads a contact into the active workspace, and any draft of it on disk. A contact not
    /// open yet is claimed first: while another rolo has it, it is not loaded.
    pub fn load(&mut self, reference: Reference, purpose: LoadPurpose) {
        let ws = self.active;
        let Some(session) = self.workspaces[ws].session.clone() else {
            return;
        };
        let drafts = self.drafts.clone();
        let profile = self.workspaces[ws].profile.name.clone();
        let claimed = self.workspaces[ws]
            .claim
            .as_ref()
            .is_some_and(|(r, _)| *r == reference.text);
        let state_purpose = purpose.clone();
        let text = reference.text.clone();
        self.spawn(
            ws,
            |run| RequestState::Loading {
                reference: text,
                purpose: state_purpose,
                run,
            },
            async move {
                let claim = match &drafts {
                    Some(store) if !claimed => match store.claim(&profile, &reference.text) {
                        Ok(lock) => Some(lock),
                        Err(error) => {
                            return Msg::Refused { ws, error };
                        }
                    },
                    _ => None,
                };
                let result = session.load(&reference).await;
                let draft = match &drafts {
                    Some(store) => store
                        .read(&profile, &reference.text)
                        .map_err(|e| e.to_string()),
                    None => Ok(None),
                };
                Msg::Loaded {
                    ws,
                    reference,
                    purpose,
                    result,
                    draft,
                    claim,
                }
            },
        );
    }

    /// Opening a contact was refused (another rolo has it open): nothing loaded, nothing
    /// journaled; the open contact, if any, stays as it is.
    pub(super) fn on_refused(&mut self, ws: usize, error: &DraftError) {
        let Some(w) = self.workspaces.get_mut(ws) else {
            return;
        };
        w.request = RequestState::Idle;
        w.banner = Some(Banner::Error(format!("Not opened for editing: {error}")));
    }
}
