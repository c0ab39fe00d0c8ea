//! The contact's confirmed updates (the history journal), newest first; Enter reverts one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::{Effect, Modal, Outcome, choice_line, moved, text_popup};
use crate::store::HistoryEntry;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct HistoryModal {
    pub entries: Vec<HistoryEntry>,
    /// Lines of the history file that could not be read, each said as such.
    pub skipped: Vec<String>,
    pub selected: usize,
}

impl Modal for HistoryModal {
    fn context(&self) -> Context {
        Context::History
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        match action {
            Action::Up | Action::Down => {
                self.selected = moved(self.selected, action, self.entries.len());
                Outcome::Stay
            }
            Action::Confirm => match self.entries.get(self.selected) {
                Some(entry) => Outcome::CloseThen(Effect::RevertEntry(Box::new(entry.clone()))),
                None => Outcome::Stay,
            },
            _ => Outcome::Stay,
        }
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let width = frame.area().width.saturating_sub(4).min(110);
        let mut lines: Vec<Line<'static>> = self
            .entries
            .iter()
            .enumerate()
            .map(|(n, e)| choice_line(app, e.describe(), n == self.selected))
            .collect();
        if self.entries.is_empty() {
            lines.push(Line::styled("no entry could be read", app.theme.muted));
        }
        for skipped in &self.skipped {
            lines.push(Line::styled(format!("⚠ {skipped}"), app.theme.error));
        }
        lines.push(Line::from(""));
        text_popup(frame, app, self, "History of this contact", lines, width, 0)
    }
}
