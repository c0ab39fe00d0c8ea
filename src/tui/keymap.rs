//! Keys as data: every key of every mode (the form, the editor, each modal) is a chord bound to
//! an action in a context, defaults compiled in, rebindable in config.toml's `[keys]`. The help
//! modal and the hint bars read the same table, so they cannot disagree with what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::KeyBinding;

mod table;
pub use table::{Entry, TABLE};

/// Where a key is pressed: each context has its own chords, so `y` can copy in the form and
/// send in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Any mode: the way out.
    Global,
    Form,
    Editor,
    Picker,
    Profiles,
    Open,
    Review,
    Conflict,
    Draft,
    History,
    Help,
    Quit,
    /// A value shown whole (read-only).
    Viewer,
    /// Jumping to a field by name (`/`).
    Jump,
    /// The command palette (every form action, by name).
    Palette,
}

impl Context {
    /// The prefix of its actions in config.toml (`[keys.review] confirm = "x"`); the form's
    /// and the global actions have none (`[keys] quit = "x"`).
    pub fn config_name(self) -> Option<&'static str> {
        Some(match self {
            Context::Global | Context::Form => return None,
            Context::Editor => "editor",
            Context::Picker => "picker",
            Context::Profiles => "profiles",
            Context::Open => "open",
            Context::Review => "review",
            Context::Conflict => "conflict",
            Context::Draft => "draft",
            Context::History => "history",
            Context::Help => "help",
            Context::Quit => "quit",
            Context::Viewer => "viewer",
            Context::Jump => "jump",
            Context::Palette => "palette",
        })
    }

    /// Its heading in the help.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Anywhere",
            Context::Form => "Form",
            Context::Editor => "Editing a field",
            Context::Picker => "Choosing from a list",
            Context::Profiles => "Profiles",
            Context::Open => "Open contact",
            Context::Review => "Review before sending",
            Context::Conflict => "Conflict",
            Context::Draft => "Unsent changes found",
            Context::History => "History",
            Context::Help => "Help",
            Context::Quit => "Quit",
            Context::Viewer => "Viewing a value",
            Context::Jump => "Jump to a field",
            Context::Palette => "Command palette",
        }
    }

    pub const ALL: [Context; 15] = [
        Context::Form,
        Context::Global,
        Context::Editor,
        Context::Picker,
        Context::Profiles,
        Context::Open,
        Context::Review,
        Context::Conflict,
        Context::Draft,
        Context::History,
        Context::Viewer,
        Context::Jump,
        Context::Palette,
        Context::Help,
        Context::Quit,
    ];
}

/// What a key can ask for.
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
    /// Stop the request in flight.
    CancelRequest,
    /// Ctrl-C: leave the editor, or quit (asking first when changes are unsaved).
    Interrupt,
    /// Accept what the modal offers (switch, open, send, apply, quit…).
    Confirm,
    /// Close the modal without doing anything.
    Cancel,
    /// Commit the edited text (any field).
    Commit,
    /// Commit the edited text of a single-line field (in a multi-line one it is a new line).
    CommitLine,
    KeepMine,
    TakeTheirs,
    /// Flip the selected conflict's choice.
    Flip,
    Restore,
    Discard,
    /// Show the selected field's value whole (Enter does it on a field that cannot be edited).
    View,
    /// Copy the selected field's value (OSC 52).
    CopyValue,
    /// Wrap the raw pane's long lines, or not (then ←/→ scroll sideways).
    Wrap,
    /// Scroll the raw pane to the latest exchange.
    Latest,
    Left,
    Right,
    /// Edit the selected field in the user's own editor ($VISUAL, $EDITOR).
    EditInEditor,
    /// Edit every field of the contact in the user's own editor, as one TOML document.
    EditAllInEditor,
    /// Jump to a field by its label or name.
    Jump,
    /// The command palette: every action by name.
    Palette,
}

/// Why `[keys]` in config.toml cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("config.toml:{line}: [keys] has no action {name:?} (actions: {known})")]
    UnknownAction {
        line: usize,
        name: String,
        known: String,
    },
    #[error("config.toml:{line}: [keys] {name}: {problem}")]
    BadChord {
        line: usize,
        name: String,
        problem: ChordError,
    },
    #[error(
        "config.toml:{line}: [keys] {first} and {second} are both bound to {key} in the same place; bind one of them to another key"
    )]
    Conflict {
        line: usize,
        key: String,
        first: String,
        second: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a key (e.g. \"s\", \"U\", \"ctrl-s\", \"enter\", \"f5\")")]
pub struct ChordError {
    pub text: String,
}

/// A key with its modifiers, as written in config: `j`, `U`, `ctrl-r`, `enter`, `space`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Chord {
    pub fn parse(text: &str) -> Result<Self, ChordError> {
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
                return Err(ChordError {
                    text: text.to_string(),
                });
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

/// An action as the command palette lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub action: Action,
    /// Its current keys ("s", "Ctrl-k/:"); empty when unbound.
    pub keys: String,
    /// What it does, as the help says it.
    pub what: &'static str,
    /// Its name in config.toml.
    pub name: &'static str,
}

/// One context's action and its current chords.
#[derive(Debug, Clone)]
struct Binding {
    context: Context,
    action: Action,
    chords: Vec<Chord>,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = TABLE
            .iter()
            .map(|e| Binding {
                context: e.context,
                action: e.action,
                chords: e
                    .chords
                    .iter()
                    .filter_map(|c| Chord::parse(c).ok())
                    .collect(),
            })
            .collect();
        Self { bindings }
    }
}

/// An entry's full name in config.toml: `quit`, or `review.confirm` (`[keys.review]`).
fn config_name(e: &Entry) -> String {
    match e.context.config_name() {
        Some(prefix) => format!("{prefix}.{}", e.name),
        None => e.name.to_string(),
    }
}

impl Keymap {
    /// The defaults with config.toml's rebindings applied; problems name the line.
    pub fn with_bindings(bindings: &[KeyBinding]) -> Result<Self, KeymapError> {
        let mut map = Self::default();
        for binding in bindings {
            let Some(found) = TABLE.iter().find(|e| config_name(e) == binding.action) else {
                let known: Vec<String> = TABLE.iter().map(config_name).collect();
                return Err(KeymapError::UnknownAction {
                    line: binding.line,
                    name: binding.action.clone(),
                    known: known.join(", "),
                });
            };
            let chords = binding
                .chords
                .iter()
                .map(|c| {
                    Chord::parse(c).map_err(|problem| KeymapError::BadChord {
                        line: binding.line,
                        name: binding.action.clone(),
                        problem,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(slot) = map
                .bindings
                .iter_mut()
                .find(|b| b.context == found.context && b.action == found.action)
            {
                slot.chords = chords;
            }
        }
        map.check_conflicts(bindings)?;
        Ok(map)
    }

    /// Two actions on one key in one context would leave one of them unreachable.
    fn check_conflicts(&self, bindings: &[KeyBinding]) -> Result<(), KeymapError> {
        let name = |b: &Binding| {
            TABLE
                .iter()
                .find(|e| e.context == b.context && e.action == b.action)
                .map(config_name)
                .unwrap_or_default()
        };
        for (i, a) in self.bindings.iter().enumerate() {
            for b in self.bindings[i + 1..]
                .iter()
                .filter(|b| b.context == a.context)
            {
                let Some(chord) = a.chords.iter().find(|c| b.chords.contains(c)) else {
                    continue;
                };
                let (first, second) = (name(a), name(b));
                let line = bindings
                    .iter()
                    .filter(|k| k.action == first || k.action == second)
                    .map(|k| k.line)
                    .max()
                    .unwrap_or(0);
                return Err(KeymapError::Conflict {
                    line,
                    key: chord.label(),
                    first,
                    second,
                });
            }
        }
        Ok(())
    }

    /// The form's action for a key.
    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        self.action_in(Context::Form, key)
    }

    /// The action a key asks for in a context.
    pub fn action_in(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.context == context && b.chords.iter().any(|c| c.matches(key)))
            .map(|b| b.action)
    }

    pub fn chords_in(&self, context: Context, action: Action) -> &[Chord] {
        self.bindings
            .iter()
            .find(|b| b.context == context && b.action == action)
            .map(|b| b.chords.as_slice())
            .unwrap_or(&[])
    }

    /// "s" or "Enter/j" for a form action, as the help and hint bar show it.
    pub fn label(&self, action: Action) -> String {
        self.label_in(Context::Form, action)
    }

    pub fn label_in(&self, context: Context, action: Action) -> String {
        self.chords_in(context, action)
            .iter()
            .map(Chord::label)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// (keys, description) for every action of a context, in table order.
    pub fn help(&self, context: Context) -> Vec<(String, &'static str)> {
        TABLE
            .iter()
            .filter(|e| e.context == context)
            .map(|e| (self.label_in(context, e.action), e.what))
            .collect()
    }

    /// What the command palette lists: every action the form runs (and the global ones), with
    /// its current keys, in table order. The palette itself is left out.
    pub fn commands(&self) -> Vec<Command> {
        TABLE
            .iter()
            .filter(|e| matches!(e.context, Context::Form | Context::Global))
            .filter(|e| e.action != Action::Palette)
            .map(|e| Command {
                action: e.action,
                keys: self.label_in(e.context, e.action),
                what: e.what,
                name: e.name,
            })
            .collect()
    }

    /// (keys, short name) for a context's hint bar. A hinted Down shows as "↑/↓" with its
    /// context's Up (first chords only, to stay short; the help lists them all).
    pub fn hints(&self, context: Context) -> Vec<(String, &'static str)> {
        TABLE
            .iter()
            .filter(|e| e.context == context)
            .filter_map(|e| {
                let hint = e.hint?;
                let first = |a| self.chords_in(context, a).first().map(Chord::label);
                let keys = match (e.action, first(Action::Up), first(Action::Down)) {
                    (Action::Down, Some(up), Some(down)) => format!("{up}/{down}"),
                    _ => self.label_in(context, e.action),
                };
                Some((keys, hint))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
