//! The profile switcher.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::{Effect, Modal, Outcome, choice_line, moved, text_popup};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct ProfilesModal {
    pub selected: usize,
}

impl Modal for ProfilesModal {
    fn context(&self) -> Context {
        Context::Profiles
    }

    fn on_action(&mut self, action: Action, app: &App) -> Outcome {
        match action {
            Action::Up | Action::Down => {
                self.selected = moved(self.selected, action, app.workspaces.len());
                Outcome::Stay
            }
            Action::Confirm => Outcome::CloseThen(Effect::SwitchProfile(self.selected)),
            _ => Outcome::Stay,
        }
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let mut lines: Vec<Line> = app
            .workspaces
            .iter()
            .enumerate()
            .map(|(n, w)| {
                let active = if n == app.active { "●" } else { " " };
                let open = w
                    .reference
                    .as_ref()
                    .map_or(String::new(), |r| r.text.clone());
                let unsaved = if w.unsaved() > 0 {
                    format!("{} unsaved", w.unsaved())
                } else {
                    String::new()
                };
                let text = format!(
                    "{active} {:<20} {:<12} {unsaved:<10} {open}",
                    w.profile.name, w.profile.vendor
                );
                choice_line(app, text, n == self.selected)
            })
            .collect();
        lines.push(Line::from(""));
        text_popup(frame, app, self, "Profiles", lines, 72, 0)
    }
}
