//! A pane's box: plain borders all round and a title on the top border. `Block` would do the
//! same, but it first restyles every cell of its area (with an empty style) before it draws a
//! border: for the three panes, every cell of the screen once more on every key (issue 18).
//! Only the border cells and the title are touched here; a property test holds the result to
//! what `Block` draws.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::line;

/// Draws the box around `area` (clipped to the buffer) and returns the area inside it.
pub fn draw_box(buffer: &mut Buffer, area: Rect, title: &str, border: Style) -> Rect {
    let inside = inner(area);
    let area = area.intersection(buffer.area);
    if area.is_empty() {
        return inside;
    }
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    // The sides stop short of the corners, which are drawn last (as `Block` does).
    let (top_inset, bottom_inset) = (top.saturating_add(1), bottom.saturating_sub(1));
    let (left_inset, right_inset) = (left.saturating_add(1), right.saturating_sub(1));
    let mut set = |x: u16, y: u16, symbol: &str| {
        buffer[(x, y)].set_symbol(symbol).set_style(border);
    };
    for y in top_inset..=bottom_inset {
        set(left, y, line::VERTICAL);
    }
    for x in left_inset..=right_inset {
        set(x, top, line::HORIZONTAL);
    }
    for y in top_inset..=bottom_inset {
        set(right, y, line::VERTICAL);
    }
    for x in left_inset..=right_inset {
        set(x, bottom, line::HORIZONTAL);
    }
    set(right, bottom, line::BOTTOM_RIGHT);
    set(right, top, line::TOP_RIGHT);
    set(left, bottom, line::BOTTOM_LEFT);
    set(left, top, line::TOP_LEFT);
    // The title sits between the corners, in the border's style, cut where the room ends;
    // `set_stringn` drops control characters as `Block` does. One case differs: a combining
    // mark at the title's very start, which `Block` joins to the border cell before it, is
    // dropped here. Pane titles begin with a space (`pane_title`), so it cannot arise.
    let room = area.width.saturating_sub(2);
    if room > 0 {
        buffer.set_stringn(left + 1, top, title, usize::from(room), Style::default());
    }
    inside
}

/// The area inside the borders (what `Block::inner` gives for all borders).
fn inner(area: Rect) -> Rect {
    let x = area.x.saturating_add(1).min(area.right());
    let y = area.y.saturating_add(1).min(area.bottom());
    Rect {
        x,
        y,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::widgets::{Block, Borders, Widget};

    proptest! {
        /// The same cells and the same inner area as a `Block` with all borders, a title and
        /// a border style, for any area (tiny, partly or wholly outside the buffer) and any
        /// title that begins with a space as pane titles do (wide and combining characters,
        /// control characters, longer than the box).
        #[test]
        fn the_box_is_the_one_block_draws(
            x in 0u16..14,
            y in 0u16..7,
            width in 0u16..16,
            height in 0u16..8,
            title in " ([ -~\t\u{1b}]{0,14}|[a-zé東▶·\u{301}]{0,8})",
            bold in any::<bool>(),
        ) {
            let border = if bold {
                Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(Color::DarkGray)
            };
            let area = Rect::new(x, y, width, height);
            let background = Style::default().bg(Color::Blue);
            let mut ours = Buffer::filled(Rect::new(1, 1, 12, 6), ratatui::buffer::Cell::new("x"));
            ours.set_style(ours.area, background);
            let mut theirs = ours.clone();
            let block = Block::default().borders(Borders::ALL).title(title.clone()).border_style(border);
            prop_assert_eq!(draw_box(&mut ours, area, &title, border), block.inner(area));
            block.render(area, &mut theirs);
            prop_assert_eq!(ours, theirs);
        }
    }
}
