//! The application state and the one place it changes: keys, mouse and task results come in,
//! state changes, and slow work (network, secrets, files) goes out as tasks that report back on
//! a channel. The UI thread only updates state and draws.

mod external;
mod finding;
mod input;
mod journal;
mod msg;
mod panes;
mod paste;
mod profiles;
mod raw;
mod request;
mod send;
mod writer;

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::layout::Rect;
use tokio::sync::mpsc::UnboundedSender;

pub use external::{EditorRun, ExternalEdit, Launch};
pub use journal::{ReadOutcome, read_for_editor};
pub use msg::{ContactRead, LoadPurpose, Msg, ReviewPurpose};
pub use panes::VendorIssue;
pub use raw::RawText;
pub use request::{InFlight, RequestState};
pub use writer::{WriteJob, WriteKind};

use super::error::TuiError;
use super::keymap::{Action, Keymap};
use super::modals::ModalStack;
use super::theme::Theme;
use crate::client::secret::CancelLookup;
use crate::client::{Exchange, Loaded, Reference, Session};
use crate::config::{Config, Profile};
use crate::edit::Form;
use crate::spec::Catalog;
use crate::store::{ContactLock, Draft, DraftEditing, DraftExternal, DraftStore, History};
use writer::Writer;

/// What the response pane says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Ok(String),
    Error(String),
    Info(String),
}

/// What to do once a profile's session is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AfterOpen {
    #[default]
    Nothing,
    OpenReference(String),
    OpenModal,
}

/// One profile's open contact and everything shown about it. Switching profiles keeps these.
pub struct Workspace {
    pub profile: Profile,
    pub session: Option<Arc<Session>>,
    pub reference: Option<Reference>,
    pub form: Option<Form>,
    pub request: RequestState,
    pub banner: Option<Banner>,
    /// The last request's exchanges, shared with the task formatting them (bodies can be
    /// large: never copied).
    pub exchanges: Vec<Arc<Exchange>>,
    pub raw: Arc<RawText>,
    pub raw_generation: u64,
    pub raw_scroll: usize,
    /// The raw pane's first column shown when lines are not wrapped.
    pub raw_column: usize,
    /// Fields the vendor's last refusal named, with its words.
    pub vendor_issues: Vec<VendorIssue>,
    pub selected: usize,
    pub scroll: usize,
    /// The form revision last queued for the draft journal.
    journaled: u64,
    /// The open editor's text last queued for the draft journal.
    journaled_editing: Option<DraftEditing>,
    /// The edit running in the user's own editor last queued for the draft journal.
    journaled_external: Option<DraftExternal>,
    /// This process's claim on the open contact (one rolo per contact), with its reference.
    claim: Option<(String, ContactLock)>,
    /// Stops the secret lookup of a profile being opened (and kills its command).
    secret_lookup: Option<CancelLookup>,
    /// A draft found on disk that the user has not yet restored or discarded: shown when this
    /// workspace is, and never journaled over.
    pending_draft: Option<(Draft, Vec<String>)>,
    after_open: AfterOpen,
}

impl Workspace {
    fn new(profile: Profile) -> Self {
        Self {
            profile,
            session: None,
            reference: None,
            form: None,
            request: RequestState::Idle,
            banner: None,
            exchanges: Vec::new(),
            raw: Arc::default(),
            raw_generation: 0,
            raw_scroll: 0,
            raw_column: 0,
            vendor_issues: Vec::new(),
            selected: 0,
            scroll: 0,
            journaled: 0,
            journaled_editing: None,
            journaled_external: None,
            claim: None,
            secret_lookup: None,
            pending_draft: None,
            after_open: AfterOpen::Nothing,
        }
    }

    /// "reading 1001/5001… · 1.2 MB · 3 s · Esc cancels" while a request is in flight.
    pub fn progress(&self, keymap: &Keymap) -> Option<String> {
        let what = self.request.label()?;
        let seconds = self
            .request
            .in_flight()
            .map_or(0, |r| r.since.elapsed().as_secs());
        let bytes = self.session.as_ref().map_or(0, |s| s.received());
        let size = if bytes >= 1024 * 1024 {
            format!(" · {:.1} MB", bytes as f64 / (1024.0 * 1024.0))
        } else if bytes > 0 {
            format!(" · {bytes} bytes")
        } else {
            String::new()
        };
        let cancel = keymap.label(Action::CancelRequest);
        Some(format!("{what}{size} · {seconds} s · {cancel} cancels"))
    }

    pub fn unsaved(&self) -> usize {
        self.form.as_ref().map_or(0, Form::dirty_count)
    }

    fn profile_update_method(&self) -> String {
        self.form
            .as_ref()
            .map(|f| f.spec().update.method.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Form,
    Response,
    Raw,
}

/// Where the last frame put things, for mouse clicks.
#[derive(Debug, Default, Clone)]
pub struct Layout {
    pub form: Rect,
    pub response: Rect,
    pub raw: Rect,
    /// Screen row → field index, for the rows of the form.
    pub rows: Vec<(u16, usize)>,
    /// The top modal's box.
    pub popup: Option<Rect>,
}

/// What a frame decided while drawing (views only read the app; the loop applies this after).
#[derive(Debug, Default, Clone)]
pub struct Drawn {
    pub layout: Layout,
    /// The form's first visible row, kept so the view does not jump.
    pub form_scroll: Option<usize>,
}

pub struct App {
    pub workspaces: Vec<Workspace>,
    pub active: usize,
    /// Open modals, the top one receiving keys; they live across keys until closed.
    pub modals: ModalStack,
    pub focus: Pane,
    pub raw_maximized: bool,
    /// Whether the raw pane wraps long lines (else they scroll sideways).
    pub raw_wrap: bool,
    pub theme: Theme,
    pub keymap: Keymap,
    pub config: Config,
    /// Shared with the tasks that open profiles.
    pub catalog: Arc<Catalog>,
    pub toast: Option<String>,
    pub quit: bool,
    /// The signal that ended the loop (SIGTERM, SIGHUP, SIGINT, SIGQUIT), for the exit code.
    pub signal: Option<i32>,
    /// Text for the terminal's clipboard (OSC 52), written by the event loop.
    pub clipboard: Option<String>,
    pub layout: Layout,
    /// Where unsent changes are journaled; `None` keeps nothing on disk (widget tests).
    pub drafts: Option<DraftStore>,
    pub history: Option<History>,
    /// An edit in the user's own editor (`e`, `E`): waiting to start, or running.
    pub external: Option<ExternalEdit>,
    /// Where bodies past the display cap are saved whole (the data folder's `bodies`); `None`
    /// shows them capped only (widget tests).
    pub bodies: Option<PathBuf>,
    writer: Writer,
    tx: UnboundedSender<Msg>,
    /// The runtime tasks run on, when it is not the one the app is driven from (the editor:
    /// its UI runtime has the one thread, which tasks must not hold).
    workers: Option<tokio::runtime::Handle>,
}

/// Rows a page-up/down moves.
const PAGE: usize = 10;

/// The most body bytes (requests' and answers' together) the raw pane formats on the render loop.
const RAW_IN_PLACE: usize = 16 * 1024;

fn body_bytes(exchanges: &[Arc<Exchange>]) -> usize {
    exchanges
        .iter()
        .map(|e| {
            e.request.body.as_ref().map_or(0, |b| b.len())
                + e.response.as_ref().map_or(0, |r| r.body.len())
        })
        .sum()
}

impl App {
    pub fn new(
        config: Config,
        catalog: impl Into<Arc<Catalog>>,
        theme: Theme,
        keymap: Keymap,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        let workspaces = config
            .profiles
            .iter()
            .cloned()
            .map(Workspace::new)
            .collect();
        Self {
            workspaces,
            active: 0,
            modals: ModalStack::default(),
            focus: Pane::Form,
            raw_maximized: false,
            raw_wrap: false,
            theme,
            keymap,
            config,
            catalog: catalog.into(),
            toast: None,
            quit: false,
            signal: None,
            clipboard: None,
            layout: Layout::default(),
            drafts: None,
            history: None,
            external: None,
            bodies: None,
            writer: Writer::none(),
            tx,
            workers: None,
        }
    }

    /// Runs tasks on `workers` rather than the runtime the app is driven from.
    pub fn with_workers(mut self, workers: tokio::runtime::Handle) -> Self {
        self.workers = Some(workers);
        self
    }

    /// Where tasks are spawned: the workers, else the runtime the app is driven from; `None`
    /// without either (widget tests and benches, which do the work in place).
    pub(crate) fn tasks(&self) -> Option<tokio::runtime::Handle> {
        self.workers
            .clone()
            .or_else(|| tokio::runtime::Handle::try_current().ok())
    }

    /// Journals drafts and keeps history in these stores, written by a writer thread.
    pub fn with_stores(mut self, drafts: Option<DraftStore>, history: Option<History>) -> Self {
        self.writer = Writer::start(drafts.clone(), history.clone(), self.tx.clone());
        self.drafts = drafts;
        self.history = history;
        self
    }

    /// Saves bodies past the display cap whole into `dir`, named in the raw pane.
    pub fn with_bodies(mut self, dir: Option<PathBuf>) -> Self {
        self.bodies = dir;
        self
    }

    /// Waits until every queued draft and history write is on disk (on quit).
    pub fn flush_writes(&mut self) {
        self.writer.flush();
    }

    /// Queues a write; says so on screen when nothing can write it.
    fn write(&mut self, ws: usize, job: WriteJob) {
        if !self.writer.queue(ws, job) {
            self.workspaces[ws].banner = Some(Banner::Error(
                "Cannot write to disk (the writer stopped): your changes are only in memory".into(),
            ));
        }
    }

    /// What the frame decided: where things landed, and the form's scroll.
    pub fn drawn(&mut self, drawn: Drawn) {
        if let Some(scroll) = drawn.form_scroll {
            self.ws_mut().scroll = scroll;
        }
        self.layout = drawn.layout;
    }

    pub fn ws(&self) -> &Workspace {
        &self.workspaces[self.active]
    }

    fn ws_mut(&mut self) -> &mut Workspace {
        &mut self.workspaces[self.active]
    }

    /// Whether any request is in flight (the event loop then ticks to show progress).
    pub fn busy(&self) -> bool {
        self.workspaces.iter().any(|w| w.request.is_busy())
    }

    /// Stops the active workspace's request. Nothing the user typed is touched.
    pub fn cancel(&mut self) {
        let w = self.ws_mut();
        if let Some(lookup) = w.secret_lookup.take() {
            lookup.cancel();
        }
        let sending = matches!(w.request, RequestState::Sending(_));
        let Some(was) = w.request.cancel() else {
            return;
        };
        w.after_open = AfterOpen::Nothing;
        let reload = self.keymap.label(Action::Reload);
        // Only said when there is something to keep.
        let kept = if self.ws().unsaved() > 0 {
            " Your changes are kept."
        } else {
            ""
        };
        self.ws_mut().banner = Some(Banner::Error(if sending {
            format!(
                "Cancelled while sending: the vendor may still apply the update. Press {reload} to reload and see."
            )
        } else {
            format!("Cancelled ({was}).{kept}")
        }));
    }

    /// Stops every secret lookup still running (on quit), killing its command.
    pub fn stop_secret_lookups(&mut self) {
        for w in &mut self.workspaces {
            if let Some(lookup) = w.secret_lookup.take() {
                lookup.cancel();
            }
        }
    }

    pub fn unsaved_total(&self) -> usize {
        self.workspaces.iter().map(Workspace::unsaved).sum()
    }

    /// Shows a contact in the active workspace (a load's result, or a test's fixture).
    pub fn show_contact(&mut self, reference: Reference, form: Form, loaded: Option<&Loaded>) {
        let ws = self.ws_mut();
        ws.reference = Some(reference);
        ws.journaled = form.revision();
        ws.journaled_editing = None;
        ws.journaled_external = None;
        ws.form = Some(form);
        ws.selected = 0;
        ws.scroll = 0;
        ws.vendor_issues.clear();
        if let Some(l) = loaded {
            ws.exchanges = vec![l.exchange.clone()];
        }
        self.refresh_raw(self.active);
    }

    // ---- background work ----

    /// Runs a request for a workspace; `state` builds its request state from the task.
    fn spawn<F>(&mut self, ws: usize, state: impl FnOnce(InFlight) -> RequestState, work: F)
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        let Some(tasks) = self.tasks() else {
            // Only widget tests run without a runtime, and they send no requests.
            tracing::error!("a request for workspace {ws} with no runtime to run it");
            return;
        };
        let tx = self.tx.clone();
        let w = &mut self.workspaces[ws];
        w.request.cancel();
        let handle = tasks.spawn(async move {
            // The app is gone only when quitting; nothing then waits for the result.
            let _ = tx.send(work.await);
        });
        w.request = state(InFlight::new(handle.abort_handle()));
    }

    /// Opens a reference typed by the user.
    pub fn open_reference(&mut self, text: &str) -> Result<(), TuiError> {
        let w = self.ws();
        let Some(session) = w.session.clone() else {
            return Err(match w.request {
                RequestState::OpeningProfile(_) => TuiError::StillOpening {
                    profile: w.profile.name.clone(),
                    cancel: self.keymap.label(Action::CancelRequest),
                },
                _ => TuiError::NoSession {
                    profile: w.profile.name.clone(),
                    profiles: self.keymap.label(Action::Profiles),
                },
            });
        };
        let reference = session.reference(text)?;
        // With a draft store the changes stay in their draft (journaled with every edit) and are
        // offered back when that contact is opened again; without one they would be lost.
        if w.unsaved() > 0
            && self.drafts.is_none()
            && let Some(open) = w.reference.as_ref().filter(|r| r.text != reference.text)
        {
            return Err(TuiError::UnsavedChanges {
                count: w.unsaved(),
                reference: open.text.clone(),
                review: self.keymap.label(Action::Review),
                undo: self.keymap.label(Action::Undo),
            });
        }
        self.load(reference, LoadPurpose::Open);
        Ok(())
    }

    /// Formats the raw pane's text off the render loop (bodies can be megabytes; one past the
    /// display cap is also written to a file). The task shares the exchanges, never copies them.
    fn refresh_raw(&mut self, ws: usize) {
        let tasks = self.tasks();
        let w = &mut self.workspaces[ws];
        w.raw_generation += 1;
        let generation = w.raw_generation;
        let exchanges = w.exchanges.clone();
        let bodies = self.bodies.clone();
        let tx = self.tx.clone();
        // Small bodies (a contact's usual size) are formatted in place: a task costs a thread's
        // hand-off and a second frame when its text arrives, more than the formatting itself.
        let tasks = match tasks {
            Some(tasks) if body_bytes(&exchanges) > RAW_IN_PLACE => tasks,
            _ => {
                w.raw = Arc::new(RawText::format(&exchanges, bodies.as_deref()));
                return;
            }
        };
        tasks.spawn_blocking(move || {
            let lines = Arc::new(RawText::format(&exchanges, bodies.as_deref()));
            // Let go of the exchanges before handing the text over: a workspace that has moved
            // on to others frees them now.
            drop(exchanges);
            let _ = tx.send(Msg::Raw {
                ws,
                generation,
                lines,
            });
        });
    }

    // ---- task results ----

    pub fn on_msg(&mut self, msg: Msg) {
        self.handle_msg(msg);
        // A result may change a form (a rebase, a conflict resolved): journal it in order.
        for ws in 0..self.workspaces.len() {
            self.journal(ws);
        }
    }

    fn handle_msg(&mut self, msg: Msg) {
        match msg {
            Msg::ProfileOpened { ws, result } => self.on_profile_opened(ws, result),
            Msg::Loaded { ws, purpose, read } => self.on_loaded(ws, purpose, read),
            Msg::Refused { ws, error } => self.on_refused(ws, &error),
            Msg::Reviewed {
                ws,
                purpose,
                result,
            } => self.on_reviewed(ws, purpose, result),
            Msg::Sent { ws, review, result } => self.on_sent(ws, review, result),
            Msg::Listed { ws, page, result } => self.on_listed(ws, page, result),
            Msg::SearchDue { ws, generation } => self.on_search_due(ws, generation),
            Msg::Searched { ws, query, result } => self.on_searched(ws, &query, result),
            Msg::Raw {
                ws,
                generation,
                lines,
            } => {
                if let Some(w) = self.workspaces.get_mut(ws)
                    && w.raw_generation == generation
                {
                    w.raw = lines;
                }
            }
            Msg::HistoryRead {
                ws,
                reference,
                result,
            } => self.on_history_read(ws, reference, result),
            Msg::WriteFailed { ws, kind, error } => {
                tracing::warn!("{} failed: {error}", kind.describe());
                let Some(w) = self.workspaces.get_mut(ws) else {
                    return;
                };
                match kind {
                    WriteKind::SaveDraft => {
                        w.banner = Some(Banner::Error(format!(
                            "Cannot save the draft ({error}): your changes are only in memory"
                        )))
                    }
                    WriteKind::RemoveDraft => {
                        self.toast = Some(format!("the draft could not be removed ({error})"))
                    }
                    WriteKind::AppendHistory => {
                        self.toast = Some(format!("the history could not be written ({error})"))
                    }
                    WriteKind::RemoveEditFile => {
                        self.toast =
                            Some(format!("your editor's file could not be removed ({error})"))
                    }
                }
            }
        }
    }
}

/// The raw pane's lines: every exchange, request then response, JSON indented, bodies capped
/// (none saved).
pub fn raw_lines(exchanges: &[Exchange]) -> RawText {
    RawText::format(exchanges, None)
}
