//! Entering and leaving the terminal, in one place. The terminal is restored on every exit
//! path: normal return, error, and panic (a hook restores it before the message prints).
//! Nothing here asks the terminal a question: a harness or pipe that never answers would hang.

use std::io::{self, Stdout, Write};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use crate::sanitize;

pub type Term = Terminal<SafeBackend>;

/// Restores the terminal when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
}

pub fn enter() -> io::Result<(Term, Guard)> {
    // Only a panic of the UI thread ends the UI; a task's panic must not restore the terminal
    // under a loop that keeps drawing.
    let ui_thread = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            restore();
        }
        previous(info);
    }));
    enable_raw_mode()?;
    let guard = Guard;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        Hide
    )?;
    let terminal = Terminal::new(SafeBackend(CrosstermBackend::new(io::stdout())))?;
    Ok((terminal, guard))
}

/// Puts text on the terminal's clipboard with OSC 52 (works over ssh, needs no helper).
pub fn copy_to_clipboard(text: &str) -> io::Result<()> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}

/// The terminal backend with the one sanitizing pass every cell goes through on its way out.
/// ratatui already drops control characters (C0, DEL, C1) from cells; what it lets through are
/// the zero-width direction controls (U+202A–U+202E, U+2066–U+2069), which would reorder what
/// the user reads. Vendor text reaches cells from many views; this is the one place they all
/// leave by.
pub struct SafeBackend(CrosstermBackend<Stdout>);

/// A cell's symbol with every character unsafe for a terminal removed (removed, not escaped:
/// a cell has room for one character, and these have no width).
fn safe_cell(cell: &Cell) -> Option<Cell> {
    if !cell.symbol().chars().any(sanitize::is_unsafe) {
        return None;
    }
    let kept: String = cell
        .symbol()
        .chars()
        .filter(|c| !sanitize::is_unsafe(*c))
        .collect();
    let mut safe = cell.clone();
    safe.set_symbol(if kept.is_empty() { " " } else { &kept });
    Some(safe)
}

impl Backend for SafeBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, std::borrow::Cow<'a, Cell>)> = content
            .map(|(x, y, cell)| {
                let cell = match safe_cell(cell) {
                    Some(safe) => std::borrow::Cow::Owned(safe),
                    None => std::borrow::Cow::Borrowed(cell),
                };
                (x, y, cell)
            })
            .collect();
        self.0
            .draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell.as_ref())))
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.0.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.0.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.0.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.0.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.0.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.0.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.0.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.0.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.0.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_controls_never_leave_in_a_cell() {
        let mut cell = Cell::default();
        cell.set_symbol("a\u{202e}\u{2066}");
        assert_eq!(
            safe_cell(&cell).map(|c| c.symbol().to_string()),
            Some("a".into())
        );
        cell.set_symbol("\u{202e}");
        assert_eq!(
            safe_cell(&cell).map(|c| c.symbol().to_string()),
            Some(" ".into())
        );
        cell.set_symbol("é");
        assert!(safe_cell(&cell).is_none());
    }
}
