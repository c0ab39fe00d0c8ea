//! Quit with unsaved changes: asks first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Effect, Modal, Outcome, hint_line, popup};
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
        let (rect, inner) = popup(frame, app, "Quit", 56, 6);
        let unsaved: Vec<String> = app
            .workspaces
            .iter()
            .filter(|w| w.unsaved() > 0)
            .map(|w| format!("{} ({})", w.profile.name, w.unsaved()))
            .collect();
        let text = vec![
            Line::styled(
                format!(
                    "{} unsaved change(s): {}",
                    app.unsaved_total(),
                    unsaved.join(", ")
                ),
                app.theme.changed,
            ),
            Line::from("Quit anyway and lose them?"),
            Line::from(""),
            hint_line(app, self),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        rect
    }
}
