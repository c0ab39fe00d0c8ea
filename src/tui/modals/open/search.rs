//! When the open-contact list asks the vendor's search: after a pause in typing (a timer per
//! keystroke, numbered; only the latest one's firing counts), once per query, and an answer
//! counts only while its query is still the one typed.

use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum State {
    #[default]
    Idle,
    /// Typed; the vendor is asked when timer `generation` fires (if nothing was typed since).
    Waiting { generation: u64 },
    /// Asked for this query; its answer is awaited.
    Asking { query: String },
}

#[derive(Debug, Default)]
pub struct Searcher {
    generation: u64,
    state: State,
    /// Queries the vendor answered: typing one again asks nothing (their rows are loaded).
    answered: HashSet<String>,
}

impl Searcher {
    /// The text typed changed to `query`: the number of the timer to start, or `None` when
    /// there is nothing to ask (an empty query, or one answered before).
    pub fn typed(&mut self, query: &str) -> Option<u64> {
        self.generation += 1;
        let query = query.trim();
        if query.is_empty() || self.answered.contains(query) {
            self.state = State::Idle;
            return None;
        }
        self.state = State::Waiting {
            generation: self.generation,
        };
        Some(self.generation)
    }

    /// Timer `generation` fired: the query to ask the vendor for, when that timer is the latest
    /// and `query` (the text now) still needs asking.
    pub fn due(&mut self, generation: u64, query: &str) -> Option<String> {
        let query = query.trim();
        if self.state != (State::Waiting { generation }) {
            return None;
        }
        // Answered meanwhile (an earlier request for the same text came back during the pause).
        if query.is_empty() || self.answered.contains(query) {
            self.state = State::Idle;
            return None;
        }
        self.state = State::Asking {
            query: query.to_string(),
        };
        Some(query.to_string())
    }

    /// A further page of the search for `query` is asked for (its answer is awaited).
    pub fn asking(&mut self, query: &str) {
        self.state = State::Asking {
            query: query.trim().to_string(),
        };
    }

    /// The vendor answered the search for `asked`; `query` is the text now. Whether the answer
    /// is wanted: an answer to an older query is dropped (its rows would only blur the list).
    pub fn answered(&mut self, asked: &str, query: &str, ok: bool) -> bool {
        if self.state
            == (State::Asking {
                query: asked.into(),
            })
        {
            self.state = State::Idle;
        }
        let current = asked == query.trim();
        if current && ok {
            self.answered.insert(asked.to_string());
        }
        current
    }

    /// Whether a search is waiting for its pause or for the vendor (the loading mark).
    pub fn busy(&self) -> bool {
        self.state != State::Idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_timer_asks_and_only_once_per_query() {
        let mut s = Searcher::default();
        let first = s.typed("no").unwrap();
        let second = s.typed("noa").unwrap();
        assert!(s.busy());
        // The first keystroke's timer fires after the second keystroke: nothing is asked.
        assert_eq!(s.due(first, "noa"), None);
        assert_eq!(s.due(second, "noa"), Some("noa".into()));
        // The same timer firing twice asks once.
        assert_eq!(s.due(second, "noa"), None);
        assert!(s.answered("noa", "noa", true));
        assert!(!s.busy());
        // Typed again later (Backspace, retype): answered already, nothing to ask.
        assert_eq!(s.typed("noa"), None);
        assert_eq!(s.typed("  "), None);
    }

    #[test]
    fn an_answer_for_an_older_query_is_dropped() {
        let mut s = Searcher::default();
        let g = s.typed("ava").unwrap();
        assert_eq!(s.due(g, "ava"), Some("ava".into()));
        // The user typed on while the vendor was answering.
        let later = s.typed("ava n").unwrap();
        assert!(!s.answered("ava", "ava n", true), "stale: dropped");
        // The dropped answer does not count as answered: "ava" asks again if typed again.
        assert!(s.typed("ava").is_some());
        let g = s.typed("ava n").unwrap();
        assert_ne!(g, later);
        assert_eq!(s.due(g, "ava n"), Some("ava n".into()));
        assert!(s.busy());
        assert!(s.answered("ava n", "ava n", true));
        assert!(!s.busy());
    }

    #[test]
    fn a_failed_search_is_shown_but_asked_again_later() {
        let mut s = Searcher::default();
        let g = s.typed("x").unwrap();
        s.due(g, "x");
        assert!(
            s.answered("x", "x", false),
            "shown: it is the current query"
        );
        assert!(s.typed("x").is_some(), "not remembered as answered");
    }
}
