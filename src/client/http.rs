//! Sending: a request built once (`Prepared`), sent as it is with a single 429 retry, its
//! answer's body read under the size limit, and network failures told apart.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};

use super::error::ClientError;
use super::exchange::Exchange;
use super::session::{Failed, Result, Session};

/// What came back, with every exchange it took (two when a 429 was retried). The body is an
/// error when it could not be read after the status came (cut off, too large): an update that
/// got a 2xx was applied even then.
pub(super) struct Answer {
    pub(super) exchanges: Vec<Exchange>,
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: std::result::Result<AnswerBody, ClientError>,
}

/// The answer's bytes: most often exactly the recorded body (nothing to mask), and then not
/// kept twice (a body may be 64 MiB).
pub(super) enum AnswerBody {
    Recorded,
    Own(Vec<u8>),
}

impl Answer {
    pub(super) fn last(&self) -> Exchange {
        self.exchanges
            .last()
            .cloned()
            .expect("an answer has an exchange")
    }

    /// The body as it came, or why it could not be read.
    pub(super) fn bytes(&self) -> std::result::Result<&[u8], &ClientError> {
        match &self.body {
            Ok(AnswerBody::Own(bytes)) => Ok(bytes),
            Ok(AnswerBody::Recorded) => Ok(self
                .exchanges
                .last()
                .and_then(|e| e.response.as_ref())
                .map_or(&[][..], |r| &r.body.as_bytes()[..])),
            Err(e) => Err(e),
        }
    }

    /// The recorded body when it is the answer's bytes (nothing was masked): what the
    /// contact read from them may share.
    pub(super) fn source(&self) -> Option<&bytestring::ByteString> {
        match &self.body {
            Ok(AnswerBody::Recorded) => self
                .exchanges
                .last()
                .and_then(|e| e.response.as_ref())
                .map(|r| &r.body),
            _ => None,
        }
    }

    /// The body, or the failure to read it with the exchanges so far.
    pub(super) fn body(&self) -> Result<&[u8]> {
        self.bytes()
            .map_err(|e| Failed::new(e.clone(), self.exchanges.clone()))
    }
}

/// A request built once, exactly as it is sent (or shown: review, `--dry-run`, `--json`,
/// `--curl`). Its headers hold the credentials: Debug shows the method and URL only, and
/// `Session::record` gives the redacted text.
#[derive(Clone)]
pub struct Prepared {
    pub method: reqwest::Method,
    pub url: String,
    pub(super) headers: HeaderMap,
    pub body: Option<Bytes>,
}

impl Prepared {
    /// The `If-Match` it carries (a batch journals it before sending).
    pub fn if_match(&self) -> Option<String> {
        self.headers
            .get(reqwest::header::IF_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Prepared({} {})", self.method, self.url)
    }
}

impl Session {
    pub(super) fn prepare(
        &self,
        method: &str,
        url: String,
        body: Option<&crate::edit::Body>,
        etag: Option<&str>,
    ) -> Prepared {
        let mut headers = self.auth.clone();
        // Every header is in the prepared request (none added by the HTTP client on the way),
        // so the review, --dry-run and --curl show the whole of what is sent.
        headers.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(concat!("rolo/", env!("CARGO_PKG_VERSION"))),
        );
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
        if let Some(tag) = etag.filter(|t| !t.starts_with("W/")) {
            match HeaderValue::from_str(tag) {
                Ok(tag) => {
                    headers.insert(reqwest::header::IF_MATCH, tag);
                }
                Err(_) => tracing::warn!(
                    profile = %self.profile,
                    "the ETag is not a valid header value: sent without If-Match"
                ),
            }
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or_else(|_| {
            // The spec loader checks methods; a spec built otherwise still reads, never writes.
            tracing::warn!(profile = %self.profile, "method {method:?} is not an HTTP method: GET sent");
            reqwest::Method::GET
        });
        Prepared {
            method,
            url,
            headers,
            // The parsed part with numbers as the vendor wrote them; the members kept as
            // text are as written already.
            body: body.map(|b| Bytes::from(b.text(|known| self.as_written(known)))),
        }
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
        self.redactor.request_shared(
            prepared.method.as_str(),
            &prepared.url,
            &headers,
            prepared.body.as_ref(),
        )
    }

    /// Sends a request; a 429 with a short enough Retry-After is retried once (an update
    /// answered 429 was not applied, so repeating it is safe). No other retry. A URL off the
    /// profile's base URL is refused here too, whoever built the request.
    pub(super) async fn send(&self, prepared: &Prepared) -> Result<Answer> {
        let mut exchanges = Vec::new();
        if let Err(error) = self.check_origin(&prepared.url) {
            tracing::warn!(profile = %self.profile, "{error}");
            return Err(Failed::new(error, exchanges));
        }
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
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    let error = self.classify(&e);
                    tracing::info!(
                        profile = %self.profile,
                        method = %recorded.method,
                        url = %recorded.url,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "no answer: {error}"
                    );
                    exchanges.push(Exchange {
                        request: recorded,
                        response: None,
                    });
                    return Err(Failed::new(error, exchanges));
                }
            };
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = match self.read_body(response).await {
                Ok(body) => body,
                Err(error) => {
                    // The status came, the body did not: the exchange shows no response, and
                    // the caller decides what the status means (a 2xx update was applied).
                    tracing::info!(
                        profile = %self.profile,
                        method = %recorded.method,
                        url = %recorded.url,
                        status,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "answer unread: {error}"
                    );
                    exchanges.push(Exchange {
                        request: recorded,
                        response: None,
                    });
                    return Ok(Answer {
                        exchanges,
                        status,
                        headers,
                        body: Err(error),
                    });
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
            // The recorded body is the answer itself unless something in it was masked.
            let (recorded_body, masked_from) = self.redactor.body_owned(body);
            let response = super::exchange::RecordedResponse {
                status,
                headers: self.redactor.headers(&header_list),
                body: recorded_body,
                elapsed: started.elapsed(),
            };
            let body = masked_from.map_or(AnswerBody::Recorded, AnswerBody::Own);
            // Logged from the recorded (redacted) exchange, never from the raw values.
            tracing::info!(
                profile = %self.profile,
                method = %recorded.method,
                url = %recorded.url,
                status = response.status,
                elapsed_ms = response.elapsed.as_millis() as u64,
                bytes = response.body.len(),
                "answer"
            );
            exchanges.push(Exchange {
                request: recorded,
                response: Some(response),
            });
            let retry = retry_after(&headers).filter(|w| *w <= self.settings.max_retry_after);
            match retry {
                Some(wait) if status == 429 && exchanges.len() == 1 => {
                    tracing::warn!(
                        profile = %self.profile,
                        wait_ms = wait.as_millis() as u64,
                        "HTTP 429: retrying once after Retry-After"
                    );
                    tokio::time::sleep(wait).await
                }
                _ => {
                    return Ok(Answer {
                        exchanges,
                        status,
                        headers,
                        body: Ok(body),
                    });
                }
            }
        }
    }

    async fn read_body(
        &self,
        mut response: reqwest::Response,
    ) -> std::result::Result<Vec<u8>, ClientError> {
        let limit = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|n| n as usize > limit)
        {
            return Err(ClientError::TooLarge { limit });
        }
        // Room for the announced length (within the limit) at once: no doubling copies.
        let mut body = Vec::with_capacity(
            response
                .content_length()
                .map_or(0, |n| (n as usize).min(limit)),
        );
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
                Ok(None) => return Ok(body),
                Err(e) if e.is_timeout() => return Err(self.classify(&e)),
                Err(_) => {
                    return Err(ClientError::Truncated {
                        host: self.host.clone(),
                    });
                }
            }
        }
    }

    pub(super) fn classify(&self, e: &reqwest::Error) -> ClientError {
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
            // With its port: the host alone does not say which service is not running.
            ClientError::Refused {
                host: self.address(),
            }
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
}

pub(super) fn etag(headers: &HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// How long `Retry-After` asks to wait: seconds, or an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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
