//! The command palette (Ctrl-K or `:`): every action of the form with its keys, read from the
//! keymap when it opens, so it lists what the keys do now (rebindings included). Typing
//! filters; Enter runs the highlighted action as its key would.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::fuzzy::FuzzyList;
use super::{Effect, Modal, Outcome};
use crate::tui::app::App;
use crate::tui::keymap::{Action, Command, Context, Keymap};

pub struct PaletteModal {
    pub list: FuzzyList,
    commands: Vec<Command>,
}

impl PaletteModal {
    pub fn new(keymap: &Keymap) -> Self {
        let commands = keymap.commands();
        let items = commands
            .iter()
            .map(|c| {
                let keys = if c.keys.is_empty() {
                    "(no key)".to_string()
                } else {
                    c.keys.clone()
                };
                (c.what.to_string(), keys)
            })
            .collect();
        Self {
            list: FuzzyList::new(items),
            commands,
        }
    }
}

impl Modal for PaletteModal {
    fn context(&self) -> Context {
        Context::Palette
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        let commands = &self.commands;
        self.list
            .answer(action, |i| commands.get(i).map(|c| Effect::Run(c.action)))
    }

    fn on_input(&mut self, key: KeyEvent, _app: &App) -> Outcome {
        self.list.type_key(key);
        Outcome::Stay
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        self.list.draw(frame, app, self, "Commands", (72, 22))
    }
}
