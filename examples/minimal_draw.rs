//! The yardstick for rolo's terminal benchmarks (BENCHMARKS.md): the least a ratatui program
//! does to put text on screen and answer a key — enter the alternate screen, draw a paragraph
//! (the first line "John Doe"), move a highlighted line on ↑/↓ with a frame each, and leave on
//! any other key.

use std::io;

use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

const ROWS: usize = 10;

fn main() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let mut selected = 0usize;
    loop {
        terminal.draw(|frame| {
            let lines: Vec<Line> = (0..ROWS)
                .map(|i| {
                    let text = if i == 0 {
                        "John Doe".to_string()
                    } else {
                        format!("line {i}")
                    };
                    let line = Line::from(text);
                    if i == selected {
                        line.style(Style::default().add_modifier(Modifier::REVERSED))
                    } else {
                        line
                    }
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), frame.area())
        })?;
        loop {
            match event::read()? {
                Event::Key(key) if key.kind == KeyEventKind::Press => {
                    match key.code {
                        KeyCode::Down => selected = (selected + 1) % ROWS,
                        KeyCode::Up => selected = (selected + ROWS - 1) % ROWS,
                        _ => {
                            disable_raw_mode()?;
                            return execute!(io::stdout(), LeaveAlternateScreen);
                        }
                    }
                    break;
                }
                _ => {}
            }
        }
    }
}
