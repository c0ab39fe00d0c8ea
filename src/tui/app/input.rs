//! Input: keys become actions through the keymap (the form's, or the top modal's context),
//! modals answer with outcomes, and their effects are applied here, in one place.

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use tui_textarea::TextArea;

use super::{AfterOpen, App, Banner, LoadPurpose, Msg, PAGE, Pane, WriteJob};
use crate::client::Reference;
use crate::edit::{Access, Form, Value, codec};
use crate::spec::Kind;
use crate::store::{HistoryEntry, HistoryListing};
use crate::tui::error::TuiError;
use crate::tui::keymap::{Action, Context};
use crate::tui::modals::{
    Editor, Effect, HelpModal, HistoryModal, JumpModal, Modal, OpenModal, Outcome, PaletteModal,
    Picker, ProfilesModal, QuitModal,
};

impl App {
    pub fn on_key(&mut self, key: KeyEvent) {
        self.toast = None;
        // Tests check that a panic restores the terminal; only a debug (test) build has this.
        #[cfg(debug_assertions)]
        if key.code == crossterm::event::KeyCode::F(12)
            && std::env::var_os("ROLO_TEST_PANIC").is_some()
        {
            panic!("test panic requested with F12");
        }
        if self.keymap.action_in(Context::Global, &key) == Some(Action::Interrupt) {
            self.interrupt();
        } else if self.modals.is_empty() {
            if let Some(action) = self.keymap.action(&key) {
                self.act(action);
            }
        } else {
            self.modal_key(key);
        }
        self.journal(self.active);
    }

    /// Ctrl-C is always a way out (asking first when changes are unsaved); in the editor or a
    /// picker it only leaves them, like Esc.
    fn interrupt(&mut self) {
        let editing = self
            .modals
            .top()
            .is_some_and(|m| matches!(m.context(), Context::Editor | Context::Picker));
        if editing {
            self.modals.pop();
        } else if !self.modals.top_is::<QuitModal>() {
            self.request_quit();
        }
    }

    /// The top modal handles the key; Cancel closes it, whatever the modal.
    fn modal_key(&mut self, key: KeyEvent) {
        let Some(mut modal) = self.modals.pop() else {
            return;
        };
        let action = self
            .keymap
            .action_in(modal.context(), &key)
            .filter(|a| modal.takes(*a));
        let outcome = match action {
            Some(Action::Cancel) => Outcome::Close,
            Some(action) => modal.on_action(action, self),
            None => modal.on_input(key, self),
        };
        self.settle(modal, outcome);
    }

    /// Keeps, closes or retries a modal after its outcome, and applies the effect it asked for.
    fn settle(&mut self, mut modal: Box<dyn Modal>, outcome: Outcome) {
        match outcome {
            Outcome::Stay => self.modals.push(modal),
            Outcome::Close => {}
            Outcome::CloseThen(effect) => {
                if let Err(e) = self.apply(effect) {
                    self.ws_mut().banner = Some(Banner::Error(e.to_string()));
                }
            }
            Outcome::StayAnd(effect) => {
                self.modals.push(modal);
                if let Err(e) = self.apply(effect) {
                    self.toast = Some(e.to_string());
                }
            }
            Outcome::Attempt(effect) => {
                if let Err(e) = self.apply(effect) {
                    modal.failed(e.to_string());
                    self.modals.push(modal);
                }
            }
        }
    }

    /// Does what a modal asked.
    fn apply(&mut self, effect: Effect) -> Result<(), TuiError> {
        match effect {
            Effect::Quit => self.quit = true,
            Effect::SwitchProfile(index) => {
                let name = self.workspaces[index].profile.name.clone();
                self.activate_then(&name, AfterOpen::OpenModal)?;
            }
            Effect::OpenReference(text) => self.open_reference(&text)?,
            Effect::ListPage(page) => self.list(page),
            Effect::SearchSoon(generation) => self.search_soon(generation),
            Effect::SearchPage { query, at } => self.search(query, Some(at)),
            Effect::JumpTo(field) => {
                self.focus = Pane::Form;
                self.select(field);
            }
            Effect::Run(action) => self.act(action),
            Effect::Send(review) => self.send(review),
            Effect::Resolve {
                take_theirs,
                server,
            } => self.resolve(&take_theirs, *server),
            Effect::RestoreDraft {
                draft,
                changed_on_server,
            } => {
                self.ws_mut().pending_draft = None;
                let refused = match self.ws_mut().form.as_mut() {
                    Some(form) => draft.restore(form),
                    None => Vec::new(),
                };
                let mut text = format!(
                    "Restored {} unsent change(s) from {}.",
                    draft.fields.len(),
                    draft.saved_at
                );
                if !changed_on_server.is_empty() {
                    text.push_str(&format!(
                        "\nChanged on the server since: {}",
                        changed_on_server.join(", ")
                    ));
                }
                for r in refused.iter().chain(draft.secrets_left_out.iter()) {
                    text.push_str(&format!("\nnot restored: {r}"));
                }
                // The editor that was open goes back on screen, with the text being typed.
                if let Some(editing) = &draft.editing {
                    let field = self.ws().form.as_ref().map(|f| f.index(&editing.field));
                    match field {
                        Some(Ok(field)) => {
                            self.ws_mut().selected = field;
                            self.begin_edit_with(Some(editing.text.clone()));
                            text.push_str(&format!(
                                "\nThe text you were typing into {} is back in its editor.",
                                editing.field
                            ));
                        }
                        Some(Err(e)) => text.push_str(&format!("\nnot restored: {e}")),
                        None => {}
                    }
                }
                // The user's own editor opens again on the text its file kept.
                if let Some(running) = &draft.external {
                    match self.recover_external(running) {
                        Ok(note) | Err(note) => text.push_str(&format!("\n{note}")),
                    }
                }
                self.ws_mut().banner = Some(Banner::Info(text));
            }
            Effect::DiscardDraft => {
                if let Some(running) = self
                    .ws_mut()
                    .pending_draft
                    .take()
                    .and_then(|(draft, _)| draft.external)
                {
                    self.discard_external(&running);
                }
                let w = self.ws();
                if let (Some(_), Some(reference)) = (&self.drafts, &w.reference) {
                    let job = WriteJob::RemoveDraft {
                        profile: w.profile.name.clone(),
                        reference: reference.text.clone(),
                    };
                    self.write(self.active, job);
                }
                self.ws_mut().banner = Some(Banner::Info("Draft discarded.".into()));
            }
            Effect::RevertEntry(entry) => self.revert_entry(&entry),
            Effect::CopyValue(field) => {
                self.ws_mut().selected = field;
                self.copy_value();
            }
            Effect::SetText { field, text } => {
                self.ws_mut().selected = field;
                self.with_form(|form, i| form.set_text(i, &text).map(|_| ()));
            }
        }
        Ok(())
    }

    fn request_quit(&mut self) {
        if self.unsaved_total() > 0 {
            self.modals.push(Box::new(QuitModal));
        } else {
            self.quit = true;
        }
    }

    fn select(&mut self, index: usize) {
        let count = self.ws().form.as_ref().map_or(0, Form::len);
        if count > 0 {
            self.ws_mut().selected = index.min(count - 1);
        }
    }

    pub(super) fn no_contact(&self) -> String {
        format!(
            "no contact open: press {} to open one",
            self.keymap.label(Action::Open)
        )
    }

    /// A form action.
    pub fn act(&mut self, action: Action) {
        // The focused pane's keys (raw pane scrolling) and the value's (view, copy): panes.rs.
        if self.pane_action(action) {
            return;
        }
        let selected = self.ws().selected;
        match action {
            Action::Up => self.select(selected.saturating_sub(1)),
            Action::Down => self.select(selected + 1),
            Action::PageUp => self.select(selected.saturating_sub(PAGE)),
            Action::PageDown => self.select(selected + PAGE),
            Action::Top => self.select(0),
            Action::Bottom => self.select(usize::MAX),
            Action::Edit => self.begin_edit(),
            Action::EditInEditor => self.begin_external(false),
            Action::EditAllInEditor => self.begin_external(true),
            Action::Toggle => self.toggle(),
            Action::Clear => self.with_form(|form, i| form.clear(i).map(|_| ())),
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::Revert => self.with_form(|form, i| form.revert(i).map(|_| ())),
            Action::Review => self.review(),
            Action::Reload => match self.ws().reference.clone() {
                Some(r) => self.load(r, LoadPurpose::Reload),
                None => self.toast = Some(self.no_contact()),
            },
            Action::Profiles => {
                let selected = self.active;
                self.modals.push(Box::new(ProfilesModal { selected }));
            }
            Action::Open => self.open_modal(),
            Action::Raw => self.raw_maximized = !self.raw_maximized,
            Action::Focus => {
                self.focus = match self.focus {
                    Pane::Form => Pane::Response,
                    Pane::Response => Pane::Raw,
                    Pane::Raw => Pane::Form,
                }
            }
            Action::Copy => self.copy_curl(),
            Action::History => self.history_modal(),
            Action::Help => self.modals.push(Box::new(HelpModal::default())),
            Action::Jump => match self.ws().form.as_ref() {
                Some(form) => {
                    let jump = JumpModal::new(form);
                    self.modals.push(Box::new(jump));
                }
                None => self.toast = Some(self.no_contact()),
            },
            Action::Palette => {
                let palette = PaletteModal::new(&self.keymap);
                self.modals.push(Box::new(palette));
            }
            Action::Quit => self.request_quit(),
            Action::CancelRequest => self.cancel(),
            Action::Interrupt => self.interrupt(),
            // Modal actions mean nothing in the form.
            Action::Confirm
            | Action::Cancel
            | Action::Commit
            | Action::CommitLine
            | Action::KeepMine
            | Action::TakeTheirs
            | Action::Flip
            | Action::Restore
            | Action::Discard
            | Action::View
            | Action::CopyValue
            | Action::Wrap
            | Action::Latest
            | Action::Left
            | Action::Right => {}
        }
    }

    fn with_form(
        &mut self,
        change: impl FnOnce(&mut Form, usize) -> Result<(), crate::edit::EditError>,
    ) {
        let selected = self.ws().selected;
        let Some(form) = self.workspaces[self.active].form.as_mut() else {
            self.toast = Some(self.no_contact());
            return;
        };
        if let Err(e) = change(form, selected) {
            self.toast = Some(e.to_string());
        }
    }

    /// The form's undo (or redo) of the last edit.
    fn undo_redo(&mut self, undo: bool) {
        let ws = self.ws_mut();
        let Some(form) = ws.form.as_mut() else {
            return;
        };
        let moved = if undo { form.undo() } else { form.redo() };
        match moved {
            Some(field) => ws.selected = field,
            None => {
                self.toast = Some(
                    if undo {
                        "nothing to undo"
                    } else {
                        "nothing to redo"
                    }
                    .into(),
                )
            }
        }
    }

    fn toggle(&mut self) {
        let selected = self.ws().selected;
        let Some(form) = self.workspaces[self.active].form.as_mut() else {
            return;
        };
        let kind = form.fields()[selected].kind;
        if !kind.is_bool() {
            let toggle = self.keymap.label(Action::Toggle);
            let edit = self.keymap.label(Action::Edit);
            self.toast = Some(format!("{toggle} toggles flags; {edit} edits this field"));
            return;
        }
        let now = form
            .value(selected)
            .as_text()
            .and_then(|t| codec::parse_flag(kind, t))
            .unwrap_or(false);
        if let Err(e) = form.set_text(selected, codec::bool_text(!now)) {
            self.toast = Some(e.to_string());
        }
    }

    fn begin_edit(&mut self) {
        self.begin_edit_with(None);
    }

    /// Opens the selected field's editor, holding `text` instead of the field's value when given
    /// (text restored from a draft).
    fn begin_edit_with(&mut self, text: Option<String>) {
        let selected = self.ws().selected;
        let Some(form) = self.ws().form.as_ref() else {
            self.toast = Some(self.no_contact());
            return;
        };
        match form.access(selected) {
            Access::Editable => {}
            // Seen whole instead, with why it cannot be edited.
            Access::ReadOnly(_) | Access::NotApplicable(_) | Access::Locked(_) => {
                self.view_value();
                return;
            }
        }
        let field = &form.fields()[selected];
        let value = form.value(selected).as_text().unwrap_or("").to_string();
        let restored = text.is_some();
        let current = text.unwrap_or(value);
        match field.kind {
            k if k.is_bool() && !restored => self.toggle(),
            Kind::Enum | Kind::Country => {
                let (options, selected_option) = if field.kind == Kind::Enum {
                    let options: Vec<(String, String)> = field
                        .limits
                        .values
                        .iter()
                        .map(|v| (v.clone(), v.clone()))
                        .collect();
                    let at = options.iter().position(|(v, _)| *v == current);
                    (options, at.unwrap_or(0))
                } else {
                    // Opens on the current country; a choice is written as the vendor holds it.
                    // An emptied field is written as the vendor held it when loaded.
                    let held = match form.original(selected).as_text() {
                        Some(t) if current.is_empty() => t,
                        _ => current.as_str(),
                    };
                    crate::tui::countries::choices(held)
                };
                self.modals.push(Box::new(Picker {
                    field: selected,
                    filter: String::new(),
                    options,
                    selected: selected_option,
                }));
            }
            kind => {
                let multiline = matches!(kind, Kind::Multiline | Kind::Json);
                let lines: Vec<String> = if multiline {
                    current.lines().map(str::to_string).collect()
                } else {
                    vec![current]
                };
                let mut area = TextArea::new(if lines.is_empty() {
                    vec![String::new()]
                } else {
                    lines
                });
                area.move_cursor(tui_textarea::CursorMove::Bottom);
                area.move_cursor(tui_textarea::CursorMove::End);
                if field.is_secret() {
                    area.set_mask_char('•');
                }
                let mut editor = Editor {
                    field: selected,
                    area,
                    multiline,
                    issue: None,
                };
                editor.check(self);
                self.modals.push(Box::new(editor));
            }
        }
    }

    pub(super) fn open_modal(&mut self) {
        let spec = self.ws().session.as_ref().map(|s| s.spec.clone());
        let example = spec
            .as_ref()
            .map(|s| s.reference_example.clone())
            .unwrap_or_default();
        let mut open = OpenModal::new(&example);
        if let Some(spec) = spec {
            open = open.with_references(move |text| Reference::looks_complete(&spec, text));
        }
        self.modals.push(Box::new(open));
        self.list(1);
    }

    /// Reads the contact's history off the UI thread; the modal opens when it arrives.
    fn history_modal(&mut self) {
        let w = self.ws();
        let (Some(history), Some(reference)) = (self.history.clone(), w.reference.clone()) else {
            self.toast = Some("no contact open, or no history kept".into());
            return;
        };
        let (ws, profile, tx) = (self.active, w.profile.name.clone(), self.tx.clone());
        let reference = reference.text;
        let wanted = reference.clone();
        let read = move || {
            history
                .read(Some(&profile), Some(&wanted))
                .map_err(|e| e.to_string())
        };
        let Some(tasks) = self.tasks() else {
            let result = read();
            self.on_history_read(ws, reference, result);
            return;
        };
        tasks.spawn_blocking(move || {
            let result = read();
            // The app is gone only when quitting; nothing then waits for the history.
            let _ = tx.send(Msg::HistoryRead {
                ws,
                reference,
                result,
            });
        });
    }

    pub(super) fn on_history_read(
        &mut self,
        ws: usize,
        reference: String,
        result: Result<HistoryListing, String>,
    ) {
        // Another profile or contact is on screen by now: its history is not wanted.
        let w = self.ws();
        if ws != self.active || w.reference.as_ref().is_none_or(|r| r.text != reference) {
            return;
        }
        match result {
            Ok(mut listing) if !listing.entries.is_empty() || !listing.skipped.is_empty() => {
                listing.entries.reverse();
                self.modals.push(Box::new(HistoryModal {
                    entries: listing.entries,
                    skipped: listing.skipped.iter().map(|s| s.to_string()).collect(),
                    selected: 0,
                }));
            }
            Ok(_) => {
                self.toast = Some(format!(
                    "no confirmed updates of {reference} from this machine yet"
                ))
            }
            Err(e) => self.toast = Some(format!("cannot read the history: {e}")),
        }
    }

    /// Sets each field of a past change back to its old value: the inverse update, which the
    /// user then reviews and sends like any other.
    fn revert_entry(&mut self, entry: &HistoryEntry) {
        let review = self.keymap.label(Action::Review);
        let Some(form) = self.ws_mut().form.as_mut() else {
            return;
        };
        let mut notes = Vec::new();
        let mut set = 0;
        for change in &entry.changes {
            if change.secret {
                notes.push(format!(
                    "{}: a secret's old value is not kept",
                    change.field
                ));
                continue;
            }
            let old = change
                .old
                .as_ref()
                .map_or(Value::Null, |t| Value::text(t.clone()));
            match form.index(&change.field).and_then(|i| form.set(i, old)) {
                Ok(true) => set += 1,
                Ok(false) => {}
                Err(e) => notes.push(e.to_string()),
            }
        }
        // Said plainly when every field already holds its old value.
        let mut text = if set == 0 && notes.is_empty() {
            format!(
                "Nothing to revert: the fields of the update of {} already hold their old values.",
                entry.time
            )
        } else {
            format!(
                "Reverting the update of {}: {set} field(s) set back. Press {review} to review and send.",
                entry.time,
            )
        };
        for n in notes {
            text.push_str(&format!("\n{n}"));
        }
        self.ws_mut().banner = Some(Banner::Info(text));
    }

    pub fn on_mouse(&mut self, mouse: MouseEvent) {
        let at = Position::new(mouse.column, mouse.row);
        if let Some(mut modal) = self.modals.pop() {
            let outcome = modal.on_mouse(mouse, self);
            self.settle(modal, outcome);
            return;
        }
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if self.layout.form.contains(at) {
                    self.focus = Pane::Form;
                    if let Some((_, field)) =
                        self.layout.rows.iter().find(|(row, _)| *row == mouse.row)
                    {
                        self.ws_mut().selected = *field;
                    }
                } else if self.layout.response.contains(at) {
                    self.focus = Pane::Response;
                } else if self.layout.raw.contains(at) {
                    self.focus = Pane::Raw;
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = mouse.kind == MouseEventKind::ScrollDown;
                if self.layout.raw.contains(at) {
                    let ws = self.ws_mut();
                    ws.raw_scroll = if down {
                        ws.raw_scroll + 3
                    } else {
                        ws.raw_scroll.saturating_sub(3)
                    }
                    .min(ws.raw.len().saturating_sub(1));
                    self.clamp_raw();
                } else if self.layout.form.contains(at) {
                    // The wheel acts where it points, whichever pane has the focus.
                    self.focus = Pane::Form;
                    self.act(if down { Action::Down } else { Action::Up });
                }
            }
            _ => {}
        }
    }
}
