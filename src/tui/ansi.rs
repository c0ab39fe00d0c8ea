//! A frame's changed cells as the bytes a terminal reads: the same bytes ratatui's
//! `CrosstermBackend` writes (a property test holds them equal), without crossterm's commands,
//! which format every move, colour and attribute through `fmt` (a quarter of the first frame's
//! instructions, issue 18). Each cell's symbol is cleaned on its way (see `safe_backend`).

use std::io::{self, Write};

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

use crate::sanitize::is_unsafe;

/// What the terminal was last told, so that only changes are written.
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
    /// Where the last cell went (the cursor stands right after it).
    last: Option<(u16, u16)>,
}

/// Writes `cells` (position and cell, in drawing order), then resets colours and attributes.
/// `colors` false (NO_COLOR) writes colour changes without their parameters, as crossterm does.
pub fn write_cells<'a, W: Write>(
    out: &mut W,
    cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
    colors: bool,
) -> io::Result<()> {
    let mut pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
        last: None,
    };
    for (x, y, cell) in cells {
        let follows = matches!(pen.last, Some((lx, ly)) if ly == y && lx.checked_add(1) == Some(x));
        if !follows {
            out.write_all(b"\x1b[")?;
            decimal(out, u32::from(y) + 1)?;
            out.write_all(b";")?;
            decimal(out, u32::from(x) + 1)?;
            out.write_all(b"H")?;
        }
        pen.last = Some((x, y));
        if cell.modifier != pen.modifier {
            modifiers(out, pen.modifier, cell.modifier)?;
            pen.modifier = cell.modifier;
        }
        if cell.fg != pen.fg || cell.bg != pen.bg {
            out.write_all(b"\x1b[")?;
            color(out, colors, b"38;", b"39", cell.fg)?;
            out.write_all(b";")?;
            color(out, colors, b"48;", b"49", cell.bg)?;
            out.write_all(b"m")?;
            (pen.fg, pen.bg) = (cell.fg, cell.bg);
        }
        if cell.underline_color != pen.underline {
            out.write_all(b"\x1b[")?;
            color(out, colors, b"58;", b"59", cell.underline_color)?;
            out.write_all(b"m")?;
            pen.underline = cell.underline_color;
        }
        symbol(out, cell.symbol())?;
    }
    if colors {
        out.write_all(b"\x1b[39m\x1b[49m\x1b[59m\x1b[0m")
    } else {
        out.write_all(b"\x1b[m\x1b[m\x1b[m\x1b[0m")
    }
}

/// A cell's symbol without what must not reach the terminal (it takes no room: nothing
/// moves); a space if nothing is left. Nearly every symbol is one printable ASCII byte.
fn symbol<W: Write>(out: &mut W, symbol: &str) -> io::Result<()> {
    match symbol.as_bytes() {
        [byte] if (b' '..=b'~').contains(byte) => out.write_all(symbol.as_bytes()),
        _ if !symbol.chars().any(is_unsafe) => out.write_all(symbol.as_bytes()),
        _ => {
            let kept: String = symbol.chars().filter(|c| !is_unsafe(*c)).collect();
            out.write_all(if kept.is_empty() {
                b" "
            } else {
                kept.as_bytes()
            })
        }
    }
}

fn decimal<W: Write>(out: &mut W, mut n: u32) -> io::Result<()> {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    loop {
        start -= 1;
        // A digit: n % 10 is below 10.
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&digits[start..])
}

/// One colour parameter: `reset` for the terminal's default, else `prefix` and the colour as
/// crossterm numbers it (the sixteen named colours by their 256-colour index).
fn color<W: Write>(
    out: &mut W,
    colors: bool,
    prefix: &[u8],
    reset: &[u8],
    color: Color,
) -> io::Result<()> {
    if !colors {
        return Ok(());
    }
    let index = match color {
        Color::Reset => return out.write_all(reset),
        Color::Rgb(r, g, b) => {
            out.write_all(prefix)?;
            out.write_all(b"2;")?;
            for (i, part) in [r, g, b].into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b";")?;
                }
                decimal(out, u32::from(part))?;
            }
            return Ok(());
        }
        Color::Indexed(n) => n,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
    };
    out.write_all(prefix)?;
    out.write_all(b"5;")?;
    decimal(out, u32::from(index))
}

fn sgr<W: Write>(out: &mut W, code: &[u8]) -> io::Result<()> {
    out.write_all(b"\x1b[")?;
    out.write_all(code)?;
    out.write_all(b"m")
}

/// The attribute changes from `from` to `to`, in crossterm's order: what is removed first
/// (bold and dim share one reset, after which the one that stays is set again), then what
/// is added.
fn modifiers<W: Write>(out: &mut W, from: Modifier, to: Modifier) -> io::Result<()> {
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        sgr(out, b"27")?;
    }
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        sgr(out, b"22")?;
        if to.contains(Modifier::DIM) {
            sgr(out, b"2")?;
        }
        if to.contains(Modifier::BOLD) {
            sgr(out, b"1")?;
        }
    }
    for (modifier, code) in [
        (Modifier::ITALIC, b"23"),
        (Modifier::UNDERLINED, b"24"),
        (Modifier::CROSSED_OUT, b"29"),
        (Modifier::HIDDEN, b"28"),
    ] {
        if removed.contains(modifier) {
            sgr(out, code)?;
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        sgr(out, b"25")?;
    }
    let added = to - from;
    for (modifier, code, unless_reset) in [
        (Modifier::REVERSED, &b"7"[..], false),
        (Modifier::BOLD, b"1", true),
        (Modifier::ITALIC, b"3", false),
        (Modifier::UNDERLINED, b"4", false),
        (Modifier::DIM, b"2", true),
        (Modifier::CROSSED_OUT, b"9", false),
        (Modifier::HIDDEN, b"8", false),
        (Modifier::SLOW_BLINK, b"5", false),
        (Modifier::RAPID_BLINK, b"6", false),
    ] {
        if added.contains(modifier) && !(unless_reset && reset_intensity) {
            sgr(out, code)?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::backend::{Backend, CrosstermBackend};
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A writer whose bytes can be read while a backend owns it.
    #[derive(Clone, Default)]
    pub struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Shared {
        pub fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.borrow()).into_owned()
        }
    }

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn color_of(pick: u16) -> Color {
        match pick % 22 {
            0..=15 => [
                Color::Reset,
                Color::Black,
                Color::Red,
                Color::Green,
                Color::Yellow,
                Color::Blue,
                Color::Magenta,
                Color::Cyan,
                Color::Gray,
                Color::DarkGray,
                Color::LightRed,
                Color::LightGreen,
                Color::LightYellow,
                Color::LightBlue,
                Color::LightMagenta,
                Color::LightCyan,
            ][usize::from(pick % 22)],
            16 => Color::White,
            17..=19 => Color::Indexed((pick >> 5) as u8),
            _ => Color::Rgb((pick >> 3) as u8, (pick >> 7) as u8, (pick >> 9) as u8),
        }
    }

    fn cell_of(symbol: &str, fg: u16, bg: u16, underline: u16, modifier: u16) -> Cell {
        let mut cell = Cell::default();
        cell.set_symbol(symbol);
        cell.fg = color_of(fg);
        cell.bg = color_of(bg);
        cell.underline_color = color_of(underline);
        cell.modifier = Modifier::from_bits_truncate(modifier);
        cell
    }

    proptest! {
        /// The bytes `CrosstermBackend::draw` writes, for runs of cells that follow each other
        /// or jump, with every colour kind, attribute change and symbol (wide, combining).
        #[test]
        fn the_bytes_are_crossterms(
            cells in proptest::collection::vec(
                (0u16..3, 0u16..300, "[ -~]|é|東|e\u{301}|·", any::<u16>(), any::<u16>(), any::<u16>(), any::<u16>()),
                0..40,
            ),
        ) {
            let mut position = (0u16, 0u16);
            let cells: Vec<(u16, u16, Cell)> = cells
                .iter()
                .map(|(step, row, symbol, fg, bg, underline, modifier)| {
                    // Mostly the next cell, sometimes a jump to another place.
                    position = match step {
                        0 => (*row % 200, *row / 7),
                        _ => (position.0.saturating_add(1), position.1),
                    };
                    (position.0, position.1, cell_of(symbol, *fg, *bg, *underline, *modifier))
                })
                .collect();
            // As the editor does: NO_COLOR, if this process has it, is heeded by both.
            let colors = !crossterm::style::Colored::ansi_color_disabled_memoized();
            let mut ours = Vec::new();
            write_cells(&mut ours, cells.iter().map(|(x, y, c)| (*x, *y, c)), colors).unwrap();
            let theirs = Shared::default();
            let mut crossterm = CrosstermBackend::new(theirs.clone());
            crossterm.draw(cells.iter().map(|(x, y, c)| (*x, *y, c))).unwrap();
            prop_assert_eq!(String::from_utf8_lossy(&ours), theirs.text());
        }
    }

    #[test]
    fn unsafe_characters_are_dropped_from_symbols() {
        let cells = [
            cell_of("a\u{202e}", 0, 0, 0, 0),
            cell_of("\u{2066}", 0, 0, 0, 0),
        ];
        let mut out = Vec::new();
        write_cells(
            &mut out,
            cells.iter().enumerate().map(|(x, c)| (x as u16, 0, c)),
            true,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with("Ha \x1b[39m\x1b[49m\x1b[59m\x1b[0m"),
            "{text:?}"
        );
        assert!(
            !text.chars().any(|c| is_unsafe(c) && c != '\u{1b}'),
            "{text:?}"
        );
    }
}
