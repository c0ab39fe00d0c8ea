//! A draft of unsent changes was found for the contact just opened: restore or discard it.
//! Esc decides later: the draft stays on disk, is not journaled over, and is offered again
//! when the contact is opened again.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Effect, Modal, Outcome, text_popup};
use crate::store::Draft;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct DraftModal {
    pub draft: Draft,
    pub changed_on_server: Vec<String>,
}

impl DraftModal {
    pub fn new(draft: Draft, changed_on_server: Vec<String>) -> Self {
        Self {
            draft,
            changed_on_server,
        }
    }
}

impl Modal for DraftModal {
    fn context(&self) -> Context {
        Context::Draft
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        match action {
            Action::Restore => Outcome::CloseThen(Effect::RestoreDraft {
                draft: Box::new(self.draft.clone()),
                changed_on_server: self.changed_on_server.clone(),
            }),
            Action::Discard => Outcome::CloseThen(Effect::DiscardDraft),
            _ => Outcome::Stay,
        }
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let draft = &self.draft;
        let mut lines = vec![Line::styled(
            format!(
                "A draft from {} holds {} change(s) that were never sent:",
                draft.saved_at,
                draft.fields.len()
            ),
            app.theme.text,
        )];
        for d in &draft.fields {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
            let mark = if self.changed_on_server.contains(&d.field) {
                "  (changed on the server since)"
            } else {
                ""
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {}: ", d.field), app.theme.text),
                Span::styled(show(&d.original), app.theme.muted),
                Span::styled(" → ", app.theme.text),
                Span::styled(show(&d.value), app.theme.changed),
                Span::styled(mark, app.theme.error),
            ]));
        }
        for s in &draft.secrets_left_out {
            lines.push(Line::styled(
                format!("  {s}: a secret, not kept in drafts"),
                app.theme.muted,
            ));
        }
        if let Some(editing) = &draft.editing {
            let first = editing.text.lines().next().unwrap_or("");
            let more = if editing.text.lines().count() > 1 {
                " …"
            } else {
                ""
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {} (being edited): ", editing.field),
                    app.theme.text,
                ),
                Span::styled(format!("{first}{more}"), app.theme.changed),
            ]));
        }
        if let Some(running) = &draft.external {
            let what = running.field.as_deref().unwrap_or("the whole contact");
            lines.push(Line::styled(
                format!(
                    "  {what}: was open in your editor; restoring opens it again on the text it had"
                ),
                app.theme.changed,
            ));
        }
        // What "later" means, since closing it is not an answer.
        lines.push(Line::styled(
            format!(
                "{}: decide later. The draft stays on disk and is offered again when you open this contact ({}); until you answer, new edits are not saved to it.",
                app.keymap.label_in(Context::Draft, Action::Cancel),
                app.keymap.label(Action::Open),
            ),
            app.theme.muted,
        ));
        lines.push(Line::from(""));
        text_popup(frame, app, self, "Unsent changes found", lines, 80, 0)
    }
}
