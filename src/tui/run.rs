//! The event loop: terminal events and task results arrive through one `select!`; queued task
//! results are drained first, and a frame is drawn only after something changed.

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedReceiver;

use super::app::{App, Msg};
use super::terminal::{self, Term};
use super::views;

pub async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    mut rx: UnboundedReceiver<Msg>,
) -> std::io::Result<()> {
    let mut events = EventStream::new();
    let mut dirty = true;
    // Ticks only while a request is in flight, to show its progress; idle, nothing wakes up.
    let mut progress = tokio::time::interval(std::time::Duration::from_millis(250));
    // Ticks missed while idle are skipped, not replayed in a burst when the next request starts.
    progress.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        // A burst of results costs one frame.
        while let Ok(msg) = rx.try_recv() {
            app.on_msg(msg);
            dirty = true;
        }
        if app.quit {
            return Ok(());
        }
        if dirty {
            terminal.draw(|frame| views::draw(frame, app))?;
            dirty = false;
            if let Some(text) = app.clipboard.take() {
                terminal::copy_to_clipboard(&text)?;
            }
        }
        let busy = app.busy();
        tokio::select! {
            biased;
            msg = rx.recv() => {
                if let Some(msg) = msg {
                    app.on_msg(msg);
                    dirty = true;
                }
            }
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    app.on_key(key);
                    dirty = true;
                }
                Some(Ok(Event::Mouse(mouse))) if mouse.kind != MouseEventKind::Moved => {
                    app.on_mouse(mouse);
                    dirty = true;
                }
                Some(Ok(Event::Resize(..))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            _ = progress.tick(), if busy => dirty = true,
        }
    }
}
