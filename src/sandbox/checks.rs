//! The sandbox's own checks of incoming values. They are written apart from the client's
//! validator (`crate::edit`) on purpose: the sandbox exists to catch client bugs, so it must
//! not share the client's mistakes.

use serde_json::{Map, Value as Json};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// One broken rule in a request: the field (dotted) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub message: String,
}

impl Violation {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Collects violations while walking a request body.
#[derive(Debug, Default)]
pub struct Report(pub Vec<Violation>);

impl Report {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Violation::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keys the endpoint does not take: unknown ones, and read-only ones with their reason.
    pub fn only_keys(
        &mut self,
        prefix: &str,
        object: &Map<String, Json>,
        allowed: &[&str],
        read_only: &[&str],
    ) {
        for key in object.keys() {
            let name = join(prefix, key);
            if read_only.contains(&key.as_str()) {
                self.add(&name, "is read-only and cannot be updated");
            } else if !allowed.contains(&key.as_str()) {
                self.add(&name, "is not a field of this endpoint");
            }
        }
    }

    /// A string (or, when `nullable`, null); returns the string when there is one.
    pub fn string<'a>(&mut self, field: &str, value: &'a Json, nullable: bool) -> Option<&'a str> {
        match value {
            Json::String(s) => Some(s),
            Json::Null if nullable => None,
            Json::Null => {
                self.add(field, "may not be null");
                None
            }
            _ => {
                self.add(field, "must be a string");
                None
            }
        }
    }

    /// Character count between `min` and `max` (inclusive).
    pub fn length(&mut self, field: &str, text: &str, min: usize, max: usize) {
        let n = text.chars().count();
        if n < min {
            self.add(
                field,
                format!("must be at least {min} characters (got {n})"),
            );
        } else if n > max {
            self.add(field, format!("must be at most {max} characters (got {n})"));
        }
    }

    pub fn one_of(&mut self, field: &str, text: &str, allowed: &[&str]) {
        if !allowed.contains(&text) {
            self.add(field, format!("must be one of {}", allowed.join(", ")));
        }
    }

    /// An e-mail address; empty text is allowed when `allow_empty`.
    pub fn email(&mut self, field: &str, text: &str, allow_empty: bool) {
        if text.is_empty() && allow_empty {
            return;
        }
        if !looks_like_email(text) {
            self.add(field, format!("{text:?} is not a valid e-mail address"));
        }
    }

    pub fn date(&mut self, field: &str, text: &str) {
        if !is_iso_date(text) {
            self.add(field, "must be an ISO 8601 date (YYYY-MM-DD)");
        }
    }

    pub fn guid(&mut self, field: &str, text: &str) {
        if !is_guid(text) {
            self.add(
                field,
                "must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
            );
        }
    }
}

pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// local@domain.tld: a non-empty local part without spaces or a second `@`, and a domain that
/// is a host name: dot-separated labels of ASCII letters, digits and hyphens (no underscore, no
/// hyphen at a label's edge) with at least one dot.
pub fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return false;
    }
    if local
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c))
    {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

pub fn is_iso_date(text: &str) -> bool {
    text.len() == 10 && Date::parse(text, format_description!("[year]-[month]-[day]")).is_ok()
}

/// A date-time as the pages' examples write it: RFC 3339 with an offset
/// (`2026-04-24T10:59:50.6554761+00:00`). Stricter than a .NET binder on purpose, so that a
/// client sending a local time (whose zone the vendor would guess) is caught here.
pub fn is_offset_datetime(text: &str) -> bool {
    let strict = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]][offset_hour sign:mandatory]:[offset_minute]"
    );
    OffsetDateTime::parse(text, strict).is_ok()
        || (text.ends_with('Z') && OffsetDateTime::parse(text, &Rfc3339).is_ok())
}

pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Now as seconds since 1970.
pub fn now_epoch() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Now as RFC 3339 with seconds (exsited's timestamps).
pub fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    now.format(&Rfc3339).unwrap_or_default()
}

/// Now the way .NET writes a UTC DateTimeOffset: seven fraction digits and `+00:00`.
pub fn now_dotnet() -> String {
    let now = OffsetDateTime::now_utc();
    let f = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]+00:00"
    );
    now.format(f).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shapes() {
        for good in ["a@b.co", "john.doe+x@example.com", "c@v.com"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.com",
            "a@@b.com",
            "a b@c.com",
            "a@b..com",
            "a@-b.com",
            "a@b-.com",
            "a@ex_ample.com",
            "a@exämple.com",
            "<a@b.com>",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn guids_and_dates() {
        assert!(is_guid("93498506-9dde-4593-b844-e3c51c0e2bc2"));
        assert!(!is_guid("93498506-9dde-4593-b844-e3c51c0e2bc"));
        assert!(!is_guid("93498506x9dde-4593-b844-e3c51c0e2bc2"));
        assert!(is_iso_date("2001-08-01"));
        assert!(!is_iso_date("2001-02-30"));
        assert!(is_offset_datetime("2026-04-24T10:59:50.6554761+00:00"));
        assert!(is_offset_datetime("1980-05-17T00:00:00+00:00"));
        assert!(is_offset_datetime("1980-05-17T00:00:00Z"));
        assert!(!is_offset_datetime("1980-05-17T00:00:00"));
        assert!(!is_offset_datetime("2026-04-24 10:59:50"));
        assert!(!is_offset_datetime("1980-05-17"));
        assert!(!is_offset_datetime("17/05/1980"));
        assert_eq!(
            now_dotnet().len(),
            "2026-04-24T10:59:50.6554761+00:00".len()
        );
    }
}
