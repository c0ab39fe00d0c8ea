//! Open a contact: type a reference, or pick from the vendor's list (more pages load when the
//! selection reaches the end).

use std::collections::BTreeSet;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_textarea::TextArea;

use super::{Effect, Modal, Outcome, choice_line, hint_rows, popup};
use crate::client::{ListItem, Listing};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct OpenModal {
    pub input: TextArea<'static>,
    pub items: Vec<ListItem>,
    pub selected: Option<usize>,
    /// The last page of the list received (0: none yet).
    pub page: usize,
    /// Pages asked for (received or in flight): each is asked for once.
    pub asked: BTreeSet<usize>,
    /// The vendor has no more pages (an empty one, or one holding nothing new).
    pub exhausted: bool,
    pub note: Option<String>,
}

impl OpenModal {
    /// An empty reference field, its placeholder the vendor's example.
    pub fn new(example: &str) -> Self {
        let mut input = TextArea::default();
        input.set_placeholder_text(format!("reference, e.g. {example}"));
        Self {
            input,
            items: Vec::new(),
            selected: None,
            page: 0,
            asked: BTreeSet::from([1]),
            exhausted: false,
            note: None,
        }
    }

    /// A page of the vendor's list arrived (or could not be read).
    pub fn listed(&mut self, page: usize, result: Result<Listing, String>) {
        match result {
            Ok(listing) => self.add_page(page, listing.items),
            Err(e) => {
                // Asked again on the next move down.
                self.asked.remove(&page);
                self.note = Some(e);
            }
        }
    }

    fn add_page(&mut self, page: usize, items: Vec<ListItem>) {
        // A page already shown (answered twice) adds nothing.
        if page <= self.page {
            return;
        }
        let before = self.items.len();
        // A vendor that ignores the page number sends the same contacts again.
        for item in items {
            if !self.items.iter().any(|i| i.reference == item.reference) {
                self.items.push(item);
            }
        }
        self.page = page;
        self.exhausted = self.items.len() == before;
        self.note = self.exhausted.then(|| "no more contacts".to_string());
        if self.selected.is_none() && !self.items.is_empty() {
            self.selected = Some(0);
        }
    }
}

impl Modal for OpenModal {
    fn context(&self) -> Context {
        Context::Open
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        match action {
            Action::Confirm => {
                let typed = self.input.lines().join("").trim().to_string();
                let chosen = if typed.is_empty() {
                    self.selected
                        .and_then(|i| self.items.get(i))
                        .map(|i| i.reference.clone())
                } else {
                    Some(typed)
                };
                match chosen {
                    Some(text) => Outcome::Attempt(Effect::OpenReference(text)),
                    None => Outcome::Stay,
                }
            }
            Action::Up => {
                self.selected = self.selected.map(|s| s.saturating_sub(1));
                Outcome::Stay
            }
            Action::Down => {
                let at_end = self.selected.is_some_and(|s| s + 1 >= self.items.len());
                self.selected = match self.selected {
                    Some(s) => Some((s + 1).min(self.items.len().saturating_sub(1))),
                    None if !self.items.is_empty() => Some(0),
                    None => None,
                };
                if at_end && self.page > 0 && !self.exhausted && self.asked.insert(self.page + 1) {
                    Outcome::StayAnd(Effect::ListPage(self.page + 1))
                } else {
                    Outcome::Stay
                }
            }
            _ => Outcome::Stay,
        }
    }

    fn on_input(&mut self, key: KeyEvent, _app: &App) -> Outcome {
        self.input.input(key);
        Outcome::Stay
    }

    fn failed(&mut self, message: String) {
        self.note = Some(message);
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        let (rect, inner) = popup(frame, app, "Open contact", 72, 20);
        let key_rows = hint_rows(app, self, inner.width);
        let [label, field, list, notes, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(key_rows.len() as u16),
        ])
        .areas(inner);
        let template = app
            .ws()
            .session
            .as_ref()
            .map(|s| s.spec.reference.to_string())
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(format!("Reference ({template}), or pick below:")),
            label,
        );
        frame.render_widget(&self.input, field);
        let height = list.height as usize;
        let start = self
            .selected
            .unwrap_or(0)
            .saturating_sub(height.saturating_sub(1));
        let lines: Vec<Line> = self
            .items
            .iter()
            .enumerate()
            .skip(start)
            .take(height)
            .map(|(n, item)| {
                let text = format!("{:<28} {}", item.reference, item.label);
                choice_line(app, text, Some(n) == self.selected)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
        if let Some(note) = &self.note {
            frame.render_widget(
                Paragraph::new(Line::styled(note.clone(), app.theme.muted)),
                notes,
            );
        }
        // Every key shows: the hints take more rows when the box is narrow.
        frame.render_widget(Paragraph::new(key_rows), keys);
        rect
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::spec::Catalog;
    use crate::tui::keymap::Keymap;
    use crate::tui::theme::Theme;

    fn page(from: usize, count: usize) -> Vec<ListItem> {
        (from..from + count)
            .map(|n| ListItem {
                reference: n.to_string(),
                label: format!("contact {n}"),
            })
            .collect()
    }

    #[test]
    fn each_page_is_asked_for_once_and_added_once() {
        let catalog = Catalog::built_in();
        let config = Config::built_in(&catalog);
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let app = App::new(config, catalog, Theme::monochrome(), Keymap::default(), tx);
        let mut open = OpenModal::new("1");
        open.add_page(1, page(0, 3));
        let mut asked = Vec::new();
        // Holding ↓ past the end while page 2 is in flight asks for it once.
        for _ in 0..10 {
            if let Outcome::StayAnd(Effect::ListPage(p)) = open.on_action(Action::Down, &app) {
                asked.push(p);
            }
        }
        assert_eq!(asked, vec![2]);
        open.add_page(2, page(3, 3));
        // Page 2 answered twice (a retry) is not added twice.
        open.add_page(2, page(3, 3));
        assert_eq!(open.items.len(), 6);
        // A vendor ignoring the page number sends page 2 again as page 3: the end.
        for _ in 0..10 {
            if let Outcome::StayAnd(Effect::ListPage(p)) = open.on_action(Action::Down, &app) {
                asked.push(p);
            }
        }
        open.add_page(3, page(3, 3));
        for _ in 0..10 {
            if let Outcome::StayAnd(Effect::ListPage(p)) = open.on_action(Action::Down, &app) {
                asked.push(p);
            }
        }
        assert_eq!(asked, vec![2, 3]);
        assert_eq!(open.items.len(), 6);
        assert!(open.exhausted);
    }
}
