//! The terminal UI: the contact editor. It renders state and turns keys into actions; the
//! vendor specs, the edit model and the client do the work.

mod ansi;
pub mod app;
pub mod countries;
pub mod error;
mod external;
#[cfg(unix)]
mod hangup;
pub mod keymap;
pub mod modals;
mod run;
mod safe_backend;
mod terminal;
pub mod theme;
#[cfg(unix)]
mod tty_events;
pub mod views;

use std::io::Write;
use std::sync::Arc;

use crate::config::Config;
use crate::log::LogGuard;
use crate::paths;
use crate::spec::Catalog;
use app::{App, Msg};
pub use error::TuiError;
use keymap::Keymap;
use theme::{Theme, ThemeError};

/// The demo's contact: the clemta page's John Doe.
pub const DEMO_PROFILE: &str = "sandbox-clemta";
pub const DEMO_REFERENCE: &str = "64b8f1a2e4b0c8d9f0123456";

pub struct TuiArgs {
    pub profile: Option<String>,
    pub reference: Option<String>,
    pub theme: Option<String>,
    /// Start the sandbox in-process and open the demo contact.
    pub demo: bool,
}

/// The theme to use: none at all under NO_COLOR, else `--theme`, config.toml, or dark.
pub fn pick_theme(asked: Option<&str>, config: &Config) -> Result<Theme, ThemeError> {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Ok(Theme::monochrome());
    }
    let name = asked.or(config.theme.as_deref()).unwrap_or("dark");
    Theme::load(
        name,
        paths::config_dir().map(|d| d.join("themes")).as_deref(),
    )
}

/// Runs the editor; the exit code (2 after an error, which is written to `err`).
pub fn run(args: TuiArgs, start_log: impl FnOnce() -> Option<LogGuard>, err: &mut dyn Write) -> u8 {
    match run_editor(args, start_log, err) {
        // Ended by a signal: the shell's convention, 128 + its number.
        Ok(Some(signal)) => u8::try_from(128 + signal).unwrap_or(255),
        Ok(None) => 0,
        Err(e) => {
            // Nowhere else to report: stderr itself failed.
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}

/// Runs the editor; the signal that ended it, if one did.
fn run_editor(
    args: TuiArgs,
    start_log: impl FnOnce() -> Option<LogGuard>,
    err: &mut dyn Write,
) -> Result<Option<i32>, TuiError> {
    // Declared first, dropped last: what the worker logs as it stops still reaches the file.
    let _log: Option<LogGuard>;
    // The render loop has this thread to itself, on a runtime of its own (current-thread): the
    // terminal's input wakes it directly, never through another thread. The tasks (reads, the
    // in-process sandbox) run on one worker: a second only added a thread to start and to hand
    // work to.
    let workers = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(TuiError::Runtime)?;
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    // `rolo demo`'s sandbox starts on the worker while this thread reads the specs, the config
    // and the theme. Its socket is bound here: the URL is known at once, and the profile opens
    // without waiting for the worker to answer.
    let start_sandbox = || -> Result<_, TuiError> {
        let listener = crate::sandbox::bind(loopback)?;
        let addr = listener
            .local_addr()
            .map_err(crate::sandbox::SandboxError::Address)?;
        let url = crate::sandbox::url(addr);
        let task = workers.spawn(crate::sandbox::start_on(listener, None, Default::default()));
        Ok((url, task))
    };
    let early_sandbox = if args.demo {
        Some(start_sandbox()?)
    } else {
        None
    };
    // Linux queues a new thread behind the busy thread that spawned it until that one blocks
    // (BENCHMARKS.md, round five: the worker first ran ~0.45 ms late). A moment's sleep lets the
    // worker start now. (The two threads still share one CPU much of the time: pinning them
    // apart until the first frame was tried in round six and gained nothing end to end.) Its
    // effect is timing only: the `startup` benchmark measures it.
    std::thread::sleep(std::time::Duration::from_micros(1));
    let catalog = Catalog::load(paths::user_vendor_dir().as_deref());
    let config = Config::load(paths::config_dir().as_deref(), &catalog)?;
    // With no profile asked for and no default configured, `rolo` is the demo.
    let demo = args.demo || (args.profile.is_none() && config.default_profile.is_none());
    let profile = match (&args.profile, demo) {
        (Some(asked), _) => asked.clone(),
        (None, true) => DEMO_PROFILE.into(),
        (None, false) => config.default_profile.clone().unwrap_or_default(),
    };
    let (config, sandbox, reference) = if demo {
        let (url, sandbox) = match early_sandbox {
            Some(started) => started,
            None => start_sandbox()?,
        };
        let reference = args
            .reference
            .clone()
            .or_else(|| args.profile.is_none().then(|| DEMO_REFERENCE.to_string()));
        (config.with_sandbox_url(&url), Some(sandbox), reference)
    } else {
        (config, None, args.reference.clone())
    };
    // An unknown or broken profile is said before the screen opens, with the ones there are.
    if config.profile(&profile).is_none() {
        return Err(match config.broken_profile(&profile) {
            Some(error) => crate::client::OpenError::Broken(error.clone()),
            None => crate::client::OpenError::unknown_profile(&profile, &config),
        }
        .into());
    }
    // The contact asked for is read at once on the worker, which opens the profile (its spec's
    // TOML parse is most of that) while this thread starts the log, reads theme and keys and
    // takes the terminal. A secret from a command or the keyring is waited for the usual way,
    // on a blocking thread, once the app is made.
    let catalog = Arc::new(catalog);
    let drafts = paths::drafts();
    let (first_read, log_ready) = match (&reference, config.profile(&profile)) {
        (Some(text), Some(found)) if found.secret.is_at_hand() => {
            let (log_ready, log_started) = tokio::sync::oneshot::channel();
            let asked = FirstRead {
                profile: profile.clone(),
                reference: text.clone(),
                config: config.clone(),
                catalog: catalog.clone(),
                drafts: drafts.clone(),
                log_started,
            };
            (Some(start_first_read(&workers, asked)), Some(log_ready))
        }
        _ => (None, None),
    };
    // The log starts once the worker has work (its thread, the sandbox, the spec's parse):
    // nothing before this point logs, the specs' problems are logged just below, and the first
    // read waits for this before it opens the profile and sends its request.
    _log = start_log();
    if let Some(ready) = log_ready {
        let _ = ready.send(());
    }
    let spec_notice = spec_notice(&catalog);
    let theme = pick_theme(args.theme.as_deref(), &config)?;
    let keymap = Keymap::with_bindings(&config.keys)?;
    let ui = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(TuiError::Runtime)?;
    let outcome = ui.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut app = App::new(config, catalog, theme, keymap, tx)
            .with_workers(workers.handle().clone())
            .with_stores(drafts, paths::history())
            .with_bodies(paths::data_dir().map(|d| d.join("bodies")));
        // A skipped or replacing user spec is said once on screen (the log has each).
        if spec_notice.is_some() {
            app.toast = spec_notice;
        }
        match first_read {
            Some((opened, read)) => {
                let (session, reference) = opened.await.map_err(|_| {
                    TuiError::OpenTask("the first read ended before the profile opened".into())
                })??;
                app.adopt_first_read(&profile, session, &reference, read)?;
            }
            None => {
                app.activate_now(&profile).await?;
                match reference {
                    Some(text) => app.open_reference(&text)?,
                    None => app.act(keymap::Action::Open),
                }
            }
        }
        // The sandbox has long been seeded by now; one that could not start is said before the
        // screen opens. It serves for as long as it is held.
        let _sandbox = match sandbox {
            Some(task) => Some(
                task.await
                    .map_err(|e| TuiError::SandboxTask(e.to_string()))??,
            ),
            None => None,
        };
        let (mut terminal, guard) = terminal::enter().map_err(TuiError::TerminalSetup)?;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let hangup_watch = match hangup::open_tty() {
            Ok(tty) => Some(workers.spawn(hangup::exit_if_stuck(tty))),
            Err(e) => {
                tracing::warn!("cannot watch the terminal for a hang-up: {e}");
                None
            }
        };
        let result = run::event_loop(&mut terminal, &mut app, &mut rx).await;
        // crossterm is not read again: nothing left for the watch to catch, and the flush
        // below may take its time.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(watch) = hangup_watch {
            watch.abort();
        }
        terminal::leave(terminal, guard);
        // A secret command still running is killed, not left behind.
        app.stop_secret_lookups();
        // Everything queued reaches the disk before rolo exits; a write that failed is said.
        app.flush_writes();
        while let Ok(msg) = rx.try_recv() {
            if let Msg::WriteFailed { kind, error, .. } = msg {
                tracing::warn!("{} failed at exit: {error}", kind.describe());
                let _ = writeln!(err, "warning: {} failed: {error}", kind.describe());
            }
        }
        result.map(|()| app.signal).map_err(TuiError::Terminal)
    });
    // A cancelled secret lookup kills its command and returns at once; anything else still on a
    // blocking thread (a stuck keyring call) is not waited for long.
    workers.shutdown_timeout(std::time::Duration::from_secs(2));
    ui.shutdown_timeout(std::time::Duration::from_secs(2));
    outcome
}

/// What the first read needs: the profile and contact asked for, and what opens them.
struct FirstRead {
    profile: String,
    reference: String,
    config: Config,
    catalog: Arc<Catalog>,
    drafts: Option<crate::store::DraftStore>,
    /// Sent (or dropped) once the log is started.
    log_started: tokio::sync::oneshot::Receiver<()>,
}

/// The profile's session and the contact's parsed reference, or why there are none.
type Opened = Result<(Arc<crate::client::Session>, crate::client::Reference), TuiError>;

/// Opens the profile and reads the contact on the workers: the session and the reference come
/// back as soon as the profile is open (an error stops rolo before the screen, as it did when
/// the profile opened on this thread); the read's outcome is the task's. Only the vendor's
/// spec is parsed before the log has started: opening the profile and the request log.
fn start_first_read(
    workers: &tokio::runtime::Runtime,
    asked: FirstRead,
) -> (
    tokio::sync::oneshot::Receiver<Opened>,
    tokio::task::JoinHandle<Option<app::ReadOutcome>>,
) {
    let (opened_tx, opened) = tokio::sync::oneshot::channel();
    let read = workers.spawn(async move {
        let FirstRead {
            profile,
            reference,
            config,
            catalog,
            drafts,
            log_started,
        } = asked;
        // The parse is most of opening a profile; a built-in spec that fails it is a defect the
        // tests catch, and opening the profile below then says which vendor is missing.
        if let Some(found) = config.profile(&profile) {
            catalog.get(&found.vendor);
        }
        // Dropped (rolo stopped before the screen) or sent: either way the log is settled.
        let _ = log_started.await;
        let open = || -> Opened {
            let session = crate::client::Session::open(&profile, &config, &catalog)?;
            let reference = session.reference(&reference)?;
            Ok((Arc::new(session), reference))
        };
        match open() {
            Ok((session, reference)) => {
                // The app is gone only when rolo stopped before the screen: nothing to read.
                opened_tx
                    .send(Ok((session.clone(), reference.clone())))
                    .ok()?;
                Some(app::read_for_editor(session, drafts, profile, reference, false).await)
            }
            Err(e) => {
                let _ = opened_tx.send(Err(e));
                None
            }
        }
    });
    (opened, read)
}

/// What the user should know about the vendor specs before editing: user specs that were
/// skipped (with the first reason) or that replace a built-in vendor. Each is logged too.
fn spec_notice(catalog: &Catalog) -> Option<String> {
    for problem in catalog.problems() {
        tracing::warn!("vendor spec skipped: {problem}");
    }
    for notice in catalog.replaced() {
        tracing::warn!("{notice}");
    }
    let mut parts = Vec::new();
    if let Some(first) = catalog.problems().first() {
        parts.push(format!(
            "{} vendor spec(s) skipped ({first}); `rolo vendors` lists why",
            catalog.problems().len()
        ));
    }
    parts.extend(catalog.replaced().iter().cloned());
    (!parts.is_empty()).then(|| parts.join(" · "))
}
