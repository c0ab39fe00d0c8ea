//! Drawing: the header, the form, the response and raw panes, the hint bar, and the open
//! modals. Views only read the state; where things landed (for the mouse) is returned.

mod form;
mod panes;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Drawn, Layout};
use super::keymap::Context;

/// Below this width the raw pane shares no space with the form (press `r` for it).
pub const WIDE: u16 = 100;

pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let area = frame.area();
    let [header, body, footer] = Split::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, app, header);
    let mut layout = Layout::default();
    if app.raw_maximized {
        layout.raw = body;
    } else if body.width >= WIDE {
        let [left, right] =
            Split::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
        let [response, raw] =
            Split::vertical([Constraint::Length(8), Constraint::Min(3)]).areas(right);
        layout.form = left;
        layout.response = response;
        layout.raw = raw;
    } else {
        let [form, response] =
            Split::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(body);
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
    let mut text = format!(
        " rolo │ {} │ {} │ {host} │ {reference} │ {} unsaved",
        ws.profile.name,
        ws.profile.vendor,
        ws.unsaved()
    );
    let elsewhere = app.unsaved_total() - ws.unsaved();
    if elsewhere > 0 {
        text.push_str(&format!(" (+{elsewhere} in other profiles)"));
    }
    if let Some(progress) = ws.progress(&app.keymap) {
        text.push_str(&format!(" │ {progress}"));
    }
    frame.render_widget(Paragraph::new(text).style(app.theme.header), area);
}

fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let mut spans = Vec::new();
    if let Some(toast) = &app.toast {
        spans.push(Span::styled(format!(" {toast}"), app.theme.changed));
    } else {
        // Whole hints only: one that does not fit is left out rather than cut.
        let mut used = 0usize;
        // The top modal's keys, or the form's.
        let hints = match app.modals.top() {
            Some(modal) => modal.hints(&app.keymap),
            None => app.keymap.hints(Context::Form),
        };
        for (keys, name) in hints {
            let width = keys.chars().count() + name.chars().count() + 3;
            if used + width > area.width as usize {
                break;
            }
            used += width;
            spans.push(Span::styled(format!(" {keys}"), app.theme.key));
            spans.push(Span::styled(format!(" {name} "), app.theme.muted));
        }
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(Style::default()),
        area,
    );
}
