//! Quit with unsaved changes: asks first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::{Effect, Modal, Outcome, text_popup};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct QuitModal;

impl Modal for QuitModal {
    fn context(&self) -> Context {
        Context::Quit
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        match action {
            Action::Confirm => Outcome::CloseThen(Effect::Quit),
            _ => Outcome::Stay,
        }
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let unsaved: Vec<String> = app
            .workspaces
            .iter()
            .filter(|w| w.unsaved() > 0)
            .map(|w| format!("{} ({})", w.profile.name, w.unsaved()))
            .collect();
        // Drafts are journaled as edits are made; without a draft store nothing is kept.
        let fate = if app.drafts.is_some() {
            "Quit? They stay as drafts on this machine and are offered when you open the contact again (secrets are not kept)."
        } else {
            "Quit? They are not kept anywhere: quitting loses them."
        };
        let text = vec![
            Line::styled(
                format!(
                    "{} unsent change(s): {}",
                    app.unsaved_total(),
                    unsaved.join(", ")
                ),
                app.theme.changed,
            ),
            Line::from(fate),
            Line::from(""),
        ];
        text_popup(frame, app, self, "Quit", text, 60, 0)
    }
}
