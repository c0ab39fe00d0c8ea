//! Editing one field's text (tui-textarea): the rule it breaks shows as you type.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_textarea::TextArea;

use super::{Effect, Modal, Outcome, hint_rows, popup};
use crate::edit::{Value, check_value};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context, Keymap};

pub struct Editor {
    pub field: usize,
    pub area: TextArea<'static>,
    pub multiline: bool,
    /// The rule the text breaks right now, shown as you type.
    pub issue: Option<String>,
}

impl Editor {
    /// Checks the text against the field's rules.
    pub fn check(&mut self, app: &App) {
        let Some(form) = app.ws().form.as_ref() else {
            return;
        };
        let text = self.area.lines().join("\n");
        self.issue = check_value(&form.fields()[self.field], &Value::text(text))
            .err()
            .map(|i| i.message);
    }

    fn commit(&self) -> Outcome {
        Outcome::CloseThen(Effect::SetText {
            field: self.field,
            text: self.area.lines().join("\n"),
        })
    }
}

impl Modal for Editor {
    fn context(&self) -> Context {
        Context::Editor
    }

    fn takes(&self, action: Action) -> bool {
        action != Action::CommitLine || !self.multiline
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        match action {
            Action::Commit | Action::CommitLine => self.commit(),
            _ => Outcome::Stay,
        }
    }

    fn on_input(&mut self, key: KeyEvent, app: &App) -> Outcome {
        self.area.input(key);
        self.check(app);
        Outcome::Stay
    }

    fn hints(&self, keymap: &Keymap) -> Vec<(String, &'static str)> {
        let skip = if self.multiline {
            Action::CommitLine
        } else {
            Action::Commit
        };
        crate::tui::keymap::TABLE
            .iter()
            .filter(|e| e.context == Context::Editor && e.action != skip)
            .filter_map(|e| Some((keymap.label_in(Context::Editor, e.action), e.hint?)))
            .collect()
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let Some(form) = app.ws().form.as_ref() else {
            return Rect::default();
        };
        let field = &form.fields()[self.field];
        let height = if self.multiline { 14 } else { 6 };
        let (rect, inner) = popup(
            frame,
            app,
            &format!("Edit {} ({})", field.label, field.name),
            70,
            height,
        );
        let key_rows = hint_rows(app, self, inner.width);
        let [text, issue, keys] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(key_rows.len() as u16),
        ])
        .areas(inner);
        frame.render_widget(&self.area, text);
        let line = match &self.issue {
            Some(message) => Line::styled(format!("✗ {message}"), app.theme.invalid),
            None => Line::styled("✓ valid", app.theme.ok),
        };
        frame.render_widget(Paragraph::new(line), issue);
        // Every key shows: the hints take more rows when the box is narrow.
        frame.render_widget(Paragraph::new(key_rows), keys);
        rect
    }
}
