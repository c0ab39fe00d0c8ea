//! Open a contact: type a reference, or a name or an e-mail to find one. Typing filters the
//! rows loaded at once (fuzzy, matched characters highlighted); after a pause the vendor's
//! search is asked too, and its answer merges into the rows (one row per reference). More pages
//! of the vendor's list load when the highlight reaches the end. Enter opens the highlighted
//! row, or, when no row matches, the text typed as a reference.

mod draw;
mod rows;
mod search;

use std::collections::{BTreeSet, HashSet};

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use tui_textarea::TextArea;

pub use rows::{Rows, row_text};
pub use search::Searcher;

use super::{Effect, Modal, Outcome};
use crate::client::{Listing, Match, PageAt};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

/// A page of rows as the list takes it (from the vendor's list or its search).
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub rows: Vec<Match>,
    /// The page after this one, when the vendor says there is one.
    pub next: Option<PageAt>,
}

impl From<Listing> for Page {
    fn from(listing: Listing) -> Self {
        Self {
            rows: listing.items,
            next: listing.next,
        }
    }
}

pub struct OpenModal {
    pub input: TextArea<'static>,
    pub rows: Rows,
    search: Searcher,
    /// The last page of the list received (0: none yet).
    page: usize,
    /// Pages asked for (received or in flight): each is asked for once.
    asked: BTreeSet<usize>,
    /// References the list's pages gave (a search's rows aside): a page adding none of its own
    /// is the end of a vendor that ignores the page number.
    listed: HashSet<String>,
    /// The vendor has no more pages.
    exhausted: bool,
    /// The next page of the vendor's search for the text typed, when it found more.
    search_next: Option<PageAt>,
    pub note: Option<String>,
    /// Whether a text reads as a reference written in full (`Reference::looks_complete`).
    is_reference: Box<dyn Fn(&str) -> bool>,
    /// The text typed, when it reads as a reference in full and no loaded row is that contact:
    /// offered above the rows as "open as typed", so that a similar row is never opened instead.
    pub as_typed: Option<String>,
    /// The highlight is on `as_typed`'s line, not on a row.
    pub on_typed: bool,
}

impl OpenModal {
    /// An empty field, its placeholder the vendor's example; page 1 of the list is asked for
    /// by whoever opens it.
    pub fn new(example: &str) -> Self {
        let mut input = TextArea::default();
        input.set_placeholder_text(format!("reference (e.g. {example}), name or e-mail"));
        Self {
            input,
            rows: Rows::default(),
            search: Searcher::default(),
            page: 0,
            asked: BTreeSet::from([1]),
            listed: HashSet::new(),
            exhausted: false,
            search_next: None,
            note: None,
            is_reference: Box::new(|_| false),
            as_typed: None,
            on_typed: false,
        }
    }

    /// Offers a text that reads as a reference in full (see `as_typed`) with `is_reference`.
    pub fn with_references(mut self, is_reference: impl Fn(&str) -> bool + 'static) -> Self {
        self.is_reference = Box::new(is_reference);
        self
    }

    /// After the text or the rows changed: whether the text is offered as typed. A row that is
    /// exactly that contact (the helper's filter puts it first) takes its place.
    fn offer_as_typed(&mut self) {
        let query = self.query();
        let offered =
            (!query.is_empty() && !self.rows.contains(&query) && (self.is_reference)(&query))
                .then_some(query);
        if offered != self.as_typed {
            self.on_typed = offered.is_some();
            self.as_typed = offered;
        }
    }

    /// The text typed, trimmed.
    pub fn query(&self) -> String {
        self.input.lines().join("").trim().to_string()
    }

    /// A page of the list asked for and not yet answered.
    pub fn loading_page(&self) -> bool {
        self.asked.iter().any(|p| *p > self.page)
    }

    /// Waiting for the pause after typing, or for the vendor's search.
    pub fn searching(&self) -> bool {
        self.search.busy()
    }

    /// A page of the vendor's list arrived (or could not be read).
    pub fn listed(&mut self, page: usize, result: Result<Page, String>) {
        match result {
            Ok(listing) => self.add_page(page, listing),
            Err(e) => {
                // Asked again on the next move to the end.
                self.asked.remove(&page);
                self.note = Some(e);
            }
        }
    }

    fn add_page(&mut self, page: usize, listing: Page) {
        // A page already shown (answered twice) adds nothing.
        if page <= self.page {
            return;
        }
        self.page = page;
        let mut new_to_list = 0;
        for item in &listing.rows {
            new_to_list += usize::from(self.listed.insert(item.reference.clone()));
        }
        self.rows.merge(listing.rows);
        self.offer_as_typed();
        self.exhausted = new_to_list == 0 || listing.next.is_none();
        self.note = self.exhausted.then(|| "no more contacts".to_string());
    }

    /// The text changed: filter again now, and have the vendor asked after a pause.
    fn typed(&mut self) -> Outcome {
        let query = self.query();
        self.rows.set_query(&query);
        self.offer_as_typed();
        self.search_next = None;
        self.note = None;
        match self.search.typed(&query) {
            Some(generation) => Outcome::StayAnd(Effect::SearchSoon(generation)),
            None => Outcome::Stay,
        }
    }

    /// Pasted text, one line: as if typed.
    pub fn paste(&mut self, text: &str) -> Outcome {
        self.input.insert_str(text);
        self.typed()
    }

    /// The pause after typing is over (timer `generation`): the query to search for, if any.
    pub fn search_due(&mut self, generation: u64) -> Option<String> {
        let query = self.query();
        self.search.due(generation, &query)
    }

    /// The vendor answered the search for `asked`. Dropped when the text has changed since.
    pub fn searched(&mut self, asked: &str, result: Result<Page, String>) {
        let query = self.query();
        if !self.search.answered(asked, &query, result.is_ok()) {
            tracing::debug!("search answer for {asked:?} dropped: the text is now {query:?}");
            return;
        }
        match result {
            Ok(page) => {
                self.search_next = page.next;
                self.rows.merge(page.rows);
                self.offer_as_typed();
            }
            Err(e) => self.note = Some(format!("the vendor's search failed: {e}")),
        }
    }

    /// Whether the vendor's search has more matches than are loaded.
    pub fn more_found(&self) -> bool {
        self.search_next.is_some()
    }

    /// Moves the highlight; at the end of what is loaded, asks for the next page: of the
    /// vendor's search while a text is typed and it found more, else of the list.
    fn moved(&mut self, action: Action, page_rows: usize) -> Outcome {
        let at = self.rows.selected().unwrap_or(0);
        // The "open as typed" line sits above the first row.
        if self.as_typed.is_some() {
            match action {
                Action::Up | Action::Top | Action::PageUp if at == 0 || action == Action::Top => {
                    self.on_typed = true;
                    self.rows.select(0);
                    return Outcome::Stay;
                }
                Action::Down if self.on_typed => {
                    self.on_typed = false;
                    self.rows.select(0);
                    return Outcome::Stay;
                }
                _ => self.on_typed = false,
            }
        }
        let last = self.rows.shown().saturating_sub(1);
        let to = match action {
            Action::Up => at.saturating_sub(1),
            Action::Down => at + 1,
            Action::PageUp => at.saturating_sub(page_rows),
            Action::PageDown => at + page_rows,
            Action::Top => 0,
            Action::Bottom => last,
            _ => at,
        };
        self.rows.select(to);
        let at_end =
            to >= last && matches!(action, Action::Down | Action::PageDown | Action::Bottom);
        if !at_end {
            return Outcome::Stay;
        }
        let query = self.query();
        if !query.is_empty()
            && !self.search.busy()
            && let Some(at) = self.search_next.take()
        {
            self.search.asking(&query);
            return Outcome::StayAnd(Effect::SearchPage { query, at });
        }
        if self.page > 0 && !self.exhausted && self.asked.insert(self.page + 1) {
            Outcome::StayAnd(Effect::ListPage(self.page + 1))
        } else {
            Outcome::Stay
        }
    }
}

impl Modal for OpenModal {
    fn context(&self) -> Context {
        Context::Open
    }

    fn on_action(&mut self, action: Action, app: &App) -> Outcome {
        match action {
            Action::Confirm => {
                // The text offered as typed when highlighted; else the highlighted row; with
                // none, the text as a reference (refused, with the vendor's reference shape,
                // when it is not one).
                let chosen = match self.rows.highlighted() {
                    _ if self.on_typed => self.as_typed.clone(),
                    Some(row) => Some(row.reference.clone()),
                    None => Some(self.query()).filter(|q| !q.is_empty()),
                };
                match chosen {
                    Some(text) => Outcome::Attempt(Effect::OpenReference(text)),
                    None => Outcome::Stay,
                }
            }
            other => self.moved(other, draw::page_rows(app)),
        }
    }

    fn on_input(&mut self, key: KeyEvent, _app: &App) -> Outcome {
        let before = self.query();
        self.input.input(key);
        if self.query() == before {
            Outcome::Stay
        } else {
            self.typed()
        }
    }

    fn failed(&mut self, message: String) {
        self.note = Some(message);
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        draw::draw(self, frame, app)
    }
}

#[cfg(test)]
mod tests;
