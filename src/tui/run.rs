//! The event loop: terminal events and task results arrive through one `select!`. Everything
//! already queued (results and input alike) is handled before a frame is drawn, so a burst of
//! keys or a paste costs one frame; and a frame is drawn only after something changed.

use std::time::Duration;

use crossterm::event::{Event, KeyEventKind, MouseEventKind};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc::UnboundedReceiver;

use super::app::{App, Launch, Msg};
use super::external;
use super::terminal::{self, Term};
use super::views;

/// How long the first frame waits for a read already in flight (the contact asked for on the
/// command line): a loading frame that the contact replaces a few milliseconds later is a full
/// screen drawn for nothing, and it delays the contact's own frame. A slower answer shows the
/// loading frame after this wait, as before.
const FIRST_FRAME_WAIT: Duration = Duration::from_millis(16);

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

/// Draws one frame on the real terminal, the clipboard (OSC 52) first.
fn draw(terminal: &mut Term, app: &mut App) -> std::io::Result<()> {
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
}

/// The real terminal: crossterm's events, drawn with ratatui, the clipboard through OSC 52, and
/// the user's own editor run with the terminal handed over.
pub async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    rx: &mut UnboundedReceiver<Msg>,
) -> std::io::Result<()> {
    let mut signals = signals()?;
    let mut first_frame_wait = Some(FIRST_FRAME_WAIT);
    loop {
        // A fresh stream each time: the one before is dropped while the editor has the terminal.
        let events = terminal_events()?;
        // Only looks (a zero timeout); the stream then reads the event without waiting.
        let ready = ready_check(&events)?;
        let wait = first_frame_wait.take();
        let ended = match run_loop(
            app,
            rx,
            events,
            &mut signals,
            ready,
            wait,
            |app: &mut App| draw(terminal, app),
        )
        .await
        {
            Ok(ended) => ended,
            // A frame written as the window closes fails before the hang-up shows as such.
            Err(e) if terminal_gone(&e) => hung_up(app),
            Err(e) => return Err(e),
        };
        match ended {
            Ended::Quit => return Ok(()),
            Ended::Editor(launch) => {
                let (run, signal) = match external::run(terminal, launch, &mut signals).await {
                    Ok(done) => done,
                    // The window closed while the editor had the terminal: taking it back
                    // fails, and rolo ends as on a hangup (the editor's file stays named in
                    // the draft, as on a signal).
                    Err(e) if terminal_gone(&e) => {
                        hung_up(app);
                        return Ok(());
                    }
                    Err(e) => return Err(e),
                };
                if let Some(n) = signal {
                    // The editor's file and the draft naming it stay for the next start.
                    app.journal(app.active);
                    app.signal = Some(n);
                    app.quit = true;
                    return Ok(());
                }
                app.editor_ended(run);
            }
        }
    }
}

/// The terminal's events, read on this thread (see `tty_events`).
#[cfg(unix)]
fn terminal_events() -> std::io::Result<super::tty_events::TtyEvents> {
    super::tty_events::TtyEvents::new()
}

#[cfg(not(unix))]
fn terminal_events() -> std::io::Result<crossterm::event::EventStream> {
    Ok(crossterm::event::EventStream::new())
}

/// Whether `events` has an event to read without waiting.
#[cfg(unix)]
fn ready_check(
    events: &super::tty_events::TtyEvents,
) -> std::io::Result<impl FnMut() -> std::io::Result<bool> + use<>> {
    let probe = events.probe()?;
    Ok(move || probe.ready())
}

#[cfg(not(unix))]
fn ready_check(
    _: &crossterm::event::EventStream,
) -> std::io::Result<impl FnMut() -> std::io::Result<bool> + use<>> {
    Ok(|| crossterm::event::poll(Duration::ZERO))
}

/// The terminal's events ended: its window is gone. rolo ends as on SIGHUP (which a closed
/// window does not always send to rolo itself): the open editor's text journaled, what is
/// queued written, exit 128+1.
fn hung_up(app: &mut App) -> Ended {
    tracing::info!("the terminal hung up");
    app.journal(app.active);
    #[cfg(unix)]
    {
        app.signal = Some(libc::SIGHUP);
    }
    app.quit = true;
    Ended::Quit
}

/// Whether an error from the terminal says it is gone (`hangup::is_gone`).
fn terminal_gone(error: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        super::hangup::is_gone(error)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// Why the loop returned.
enum Ended {
    Quit,
    /// The user's own editor is to run (the terminal's events are not read meanwhile).
    Editor(Launch),
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
/// can be read without waiting; `draw` draws a frame; `first_frame_wait`, how long the first
/// frame may wait for a request in flight to answer. It returns to quit, or to run the user's
/// editor (dropping `events`, so nothing reads the terminal while the editor has it).
async fn run_loop<E>(
    app: &mut App,
    rx: &mut UnboundedReceiver<Msg>,
    mut events: E,
    mut signals: impl Stream<Item = i32> + Unpin,
    mut ready: impl FnMut() -> std::io::Result<bool>,
    first_frame_wait: Option<Duration>,
    mut draw: impl FnMut(&mut App) -> std::io::Result<()>,
) -> std::io::Result<Ended>
where
    E: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut dirty = true;
    // Until the first frame is drawn: the moment it is drawn even if the request is still busy.
    let mut first_frame_by = first_frame_wait.map(|wait| tokio::time::Instant::now() + wait);
    // Ticks only while a request is in flight, to show its progress; idle, nothing wakes up.
    // Its first tick is a period away: an interval's first tick is at once, which would redraw
    // the frame just drawn.
    let period = Duration::from_millis(250);
    let mut progress = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
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
            // Keys typed after one that starts the editor are left for after it.
            if !app.quit && !app.launch_due() && ready()? {
                match events.next().await {
                    Some(Ok(event)) => dirty |= on_event(app, event),
                    Some(Err(e)) => return Err(e),
                    None => return Ok(hung_up(app)),
                }
                handled = true;
            }
            if !handled || app.quit || app.launch_due() {
                break;
            }
        }
        if app.quit {
            return Ok(Ended::Quit);
        }
        if let Some(launch) = app.take_launch() {
            return Ok(Ended::Editor(launch));
        }
        let holding = dirty
            && app.busy()
            && first_frame_by.is_some_and(|by| tokio::time::Instant::now() < by);
        if dirty && !holding {
            draw(app)?;
            dirty = false;
            first_frame_by = None;
        }
        let busy = app.busy();
        let hold_ends = first_frame_by.unwrap_or_else(tokio::time::Instant::now);
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
                None => return Ok(hung_up(app)),
            },
            _ = progress.tick(), if busy && !holding => dirty = true,
            () = tokio::time::sleep_until(hold_ends), if holding => {}
            Some(n) = signals.next() => {
                // The open editor's text is already journaled (with every key); what is queued
                // is written before exit, and the terminal restored by the caller.
                app.journal(app.active);
                app.signal = Some(n);
                app.quit = true;
                return Ok(Ended::Quit);
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

    /// An app on the built-in profiles with nothing in flight, and its message queue.
    fn idle_app() -> (App, UnboundedReceiver<Msg>) {
        let catalog = Catalog::built_in();
        let config = Config::built_in(&catalog);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let app = App::new(config, catalog, Theme::monochrome(), Keymap::default(), tx);
        (app, rx)
    }

    /// An app whose active workspace is opening its profile (a request in flight).
    fn busy_app() -> (
        App,
        UnboundedReceiver<Msg>,
        tokio::sync::mpsc::UnboundedSender<Msg>,
    ) {
        let catalog = Catalog::built_in();
        let config = Config::built_in(&catalog);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut app = App::new(
            config,
            catalog,
            Theme::monochrome(),
            Keymap::default(),
            tx.clone(),
        );
        let task = tokio::spawn(std::future::pending::<()>()).abort_handle();
        app.workspaces[app.active].request =
            crate::tui::app::RequestState::OpeningProfile(crate::tui::app::InFlight::new(task));
        (app, rx, tx)
    }

    #[tokio::test]
    async fn the_first_frame_waits_for_an_answer_on_its_way() {
        let (mut app, mut rx, tx) = busy_app();
        assert!(app.busy());
        let ws = app.active;
        // The answer comes once the loop waits (a task that runs after the loop's first look).
        let wake = tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let error = crate::tui::TuiError::OpenTask("gone".into());
            let _ = tx.send(Msg::ProfileOpened {
                ws,
                result: Err(error),
            });
        });
        let mut frames = Vec::new();
        run_loop(
            &mut app,
            &mut rx,
            futures_util::stream::pending(),
            futures_util::stream::pending(),
            || Ok(false),
            // Long enough that only the answer can end the wait on a loaded machine.
            Some(Duration::from_secs(60)),
            |app: &mut App| {
                frames.push(app.busy());
                app.quit = true;
                // The loop looks at `quit` once something wakes it: a message it ignores.
                let lines = std::sync::Arc::default();
                let _ = wake.send(Msg::Raw {
                    ws,
                    generation: u64::MAX,
                    lines,
                });
                Ok(())
            },
        )
        .await
        .unwrap();
        assert_eq!(frames, [false], "one frame, drawn with the answer");
    }

    #[tokio::test]
    async fn the_first_frame_is_drawn_after_the_wait_when_no_answer_comes() {
        let (mut app, mut rx, _tx) = busy_app();
        let mut frames = Vec::new();
        run_loop(
            &mut app,
            &mut rx,
            futures_util::stream::pending(),
            futures_util::stream::pending(),
            || Ok(false),
            Some(Duration::from_millis(20)),
            |app: &mut App| {
                frames.push(app.busy());
                app.quit = true;
                Ok(())
            },
        )
        .await
        .unwrap();
        assert_eq!(frames, [true], "the loading frame, once the wait is over");
    }

    /// Events that end (a terminal whose window closed) end rolo as SIGHUP does, after a frame:
    /// never a loop that looks for input again and again.
    #[cfg(unix)]
    #[tokio::test]
    async fn events_that_end_end_rolo_as_a_hangup() {
        let (mut app, mut rx) = idle_app();
        let ended = run_loop(
            &mut app,
            &mut rx,
            futures_util::stream::empty(),
            futures_util::stream::pending(),
            || Ok(false),
            None,
            |_| Ok(()),
        )
        .await
        .unwrap();
        assert!(matches!(ended, Ended::Quit));
        assert!(app.quit);
        assert_eq!(app.signal, Some(libc::SIGHUP));
    }

    #[tokio::test]
    async fn a_burst_of_keys_costs_one_frame() {
        let (mut app, mut rx) = idle_app();
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
            None,
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
        let (mut app, mut rx) = idle_app();
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
            None,
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

    #[tokio::test]
    async fn a_key_that_opens_the_editor_ends_the_loop_and_leaves_the_keys_after_it() {
        let catalog = Catalog::built_in();
        let spec = catalog.get("clemta").unwrap().clone();
        let config = Config::built_in(&catalog);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::new(config, catalog, Theme::monochrome(), Keymap::default(), tx)
            .with_stores(Some(crate::store::DraftStore::new(dir.path())), None);
        app.active = app
            .workspaces
            .iter()
            .position(|w| w.profile.name == "sandbox-clemta")
            .unwrap();
        let reference = crate::client::Reference::parse(&spec, "64b8f1a2e4b0c8d9f0123456").unwrap();
        let record = serde_json::json!({"id": "64b8f1a2e4b0c8d9f0123456", "full_name": "John Doe"});
        let form = crate::edit::Form::from_record(spec, record);
        app.show_contact(reference, form, None);
        // E, then two keys typed ahead: those are for rolo after the editor, not for the loop.
        let key = |code| Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        let keys = vec![
            key(KeyCode::Char('E')),
            key(KeyCode::Down),
            key(KeyCode::Down),
        ];
        let left = Rc::new(Cell::new(keys.len()));
        let counted = left.clone();
        let events = futures_util::stream::iter(keys).inspect(move |_| {
            counted.set(counted.get() - 1);
        });
        let ended = run_loop(
            &mut app,
            &mut rx,
            events,
            futures_util::stream::pending(),
            || Ok(left.get() > 0),
            None,
            |_| Ok(()),
        )
        .await
        .unwrap();
        let Ended::Editor(launch) = ended else {
            panic!("the loop did not return for the editor")
        };
        assert_eq!(left.get(), 2, "the keys after E are not read");
        let text = launch.text.unwrap();
        assert!(text.contains("full_name = \"John Doe\""), "{text}");
        assert!(
            launch.path.starts_with(dir.path()),
            "{}",
            launch.path.display()
        );
        assert!(!app.launch_due(), "taken once");
    }
}
