//! The list's paging, merging, typed search and stale answers, without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::config::Config;
use crate::spec::Catalog;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;

fn app() -> App {
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog);
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    App::new(config, catalog, Theme::monochrome(), Keymap::default(), tx)
}

fn row(n: usize, name: &str) -> Match {
    Match {
        reference: n.to_string(),
        name: name.into(),
        email: format!("{}{n}@example.com", name.to_lowercase().replace(' ', ".")),
        label: name.into(),
    }
}

fn page(from: usize, count: usize) -> Page {
    Page {
        rows: (from..from + count)
            .map(|n| row(n, &format!("contact {n}")))
            .collect(),
        next: Some(PageAt::Number(2)),
    }
}

/// Types `text` key by key; the timers the keys asked for, in order.
fn type_text(open: &mut OpenModal, app: &App, text: &str) -> Vec<u64> {
    let mut timers = Vec::new();
    for c in text.chars() {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        if let Outcome::StayAnd(Effect::SearchSoon(g)) = open.on_input(key, app) {
            timers.push(g);
        }
    }
    timers
}

fn shown(open: &OpenModal) -> Vec<String> {
    open.rows
        .hits()
        .map(|(m, _, _)| m.reference.clone())
        .collect()
}

#[test]
fn each_page_is_asked_for_once_and_added_once() {
    let app = app();
    let mut open = OpenModal::new("1");
    open.listed(1, Ok(page(0, 3)));
    let mut asked = Vec::new();
    let down = |open: &mut OpenModal, asked: &mut Vec<usize>| {
        for _ in 0..10 {
            if let Outcome::StayAnd(Effect::ListPage(p)) = open.on_action(Action::Down, &app) {
                asked.push(p);
            }
        }
    };
    // Holding ↓ past the end while page 2 is in flight asks for it once.
    down(&mut open, &mut asked);
    assert_eq!(asked, vec![2]);
    assert!(open.loading_page());
    open.listed(2, Ok(page(3, 3)));
    assert!(!open.loading_page());
    // Page 2 answered twice (a retry) is not added twice.
    open.listed(2, Ok(page(3, 3)));
    assert_eq!(open.rows.len(), 6);
    // A vendor ignoring the page number sends page 2 again as page 3: the end.
    down(&mut open, &mut asked);
    open.listed(3, Ok(page(3, 3)));
    down(&mut open, &mut asked);
    assert_eq!(asked, vec![2, 3]);
    assert_eq!(open.rows.len(), 6);
    assert!(open.exhausted);
}

#[test]
fn end_and_page_down_reach_the_end_and_ask_for_more() {
    let app = app();
    let mut open = OpenModal::new("1");
    open.listed(1, Ok(page(0, 30)));
    assert!(matches!(
        open.on_action(Action::PageDown, &app),
        Outcome::Stay
    ));
    assert_eq!(
        open.rows.selected(),
        Some(10),
        "a page: 10 rows before any draw"
    );
    assert!(matches!(
        open.on_action(Action::Bottom, &app),
        Outcome::StayAnd(Effect::ListPage(2))
    ));
    assert_eq!(open.rows.selected(), Some(29));
    open.on_action(Action::Top, &app);
    assert_eq!(open.rows.selected(), Some(0));
    open.on_action(Action::PageUp, &app);
    assert_eq!(open.rows.selected(), Some(0));
}

#[test]
fn a_search_page_holding_listed_rows_does_not_end_the_list() {
    let mut open = OpenModal::new("1");
    // The search found rows 3 and 4 before the list reached them.
    let g = type_text(&mut open, &app(), "c")[0];
    assert_eq!(open.search_due(g).as_deref(), Some("c"));
    open.searched("c", Ok(page(3, 2)));
    open.listed(1, Ok(page(0, 5)));
    assert_eq!(open.rows.len(), 5);
    assert!(!open.exhausted, "page 1 gave the list 5 new rows");
}

#[test]
fn typing_filters_at_once_and_asks_the_vendor_after_the_pause() {
    let app = app();
    let mut open = OpenModal::new("1");
    open.listed(
        1,
        Ok(Page {
            rows: vec![
                row(1, "Ava Nguyen"),
                row(2, "Noah Jones"),
                row(3, "Noah Smith"),
            ],
            next: None,
        }),
    );
    let timers = type_text(&mut open, &app, "noah");
    // Filtered on the first key already, without waiting for anything.
    assert_eq!(shown(&open), ["2", "3"]);
    assert_eq!(timers.len(), 4, "one timer per keystroke");
    assert!(open.searching());
    // Only the last keystroke's timer asks.
    for g in &timers[..3] {
        assert_eq!(open.search_due(*g), None);
    }
    assert_eq!(open.search_due(timers[3]).as_deref(), Some("noah"));
    // The vendor's answer: one contact already loaded, one not; merged without duplicates.
    open.searched(
        "noah",
        Ok(Page {
            rows: vec![row(3, "Noah Smith"), row(7, "Noah Brown")],
            next: Some(PageAt::Number(2)),
        }),
    );
    assert!(!open.searching());
    assert_eq!(open.rows.len(), 4);
    let mut refs = shown(&open);
    refs.sort();
    assert_eq!(refs, ["2", "3", "7"]);
    assert!(
        draw::count_line(&open).starts_with("3 of 4"),
        "{}",
        draw::count_line(&open)
    );
    assert!(draw::count_line(&open).contains("the vendor has more"));
}

#[test]
fn an_answer_to_an_older_query_is_dropped() {
    let app = app();
    let mut open = OpenModal::new("1");
    open.listed(1, Ok(page(0, 2)));
    let g = *type_text(&mut open, &app, "ava").last().unwrap();
    assert_eq!(open.search_due(g).as_deref(), Some("ava"));
    // Typed on while the vendor answered "ava".
    let later = *type_text(&mut open, &app, " n").last().unwrap();
    open.searched(
        "ava",
        Ok(Page {
            rows: vec![row(9, "Ava Stale")],
            next: None,
        }),
    );
    assert_eq!(open.rows.len(), 2, "the stale answer added nothing");
    assert!(
        open.searching(),
        "the current query still waits for its pause"
    );
    assert_eq!(open.search_due(later).as_deref(), Some("ava n"));
    open.searched(
        "ava n",
        Ok(Page {
            rows: vec![row(8, "Ava Nguyen")],
            next: None,
        }),
    );
    assert_eq!(shown(&open), ["8"]);
}

#[test]
fn enter_opens_the_highlighted_row_else_the_text_typed() {
    let app = app();
    let mut open = OpenModal::new("1001/5001");
    open.listed(
        1,
        Ok(Page {
            rows: vec![row(1, "Ava Nguyen"), row(2, "Noah Jones")],
            next: None,
        }),
    );
    type_text(&mut open, &app, "jones");
    match open.on_action(Action::Confirm, &app) {
        Outcome::Attempt(Effect::OpenReference(r)) => assert_eq!(r, "2"),
        other => panic!("{other:?}"),
    }
    // Text that highlights no row is opened as it is (refused there when not a reference).
    open.input = TextArea::default();
    type_text(&mut open, &app, "1001/6021");
    assert_eq!(open.rows.selected(), None);
    match open.on_action(Action::Confirm, &app) {
        Outcome::Attempt(Effect::OpenReference(r)) => assert_eq!(r, "1001/6021"),
        other => panic!("{other:?}"),
    }
    // Nothing typed, nothing listed: Enter does nothing.
    let mut empty = OpenModal::new("1");
    assert!(matches!(
        empty.on_action(Action::Confirm, &app),
        Outcome::Stay
    ));
}

#[test]
fn a_paste_filters_and_asks_like_typing() {
    let mut open = OpenModal::new("1");
    open.listed(1, Ok(page(0, 20)));
    assert!(matches!(
        open.paste("contact 13"),
        Outcome::StayAnd(Effect::SearchSoon(_))
    ));
    assert_eq!(shown(&open)[0], "13");
}

#[test]
fn the_end_of_a_search_asks_for_its_next_page_once() {
    let app = app();
    let mut open = OpenModal::new("1");
    let g = *type_text(&mut open, &app, "noah").last().unwrap();
    open.search_due(g);
    open.searched(
        "noah",
        Ok(Page {
            rows: vec![row(1, "Noah Jones"), row(2, "Noah Smith")],
            next: Some(PageAt::Number(2)),
        }),
    );
    let mut asked = Vec::new();
    for _ in 0..5 {
        if let Outcome::StayAnd(Effect::SearchPage { query, at }) =
            open.on_action(Action::Bottom, &app)
        {
            asked.push((query, at));
        }
    }
    assert_eq!(asked, [("noah".to_string(), PageAt::Number(2))]);
    assert!(open.searching());
    open.searched(
        "noah",
        Ok(Page {
            rows: vec![row(3, "Noah Brown")],
            next: None,
        }),
    );
    assert_eq!(open.rows.len(), 3);
    assert!(!open.more_found());
}

/// A reference typed in full that no loaded row is opens as typed, never a row that merely
/// resembles it (fuzzy matching finds `…15` for `…12`: its e-mail has a 2); ↓ still picks the row.
#[test]
fn a_reference_typed_in_full_is_offered_as_typed_before_a_similar_row() {
    let app = app();
    let spec = std::sync::Arc::new(Catalog::built_in().get("clemta").unwrap().clone());
    let clemta = spec.clone();
    let mut open = OpenModal::new(&spec.reference_example)
        .with_references(move |text| crate::client::Reference::looks_complete(&clemta, text));
    let similar = Match {
        reference: "650000000000000000000015".into(),
        name: "Noah Jones".into(),
        email: "noah.jones21@example.com".into(),
        label: "Noah Jones".into(),
    };
    open.listed(
        1,
        Ok(Page {
            rows: vec![similar],
            next: None,
        }),
    );
    type_text(&mut open, &app, "650000000000000000000012");
    assert!(open.rows.selected().is_some(), "the similar row matches");
    assert_eq!(open.as_typed.as_deref(), Some("650000000000000000000012"));
    match open.on_action(Action::Confirm, &app) {
        Outcome::Attempt(Effect::OpenReference(r)) => assert_eq!(r, "650000000000000000000012"),
        other => panic!("{other:?}"),
    }
    // ↓ moves onto the row, and Enter opens it; ↑ goes back to the text.
    open.on_action(Action::Down, &app);
    match open.on_action(Action::Confirm, &app) {
        Outcome::Attempt(Effect::OpenReference(r)) => assert_eq!(r, "650000000000000000000015"),
        other => panic!("{other:?}"),
    }
    open.on_action(Action::Up, &app);
    assert!(open.on_typed);
    // The vendor's search finds that very contact: its row replaces the offer.
    open.searched(
        "650000000000000000000012",
        Ok(Page {
            rows: vec![Match {
                reference: "650000000000000000000012".into(),
                name: "Zoe Bronte".into(),
                email: "zoe@example.com".into(),
                label: "Zoe Bronte".into(),
            }],
            next: None,
        }),
    );
    assert_eq!(open.as_typed, None);
    // A name is filtered, not offered.
    open.input = TextArea::default();
    type_text(&mut open, &app, "noah");
    assert_eq!(open.as_typed, None);
}
