//! What every emulated vendor shares: the read, update and list handlers, ETag / If-Match,
//! paging and persistence. What differs per vendor (auth, rules, shapes, error bodies) is a
//! `Desk`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use std::collections::HashMap;

use axum::extract::{Query, RawPathParams, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, get, on};
use serde_json::Value as Json;

use super::checks::Violation;
use super::demo::{DemoUser, DemoUsers};
use super::ledger::{self, Ledger, Listed};
use super::search::{Filter, GeneratedTexts, SearchFields};
use super::seed;

/// Why a request is refused. Each vendor turns it into its own status and error body.
#[derive(Debug)]
pub enum Failure {
    Unauthorized(String),
    Forbidden(String),
    NotFound,
    /// `If-Match` names a version that is no longer current.
    Stale,
    /// The body is not JSON.
    Malformed(String),
    /// Rules broken by the body.
    Invalid(Vec<Violation>),
    /// A request the vendor refuses outright (status, code, message).
    Refused(StatusCode, &'static str, String),
}

impl Failure {
    /// The violations written as one line: "fax: must be …; email: …".
    pub fn describe(violations: &[Violation]) -> String {
        violations
            .iter()
            .map(|v| format!("{}: {}", v.field, v.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One page of a list request: `?page=N&per_page=M` (1-based; defaults 1 and 50), or
/// `?offset=N&limit=M`, or `?cursor=C` with the cursor a previous page gave (`next_cursor`).
#[derive(Debug, Clone)]
pub struct Page {
    pub page: usize,
    pub per_page: usize,
    /// The index of the page's first item among all matches.
    pub start: usize,
    /// The cursor of the page after this one, when there is one (set once the total is known).
    pub next_cursor: Option<String>,
}

pub const MAX_PER_PAGE: usize = 500;

impl Page {
    /// The page asked for, or why the request is refused (a cursor this sandbox did not give).
    fn from_query(query: &HashMap<String, String>) -> Result<Self, Failure> {
        let number = |key: &str| query.get(key).and_then(|v| v.parse::<usize>().ok());
        let per_page = number("per_page")
            .or(number("limit"))
            .unwrap_or(50)
            .clamp(1, MAX_PER_PAGE);
        let start = if let Some(cursor) = query.get("cursor") {
            cursor_start(cursor).ok_or_else(|| {
                Failure::Refused(
                    StatusCode::BAD_REQUEST,
                    "invalid_cursor",
                    format!("cursor {cursor:?} was not given by this list"),
                )
            })?
        } else if let Some(offset) = number("offset") {
            offset
        } else {
            (number("page").unwrap_or(1).max(1) - 1).saturating_mul(per_page)
        };
        Ok(Self {
            page: start / per_page + 1,
            per_page,
            start,
            next_cursor: None,
        })
    }

    pub fn total_pages(&self, total: usize) -> usize {
        total.div_ceil(self.per_page).max(1)
    }
}

/// Cursors are opaque to clients; here they are the next item's index, marked so that a page
/// number passed as a cursor is refused.
fn cursor_at(start: usize) -> String {
    format!("at{start}")
}

fn cursor_start(cursor: &str) -> Option<usize> {
    cursor.strip_prefix("at")?.parse().ok()
}

/// One emulated vendor.
pub trait Desk: Send + Sync + 'static {
    fn id(&self) -> &'static str;
    /// The contact's routes after `/<id>`, in axum syntax: `/contacts/{contact_id}`.
    fn item_routes(&self) -> &'static [&'static str];
    fn list_routes(&self) -> &'static [&'static str];
    fn update_method(&self) -> MethodFilter;
    /// Ok, or the 401/403 this vendor gives for these headers and this method; `user` is the
    /// vendor's demo user (assets/sandbox/profiles.toml).
    fn authorize(
        &self,
        user: &DemoUser,
        method: &Method,
        headers: &HeaderMap,
    ) -> Result<(), Failure>;
    /// The headers that carry the demo user's credentials, as this vendor expects them.
    fn demo_headers(&self, user: &DemoUser) -> Vec<(&'static str, String)>;
    fn failure(&self, failure: Failure) -> Response;
    /// Where this vendor's records keep names and e-mails, for `?q=`, `?name=`, `?email=`.
    fn search_fields(&self) -> SearchFields;
    /// A record as a list item; scoped vendors add the scope, so that an item found across
    /// scopes carries its full reference.
    fn list_item(&self, _key: &str, record: &Json) -> Json {
        record.clone()
    }
    /// Ledger key from the path's values (in route order).
    fn key(&self, params: &[String]) -> String {
        params.join("/")
    }
    /// Checks an update body against the stored record; returns what `apply` takes.
    fn check_update(&self, key: &str, stored: &Json, body: Json) -> Result<Json, Failure>;
    /// Changes the stored record, bookkeeping included.
    fn apply(&self, stored: &mut Json, update: Json);
    fn read_body(&self, key: &str, record: &Json) -> Json;
    /// The update's response body; `None` for an empty body.
    fn update_body(&self, key: &str, record: &Json) -> Option<Json>;
    /// A page of the list; `scope` is the list route's value, if it has one (none for a list
    /// across scopes).
    fn list_response(
        &self,
        scope: Option<&str>,
        page: Page,
        items: Vec<Json>,
        total: usize,
    ) -> Response;
    /// Headers every response of this vendor carries (cro `x-request-id`).
    fn finish(&self, _response: &mut Response) {}
}

/// The sandbox's shared state.
pub struct Sandbox {
    pub ledger: Mutex<Ledger>,
    pub state_file: Option<PathBuf>,
    /// The credentials each vendor accepts.
    pub demo: DemoUsers,
    /// Serializes state-file writes so that a later snapshot is never overwritten by an earlier.
    persist: tokio::sync::Mutex<()>,
    /// What searches read of the generated contacts, made on each vendor's first search.
    generated_texts: GeneratedTexts,
    /// Rate limit and random faults (`rolo sandbox --rate-limit --faults`).
    pub chaos: super::chaos::Chaos,
    pub window: super::chaos::Window,
}

impl Sandbox {
    pub fn new(ledger: Ledger, state_file: Option<PathBuf>, demo: DemoUsers) -> Self {
        Self {
            ledger: Mutex::new(ledger),
            state_file,
            demo,
            persist: tokio::sync::Mutex::new(()),
            generated_texts: GeneratedTexts::default(),
            chaos: super::chaos::Chaos::default(),
            window: super::chaos::Window::default(),
        }
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        // A panic while holding the lock cannot leave a half-applied update (updates are
        // computed before they are written), so a poisoned lock is still usable.
        self.ledger
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Writes the state file after an update. The save runs in a task of its own, so a client
    /// hanging up mid-save can neither cut it short nor let a later save overtake it.
    async fn persist(self: &Arc<Self>) -> Result<(), ledger::StateError> {
        let Some(path) = self.state_file.clone() else {
            return Ok(());
        };
        let shared = self.clone();
        let failed = |e: String| ledger::StateError::Write {
            path: path.clone(),
            source: std::io::Error::other(e),
        };
        let target = path.clone();
        tokio::spawn(async move {
            let _turn = shared.persist.lock().await;
            let snapshot = shared.ledger().snapshot();
            tokio::task::spawn_blocking(move || ledger::save_state(&target, &snapshot)).await
        })
        .await
        .map_err(|e| failed(e.to_string()))?
        .map_err(|e| failed(e.to_string()))?
    }
}

pub type Shared = Arc<Sandbox>;

/// The routes of one vendor, under `/<id>`. Faults are injected inside the vendor's router so
/// that they answer in its error shape, and `Desk::finish` wraps everything it answers.
pub fn routes(desk: Arc<dyn Desk>) -> Router<Shared> {
    let prefix = format!("/{}", desk.id());
    let (r, u, l) = (desk.clone(), desk.clone(), desk.clone());
    let item = get(
        move |State(shared): State<Shared>, params: RawPathParams, headers: HeaderMap| {
            let desk = r.clone();
            async move {
                let params = values(&params);
                read(&shared, &*desk, &params, &headers)
            }
        },
    )
    .merge(on(
        desk.update_method(),
        move |State(shared): State<Shared>,
              method: Method,
              params: RawPathParams,
              headers: HeaderMap,
              body: Bytes| {
            let desk = u.clone();
            async move {
                let params = values(&params);
                update(&shared, &*desk, &method, &params, &headers, body).await
            }
        },
    ));
    let list = get(
        move |State(shared): State<Shared>,
              params: RawPathParams,
              Query(query): Query<HashMap<String, String>>,
              headers: HeaderMap| {
            let desk = l.clone();
            async move {
                let scope = values(&params).into_iter().next();
                list(&shared, &*desk, scope.as_deref(), &query, &headers)
            }
        },
    );
    let mut router = Router::new();
    for route in desk.item_routes() {
        router = router.route(&format!("{prefix}{route}"), item.clone());
    }
    for route in desk.list_routes() {
        router = router.route(&format!("{prefix}{route}"), list.clone());
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            desk.clone(),
            super::fault::inject,
        ))
        .layer(axum::middleware::map_response_with_state(desk, finish))
}

fn values(params: &RawPathParams) -> Vec<String> {
    params.iter().map(|(_, v)| v.to_string()).collect()
}

async fn finish(State(desk): State<Arc<dyn Desk>>, mut response: Response) -> Response {
    desk.finish(&mut response);
    response
}

fn with_etag(mut response: Response, etag: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The desk's verdict on these credentials, given its demo user.
fn authorize(
    shared: &Shared,
    desk: &dyn Desk,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(), Failure> {
    match shared.demo.get(desk.id()) {
        Some(user) => desk.authorize(user, method, headers),
        // `start` refuses a profiles file without every vendor, so this is not reached; if it
        // were, every request would say why rather than fail silently.
        None => Err(Failure::Unauthorized(format!(
            "the sandbox has no demo user for {}",
            desk.id()
        ))),
    }
}

fn read(shared: &Shared, desk: &dyn Desk, params: &[String], headers: &HeaderMap) -> Response {
    if let Err(f) = authorize(shared, desk, &Method::GET, headers) {
        return desk.failure(f);
    }
    let key = desk.key(params);
    let ledger = shared.ledger();
    let Some(contact) = ledger.get(desk.id(), &key) else {
        return desk.failure(Failure::NotFound);
    };
    let body = desk.read_body(&key, &contact.record);
    with_etag(axum::Json(body).into_response(), &contact.etag())
}

/// Whether an `If-Match` header (absent, `*`, or a list of tags) allows an update of `etag`.
fn if_match_allows(headers: &HeaderMap, etag: &str) -> bool {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return true;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    text.split(',')
        .map(str::trim)
        // If-Match uses the strong comparison (RFC 9110 13.1.1): a weak tag never matches.
        .any(|tag| tag == "*" || tag == etag)
}

async fn update(
    shared: &Shared,
    desk: &dyn Desk,
    method: &Method,
    params: &[String],
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(f) = authorize(shared, desk, method, headers) {
        return desk.failure(f);
    }
    let key = desk.key(params);
    let (reply, etag) = {
        let mut ledger = shared.ledger();
        // Checked on a read-only view first: a refused update of a generated contact leaves it
        // derived, not held.
        let change = {
            let Some(contact) = ledger.get(desk.id(), &key) else {
                return desk.failure(Failure::NotFound);
            };
            if !if_match_allows(headers, &contact.etag()) {
                return desk.failure(Failure::Stale);
            }
            let parsed: Json = match serde_json::from_slice(&body) {
                Ok(json) => json,
                Err(e) => return desk.failure(Failure::Malformed(e.to_string())),
            };
            match desk.check_update(&key, &contact.record, parsed) {
                Ok(change) => change,
                Err(f) => return desk.failure(f),
            }
        };
        let Some(contact) = ledger.get_mut(desk.id(), &key) else {
            return desk.failure(Failure::NotFound);
        };
        desk.apply(&mut contact.record, change);
        contact.revision += 1;
        let reply = desk.update_body(&key, &contact.record);
        let etag = contact.etag();
        ledger.mark_changed(desk.id(), &key);
        (reply, etag)
    };
    if let Err(e) = shared.persist().await {
        // The update is in memory but not on disk: say so rather than claim success.
        return (StatusCode::INTERNAL_SERVER_ERROR, format!("sandbox: {e}")).into_response();
    }
    let response = match reply {
        Some(body) => axum::Json(body).into_response(),
        None => StatusCode::OK.into_response(),
    };
    with_etag(response, &etag)
}

fn list(
    shared: &Shared,
    desk: &dyn Desk,
    scope: Option<&str>,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Response {
    if let Err(f) = authorize(shared, desk, &Method::GET, headers) {
        return desk.failure(f);
    }
    let mut page = match Page::from_query(query) {
        Ok(page) => page,
        Err(f) => return desk.failure(f),
    };
    let filter = Filter::from_query(query);
    let fields = desk.search_fields();
    let vendor = desk.id();
    // Generated contacts are searched by their kept text, and built only for the page.
    let count = shared.ledger().generated();
    let generated = (!filter.is_empty()).then(|| shared.generated_texts.of(vendor, &fields, count));
    let ledger = shared.ledger();
    let mut all = ledger.list(vendor, scope).peekable();
    // An unknown scope is a 404; a known one with no match is an empty page.
    if scope.is_some() && all.peek().is_none() {
        return desk.failure(Failure::NotFound);
    }
    let found: Vec<Listed> = all
        .filter(|listed| match (listed, &generated) {
            (_, None) => true,
            (Listed::Held { contact, .. }, _) => filter.matches(&fields, &contact.record),
            (Listed::Derived { index, .. }, Some(texts)) => texts
                .get(index - 1)
                .is_some_and(|text| filter.matches_text(text)),
        })
        .collect();
    let total = found.len();
    let end = page.start.saturating_add(page.per_page);
    if end < total {
        page.next_cursor = Some(cursor_at(end));
    }
    let items: Vec<Json> = found
        .into_iter()
        .skip(page.start)
        .take(page.per_page)
        .map(|listed| match listed {
            Listed::Held { key, contact } => desk.list_item(&key, &contact.record),
            Listed::Derived { key, index } => {
                desk.list_item(&key, &seed::generated_record(vendor, index))
            }
        })
        .collect();
    desk.list_response(scope, page, items, total)
}
