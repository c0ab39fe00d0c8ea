//! The key table's defaults and config rebinding.

use super::*;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn defaults_match_product_md() {
    let map = Keymap::default();
    assert_eq!(
        map.action(&key(KeyCode::Char('j'), KeyModifiers::NONE)),
        Some(Action::Down)
    );
    assert_eq!(
        map.action(&key(KeyCode::Char('r'), KeyModifiers::CONTROL)),
        Some(Action::Redo)
    );
    assert_eq!(
        map.action(&key(KeyCode::Char('r'), KeyModifiers::NONE)),
        Some(Action::Raw)
    );
    assert_eq!(
        map.action(&key(KeyCode::Char('U'), KeyModifiers::SHIFT)),
        Some(Action::Revert)
    );
    assert_eq!(
        map.action(&key(KeyCode::Char('R'), KeyModifiers::SHIFT)),
        Some(Action::Reload)
    );
    assert_eq!(
        map.action(&key(KeyCode::Char(' '), KeyModifiers::NONE)),
        Some(Action::Toggle)
    );
    assert_eq!(
        map.action(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
        None
    );
}

#[test]
fn config_rebinds_and_reports_mistakes_with_the_line() {
    let bind = |action: &str, chords: &[&str]| KeyBinding {
        action: action.into(),
        chords: chords.iter().map(|c| c.to_string()).collect(),
        line: 7,
    };
    let map = Keymap::with_bindings(&[bind("review", &["ctrl-s", "f5"])]).unwrap();
    assert_eq!(
        map.action(&key(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        Some(Action::Review)
    );
    assert_eq!(
        map.action(&key(KeyCode::F(5), KeyModifiers::NONE)),
        Some(Action::Review)
    );
    assert_eq!(
        map.action(&key(KeyCode::Char('s'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(map.label(Action::Review), "Ctrl-s/F5");
    let err = Keymap::with_bindings(&[bind("send", &["x"])])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("config.toml:7: [keys] has no action \"send\""),
        "{err}"
    );
    let err = Keymap::with_bindings(&[bind("quit", &["hyper-q"])])
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not a key"), "{err}");
}

#[test]
fn each_context_has_its_own_chords_and_modal_keys_rebind() {
    let map = Keymap::default();
    let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(map.action_in(Context::Form, &y), Some(Action::Copy));
    assert_eq!(map.action_in(Context::Review, &y), Some(Action::Confirm));
    assert_eq!(
        map.action_in(Context::Open, &y),
        None,
        "typed into the reference"
    );
    let bind = KeyBinding {
        action: "quit.confirm".into(),
        chords: vec!["o".into()],
        line: 3,
    };
    let map = Keymap::with_bindings(&[bind]).unwrap();
    assert_eq!(
        map.action_in(Context::Quit, &key(KeyCode::Char('o'), KeyModifiers::NONE)),
        Some(Action::Confirm)
    );
    assert_eq!(map.action_in(Context::Quit, &y), None);
    assert_eq!(
        map.action(&y),
        Some(Action::Copy),
        "the form's y is untouched"
    );
    assert!(
        map.help(Context::Quit)
            .contains(&("o".to_string(), "quit (unsent changes stay as drafts)"))
    );
}

#[test]
fn every_context_can_be_closed_or_answered() {
    // A modal with no key out would trap the user.
    let map = Keymap::default();
    for context in Context::ALL {
        let actions: Vec<Action> = TABLE
            .iter()
            .filter(|e| e.context == context)
            .map(|e| e.action)
            .collect();
        assert!(!actions.is_empty(), "{context:?} has no keys");
        for a in actions {
            assert!(!map.chords_in(context, a).is_empty(), "{context:?} {a:?}");
        }
    }
}

#[test]
fn two_actions_on_one_key_in_one_place_is_an_error_naming_both() {
    assert!(
        Keymap::with_bindings(&[]).is_ok(),
        "the defaults do not conflict"
    );
    let binding = |action: &str, chord: &str, line: usize| KeyBinding {
        action: action.into(),
        chords: vec![chord.into()],
        line,
    };
    let err = Keymap::with_bindings(&[binding("undo", "j", 7)]).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("config.toml:7:"), "{text}");
    assert!(text.contains("down") && text.contains("undo"), "{text}");
    // The same key in two different places is fine.
    assert!(Keymap::with_bindings(&[binding("review.confirm", "j", 3)]).is_ok());
}

#[test]
fn esc_closes_every_modal() {
    let map = Keymap::default();
    let esc = key(KeyCode::Esc, KeyModifiers::NONE);
    for context in Context::ALL {
        if matches!(context, Context::Form | Context::Global) {
            continue;
        }
        assert_eq!(
            map.action_in(context, &esc),
            Some(Action::Cancel),
            "{context:?}"
        );
    }
}
