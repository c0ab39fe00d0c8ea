//! The editor's last gate before the terminal. ratatui drops control characters from the text
//! it lays out, but not the invisible direction marks (U+202A–U+202E, U+2066–U+2069): a span
//! joins them to the cell before, and a vendor's value, a spec's label or a page title could
//! then turn the rest of a row around on screen. Every cell that leaves for the terminal passes
//! here, so no view, modal or widget can forget it; what `sanitize::is_unsafe` names is dropped
//! from the cell (it takes no room on screen, so nothing moves).
//!
//! The cells are written by `ansi::write_cells` (crossterm's bytes without its formatting);
//! everything else is crossterm's backend.

use std::io::{self, Write};

use crossterm::style::Colored;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use super::ansi;

/// crossterm's backend over `W`, with the cells written and cleaned here.
pub struct SafeBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// Whether colours are written (not under NO_COLOR, as crossterm decides).
    colors: bool,
    /// A frame's bytes, gathered before they go to the writer in one piece: appending to a
    /// `Vec` costs a few instructions a cell, a writer's `write_all` a call each.
    frame: Vec<u8>,
}

impl<W: Write> SafeBackend<W> {
    pub fn new(writer: W) -> Self {
        Self {
            inner: CrosstermBackend::new(writer),
            colors: !Colored::ansi_color_disabled_memoized(),
            frame: Vec::new(),
        }
    }
}

impl<W: Write> Backend for SafeBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.frame.clear();
        ansi::write_cells(&mut self.frame, content, self.colors)?;
        self.inner.write_all(&self.frame)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// Commands rolo writes itself (the synchronized-update markers, OSC 52) go straight through.
impl<W: Write> Write for SafeBackend<W> {
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
    use crate::sanitize::is_unsafe;
    use crate::tui::ansi::tests::Shared;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;
    use ratatui::text::{Line, Span};
    use ratatui::{Terminal, TerminalOptions, Viewport};

    fn line() -> Line<'static> {
        Line::from(vec![
            Span::raw("moc\u{202e}.evil\u{2066} é"),
            Span::raw("e\u{301}東\u{85}x"),
        ])
    }

    /// Direction marks and controls joined to a cell by a span never reach the terminal; the
    /// rest of the text, wide and combining characters included, reaches it as it was.
    #[test]
    fn unsafe_characters_never_reach_the_terminal() {
        let viewport = Viewport::Fixed(Rect::new(0, 0, 24, 1));
        let out = Shared::default();
        let mut terminal =
            Terminal::with_options(SafeBackend::new(out.clone()), TerminalOptions { viewport })
                .unwrap();
        terminal
            .draw(|frame| frame.render_widget(line(), frame.area()))
            .unwrap();
        let written = out.text();
        // ESC is rolo's own (its sequences); nothing else unsafe is written.
        let vendor = |c: &char| is_unsafe(*c) && *c != '\u{1b}';
        assert!(!written.chars().any(|c| vendor(&c)), "{written:?}");
        // (The space between is the blank screen's already: not written.)
        assert!(written.contains("moc.evil"), "{written:?}");
        assert!(written.contains("ée\u{301}東"), "{written:?}");
        // Without the gate, the span puts the marks into cells.
        let mut bare = Terminal::new(TestBackend::new(24, 1)).unwrap();
        bare.draw(|frame| frame.render_widget(line(), frame.area()))
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
