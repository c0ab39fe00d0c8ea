//! The profile switcher.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Effect, Modal, Outcome, choice_line, hint_line, moved, popup};
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
        let (rect, inner) = popup(
            frame,
            app,
            "Profiles",
            72,
            (app.workspaces.len() as u16 + 4).min(20),
        );
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
        lines.push(hint_line(app, self));
        frame.render_widget(Paragraph::new(lines), inner);
        rect
    }
}
