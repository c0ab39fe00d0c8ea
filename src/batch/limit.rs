//! Pacing a batch: a rate per profile (`rate = "10/s"` in config, or `--rate`), enforced with
//! `governor`'s limiter, and slowing down when the vendor says so (429 `Retry-After`,
//! `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`).

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// Requests per period, as written `N/s`, `N/m` or `N` (per second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub per: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rate {0:?} is not a rate such as 10/s or 600/m (a whole number above 0)")]
pub struct RateError(pub String);

impl std::str::FromStr for Rate {
    type Err = RateError;
    fn from_str(text: &str) -> Result<Self, RateError> {
        let bad = || RateError(text.to_string());
        let (count, per) = match text.trim().split_once('/') {
            Some((n, unit)) => (n, unit.trim()),
            None => (text.trim(), "s"),
        };
        let per = match per {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(bad()),
        };
        let count = count.trim().parse::<NonZeroU32>().map_err(|_| bad())?;
        Ok(Rate { count, per })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.per.as_secs() {
            60 => "m",
            3600 => "h",
            _ => "s",
        };
        write!(f, "{}/{unit}", self.count)
    }
}

impl Rate {
    pub fn per_second(&self) -> f64 {
        f64::from(self.count.get()) / self.per.as_secs_f64()
    }
}

const BURST: NonZeroU32 = NonZeroU32::new(2).expect("2 is not 0");

/// Every request of a batch waits here first.
pub struct Pacer {
    limiter: Option<DefaultDirectRateLimiter>,
    /// Nothing leaves before this instant (set by the vendor's "slow down").
    paused_until: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn new(rate: Option<Rate>) -> Self {
        let limiter = rate.and_then(|rate| {
            // Requests are spread evenly. A burst of two lets a request that woke late (a
            // busy machine) be made up by the next one, so the rate is sustained; a vendor
            // counting per second sees at most one request over the rate.
            let period = rate.per / rate.count.get();
            Quota::with_period(period).map(|q| RateLimiter::direct(q.allow_burst(BURST)))
        });
        Self {
            limiter,
            paused_until: Mutex::new(None),
        }
    }

    /// Waits for the pause (if any), then for the limiter's next slot.
    pub async fn wait(&self) {
        loop {
            let until = *self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
            match until {
                Some(at) if at > Instant::now() => tokio::time::sleep_until(at.into()).await,
                _ => break,
            }
        }
        if let Some(limiter) = &self.limiter {
            limiter.until_ready().await;
        }
    }

    /// Holds every request back for `wait` from now (the longest pause asked wins).
    pub fn slow_down(&self, wait: Duration) {
        let at = Instant::now() + wait.min(Duration::from_secs(300));
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        if paused.is_none_or(|p| p < at) {
            *paused = Some(at);
        }
    }

    /// Reads a vendor's rate-limit headers: no requests left means wait for the reset.
    pub fn observe(&self, headers: &[(String, String)]) {
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        };
        if get("x-ratelimit-remaining") == Some(0) {
            let reset = get("x-ratelimit-reset").unwrap_or(1);
            // A reset above a day is an epoch time, not seconds to wait.
            let wait = if reset > 86_400 {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                reset.saturating_sub(now)
            } else {
                reset
            };
            self.slow_down(Duration::from_secs(wait.max(1)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_nonsense_is_refused() {
        let r: Rate = "10/s".parse().unwrap();
        assert_eq!((r.count.get(), r.per), (10, Duration::from_secs(1)));
        assert_eq!("600/m".parse::<Rate>().unwrap().per_second(), 10.0);
        assert_eq!("5".parse::<Rate>().unwrap().to_string(), "5/s");
        for bad in ["0/s", "ten/s", "10/fortnight", "-1", ""] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn exhausted_rate_limit_headers_pause() {
        let pacer = Pacer::new(None);
        pacer.observe(&[("X-RateLimit-Remaining".into(), "3".into())]);
        assert!(pacer.paused_until.lock().unwrap().is_none());
        pacer.observe(&[
            ("x-ratelimit-remaining".into(), "0".into()),
            ("x-ratelimit-reset".into(), "2".into()),
        ]);
        assert!(pacer.paused_until.lock().unwrap().is_some());
    }
}
