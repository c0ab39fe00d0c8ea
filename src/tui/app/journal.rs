//! Nothing lost: every change (and the text of an editor still open) is journaled as a draft in
//! the order it was made; opening a contact claims it for this process (one rolo per contact)
//! and reads its draft, reporting one that cannot be read.

use std::sync::Arc;

use tokio::task::JoinHandle;

use super::{App, Banner, ContactRead, InFlight, LoadPurpose, Msg, RequestState, WriteJob};
use crate::client::{Reference, Session};
use crate::store::{DraftEditing, DraftError, DraftStore};
use crate::tui::TuiError;
use crate::tui::modals::Editor;

/// What reading a contact for the editor came to, before it is addressed to a workspace. Made
/// once per read and moved into its `Msg` (which is as large), so not boxed.
#[allow(clippy::large_enum_variant)]
pub enum ReadOutcome {
    /// Another rolo has the contact open: nothing was read.
    Refused(DraftError),
    Loaded(ContactRead),
}

impl ReadOutcome {
    fn into_msg(self, ws: usize, purpose: LoadPurpose) -> Msg {
        match self {
            Self::Refused(error) => Msg::Refused { ws, error },
            Self::Loaded(read) => Msg::Loaded { ws, purpose, read },
        }
    }
}

/// Claims a contact for this process (unless it holds it already: `claimed`), reads it, and
/// reads its draft. Runs on the workers, for `App::load` and for the first contact at start.
pub async fn read_for_editor(
    session: Arc<Session>,
    drafts: Option<DraftStore>,
    profile: String,
    reference: Reference,
    claimed: bool,
) -> ReadOutcome {
    let claim = match &drafts {
        Some(store) if !claimed => match store.claim(&profile, &reference.text) {
            Ok(lock) => Some(lock),
            Err(error) => return ReadOutcome::Refused(error),
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
    ReadOutcome::Loaded(ContactRead {
        reference,
        result,
        draft,
        claim,
    })
}

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
                read_for_editor(session, drafts, profile, reference, claimed)
                    .await
                    .into_msg(ws, purpose)
            },
        );
    }

    /// The first contact, read by a task that started before the app was made (`read`, from
    /// `read_for_editor` on the workers): the profile's session is `session`, the contact shows
    /// as loading, and cancelling stops that task as it stops any read.
    pub fn adopt_first_read(
        &mut self,
        profile: &str,
        session: Arc<Session>,
        reference: &Reference,
        read: JoinHandle<Option<ReadOutcome>>,
    ) -> Result<(), TuiError> {
        let ws = self.index_of(profile)?;
        self.workspaces[ws].session = Some(session);
        self.activate(profile)?;
        let Some(tasks) = self.tasks() else {
            read.abort();
            return Err(TuiError::OpenTask("no runtime for the first read".into()));
        };
        self.workspaces[ws].request = RequestState::Loading {
            reference: reference.text.clone(),
            purpose: LoadPurpose::Open,
            run: InFlight::new(read.abort_handle()),
        };
        let tx = self.tx.clone();
        tasks.spawn(async move {
            // Cancelled (the request state says so already) or failed to open: nothing to say.
            if let Ok(Some(outcome)) = read.await {
                let _ = tx.send(outcome.into_msg(ws, LoadPurpose::Open));
            }
        });
        Ok(())
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
