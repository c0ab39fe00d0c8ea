//! The open-contact list's background work: pages of the vendor's list, the pause after typing
//! (a timer task answering with a message, never a sleep on the UI thread), and the vendor's
//! search. Answers come back as messages; the modal decides what still counts.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::{App, Msg};
use crate::client::{Failed, Listing, PageAt, Query, Session};
use crate::tui::modals::{OpenModal, Page};

/// Contacts asked for per page of the open-contact list.
const LIST_PAGE: usize = 50;
/// The pause in typing after which the vendor's search is asked: long enough not to ask for
/// every keystroke of a name typed at speed, short enough to feel immediate.
pub const SEARCH_PAUSE: Duration = Duration::from_millis(250);

/// What a list or search request of the active workspace needs.
struct ListScope {
    session: Arc<Session>,
    /// The list path's values.
    scope: BTreeMap<String, String>,
    /// A value the list path needs that neither the open contact nor the example gives.
    missing: Option<String>,
}

impl App {
    /// The active session and the list path's values (exsited's account, cro's customer), from
    /// the open contact, or else from the spec's example reference. Only those: any other value
    /// of the open contact (its id) would stand in for every listed item's own.
    fn list_scope(&self) -> Option<ListScope> {
        let w = self.ws();
        let session = w.session.clone()?;
        let needs: Vec<String> = session
            .spec
            .list
            .as_ref()
            .map(|l| l.path.params().map(str::to_string).collect())
            .unwrap_or_default();
        let scope: BTreeMap<String, String> = w
            .reference
            .clone()
            .or_else(|| session.reference(&session.spec.reference_example).ok())
            .map(|r| r.values)
            .unwrap_or_default()
            .into_iter()
            .filter(|(name, _)| needs.contains(name))
            .collect();
        let missing = needs.into_iter().find(|p| !scope.contains_key(p));
        Some(ListScope {
            session,
            scope,
            missing,
        })
    }

    /// Asks for a page of the vendor's list, for the open-contact modal.
    pub(super) fn list(&mut self, page: usize) {
        let ws = self.active;
        let Some(ListScope {
            session,
            scope,
            missing,
        }) = self.list_scope()
        else {
            return;
        };
        if let Some(missing) = missing {
            if let Some(open) = self.modals.find_mut::<OpenModal>() {
                open.note = Some(format!(
                    "type a reference: the list needs {missing}, which comes from an open contact"
                ));
            }
            return;
        }
        let Some(tasks) = self.tasks() else {
            return;
        };
        let tx = self.tx.clone();
        tasks.spawn(async move {
            let result = session.list(&scope, page, LIST_PAGE).await;
            // The app is gone only when quitting; nothing then waits for the page.
            let _ = tx.send(Msg::Listed { ws, page, result });
        });
    }

    /// Starts the pause after a keystroke in the open-contact list: a timer task that reports
    /// when it is over. Every keystroke starts one; the modal heeds only the latest.
    pub(super) fn search_soon(&mut self, generation: u64) {
        let Some(tasks) = self.tasks() else {
            return;
        };
        let (ws, tx) = (self.active, self.tx.clone());
        tasks.spawn(async move {
            tokio::time::sleep(SEARCH_PAUSE).await;
            let _ = tx.send(Msg::SearchDue { ws, generation });
        });
    }

    pub(super) fn on_search_due(&mut self, ws: usize, generation: u64) {
        if ws != self.active {
            return;
        }
        let query = self
            .modals
            .find_mut::<OpenModal>()
            .and_then(|open| open.search_due(generation));
        if let Some(query) = query {
            self.search(query, None);
        }
    }

    /// Asks the vendor's search for `query` (a page of it: the first for `None`).
    pub(super) fn search(&mut self, query: String, at: Option<PageAt>) {
        let ws = self.active;
        let Some(ListScope {
            session,
            scope,
            missing,
        }) = self.list_scope()
        else {
            return;
        };
        // The typed text filters what is loaded; a vendor without a search has nothing more,
        // and a list in a scope the editor cannot name cannot be searched either.
        let searchable = session
            .spec
            .list
            .as_ref()
            .is_some_and(|l| l.search.is_some() && (l.across.is_some() || missing.is_none()));
        let Some(tasks) = self.tasks().filter(|_| searchable) else {
            // Nothing will answer: the search is done, with what is loaded.
            if let Some(open) = self.modals.find_mut::<OpenModal>() {
                open.searched(&query, Ok(Page::default()));
            }
            return;
        };
        let tx = self.tx.clone();
        tasks.spawn(async move {
            let result = session
                .search(&Query::text(&query), &scope, at.as_ref())
                .await;
            let _ = tx.send(Msg::Searched { ws, query, result });
        });
    }

    pub(super) fn on_listed(
        &mut self,
        ws: usize,
        page: usize,
        result: Result<Listing, Box<Failed>>,
    ) {
        if ws != self.active {
            return;
        }
        if let Some(open) = self.modals.find_mut::<OpenModal>() {
            open.listed(
                page,
                result.map(Page::from).map_err(|f| f.error.to_string()),
            );
        }
    }

    pub(super) fn on_searched(
        &mut self,
        ws: usize,
        query: &str,
        result: Result<Listing, Box<Failed>>,
    ) {
        if let Err(failed) = &result {
            tracing::warn!("the search for {query:?} failed: {}", failed.error);
        }
        if ws != self.active {
            return;
        }
        if let Some(open) = self.modals.find_mut::<OpenModal>() {
            open.searched(
                query,
                result.map(Page::from).map_err(|f| f.error.to_string()),
            );
        }
    }
}
