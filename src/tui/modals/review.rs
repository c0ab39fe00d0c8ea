//! Review before sending: each change old → new, and the exact request; confirming sends.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Effect, Modal, Outcome, hint_line, popup, shown};
use crate::send::Review;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

/// The prepared request, exactly what confirming sends, and its redacted text.
pub struct ReviewModal {
    pub review: Box<Review>,
    /// The request as text, secrets redacted.
    pub request: String,
    pub scroll: usize,
    /// Why this review is shown again (a 412 and what changed), said inside the review: the
    /// popup covers the response pane.
    pub note: Option<String>,
}

impl ReviewModal {
    pub fn new(review: Box<Review>, request: String) -> Self {
        Self {
            review,
            request,
            scroll: 0,
            note: None,
        }
    }

    pub fn with_note(mut self, note: Option<String>) -> Self {
        self.note = note;
        self
    }
}

impl Modal for ReviewModal {
    fn context(&self) -> Context {
        Context::Review
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        match action {
            Action::Confirm => Outcome::CloseThen(Effect::Send(self.review.clone())),
            Action::Down => {
                self.scroll += 1;
                Outcome::Stay
            }
            Action::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                Outcome::Stay
            }
            _ => Outcome::Stay,
        }
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let area = frame.area();
        let (rect, inner) = popup(
            frame,
            app,
            "Review before sending",
            area.width.saturating_sub(4).min(110),
            area.height.saturating_sub(2),
        );
        let secret = |name: &str| {
            app.ws()
                .form
                .as_ref()
                .and_then(|f| f.spec().field(name))
                .is_some_and(|f| f.is_secret())
        };
        let mut lines: Vec<Line> = Vec::new();
        if let Some(note) = &self.note {
            lines.push(Line::styled(note.clone(), app.theme.error));
            lines.push(Line::from(""));
        }
        lines.push(Line::styled(
            format!("{} change(s):", self.review.update.changes.len()),
            app.theme.group,
        ));
        for change in &self.review.update.changes {
            let s = secret(&change.field);
            lines.push(Line::from(vec![
                Span::styled(format!("  {}: ", change.field), app.theme.text),
                Span::styled(shown(&change.before, s), app.theme.muted),
                Span::styled(" → ", app.theme.text),
                Span::styled(shown(&change.after, s), app.theme.changed),
            ]));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled("The exact request:", app.theme.group));
        lines.extend(
            self.request
                .lines()
                .map(|l| Line::styled(l.to_string(), app.theme.text)),
        );
        let [body, keys] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        frame.render_widget(Paragraph::new(lines).scroll((self.scroll as u16, 0)), body);
        frame.render_widget(Paragraph::new(hint_line(app, self)), keys);
        rect
    }
}
