//! Drawing the open-contact list: the field, "N of M" with the loading marks, the rows (the
//! matched characters highlighted, `▶` on the highlighted one), a note, the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;

use super::OpenModal;
use super::rows::GAP;
use crate::tui::app::App;
use crate::tui::modals::fuzzy::highlighted;
use crate::tui::modals::{choice_line, hint_rows, popup};

const WIDTH: u16 = 78;
const HEIGHT: u16 = 22;
/// Rows of the box that are not the list: borders, label, field, count, note, two of keys.
const AROUND_LIST: u16 = 8;
/// The reference column is at most this wide (a longer reference pushes its row's text on).
const MAX_REFERENCE: usize = 38;

/// How many rows a page-up/down moves: the list's height as last drawn.
pub fn page_rows(app: &App) -> usize {
    app.layout
        .popup
        .map_or(10, |r| r.height.saturating_sub(AROUND_LIST).max(1) as usize)
}

/// "12 of 150 · loading… · searching…": what is shown of what is loaded, and what is awaited.
pub fn count_line(open: &OpenModal) -> String {
    let mut text = format!("{} of {}", open.rows.shown(), open.rows.len());
    if open.loading_page() {
        text.push_str(" · loading…");
    }
    if open.searching() {
        text.push_str(" · searching…");
    }
    if open.more_found() {
        text.push_str(" · the vendor has more (at the end, ↓ loads them)");
    }
    text
}

/// One row: the reference in its column, then the rest, matched characters highlighted.
fn row_line(
    (text, reference, indices): (&str, &str, &[u32]),
    column: usize,
    chosen: bool,
    app: &App,
) -> Line<'static> {
    let (base, mark): (Style, &'static str) = if chosen {
        (app.theme.selected, "▶ ")
    } else {
        (app.theme.text, "  ")
    };
    let matched = app.theme.matched;
    let split = reference.graphemes(true).count() as u32;
    let gap = GAP.graphemes(true).count() as u32;
    let (head, tail): (Vec<u32>, Vec<u32>) = indices.iter().partition(|&&i| i < split);
    let tail: Vec<u32> = tail
        .into_iter()
        .filter_map(|i| i.checked_sub(split + gap))
        .collect();
    let rest = text.get(reference.len() + GAP.len()..).unwrap_or("");
    let mut spans = vec![Span::styled(mark, base)];
    spans.extend(highlighted(reference, &head, base, matched));
    let pad = column.saturating_sub(reference.chars().count()) + GAP.len();
    spans.push(Span::styled(" ".repeat(pad), base));
    spans.extend(highlighted(rest, &tail, base, matched));
    Line::from(spans)
}

pub fn draw(open: &OpenModal, frame: &mut Frame, app: &App) -> Rect {
    let (rect, inner) = popup(frame, app, "Open contact", WIDTH, HEIGHT);
    let key_rows = hint_rows(app, open, inner.width);
    let [label, field, count, list, notes, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(key_rows.len() as u16),
    ])
    .areas(inner);
    let template = app
        .ws()
        .session
        .as_ref()
        .map(|s| s.spec.reference.to_string())
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(format!("Reference ({template}), name or e-mail:")),
        label,
    );
    frame.render_widget(&open.input, field);
    frame.render_widget(
        Paragraph::new(Line::styled(count_line(open), app.theme.muted)),
        count,
    );
    // A reference typed in full that no loaded row is: offered first, as typed.
    let list = match &open.as_typed {
        Some(typed) if list.height > 1 => {
            let [offer, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(list);
            let text = format!("{typed}{GAP}open as typed (no loaded contact is this one)");
            frame.render_widget(Paragraph::new(choice_line(app, text, open.on_typed)), offer);
            rest
        }
        _ => list,
    };
    let height = list.height as usize;
    let selected = open.rows.selected().filter(|_| !open.on_typed);
    let start = selected
        .unwrap_or(0)
        .saturating_sub(height.saturating_sub(1));
    // One column for every row loaded, so that it does not shift while scrolling.
    let column = open.rows.reference_width().min(MAX_REFERENCE);
    let lines: Vec<Line> = open
        .rows
        .hits()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(n, (row, text, indices))| {
            row_line(
                (text, &row.reference, indices),
                column,
                Some(n) == selected,
                app,
            )
        })
        .collect();
    if lines.is_empty() && !open.rows.is_empty() && open.as_typed.is_none() {
        let none = format!(
            "no contact loaded matches “{}”{}; Enter opens it as a reference",
            open.query(),
            if open.searching() { " (yet)" } else { "" }
        );
        frame.render_widget(Paragraph::new(none).style(app.theme.muted), list);
    } else {
        frame.render_widget(Paragraph::new(lines), list);
    }
    if let Some(note) = &open.note {
        frame.render_widget(
            Paragraph::new(Line::styled(note.clone(), app.theme.muted)),
            notes,
        );
    }
    // Every key shows: the hints take more rows when the box is narrow.
    frame.render_widget(Paragraph::new(key_rows), keys);
    rect
}
