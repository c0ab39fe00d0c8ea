//! `/` in the form: jump to a field by its label or name, fuzzy. Enter goes to the field; Esc
//! leaves the selection where it was (nothing moves until Enter).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::fuzzy::FuzzyList;
use super::{Effect, Modal, Outcome};
use crate::edit::Form;
use crate::tui::app::App;
use crate::tui::keymap::{Action, Context};

pub struct JumpModal {
    pub list: FuzzyList,
}

impl JumpModal {
    /// Every field of the form, as "Label · name" (the name alone when it reads the same), its
    /// group beside it.
    pub fn new(form: &Form) -> Self {
        let items = form
            .fields()
            .iter()
            .map(|f| {
                let same = f.label.to_lowercase().replace(' ', "_") == f.name;
                let text = if same {
                    f.label.clone()
                } else {
                    format!("{} · {}", f.label, f.name)
                };
                (text, f.group.clone())
            })
            .collect();
        Self {
            list: FuzzyList::new(items),
        }
    }
}

impl Modal for JumpModal {
    fn context(&self) -> Context {
        Context::Jump
    }

    fn on_action(&mut self, action: Action, _app: &App) -> Outcome {
        self.list
            .answer(action, |field| Some(Effect::JumpTo(field)))
    }

    fn on_input(&mut self, key: KeyEvent, _app: &App) -> Outcome {
        self.list.type_key(key);
        Outcome::Stay
    }

    fn draw(&self, frame: &mut Frame, app: &App) -> Rect {
        self.list
            .draw(frame, app, self, "Jump to a field", (72, 18))
    }
}
