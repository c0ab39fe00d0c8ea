//! The yardstick for rolo's start-up benchmark (BENCHMARKS.md): the least a ratatui program
//! does to put text on screen — enter the alternate screen, draw one paragraph, wait for a key.

use std::io;

use crossterm::event::{self, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::widgets::Paragraph;

fn main() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.draw(|frame| frame.render_widget(Paragraph::new("John Doe"), frame.area()))?;
    loop {
        if let Event::Key(_) = event::read()? {
            break;
        }
    }
    disable_raw_mode()?;
    execute!(io::stdout(), LeaveAlternateScreen)
}
