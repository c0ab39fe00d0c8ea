//! Modals as components: each is its own type behind [`Modal`] (an action or a key in → an
//! [`Outcome`] out; draw itself; its context names its keys, so its hints come from the keymap).
//! The app owns a [`ModalStack`]: opening, closing and Esc are handled once, there.

mod conflict;
mod draft;
mod editor;
mod fuzzy;
mod help;
mod history;
mod jump;
mod open;
mod palette;
mod picker;
mod profiles;
mod quit;
mod review;
mod viewer;

use std::any::Any;

use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

pub use conflict::ConflictModal;
pub use draft::DraftModal;
pub use editor::Editor;
pub use help::HelpModal;
pub use history::HistoryModal;
pub use jump::JumpModal;
pub use open::{OpenModal, Page, Rows, row_text};
pub use palette::PaletteModal;
pub use picker::Picker;
pub use profiles::ProfilesModal;
pub use quit::QuitModal;
pub use review::ReviewModal;
pub use viewer::ValueViewer;

use super::app::App;
use super::keymap::{Action, Context, Keymap};
use crate::edit::Value;
use crate::send::Review;
use crate::store::{Draft, HistoryEntry};

/// What a modal asks the app to do; the app does it in one place (`App::apply`).
#[derive(Debug, Clone)]
pub enum Effect {
    Quit,
    SwitchProfile(usize),
    OpenReference(String),
    /// The next page of the open-contact list.
    ListPage(usize),
    /// Start the pause after typing in the open-contact list; when timer `0` fires and nothing
    /// was typed since, the vendor's search is asked.
    SearchSoon(u64),
    /// The next page of the vendor's search for `query`.
    SearchPage {
        query: String,
        at: crate::client::PageAt,
    },
    /// Select this field of the form (the jump modal's choice).
    JumpTo(usize),
    /// Run a form action (the command palette's choice).
    Run(Action),
    /// Send exactly this reviewed request.
    Send(Box<Review>),
    /// Rebase the edits on the server's record of a conflict, taking its value for these fields.
    Resolve {
        take_theirs: Vec<String>,
        server: Box<serde_json::Value>,
    },
    RestoreDraft {
        draft: Box<Draft>,
        changed_on_server: Vec<String>,
    },
    DiscardDraft,
    RevertEntry(Box<HistoryEntry>),
    /// Copy a field's value to the terminal's clipboard.
    CopyValue(usize),
    /// Set a field's text (the editor's or the picker's result).
    SetText {
        field: usize,
        text: String,
    },
}

/// What a modal does after an event.
#[derive(Debug)]
pub enum Outcome {
    Stay,
    Close,
    /// Close, then have the app do this.
    CloseThen(Effect),
    /// Stay open while the app does this.
    StayAnd(Effect),
    /// Have the app do this: close when it worked, else stay and show why (`Modal::failed`).
    Attempt(Effect),
}

pub trait Modal: Any {
    /// Which keys it answers to (its chords, help section and hints).
    fn context(&self) -> Context;

    /// Whether it takes an action of its context right now; a key whose action it does not take
    /// goes to `on_input` as a plain key (Enter is a new line in a multi-line field).
    fn takes(&self, action: Action) -> bool {
        let _ = action;
        true
    }

    /// An action of its context (Cancel is handled by the stack: it closes).
    fn on_action(&mut self, action: Action, app: &App) -> Outcome {
        let _ = (action, app);
        Outcome::Stay
    }

    /// A key its context does not bind (text typed into a field or filter).
    fn on_input(&mut self, key: KeyEvent, app: &App) -> Outcome {
        let _ = (key, app);
        Outcome::Stay
    }

    /// A click or the wheel while it is open (the form underneath gets none).
    fn on_mouse(&mut self, mouse: MouseEvent, app: &App) -> Outcome {
        let _ = (mouse, app);
        Outcome::Stay
    }

    /// The app could not do what `Outcome::Attempt` asked.
    fn failed(&mut self, message: String) {
        let _ = message;
    }

    /// (keys, word) for its hint line.
    fn hints(&self, keymap: &Keymap) -> Vec<(String, &'static str)> {
        keymap.hints(self.context())
    }

    /// Draws itself over the screen and returns the box it drew.
    fn draw(&self, frame: &mut Frame, app: &App) -> Rect;
}

/// The open modals; the top one gets the keys. Kept across keys until closed.
#[derive(Default)]
pub struct ModalStack {
    open: Vec<Box<dyn Modal>>,
}

impl ModalStack {
    pub fn push(&mut self, modal: Box<dyn Modal>) {
        self.open.push(modal);
    }

    pub fn pop(&mut self) -> Option<Box<dyn Modal>> {
        self.open.pop()
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    pub fn top(&self) -> Option<&dyn Modal> {
        self.open.last().map(|m| m.as_ref())
    }

    /// Bottom to top, as they are drawn.
    pub fn iter(&self) -> impl Iterator<Item = &dyn Modal> {
        self.open.iter().map(|m| m.as_ref())
    }

    pub fn top_as<T: Modal>(&self) -> Option<&T> {
        let any: &dyn Any = self.open.last()?.as_ref();
        any.downcast_ref()
    }

    pub fn top_is<T: Modal>(&self) -> bool {
        self.top_as::<T>().is_some()
    }

    /// The open modal of a type (the editor whose text is journaled).
    pub fn find<T: Modal>(&self) -> Option<&T> {
        self.open.iter().rev().find_map(|m| {
            let any: &dyn Any = m.as_ref();
            any.downcast_ref()
        })
    }

    /// The top modal, if it is of this type (the editor a paste goes into).
    pub fn top_mut_as<T: Modal>(&mut self) -> Option<&mut T> {
        let any: &mut dyn Any = self.open.last_mut()?.as_mut();
        any.downcast_mut()
    }

    /// The open modal of a type (the open-contact list receiving its pages).
    pub fn find_mut<T: Modal>(&mut self) -> Option<&mut T> {
        self.open.iter_mut().rev().find_map(|m| {
            let any: &mut dyn Any = m.as_mut();
            any.downcast_mut()
        })
    }

    pub fn clear(&mut self) {
        self.open.clear();
    }
}

/// A box centred in the screen, at most `width`×`height`: cleared, framed and titled. Returns
/// (the whole box, its inside).
pub fn popup(frame: &mut Frame, app: &App, title: &str, width: u16, height: u16) -> (Rect, Rect) {
    let area = frame.area();
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .border_style(app.theme.focus);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    (rect, inner)
}

/// A modal's keys in as many rows as `width` needs: a hint is never cut, so every key shows.
pub fn hint_rows(app: &App, modal: &dyn Modal, width: u16) -> Vec<Line<'static>> {
    let mut rows: Vec<Line<'static>> = vec![Line::default()];
    let mut used = 0usize;
    for (key, what) in modal.hints(&app.keymap) {
        let len = key.chars().count() + what.chars().count() + 3;
        if used > 0 && used + len > width as usize {
            rows.push(Line::default());
            used = 0;
        }
        used += len;
        if let Some(row) = rows.last_mut() {
            row.spans
                .push(Span::styled(format!("{key} "), app.theme.key));
            row.spans
                .push(Span::styled(format!("{what}  "), app.theme.muted));
        }
    }
    rows
}

/// Styled lines wrapped into rows of at most `width` characters, at a space where one is
/// near, styles kept: a modal's text is never clipped at its box's edge.
pub fn wrap_lines(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in lines {
        let cells: Vec<(char, ratatui::style::Style)> = line
            .spans
            .iter()
            .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
            .collect();
        if cells.len() <= width {
            out.push(line);
            continue;
        }
        let mut start = 0;
        while start < cells.len() {
            let mut end = (start + width).min(cells.len());
            if end < cells.len() {
                // Break after the last space of the row, unless that leaves it mostly empty.
                if let Some(space) = cells[start..end].iter().rposition(|(c, _)| *c == ' ')
                    && space >= width / 2
                {
                    end = start + space + 1;
                }
            }
            out.push(styled_row(&cells[start..end]).style(line.style));
            start = end;
        }
    }
    out
}

fn styled_row(cells: &[(char, ratatui::style::Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (c, style) in cells {
        match spans.last_mut() {
            Some(last) if last.style == *style => last.content.to_mut().push(*c),
            _ => spans.push(Span::styled(c.to_string(), *style)),
        }
    }
    Line::from(spans)
}

/// A row of a list to choose from: `▶` and the selected style on the chosen one, so the
/// choice reads without colour.
pub fn choice_line<'a>(app: &App, text: impl std::fmt::Display, chosen: bool) -> Line<'a> {
    if chosen {
        Line::styled(format!("▶ {text}"), app.theme.selected)
    } else {
        Line::styled(format!("  {text}"), app.theme.text)
    }
}

/// A value as a modal shows it: secrets masked, nothing and empty told apart.
pub fn shown(value: &Value, secret: bool) -> String {
    match value {
        Value::Null => "—".into(),
        Value::Text(_) if secret => "••••••••".into(),
        Value::Text(t) if t.is_empty() => "(empty)".into(),
        Value::Text(t) => t.clone(),
    }
}

/// Moves a list selection by an Up/Down action within `len` rows.
pub fn moved(selected: usize, action: Action, len: usize) -> usize {
    match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (selected + 1).min(len.saturating_sub(1)),
        _ => selected,
    }
}

/// A scroll position after a scrolling action, over `rows` rows of which `height` show:
/// it stops where the last row is at the bottom.
pub fn scrolled(scroll: usize, action: Action, rows: usize, height: usize) -> usize {
    let page = height.saturating_sub(1).max(1);
    let next = match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll + 1,
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll + page,
        Action::Top => 0,
        Action::Bottom => usize::MAX,
        _ => scroll,
    };
    next.min(rows.saturating_sub(height))
}

/// A modal of text and keys, sized to them (at most `width` wide, as tall as the screen
/// allows): the text wraps, scrolled by `scroll` rows (kept so the last row can reach the
/// bottom, no further); the keys show below. Returns the box.
pub fn text_popup(
    frame: &mut Frame,
    app: &App,
    modal: &dyn Modal,
    title: &str,
    lines: Vec<Line<'static>>,
    width: u16,
    scroll: usize,
) -> Rect {
    let area = frame.area();
    let width = width.min(area.width);
    let inner_width = width.saturating_sub(2);
    let rows = wrap_lines(lines, inner_width as usize);
    let keys = hint_rows(app, modal, inner_width);
    let height = (rows.len() + keys.len() + 2).min(area.height as usize) as u16;
    let (rect, inner) = popup(frame, app, title, width, height);
    let [body, hints] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(keys.len() as u16)]).areas(inner);
    let scroll = scroll.min(rows.len().saturating_sub(body.height as usize));
    let shown: Vec<Line> = rows
        .into_iter()
        .skip(scroll)
        .take(body.height as usize)
        .collect();
    frame.render_widget(ratatui::widgets::Paragraph::new(shown), body);
    frame.render_widget(ratatui::widgets::Paragraph::new(keys), hints);
    rect
}

/// How many rows of text a [`text_popup`] as last drawn (`app.layout.popup`) shows, and how
/// many the text takes: for scrolling that stops at the end.
pub fn text_popup_rows(app: &App, modal: &dyn Modal, lines: Vec<Line<'static>>) -> (usize, usize) {
    let rect = app.layout.popup.unwrap_or_default();
    let inner_width = rect.width.saturating_sub(2);
    let rows = wrap_lines(lines, inner_width as usize).len();
    let keys = hint_rows(app, modal, inner_width).len();
    let height = (rect.height.saturating_sub(2) as usize).saturating_sub(keys);
    (height, rows)
}
