//! Changed on the server meanwhile: for each conflicting field keep mine or take the server's;
//! applying rebases the edits on the server's record the conflicts were found on (no second
//! read: a change made meanwhile is caught by the next review's read, like any other).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Effect, Modal, Outcome, moved, shown, text_popup};
use crate::edit::Conflict;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct ConflictModal {
    pub conflicts: Vec<Conflict>,
    /// The server's record the conflicts were found on.
    pub server: Box<crate::edit::Record>,
    /// Per conflict: take the server's value (else keep mine).
    pub take_theirs: Vec<bool>,
    pub selected: usize,
}

impl ConflictModal {
    pub fn new(conflicts: Vec<Conflict>, server: impl Into<crate::edit::Record>) -> Self {
        let n = conflicts.len();
        Self {
            conflicts,
            server: Box::new(server.into()),
            take_theirs: vec![false; n],
            selected: 0,
        }
    }
}

impl Modal for ConflictModal {
    fn context(&self) -> Context {
        Context::Conflict
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        let choice = self.take_theirs.get_mut(self.selected);
        match (action, choice) {
            (Action::Up | Action::Down, _) => {
                self.selected = moved(self.selected, action, self.conflicts.len())
            }
            (Action::TakeTheirs, Some(theirs)) => *theirs = true,
            (Action::KeepMine, Some(theirs)) => *theirs = false,
            (Action::Flip, Some(theirs)) => *theirs = !*theirs,
            (Action::Confirm, _) => {
                let names = self
                    .conflicts
                    .iter()
                    .zip(&self.take_theirs)
                    .filter(|(_, t)| **t)
                    .map(|(c, _)| c.field.clone())
                    .collect();
                return Outcome::CloseThen(Effect::Resolve {
                    take_theirs: names,
                    server: self.server.clone(),
                });
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let keep = app.keymap.label_in(Context::Conflict, Action::KeepMine);
        let take = app.keymap.label_in(Context::Conflict, Action::TakeTheirs);
        let mut lines = vec![Line::styled(
            format!(
                "Nothing was sent. For each field keep yours ({keep}) or take the server's ({take}):"
            ),
            app.theme.text,
        )];
        for (n, (c, theirs)) in self.conflicts.iter().zip(&self.take_theirs).enumerate() {
            let pointer = if n == self.selected { "▶" } else { " " };
            let choice = if *theirs {
                "take server's"
            } else {
                "keep mine"
            };
            lines.push(Line::styled(
                format!("{pointer} {}  → {choice}", c.field),
                if n == self.selected {
                    app.theme.selected
                } else {
                    app.theme.group
                },
            ));
            lines.push(Line::from(vec![
                Span::styled(
                    format!("    loaded {}", shown(&c.original, c.secret)),
                    app.theme.muted,
                ),
                Span::styled(
                    format!(" · server {}", shown(&c.server, c.secret)),
                    app.theme.error,
                ),
                Span::styled(
                    format!(" · mine {}", shown(&c.mine, c.secret)),
                    app.theme.changed,
                ),
            ]));
        }
        lines.push(Line::from(""));
        text_popup(
            frame,
            app,
            self,
            "Changed on the server meanwhile",
            lines,
            96,
            0,
        )
    }
}
