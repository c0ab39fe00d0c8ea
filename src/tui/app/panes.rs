//! Keys that act on the focused pane (the raw pane scrolls, wraps and jumps to the latest
//! exchange), seeing and copying a field's value whole, and the fields a vendor's refusal names.

use super::{App, PAGE, Pane, Workspace};
use crate::client::Failed;
use crate::client::envelope::field_errors;
use crate::edit::{Form, Value};
use crate::tui::keymap::Action;
use crate::tui::modals::ValueViewer;
use crate::tui::views::wrapped;

/// A field the vendor refused, with its words and the value that was refused: the mark goes
/// once the value changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorIssue {
    pub field: usize,
    pub message: String,
    pub refused: Value,
}

impl Workspace {
    /// The vendor's words about a field it refused, while the field holds the refused value.
    pub fn vendor_issue(&self, form: &Form, field: usize) -> Option<&str> {
        self.vendor_issues
            .iter()
            .find(|v| v.field == field && form.value(field) == &v.refused)
            .map(|v| v.message.as_str())
    }
}

impl App {
    /// Handles a form-context action that belongs to a pane or to the value; `false` leaves it
    /// to the form.
    pub(super) fn pane_action(&mut self, action: Action) -> bool {
        match action {
            Action::View => self.view_value(),
            Action::CopyValue => self.copy_value(),
            Action::Wrap => {
                self.raw_wrap = !self.raw_wrap;
                self.ws_mut().raw_column = 0;
                self.clamp_raw();
            }
            Action::Latest => {
                self.ws_mut().raw_scroll = self.ws().raw.last_exchange_start();
                self.clamp_raw();
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Left
            | Action::Right
                if self.focus == Pane::Raw || self.raw_maximized =>
            {
                let page = (self.layout.raw.height.saturating_sub(2) as usize).max(PAGE);
                let ws = self.ws_mut();
                match action {
                    Action::Up => ws.raw_scroll = ws.raw_scroll.saturating_sub(1),
                    Action::Down => ws.raw_scroll += 1,
                    Action::PageUp => ws.raw_scroll = ws.raw_scroll.saturating_sub(page),
                    Action::PageDown => ws.raw_scroll += page,
                    Action::Top => ws.raw_scroll = 0,
                    Action::Bottom => ws.raw_scroll = usize::MAX,
                    Action::Left => ws.raw_column = ws.raw_column.saturating_sub(8),
                    _ => ws.raw_column += 8,
                }
                self.clamp_raw();
            }
            // Sideways means nothing in the form.
            Action::Left | Action::Right => {}
            _ => return false,
        }
        true
    }

    /// Keeps the raw pane's scroll where the last line is at the bottom at most (as the last
    /// frame laid it out), and its column within the longest line.
    pub(super) fn clamp_raw(&mut self) {
        let area = if self.layout.raw.height > 0 {
            self.layout.raw
        } else {
            self.layout.form
        };
        let (width, height) = (
            area.width.saturating_sub(2) as usize,
            area.height.saturating_sub(2).max(1) as usize,
        );
        let wrap = self.raw_wrap;
        let ws = self.ws_mut();
        let max = if wrap {
            // Walk back from the end until the wrapped rows fill the pane.
            let mut rows = 0;
            let mut start = ws.raw.len();
            while start > 0 {
                let more = wrapped(ws.raw.line(start - 1), width).len();
                if rows + more > height {
                    break;
                }
                rows += more;
                start -= 1;
            }
            start
        } else {
            ws.raw.len().saturating_sub(height)
        };
        ws.raw_scroll = ws.raw_scroll.min(max);
        let longest = ws
            .raw
            .lines_from(ws.raw_scroll)
            .take(height)
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        ws.raw_column = ws.raw_column.min(longest.saturating_sub(width));
    }

    /// Opens the selected field's value whole, in a scrollable read-only box.
    pub(super) fn view_value(&mut self) {
        let selected = self.ws().selected;
        let Some(form) = self.ws().form.as_ref() else {
            self.toast = Some(self.no_contact());
            return;
        };
        let field = &form.fields()[selected];
        let text = match form.value(selected) {
            Value::Null => "— (no value)".to_string(),
            Value::Text(t) if t.is_empty() => "(empty)".to_string(),
            Value::Text(_) if field.is_secret() => "•••••••• (a secret: not shown)".to_string(),
            Value::Text(t) => t.clone(),
        };
        let why = match form.access(selected) {
            crate::edit::Access::Editable => None,
            crate::edit::Access::ReadOnly(r)
            | crate::edit::Access::NotApplicable(r)
            | crate::edit::Access::Locked(r) => Some(format!("cannot be edited: {r}")),
        };
        self.modals.push(Box::new(ValueViewer {
            field: selected,
            title: field.label.clone(),
            note: why,
            text,
            scroll: 0,
        }));
    }

    /// Puts the selected field's value on the terminal's clipboard (OSC 52). Secrets are not.
    pub(super) fn copy_value(&mut self) {
        let selected = self.ws().selected;
        let Some(form) = self.ws().form.as_ref() else {
            self.toast = Some(self.no_contact());
            return;
        };
        let field = &form.fields()[selected];
        let (copied, toast) = match form.value(selected) {
            _ if field.is_secret() => (None, format!("{} is a secret: not copied", field.label)),
            Value::Null => (None, format!("{} has no value to copy", field.label)),
            Value::Text(t) => (
                Some(t.clone()),
                format!("copied {} ({} characters)", field.label, t.chars().count()),
            ),
        };
        if copied.is_some() {
            self.clipboard = copied;
        }
        self.toast = Some(toast);
    }

    /// Marks the fields a vendor's refusal names (its error body, read as the spec says).
    pub(super) fn mark_vendor_errors(&mut self, ws: usize, failed: &Failed) {
        let w = &mut self.workspaces[ws];
        w.vendor_issues.clear();
        let Some(form) = w.form.as_ref() else {
            return;
        };
        let Some(body) = failed
            .exchanges
            .last()
            .and_then(|e| e.response.as_ref())
            .filter(|r| r.status == 400 || r.status == 422)
            .and_then(|r| serde_json::from_str(&r.body).ok())
        else {
            return;
        };
        let issues: Vec<VendorIssue> = field_errors(form.spec(), &body)
            .into_iter()
            .filter_map(|e| {
                let field = form.index(&e.field).ok()?;
                Some(VendorIssue {
                    field,
                    message: e.message,
                    refused: form.value(field).clone(),
                })
            })
            .collect();
        if let Some(first) = issues.first() {
            w.selected = first.field;
        }
        w.vendor_issues = issues;
    }
}
