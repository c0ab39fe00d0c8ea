//! Lines set straight into the buffer. The form and the raw pane redraw with every key, and
//! `Buffer::set_line` splits every span into graphemes and measures each one: a third of a
//! key's frame (issue 18). Spans of characters that are each one cell (printable ASCII, and
//! the narrow punctuation and shapes the editor draws with) are set character by character;
//! any other span goes through `set_stringn` as before. A property test holds the two to the
//! same cells.
//!
//! `draw_paragraph` does the same for what a `Paragraph` would draw when no line needs laying
//! out (each fits its row): the header, the footer, the response pane and the field's details
//! on every key. A line that must wrap, or be cut, goes to `Paragraph` itself.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Lines, one a row from the top of `area`, each cut at the area's width: what an unwrapped,
/// unscrolled `Paragraph` draws (styling only the cells a line fills, not the row's rest).
pub fn draw_lines(buffer: &mut Buffer, lines: &[Line], area: Rect) {
    for (line, y) in lines.iter().zip(area.y..area.bottom()) {
        set_line(buffer, area.x, y, line, area.width);
    }
}

/// What `Paragraph::new(lines).style(style)` draws in `area`, wrapped as `wrap` says (`None`:
/// not wrapped); lines that all fit their rows are set straight into the buffer.
pub fn draw_paragraph(
    buffer: &mut Buffer,
    lines: Vec<Line>,
    area: Rect,
    style: Style,
    wrap: Option<Wrap>,
) {
    let area = area.intersection(buffer.area);
    if area.is_empty() {
        return;
    }
    let trim = wrap.is_some_and(|w| w.trim);
    let fits = |line: &Line| {
        line.alignment.is_none()
            && width(line) <= usize::from(area.width)
            // Trimming drops a line's leading spaces; keeping them is Paragraph's business.
            && !(trim && starts_with_space(line))
    };
    if !lines.iter().all(fits) {
        let mut paragraph = Paragraph::new(lines).style(style);
        if let Some(wrap) = wrap {
            paragraph = paragraph.wrap(wrap);
        }
        paragraph.render(area, buffer);
        return;
    }
    // `Paragraph` styles its whole area first; the default style changes no cell.
    if style != Style::default() {
        buffer.set_style(area, style);
    }
    draw_lines(buffer, &lines, area);
}

fn starts_with_space(line: &Line) -> bool {
    // Control characters are dropped before the wrapping sees the text.
    let mut text = line.spans.iter().flat_map(|s| s.content.chars());
    text.find(|c| !c.is_control())
        .is_some_and(char::is_whitespace)
}

/// A line's width in cells, when no grapheme in it is wider than one cell (`Paragraph` and
/// `set_stringn` leave the cell a wide one hides differently: those lines go to `Paragraph`);
/// characters that are each one cell are counted, not measured.
fn width(line: &Line) -> usize {
    if line
        .spans
        .iter()
        .all(|s| s.content.chars().all(is_standalone_narrow))
    {
        return line.spans.iter().map(|s| s.content.chars().count()).sum();
    }
    let narrow = line
        .spans
        .iter()
        .all(|s| s.content.graphemes(true).all(|g| g.width() <= 1));
    if narrow { line.width() } else { usize::MAX }
}

/// `Buffer::set_line`, with spans of one-cell characters set without grapheme segmentation.
fn set_line(buffer: &mut Buffer, mut x: u16, y: u16, line: &Line, max_width: u16) {
    let mut remaining = max_width;
    for span in line {
        if remaining == 0 {
            break;
        }
        let style = line.style.patch(span.style);
        let text = span.content.as_ref();
        let end = if text.chars().all(is_standalone_narrow) {
            set_chars(buffer, x, y, text, remaining, style)
        } else {
            buffer
                .set_stringn(x, y, text, usize::from(remaining), style)
                .0
        };
        remaining = remaining.saturating_sub(end.saturating_sub(x));
        x = end;
    }
}

/// A character that is a grapheme of its own, one cell wide, whatever stands beside it (no
/// character of this set joins another): printable ASCII, and, when one cell wide, the Latin
/// letters and signs, punctuation, arrows, box drawing and shapes the editor draws with (`▶`,
/// `·`, `—`, `…`, `│`). Spans of these need no grapheme segmentation.
fn is_standalone_narrow(c: char) -> bool {
    match c {
        ' '..='~' => true,
        '\u{a1}'..='\u{ac}'
        | '\u{ae}'..='\u{17f}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205e}'
        | '\u{2190}'..='\u{21ff}'
        | '\u{2500}'..='\u{25ff}' => c.width() == Some(1),
        _ => false,
    }
}

/// Sets one cell per character from (x, y), at most `max_width` and not past the buffer's
/// right edge; the x after the last cell set. Every character is `is_standalone_narrow`.
fn set_chars(buffer: &mut Buffer, x: u16, y: u16, text: &str, max_width: u16, style: Style) -> u16 {
    let area = buffer.area;
    if y < area.top() || y >= area.bottom() || x < area.left() || x >= area.right() {
        return x;
    }
    let room = usize::from(area.right().saturating_sub(x).min(max_width));
    let start = buffer.index_of(x, y);
    let mut count = 0;
    for (cell, c) in buffer.content[start..start + room]
        .iter_mut()
        .zip(text.chars())
    {
        cell.set_char(c).set_style(style);
        count += 1;
    }
    // `count` is at most `room`, a u16.
    x + u16::try_from(count).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    fn style_of(pick: u8) -> Style {
        match pick % 4 {
            0 => Style::default(),
            1 => Style::default().fg(Color::Red),
            2 => Style::default()
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            _ => Style::default().add_modifier(Modifier::REVERSED),
        }
    }

    proptest! {
        /// The same cells as ratatui's `set_line`, for ASCII, wide, combining and control
        /// characters, at any offset and width, inside a buffer that does not start at 0.
        #[test]
        fn the_cells_are_those_set_line_sets(
            spans in proptest::collection::vec(("[ -~]{0,12}|[a-zé東\u{301}\t\u{1b}]{0,6}|[a▶·—…│─¡¿Āž←⇿◽◾\u{ad}\u{2028}\u{2060}\u{301}]{0,6}", any::<u8>()), 0..5),
            line_style in any::<u8>(),
            x in 2u16..16,
            width in 0u16..16,
        ) {
            let line = Line::from(
                spans
                    .iter()
                    .map(|(text, pick)| Span::styled(text.clone(), style_of(*pick)))
                    .collect::<Vec<_>>(),
            )
            .style(style_of(line_style));
            let area = Rect::new(2, 1, 12, 3);
            let mut ours = Buffer::empty(area);
            let mut theirs = Buffer::empty(area);
            set_line(&mut ours, x, 2, &line, width);
            theirs.set_line(x, 2, &line, width);
            prop_assert_eq!(ours, theirs);
        }

        /// The same cells as `Paragraph` (styled, wrapped with or without trimming, or not
        /// wrapped), for lines that fit and lines that do not, leading spaces, wide, combining
        /// and control characters, over a buffer that already holds other cells.
        #[test]
        fn a_paragraph_is_the_one_paragraph_draws(
            lines in proptest::collection::vec(
                (proptest::collection::vec(("[ -~]{0,9}|[ a-zé東\u{301}\t\u{1b}]{0,5}|[ ▶·—…│¡Ā←◽\u{2028}\u{301}]{0,5}", any::<u8>()), 0..3), any::<u8>(), any::<bool>()),
                0..5,
            ),
            style in any::<u8>(),
            wrap in 0u8..3,
            (x, y, width, height) in (0u16..6, 0u16..4, 0u16..16, 0u16..6),
        ) {
            let lines: Vec<Line> = lines
                .iter()
                .map(|(spans, pick, centred)| {
                    let line = Line::from(
                        spans
                            .iter()
                            .map(|(text, pick)| Span::styled(text.clone(), style_of(*pick)))
                            .collect::<Vec<_>>(),
                    )
                    .style(style_of(*pick));
                    if *centred && *pick % 3 == 0 { line.centered() } else { line }
                })
                .collect();
            let wrap = match wrap {
                0 => None,
                n => Some(Wrap { trim: n == 2 }),
            };
            let area = Rect::new(x, y, width, height);
            let mut ours = Buffer::filled(Rect::new(1, 1, 12, 5), ratatui::buffer::Cell::new("x"));
            ours.set_style(Rect::new(1, 1, 6, 5), style_of(2));
            let mut theirs = ours.clone();
            draw_paragraph(&mut ours, lines.clone(), area, style_of(style), wrap);
            let mut paragraph = Paragraph::new(lines).style(style_of(style));
            if let Some(wrap) = wrap {
                paragraph = paragraph.wrap(wrap);
            }
            paragraph.render(area, &mut theirs);
            prop_assert_eq!(ours, theirs);
        }
    }
}
