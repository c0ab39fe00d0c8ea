//! The application state and the one place it changes: keys, mouse and task results come in,
//! state changes, and network work goes out as tasks that report back on a channel.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use tokio::sync::mpsc::UnboundedSender;
use tui_textarea::TextArea;

use super::keymap::{Action, Keymap};
use super::theme::Theme;
use crate::client::{
    ClientError, Exchange, Failed, ListItem, Listing, Loaded, Reference, Sent, Session,
};
use crate::config::{Config, Profile};
use crate::edit::{Access, Conflict, Form, Value, check_value, codec};
use crate::send::{self, Review, ReviewError};
use crate::spec::{Catalog, Kind};
use crate::store::{Draft, DraftStore, History, HistoryEntry};

/// Results of background work.
// One message is in flight per request and is moved once: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Loaded {
        ws: usize,
        reference: Reference,
        purpose: LoadPurpose,
        result: Result<(Form, Loaded), Box<Failed>>,
    },
    /// The update prepared on a fresh read (`send::prepare`), for review or for the clipboard.
    Reviewed {
        ws: usize,
        purpose: ReviewPurpose,
        result: Result<Box<Review>, ReviewError>,
    },
    /// The reviewed request sent; the review it came from, for the history and a 412.
    Sent {
        ws: usize,
        review: Box<Review>,
        result: Result<Sent, Box<Failed>>,
    },
    Listed {
        ws: usize,
        page: usize,
        result: Result<Listing, Box<Failed>>,
    },
    Raw {
        ws: usize,
        generation: u64,
        lines: Arc<Vec<String>>,
    },
}

/// Why a contact is being read.
#[derive(Debug, Clone)]
pub enum LoadPurpose {
    Open,
    Reload,
    /// After a conflict: rebase on the fresh record, then take the server's value for these.
    Resolve {
        take_theirs: Vec<String>,
    },
}

/// Why an update is being prepared.
#[derive(Debug, Clone)]
pub enum ReviewPurpose {
    /// To review and send; `previous` is the read a refused (412) send was built on, to say
    /// what changed on the server since.
    Send { previous: Option<serde_json::Value> },
    /// To copy as curl.
    Copy,
}

/// What the response pane says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Ok(String),
    Error(String),
    Info(String),
}

/// One profile's open contact and everything shown about it. Switching profiles keeps these.
pub struct Workspace {
    pub profile: Profile,
    pub session: Option<Arc<Session>>,
    pub reference: Option<Reference>,
    pub form: Option<Form>,
    pub etag: Option<String>,
    pub busy: Option<String>,
    /// When the request in flight started, for its progress line.
    pub busy_since: Option<std::time::Instant>,
    pub banner: Option<Banner>,
    pub exchanges: Vec<Exchange>,
    pub raw: Arc<Vec<String>>,
    pub raw_generation: u64,
    pub raw_scroll: usize,
    pub selected: usize,
    pub scroll: usize,
    /// The form revision last written to the draft journal.
    journaled: u64,
    /// A draft found on disk that the user has not yet restored or discarded: shown when this
    /// workspace is, and never journaled over.
    pending_draft: Option<(Draft, Vec<String>)>,
    task: Option<tokio::task::AbortHandle>,
}

impl Workspace {
    fn new(profile: Profile) -> Self {
        Self {
            profile,
            session: None,
            reference: None,
            form: None,
            etag: None,
            busy: None,
            busy_since: None,
            banner: None,
            exchanges: Vec::new(),
            raw: Arc::new(Vec::new()),
            raw_generation: 0,
            raw_scroll: 0,
            selected: 0,
            scroll: 0,
            journaled: 0,
            pending_draft: None,
            task: None,
        }
    }

    /// "reading 1001/5001… · 1.2 MB · 3 s · Esc cancels" while a request is in flight.
    pub fn progress(&self) -> Option<String> {
        let busy = self.busy.as_ref()?;
        let seconds = self.busy_since.map_or(0, |t| t.elapsed().as_secs());
        let bytes = self.session.as_ref().map_or(0, |s| s.received());
        let size = if bytes >= 1024 * 1024 {
            format!(" · {:.1} MB", bytes as f64 / (1024.0 * 1024.0))
        } else if bytes > 0 {
            format!(" · {bytes} bytes")
        } else {
            String::new()
        };
        Some(format!("{busy}{size} · {seconds} s · Esc cancels"))
    }

    pub fn unsaved(&self) -> usize {
        self.form.as_ref().map_or(0, Form::dirty_count)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Form,
    Response,
    Raw,
}

/// Editing one field's text.
pub struct Editor {
    pub field: usize,
    pub area: TextArea<'static>,
    pub multiline: bool,
    /// The rule the text breaks right now, shown as you type.
    pub issue: Option<String>,
}

/// Choosing an enum value or a country from a filterable list.
pub struct Picker {
    pub field: usize,
    pub filter: String,
    /// (value set on the field, label shown)
    pub options: Vec<(String, String)>,
    pub selected: usize,
}

impl Picker {
    pub fn visible(&self) -> Vec<&(String, String)> {
        let needle = self.filter.to_lowercase();
        self.options
            .iter()
            .filter(|(_, label)| label.to_lowercase().contains(&needle))
            .collect()
    }
}

// At most one modal exists at a time.
#[allow(clippy::large_enum_variant)]
pub enum Modal {
    Profiles {
        selected: usize,
    },
    Open {
        input: TextArea<'static>,
        items: Vec<ListItem>,
        selected: Option<usize>,
        page: usize,
        note: Option<String>,
    },
    /// The prepared request, exactly what `y` sends, and its redacted text.
    Review {
        review: Box<Review>,
        request: String,
        scroll: usize,
    },
    Conflict {
        conflicts: Vec<Conflict>,
        take_theirs: Vec<bool>,
        selected: usize,
    },
    Help,
    Quit,
    /// A draft of unsent changes was found for the contact just opened.
    Draft {
        draft: Draft,
        changed_on_server: Vec<String>,
    },
    /// The contact's confirmed updates, newest first.
    History {
        entries: Vec<HistoryEntry>,
        selected: usize,
    },
}

pub enum Mode {
    Normal,
    Edit(Editor),
    Pick(Picker),
    Modal(Modal),
}

/// Where the last frame put things, for mouse clicks.
#[derive(Debug, Default, Clone)]
pub struct Layout {
    pub form: Rect,
    pub response: Rect,
    pub raw: Rect,
    /// Screen row → field index, for the rows of the form.
    pub rows: Vec<(u16, usize)>,
}

pub struct App {
    pub workspaces: Vec<Workspace>,
    pub active: usize,
    pub mode: Mode,
    pub focus: Pane,
    pub raw_maximized: bool,
    pub theme: Theme,
    pub keymap: Keymap,
    pub config: Config,
    pub catalog: Catalog,
    pub toast: Option<String>,
    pub quit: bool,
    /// Text for the terminal's clipboard (OSC 52), written by the event loop.
    pub clipboard: Option<String>,
    pub layout: Layout,
    /// Where unsent changes are journaled; `None` keeps nothing on disk (widget tests).
    pub drafts: Option<DraftStore>,
    pub history: Option<History>,
    tx: UnboundedSender<Msg>,
}

/// Rows a page-up/down moves.
const PAGE: usize = 10;
/// Contacts asked for per page of the open-contact list.
const LIST_PAGE: usize = 50;

impl App {
    pub fn new(
        config: Config,
        catalog: Catalog,
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
            mode: Mode::Normal,
            focus: Pane::Form,
            raw_maximized: false,
            theme,
            keymap,
            config,
            catalog,
            toast: None,
            quit: false,
            clipboard: None,
            layout: Layout::default(),
            drafts: None,
            history: None,
            tx,
        }
    }

    /// Journals drafts and keeps history in these stores.
    pub fn with_stores(mut self, drafts: Option<DraftStore>, history: Option<History>) -> Self {
        self.drafts = drafts;
        self.history = history;
        self
    }

    /// Writes the workspace's draft if its form changed since the last write. Called after
    /// every input and result, before the frame that shows the change is drawn.
    pub fn journal(&mut self, ws: usize) {
        let Some(store) = &self.drafts else {
            return;
        };
        let w = &mut self.workspaces[ws];
        let (Some(form), Some(reference)) = (&w.form, &w.reference) else {
            return;
        };
        if form.revision() == w.journaled || w.pending_draft.is_some() {
            return;
        }
        match store.save(&w.profile.name, &reference.text, form) {
            Ok(()) => w.journaled = form.revision(),
            Err(e) => {
                w.banner = Some(Banner::Error(format!(
                    "Cannot save the draft ({e}): your changes are only in memory"
                )))
            }
        }
    }

    pub fn ws(&self) -> &Workspace {
        &self.workspaces[self.active]
    }

    fn ws_mut(&mut self) -> &mut Workspace {
        &mut self.workspaces[self.active]
    }

    /// Whether any request is in flight (the event loop then ticks to show progress).
    pub fn busy(&self) -> bool {
        self.workspaces.iter().any(|w| w.busy.is_some())
    }

    /// Stops the active workspace's request. Nothing the user typed is touched.
    pub fn cancel(&mut self) {
        let w = self.ws_mut();
        let Some(task) = w.task.take() else {
            return;
        };
        task.abort();
        let was = w.busy.take().unwrap_or_default();
        w.busy_since = None;
        w.banner = Some(Banner::Error(if was.starts_with("sending") {
            "Cancelled while sending: the vendor may still apply the update. Press R to reload and see.".into()
        } else {
            format!("Cancelled ({was}). Your changes are kept.")
        }));
    }

    pub fn unsaved_total(&self) -> usize {
        self.workspaces.iter().map(Workspace::unsaved).sum()
    }

    /// Makes a profile active, opening its session the first time.
    pub fn activate(&mut self, name: &str) -> Result<(), String> {
        let index = self
            .workspaces
            .iter()
            .position(|w| w.profile.name == name)
            .ok_or_else(|| format!("no profile named {name:?}"))?;
        self.active = index;
        if self.workspaces[index].session.is_none() {
            let session =
                Session::open(name, &self.config, &self.catalog).map_err(|e| e.to_string())?;
            self.workspaces[index].session = Some(Arc::new(session));
        }
        self.offer_pending_draft();
        Ok(())
    }

    /// Shows the active workspace's draft found on disk, if one waits for an answer.
    fn offer_pending_draft(&mut self) {
        if let Some((draft, changed_on_server)) = self.ws_mut().pending_draft.clone() {
            self.mode = Mode::Modal(Modal::Draft {
                draft,
                changed_on_server,
            });
        }
    }

    /// Shows a contact in the active workspace (a load's result, or a test's fixture).
    pub fn show_contact(&mut self, reference: Reference, form: Form, loaded: Option<&Loaded>) {
        let ws = self.ws_mut();
        ws.reference = Some(reference);
        ws.journaled = form.revision();
        ws.form = Some(form);
        ws.selected = 0;
        ws.scroll = 0;
        if let Some(l) = loaded {
            ws.etag = l.etag.clone();
            ws.exchanges = vec![l.exchange.clone()];
        }
        self.refresh_raw(self.active);
    }

    // ---- background work ----

    fn spawn<F>(&mut self, ws: usize, busy: String, work: F)
    where
        F: std::future::Future<Output = Msg> + Send + 'static,
    {
        let tx = self.tx.clone();
        let w = &mut self.workspaces[ws];
        if let Some(old) = w.task.take() {
            old.abort();
        }
        w.busy = Some(busy);
        w.busy_since = Some(std::time::Instant::now());
        let handle = tokio::spawn(async move {
            let _ = tx.send(work.await);
        });
        w.task = Some(handle.abort_handle());
    }

    /// Reads a contact into the active workspace.
    pub fn load(&mut self, reference: Reference, purpose: LoadPurpose) {
        let ws = self.active;
        let Some(session) = self.workspaces[ws].session.clone() else {
            return;
        };
        let busy = format!("reading {}…", reference.text);
        self.spawn(ws, busy, async move {
            let result = session.load(&reference).await;
            Msg::Loaded {
                ws,
                reference,
                purpose,
                result,
            }
        });
    }

    /// Opens a reference typed by the user.
    pub fn open_reference(&mut self, text: &str) -> Result<(), String> {
        let session = self
            .ws()
            .session
            .clone()
            .ok_or("this profile has no session")?;
        let reference = session.reference(text).map_err(|e| e.to_string())?;
        let w = self.ws();
        if w.unsaved() > 0
            && w.reference
                .as_ref()
                .is_some_and(|r| r.text != reference.text)
        {
            return Err(format!(
                "{} unsaved change(s) on {}: send them (s) or undo them (u) before opening another contact",
                w.unsaved(),
                w.reference.as_ref().map_or("", |r| r.text.as_str())
            ));
        }
        self.load(reference, LoadPurpose::Open);
        Ok(())
    }

    /// Sends exactly the reviewed request: no re-read, no rebuild.
    fn send(&mut self, review: Box<Review>) {
        let ws = self.active;
        let w = &self.workspaces[ws];
        let (Some(session), Some(reference)) = (w.session.clone(), w.reference.clone()) else {
            return;
        };
        self.spawn(ws, "sending…".into(), async move {
            let result = session
                .send_update(&reference, review.prepared.clone())
                .await;
            Msg::Sent { ws, review, result }
        });
    }

    /// Prepares the update on a fresh read of the contact, in the background.
    fn prepare(&mut self, ws: usize, purpose: ReviewPurpose) {
        let w = &self.workspaces[ws];
        let (Some(session), Some(reference), Some(form)) =
            (w.session.clone(), w.reference.clone(), w.form.clone())
        else {
            return;
        };
        let busy = format!("reading {} to prepare the update…", reference.text);
        self.spawn(ws, busy, async move {
            let result = send::prepare(&session, &reference, &form)
                .await
                .map(Box::new);
            Msg::Reviewed {
                ws,
                purpose,
                result,
            }
        });
    }

    fn list(&mut self, page: usize) {
        let ws = self.active;
        let w = &self.workspaces[ws];
        let Some(session) = w.session.clone() else {
            return;
        };
        // The list path's values (exsited's account, cro's customer) come from the open contact,
        // or else from the spec's example reference.
        let scope = w
            .reference
            .clone()
            .or_else(|| session.reference(&session.spec.reference_example).ok())
            .map(|r| r.values)
            .unwrap_or_default();
        let needs: Vec<String> = session
            .spec
            .list
            .as_ref()
            .map(|l| l.path.params().map(str::to_string).collect())
            .unwrap_or_default();
        if let Some(missing) = needs.iter().find(|p| !scope.contains_key(*p)) {
            if let Mode::Modal(Modal::Open { note, .. }) = &mut self.mode {
                *note = Some(format!(
                    "type a reference: the list needs {missing}, which comes from an open contact"
                ));
            }
            return;
        }
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let result = session.list(&scope, page, LIST_PAGE).await;
            let _ = tx.send(Msg::Listed { ws, page, result });
        });
    }

    /// Formats the raw pane's text off the render loop (bodies can be megabytes).
    fn refresh_raw(&mut self, ws: usize) {
        let w = &mut self.workspaces[ws];
        w.raw_generation += 1;
        let generation = w.raw_generation;
        let exchanges = w.exchanges.clone();
        let tx = self.tx.clone();
        if tokio::runtime::Handle::try_current().is_err() {
            // No runtime (widget tests): format in place.
            w.raw = Arc::new(raw_lines(&exchanges));
            return;
        }
        tokio::task::spawn_blocking(move || {
            let lines = Arc::new(raw_lines(&exchanges));
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
        // A result may change a form (a rebase, a conflict resolved): journal it before the
        // frame that shows it.
        for ws in 0..self.workspaces.len() {
            self.journal(ws);
        }
    }

    fn handle_msg(&mut self, msg: Msg) {
        match msg {
            Msg::Loaded {
                ws,
                reference,
                purpose,
                result,
            } => self.on_loaded(ws, reference, purpose, result),
            Msg::Reviewed {
                ws,
                purpose,
                result,
            } => self.on_reviewed(ws, purpose, result),
            Msg::Sent { ws, review, result } => self.on_sent(ws, review, result),
            Msg::Listed { ws, page, result } => {
                if ws != self.active {
                    return;
                }
                if let Mode::Modal(Modal::Open {
                    items,
                    page: shown,
                    note,
                    selected,
                    ..
                }) = &mut self.mode
                {
                    match result {
                        Ok(listing) => {
                            if page == 1 {
                                items.clear();
                            }
                            let got = listing.items.len();
                            items.extend(listing.items);
                            *shown = page;
                            *note = (got == 0).then(|| "no more contacts".to_string());
                            if selected.is_none() && !items.is_empty() {
                                *selected = Some(0);
                            }
                        }
                        Err(f) => *note = Some(f.error.to_string()),
                    }
                }
            }
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
        }
    }

    fn on_loaded(
        &mut self,
        ws: usize,
        reference: Reference,
        purpose: LoadPurpose,
        result: Result<(Form, Loaded), Box<Failed>>,
    ) {
        let w = &mut self.workspaces[ws];
        w.busy = None;
        w.busy_since = None;
        w.task = None;
        match result {
            Ok((fresh, loaded)) => {
                w.etag = loaded.etag.clone();
                w.exchanges = vec![loaded.exchange.clone()];
                let elapsed = loaded
                    .exchange
                    .response
                    .as_ref()
                    .map_or(0, |r| r.elapsed.as_millis());
                let same_contact = w
                    .reference
                    .as_ref()
                    .is_some_and(|r| r.text == reference.text);
                match (&mut w.form, same_contact, &purpose) {
                    // Keep unsent edits: move them onto the fresh record.
                    (Some(form), true, LoadPurpose::Reload) => form.adopt(loaded.record.clone()),
                    (Some(form), true, LoadPurpose::Resolve { take_theirs }) => {
                        *form = form.rebase_resolving(loaded.record.clone(), take_theirs);
                    }
                    _ => {
                        // A freshly opened contact is not journaled until it changes, so a draft
                        // on disk survives until the user restores or discards it.
                        w.journaled = fresh.revision();
                        w.form = Some(fresh);
                        w.reference = Some(reference.clone());
                        w.selected = 0;
                        w.scroll = 0;
                        if let (Some(store), Some(form)) = (&self.drafts, &w.form)
                            && let Some(draft) = store.load(&w.profile.name, &reference.text)
                        {
                            let changed_on_server = draft.changed_on_server(form);
                            w.pending_draft = Some((draft, changed_on_server));
                        }
                    }
                }
                w.banner = Some(match purpose {
                    LoadPurpose::Resolve { .. } => Banner::Info(format!(
                        "Conflict resolved on the server's latest version; {} unsaved. Press {} to review and send.",
                        w.unsaved(),
                        self.keymap.label(Action::Review)
                    )),
                    _ => Banner::Info(format!(
                        "Loaded {} · HTTP 200 · {elapsed} ms",
                        reference.text
                    )),
                });
            }
            Err(failed) => {
                w.exchanges = failed.exchanges.clone();
                w.banner = Some(Banner::Error(format!(
                    "Could not read {}: {}",
                    reference.text, failed.error
                )));
            }
        }
        self.refresh_raw(ws);
        if ws == self.active {
            self.offer_pending_draft();
        }
    }

    fn on_reviewed(
        &mut self,
        ws: usize,
        purpose: ReviewPurpose,
        result: Result<Box<Review>, ReviewError>,
    ) {
        let w = &mut self.workspaces[ws];
        w.busy = None;
        w.busy_since = None;
        w.task = None;
        w.exchanges = match &result {
            Ok(review) => vec![review.fresh.exchange.clone()],
            Err(e) => e.exchanges(),
        };
        let active = ws == self.active;
        match result {
            Ok(review) => {
                let Some(session) = w.session.clone() else {
                    return;
                };
                let recorded = session.record(&review.prepared);
                match purpose {
                    ReviewPurpose::Copy => {
                        self.clipboard = Some(recorded.to_curl());
                        self.toast = Some("copied the request as curl (secrets as ***)".into());
                    }
                    ReviewPurpose::Send { previous } => {
                        if let Some(before) = previous {
                            let changed =
                                send::changed_between(&review.form, &before, &review.fresh.record);
                            w.banner = Some(Banner::Info(format!(
                                "The contact changed on the server after your review (HTTP 412); nothing was sent. Changed since: {}. Review again:",
                                if changed.is_empty() {
                                    "no field rolo shows".to_string()
                                } else {
                                    changed.join(", ")
                                }
                            )));
                        }
                        if active {
                            self.mode = Mode::Modal(Modal::Review {
                                review,
                                request: recorded.to_text(),
                                scroll: 0,
                            });
                        }
                    }
                }
            }
            Err(ReviewError::Conflicts { conflicts, .. }) => {
                let n = conflicts.0.len();
                w.banner = Some(Banner::Error(format!(
                    "Not sent: {n} field(s) changed on the server meanwhile"
                )));
                if active {
                    self.mode = Mode::Modal(Modal::Conflict {
                        conflicts: conflicts.0,
                        take_theirs: vec![false; n],
                        selected: 0,
                    });
                }
            }
            Err(e @ ReviewError::NothingToSend { .. }) => self.toast = Some(e.to_string()),
            Err(ReviewError::Invalid { issues, .. }) => {
                let lines: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
                w.banner = Some(Banner::Error(format!(
                    "Refused before sending, nothing sent:\n{}",
                    lines.join("\n")
                )));
            }
            Err(e) => {
                w.banner = Some(Banner::Error(format!(
                    "Not sent, your changes are kept: {e}"
                )));
            }
        }
        self.refresh_raw(ws);
    }

    fn on_sent(&mut self, ws: usize, review: Box<Review>, result: Result<Sent, Box<Failed>>) {
        let w = &mut self.workspaces[ws];
        w.busy = None;
        w.busy_since = None;
        w.task = None;
        let changes = &review.update.changes;
        match result {
            Ok(sent) => {
                // Applied: the draft has done its job, and the change goes into the history.
                if let Some(reference) = &w.reference {
                    let mut problems = Vec::new();
                    if let Some(store) = &self.drafts
                        && let Err(e) = store.remove(&w.profile.name, &reference.text)
                    {
                        problems.push(format!("the draft could not be removed ({e})"));
                    }
                    if let Some(history) = &self.history
                        && !changes.is_empty()
                    {
                        let entry = HistoryEntry::new(
                            &w.profile.name,
                            &w.profile.vendor,
                            &reference.text,
                            sent.status,
                            changes,
                        );
                        if let Err(e) = history.append(&entry) {
                            problems.push(format!("the history could not be written ({e})"));
                        }
                    }
                    if !problems.is_empty() {
                        self.toast = Some(problems.join("; "));
                    }
                }
                let message = sent
                    .outcome
                    .message
                    .clone()
                    .unwrap_or_else(|| "the vendor accepted the update".into());
                let elapsed = sent
                    .update_exchange(&w.profile_update_method())
                    .and_then(|e| e.response.as_ref())
                    .map_or(0, |r| r.elapsed.as_millis());
                w.exchanges = sent.exchanges.clone();
                match (sent.record(), sent.unread()) {
                    (Some(record), _) => {
                        // What was sent is now on the server; anything typed while it was in
                        // flight stays a change (and goes back into the draft when journaled).
                        if let Some(form) = w.form.as_mut() {
                            form.adopt(record.clone());
                        }
                        w.etag = sent.etag().map(str::to_string);
                        w.banner = Some(Banner::Ok(format!(
                            "✓ HTTP {} · {message} · {} field(s) saved · {elapsed} ms",
                            sent.status,
                            changes.len()
                        )));
                    }
                    (None, unread) => {
                        // Applied, but what was stored is unknown: the form is left as it is
                        // until the user reloads.
                        w.banner = Some(Banner::Ok(format!(
                            "✓ HTTP {} · applied, {} field(s) sent · could not read back what was stored ({}): press {} to reload",
                            sent.status,
                            changes.len(),
                            unread.map_or_else(String::new, |e| e.to_string()),
                            self.keymap.label(Action::Reload)
                        )));
                    }
                }
            }
            Err(failed) if matches!(failed.error, ClientError::Status { status: 412, .. }) => {
                // The contact moved between review and send: nothing else is sent; a fresh
                // review (on a new read) says what changed.
                w.exchanges = failed.exchanges.clone();
                self.refresh_raw(ws);
                self.prepare(
                    ws,
                    ReviewPurpose::Send {
                        previous: Some(review.fresh.record.clone()),
                    },
                );
                return;
            }
            Err(failed) => {
                w.exchanges = failed.exchanges.clone();
                w.banner = Some(Banner::Error(format!(
                    "Not saved, your changes are kept: {}",
                    failed.error
                )));
            }
        }
        self.refresh_raw(ws);
    }

    // ---- input ----

    pub fn on_key(&mut self, key: KeyEvent) {
        self.toast = None;
        // Tests check that a panic restores the terminal; only a debug (test) build has this.
        #[cfg(debug_assertions)]
        if key.code == KeyCode::F(12) && std::env::var_os("ROLO_TEST_PANIC").is_some() {
            panic!("test panic requested with F12");
        }
        // Ctrl-C is always a way out (asking first when changes are unsaved); in the editor it
        // only leaves the editor, like Esc.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            if matches!(self.mode, Mode::Edit(_) | Mode::Pick(_)) {
                self.mode = Mode::Normal;
                return;
            }
            self.request_quit();
            return;
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {
                if key.code == KeyCode::Esc && self.ws().busy.is_some() {
                    self.cancel();
                } else if let Some(action) = self.keymap.action(&key) {
                    self.act(action);
                }
            }
            Mode::Edit(editor) => self.edit_key(editor, key),
            Mode::Pick(picker) => self.pick_key(picker, key),
            Mode::Modal(modal) => self.modal_key(modal, key),
        }
        self.journal(self.active);
    }

    fn request_quit(&mut self) {
        if self.unsaved_total() > 0 {
            self.mode = Mode::Modal(Modal::Quit);
        } else {
            self.quit = true;
        }
    }

    fn select(&mut self, index: usize) {
        let count = self.ws().form.as_ref().map_or(0, Form::len);
        if count > 0 {
            self.ws_mut().selected = index.min(count - 1);
        }
    }

    pub fn act(&mut self, action: Action) {
        let selected = self.ws().selected;
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown
                if self.focus == Pane::Raw || self.raw_maximized =>
            {
                let ws = self.ws_mut();
                ws.raw_scroll = match action {
                    Action::Up => ws.raw_scroll.saturating_sub(1),
                    Action::Down => ws.raw_scroll + 1,
                    Action::PageUp => ws.raw_scroll.saturating_sub(PAGE * 2),
                    _ => ws.raw_scroll + PAGE * 2,
                }
                .min(ws.raw.len().saturating_sub(1));
            }
            Action::Up => self.select(selected.saturating_sub(1)),
            Action::Down => self.select(selected + 1),
            Action::PageUp => self.select(selected.saturating_sub(PAGE)),
            Action::PageDown => self.select(selected + PAGE),
            Action::Top => self.select(0),
            Action::Bottom => self.select(usize::MAX),
            Action::Edit => self.begin_edit(),
            Action::Toggle => self.toggle(),
            Action::Clear => self.with_form(|form, i| form.clear(i).map(|_| ())),
            Action::Undo => self.history(true),
            Action::Redo => self.history(false),
            Action::Revert => self.with_form(|form, i| form.revert(i).map(|_| ())),
            Action::Review => self.review(),
            Action::Reload => match self.ws().reference.clone() {
                Some(r) => self.load(r, LoadPurpose::Reload),
                None => self.toast = Some("no contact open: press o to open one".into()),
            },
            Action::Profiles => {
                let selected = self.active;
                self.mode = Mode::Modal(Modal::Profiles { selected });
            }
            Action::Open => self.open_modal(),
            Action::Raw => self.raw_maximized = !self.raw_maximized,
            Action::Focus => {
                self.focus = match self.focus {
                    Pane::Form => Pane::Response,
                    Pane::Response => Pane::Raw,
                    Pane::Raw => Pane::Form,
                }
            }
            Action::Copy => self.copy_curl(),
            Action::History => self.history_modal(),
            Action::Help => self.mode = Mode::Modal(Modal::Help),
            Action::Quit => self.request_quit(),
        }
    }

    fn with_form(
        &mut self,
        change: impl FnOnce(&mut Form, usize) -> Result<(), crate::edit::EditError>,
    ) {
        let selected = self.ws().selected;
        let Some(form) = self.ws_mut().form.as_mut() else {
            self.toast = Some("no contact open: press o to open one".into());
            return;
        };
        if let Err(e) = change(form, selected) {
            self.toast = Some(e.to_string());
        }
    }

    fn history(&mut self, undo: bool) {
        let ws = self.ws_mut();
        let Some(form) = ws.form.as_mut() else {
            return;
        };
        let moved = if undo { form.undo() } else { form.redo() };
        match moved {
            Some(field) => ws.selected = field,
            None => {
                self.toast = Some(
                    if undo {
                        "nothing to undo"
                    } else {
                        "nothing to redo"
                    }
                    .into(),
                )
            }
        }
    }

    fn toggle(&mut self) {
        let selected = self.ws().selected;
        let Some(form) = self.ws_mut().form.as_mut() else {
            return;
        };
        let kind = form.fields()[selected].kind;
        if !kind.is_bool() {
            let keys = self.keymap.label(Action::Edit);
            self.toast = Some(format!("Space toggles flags; {keys} edits this field"));
            return;
        }
        let now = form
            .value(selected)
            .as_text()
            .and_then(|t| codec::parse_flag(kind, t))
            .unwrap_or(false);
        if let Err(e) = form.set_text(selected, codec::bool_text(!now)) {
            self.toast = Some(e.to_string());
        }
    }

    fn begin_edit(&mut self) {
        let selected = self.ws().selected;
        let Some(form) = self.ws().form.as_ref() else {
            self.toast = Some("no contact open: press o to open one".into());
            return;
        };
        match form.access(selected) {
            Access::Editable => {}
            Access::ReadOnly(r) | Access::NotApplicable(r) | Access::Locked(r) => {
                self.toast = Some(format!(
                    "{} cannot be edited: {r}",
                    form.fields()[selected].name
                ));
                return;
            }
        }
        let field = &form.fields()[selected];
        let current = form.value(selected).as_text().unwrap_or("").to_string();
        match field.kind {
            k if k.is_bool() => self.toggle(),
            Kind::Enum | Kind::Country => {
                let options: Vec<(String, String)> = if field.kind == Kind::Enum {
                    field
                        .limits
                        .values
                        .iter()
                        .map(|v| (v.clone(), v.clone()))
                        .collect()
                } else {
                    celes::Country::get_countries()
                        .iter()
                        .map(|c| {
                            (
                                c.alpha2.to_string(),
                                format!("{}  {}", c.alpha2, c.long_name),
                            )
                        })
                        .collect()
                };
                let selected_option = options.iter().position(|(v, _)| *v == current).unwrap_or(0);
                self.mode = Mode::Pick(Picker {
                    field: selected,
                    filter: String::new(),
                    options,
                    selected: selected_option,
                });
            }
            kind => {
                let multiline = matches!(kind, Kind::Multiline | Kind::Json);
                let lines: Vec<String> = if multiline {
                    current.lines().map(str::to_string).collect()
                } else {
                    vec![current]
                };
                let mut area = TextArea::new(if lines.is_empty() {
                    vec![String::new()]
                } else {
                    lines
                });
                area.move_cursor(tui_textarea::CursorMove::Bottom);
                area.move_cursor(tui_textarea::CursorMove::End);
                if field.is_secret() {
                    area.set_mask_char('•');
                }
                let mut editor = Editor {
                    field: selected,
                    area,
                    multiline,
                    issue: None,
                };
                self.check_editor(&mut editor);
                self.mode = Mode::Edit(editor);
            }
        }
    }

    fn check_editor(&self, editor: &mut Editor) {
        let Some(form) = self.ws().form.as_ref() else {
            return;
        };
        let text = editor.area.lines().join("\n");
        editor.issue = check_value(&form.fields()[editor.field], &Value::text(text))
            .err()
            .map(|i| i.message);
    }

    fn edit_key(&mut self, mut editor: Editor, key: KeyEvent) {
        let ctrl_s =
            key.code == KeyCode::Char('s') && key.modifiers.contains(KeyModifiers::CONTROL);
        let commit = ctrl_s || (key.code == KeyCode::Enter && !editor.multiline);
        if key.code == KeyCode::Esc {
            return; // cancelled: back to Normal, nothing changed
        }
        if commit {
            let text = editor.area.lines().join("\n");
            self.ws_mut().selected = editor.field;
            self.with_form(|form, i| form.set_text(i, &text).map(|_| ()));
            return;
        }
        editor.area.input(key);
        self.check_editor(&mut editor);
        self.mode = Mode::Edit(editor);
    }

    fn pick_key(&mut self, mut picker: Picker, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter => {
                let chosen = picker
                    .visible()
                    .get(picker.selected)
                    .map(|(v, _)| v.clone());
                if let Some(value) = chosen {
                    self.with_form(|form, i| form.set_text(i, &value).map(|_| ()));
                }
                return;
            }
            KeyCode::Up => picker.selected = picker.selected.saturating_sub(1),
            KeyCode::Down => {
                picker.selected =
                    (picker.selected + 1).min(picker.visible().len().saturating_sub(1))
            }
            KeyCode::Backspace => {
                picker.filter.pop();
                picker.selected = 0;
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                picker.filter.push(c);
                picker.selected = 0;
            }
            _ => {}
        }
        self.mode = Mode::Pick(picker);
    }

    /// Prepares the update on a fresh read (conflicts open the conflict modal), then shows the
    /// exact request in the review modal.
    fn review(&mut self) {
        let w = self.ws();
        let Some(form) = &w.form else {
            self.toast = Some("no contact open: press o to open one".into());
            return;
        };
        if form.dirty_count() == 0 {
            self.toast = Some("nothing to send: no field has changed".into());
            return;
        }
        if let Some(busy) = &w.busy {
            self.toast = Some(format!("wait: {busy}"));
            return;
        }
        self.prepare(self.active, ReviewPurpose::Send { previous: None });
    }

    fn open_modal(&mut self) {
        let mut input = TextArea::default();
        let example = self
            .ws()
            .session
            .as_ref()
            .map(|s| s.spec.reference_example.clone())
            .unwrap_or_default();
        input.set_placeholder_text(format!("reference, e.g. {example}"));
        self.mode = Mode::Modal(Modal::Open {
            input,
            items: Vec::new(),
            selected: None,
            page: 0,
            note: None,
        });
        self.list(1);
    }

    fn history_modal(&mut self) {
        let w = self.ws();
        let (Some(history), Some(reference)) = (&self.history, &w.reference) else {
            self.toast = Some("no contact open, or no history kept".into());
            return;
        };
        match history.list(Some(&w.profile.name), Some(&reference.text)) {
            Ok(mut entries) if !entries.is_empty() => {
                entries.reverse();
                self.mode = Mode::Modal(Modal::History {
                    entries,
                    selected: 0,
                });
            }
            Ok(_) => {
                self.toast = Some(format!(
                    "no confirmed updates of {} from this machine yet",
                    reference.text
                ))
            }
            Err(e) => self.toast = Some(format!("cannot read the history: {e}")),
        }
    }

    /// Sets each field of a past change back to its old value: the inverse update, which the
    /// user then reviews and sends like any other.
    fn revert_entry(&mut self, entry: &HistoryEntry) {
        let Some(form) = self.ws_mut().form.as_mut() else {
            return;
        };
        let mut notes = Vec::new();
        let mut set = 0;
        for change in &entry.changes {
            if change.secret {
                notes.push(format!(
                    "{}: a secret's old value is not kept",
                    change.field
                ));
                continue;
            }
            let old = change
                .old
                .as_ref()
                .map_or(Value::Null, |t| Value::text(t.clone()));
            match form.index(&change.field).and_then(|i| form.set(i, old)) {
                Ok(_) => set += 1,
                Err(e) => notes.push(e.to_string()),
            }
        }
        let mut text = format!(
            "Reverting the update of {}: {set} field(s) set back. Press {} to review and send.",
            entry.time,
            self.keymap.label(Action::Review)
        );
        for n in notes {
            text.push_str(&format!("\n{n}"));
        }
        self.ws_mut().banner = Some(Banner::Info(text));
    }

    /// Copies the request as curl: with changes, the one the review would show (prepared on a
    /// fresh read); otherwise the last request made.
    fn copy_curl(&mut self) {
        let w = self.ws();
        if w.form.as_ref().is_some_and(|f| f.dirty_count() > 0) {
            if let Some(busy) = &w.busy {
                self.toast = Some(format!("wait: {busy}"));
            } else {
                self.prepare(self.active, ReviewPurpose::Copy);
            }
            return;
        }
        match w.exchanges.last().map(|e| e.request.to_curl()) {
            Some(curl) => {
                self.clipboard = Some(curl);
                self.toast = Some("copied the request as curl (secrets as ***)".into());
            }
            None => self.toast = Some("no request to copy yet".into()),
        }
    }

    fn modal_key(&mut self, modal: Modal, key: KeyEvent) {
        let back = matches!(key.code, KeyCode::Esc);
        match modal {
            Modal::Help => {
                if !(back || matches!(key.code, KeyCode::Char('?' | 'q'))) {
                    self.mode = Mode::Modal(Modal::Help);
                }
            }
            Modal::Draft {
                draft,
                changed_on_server,
            } => match key.code {
                KeyCode::Char('r') => {
                    self.ws_mut().pending_draft = None;
                    let refused = match self.ws_mut().form.as_mut() {
                        Some(form) => draft.restore(form),
                        None => Vec::new(),
                    };
                    let mut text = format!(
                        "Restored {} unsent change(s) from {}.",
                        draft.fields.len(),
                        draft.saved_at
                    );
                    if !changed_on_server.is_empty() {
                        text.push_str(&format!(
                            "\nChanged on the server since: {}",
                            changed_on_server.join(", ")
                        ));
                    }
                    for r in refused
                        .iter()
                        .chain(draft.secrets_left_out.iter().map(|s| s as &String))
                    {
                        text.push_str(&format!("\nnot restored: {r}"));
                    }
                    self.ws_mut().banner = Some(Banner::Info(text));
                }
                // Capital D: the modal can appear while the user types ahead, and `d` means
                // "clear" in the form.
                KeyCode::Char('D') => {
                    self.ws_mut().pending_draft = None;
                    let w = self.ws();
                    if let (Some(store), Some(reference)) = (&self.drafts, &w.reference) {
                        let _ = store.remove(&w.profile.name, &reference.text);
                    }
                    self.ws_mut().banner = Some(Banner::Info("Draft discarded.".into()));
                }
                _ => {
                    self.mode = Mode::Modal(Modal::Draft {
                        draft,
                        changed_on_server,
                    })
                }
            },
            Modal::History { entries, selected } => match key.code {
                KeyCode::Esc | KeyCode::Char('q') => {}
                KeyCode::Up => {
                    self.mode = Mode::Modal(Modal::History {
                        entries,
                        selected: selected.saturating_sub(1),
                    })
                }
                KeyCode::Down => {
                    let last = entries.len() - 1;
                    self.mode = Mode::Modal(Modal::History {
                        entries,
                        selected: (selected + 1).min(last),
                    });
                }
                KeyCode::Enter => {
                    let entry = entries[selected].clone();
                    self.revert_entry(&entry);
                }
                _ => self.mode = Mode::Modal(Modal::History { entries, selected }),
            },
            Modal::Quit => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.quit = true,
                KeyCode::Char('n') | KeyCode::Esc => {}
                _ => self.mode = Mode::Modal(Modal::Quit),
            },
            Modal::Review {
                review,
                request,
                scroll,
            } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => self.send(review),
                KeyCode::Char('n') | KeyCode::Esc => {}
                KeyCode::Down => {
                    self.mode = Mode::Modal(Modal::Review {
                        review,
                        request,
                        scroll: scroll + 1,
                    })
                }
                KeyCode::Up => {
                    self.mode = Mode::Modal(Modal::Review {
                        review,
                        request,
                        scroll: scroll.saturating_sub(1),
                    })
                }
                _ => {
                    self.mode = Mode::Modal(Modal::Review {
                        review,
                        request,
                        scroll,
                    })
                }
            },
            Modal::Profiles { selected } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Up | KeyCode::Char('k') => {
                    self.mode = Mode::Modal(Modal::Profiles {
                        selected: selected.saturating_sub(1),
                    })
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    let last = self.workspaces.len() - 1;
                    self.mode = Mode::Modal(Modal::Profiles {
                        selected: (selected + 1).min(last),
                    });
                }
                KeyCode::Enter => {
                    let name = self.workspaces[selected].profile.name.clone();
                    match self.activate(&name) {
                        Ok(()) if self.ws().form.is_none() && self.ws().busy.is_none() => {
                            self.open_modal()
                        }
                        Ok(()) => {}
                        Err(e) => self.ws_mut().banner = Some(Banner::Error(e)),
                    }
                }
                _ => self.mode = Mode::Modal(Modal::Profiles { selected }),
            },
            Modal::Conflict {
                conflicts,
                mut take_theirs,
                selected,
            } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Up => {
                    self.mode = Mode::Modal(Modal::Conflict {
                        conflicts,
                        take_theirs,
                        selected: selected.saturating_sub(1),
                    })
                }
                KeyCode::Down => {
                    let last = conflicts.len() - 1;
                    self.mode = Mode::Modal(Modal::Conflict {
                        conflicts,
                        take_theirs,
                        selected: (selected + 1).min(last),
                    });
                }
                KeyCode::Char('t') | KeyCode::Char('m') | KeyCode::Char(' ') => {
                    take_theirs[selected] = match key.code {
                        KeyCode::Char('t') => true,
                        KeyCode::Char('m') => false,
                        _ => !take_theirs[selected],
                    };
                    self.mode = Mode::Modal(Modal::Conflict {
                        conflicts,
                        take_theirs,
                        selected,
                    });
                }
                KeyCode::Enter => {
                    let names = conflicts
                        .iter()
                        .zip(&take_theirs)
                        .filter(|(_, t)| **t)
                        .map(|(c, _)| c.field.clone())
                        .collect();
                    if let Some(reference) = self.ws().reference.clone() {
                        self.load(reference, LoadPurpose::Resolve { take_theirs: names });
                    }
                }
                _ => {
                    self.mode = Mode::Modal(Modal::Conflict {
                        conflicts,
                        take_theirs,
                        selected,
                    })
                }
            },
            Modal::Open {
                mut input,
                items,
                selected,
                page,
                note,
            } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Enter => {
                    let typed = input.lines().join("").trim().to_string();
                    let chosen = if typed.is_empty() {
                        selected
                            .and_then(|i| items.get(i))
                            .map(|i| i.reference.clone())
                    } else {
                        Some(typed)
                    };
                    match chosen.map(|text| self.open_reference(&text)) {
                        Some(Ok(())) => {}
                        Some(Err(e)) => {
                            self.mode = Mode::Modal(Modal::Open {
                                input,
                                items,
                                selected,
                                page,
                                note: Some(e),
                            })
                        }
                        None => {
                            self.mode = Mode::Modal(Modal::Open {
                                input,
                                items,
                                selected,
                                page,
                                note,
                            })
                        }
                    }
                }
                KeyCode::Up => {
                    let selected = selected.map(|s| s.saturating_sub(1));
                    self.mode = Mode::Modal(Modal::Open {
                        input,
                        items,
                        selected,
                        page,
                        note,
                    });
                }
                KeyCode::Down => {
                    let at_end = selected.is_some_and(|s| s + 1 >= items.len());
                    let selected = match selected {
                        Some(s) => Some((s + 1).min(items.len().saturating_sub(1))),
                        None if !items.is_empty() => Some(0),
                        None => None,
                    };
                    self.mode = Mode::Modal(Modal::Open {
                        input,
                        items,
                        selected,
                        page,
                        note,
                    });
                    if at_end && page > 0 {
                        self.list(page + 1);
                    }
                }
                _ => {
                    input.input(key);
                    self.mode = Mode::Modal(Modal::Open {
                        input,
                        items,
                        selected,
                        page,
                        note,
                    });
                }
            },
        }
    }

    pub fn on_mouse(&mut self, mouse: MouseEvent) {
        let at = Position::new(mouse.column, mouse.row);
        if !matches!(self.mode, Mode::Normal) {
            return;
        }
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if self.layout.form.contains(at) {
                    self.focus = Pane::Form;
                    if let Some((_, field)) =
                        self.layout.rows.iter().find(|(row, _)| *row == mouse.row)
                    {
                        self.ws_mut().selected = *field;
                    }
                } else if self.layout.response.contains(at) {
                    self.focus = Pane::Response;
                } else if self.layout.raw.contains(at) {
                    self.focus = Pane::Raw;
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = mouse.kind == MouseEventKind::ScrollDown;
                if self.layout.raw.contains(at) {
                    let ws = self.ws_mut();
                    ws.raw_scroll = if down {
                        ws.raw_scroll + 3
                    } else {
                        ws.raw_scroll.saturating_sub(3)
                    }
                    .min(ws.raw.len().saturating_sub(1));
                } else if self.layout.form.contains(at) {
                    // The wheel acts where it points, whichever pane has the focus.
                    self.focus = Pane::Form;
                    self.act(if down { Action::Down } else { Action::Up });
                }
            }
            _ => {}
        }
    }
}

impl Workspace {
    fn profile_update_method(&self) -> String {
        self.form
            .as_ref()
            .map(|f| f.spec().update.method.clone())
            .unwrap_or_default()
    }
}

/// The raw pane's lines: every exchange, request then response, JSON indented.
pub fn raw_lines(exchanges: &[Exchange]) -> Vec<String> {
    let mut out = Vec::new();
    for (n, e) in exchanges.iter().enumerate() {
        if n > 0 {
            out.push(String::new());
        }
        out.extend(e.to_text().lines().map(str::to_string));
    }
    out
}
