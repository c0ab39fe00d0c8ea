//! Choosing an enum value or a country from a list filtered as you type.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{Effect, Modal, Outcome, choice_line, hint_rows, moved, popup};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct Picker {
    pub field: usize,
    pub filter: String,
    /// (value set on the field, label shown)
    pub options: Vec<(String, String)>,
    pub selected: usize,
}

impl Picker {
    /// The choices the filter matches, letter case and accents aside ("aland" finds Åland).
    pub fn visible(&self) -> Vec<&(String, String)> {
        let needle = folded(&self.filter);
        self.options
            .iter()
            .filter(|(_, label)| folded(label).contains(&needle))
            .collect()
    }
}

impl Modal for Picker {
    fn context(&self) -> Context {
        Context::Picker
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        match action {
            Action::Up | Action::Down => {
                self.selected = moved(self.selected, action, self.visible().len());
                Outcome::Stay
            }
            Action::Confirm => match self.visible().get(self.selected) {
                Some((value, _)) => Outcome::CloseThen(Effect::SetText {
                    field: self.field,
                    text: value.clone(),
                }),
                None => Outcome::Close,
            },
            _ => Outcome::Stay,
        }
    }

    /// Typing filters: characters add to the filter, Backspace takes the last one off.
    fn on_input(&mut self, key: KeyEvent, _app: &App) -> Outcome {
        match key.code {
            KeyCode::Backspace => {
                self.filter.pop();
                self.selected = 0;
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.filter.push(c);
                self.selected = 0;
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let Some(form) = app.ws().form.as_ref() else {
            return Rect::default();
        };
        let field = &form.fields()[self.field];
        let (rect, inner) = popup(frame, app, &format!("Choose {}", field.label), 56, 16);
        let key_rows = hint_rows(app, self, inner.width);
        let [filter, list, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(key_rows.len() as u16),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(format!("filter: {}▏", self.filter)), filter);
        let visible = self.visible();
        let height = list.height as usize;
        let start = self.selected.saturating_sub(height.saturating_sub(1));
        let lines: Vec<Line> = visible
            .iter()
            .enumerate()
            .skip(start)
            .take(height)
            .map(|(n, (_, label))| choice_line(app, label, n == self.selected))
            .collect();
        if lines.is_empty() {
            let none = format!("nothing matches “{}” (Backspace to widen)", self.filter);
            frame.render_widget(
                Paragraph::new(none)
                    .style(app.theme.muted)
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                list,
            );
        } else {
            frame.render_widget(Paragraph::new(lines), list);
        }
        // Every key shows: the hints take more rows when the box is narrow.
        frame.render_widget(Paragraph::new(key_rows), keys);
        rect
    }
}

fn folded(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}
