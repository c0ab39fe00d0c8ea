//! Review before sending: each change old → new, and the exact request; confirming sends.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Effect, Modal, Outcome, scrolled, shown, text_popup, text_popup_rows};
use crate::client::RecordedRequest;
use crate::send::Review;
use crate::spec::Semantics;
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

/// Lines of the request a review shows. A full-replace body of many members indents to
/// hundreds of thousands of lines, which the popup would build on every frame; the raw pane
/// (after sending) and `rolo patch --dry-run` show all of it.
pub const REQUEST_LINES: usize = 2_000;

/// Keeps what is written up to `REQUEST_LINES` lines, then refuses more (which stops the
/// writer: the rest is never formatted).
#[derive(Default)]
struct FirstLines {
    text: Vec<u8>,
    lines: usize,
}

impl std::io::Write for FirstLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for (i, _) in buf.iter().enumerate().filter(|(_, b)| **b == b'\n') {
            self.lines += 1;
            if self.lines >= REQUEST_LINES {
                self.text.extend_from_slice(&buf[..=i]);
                return Err(std::io::Error::other("enough lines"));
            }
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ReviewModal {
    /// The request as the review shows it: its first `REQUEST_LINES` lines, and where the
    /// rest is to be seen.
    pub fn request_text(request: &RecordedRequest) -> String {
        let mut first = FirstLines::default();
        let whole = request.write_text(&mut first, None).is_ok();
        let mut text = String::from_utf8_lossy(&first.text).into_owned();
        if !whole {
            let bytes = request.body.as_ref().map_or(0, |b| b.len());
            text.push_str(&format!(
                "… the first {REQUEST_LINES} lines of a {bytes}-byte body; the raw pane shows all of it after sending, `rolo patch --dry-run` before\n"
            ));
        }
        text
    }

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

impl ReviewModal {
    /// The changes, then the exact request. A multi-line value shows on several lines.
    fn lines(&self, app: &App) -> Vec<Line<'static>> {
        let form = &self.review.form;
        let secret = |name: &str| form.spec().field(name).is_some_and(|f| f.is_secret());
        let mut lines: Vec<Line<'static>> = Vec::new();
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
            let (before, after) = (shown(&change.before, s), shown(&change.after, s));
            if before.contains('\n') || after.contains('\n') {
                lines.push(Line::styled(format!("  {}:", change.field), app.theme.text));
                for (word, value, style) in [
                    ("was", &before, app.theme.muted),
                    ("now", &after, app.theme.changed),
                ] {
                    for (n, part) in value.split('\n').enumerate() {
                        let lead = if n == 0 {
                            format!("    {word}: ")
                        } else {
                            " ".repeat(9)
                        };
                        lines.push(Line::from(vec![
                            Span::styled(lead, app.theme.text),
                            Span::styled(part.to_string(), style),
                        ]));
                    }
                }
            } else {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}: ", change.field), app.theme.text),
                    Span::styled(before, app.theme.muted),
                    Span::styled(" → ", app.theme.text),
                    Span::styled(after, app.theme.changed),
                ]));
            }
        }
        if form.spec().semantics == Semantics::FullReplace {
            lines.push(Line::styled(
                format!(
                    "{} replaces the whole contact: the request sends every field, changed or not, and a field left out may be cleared.",
                    form.spec().name
                ),
                app.theme.changed,
            ));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled("The exact request:", app.theme.group));
        lines.extend(
            self.request
                .lines()
                .map(|l| Line::styled(l.to_string(), app.theme.text)),
        );
        lines
    }
}

impl Modal for ReviewModal {
    fn context(&self) -> Context {
        Context::Review
    }

    fn on_action(&mut self, action: Action, app: &App) -> Outcome {
        match action {
            Action::Confirm => Outcome::CloseThen(Effect::Send(self.review.clone())),
            _ => {
                // Scrolling stops with the last line at the bottom (the box as last drawn).
                let (height, rows) = text_popup_rows(app, self, self.lines(app));
                self.scroll = scrolled(self.scroll, action, rows, height);
                Outcome::Stay
            }
        }
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let area = frame.area();
        let width = area.width.saturating_sub(4).min(110);
        text_popup(
            frame,
            app,
            self,
            "Review before sending",
            self.lines(app),
            width,
            self.scroll,
        )
    }
}
