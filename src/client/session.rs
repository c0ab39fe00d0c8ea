//! A session with one profile's vendor: opened from a profile (secret resolved, auth headers
//! built), and its reads and list pages. Sending is in `http`, reading answers in `judge`, the
//! update in `update`.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value as Json;

use super::envelope::Outcome;
use super::error::ClientError;
use super::exchange::{Exchange, Redactor};
use super::http::etag;
use super::prune::Wanted;
use super::reference::{Reference, ReferenceError};
use super::secret::{self, Secret, SecretError};
use crate::config::{Config, HttpSettings, Profile};
use crate::edit::{Form, Record};
use crate::spec::{Catalog, Template, VendorSpec};

/// A failure, with whatever was exchanged before it (for `-v` and the raw pane).
#[derive(Debug, Clone)]
pub struct Failed {
    pub error: ClientError,
    pub exchanges: Vec<Exchange>,
}

impl Failed {
    pub(super) fn new(error: ClientError, exchanges: Vec<Exchange>) -> Box<Self> {
        Box::new(Self { error, exchanges })
    }
}

pub type Result<T> = std::result::Result<T, Box<Failed>>;

/// A contact as read.
#[derive(Clone)]
pub struct Loaded {
    /// The contact object, at the spec's `response_contact`.
    pub record: Record,
    pub etag: Option<String>,
    pub outcome: Outcome,
    /// Shared: the editor's raw pane and a review hold the same read (a body may be large).
    pub exchange: Arc<Exchange>,
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("no profile named {name:?}{hint}; `rolo profiles` lists them: {known}")]
    UnknownProfile {
        name: String,
        known: String,
        /// ` (did you mean "…"?)` or empty.
        hint: String,
    },
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
    /// A configured profile that could not be read (see `Config::broken`).
    #[error("{0}")]
    Broken(crate::config::ConfigError),
}

impl OpenError {
    /// No such profile: the ones there are, and the closest to what was typed.
    pub fn unknown_profile(name: &str, config: &Config) -> Self {
        let names = config.names();
        Self::UnknownProfile {
            name: name.to_string(),
            hint: crate::suggest::hint(name, names.iter().copied()),
            known: names.join(", "),
        }
    }
}

pub struct Session {
    pub spec: Arc<VendorSpec>,
    pub profile: String,
    pub(super) base: String,
    /// The base URL parsed: every request's scheme, host and port must be its.
    pub(super) origin: reqwest::Url,
    pub(super) host: String,
    pub(super) auth: HeaderMap,
    pub(super) redactor: Redactor,
    pub(super) http: reqwest::Client,
    pub(super) settings: HttpSettings,
    /// What a read or update answer, and a list answer, are parsed into (`prune`).
    pub(super) contact_wanted: Wanted,
    pub(super) list_wanted: Wanted,
    /// Numbers as a vendor wrote them, by the form serde_json gives them (`1e+400` for
    /// `1e400`): a full-replace body sends back what was read, as it was written.
    pub(super) numbers: std::sync::Mutex<std::collections::HashMap<String, String>>,
    /// Bytes of the answer being read, for progress while a large or slow body arrives.
    pub(super) received: Arc<std::sync::atomic::AtomicU64>,
}

impl Session {
    /// The vendor's host, as the header shows it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `host:port` of the base URL (the port the scheme implies when none is written), which
    /// a refused connection is about.
    pub fn address(&self) -> String {
        match reqwest::Url::parse(&self.base) {
            Ok(url) => match (url.host_str(), url.port_or_known_default()) {
                (Some(host), Some(port)) => format!("{host}:{port}"),
                _ => self.host.clone(),
            },
            Err(_) => self.host.clone(),
        }
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
        if let Some(error) = config.broken_profile(name) {
            return Err(OpenError::Broken(error.clone()));
        }
        let profile = config
            .profile(name)
            .ok_or_else(|| OpenError::unknown_profile(name, config))?;
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
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                (Ok(name), Ok(value)) => {
                    auth.insert(name, value);
                }
                // The value may be a credential: only the header's name is logged.
                _ => tracing::warn!(
                    profile = %profile.name,
                    "profile header {name:?} is not a valid HTTP header: not sent"
                ),
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
            // A followed redirect turns a PATCH into a GET (a false success) and may carry
            // custom auth headers to another host: report it instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OpenError::Http(e.to_string()))?;
        Ok(Self {
            redactor: Redactor::new(&spec, vec![secret.expose().to_string()]),
            contact_wanted: Wanted::contact(&spec),
            list_wanted: Wanted::list(&spec),
            spec,
            profile: profile.name.clone(),
            base: profile.base_url.trim_end_matches('/').to_string(),
            origin: url,
            host,
            auth,
            http,
            settings,
            received: Arc::default(),
            numbers: Default::default(),
        })
    }

    pub fn reference(&self, text: &str) -> std::result::Result<Reference, ReferenceError> {
        Reference::parse(&self.spec, text)
    }

    pub(super) fn url(
        &self,
        template: &Template,
        values: &BTreeMap<String, String>,
    ) -> std::result::Result<String, ClientError> {
        // Reference values were checked to stay inside their path segment (Template::capture).
        let path = template
            .render(|p| values.get(p).map(String::as_str))
            .map_err(ClientError::MissingValue)?;
        let url = format!("{}{path}", self.base);
        self.check_origin(&url)?;
        Ok(url)
    }

    /// Refuses a URL whose scheme, host, port or user differ from the profile's base URL
    /// (a spec path like `@evil.example/x` or `.evil.example/x` glued to the base).
    pub(super) fn check_origin(&self, url: &str) -> std::result::Result<(), ClientError> {
        let base = &self.origin;
        let same = reqwest::Url::parse(url).is_ok_and(|u| {
            u.scheme() == base.scheme()
                && u.host() == base.host()
                && u.port_or_known_default() == base.port_or_known_default()
                && u.username() == base.username()
                && u.password() == base.password()
        });
        if same {
            return Ok(());
        }
        Err(ClientError::Elsewhere {
            url: self.redactor.text(url),
            base: self.redactor.text(base.as_str()),
        })
    }

    /// Reads one contact.
    pub async fn read(&self, reference: &Reference) -> Result<Loaded> {
        let url = self
            .url(&self.spec.read.path, &reference.values)
            .map_err(|e| Failed::new(e, Vec::new()))?;
        let prepared = self.prepare(&self.spec.read.method, url, None, None);
        let answer = self.send(&prepared).await?;
        let judged = self.judge(
            answer.status,
            &answer.headers,
            answer.body()?,
            answer.source(),
            true,
            &self.contact_wanted,
        );
        let etag = etag(&answer.headers);
        // The answer's bytes go here; the recorded exchange is moved, not copied.
        let mut exchanges = answer.exchanges;
        let (pruned, outcome) = match judged {
            Ok(judged) => judged,
            Err(e) => return Err(Failed::new(e, exchanges)),
        };
        let record = match pruned {
            Some(pruned) => match self.contact(&pruned.json) {
                Ok(_) => self.record_of(pruned),
                Err(e) => return Err(Failed::new(e, exchanges)),
            },
            None => match self.contact(&Json::Null) {
                Ok(_) => Record::default(),
                Err(e) => return Err(Failed::new(e, exchanges)),
            },
        };
        let Some(exchange) = exchanges.pop() else {
            unreachable!("an answer has an exchange")
        };
        Ok(Loaded {
            record,
            etag,
            outcome,
            exchange: Arc::new(exchange),
        })
    }

    /// The contact of an answer that has one: split when the vendor sends it back whole,
    /// moved out of its envelope otherwise.
    pub(super) fn record_of(&self, mut pruned: super::prune::Pruned) -> Record {
        match pruned.contact {
            Some(record) => record,
            None => Record::from(take_at(&mut pruned.json, &self.spec.response_contact)),
        }
    }

    /// Reads a form for a contact, tied to its reference.
    pub async fn load(&self, reference: &Reference) -> Result<(Form, Loaded)> {
        let loaded = self.read(reference).await?;
        let form = Form::from_record(self.spec.clone(), loaded.record.clone())
            .with_reference(reference.values.clone());
        Ok((form, loaded))
    }
}

/// Moves the value at `path` out of `json` (the contact out of its envelope, without a copy).
pub(super) fn take_at(json: &mut Json, path: &crate::spec::JsonPath) -> Json {
    let pointer: String = path
        .segments()
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect();
    json.pointer_mut(&pointer)
        .map(Json::take)
        .unwrap_or_default()
}
