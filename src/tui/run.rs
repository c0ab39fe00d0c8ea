//! The event loop: terminal events and task results arrive through one `select!`. Everything
//! already queued (results and input alike) is handled before a frame is drawn, so a burst of
//! keys or a paste costs one frame; and a frame is drawn only after something changed.

use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc::UnboundedReceiver;

use super::app::{App, Msg};
use super::terminal::{self, Term};
use super::views;

/// Applies one terminal event; `false` when it changed nothing worth a frame.
fn on_event(app: &mut App, event: Event) -> bool {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => app.on_key(key),
        Event::Mouse(mouse) if mouse.kind != MouseEventKind::Moved => app.on_mouse(mouse),
        Event::Paste(text) => app.on_paste(&text),
        Event::Resize(..) => {}
        _ => return false,
    }
    true
}

/// The real terminal: crossterm's events, drawn with ratatui, the clipboard through OSC 52.
pub async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    rx: &mut UnboundedReceiver<Msg>,
) -> std::io::Result<()> {
    // `poll` with a zero timeout only looks; the stream then reads the event without waiting.
    let ready = || crossterm::event::poll(Duration::ZERO);
    let draw = |app: &mut App| {
        // Before the frame that says "copied", so the clipboard holds it once that shows.
        if let Some(text) = app.clipboard.take() {
            terminal::copy_to_clipboard(&text)?;
        }
        // One synchronized update per frame: a terminal that knows the marker shows the frame
        // whole, never half drawn; others ignore it. (It also lets a test count frames.)
        crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let mut drawn = None;
        terminal.draw(|frame| drawn = Some(views::draw(frame, app)))?;
        crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
        if let Some(drawn) = drawn {
            app.drawn(drawn);
        }
        Ok(())
    };
    run_loop(app, rx, EventStream::new(), signals()?, ready, draw).await
}

/// The signals that end rolo from outside (a closed terminal, `kill`, Ctrl-C or Ctrl-\\ sent by
/// another program: in raw mode the keys themselves are keys), as their numbers.
#[cfg(unix)]
fn signals() -> std::io::Result<impl Stream<Item = i32> + Unpin> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut streams = Vec::new();
    for n in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT, libc::SIGQUIT] {
        let signal = signal(SignalKind::from_raw(n))?;
        streams.push(Box::pin(futures_util::stream::unfold(
            signal,
            move |mut s| async move { s.recv().await.map(|()| (n, s)) },
        )));
    }
    Ok(futures_util::stream::select_all(streams))
}

#[cfg(not(unix))]
fn signals() -> std::io::Result<impl Stream<Item = i32> + Unpin> {
    Ok(futures_util::stream::pending())
}

/// The loop itself, over any event source: `ready` says whether `events` has an event that
/// can be read without waiting; `draw` draws a frame.
async fn run_loop<E>(
    app: &mut App,
    rx: &mut UnboundedReceiver<Msg>,
    mut events: E,
    mut signals: impl Stream<Item = i32> + Unpin,
    mut ready: impl FnMut() -> std::io::Result<bool>,
    mut draw: impl FnMut(&mut App) -> std::io::Result<()>,
) -> std::io::Result<()>
where
    E: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut dirty = true;
    // Ticks only while a request is in flight, to show its progress; idle, nothing wakes up.
    let mut progress = tokio::time::interval(Duration::from_millis(250));
    // Ticks missed while idle are skipped, not replayed in a burst when the next request starts.
    progress.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        // Drain: task results first, then any input already there, until neither has more.
        loop {
            let mut handled = false;
            while let Ok(msg) = rx.try_recv() {
                app.on_msg(msg);
                dirty = true;
                handled = true;
            }
            if !app.quit && ready()? {
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
            draw(app)?;
            dirty = false;
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
            Some(n) = signals.next() => {
                // The open editor's text is already journaled (with every key); what is queued
                // is written before exit, and the terminal restored by the caller.
                app.journal(app.active);
                app.signal = Some(n);
                app.quit = true;
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::config::Config;
    use crate::spec::Catalog;
    use crate::tui::keymap::Keymap;
    use crate::tui::theme::Theme;

    #[tokio::test]
    async fn a_burst_of_keys_costs_one_frame() {
        let catalog = Catalog::built_in();
        let config = Config::built_in(&catalog);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let theme = Theme::monochrome();
        let mut app = App::new(config, catalog, theme, Keymap::default(), tx);
        // A paste: 40 keys already queued when the loop looks.
        let keys: Vec<std::io::Result<Event>> = (0..40)
            .map(|_| Ok(Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE))))
            .collect();
        let left = Rc::new(Cell::new(keys.len()));
        let counted = left.clone();
        let events = futures_util::stream::iter(keys).inspect(move |_| {
            counted.set(counted.get() - 1);
        });
        let frames = Cell::new(0);
        run_loop(
            &mut app,
            &mut rx,
            events,
            futures_util::stream::pending(),
            || Ok(left.get() > 0),
            |_| {
                frames.set(frames.get() + 1);
                Ok(())
            },
        )
        .await
        .unwrap();
        assert_eq!(left.get(), 0, "every key was handled");
        assert_eq!(frames.get(), 1);
    }

    #[tokio::test]
    async fn a_ten_kilobyte_paste_is_one_event_and_one_frame() {
        let catalog = Catalog::built_in();
        let config = Config::built_in(&catalog);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut app = App::new(config, catalog, Theme::monochrome(), Keymap::default(), tx);
        app.modals
            .push(Box::new(crate::tui::modals::OpenModal::new("1001/5001")));
        let text = "1001/5001 ".repeat(1024);
        let events = futures_util::stream::iter(vec![Ok(Event::Paste(text.clone()))]);
        let left = Cell::new(1);
        let frames = Cell::new(0);
        run_loop(
            &mut app,
            &mut rx,
            events.inspect(|_| left.set(0)),
            futures_util::stream::pending(),
            || Ok(left.get() > 0),
            |_| {
                frames.set(frames.get() + 1);
                Ok(())
            },
        )
        .await
        .unwrap();
        let open = app
            .modals
            .top_as::<crate::tui::modals::OpenModal>()
            .unwrap();
        assert_eq!(open.input.lines().join(""), text.trim());
        assert_eq!(frames.get(), 1);
    }
}
