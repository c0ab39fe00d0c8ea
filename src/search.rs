//! Fuzzy filtering of contacts already loaded (a list's pages, search results), for pickers that
//! narrow on every keystroke. No terminal here: the editor calls it and draws the hits.
//!
//! Matching is `nucleo-matcher` (0.3, which builds on rustc 1.95 with no unsafe set-up of ours):
//! the low-level half of helix's `nucleo`, a fzf-like scorer over a plain slice with no
//! worker threads, which is what filtering a `Vec` on the UI thread per keystroke needs. The
//! high-level `nucleo` crate runs its own thread pool and snapshots, made for millions of items
//! streaming in; 10,000 contacts do not need it.

use std::ops::Range;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use unicode_segmentation::UnicodeSegmentation;

/// One item that matches, with where: `indices` are positions of the matched characters in
/// the item's text, counted in grapheme clusters (what the matcher compares), ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The item's index in the slice given to `ContactFilter::new`.
    pub index: usize,
    /// Higher is better.
    pub score: u32,
    pub indices: Vec<u32>,
}

/// Filters a fixed set of texts (e.g. "name · e-mail · reference" per contact) as the query
/// changes. Texts are converted once; a query that extends the previous one (the usual
/// keystroke) only looks at the previous hits.
pub struct ContactFilter {
    texts: Vec<Utf32String>,
    matcher: Matcher,
    /// The last query and the indices of its hits, to narrow from.
    last: Option<(String, Vec<usize>)>,
}

impl ContactFilter {
    pub fn new<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> Self {
        Self {
            texts: texts
                .into_iter()
                .map(|t| Utf32String::from(t.as_ref()))
                .collect(),
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
        }
    }

    /// Adds texts after those given so far (a page of contacts arriving): only they are
    /// converted, and the next query looks at every text again.
    pub fn extend<S: AsRef<str>>(&mut self, texts: impl IntoIterator<Item = S>) {
        self.texts
            .extend(texts.into_iter().map(|t| Utf32String::from(t.as_ref())));
        self.last = None;
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The items matching `query`, best first (ties in the original order). Words of the query
    /// match separately, in any order; case and accents are ignored ("zoe" finds "Zoë"). An
    /// empty query matches everything, in order, with no indices.
    pub fn matches(&mut self, query: &str) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            self.last = None;
            return (0..self.texts.len())
                .map(|index| Hit {
                    index,
                    score: 0,
                    indices: Vec::new(),
                })
                .collect();
        }
        // Plain fuzzy words, no fzf operators (`!`, `^`, `'`, `$`): every hit of a longer query
        // is then a hit of its prefix, so narrowing from the previous hits loses nothing.
        let pattern = Pattern::new(
            query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let candidates: Vec<usize> = match self.last.take() {
            Some((previous, hits)) if query.starts_with(&previous) => hits,
            _ => (0..self.texts.len()).collect(),
        };
        let mut hits: Vec<Hit> = candidates
            .into_iter()
            .filter_map(|index| {
                let mut indices = Vec::new();
                let score = pattern.indices(
                    self.texts[index].slice(..),
                    &mut self.matcher,
                    &mut indices,
                )?;
                indices.sort_unstable();
                indices.dedup();
                Some(Hit {
                    index,
                    score,
                    indices,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        let mut kept: Vec<usize> = hits.iter().map(|h| h.index).collect();
        kept.sort_unstable();
        self.last = Some((query.to_string(), kept));
        hits
    }
}

/// The texts matching `query`, best first, as [`ContactFilter::matches`] ranks them: for short
/// lists filtered afresh on each keystroke (a form's fields, the command palette's actions).
pub fn rank<S: AsRef<str>>(texts: &[S], query: &str) -> Vec<Hit> {
    ContactFilter::new(texts.iter().map(AsRef::as_ref)).matches(query)
}

/// Splits `text` into runs for drawing: (byte range, matched?), using the grapheme positions
/// of `Hit::indices`.
pub fn highlight(text: &str, indices: &[u32]) -> Vec<(Range<usize>, bool)> {
    let mut runs: Vec<(Range<usize>, bool)> = Vec::new();
    let mut wanted = indices.iter().peekable();
    for (position, (start, grapheme)) in text.grapheme_indices(true).enumerate() {
        let matched = wanted.peek().is_some_and(|&&i| i as usize == position);
        if matched {
            wanted.next();
        }
        let end = start + grapheme.len();
        match runs.last_mut() {
            Some((range, was)) if *was == matched => range.end = end,
            _ => runs.push((start..end, matched)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Vec<&'static str> {
        vec![
            "Olivia Smith · olivia.smith1@example.com",
            "Zoë Brontë · zb@example.com",
            "Noah Jones · noah.jones21@example.com",
            "Ava Nguyen · ava.nguyen@example.com",
        ]
    }

    #[test]
    fn finds_fuzzy_words_in_any_order_ignoring_case_and_accents() {
        let mut filter = ContactFilter::new(texts());
        let hits = filter.matches("zoe BRONTE");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].index, 1);
        let hits = filter.matches("jones noah");
        assert_eq!(hits.iter().map(|h| h.index).collect::<Vec<_>>(), [2]);
        assert!(filter.matches("qqq").is_empty());
        assert_eq!(filter.matches("  ").len(), 4);
    }

    #[test]
    fn the_best_match_comes_first_and_indices_point_at_it() {
        let mut filter = ContactFilter::new(texts());
        // "ava" is a word of item 3; in "Olivia Smith" it is only scattered letters.
        let hits = filter.matches("ava");
        assert_eq!(hits[0].index, 3, "{hits:?}");
        let text = texts()[3];
        let runs = highlight(text, &hits[0].indices);
        let matched: Vec<&str> = runs
            .iter()
            .filter(|(_, m)| *m)
            .map(|(r, _)| &text[r.clone()])
            .collect();
        assert_eq!(matched.len(), 1, "one run: {runs:?}");
        assert_eq!(matched[0].to_lowercase(), "ava");
    }

    #[test]
    fn narrowing_from_the_previous_query_gives_what_a_fresh_filter_gives() {
        let mut typed = ContactFilter::new(texts());
        let mut fresh = ContactFilter::new(texts());
        for query in ["o", "ol", "oli", "oli s", "o", "n", "no", "noa"] {
            assert_eq!(typed.matches(query), fresh.matches(query), "{query}");
            fresh = ContactFilter::new(texts());
        }
    }

    #[test]
    fn rank_finds_a_field_by_label_or_name() {
        let fields = [
            "Full name · full_name",
            "Billing phone · billing.phone",
            "E-mail · email",
        ];
        let hits = rank(&fields, "bilph");
        assert_eq!(hits.iter().map(|h| h.index).collect::<Vec<_>>(), [1]);
        assert_eq!(rank(&fields, "billing.phone")[0].index, 1);
        assert_eq!(rank(&fields, "").len(), 3);
    }

    #[test]
    fn texts_added_later_are_found_like_those_given_first() {
        let mut grown = ContactFilter::new(&texts()[..2]);
        assert_eq!(grown.matches("o").len(), 2);
        grown.extend(&texts()[2..]);
        // "on" extends "o", yet the added texts are looked at.
        assert_eq!(
            grown.matches("on"),
            ContactFilter::new(texts()).matches("on")
        );
        assert_eq!(grown.len(), 4);
    }

    #[test]
    fn highlight_counts_graphemes_not_bytes() {
        // "ë" written as e + combining diaeresis is one grapheme of three bytes.
        let text = "Zoe\u{308} B";
        let runs = highlight(text, &[2, 4]);
        assert_eq!(
            runs,
            [(0..2, false), (2..5, true), (5..6, false), (6..7, true)]
        );
    }
}
