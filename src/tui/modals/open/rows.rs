//! The open-contact list's rows: every contact loaded so far (list pages and search answers
//! merged, one row per reference), the fuzzy filter over them, and the highlighted row, which
//! stays on its contact while rows arrive.

use std::collections::HashSet;

use crate::client::Match;
use crate::search::{ContactFilter, Hit};

pub struct Rows {
    rows: Vec<Match>,
    /// Each row's text as matched and shown: "reference  label · e-mail".
    texts: Vec<String>,
    references: HashSet<String>,
    /// The longest reference, in characters (the list's reference column).
    reference_width: usize,
    filter: ContactFilter,
    query: String,
    /// The rows matching `query`, best first (all of them, in order, for an empty query).
    hits: Vec<Hit>,
    /// Index into `hits`.
    selected: usize,
}

impl Default for Rows {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            texts: Vec::new(),
            references: HashSet::new(),
            reference_width: 0,
            filter: ContactFilter::new(Vec::<String>::new()),
            query: String::new(),
            hits: Vec::new(),
            selected: 0,
        }
    }
}

/// Where a row's reference ends in its text, and what follows it.
pub const GAP: &str = "  ";

/// A row's text: its reference, then its label, then its e-mail where the label lacks it (so
/// that an e-mail typed finds the row, whatever the spec's label shows).
pub fn row_text(row: &Match) -> String {
    let mut rest = if row.label.is_empty() {
        row.name.clone()
    } else {
        row.label.clone()
    };
    if !row.email.is_empty() && !rest.to_lowercase().contains(&row.email.to_lowercase()) {
        if !rest.is_empty() {
            rest.push_str(" · ");
        }
        rest.push_str(&row.email);
    }
    format!("{}{GAP}{rest}", row.reference)
}

impl Rows {
    /// Rows loaded.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows matching the filter.
    pub fn shown(&self) -> usize {
        self.hits.len()
    }

    pub fn contains(&self, reference: &str) -> bool {
        self.references.contains(reference)
    }

    pub fn reference_width(&self) -> usize {
        self.reference_width
    }

    /// Adds the rows whose reference is not there yet; returns how many were. The filter runs
    /// again over all of them, and the highlighted row stays on its contact.
    pub fn merge(&mut self, items: impl IntoIterator<Item = Match>) -> usize {
        let before = self.rows.len();
        for item in items {
            if self.references.insert(item.reference.clone()) {
                self.reference_width = self.reference_width.max(item.reference.chars().count());
                self.texts.push(row_text(&item));
                self.rows.push(item);
            }
        }
        let added = self.rows.len() - before;
        if added > 0 {
            let kept = self.highlighted().map(|m| m.reference.clone());
            // Only the new rows are converted for the matcher; all are filtered again.
            self.filter.extend(&self.texts[before..]);
            self.refilter();
            if let Some(at) = kept.and_then(|r| self.position(&r)) {
                self.selected = at;
            }
        }
        added
    }

    /// A new filter text: the best match is highlighted (a row whose reference is exactly the
    /// text first, so that a typed reference opens that contact and no look-alike).
    pub fn set_query(&mut self, query: &str) {
        let query = query.trim();
        if query == self.query {
            return;
        }
        self.query = query.to_string();
        self.refilter();
        self.selected = 0;
    }

    fn refilter(&mut self) {
        self.hits = self.filter.matches(&self.query);
        if let Some(exact) = self.position(&self.query.clone())
            && exact > 0
        {
            let hit = self.hits.remove(exact);
            self.hits.insert(0, hit);
        }
        self.selected = self.selected.min(self.hits.len().saturating_sub(1));
    }

    fn position(&self, reference: &str) -> Option<usize> {
        self.hits
            .iter()
            .position(|h| self.rows[h.index].reference == reference)
    }

    /// The matching rows, best first: (row, its text, the matched positions in the text).
    pub fn hits(&self) -> impl Iterator<Item = (&Match, &str, &[u32])> {
        self.hits.iter().map(|h| {
            (
                &self.rows[h.index],
                self.texts[h.index].as_str(),
                h.indices.as_slice(),
            )
        })
    }

    /// The highlighted row's place among the matching rows.
    pub fn selected(&self) -> Option<usize> {
        (!self.hits.is_empty()).then_some(self.selected)
    }

    pub fn highlighted(&self) -> Option<&Match> {
        let hit = self.hits.get(self.selected)?;
        self.rows.get(hit.index)
    }

    /// Highlights the `at`-th matching row (clamped to the last).
    pub fn select(&mut self, at: usize) {
        self.selected = at.min(self.hits.len().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn row(reference: &str, name: &str, email: &str) -> Match {
        Match {
            reference: reference.into(),
            name: name.into(),
            email: email.into(),
            label: name.into(),
        }
    }

    #[test]
    fn merging_adds_each_reference_once() {
        let mut rows = Rows::default();
        assert_eq!(rows.merge([row("1", "Ava", ""), row("2", "Noah", "")]), 2);
        // A search answer holding a contact the list already showed adds only the new one.
        assert_eq!(rows.merge([row("2", "Noah", ""), row("3", "Mia", "")]), 1);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows.merge([row("3", "Mia (again)", "")]), 0);
        let shown: Vec<&str> = rows.hits().map(|(m, _, _)| m.reference.as_str()).collect();
        assert_eq!(shown, ["1", "2", "3"]);
    }

    #[test]
    fn the_filter_finds_names_and_emails_the_label_lacks() {
        let mut rows = Rows::default();
        rows.merge([
            Match {
                reference: "ACC-2000/CONTACT_21".into(),
                name: "Noah Jones".into(),
                email: "noah.jones21@example.com".into(),
                label: "Contact 21 · Noah · Jones".into(),
            },
            row("ACC-1001/CONTACT_1", "Ava Nguyen", "ava@example.com"),
        ]);
        rows.set_query("jones21@");
        assert_eq!(rows.shown(), 1);
        assert_eq!(
            rows.highlighted().map(|m| m.reference.as_str()),
            Some("ACC-2000/CONTACT_21")
        );
        let (_, text, indices) = rows.hits().next().unwrap();
        assert!(text.ends_with("noah.jones21@example.com"), "{text}");
        assert_eq!(indices.len(), "jones21@".len());
    }

    #[test]
    fn the_highlight_stays_on_its_contact_while_rows_arrive() {
        let mut rows = Rows::default();
        rows.merge([row("1", "Olivia Smith", ""), row("2", "Oliver Brown", "")]);
        rows.set_query("oli");
        rows.select(1);
        let before = rows.highlighted().unwrap().reference.clone();
        // A better match arrives (a search answer): it sorts first, the highlight stays.
        rows.merge([row("3", "Oli", "")]);
        assert_eq!(rows.highlighted().unwrap().reference, before);
        assert_eq!(rows.shown(), 3);
    }

    #[test]
    fn a_reference_typed_exactly_comes_first() {
        let mut rows = Rows::default();
        rows.merge([
            row("1001/6011", "Olivia Smith", ""),
            row("1001/601", "Noah Jones", ""),
        ]);
        rows.set_query("1001/601");
        assert_eq!(rows.highlighted().unwrap().reference, "1001/601");
        rows.set_query("zzzz");
        assert_eq!(rows.selected(), None);
        assert!(rows.highlighted().is_none());
    }
}
