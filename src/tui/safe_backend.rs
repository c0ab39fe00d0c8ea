//! The editor's last gate before the terminal. ratatui drops control characters from the text
//! it lays out, but not the invisible direction marks (U+202A–U+202E, U+2066–U+2069): a span
//! joins them to the cell before, and a vendor's value, a spec's label or a page title could
//! then turn the rest of a row around on screen. Every cell that leaves for the terminal passes
//! here, so no view, modal or widget can forget it; what `sanitize::is_unsafe` names is dropped
//! from the cell (it takes no room on screen, so nothing moves).

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use crate::sanitize::is_unsafe;

/// A backend that passes everything to `B`, cleaning the cells it draws.
pub struct SafeBackend<B> {
    inner: B,
}

impl<B> SafeBackend<B> {
    pub fn new(inner: B) -> Self {
        Self { inner }
    }
}

/// Whether a cell's symbol holds a character that must not reach the terminal. Nearly every
/// cell is one printable ASCII byte, which is answered without decoding.
fn is_unclean(cell: &Cell) -> bool {
    let symbol = cell.symbol();
    match symbol.as_bytes() {
        [byte] => !(b' '..=b'~').contains(byte),
        _ => symbol.chars().any(is_unsafe),
    }
}

/// The cell without its unsafe characters; a space where nothing is left.
fn cleaned(cell: &Cell) -> Cell {
    let kept: String = cell.symbol().chars().filter(|c| !is_unsafe(*c)).collect();
    let mut clean = cell.clone();
    clean.set_symbol(if kept.is_empty() { " " } else { &kept });
    clean
}

impl<B: Backend> Backend for SafeBackend<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        if !cells.iter().any(|(_, _, cell)| is_unclean(cell)) {
            return self.inner.draw(cells.into_iter());
        }
        let clean: Vec<(u16, u16, Cell)> = cells
            .into_iter()
            .map(|(x, y, cell)| (x, y, cleaned(cell)))
            .collect();
        self.inner
            .draw(clean.iter().map(|(x, y, cell)| (*x, *y, cell)))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Backend::flush(&mut self.inner)
    }
}

/// Commands rolo writes itself (the synchronized-update markers, OSC 52) go straight through.
impl<B: Write> Write for SafeBackend<B> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.inner.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::text::{Line, Span};

    /// Direction marks and controls joined to a cell by a span never reach the backend; the
    /// rest of the text, wide and combining characters included, reaches it as it was.
    #[test]
    fn unsafe_characters_never_reach_the_backend() {
        let mut terminal = Terminal::new(SafeBackend::new(TestBackend::new(24, 1))).unwrap();
        terminal
            .draw(|frame| {
                let line = Line::from(vec![
                    Span::raw("moc\u{202e}.evil\u{2066} é"),
                    Span::raw("e\u{301}東\u{85}x"),
                ]);
                frame.render_widget(line, frame.area());
            })
            .unwrap();
        let buffer = terminal.backend().inner.buffer();
        let drawn: String = buffer.content().iter().map(Cell::symbol).collect();
        assert!(!drawn.chars().any(is_unsafe), "{drawn:?}");
        assert!(drawn.starts_with("moc.evil é"), "{drawn:?}");
        assert!(drawn.contains("e\u{301}東"), "{drawn:?}");
        assert!(drawn.trim_end().ends_with('x'), "{drawn:?}");
        // Without the gate, the span would have put the mark into a cell.
        let mut bare = Terminal::new(TestBackend::new(24, 1)).unwrap();
        bare.draw(|frame| frame.render_widget(Line::from("moc\u{202e}.evil"), frame.area()))
            .unwrap();
        let symbols: String = bare
            .backend()
            .buffer()
            .content()
            .iter()
            .map(Cell::symbol)
            .collect();
        assert!(
            symbols.contains('\u{202e}'),
            "ratatui kept no mark: {symbols:?}"
        );
    }
}
