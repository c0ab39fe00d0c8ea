//! The event loop: terminal events and task results arrive through one `select!`. Everything
//! already queued (results and input alike) is handled before a frame is drawn, so a burst of
//! keys or a paste costs one frame; and a frame is drawn only after something changed.

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedReceiver;

use super::app::{App, Msg};
use super::terminal::{self, Term};
use super::views;

/// Applies one terminal event; `false` when it changed nothing worth a frame.
fn on_event(app: &mut App, event: Event) -> bool {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => app.on_key(key),
        Event::Mouse(mouse) if mouse.kind != MouseEventKind::Moved => app.on_mouse(mouse),
        Event::Resize(..) => {}
        _ => return false,
    }
    true
}

pub async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    rx: &mut UnboundedReceiver<Msg>,
) -> std::io::Result<()> {
    let mut events = EventStream::new();
    let mut dirty = true;
    // Ticks only while a request is in flight, to show its progress; idle, nothing wakes up.
    let mut progress = tokio::time::interval(Duration::from_millis(250));
    // Ticks missed while idle are skipped, not replayed in a burst when the next request starts.
    progress.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        // Drain: task results first, then any input the terminal already has, until neither
        // has anything left. (`poll` with a zero timeout only looks; the stream then reads the
        // event without waiting.)
        loop {
            let mut handled = false;
            while let Ok(msg) = rx.try_recv() {
                app.on_msg(msg);
                dirty = true;
                handled = true;
            }
            if !app.quit && crossterm::event::poll(Duration::ZERO)? {
                match events.next().await {
                    Some(Ok(event)) => dirty |= on_event(app, event),
                    Some(Err(e)) => return Err(e),
                    None => return Ok(()),
                }
                handled = true;
            }
            if !handled || app.quit {
                break;
            }
        }
        if app.quit {
            return Ok(());
        }
        if dirty {
            let mut drawn = None;
            terminal.draw(|frame| drawn = Some(views::draw(frame, app)))?;
            if let Some(drawn) = drawn {
                app.drawn(drawn);
            }
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
                Some(Ok(event)) => dirty |= on_event(app, event),
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            _ = progress.tick(), if busy => dirty = true,
        }
    }
}
