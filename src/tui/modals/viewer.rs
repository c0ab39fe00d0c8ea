//! A value seen whole, read-only: long or multi-line values wrap and scroll; a key copies it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Effect, Modal, Outcome, hint_rows, popup, scrolled};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};
use crate::tui::views::wrapped;

pub struct ValueViewer {
    pub field: usize,
    pub title: String,
    /// Why the field cannot be edited, when it cannot.
    pub note: Option<String>,
    pub text: String,
    pub scroll: usize,
}

impl ValueViewer {
    /// The text's rows at this width.
    fn rows(&self, width: usize) -> Vec<String> {
        self.text
            .split('\n')
            .flat_map(|line| wrapped(line, width))
            .collect()
    }

    /// (width, height) of the text's part of a box, with `keys` rows of keys under it.
    fn body_size(&self, rect: Rect, keys: usize) -> (usize, usize) {
        let note = usize::from(self.note.is_some());
        (
            rect.width.saturating_sub(2) as usize,
            (rect.height.saturating_sub(2) as usize).saturating_sub(note + keys),
        )
    }
}

impl Modal for ValueViewer {
    fn context(&self) -> Context {
        Context::Viewer
    }

    fn on_action(&mut self, action: Action, app: &App) -> Outcome {
        if action == Action::CopyValue {
            return Outcome::StayAnd(Effect::CopyValue(self.field));
        }
        // Scrolling stops where the last row is at the bottom (the box as last drawn).
        let rect = app.layout.popup.unwrap_or_default();
        let keys = hint_rows(app, self, rect.width.saturating_sub(2)).len();
        let (width, height) = self.body_size(rect, keys);
        let rows = self.rows(width.max(1)).len();
        self.scroll = scrolled(self.scroll, action, rows, height);
        Outcome::Stay
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let area = frame.area();
        let width = area.width.saturating_sub(4).min(90);
        let rows = self.rows(width.saturating_sub(2).max(1) as usize).len();
        let height = (rows as u16 + 3 + u16::from(self.note.is_some()))
            .min(area.height.saturating_sub(2))
            .max(5);
        let (rect, inner) = popup(frame, app, &self.title, width, height);
        let key_rows = hint_rows(app, self, inner.width);
        let [note, body, keys] = Layout::vertical([
            Constraint::Length(u16::from(self.note.is_some())),
            Constraint::Min(1),
            Constraint::Length(key_rows.len() as u16),
        ])
        .areas(inner);
        if let Some(why) = &self.note {
            frame.render_widget(Paragraph::new(why.as_str()).style(app.theme.muted), note);
        }
        let lines: Vec<Line> = self
            .rows(body.width.max(1) as usize)
            .into_iter()
            .skip(self.scroll)
            .take(body.height as usize)
            .map(|r| Line::styled(r, app.theme.text))
            .collect();
        frame.render_widget(Paragraph::new(lines), body);
        frame.render_widget(Paragraph::new(key_rows), keys);
        rect
    }
}
