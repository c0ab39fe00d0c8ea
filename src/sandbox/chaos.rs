//! Whole-sandbox trouble for batch tests: a rate limit (`--rate-limit N/s`: 429 with
//! `Retry-After` and `X-RateLimit-*` once a second's quota is spent) and random faults
//! (`--faults P%`: a 503, a dropped connection before or after the update is applied, or a
//! delay). `GET /_sandbox/writes/{vendor}` lists each contact's accepted writes, so a test can
//! prove that no row was applied twice.

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::api::Shared;
use super::serve::DropConnection;

/// A request carrying this header is spared the rate limit and the faults (a test's own
/// concurrent writer, whose writes must land to be counted).
pub const CALM_HEADER: &str = "x-sandbox-calm";

/// What trouble the sandbox makes, set at start.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Chaos {
    /// Requests accepted per second, across all vendors.
    pub rate_limit: Option<u32>,
    /// The share of requests (0–1) that get a fault.
    pub faults: f64,
}

/// `N/s` (or `N`): requests per second.
pub fn parse_rate_limit(text: &str) -> Result<u32, String> {
    let n = text.trim().strip_suffix("/s").unwrap_or(text.trim());
    n.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("--rate-limit {text:?} is not a rate such as 100/s"))
}

/// `P%` (or a fraction `0.05`).
pub fn parse_faults(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let share = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
        None => t.parse::<f64>(),
    };
    share
        .ok()
        .filter(|s| (0.0..=1.0).contains(s))
        .ok_or_else(|| format!("--faults {text:?} is not a share such as 5%"))
}

/// The rate limit's current window: (second, requests in it).
#[derive(Debug, Default)]
pub struct Window(Mutex<(u64, u32)>);

fn random() -> f64 {
    // A v4 UUID is 122 random bits: enough dice for faults without another crate.
    (uuid::Uuid::new_v4().as_u128() >> 75) as f64 / (1u64 << 53) as f64
}

fn limited() -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        axum::Json(json!({"message": "sandbox rate limit: too many requests", "success": false})),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
    headers.insert("x-ratelimit-reset", HeaderValue::from_static("1"));
    response
}

async fn dropped(request_kill: Option<DropConnection>) -> Response {
    if let Some(DropConnection(kill)) = request_kill {
        kill.notify_one();
        std::future::pending::<()>().await;
    }
    (StatusCode::INTERNAL_SERVER_ERROR, "drop is not available\n").into_response()
}

/// The middleware over every vendor's routes.
pub async fn inject(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let chaos = shared.chaos;
    if request.uri().path().starts_with("/_sandbox") || request.headers().contains_key(CALM_HEADER)
    {
        return next.run(request).await;
    }
    if let Some(limit) = chaos.rate_limit {
        let second = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut window = shared.window.0.lock().unwrap_or_else(|p| p.into_inner());
        if window.0 != second {
            *window = (second, 0);
        }
        if window.1 >= limit {
            return limited();
        }
        window.1 += 1;
    }
    if chaos.faults <= 0.0 || random() >= chaos.faults {
        return next.run(request).await;
    }
    let kill = request.extensions().get::<DropConnection>().cloned();
    match (random() * 4.0) as u32 {
        0 => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"message": "sandbox fault: service unavailable", "success": false})),
        )
            .into_response(),
        1 => dropped(kill).await,
        2 => {
            // The worst case for a client: the update is applied, the answer never comes.
            let _ = next.run(request).await;
            dropped(kill).await
        }
        _ => {
            tokio::time::sleep(Duration::from_millis(200)).await;
            next.run(request).await
        }
    }
}

/// `GET /_sandbox/writes/{vendor}`: `{"KEY": writes}` for every contact written since start
/// (a contact's writes are its version less one).
pub async fn writes(State(shared): State<Shared>, Path(vendor): Path<String>) -> Response {
    let ledger = shared.ledger.lock().unwrap_or_else(|p| p.into_inner());
    let counts: serde_json::Map<String, serde_json::Value> = ledger
        .held(&vendor)
        .filter(|(_, c)| c.revision > 1)
        .map(|(key, c)| (key, json!(c.revision - 1)))
        .collect();
    axum::Json(serde_json::Value::Object(counts)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rates_and_shares() {
        assert_eq!(parse_rate_limit("100/s"), Ok(100));
        assert_eq!(parse_rate_limit("7"), Ok(7));
        assert!(parse_rate_limit("0/s").is_err());
        assert_eq!(parse_faults("5%"), Ok(0.05));
        assert_eq!(parse_faults("0.5"), Ok(0.5));
        assert!(parse_faults("150%").is_err());
        let r = random();
        assert!((0.0..1.0).contains(&r), "{r}");
    }
}
