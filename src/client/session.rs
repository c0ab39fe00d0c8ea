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
use super::reference::{Reference, ReferenceError};
use super::secret::{self, Secret, SecretError};
use crate::config::{Config, HttpSettings, Profile};
use crate::edit::Form;
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
    pub record: Json,
    pub etag: Option<String>,
    pub outcome: Outcome,
    pub exchange: Exchange,
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
    pub(super) base: String,
    pub(super) host: String,
    pub(super) auth: HeaderMap,
    pub(super) redactor: Redactor,
    pub(super) http: reqwest::Client,
    pub(super) settings: HttpSettings,
    /// Bytes of the answer being read, for progress while a large or slow body arrives.
    pub(super) received: Arc<std::sync::atomic::AtomicU64>,
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

    pub(super) fn url(
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

    /// Reads one contact.
    pub async fn read(&self, reference: &Reference) -> Result<Loaded> {
        let url = self
            .url(&self.spec.read.path, &reference.values)
            .map_err(|e| Failed::new(e, Vec::new()))?;
        let prepared = self.prepare(&self.spec.read.method, url, None, None);
        let answer = self.send(&prepared).await?;
        let fail = |e| Failed::new(e, answer.exchanges.clone());
        let (json, outcome) = self
            .judge(answer.status, &answer.headers, answer.body()?, true)
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
}
