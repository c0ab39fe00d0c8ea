//! Fault injection for tests, chosen per request by the header
//! `x-sandbox-fault: delay=MS, status=CODE, retry-after=S, drop, truncate, html, echo, echo-body, only=METHOD`
//! (any combination, comma-separated). It exists only in the sandbox.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::BodyExt;

use std::sync::Arc;

use axum::extract::State;

use super::api::{Desk, Failure};
use super::serve::DropConnection;

pub const HEADER: &str = "x-sandbox-fault";

/// The faults one request asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Faults {
    pub delay_ms: Option<u64>,
    pub status: Option<StatusCode>,
    pub retry_after: Option<u64>,
    pub drop: bool,
    pub truncate: bool,
    pub html: bool,
    /// Refuse with an error that quotes every header received, as some vendors quote a bad key.
    pub echo: bool,
    /// Refuse with an error that quotes the request's body, as a vendor quotes a bad value.
    pub echo_body: bool,
    /// Answer with a JSON body of this many MiB, streamed without a length.
    pub huge_mb: Option<u64>,
    /// Send the answer one byte a second.
    pub trickle: bool,
    /// Answer with arrays nested this deep.
    pub deep: Option<usize>,
    /// Answer with bytes that are not UTF-8.
    pub binary: bool,
    /// Only requests with this method get the faults (`only=PATCH`: the update fails, the
    /// reads around it do not).
    pub only: Option<String>,
}

pub fn parse(text: &str) -> Result<Faults, String> {
    let mut faults = Faults::default();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, value) = match item.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (item, None),
        };
        let number = |v: Option<&str>| -> Result<u64, String> {
            v.and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a whole number, e.g. {name}=500"))
        };
        match name {
            "delay" => faults.delay_ms = Some(number(value)?),
            "retry-after" => faults.retry_after = Some(number(value)?),
            "status" => {
                let code = number(value)?;
                let status = u16::try_from(code)
                    .ok()
                    .filter(|c| (200..=599).contains(c))
                    .and_then(|c| StatusCode::from_u16(c).ok())
                    .ok_or_else(|| format!("status={code} is not a final HTTP status (200-599)"))?;
                faults.status = Some(status);
            }
            "drop" => faults.drop = true,
            "truncate" => faults.truncate = true,
            "html" => faults.html = true,
            "echo" => faults.echo = true,
            "echo-body" => faults.echo_body = true,
            "huge" => faults.huge_mb = Some(number(value)?),
            "trickle" => faults.trickle = true,
            "deep" => faults.deep = Some(number(value)? as usize),
            "binary" => faults.binary = true,
            "only" => faults.only = Some(value.unwrap_or_default().to_ascii_uppercase()),
            other => {
                return Err(format!(
                    "unknown fault {other:?}: use delay=MS, status=CODE, retry-after=S, drop, truncate, html, echo, echo-body, huge=MB, trickle, deep=N, binary, only=METHOD"
                ));
            }
        }
    }
    Ok(faults)
}

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
<body><h1>Bad Gateway</h1><p>The upstream server did not answer in time.</p><hr><address>sandbox-proxy</address></body></html>\n";

/// Runs inside each vendor's router, so injected errors come in that vendor's error shape.
pub async fn inject(State(desk): State<Arc<dyn Desk>>, request: Request, next: Next) -> Response {
    let Some(value) = request.headers().get(HEADER) else {
        return next.run(request).await;
    };
    let faults = match value.to_str().map_err(|e| e.to_string()).and_then(parse) {
        Ok(f) => f,
        Err(message) => {
            return (StatusCode::BAD_REQUEST, format!("{HEADER}: {message}\n")).into_response();
        }
    };
    if faults
        .only
        .as_deref()
        .is_some_and(|m| m != request.method().as_str())
    {
        return next.run(request).await;
    }
    if let Some(ms) = faults.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if faults.drop {
        // The connection task closes the socket without answering.
        if let Some(DropConnection(kill)) = request.extensions().get() {
            kill.notify_one();
            std::future::pending::<()>().await;
        }
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "drop is not available on this server\n",
        )
            .into_response();
    }
    let mut response = if let Some(mb) = faults.huge_mb {
        huge(mb)
    } else if let Some(depth) = faults.deep {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else if faults.binary {
        let body: Vec<u8> = b"{\"data\": \""
            .iter()
            .chain(&[0xff, 0xfe, 0xc3, 0x28, 0x80])
            .chain(b"\"}")
            .copied()
            .collect();
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else if faults.echo {
        let quoted: Vec<String> = request
            .headers()
            .iter()
            .filter(|(name, _)| name.as_str() != HEADER)
            .map(|(name, value)| format!("{name}={}", String::from_utf8_lossy(value.as_bytes())))
            .collect();
        let status = faults.status.unwrap_or(StatusCode::UNAUTHORIZED);
        desk.failure(Failure::Refused(
            status,
            "SANDBOX_ECHO",
            format!("rejected credentials: {}", quoted.join(", ")),
        ))
    } else if faults.echo_body {
        let status = faults.status.unwrap_or(StatusCode::BAD_REQUEST);
        let body = axum::body::to_bytes(request.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        desk.failure(Failure::Refused(
            status,
            "SANDBOX_ECHO",
            format!("invalid values: {}", String::from_utf8_lossy(&body)),
        ))
    } else if faults.html {
        let status = faults.status.unwrap_or(StatusCode::BAD_GATEWAY);
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            HTML_PAGE,
        )
            .into_response()
    } else if let Some(status) = faults
        .status
        .or(faults.retry_after.map(|_| StatusCode::TOO_MANY_REQUESTS))
    {
        if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED {
            status.into_response()
        } else {
            desk.failure(Failure::Refused(
                status,
                "SANDBOX_FAULT",
                format!("sandbox fault: status {}", status.as_u16()),
            ))
        }
    } else {
        next.run(request).await
    };
    if let Some(seconds) = faults.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    if faults.truncate {
        response = truncate(response).await;
    }
    if faults.trickle {
        response = trickle(response).await;
    }
    response
}

/// A JSON list of `mb` MiB, produced as it is sent (the sandbox never holds it).
fn huge(mb: u64) -> Response {
    const ITEM: &str = r#"{"id":"000000","full_name":"Generated Contact","email":"generated@example.com","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},"#;
    let chunk: Bytes = Bytes::from(ITEM.repeat(64 * 1024 / ITEM.len()));
    let chunks = (mb * 1024 * 1024 / chunk.len() as u64).max(1);
    let body = futures_util::stream::iter((0..chunks + 2).map(move |n| {
        Ok::<Bytes, std::io::Error>(match n {
            0 => Bytes::from_static(b"{\"success\":true,\"data\":["),
            n if n == chunks + 1 => Bytes::from_static(b"{}]}"),
            _ => chunk.clone(),
        })
    }));
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response()
}

/// The same answer, one byte a second.
async fn trickle(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let stream = futures_util::stream::unfold(0usize, move |at| {
        let bytes = bytes.clone();
        async move {
            if at >= bytes.len() {
                return None;
            }
            if at > 0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Some((Ok::<Bytes, std::io::Error>(bytes.slice(at..at + 1)), at + 1))
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// Announces the whole body's length, sends half of it, then breaks the connection.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(bytes.len().max(1)),
    );
    // The pause lets the head and the first half reach the client before the break.
    let stream = futures_util::stream::unfold(Some(half), |state| async move {
        match state {
            Some(half) => Some((Ok::<Bytes, std::io::Error>(half), None)),
            None => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Some((Err(std::io::Error::other("sandbox fault: truncated")), None))
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_combinations_and_refuses_nonsense() {
        let f = parse("delay=250, status=503,retry-after=2").unwrap();
        assert_eq!(f.delay_ms, Some(250));
        assert_eq!(f.status, Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(f.retry_after, Some(2));
        assert_eq!(
            parse("drop").unwrap(),
            Faults {
                drop: true,
                ..Faults::default()
            }
        );
        assert!(parse("delay").is_err());
        assert!(parse("status=99").is_err());
        assert!(parse("status=100").is_err());
        assert!(parse("explode").is_err());
    }
}
