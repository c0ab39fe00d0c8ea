//! The keys, generated from the keymap: each context with its actions and current chords.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Modal, Outcome, scrolled, text_popup, text_popup_rows};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

#[derive(Default)]
pub struct HelpModal {
    pub scroll: usize,
}

impl HelpModal {
    /// Every context's keys, the form's first.
    fn lines(app: &App) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for context in Context::ALL {
            if !lines.is_empty() {
                lines.push(Line::from(""));
            }
            lines.push(Line::styled(context.title(), app.theme.group));
            for (keys, what) in app.keymap.help(context) {
                lines.push(Line::from(vec![
                    Span::styled(format!("{keys:>14}  "), app.theme.key),
                    Span::styled(what, app.theme.text),
                ]));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(
            "Keys are rebindable in config.toml: [keys] for the form, [keys.review] etc. for the others.",
            app.theme.muted,
        ));
        lines
    }
}

impl Modal for HelpModal {
    fn context(&self) -> Context {
        Context::Help
    }

    fn on_action(&mut self, action: Action, app: &App) -> Outcome {
        // Scrolling stops with the last line at the bottom (the box as last drawn).
        let (height, rows) = text_popup_rows(app, self, Self::lines(app));
        self.scroll = scrolled(self.scroll, action, rows, height);
        Outcome::Stay
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        text_popup(frame, app, self, "Keys", Self::lines(app), 76, self.scroll)
    }
}
