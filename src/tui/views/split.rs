//! The editor's few splits of the screen, computed directly. `Layout` solves its constraints
//! with a linear solver the first time it meets a size (a twentieth of the first frame's
//! instructions, issue 18); these splits are simple enough to write down. A test holds each
//! one to the `Layout` it replaces for every size.

use ratatui::layout::Rect;

/// `rows` of `area` from its top: each `(y, height)` made into a full-width rectangle.
fn rows<const N: usize>(area: Rect, heights: [u16; N]) -> [Rect; N] {
    let mut y = area.y;
    heights.map(|height| {
        let row = Rect { y, height, ..area };
        y += height;
        row
    })
}

/// Header (1 row), body (at least 3 rows, first to get them) and footer (1 row): what
/// `Layout::vertical([Length(1), Min(3), Length(1)])` gives.
pub fn header_body_footer(area: Rect) -> [Rect; 3] {
    let h = area.height;
    let body = h.min(3).max(h.saturating_sub(2));
    let header = (h - body).min(1);
    rows(area, [header, body, h - body - header])
}

/// The form's 55% on the left and the side panes' 45% (rounded as `Layout` rounds):
/// `Layout::horizontal([Percentage(55), Percentage(45)])`.
pub fn form_and_side(area: Rect) -> [Rect; 2] {
    let w = u32::from(area.width);
    // At most `area.width`, so it fits a u16.
    let left = u16::try_from((w * 55 + 50) / 100).unwrap_or(area.width);
    [
        Rect {
            width: left,
            ..area
        },
        Rect {
            x: area.x + left,
            width: area.width - left,
            ..area
        },
    ]
}

/// The response pane (8 rows) over the raw pane (at least 3, first to get them):
/// `Layout::vertical([Length(8), Min(3)])`.
pub fn response_and_raw(area: Rect) -> [Rect; 2] {
    let h = area.height;
    let raw = h.min(3).max(h.saturating_sub(8));
    rows(area, [h - raw, raw])
}

/// The form (at least 5 rows, first to get them) over the response pane (6 rows), on a
/// narrow screen: `Layout::vertical([Min(5), Length(6)])`.
pub fn form_and_response(area: Rect) -> [Rect; 2] {
    let h = area.height;
    let form = h.min(5).max(h.saturating_sub(6));
    rows(area, [form, h - form])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::{Constraint, Layout};

    #[test]
    fn each_split_is_the_layout_it_replaces_at_every_size() {
        for h in 0..600u16 {
            let area = Rect::new(2, 3, 40, h);
            let header = Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(3),
                Constraint::Length(1),
            ]);
            assert_eq!(header_body_footer(area), header.areas(area), "height {h}");
            let side = Layout::vertical([Constraint::Length(8), Constraint::Min(3)]);
            assert_eq!(response_and_raw(area), side.areas(area), "height {h}");
            let narrow = Layout::vertical([Constraint::Min(5), Constraint::Length(6)]);
            assert_eq!(form_and_response(area), narrow.areas(area), "height {h}");
        }
        for w in 0..2000u16 {
            let area = Rect::new(1, 4, w, 30);
            let wide = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]);
            assert_eq!(form_and_side(area), wide.areas(area), "width {w}");
        }
    }
}
