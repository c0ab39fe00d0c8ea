//! Everything that can go wrong talking to a vendor, each as a sentence a user can act on,
//! with the command line's exit code.

use std::time::Duration;

use super::envelope::Outcome;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error(
        "cannot connect to {host}: connection refused (is the service running and the base URL right?)"
    )]
    Refused { host: String },
    #[error("cannot find the host {host} (DNS): check the profile's base URL and your network")]
    Dns { host: String },
    #[error("TLS failed with {host}: {detail}")]
    Tls { host: String, detail: String },
    #[error("no answer from {host} within {} ms (timeout); try again, or raise timeout_ms in config.toml", .after.as_millis())]
    Timeout { host: String, after: Duration },
    #[error("{host} closed the connection without answering")]
    Closed { host: String },
    #[error("the answer from {host} was cut off before its end")]
    Truncated { host: String },
    #[error("network error with {host}: {detail}")]
    Network { host: String, detail: String },
    #[error("the answer is larger than {} MiB; raise max_body_mb in config.toml to accept it", .limit / (1024 * 1024))]
    TooLarge { limit: usize },
    #[error("{}", status_sentence(*.status, .outcome, .retry_after))]
    Status {
        status: u16,
        outcome: Outcome,
        /// Seconds, when the vendor said when to try again.
        retry_after: Option<u64>,
    },
    #[error(
        "HTTP {status}: the vendor redirected to {location}; rolo does not follow redirects (they would change an update into a read, or send the credentials elsewhere): fix the profile's base_url"
    )]
    Redirect { status: u16, location: String },
    #[error("the request needs {0}, which the reference does not give")]
    MissingValue(String),
    /// The second wall behind the spec loader's path checks: the credentials only ever go to
    /// the profile's own scheme, host and port.
    #[error(
        "refused before sending: the request would go to {url}, not to the profile's base_url {base} (scheme, host and port must be the same): fix the vendor spec's paths"
    )]
    Elsewhere { url: String, base: String },
    #[error("HTTP {status}: an HTML page came back instead of JSON{}", .title.as_ref().map(|t| format!(" (\"{t}\")")).unwrap_or_default())]
    Html { status: u16, title: Option<String> },
    #[error("HTTP {status}: the answer is not JSON ({snippet})")]
    NotJson { status: u16, snippet: String },
    #[error("HTTP {status}: the answer has an empty body where a contact was expected")]
    Empty { status: u16 },
    #[error("the answer has no contact at `{path}`")]
    NoContact { path: String },
    #[error("the {vendor} spec {what}")]
    ListUnsupported { vendor: String, what: String },
}

fn status_sentence(status: u16, outcome: &Outcome, retry_after: &Option<u64>) -> String {
    let what = match status {
        400 => "the vendor refused the request as invalid",
        401 => "the vendor refused the credentials: check the profile's secret",
        403 => "the credentials are not allowed to do this (a role or tenant is missing)",
        404 => "no such contact at this vendor: check the reference",
        409 => {
            "the vendor reports a conflict with the contact's current state: reload and try again"
        }
        412 => "the contact changed on the server since it was read: reload and try again",
        422 => "the vendor could not process the values",
        429 => "the vendor is limiting requests",
        500..=599 => "the vendor failed to handle the request (server error): try again later",
        _ => "the vendor answered with an error",
    };
    let mut out = format!("HTTP {status}: {what}");
    if let Some(summary) = outcome.summary() {
        out.push_str(&format!(" — {summary}"));
    }
    if let Some(s) = retry_after {
        out.push_str(&format!(" (retry after {s} s)"));
    }
    out
}

impl ClientError {
    /// The exit code of PRODUCT.md (3, refused before sending, is the edit model's): 4 the vendor answered an error
    /// status, 5 network, timeout, TLS or an unreadable answer.
    pub fn exit_code(&self) -> u8 {
        match self {
            ClientError::Status { .. } | ClientError::Redirect { .. } => 4,
            ClientError::MissingValue(_)
            | ClientError::Elsewhere { .. }
            | ClientError::ListUnsupported { .. } => 2,
            ClientError::Html { status, .. }
            | ClientError::NotJson { status, .. }
            | ClientError::Empty { status }
                if *status >= 400 =>
            {
                4
            }
            _ => 5,
        }
    }
}
