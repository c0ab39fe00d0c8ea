//! The form: the vendor's fields grouped by object, with marks for changed, invalid,
//! read-only and not-applicable fields, and the selected field's details underneath.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::edit::{Access, Form, Value};
use crate::tui::app::{App, Pane};
use crate::tui::keymap::Action;

/// How a value is shown in a row: secrets masked, null and empty told apart.
pub fn shown_value(form: &Form, i: usize) -> (String, bool) {
    match form.value(i) {
        Value::Null => ("—".into(), true),
        Value::Text(t) if t.is_empty() => ("(empty)".into(), true),
        Value::Text(_) if form.fields()[i].is_secret() => ("••••••••".into(), false),
        Value::Text(t) => (t.replace('\n', " ⏎ "), false),
    }
}

/// Draws the form; returns (screen row, field) for each visible field row, and the scroll it
/// used (kept for the next frame).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> (Vec<(u16, usize)>, Option<usize>) {
    let theme = &app.theme;
    let ws = &app.workspaces[app.active];
    let name = match &ws.form {
        Some(form) => format!("{} · {} fields", form.spec().name, form.len()),
        None => "Contact".into(),
    };
    let inner = super::draw_pane_box(frame, app, &name, Pane::Form, area);
    let Some(form) = &ws.form else {
        let message = match ws.request.label() {
            Some(what) => {
                let mut chars = what.chars();
                chars
                    .next()
                    .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
            }
            None => format!(
                "No contact open. Press {} to open one, {} to switch profile.",
                app.keymap.label(Action::Open),
                app.keymap.label(Action::Profiles)
            ),
        };
        frame.render_widget(Paragraph::new(message).style(theme.muted), inner);
        return (Vec::new(), None);
    };
    // A rule that forbids any update (contactreg's Joint Member) is said once, on top.
    let inner = match form.forbidden() {
        Some(why) if inner.height > 6 => {
            let line = Line::styled(
                format!("🔒 This contact cannot be updated: {why}"),
                theme.invalid,
            );
            // Two rows when it needs them (the line's cells over the pane's width).
            let height = if line.width() > inner.width as usize {
                2
            } else {
                1
            };
            frame.render_widget(
                Paragraph::new(line).wrap(Wrap { trim: true }),
                Rect { height, ..inner },
            );
            Rect {
                y: inner.y + height,
                height: inner.height - height,
                ..inner
            }
        }
        _ => inner,
    };
    // Three lines at the bottom describe the selected field (its rule or reason may wrap).
    let details_height = 3u16.min(inner.height.saturating_sub(1));
    let list = Rect {
        height: inner.height - details_height,
        ..inner
    };
    let details = Rect {
        y: list.y + list.height,
        height: details_height,
        ..inner
    };

    // Rows: a heading before each group, then its fields.
    let mut rows: Vec<Option<usize>> = Vec::with_capacity(form.len() + 8);
    let mut group = "";
    for (i, f) in form.fields().iter().enumerate() {
        if f.group != group {
            rows.push(None);
            group = &f.group;
        }
        rows.push(Some(i));
    }
    let selected_row = rows
        .iter()
        .position(|r| *r == Some(ws.selected))
        .unwrap_or(0);
    let height = list.height as usize;
    let mut scroll = ws.scroll.min(rows.len().saturating_sub(1));
    if selected_row < scroll {
        scroll = selected_row.saturating_sub(1);
    } else if selected_row >= scroll + height {
        scroll = selected_row + 1 - height;
    }
    // No blank rows below while rows are hidden above (after the terminal grew).
    scroll = scroll.min(rows.len().saturating_sub(height));
    let label_width = form
        .fields()
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(10)
        .min(24);
    let mut lines = Vec::with_capacity(height);
    let mut hits = Vec::new();
    for (n, row) in rows.iter().enumerate().skip(scroll).take(height) {
        let y = list.y + (n - scroll) as u16;
        match row {
            None => {
                let next = rows[n + 1..].iter().flatten().next().copied().unwrap_or(0);
                lines.push(Line::from(Span::styled(
                    format!(" {}", form.fields()[next].group),
                    theme.group,
                )));
            }
            Some(i) => {
                hits.push((y, *i));
                let row = FieldRow {
                    index: *i,
                    label_width,
                    width: list.width as usize,
                    selected: *i == ws.selected,
                };
                lines.push(field_line(app, form, &row));
            }
        }
    }
    super::draw_lines(frame, &lines, list);
    if details.height > 0 {
        super::draw_paragraph(
            frame,
            details_text(app, form, ws.selected),
            details,
            Style::default(),
            Some(Wrap { trim: true }),
        );
    }
    (hits, Some(scroll))
}

/// Where a field's row goes and how wide its parts are.
struct FieldRow {
    index: usize,
    label_width: usize,
    /// The whole row's width: a longer value ends with `…`.
    width: usize,
    selected: bool,
}

/// The mark column's width: wide enough for `n/a`, and for `🔒` (two cells) plus a space.
const MARK_WIDTH: usize = 4;

fn field_line<'a>(app: &App, form: &Form, row: &FieldRow) -> Line<'a> {
    let theme = &app.theme;
    let i = row.index;
    let field = &form.fields()[i];
    let vendor_issue = app.ws().vendor_issue(form, i).is_some();
    let (mark, mark_style) = match (form.access(i), form.field_issue(i)) {
        (_, Some(_)) => ("✗", theme.invalid),
        _ if vendor_issue => ("✗", theme.invalid),
        (Access::ReadOnly(_), _) => ("ro", theme.muted),
        (Access::NotApplicable(_), _) => ("n/a", theme.muted),
        (Access::Locked(_), _) => ("🔒", theme.muted),
        _ if form.is_dirty(i) => ("*", theme.changed),
        _ => ("", theme.text),
    };
    let (value, empty) = shown_value(form, i);
    let value_style = if form.is_dirty(i) {
        theme.changed
    } else if empty || !matches!(form.access(i), Access::Editable) {
        theme.muted
    } else {
        theme.text
    };
    let pointer = if row.selected { "▶" } else { " " };
    let label_width = row.label_width;
    let label: String = field.label.chars().take(label_width).collect();
    let base = if row.selected {
        theme.selected
    } else {
        Style::default()
    };
    // Padded by display width: an emoji takes two cells.
    let pad = MARK_WIDTH.saturating_sub(Span::raw(mark).width());
    let value_width = row.width.saturating_sub(2 + MARK_WIDTH + label_width + 2);
    Line::from(vec![
        Span::styled(format!("{pointer} "), base.patch(theme.focus)),
        Span::styled(format!("{mark}{:pad$}", ""), base.patch(mark_style)),
        Span::styled(format!("{label:<label_width$}  "), base.patch(theme.text)),
        Span::styled(super::fit(&value, value_width), base.patch(value_style)),
    ])
    .style(base)
}

fn details_text<'a>(app: &App, form: &Form, i: usize) -> Vec<Line<'a>> {
    let theme = &app.theme;
    let field = &form.fields()[i];
    let mut first = vec![Span::styled(
        format!("{} · {}", field.name, field.kind),
        theme.muted,
    )];
    if let Some(max) = field.limits.max_length {
        first.push(Span::styled(format!(" · ≤ {max}"), theme.muted));
    }
    if field.limits.required {
        first.push(Span::styled(" · required", theme.muted));
    }
    let issue = form.field_issue(i).map(|issue| issue.message).or_else(|| {
        app.ws()
            .vendor_issue(form, i)
            .map(|m| format!("the vendor refused it: {m}"))
    });
    let second = match (issue, form.access(i)) {
        (Some(message), _) => Span::styled(format!("✗ {message}"), theme.invalid),
        (None, Access::ReadOnly(r)) => Span::styled(format!("read-only: {r}"), theme.muted),
        (None, Access::NotApplicable(r)) => {
            Span::styled(format!("not applicable: {r}"), theme.muted)
        }
        (None, Access::Locked(r)) => Span::styled(format!("locked: {r}"), theme.muted),
        (None, Access::Editable) if form.is_dirty(i) => {
            let was = match form.original(i) {
                Value::Null => "empty".to_string(),
                Value::Text(t) if t.is_empty() => "empty".to_string(),
                Value::Text(_) if field.is_secret() => "••••••••".into(),
                Value::Text(t) => t.clone(),
            };
            Span::styled(format!("changed (was {was})"), theme.changed)
        }
        (None, Access::Editable) => Span::styled(field.help.clone(), theme.muted),
    };
    vec![Line::from(first), Line::from(second)]
}
