//! Drawing: the header, the form, the response and raw panes, the hint bar, and the open
//! modals. Views only read the state; where things landed (for the mouse) is returned.

mod form;
mod lines;
mod pane_box;
mod panes;
mod split;

pub use panes::wrapped;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Wrap;

use super::app::{App, Drawn, Layout, Pane};
use super::keymap::{Action, Context, TABLE};

/// Below this width the raw pane shares no space with the form (press `r` for it).
pub const WIDE: u16 = 100;

pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let area = frame.area();
    let [header, body, footer] = split::header_body_footer(area);
    draw_header(frame, app, header);
    let mut layout = Layout::default();
    if app.raw_maximized {
        layout.raw = body;
    } else if body.width >= WIDE {
        let [left, right] = split::form_and_side(body);
        let [response, raw] = split::response_and_raw(right);
        layout.form = left;
        layout.response = response;
        layout.raw = raw;
    } else {
        let [form, response] = split::form_and_response(body);
        layout.form = form;
        layout.response = response;
    }
    let mut form_scroll = None;
    if layout.form.area() > 0 {
        let (rows, scroll) = form::draw(frame, app, layout.form);
        layout.rows = rows;
        form_scroll = scroll;
    }
    if layout.response.area() > 0 {
        panes::response(frame, app, layout.response);
    }
    if layout.raw.area() > 0 {
        panes::raw(frame, app, layout.raw);
    }
    draw_footer(frame, app, footer);
    for modal in app.modals.iter() {
        layout.popup = Some(modal.draw(frame, app));
    }
    Drawn {
        layout,
        form_scroll,
    }
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let text = header_text(app, area.width as usize);
    draw_paragraph(frame, vec![Line::from(text)], area, app.theme.header, None);
}

/// The header line, fitted to `width`: the unsaved count always shows whole; the host, then
/// the reference, then the profile and vendor give way first (cut with `…`).
pub fn header_text(app: &App, width: usize) -> String {
    let ws = app.ws();
    // The session knows its host; before it opens, the profile's base URL stands in.
    let host = ws
        .session
        .as_ref()
        .map_or(ws.profile.base_url.as_str(), |s| s.host());
    let reference = ws
        .reference
        .as_ref()
        .map_or("no contact open".to_string(), |r| r.text.clone());
    let mut unsaved = format!("{} unsaved", ws.unsaved());
    let elsewhere = app.unsaved_total() - ws.unsaved();
    if elsewhere > 0 {
        unsaved.push_str(&format!(" (+{elsewhere} in other profiles)"));
    }
    let progress = ws
        .progress(&app.keymap)
        .map(|p| format!(" │ {p}"))
        .unwrap_or_default();
    // Shrinkable parts in the order they give way: host, reference, vendor, profile.
    let mut parts = [
        host.to_string(),
        reference,
        ws.profile.vendor.clone(),
        ws.profile.name.clone(),
    ];
    let fixed = format!(" rolo │  │  │  │  │ {unsaved}").chars().count();
    let mut over =
        (fixed + parts.iter().map(|p| p.chars().count()).sum::<usize>()).saturating_sub(width);
    for part in parts.iter_mut() {
        if over == 0 {
            break;
        }
        let len = part.chars().count();
        // A part keeps at least one character and its `…`.
        let keep = len.saturating_sub(over).max(1);
        if keep < len {
            over -= len - keep;
            *part = fit(part, keep);
        }
    }
    let [host, reference, vendor, profile] = parts;
    format!(" rolo │ {profile} │ {vendor} │ {host} │ {reference} │ {unsaved}{progress}")
}

/// Lines, one a row from the top of `area`, each cut at the area's width (`lines`).
pub fn draw_lines(frame: &mut Frame, lines: &[Line], area: Rect) {
    lines::draw_lines(frame.buffer_mut(), lines, area);
}

/// What `Paragraph::new(lines).style(style)`, wrapped as `wrap` says, draws (`lines`).
pub fn draw_paragraph(
    frame: &mut Frame,
    lines: Vec<Line>,
    area: Rect,
    style: Style,
    wrap: Option<Wrap>,
) {
    lines::draw_paragraph(frame.buffer_mut(), lines, area, style, wrap);
}

/// Draws a pane's box, titled `name`, in the focus style when the pane has the focus; the area
/// inside it.
fn draw_pane_box(frame: &mut Frame, app: &App, name: &str, pane: Pane, area: Rect) -> Rect {
    let focused = app.focus == pane;
    let style = if focused {
        app.theme.focus
    } else {
        app.theme.border
    };
    let title = pane_title(focused, name);
    pane_box::draw_box(frame.buffer_mut(), area, &title, style)
}

/// A pane's title: the focused one is marked `▶`, so the focus reads without colour (NO_COLOR).
pub fn pane_title(focused: bool, name: &str) -> String {
    if focused {
        format!(" ▶ {name} ")
    } else {
        format!(" {name} ")
    }
}

/// `text` cut to `width` characters, the last one `…` when anything was cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// Which hints stay when the bar is short: the way out first, then help, then the rest.
fn hint_priority(action: Action) -> u8 {
    match action {
        Action::Quit | Action::Cancel => 0,
        Action::Help => 1,
        Action::Confirm | Action::Edit | Action::CommitLine | Action::Commit => 2,
        _ => 3,
    }
}

fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let mut spans = Vec::new();
    if let Some(toast) = &app.toast {
        spans.push(Span::styled(format!(" {toast}"), app.theme.changed));
    } else {
        // The top modal's keys, or the form's.
        let (context, hints) = match app.modals.top() {
            Some(modal) => (modal.context(), modal.hints(&app.keymap)),
            None => (Context::Form, app.keymap.hints(Context::Form)),
        };
        // Whole hints only: the ones that fit by priority, shown in the table's order.
        let action = |name: &str| {
            TABLE
                .iter()
                .find(|e| e.context == context && e.hint == Some(name))
                .map(|e| e.action)
        };
        let rank = |name: &str| action(name).map_or(3, hint_priority);
        // The form's bar names the raw pane's keys only while that pane has the keys.
        let raw_keys = app.focus == Pane::Raw || app.raw_maximized;
        let hints: Vec<_> = if context == Context::Form {
            hints
                .into_iter()
                .filter(|(_, name)| match action(name) {
                    Some(Action::Wrap | Action::Latest) => raw_keys,
                    Some(Action::Edit | Action::Clear | Action::Undo) => !raw_keys,
                    _ => true,
                })
                .collect()
        } else {
            hints
        };
        let mut order: Vec<usize> = (0..hints.len()).collect();
        order.sort_by_key(|&n| rank(hints[n].1));
        let mut used = 0usize;
        let mut kept = vec![false; hints.len()];
        for n in order {
            let (keys, name) = &hints[n];
            let width = keys.chars().count() + name.chars().count() + 3;
            if used + width <= area.width as usize {
                used += width;
                kept[n] = true;
            }
        }
        for ((keys, name), _) in hints.iter().zip(&kept).filter(|(_, k)| **k) {
            spans.push(Span::styled(format!(" {keys}"), app.theme.key));
            spans.push(Span::styled(format!(" {name} "), app.theme.muted));
        }
    }
    draw_paragraph(frame, vec![Line::from(spans)], area, Style::default(), None);
}
