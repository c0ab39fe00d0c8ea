//! Editing in the user's own editor (`e` one field, `E` the whole contact as a TOML document):
//! the app's side. It decides what text the editor gets, asks the event loop to run the editor
//! (`take_launch`; the loop hands the terminal over, `tui::external`), and reads what was saved
//! (`editor_ended`): applied as ordinary edits, or given back to the editor with the problems on
//! top until it is right or left unchanged. While it runs, the draft names the file (so a later
//! rolo offers the text back: `recover_external`), and the file is removed once it is done.

use std::path::PathBuf;

use super::{App, Banner, WriteJob};
use crate::edit::{Access, document};
use crate::store::{DraftExternal, DraftStore};
use crate::tui::keymap::Action;

/// An edit in the user's own editor, from the key that started it until its text is applied
/// or given up.
#[derive(Debug, Clone)]
pub struct ExternalEdit {
    pub ws: usize,
    pub profile: String,
    pub reference: String,
    /// The field edited alone (`e`); `None` for the whole contact (`E`).
    pub field: Option<usize>,
    /// The field's name, for the draft (`None` for the whole contact).
    pub field_name: Option<String>,
    pub path: PathBuf,
    /// The text to give the editor this round; `None` opens the file as it is (recovered text).
    pub text: Option<String>,
    /// The saved text that means "left as it was": nothing is applied.
    pub unchanged: String,
    /// Whether the editor is still to be started for this round.
    pub launch: bool,
}

/// What the event loop needs to run the editor.
#[derive(Debug, Clone)]
pub struct Launch {
    pub store: DraftStore,
    pub profile: String,
    pub path: PathBuf,
    pub text: Option<String>,
}

/// How the editor's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorRun {
    /// The editor exited; the file's text now.
    Exited {
        success: bool,
        status: String,
        text: String,
    },
    /// It could not be run, or its file not written or read back: why.
    Failed(String),
}

impl App {
    /// The edit running in the user's editor, for the draft of workspace `ws`.
    pub(super) fn external_draft(&self, ws: usize) -> Option<DraftExternal> {
        self.external
            .as_ref()
            .filter(|e| e.ws == ws)
            .map(|e| DraftExternal {
                field: e.field_name.clone(),
                path: e.path.clone(),
            })
    }

    /// `e` (one field) or `E` (`whole`: every field as one document): prepares the text and
    /// asks the event loop to start the editor.
    pub(super) fn begin_external(&mut self, whole: bool) {
        if self.external.is_some() {
            return;
        }
        let w = self.ws();
        let (Some(form), Some(reference)) = (&w.form, &w.reference) else {
            self.toast = Some(self.no_contact());
            return;
        };
        if let Some(what) = w.request.label() {
            let cancel = self.keymap.label(Action::CancelRequest);
            self.toast = Some(format!(
                "wait until {what} is done (or {cancel} stops it), then open your editor"
            ));
            return;
        }
        let Some(store) = self.drafts.clone() else {
            self.toast = Some(
                "no data folder to keep your editor's file in (set ROLO_DATA_DIR)".to_string(),
            );
            return;
        };
        if let Some(why) = form.forbidden() {
            self.toast = Some(format!("this contact cannot be updated: {why}"));
            return;
        }
        let (field, text) = if whole {
            (None, document::render(form, &self.document_title()))
        } else {
            let i = w.selected;
            let f = &form.fields()[i];
            if f.is_secret() {
                let edit = self.keymap.label(Action::Edit);
                self.toast = Some(format!(
                    "{} is a secret: it is never written to a file; {edit} edits it here",
                    f.name
                ));
                return;
            }
            match form.access(i) {
                Access::Editable => {}
                Access::ReadOnly(why) | Access::NotApplicable(why) | Access::Locked(why) => {
                    self.toast = Some(format!("{} cannot be edited: {why}", f.name));
                    return;
                }
            }
            (Some(i), document::render_value(form, i))
        };
        let field_name = field.map(|i| form.fields()[i].name.clone());
        let path = store.edit_path(&w.profile.name, &reference.text, field_name.as_deref());
        self.external = Some(ExternalEdit {
            ws: self.active,
            profile: w.profile.name.clone(),
            reference: reference.text.clone(),
            field,
            field_name,
            path,
            unchanged: text.clone(),
            text: Some(text),
            launch: true,
        });
    }

    /// "rolo · PROFILE · VENDOR · REFERENCE", the document's first line.
    fn document_title(&self) -> String {
        let w = self.ws();
        format!(
            "rolo · {} · {} · {}",
            w.profile.name,
            w.profile.vendor,
            w.reference.as_ref().map_or("", |r| r.text.as_str())
        )
    }

    /// The editor to start now, if one is due (the event loop asks after every input).
    pub fn take_launch(&mut self) -> Option<Launch> {
        let store = self.drafts.clone()?;
        let edit = self.external.as_mut().filter(|e| e.launch)?;
        edit.launch = false;
        Some(Launch {
            store,
            profile: edit.profile.clone(),
            path: edit.path.clone(),
            text: edit.text.clone(),
        })
    }

    /// Whether an editor is due to start (the event loop stops reading keys for it).
    pub fn launch_due(&self) -> bool {
        self.external.as_ref().is_some_and(|e| e.launch)
    }

    /// The editor ended: applies what was saved, or gives the text back with its problems.
    pub fn editor_ended(&mut self, run: EditorRun) {
        let Some(mut edit) = self.external.take() else {
            return;
        };
        let text = match run {
            EditorRun::Failed(why) => {
                return self.end_external(&edit, Banner::Error(format!("Your editor: {why}")));
            }
            EditorRun::Exited {
                success: false,
                status,
                ..
            } => {
                return self.end_external(
                    &edit,
                    Banner::Error(format!(
                        "Your editor exited with an error ({status}): nothing changed."
                    )),
                );
            }
            EditorRun::Exited { text, .. } => text,
        };
        let w = &self.workspaces[edit.ws];
        let (Some(form), true) = (
            w.form.as_ref(),
            w.reference
                .as_ref()
                .is_some_and(|r| r.text == edit.reference),
        ) else {
            return self.end_external(
                &edit,
                Banner::Error(
                    "The contact is no longer open: nothing from your editor was applied.".into(),
                ),
            );
        };
        if text == edit.unchanged {
            return self.end_external(
                &edit,
                Banner::Info("Nothing changed: the file was left as it was.".into()),
            );
        }
        let parsed = match edit.field {
            None if document::is_blank(&text) => {
                return self.end_external(
                    &edit,
                    Banner::Info("Nothing changed: the file was emptied.".into()),
                );
            }
            None => document::parse(form, &text),
            Some(i) => document::parse_value(form, i, &text)
                .map(|v| v.map(|v| vec![(i, v)]).unwrap_or_default())
                .map_err(|e| vec![e]),
        };
        match parsed {
            Ok(edits) => {
                let count = edits.len();
                let first = edits.first().map(|(i, _)| *i);
                let mut refused = Vec::new();
                let w = &mut self.workspaces[edit.ws];
                if let Some(form) = w.form.as_mut() {
                    for (i, value) in edits {
                        if let Err(e) = form.set(i, value) {
                            refused.push(e.to_string());
                        }
                    }
                }
                if let Some(first) = first {
                    w.selected = first;
                }
                let review = self.keymap.label(Action::Review);
                let mut text = if count == 0 {
                    "Nothing changed: every value is as it was.".to_string()
                } else {
                    format!(
                        "Applied {count} change(s) from your editor. Press {review} to review and send."
                    )
                };
                for r in refused {
                    text.push_str(&format!("\nnot applied: {r}"));
                }
                self.end_external(&edit, Banner::Info(text));
            }
            Err(errors) => {
                // Back to the editor, the user's text kept, the problems on top.
                tracing::info!("editor text refused: {} problem(s)", errors.len());
                let again = document::with_errors(&text, &errors);
                edit.unchanged = again.clone();
                edit.text = Some(again);
                edit.launch = true;
                self.external = Some(edit);
            }
        }
    }

    /// The edit is over: the draft stops naming its file, and the file goes.
    fn end_external(&mut self, edit: &ExternalEdit, banner: Banner) {
        if let Some(w) = self.workspaces.get_mut(edit.ws) {
            w.banner = Some(banner);
        }
        self.journal(edit.ws);
        self.write(
            edit.ws,
            WriteJob::RemoveEditFile {
                path: edit.path.clone(),
            },
        );
    }

    /// A draft said an edit was running in the user's editor: the editor opens again on the
    /// text its file kept. Leaving it then applies that text (it is what the user had saved),
    /// unless it is what the form holds already; emptying the file gives it up.
    pub(super) fn recover_external(&mut self, running: &DraftExternal) -> Result<String, String> {
        let w = self.ws();
        let (Some(form), Some(reference), Some(store)) = (&w.form, &w.reference, &self.drafts)
        else {
            return Err("no contact open".into());
        };
        let (field, unchanged) = match &running.field {
            None => (None, document::render(form, &self.document_title())),
            Some(name) => {
                let i = form.index(name).map_err(|e| e.to_string())?;
                (Some(i), document::render_value(form, i))
            }
        };
        // The file is where rolo puts it, whatever the draft says.
        let path = store.edit_path(&w.profile.name, &reference.text, running.field.as_deref());
        self.external = Some(ExternalEdit {
            ws: self.active,
            profile: w.profile.name.clone(),
            reference: reference.text.clone(),
            field,
            field_name: running.field.clone(),
            path: path.clone(),
            text: None,
            unchanged,
            launch: true,
        });
        Ok(format!(
            "Your editor opens again on the text it was editing ({}).",
            path.display()
        ))
    }

    /// The draft's editor file, when a draft is discarded.
    pub(super) fn discard_external(&mut self, running: &DraftExternal) {
        let w = self.ws();
        let (Some(store), Some(reference)) = (&self.drafts, &w.reference) else {
            return;
        };
        let path = store.edit_path(&w.profile.name, &reference.text, running.field.as_deref());
        self.write(self.active, WriteJob::RemoveEditFile { path });
    }
}
