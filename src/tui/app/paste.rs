//! Pasted text (bracketed paste) is text, never keys: it goes into the open editor or the
//! reference field of the open-contact list, whole, in one step; with neither open it is
//! ignored and the user is told how to paste.

use super::App;
use crate::tui::keymap::Action;
use crate::tui::modals::{Editor, Effect, OpenModal, Outcome};

/// Text for a single-line field: each line break (CR LF, LF or CR) becomes one space.
pub fn one_line(text: &str) -> String {
    text.replace("\r\n", "\n").replace(['\r', '\n'], " ")
}

impl App {
    pub fn on_paste(&mut self, text: &str) {
        self.toast = None;
        if let Some(editor) = self.modals.top_mut_as::<Editor>() {
            if editor.multiline {
                editor
                    .area
                    .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
            } else {
                editor.area.insert_str(one_line(text));
            }
            // `check` reads the app, so the editor is taken off the stack for it.
            if let Some(mut modal) = self.modals.pop() {
                if let Some(editor) =
                    (modal.as_mut() as &mut dyn std::any::Any).downcast_mut::<Editor>()
                {
                    editor.check(self);
                }
                self.modals.push(modal);
            }
        } else if let Some(open) = self.modals.top_mut_as::<OpenModal>() {
            // Filtered and searched as if typed.
            if let Outcome::StayAnd(Effect::SearchSoon(generation)) =
                open.paste(one_line(text).trim())
            {
                self.search_soon(generation);
            }
        } else {
            let edit = self.keymap.label(Action::Edit);
            self.toast = Some(format!(
                "paste ignored: no field is being edited (press {edit} on a field, then paste)"
            ));
        }
        self.journal(self.active);
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_become_spaces_in_a_single_line_field() {
        assert_eq!(
            one_line("Name\r\nsecond\nthird\rfourth"),
            "Name second third fourth"
        );
    }
}
