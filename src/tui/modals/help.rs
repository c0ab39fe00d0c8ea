//! The keys, generated from the keymap: each context with its actions and current chords.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Modal, Outcome, hint_line, popup};
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
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = (self.scroll + 1).min(Self::lines(app).len()),
            _ => {}
        }
        Outcome::Stay
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let lines = Self::lines(app);
        let height = frame.area().height.saturating_sub(2);
        let (rect, inner) = popup(frame, app, "Keys", 60, (lines.len() as u16 + 3).min(height));
        let [body, keys] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        // Scrolling stops with the last line at the bottom.
        let last = lines.len().saturating_sub(body.height as usize);
        let scroll = self.scroll.min(last) as u16;
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
        frame.render_widget(Paragraph::new(hint_line(app, self)), keys);
        rect
    }
}
