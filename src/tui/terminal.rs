//! Entering and leaving the terminal, in one place. The terminal is restored on every exit
//! path: normal return, error, and panic (a hook restores it before the message prints).
//! Nothing here asks the terminal a question: a harness or pipe that never answers would hang.

use std::io::{self, BufWriter, Stdout, Write};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;

use super::safe_backend::SafeBackend;

/// Frames go through a buffer of their own: stdout's line buffer would write a full screen to the
/// terminal in a hundred 1 KiB pieces (a system call and a wake-up of the terminal each), and
/// lock stdout for every cell's command. ratatui flushes it at the end of each frame. Every cell
/// passes the `SafeBackend` gate on its way out.
pub type Term = Terminal<SafeBackend<BufWriter<Stdout>>>;

/// Room for a whole frame at common sizes, so that one frame is one write.
const FRAME_BUFFER: usize = 64 * 1024;

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
    let terminal = Terminal::new(SafeBackend::new(BufWriter::with_capacity(
        FRAME_BUFFER,
        io::stdout(),
    )))?;
    Ok((terminal, guard))
}

/// Gives the terminal back at the end: the cursor shown, then `guard` restores the rest. On a
/// terminal that is gone (its window closed) showing the cursor fails, and ratatui's own drop
/// would say so with `eprintln!` on the same closed terminal, which panics: that terminal is
/// then let go without its drop (nothing in it is left to write anywhere).
pub fn leave(mut terminal: Term, guard: Guard) {
    if let Err(e) = terminal.show_cursor() {
        tracing::info!("the terminal could not be given back: {e}");
        std::mem::forget(terminal);
    }
    drop(guard);
}

/// Hands the terminal to another program (the user's editor): undoes what `enter` set up, in
/// the reverse order (rolo sets no keyboard enhancement flags, so there are none to pop).
pub fn suspend() -> io::Result<()> {
    let mut out = io::stdout();
    execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    )?;
    disable_raw_mode()?;
    out.flush()
}

/// Takes the terminal back after `suspend`, as `enter` set it up, and forgets what was drawn so
/// the next frame is drawn whole (the screen was the other program's meanwhile). The size comes
/// from the system, not from a question to the terminal.
pub fn resume(terminal: &mut Term) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        Hide
    )?;
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}

/// Puts text on the terminal's clipboard with OSC 52 (works over ssh, needs no helper).
pub fn copy_to_clipboard(text: &str) -> io::Result<()> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}
