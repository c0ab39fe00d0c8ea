//! Keys as data: chords bound to the form's actions, defaults compiled in, rebindable in
//! config.toml's `[keys]`. The help modal and the hint bar read the same table, so they
//! cannot disagree with what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::KeyBinding;

/// What a key can ask for in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Edit,
    Toggle,
    Clear,
    Undo,
    Redo,
    Revert,
    Review,
    Reload,
    Profiles,
    Open,
    Raw,
    Focus,
    Copy,
    History,
    Help,
    Quit,
}

/// (action, config name, default chords, what it does, shown in the hint bar)
pub const ACTIONS: [(Action, &str, &[&str], &str, bool); 22] = [
    (Action::Up, "up", &["up", "k"], "previous field", false),
    (Action::Down, "down", &["down", "j"], "next field", false),
    (Action::PageUp, "page_up", &["pageup"], "page up", false),
    (
        Action::PageDown,
        "page_down",
        &["pagedown"],
        "page down",
        false,
    ),
    (Action::Top, "top", &["home", "g"], "first field", false),
    (Action::Bottom, "bottom", &["end", "G"], "last field", false),
    (Action::Edit, "edit", &["enter"], "edit the field", true),
    (Action::Toggle, "toggle", &["space"], "toggle a flag", false),
    (Action::Clear, "clear", &["d"], "clear the field", true),
    (Action::Undo, "undo", &["u"], "undo", true),
    (Action::Redo, "redo", &["ctrl-r"], "redo", false),
    (Action::Revert, "revert", &["U"], "revert the field", false),
    (Action::Review, "review", &["s"], "review and send", true),
    (
        Action::Reload,
        "reload",
        &["R"],
        "reload from the server",
        false,
    ),
    (Action::Profiles, "profiles", &["p"], "switch profile", true),
    (Action::Open, "open", &["o"], "open a contact", true),
    (Action::Raw, "raw", &["r"], "raw exchange pane", true),
    (Action::Focus, "focus", &["tab"], "next pane", false),
    (
        Action::Copy,
        "copy",
        &["y"],
        "copy the request as curl",
        false,
    ),
    (
        Action::History,
        "history",
        &["h"],
        "this contact's history (revert a change)",
        false,
    ),
    (Action::Help, "help", &["?"], "help", true),
    (Action::Quit, "quit", &["q"], "quit", true),
];

/// A key with its modifiers, as written in config: `j`, `U`, `ctrl-r`, `enter`, `space`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Chord {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "space" => KeyCode::Char(' '),
            "tab" => KeyCode::Tab,
            "esc" => KeyCode::Esc,
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "delete" => KeyCode::Delete,
            s if s.chars().count() == 1 => KeyCode::Char(s.chars().next().unwrap_or(' ')),
            s if s.starts_with('f')
                && s[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(s[1..].parse().unwrap_or(1))
            }
            _ => {
                return Err(format!(
                    "{text:?} is not a key (e.g. \"s\", \"U\", \"ctrl-s\", \"enter\", \"f5\")"
                ));
            }
        };
        Ok(Self { code, ctrl, alt })
    }

    pub fn matches(&self, key: &KeyEvent) -> bool {
        // Shift is part of the character ('U'); only Ctrl and Alt are compared.
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let code = match key.code {
            KeyCode::BackTab => KeyCode::Tab,
            other => other,
        };
        code == self.code && ctrl == self.ctrl && alt == self.alt
    }

    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{key}"),
            (_, true) => format!("Alt-{key}"),
            _ => key,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<Chord>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = ACTIONS
            .iter()
            .map(|(action, _, chords, _, _)| {
                (
                    *action,
                    chords.iter().filter_map(|c| Chord::parse(c).ok()).collect(),
                )
            })
            .collect();
        Self { bindings }
    }
}

impl Keymap {
    /// The defaults with config.toml's rebindings applied; problems name the line.
    pub fn with_bindings(bindings: &[KeyBinding]) -> Result<Self, String> {
        let mut map = Self::default();
        for binding in bindings {
            let Some((action, ..)) = ACTIONS.iter().find(|(_, name, ..)| *name == binding.action)
            else {
                let names: Vec<&str> = ACTIONS.iter().map(|(_, n, ..)| *n).collect();
                return Err(format!(
                    "config.toml:{}: [keys] has no action {:?} (actions: {})",
                    binding.line,
                    binding.action,
                    names.join(", ")
                ));
            };
            let chords = binding
                .chords
                .iter()
                .map(|c| {
                    Chord::parse(c).map_err(|e| {
                        format!(
                            "config.toml:{}: [keys] {}: {e}",
                            binding.line, binding.action
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(slot) = map.bindings.iter_mut().find(|(a, _)| a == action) {
                slot.1 = chords;
            }
        }
        Ok(map)
    }

    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(_, chords)| chords.iter().any(|c| c.matches(key)))
            .map(|(a, _)| *a)
    }

    pub fn chords(&self, action: Action) -> &[Chord] {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[])
    }

    /// "s" or "Enter/j" for an action, as the help and hint bar show it.
    pub fn label(&self, action: Action) -> String {
        self.chords(action)
            .iter()
            .map(Chord::label)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// (keys, description) for every action, in table order.
    pub fn help(&self) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .map(|(a, _, _, what, _)| (self.label(*a), *what))
            .collect()
    }

    /// (keys, short name) for the hint bar.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .filter(|(.., hint)| *hint)
            .map(|(a, name, ..)| (self.label(*a), *name))
            .collect()
    }
}

#[cfg(test)]
mod tests {
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
        let err = Keymap::with_bindings(&[bind("send", &["x"])]).unwrap_err();
        assert!(
            err.starts_with("config.toml:7: [keys] has no action \"send\""),
            "{err}"
        );
        let err = Keymap::with_bindings(&[bind("quit", &["hyper-q"])]).unwrap_err();
        assert!(err.contains("is not a key"), "{err}");
    }
}
