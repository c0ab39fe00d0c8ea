//! `config.toml`: profiles (vendor + base URL + secret + vendor extras), the default profile
//! and HTTP settings, plus the built-in `sandbox-<vendor>` profiles.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::client::secret::{CommandLine, DEFAULT_SECRET_TIMEOUT, Secret, SecretSource};
use crate::spec::{Catalog, Kind, VendorSpec};

mod built_in;
mod values;

use built_in::built_in_profiles;
use values::{parse_secret, parse_timeout, without_userinfo};

/// Where the built-in sandbox profiles point unless `ROLO_SANDBOX_URL` says otherwise.
pub const DEFAULT_SANDBOX_URL: &str = "http://127.0.0.1:7878";

#[derive(Debug, Clone, PartialEq)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// The whole exchange, body included.
    pub timeout: Duration,
    /// Bodies larger than this are refused rather than held in memory.
    pub max_body_bytes: usize,
    /// The longest `Retry-After` a 429 is retried after; longer ones are reported instead.
    pub max_retry_after: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024 * 1024,
            max_retry_after: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileOrigin {
    BuiltIn,
    Config,
}

/// A vendor + a base URL + credentials + vendor extras.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub vendor: String,
    pub base_url: String,
    pub secret: SecretSource,
    /// Vendor extras (cro `tenant_id`) as the text sent in headers.
    pub extras: BTreeMap<String, String>,
    /// Extra headers sent with every request (`headers = { "x-trace" = "on" }`).
    pub headers: BTreeMap<String, String>,
    /// The pace of `rolo apply` on this profile (`rate = "10/s"`), as written; the batch
    /// module parses it.
    pub rate: Option<String>,
    pub origin: ProfileOrigin,
}

/// A problem with the config file: which file, which line, what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file read, if there was one.
    pub path: Option<PathBuf>,
    pub default_profile: Option<String>,
    pub http: HttpSettings,
    /// Built-in profiles first, then the configured ones (a configured profile may not reuse a
    /// built-in name).
    pub profiles: Vec<Profile>,
    /// The terminal UI's theme name (`theme = "light"`).
    pub theme: Option<String>,
    /// Key rebindings: action name → key chords (`[keys] review = ["s", "ctrl-s"]`), checked by
    /// the terminal UI, which knows the actions.
    pub keys: Vec<KeyBinding>,
    /// Configured profiles that could not be read, with why: one broken profile does not stop
    /// the others; using it is its error.
    pub broken: Vec<BrokenProfile>,
}

/// A `[profiles.NAME]` table that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenProfile {
    pub name: String,
    pub error: ConfigError,
}

/// One `[keys]` entry, with its line for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    pub action: String,
    pub chords: Vec<String>,
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_profile: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    keys: Option<Spanned<IndexMap<String, Spanned<toml::Value>>>>,
    http: Option<Spanned<RawHttp>>,
    #[serde(default)]
    profiles: IndexMap<String, Spanned<IndexMap<String, Spanned<toml::Value>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    connect_timeout_ms: Option<u64>,
    timeout_ms: Option<u64>,
    max_body_mb: Option<usize>,
    max_retry_after_s: Option<u64>,
}

impl Config {
    /// The built-in profiles only (tests and benchmarks; rolo itself goes through `load`).
    ///
    /// # Panics
    /// If the compiled-in sandbox profiles file is broken, which this module's tests rule out.
    pub fn built_in(catalog: &Catalog) -> Self {
        Self::with_built_ins(catalog).unwrap_or_else(|e| panic!("{e}"))
    }

    fn with_built_ins(catalog: &Catalog) -> Result<Self, ConfigError> {
        Ok(Self {
            path: None,
            default_profile: None,
            http: HttpSettings::default(),
            profiles: built_in_profiles(catalog)?,
            theme: None,
            keys: Vec::new(),
            broken: Vec::new(),
        })
    }

    /// Points the built-in sandbox profiles at a sandbox running elsewhere (`rolo demo`).
    pub fn with_sandbox_url(mut self, url: &str) -> Self {
        for p in self
            .profiles
            .iter_mut()
            .filter(|p| p.origin == ProfileOrigin::BuiltIn)
        {
            p.base_url = format!("{}/{}", url.trim_end_matches('/'), p.vendor);
        }
        self
    }

    /// `config.toml` in `dir` (missing: built-ins only).
    pub fn load(dir: Option<&Path>, catalog: &Catalog) -> Result<Self, ConfigError> {
        let Some(path) = dir.map(|d| d.join("config.toml")) else {
            return Self::with_built_ins(catalog);
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&path, &text, catalog),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::with_built_ins(catalog),
            Err(e) => Err(ConfigError {
                path: path.display().to_string(),
                line: None,
                message: format!("cannot read it: {e}"),
            }),
        }
    }

    pub fn parse(path: &Path, text: &str, catalog: &Catalog) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let line_of = |offset: usize| {
            text.as_bytes()[..offset.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        };
        let err = |span: Range<usize>, message: String| ConfigError {
            path: shown.clone(),
            line: Some(line_of(span.start)),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            path: shown.clone(),
            line: e.span().map(|s| line_of(s.start)),
            message: e.message().trim().to_string(),
        })?;
        let mut config = Self::with_built_ins(catalog)?;
        config.path = Some(path.to_path_buf());
        if let Some(http) = raw.http {
            let h = http.get_ref();
            let defaults = HttpSettings::default();
            if h.timeout_ms == Some(0)
                || h.connect_timeout_ms == Some(0)
                || h.max_body_mb == Some(0)
            {
                return Err(err(
                    http.span(),
                    "timeouts and max_body_mb must be greater than 0".into(),
                ));
            }
            config.http = HttpSettings {
                connect_timeout: h
                    .connect_timeout_ms
                    .map(Duration::from_millis)
                    .unwrap_or(defaults.connect_timeout),
                timeout: h
                    .timeout_ms
                    .map(Duration::from_millis)
                    .unwrap_or(defaults.timeout),
                max_body_bytes: h
                    .max_body_mb
                    .map(|mb| mb.saturating_mul(1024 * 1024))
                    .unwrap_or(defaults.max_body_bytes),
                max_retry_after: h
                    .max_retry_after_s
                    .map(Duration::from_secs)
                    .unwrap_or(defaults.max_retry_after),
            };
        }
        for (name, table) in &raw.profiles {
            if config.profiles.iter().any(|p| &p.name == name) {
                return Err(err(
                    table.span(),
                    format!("profile {name:?} is a built-in name; choose another"),
                ));
            }
            match parse_profile(name, table, catalog, &err) {
                Ok(profile) => config.profiles.push(profile),
                Err(error) => config.broken.push(BrokenProfile {
                    name: name.clone(),
                    error,
                }),
            }
        }
        config.theme = raw.theme.map(|t| t.into_inner());
        if let Some(keys) = raw.keys {
            for (action, value) in keys.get_ref() {
                // A modal's keys sit in a sub-table: `[keys.review] confirm = "x"` names
                // `review.confirm`.
                if let toml::Value::Table(table) = value.get_ref() {
                    for (name, chords) in table {
                        let chords = chord_list(chords).ok_or_else(|| {
                            err(
                                value.span(),
                                format!(
                                    "[keys.{action}] {name} must be a key such as \"y\" or a list of keys"
                                ),
                            )
                        })?;
                        config.keys.push(KeyBinding {
                            action: format!("{action}.{name}"),
                            chords,
                            line: line_of(value.span().start),
                        });
                    }
                    continue;
                }
                let chords = chord_list(value.get_ref()).ok_or_else(|| {
                    err(
                        value.span(),
                        format!(
                            "[keys] {action} must be a key such as \"ctrl-s\" or a list of keys"
                        ),
                    )
                })?;
                config.keys.push(KeyBinding {
                    action: action.clone(),
                    chords,
                    line: line_of(value.span().start),
                });
            }
        }
        if let Some(default) = raw.default_profile {
            let name = default.get_ref();
            // A broken default is kept: using it reports its own error.
            let known = config.profiles.iter().any(|p| &p.name == name)
                || config.broken.iter().any(|b| &b.name == name);
            if !known {
                return Err(err(
                    default.span(),
                    format!(
                        "default_profile {name:?} is not a profile here; `rolo profiles` lists them"
                    ),
                ));
            }
            config.default_profile = Some(name.clone());
        }
        Ok(config)
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.name.as_str()).collect()
    }

    /// Why a configured profile could not be read, if it is a broken one.
    pub fn broken_profile(&self, name: &str) -> Option<&ConfigError> {
        self.broken
            .iter()
            .find(|b| b.name == name)
            .map(|b| &b.error)
    }
}

type ErrAt<'a> = dyn Fn(Range<usize>, String) -> ConfigError + 'a;

fn parse_profile(
    name: &str,
    table: &Spanned<IndexMap<String, Spanned<toml::Value>>>,
    catalog: &Catalog,
    err: &ErrAt,
) -> Result<Profile, ConfigError> {
    let entries = table.get_ref();
    let text = |key: &str| -> Result<Option<(&str, Range<usize>)>, ConfigError> {
        match entries.get(key) {
            None => Ok(None),
            Some(v) => match v.get_ref().as_str() {
                Some(s) => Ok(Some((s, v.span()))),
                None => Err(err(
                    v.span(),
                    format!("profile {name:?}: {key} must be a string"),
                )),
            },
        }
    };
    let (vendor, vendor_span) = text("vendor")?.ok_or_else(|| {
        err(
            table.span(),
            format!("profile {name:?} needs vendor = \"…\""),
        )
    })?;
    let spec: &Arc<VendorSpec> = catalog.get(vendor).ok_or_else(|| {
        err(
            vendor_span.clone(),
            format!(
                "profile {name:?}: no vendor {vendor:?}{}; known: {}",
                crate::suggest::hint(vendor, catalog.ids()),
                catalog.ids().join(", ")
            ),
        )
    })?;
    let (base_url, url_span) = text("base_url")?.ok_or_else(|| {
        err(
            table.span(),
            format!("profile {name:?} needs base_url = \"https://…\""),
        )
    })?;
    // Credentials in a URL end up in logs, errors and the screen; `secret` keeps them out. The
    // URL is quoted in errors only with its user info removed.
    let shown_url = without_userinfo(base_url);
    if shown_url != base_url {
        return Err(err(
            url_span,
            format!(
                "profile {name:?}: base_url {shown_url:?} carries credentials (user@ or user:password@); remove them and put the credential in secret = {{ env = \"…\" }}, {{ command = \"…\" }} or {{ keyring = \"…\" }}"
            ),
        ));
    }
    match reqwest::Url::parse(base_url) {
        Ok(url) if url.scheme() == "http" || url.scheme() == "https" => {}
        _ => {
            return Err(err(
                url_span,
                format!("profile {name:?}: base_url {base_url:?} is not an http(s) URL"),
            ));
        }
    }
    let timeout = entries
        .get("secret_timeout")
        .map(|v| parse_timeout(name, v, err))
        .transpose()?;
    let secret = match entries.get("secret") {
        None => {
            return Err(err(
                table.span(),
                format!(
                    "profile {name:?} needs secret = {{ env = \"…\" }}, {{ command = \"…\" }}, {{ keyring = \"…\" }} or a literal"
                ),
            ));
        }
        Some(value) => parse_secret(name, value, timeout, err)?,
    };
    let mut extras = BTreeMap::new();
    for (key, value) in entries {
        if matches!(
            key.as_str(),
            "vendor" | "base_url" | "secret" | "secret_timeout" | "headers" | "rate"
        ) {
            continue;
        }
        let Some(extra) = spec.extras.iter().find(|e| &e.name == key) else {
            let known: Vec<&str> = spec.extras.iter().map(|e| e.name.as_str()).collect();
            let hint = if known.is_empty() {
                format!("{vendor} takes no extras")
            } else {
                format!("{vendor} takes {}", known.join(", "))
            };
            return Err(err(
                value.span(),
                format!("profile {name:?}: unknown key {key:?} ({hint})"),
            ));
        };
        let shown = match (extra.kind, value.get_ref()) {
            (Kind::Integer, toml::Value::Integer(n)) => n.to_string(),
            (Kind::Integer, _) => {
                return Err(err(
                    value.span(),
                    format!("profile {name:?}: {key} must be a whole number"),
                ));
            }
            (_, toml::Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        };
        extras.insert(key.clone(), shown);
    }
    if let Some(missing) = spec
        .extras
        .iter()
        .find(|e| e.required && !extras.contains_key(&e.name))
    {
        return Err(err(
            table.span(),
            format!(
                "profile {name:?}: {vendor} needs {} ({})",
                missing.name, missing.help
            ),
        ));
    }
    let mut headers = BTreeMap::new();
    if let Some(table) = entries.get("headers") {
        let bad = || {
            err(
                table.span(),
                format!(
                    "profile {name:?}: headers must be a table of strings, e.g. headers = {{ \"x-trace\" = \"on\" }}"
                ),
            )
        };
        for (k, v) in table.get_ref().as_table().ok_or_else(bad)? {
            // Credentials belong in `secret`, where they are redacted; not in plain headers.
            let auth = spec.auth.iter().any(|h| h.name.eq_ignore_ascii_case(k))
                || ["authorization", "proxy-authorization", "cookie"]
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(k));
            if auth {
                return Err(err(
                    table.span(),
                    format!(
                        "profile {name:?}: headers may not set {k}: credentials go in `secret`, where they are kept out of every output"
                    ),
                ));
            }
            let valid = reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_ok();
            match v.as_str() {
                Some(v) if valid && reqwest::header::HeaderValue::from_str(v).is_ok() => {
                    headers.insert(k.clone(), v.to_string());
                }
                _ => return Err(bad()),
            }
        }
    }
    Ok(Profile {
        name: name.to_string(),
        // The spec's own id: `vendor = "Clemta"` names clemta.
        vendor: spec.id.clone(),
        base_url: base_url.to_string(),
        secret,
        extras,
        headers,
        rate: text("rate")?.map(|(rate, _)| rate.to_string()),
        origin: ProfileOrigin::Config,
    })
}

/// A binding's value: one key (`"y"`) or a list of keys (`["y", "ctrl-s"]`).
fn chord_list(value: &toml::Value) -> Option<Vec<String>> {
    match value {
        toml::Value::String(s) => Some(vec![s.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_take_a_key_or_a_list_and_say_which_entry_is_wrong() {
        let catalog = Catalog::built_in();
        let parse = |text: &str| Config::parse(Path::new("config.toml"), text, &catalog);
        let config =
            parse("[keys]\nreview = [\"s\", \"ctrl-s\"]\n[keys.quit]\nconfirm = \"o\"\n").unwrap();
        let bound: Vec<(&str, Vec<&str>)> = config
            .keys
            .iter()
            .map(|k| {
                (
                    k.action.as_str(),
                    k.chords.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert!(
            bound.contains(&("review", vec!["s", "ctrl-s"])),
            "{bound:?}"
        );
        assert!(bound.contains(&("quit.confirm", vec!["o"])), "{bound:?}");
        let top = parse("[keys]\nreview = 3\n").unwrap_err().to_string();
        assert!(top.contains("[keys] review must be a key"), "{top}");
        let modal = parse("[keys.quit]\nconfirm = [\"o\", 1]\n")
            .unwrap_err()
            .to_string();
        assert!(
            modal.contains("[keys.quit] confirm must be a key"),
            "{modal}"
        );
    }
}
