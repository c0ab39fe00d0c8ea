//! A list narrowed as you type (fuzzy, through `crate::search`), its matched characters in the
//! theme's `matched` style: the body of the jump-to-field modal and of the command palette, and
//! the highlighting the open-contact list uses too.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Effect, Modal, Outcome, hint_rows, popup};
use crate::search::{Hit, highlight, rank};
use crate::tui::app::App;
use crate::tui::keymap::Action;

/// `text` as spans: `base` everywhere, patched with `matched` on the characters at `indices`
/// (grapheme positions, as `search::Hit` gives them).
pub fn highlighted(text: &str, indices: &[u32], base: Style, matched: Style) -> Vec<Span<'static>> {
    highlight(text, indices)
        .into_iter()
        .map(|(range, hit)| {
            let style = if hit { base.patch(matched) } else { base };
            Span::styled(text[range].to_string(), style)
        })
        .collect()
}

/// Items (each a text to match and a note shown at the right, e.g. its keys), a filter typed
/// into, the items that match it best first, and the highlighted one.
pub struct FuzzyList {
    pub filter: String,
    texts: Vec<String>,
    notes: Vec<String>,
    hits: Vec<Hit>,
    /// Index into `hits`.
    selected: usize,
}

impl FuzzyList {
    /// `items`: (text matched and shown, note shown beside it).
    pub fn new(items: Vec<(String, String)>) -> Self {
        let (texts, notes): (Vec<String>, Vec<String>) = items.into_iter().unzip();
        let mut list = Self {
            filter: String::new(),
            texts,
            notes,
            hits: Vec::new(),
            selected: 0,
        };
        list.refilter();
        list
    }

    fn refilter(&mut self) {
        self.hits = rank(&self.texts, &self.filter);
        self.selected = 0;
    }

    /// A key typed into the filter (characters add, Backspace takes one off); `true` when the
    /// filter changed.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Backspace if self.filter.pop().is_some() => {}
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.filter.push(c)
            }
            _ => return false,
        }
        self.refilter();
        true
    }

    /// Moves the highlight (Up, Down, a page, the ends).
    pub fn moved(&mut self, action: Action, page: usize) {
        let last = self.hits.len().saturating_sub(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page.max(1)),
            Action::PageDown => (self.selected + page.max(1)).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.selected,
        };
    }

    /// A modal's answer to a key on its list: Enter closes it with `effect` of the chosen item
    /// (stays when nothing is chosen); any other key moves the highlight.
    pub fn answer(
        &mut self,
        action: Action,
        effect: impl FnOnce(usize) -> Option<Effect>,
    ) -> Outcome {
        match action {
            Action::Confirm => match self.chosen().and_then(effect) {
                Some(effect) => Outcome::CloseThen(effect),
                None => Outcome::Stay,
            },
            other => {
                self.moved(other, 10);
                Outcome::Stay
            }
        }
    }

    /// The highlighted item's index among the items given to `new`.
    pub fn chosen(&self) -> Option<usize> {
        self.hits.get(self.selected).map(|h| h.index)
    }

    pub fn shown(&self) -> usize {
        self.hits.len()
    }

    /// Draws the list in a popup titled `title`: the filter, "N of M", the rows (`▶` on the
    /// highlighted one), the modal's keys. Returns the box.
    pub fn draw(
        &self,
        frame: &mut Frame,
        app: &App,
        modal: &dyn Modal,
        title: &str,
        size: (u16, u16),
    ) -> Rect {
        let (rect, inner) = popup(frame, app, title, size.0, size.1);
        let key_rows = hint_rows(app, modal, inner.width);
        let [filter, list, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(key_rows.len() as u16),
        ])
        .areas(inner);
        let count = format!("{} of {}", self.hits.len(), self.texts.len());
        let typed = format!("filter: {}▏", self.filter);
        let gap = (filter.width as usize)
            .saturating_sub(typed.chars().count() + count.chars().count())
            .max(1);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(typed, app.theme.text),
                Span::raw(" ".repeat(gap)),
                Span::styled(count, app.theme.muted),
            ])),
            filter,
        );
        let height = list.height as usize;
        let start = self.selected.saturating_sub(height.saturating_sub(1));
        let width = list.width as usize;
        let lines: Vec<Line> = self
            .hits
            .iter()
            .enumerate()
            .skip(start)
            .take(height)
            .map(|(n, hit)| {
                let chosen = n == self.selected;
                let base = if chosen {
                    app.theme.selected
                } else {
                    app.theme.text
                };
                let text = &self.texts[hit.index];
                let note = &self.notes[hit.index];
                let mut spans = vec![Span::styled(if chosen { "▶ " } else { "  " }, base)];
                spans.extend(highlighted(text, &hit.indices, base, app.theme.matched));
                // The note goes at the right edge when the text leaves room for it.
                let used = 2 + text.chars().count();
                let note_width = note.chars().count();
                if used + 1 + note_width <= width {
                    spans.push(Span::styled(" ".repeat(width - used - note_width), base));
                    spans.push(Span::styled(note.clone(), base.patch(app.theme.key)));
                }
                Line::from(spans)
            })
            .collect();
        if lines.is_empty() {
            frame.render_widget(
                Paragraph::new(format!(
                    "nothing matches “{}” (Backspace to widen)",
                    self.filter
                ))
                .style(app.theme.muted),
                list,
            );
        } else {
            frame.render_widget(Paragraph::new(lines), list);
        }
        frame.render_widget(Paragraph::new(key_rows), keys);
        rect
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn typing_narrows_and_backspace_widens() {
        let mut list = FuzzyList::new(vec![
            ("Full name · full_name".into(), String::new()),
            ("E-mail · email".into(), String::new()),
            ("Billing phone · billing.phone".into(), String::new()),
        ]);
        assert_eq!(list.shown(), 3);
        for c in "phone".chars() {
            assert!(list.type_key(key(c)));
        }
        assert_eq!(list.shown(), 1);
        assert_eq!(list.chosen(), Some(2));
        assert!(!list.type_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL)));
        for _ in 0..5 {
            list.type_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        }
        assert_eq!(list.shown(), 3);
        list.moved(Action::Bottom, 10);
        assert_eq!(list.chosen(), Some(2));
        list.moved(Action::Down, 10);
        assert_eq!(list.chosen(), Some(2), "stops at the end");
    }

    #[test]
    fn matched_characters_get_the_matched_style() {
        let base = Style::default();
        let matched = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let spans = highlighted("Ava Nguyen", &[0, 1, 2], base, matched);
        assert_eq!(spans[0].content, "Ava");
        assert_eq!(spans[0].style, matched);
        assert_eq!(spans[1].content, " Nguyen");
        assert_eq!(spans[1].style, base);
    }
}
