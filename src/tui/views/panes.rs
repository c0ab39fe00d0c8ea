//! The response pane (the outcome in words) and the raw pane (the exact exchange).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::tui::app::{App, Banner, Pane};

fn block<'a>(app: &App, title: String, pane: Pane) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(if app.focus == pane {
            app.theme.focus
        } else {
            app.theme.border
        })
}

pub fn response(frame: &mut Frame, app: &App, area: Rect) {
    let ws = app.ws();
    let b = block(app, " Response ".into(), Pane::Response);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(progress) = ws.progress(&app.keymap) {
        lines.push(Line::styled(format!("… {progress}"), app.theme.muted));
    }
    match &ws.banner {
        Some(Banner::Ok(text)) => lines.extend(
            text.lines()
                .map(|l| Line::styled(l.to_string(), app.theme.ok)),
        ),
        Some(Banner::Error(text)) => lines.extend(
            text.lines()
                .map(|l| Line::styled(l.to_string(), app.theme.error)),
        ),
        Some(Banner::Info(text)) => lines.extend(
            text.lines()
                .map(|l| Line::styled(l.to_string(), app.theme.text)),
        ),
        None if !ws.request.is_busy() => {
            lines.push(Line::styled("Nothing sent yet.", app.theme.muted))
        }
        None => {}
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// Only the visible lines are drawn, so a multi-megabyte body scrolls as fast as a small one.
pub fn raw(frame: &mut Frame, app: &App, area: Rect) {
    let ws = app.ws();
    let total = ws.raw.len();
    let title = format!(
        " Raw · {} lines · {} ",
        total,
        app.keymap.label(crate::tui::keymap::Action::Raw)
    );
    let b = block(app, title, Pane::Raw);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let start = ws.raw_scroll.min(total.saturating_sub(1));
    let lines: Vec<Line> = ws
        .raw
        .iter()
        .skip(start)
        .take(inner.height as usize)
        .map(|l| {
            // Long lines are cut at the pane's width: nothing past it can show.
            let cut: String = l.chars().take(inner.width as usize).collect();
            let style = if l.starts_with('>') || l.starts_with('<') {
                app.theme.muted
            } else {
                app.theme.text
            };
            Line::styled(cut, style)
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new("No exchange yet.").style(app.theme.muted),
            inner,
        );
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
