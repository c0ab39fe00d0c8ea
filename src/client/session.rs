//! A session with one profile's vendor: read, list and update requests made from the spec,
//! sent with reqwest, recorded with secrets redacted, and their answers read.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value as Json;

use super::envelope::Outcome;
use super::error::{ClientError, Conflict};
use super::exchange::{Exchange, Redactor};
use super::reference::{Reference, ReferenceError};
use super::secret::{self, Secret, SecretError};
use crate::config::{Config, HttpSettings, Profile};
use crate::edit::{Change, Form, codec};
use crate::spec::{Catalog, Template, VendorSpec};

/// A failure, with whatever was exchanged before it (for `-v` and the raw pane).
#[derive(Debug, Clone)]
pub struct Failed {
    pub error: ClientError,
    pub exchanges: Vec<Exchange>,
}

impl Failed {
    fn new(error: ClientError, exchanges: Vec<Exchange>) -> Box<Self> {
        Box::new(Self { error, exchanges })
    }
}

pub type Result<T> = std::result::Result<T, Box<Failed>>;

/// A contact as read.
#[derive(Clone)]
pub struct Loaded {
    /// The contact object, at the spec's `response_contact`.
    pub record: Json,
    pub etag: Option<String>,
    pub outcome: Outcome,
    pub exchange: Exchange,
}

/// A confirmed update.
#[derive(Clone)]
pub struct Sent {
    pub status: u16,
    pub outcome: Outcome,
    /// The contact as stored: from the update's answer, or re-read when it has no body.
    pub record: Json,
    pub etag: Option<String>,
    pub changes: Vec<Change>,
    /// Re-read, update (and its 429 retry), and the read after an update with no body.
    pub exchanges: Vec<Exchange>,
}

/// One page of the vendor's contact list.
#[derive(Debug, Clone)]
pub struct Listing {
    pub items: Vec<ListItem>,
    pub exchange: Exchange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub reference: String,
    pub label: String,
}

/// What came back, with every exchange it took (two when a 429 was retried).
struct Answer {
    exchanges: Vec<Exchange>,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn last(&self) -> Exchange {
        self.exchanges
            .last()
            .cloned()
            .expect("an answer has an exchange")
    }
}

/// A request ready to send (or to show: `--dry-run`, `--curl`).
#[derive(Clone)]
pub struct Prepared {
    pub method: reqwest::Method,
    pub url: String,
    headers: HeaderMap,
    pub body: Option<Bytes>,
}

// Records and bodies may hold secret fields (servicedesk e_password): their Debug shows the
// shape only, and the recorded (redacted) exchanges carry the text.
impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("etag", &self.etag)
            .field("exchange", &self.exchange)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Sent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sent")
            .field("status", &self.status)
            .field("changes", &self.changes)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Prepared({} {})", self.method, self.url)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("no profile named {name:?}; `rolo profiles` lists them: {known}")]
    UnknownProfile { name: String, known: String },
    #[error("profile {profile:?} uses vendor {vendor:?}, which is not loaded")]
    UnknownVendor { profile: String, vendor: String },
    #[error("profile {profile:?}: {source}")]
    Secret {
        profile: String,
        source: SecretError,
    },
    #[error("profile {profile:?}: {message}")]
    Invalid { profile: String, message: String },
    #[error("cannot start the HTTP client: {0}")]
    Http(String),
}

pub struct Session {
    pub spec: Arc<VendorSpec>,
    pub profile: String,
    base: String,
    host: String,
    auth: HeaderMap,
    redactor: Redactor,
    http: reqwest::Client,
    settings: HttpSettings,
    /// Bytes of the answer being read, for progress while a large or slow body arrives.
    received: Arc<std::sync::atomic::AtomicU64>,
}

impl Session {
    /// The vendor's host, as the header shows it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Bytes received so far of the answer being read.
    pub fn received(&self) -> u64 {
        self.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Opens a session on a named profile: resolves its secret and builds its auth headers.
    pub fn open(
        name: &str,
        config: &Config,
        catalog: &Catalog,
    ) -> std::result::Result<Self, OpenError> {
        let profile = config
            .profile(name)
            .ok_or_else(|| OpenError::UnknownProfile {
                name: name.to_string(),
                known: config.names().join(", "),
            })?;
        let spec = catalog
            .get(&profile.vendor)
            .ok_or_else(|| OpenError::UnknownVendor {
                profile: name.to_string(),
                vendor: profile.vendor.clone(),
            })?;
        let secret =
            secret::resolve(&profile.secret, config.path.as_deref()).map_err(|source| {
                OpenError::Secret {
                    profile: name.to_string(),
                    source,
                }
            })?;
        Self::new(spec.clone(), profile, secret, config.http.clone())
    }

    pub fn new(
        spec: Arc<VendorSpec>,
        profile: &Profile,
        secret: Secret,
        settings: HttpSettings,
    ) -> std::result::Result<Self, OpenError> {
        let invalid = |message: String| OpenError::Invalid {
            profile: profile.name.clone(),
            message,
        };
        let url = reqwest::Url::parse(&profile.base_url)
            .map_err(|e| invalid(format!("base_url: {e}")))?;
        let host = url.host_str().unwrap_or("the vendor").to_string();
        let mut auth = HeaderMap::new();
        for header in &spec.auth {
            let value = header
                .value
                .render(|p| {
                    if p == "secret" {
                        Some(secret.expose())
                    } else {
                        profile.extras.get(p).map(String::as_str)
                    }
                })
                .map_err(|missing| {
                    invalid(format!("the auth header {} needs {missing}", header.name))
                })?;
            let name = HeaderName::from_bytes(header.name.as_bytes())
                .map_err(|e| invalid(format!("header {}: {e}", header.name)))?;
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                invalid(format!(
                    "the value of {} is not a valid header value",
                    header.name
                ))
            })?;
            value.set_sensitive(header.value.params().any(|p| p == "secret"));
            auth.insert(name, value);
        }
        for (name, value) in &profile.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                auth.insert(name, value);
            }
        }
        let mut builder = reqwest::Client::builder();
        if url.scheme() == "http" {
            // Plain HTTP never does TLS here (redirects are not followed), so the platform's
            // root certificates, which take milliseconds to load, are not loaded.
            builder = builder.tls_certs_only(Vec::<reqwest::Certificate>::new());
        }
        let http = builder
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .user_agent(concat!("rolo/", env!("CARGO_PKG_VERSION")))
            // A followed redirect turns a PATCH into a GET (a false success) and may carry
            // custom auth headers to another host: report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OpenError::Http(e.to_string()))?;
        Ok(Self {
            redactor: Redactor::new(&spec, vec![secret.expose().to_string()]),
            spec,
            profile: profile.name.clone(),
            base: profile.base_url.trim_end_matches('/').to_string(),
            host,
            auth,
            http,
            settings,
            received: Arc::default(),
        })
    }

    pub fn reference(&self, text: &str) -> std::result::Result<Reference, ReferenceError> {
        Reference::parse(&self.spec, text)
    }

    fn url(
        &self,
        template: &Template,
        values: &BTreeMap<String, String>,
    ) -> std::result::Result<String, ClientError> {
        // Reference values were checked to stay inside their path segment (Template::capture).
        let path = template
            .render(|p| values.get(p).map(String::as_str))
            .map_err(ClientError::MissingValue)?;
        Ok(format!("{}{path}", self.base))
    }

    fn prepare(
        &self,
        method: &str,
        url: String,
        body: Option<&Json>,
        etag: Option<&str>,
    ) -> Prepared {
        let mut headers = self.auth.clone();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        if body.is_some() {
            headers.insert(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        // If-Match compares strongly: a weak tag would always fail, so it is not sent (the
        // re-read before the update still guards against lost updates).
        if let Some(tag) = etag
            .filter(|t| !t.starts_with("W/"))
            .and_then(|t| HeaderValue::from_str(t).ok())
        {
            headers.insert(reqwest::header::IF_MATCH, tag);
        }
        Prepared {
            method: reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
            url,
            headers,
            body: body.map(|b| Bytes::from(b.to_string())),
        }
    }

    /// The update request for a body, as `update` sends it when the contact has not changed
    /// since `etag` was read: for `--dry-run`, `--json` and `--curl`.
    pub fn prepare_update(
        &self,
        reference: &Reference,
        body: &Json,
        etag: Option<&str>,
    ) -> std::result::Result<Prepared, ClientError> {
        let url = self.url(&self.spec.update.path, &reference.values)?;
        Ok(self.prepare(&self.spec.update.method, url, Some(body), etag))
    }

    /// How a prepared request is recorded: secrets already `***`.
    pub fn record(&self, prepared: &Prepared) -> super::exchange::RecordedRequest {
        let headers: Vec<(String, String)> = prepared
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        self.redactor.request(
            prepared.method.as_str(),
            &prepared.url,
            &headers,
            prepared.body.as_deref(),
        )
    }

    /// Sends a request; a 429 with a short enough Retry-After is retried once (an update
    /// answered 429 was not applied, so repeating it is safe). No other retry.
    async fn send(&self, prepared: &Prepared) -> Result<Answer> {
        let mut exchanges = Vec::new();
        loop {
            let recorded = self.record(prepared);
            let started = Instant::now();
            let mut request = self
                .http
                .request(prepared.method.clone(), &prepared.url)
                .headers(prepared.headers.clone());
            if let Some(body) = &prepared.body {
                request = request.body(body.clone());
            }
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = response.headers().clone();
                    self.read_body(response)
                        .await
                        .map(|body| (status, headers, body))
                }
                Err(e) => Err(self.classify(&e)),
            };
            let (status, headers, body) = match outcome {
                Ok(answer) => answer,
                Err(error) => {
                    exchanges.push(Exchange {
                        request: recorded,
                        response: None,
                    });
                    return Err(Failed::new(error, exchanges));
                }
            };
            let header_list: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            exchanges.push(Exchange {
                request: recorded,
                response: Some(self.redactor.response(
                    status,
                    &header_list,
                    &body,
                    started.elapsed(),
                )),
            });
            let retry = retry_after(&headers).filter(|w| *w <= self.settings.max_retry_after);
            match retry {
                Some(wait) if status == 429 && exchanges.len() == 1 => {
                    tokio::time::sleep(wait).await
                }
                _ => {
                    return Ok(Answer {
                        exchanges,
                        status,
                        headers,
                        body,
                    });
                }
            }
        }
    }

    async fn read_body(
        &self,
        mut response: reqwest::Response,
    ) -> std::result::Result<Bytes, ClientError> {
        let limit = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|n| n as usize > limit)
        {
            return Err(ClientError::TooLarge { limit });
        }
        let mut body = Vec::new();
        self.received.store(0, std::sync::atomic::Ordering::Relaxed);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    self.received
                        .fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    if body.len() + chunk.len() > limit {
                        return Err(ClientError::TooLarge { limit });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(Bytes::from(body)),
                Err(e) if e.is_timeout() => return Err(self.classify(&e)),
                Err(_) => {
                    return Err(ClientError::Truncated {
                        host: self.host.clone(),
                    });
                }
            }
        }
    }

    fn classify(&self, e: &reqwest::Error) -> ClientError {
        let host = self.host.clone();
        if e.is_timeout() {
            // A connect timeout is the connect limit, not the whole exchange's.
            let after = if e.is_connect() {
                self.settings.connect_timeout
            } else {
                self.settings.timeout
            };
            return ClientError::Timeout { host, after };
        }
        let mut chain = Vec::new();
        let mut io_kind = None;
        let mut tls = None;
        let mut source: Option<&dyn std::error::Error> = Some(e);
        while let Some(err) = source {
            chain.push(err.to_string());
            if let Some(r) = err.downcast_ref::<rustls::Error>() {
                tls.get_or_insert(r.to_string());
            }
            source = match err.downcast_ref::<std::io::Error>() {
                Some(io) => {
                    io_kind.get_or_insert(io.kind());
                    // An io::Error's source() skips the error it wraps; step into it instead
                    // (rustls reports through two of them).
                    io.get_ref()
                        .map(|inner| inner as &dyn std::error::Error)
                        .or_else(|| err.source())
                }
                None => err.source(),
            };
        }
        if let Some(detail) = tls {
            return ClientError::Tls { host, detail };
        }
        let text = chain.join(": ").to_lowercase();
        let innermost = chain.last().cloned().unwrap_or_default();
        if io_kind == Some(std::io::ErrorKind::ConnectionRefused)
            || text.contains("connection refused")
        {
            ClientError::Refused { host }
        } else if text.contains("dns error")
            || text.contains("failed to lookup address")
            || text.contains("name or service not known")
        {
            ClientError::Dns { host }
        } else if text.contains("connection closed before message completed")
            || text.contains("incomplete message")
            || matches!(
                io_kind,
                Some(std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof)
            )
        {
            ClientError::Closed { host }
        } else if e.is_body() || e.is_decode() {
            ClientError::Truncated { host }
        } else {
            ClientError::Network {
                host,
                detail: innermost,
            }
        }
    }

    /// Reads an answer: JSON on success (an envelope saying `success: false` is an error),
    /// the vendor's error otherwise.
    fn judge(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        want_body: bool,
    ) -> std::result::Result<(Option<Json>, Outcome), ClientError> {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim_start();
        let html = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html"))
            || trimmed.starts_with("<!DOCTYPE")
            || trimmed.starts_with("<html");
        let retry = retry_after(headers).map(|d| d.as_secs());
        if (300..400).contains(&status) {
            let location = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("(no Location)");
            return Err(ClientError::Redirect {
                status,
                location: self.redactor.text(location),
            });
        }
        if html {
            return Err(ClientError::Html {
                status,
                title: html_title(&text),
            });
        }
        if trimmed.is_empty() {
            if status >= 400 {
                return Err(ClientError::Status {
                    status,
                    outcome: Outcome::default(),
                    retry_after: retry,
                });
            }
            if want_body {
                return Err(ClientError::Empty { status });
            }
            return Ok((None, Outcome::default()));
        }
        let json: Json = match serde_json::from_str(trimmed) {
            Ok(j) => j,
            Err(_) if status >= 400 => {
                return Err(ClientError::Status {
                    status,
                    outcome: Outcome {
                        message: Some(snippet(&self.redactor.text(&text))),
                        ..Outcome::default()
                    },
                    retry_after: retry,
                });
            }
            Err(_) => {
                return Err(ClientError::NotJson {
                    status,
                    snippet: snippet(&self.redactor.text(&text)),
                });
            }
        };
        // A vendor may quote what it was sent (an "invalid API key …" message): the outcome is
        // shown and printed, so it goes through the redactor like every recorded text.
        let mut outcome = Outcome::read(&self.spec.envelope, &json);
        for text in [
            &mut outcome.message,
            &mut outcome.code,
            &mut outcome.details,
        ]
        .into_iter()
        .flatten()
        {
            *text = self.redactor.text(text);
        }
        if status >= 400 || outcome.success == Some(false) {
            return Err(ClientError::Status {
                status,
                outcome,
                retry_after: retry,
            });
        }
        Ok((Some(json), outcome))
    }

    fn contact<'a>(&self, body: &'a Json) -> std::result::Result<&'a Json, ClientError> {
        match self.spec.response_contact.get(body) {
            Some(c) if c.is_object() => Ok(c),
            _ => Err(ClientError::NoContact {
                path: if self.spec.response_contact.is_root() {
                    "(the body)".into()
                } else {
                    self.spec.response_contact.to_string()
                },
            }),
        }
    }

    /// Reads one contact.
    pub async fn read(&self, reference: &Reference) -> Result<Loaded> {
        let url = self
            .url(&self.spec.read.path, &reference.values)
            .map_err(|e| Failed::new(e, Vec::new()))?;
        let prepared = self.prepare(&self.spec.read.method, url, None, None);
        let answer = self.send(&prepared).await?;
        let fail = |e| Failed::new(e, answer.exchanges.clone());
        let (json, outcome) = self
            .judge(answer.status, &answer.headers, &answer.body, true)
            .map_err(fail)?;
        let json = json.unwrap_or(Json::Null);
        let record = self.contact(&json).map_err(fail)?.clone();
        Ok(Loaded {
            record,
            etag: etag(&answer.headers),
            outcome,
            exchange: answer.last(),
        })
    }

    /// Reads a form for a contact, tied to its reference.
    pub async fn load(&self, reference: &Reference) -> Result<(Form, Loaded)> {
        let loaded = self.read(reference).await?;
        let form = Form::from_record(self.spec.clone(), loaded.record.clone())
            .with_reference(reference.values.clone());
        Ok((form, loaded))
    }

    /// One page of the vendor's list; `scope` gives the list path's values (exsited account).
    pub async fn list(
        &self,
        scope: &BTreeMap<String, String>,
        page: usize,
        per_page: usize,
    ) -> Result<Listing> {
        let Some(list) = &self.spec.list else {
            return Err(Failed::new(
                ClientError::NoContact {
                    path: format!("(the {} spec has no list request)", self.spec.id),
                },
                Vec::new(),
            ));
        };
        let mut url = self
            .url(&list.path, scope)
            .map_err(|e| Failed::new(e, Vec::new()))?;
        let mut query = Vec::new();
        if let Some(p) = &list.page_param {
            query.push(format!("{p}={page}"));
        }
        if let Some(p) = &list.per_page_param {
            query.push(format!("{p}={per_page}"));
        }
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        let prepared = self.prepare(&list.method, url, None, None);
        let answer = self.send(&prepared).await?;
        let exchange = answer.last();
        let fail = |e| Failed::new(e, answer.exchanges.clone());
        let (json, _) = self
            .judge(answer.status, &answer.headers, &answer.body, true)
            .map_err(fail)?;
        let json = json.unwrap_or(Json::Null);
        let items = list
            .items
            .get(&json)
            .and_then(Json::as_array)
            .ok_or_else(|| {
                fail(ClientError::NoContact {
                    path: format!("{} (the list)", list.items),
                })
            })?;
        let field = |item: &Json, name: &str| -> Option<String> {
            match item.get(name)? {
                Json::String(s) => Some(s.clone()),
                Json::Null => None,
                other => Some(other.to_string()),
            }
        };
        let items = items
            .iter()
            .filter_map(|item| {
                let reference = list
                    .reference
                    .render(|p| scope.get(p).cloned().or_else(|| field(item, p)))
                    .ok()?;
                let label: Vec<String> = list
                    .label
                    .iter()
                    .filter_map(|path| path.get(item))
                    .filter_map(|v| match v {
                        Json::String(s) if !s.is_empty() => Some(s.clone()),
                        Json::Null | Json::String(_) => None,
                        other => Some(other.to_string()),
                    })
                    .collect();
                Some(ListItem {
                    reference,
                    label: label.join(" · "),
                })
            })
            .collect();
        Ok(Listing { items, exchange })
    }

    /// Sends the form's changes. Before sending it re-reads the contact: a field the user changed
    /// that also changed on the server is a conflict and nothing is sent; other server changes
    /// are kept (a full-replace body is rebuilt on the fresh record). The update carries the
    /// fresh ETag in `If-Match`.
    pub async fn update(&self, reference: &Reference, form: &Form) -> Result<Sent> {
        let fresh = self.read(reference).await?;
        let mut exchanges = vec![fresh.exchange.clone()];
        let server = Form::from_record(self.spec.clone(), fresh.record.clone())
            .with_reference(reference.values.clone());
        let conflicts: Vec<Conflict> = form
            .dirty_fields()
            .filter_map(|i| {
                let f = &form.fields()[i];
                let same = |a, b| codec::same(f.kind, f.limits.json_type, a, b);
                let (original, now, mine) = (form.original(i), server.original(i), form.value(i));
                // Changed on the server too, and not to what the user wants.
                (!same(original, now) && !same(now, mine)).then(|| Conflict {
                    field: f.name.clone(),
                    secret: f.is_secret(),
                    original: original.clone(),
                    server: now.clone(),
                    mine: mine.clone(),
                })
            })
            .collect();
        if !conflicts.is_empty() {
            return Err(Failed::new(ClientError::Conflict(conflicts), exchanges));
        }
        // The user's changes moved onto the fresh record: rules that depend on other fields
        // (contactreg's contactType) are checked against the server's current values, and a
        // full replace carries every other server change.
        let mut rebased = form.clone();
        rebased.rebase(fresh.record.clone());
        let update = match rebased.build_update() {
            Ok(update) => update,
            // The server already holds every value the user set.
            Err(crate::edit::BuildError::NoChanges) => {
                return Ok(Sent {
                    status: fresh.exchange.response.as_ref().map_or(200, |r| r.status),
                    outcome: Outcome {
                        message: Some(
                            "the server already holds these values; nothing was sent".into(),
                        ),
                        ..Outcome::default()
                    },
                    record: fresh.record,
                    etag: fresh.etag,
                    changes: Vec::new(),
                    exchanges,
                });
            }
            Err(e) => return Err(Failed::new(e.into(), exchanges)),
        };

        let url = self
            .url(&self.spec.update.path, &reference.values)
            .map_err(|e| Failed::new(e, exchanges.clone()))?;
        let prepared = self.prepare(
            &self.spec.update.method,
            url,
            Some(&update.body),
            fresh.etag.as_deref(),
        );
        let answer = match self.send(&prepared).await {
            Ok(a) => a,
            Err(mut failed) => {
                exchanges.append(&mut failed.exchanges);
                failed.exchanges = exchanges;
                return Err(failed);
            }
        };
        exchanges.extend(answer.exchanges.iter().cloned());
        let (status, headers) = (answer.status, &answer.headers);
        let (json, outcome) = self
            .judge(status, headers, &answer.body, false)
            .map_err(|e| Failed::new(e, exchanges.clone()))?;
        let stored = json.as_ref().and_then(|j| self.contact(j).ok()).cloned();
        let (record, etag) = match stored {
            Some(record) => (record, etag(headers)),
            // No body (servicedesk): read back what was stored.
            None => {
                let after = self.read(reference).await.map_err(|mut f| {
                    let mut all = exchanges.clone();
                    all.append(&mut f.exchanges);
                    f.exchanges = all;
                    f
                })?;
                exchanges.push(after.exchange.clone());
                (after.record, after.etag)
            }
        };
        Ok(Sent {
            status,
            outcome,
            record,
            etag,
            changes: update.changes,
            exchanges,
        })
    }
}

fn etag(headers: &HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// How long `Retry-After` asks to wait: seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // The HTTP-date form: how long from now (a date in the past means now).
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = lower[start..].find("</title>")? + start;
    Some(text[start..end].trim().to_string()).filter(|t| !t.is_empty())
}

fn snippet(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let mut h = HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap(),
        );
        let wait = retry_after(&h).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static("soon"),
        );
        assert_eq!(retry_after(&h), None);
    }
}
