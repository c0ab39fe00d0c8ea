//! The response pane (the outcome in words) and the raw pane (the exact exchange).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::{App, Banner, Pane};
use crate::tui::keymap::Action;

pub fn response(frame: &mut Frame, app: &App, area: Rect) {
    let ws = app.ws();
    let inner = super::draw_pane_box(frame, app, "Response", Pane::Response, area);
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
    super::draw_paragraph(
        frame,
        lines,
        inner,
        Style::default(),
        Some(Wrap { trim: false }),
    );
}

/// Only the visible lines are drawn, so a multi-megabyte body scrolls as fast as a small one.
pub fn raw(frame: &mut Frame, app: &App, area: Rect) {
    let ws = app.ws();
    let total = ws.raw.len();
    let wrap = app.keymap.label(Action::Wrap);
    let how = if app.raw_wrap {
        format!("wrapped ({wrap})")
    } else if ws.raw_column > 0 {
        format!("from column {}", ws.raw_column + 1)
    } else {
        format!("{wrap} wrap")
    };
    let name = format!(
        "Raw · {total} lines · {how} · {} latest · {}",
        app.keymap.label(Action::Latest),
        app.keymap.label(Action::Raw)
    );
    let inner = super::draw_pane_box(frame, app, &name, Pane::Raw, area);
    let start = ws.raw_scroll.min(total.saturating_sub(1));
    let (width, height) = (inner.width as usize, inner.height as usize);
    let mut lines: Vec<Line> = Vec::with_capacity(height);
    for l in ws.raw.lines_from(start) {
        if lines.len() >= height {
            break;
        }
        let style = if l.starts_with('>') || l.starts_with('<') {
            app.theme.muted
        } else {
            app.theme.text
        };
        if app.raw_wrap {
            for piece in wrapped(l, width) {
                if lines.len() < height {
                    lines.push(Line::styled(piece, style));
                }
            }
        } else {
            // Cut at the pane's width, from the column scrolled to: nothing past it can show.
            let cut: String = l.chars().skip(ws.raw_column).take(width).collect();
            lines.push(Line::styled(cut, style));
        }
    }
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new("No exchange yet.").style(app.theme.muted),
            inner,
        );
    } else {
        super::draw_lines(frame, &lines, inner);
    }
}

/// A line cut into pieces of `width` characters (at least one piece, even when empty).
pub fn wrapped(line: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    if chars.is_empty() || width == 0 {
        return vec![String::new()];
    }
    chars.chunks(width).map(|c| c.iter().collect()).collect()
}
