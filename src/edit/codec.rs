//! Per-kind conversion between the vendor's JSON and the form's text, and the kind-level checks
//! that decide whether a text can be sent at all.

use email_address::{EmailAddress, Options};
use serde_json::Value as Json;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::Value;
use crate::spec::{JsonType, Kind};

/// Why a text is not a value of its kind: the rule and a sentence about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindError {
    pub message: String,
}

fn refuse<T>(message: impl Into<String>) -> Result<T, KindError> {
    Err(KindError {
        message: message.into(),
    })
}

/// The form's value for what the vendor returned (`None` when the record lacks the field).
pub fn from_json(kind: Kind, json: Option<&Json>) -> Value {
    let json = match json {
        None | Some(Json::Null) => return Value::Null,
        Some(json) => json,
    };
    let text = match (kind, json) {
        (_, Json::String(s)) if kind != Kind::Json => {
            // Flags may come back as "True"/"1"; show them the way the form writes them.
            if kind.is_bool() {
                parse_flag(kind, s).map(bool_text).unwrap_or(s).to_string()
            } else if kind == Kind::EpochSeconds {
                s.parse::<i64>()
                    .map(format_epoch)
                    .unwrap_or_else(|_| s.clone())
            } else {
                s.clone()
            }
        }
        (Kind::Bool | Kind::BoolString | Kind::FlexibleBool, Json::Bool(b)) => {
            bool_text(*b).to_string()
        }
        (Kind::FlexibleBool, Json::Number(n)) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
            bool_text(n.as_i64() == Some(1)).to_string()
        }
        (Kind::Integer, Json::Number(n))
            if n.as_i64().is_none()
                && n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15) =>
        {
            format!("{}", n.as_f64().unwrap_or_default() as i64)
        }
        (Kind::EpochSeconds, Json::Number(n)) => match n.as_i64() {
            Some(secs) => format_epoch(secs),
            None => n.to_string(),
        },
        (Kind::EmailArray, Json::Array(items)) => items
            .iter()
            .map(|item| match item {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        (Kind::Json, json) => json.to_string(),
        (_, Json::Number(n)) => n.to_string(),
        (_, Json::Bool(b)) => b.to_string(),
        (_, other) => other.to_string(),
    };
    Value::Text(text)
}

/// The JSON the vendor expects for this value, or why the text is not of this kind.
/// Only the kind is checked here; lengths, values and patterns are in `validate`.
pub fn to_json(kind: Kind, json_type: Option<JsonType>, value: &Value) -> Result<Json, KindError> {
    let text = match value {
        Value::Null => return Ok(Json::Null),
        Value::Text(t) => t,
    };
    match kind {
        Kind::Text | Kind::Multiline | Kind::Enum | Kind::Secret => Ok(Json::String(text.clone())),
        Kind::Email => {
            if text.is_empty() || is_email(text) {
                Ok(Json::String(text.clone()))
            } else {
                refuse("must be a valid e-mail address such as name@example.com")
            }
        }
        Kind::EmailList => {
            // "" is an empty list ("at least 0 characters"); blanks alone are not a list.
            if !text.is_empty() {
                check_email_entries(text)?;
            }
            Ok(Json::String(text.clone()))
        }
        Kind::EmailArray => {
            if text.trim().is_empty() {
                return Ok(Json::Array(Vec::new()));
            }
            check_email_entries(text)?;
            Ok(Json::Array(
                split_list(text)
                    .map(|e| Json::String(e.to_string()))
                    .collect(),
            ))
        }
        Kind::Bool | Kind::FlexibleBool => match parse_flag(kind, text) {
            Some(b) => Ok(Json::Bool(b)),
            None => refuse(flag_rule(kind)),
        },
        Kind::BoolString => match parse_flag(kind, text) {
            Some(b) => Ok(Json::String(bool_text(b).to_string())),
            None => refuse(flag_rule(kind)),
        },
        Kind::Integer => match text.trim().parse::<i64>() {
            Ok(n) => Ok(Json::from(n)),
            Err(_) => refuse("must be a whole number"),
        },
        Kind::Date => {
            if text.is_empty() || is_date(text) {
                Ok(Json::String(text.clone()))
            } else {
                refuse("must be an ISO-8601 date, YYYY-MM-DD")
            }
        }
        Kind::DateTime => {
            if text.is_empty() {
                Ok(Json::String(String::new()))
            } else if let Some(sent) = datetime_with_offset(text) {
                Ok(Json::String(sent))
            } else {
                refuse(
                    "must be an ISO-8601 date-time such as 2024-05-01T09:30:00+00:00 \
                     (a date, or a time without an offset, is read as UTC)",
                )
            }
        }
        Kind::EpochSeconds => match parse_epoch(text) {
            Some(secs) => Ok(Json::from(secs)),
            None => {
                refuse("must be a UTC date-time such as 2024-05-01 09:30:00, or seconds since 1970")
            }
        },
        Kind::Country => {
            // Sent trimmed: the vendors store what they get, and " AU" is not a code.
            if text.is_empty() || country(text).is_some() {
                Ok(Json::String(text.trim().to_string()))
            } else {
                refuse("must be an ISO-3166 country code or name, e.g. AU, AUS or Australia")
            }
        }
        Kind::Json => {
            let parsed: Json = serde_json::from_str(text).map_err(|e| KindError {
                message: format!("must be valid JSON ({e})"),
            })?;
            match (json_type, &parsed) {
                (Some(JsonType::Object), json) if !json.is_object() && !json.is_null() => {
                    refuse("must be a JSON object {…}")
                }
                (Some(JsonType::Array), json) if !json.is_array() && !json.is_null() => {
                    refuse("must be a JSON array […]")
                }
                _ => Ok(parsed),
            }
        }
    }
}

/// The text of what `to_json` sends for a string-valued kind, which may differ from what was
/// typed (a date-time gains its offset, a country loses surrounding spaces); other values as
/// they are.
pub fn as_sent(kind: Kind, json_type: Option<JsonType>, value: &Value) -> Value {
    match (kind.is_stringly(), to_json(kind, json_type, value)) {
        (true, Ok(Json::String(sent))) => Value::Text(sent),
        _ => value.clone(),
    }
}

/// Whether two values mean the same to the vendor, so that typing the original back is clean:
/// `TRUE` equals `true` for flags, spacing between list entries does not count, and JSON is
/// compared parsed. Texts that do not parse are compared as written.
pub fn same(kind: Kind, json_type: Option<JsonType>, a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    let (Value::Text(ta), Value::Text(tb)) = (a, b) else {
        return false;
    };
    match kind {
        Kind::EmailList => {
            split_list(ta).eq(split_list(tb)) && ta.trim().is_empty() == tb.trim().is_empty()
        }
        Kind::Bool
        | Kind::BoolString
        | Kind::FlexibleBool
        | Kind::Integer
        | Kind::EpochSeconds
        | Kind::EmailArray
        | Kind::Json => match (to_json(kind, json_type, a), to_json(kind, json_type, b)) {
            (Ok(ja), Ok(jb)) => ja == jb,
            _ => false,
        },
        _ => false,
    }
}

/// The kind's empty value, which clearing with `ClearAs::Empty` sets: empty text for strings
/// and lists, `[]`/`{}` for JSON arrays and objects. Flags and numbers have none.
pub fn empty_value(kind: Kind, json_type: Option<JsonType>) -> Option<Value> {
    if kind.is_stringly() || kind == Kind::EmailArray {
        return Some(Value::Text(String::new()));
    }
    match (kind, json_type) {
        (Kind::Json, Some(JsonType::Array)) => Some(Value::text("[]")),
        (Kind::Json, Some(JsonType::Object)) => Some(Value::text("{}")),
        _ => None,
    }
}

/// The text a flag is written with in the form.
pub fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// Reads a flag. `bool` and `bool_string` take true/false in any case; `flexible_bool`
/// also takes 0 and 1 (cro: "One of 0, 1, True, False (case insensitive)").
pub fn parse_flag(kind: Kind, text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else if kind == Kind::FlexibleBool && t == "1" {
        Some(true)
    } else if kind == Kind::FlexibleBool && t == "0" {
        Some(false)
    } else {
        None
    }
}

fn flag_rule(kind: Kind) -> &'static str {
    if kind == Kind::FlexibleBool {
        "must be one of 0, 1, True, False"
    } else {
        "must be true or false"
    }
}

/// Entries of a comma-separated list, trimmed of spaces, tabs and newlines.
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim)
}

fn check_email_entries(text: &str) -> Result<(), KindError> {
    for (n, entry) in split_list(text).enumerate() {
        if entry.is_empty() {
            return refuse(format!("entry {} of the list is empty", n + 1));
        }
        if !is_email(entry) {
            return refuse(format!(
                "entry {} ({entry:?}) is not a valid e-mail address",
                n + 1
            ));
        }
    }
    Ok(())
}

/// An address as a web form would take it: a plain addr-spec whose domain is a host name with
/// a dot, with no display name and no IP literal.
pub fn is_email(text: &str) -> bool {
    let options = Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
    };
    EmailAddress::parse_with_options(text, options).is_ok()
        && text
            .rsplit_once('@')
            .is_some_and(|(_, domain)| is_host_name(domain))
}

/// A DNS host name (RFC 1123): labels of ASCII letters, digits and hyphens, not starting or
/// ending with a hyphen. The address crate takes any RFC 5322 domain (`ex_ample.com`), which
/// the vendors refuse.
pub fn is_host_name(domain: &str) -> bool {
    domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

pub fn is_date(text: &str) -> bool {
    text.len() == 10 && Date::parse(text, format_description!("[year]-[month]-[day]")).is_ok()
}

/// ISO-8601 date-time with an offset, without one, or a bare date (.NET APIs such as servicedesk
/// take all three for their "date" type).
pub fn is_datetime(text: &str) -> bool {
    is_date(text)
        || OffsetDateTime::parse(text, &Rfc3339).is_ok()
        || parse_local_datetime(text).is_some()
}

/// The RFC 3339 date-time with an offset that is sent for a date-time field: as written when
/// it carries an offset, else read as UTC and written with `+00:00` like the pages' examples
/// (`2024-05-01 09:30` → `2024-05-01T09:30:00+00:00`, `2024-05-01` → midnight UTC). `None`
/// when the text is not a date-time.
pub fn datetime_with_offset(text: &str) -> Option<String> {
    let t = text.trim();
    if OffsetDateTime::parse(t, &Rfc3339).is_ok() {
        return Some(t.to_string());
    }
    if is_date(t) {
        return Some(format!("{t}T00:00:00+00:00"));
    }
    parse_local_datetime(t)?;
    // Validated above, so the date is the first ten ASCII characters and a separator follows.
    let (date, rest) = t.split_at(10);
    let time = &rest[1..];
    let seconds = if time.len() == 5 { ":00" } else { "" };
    Some(format!("{date}T{time}{seconds}+00:00"))
}

fn parse_local_datetime(text: &str) -> Option<PrimitiveDateTime> {
    let with_seconds = format_description!(
        "[year]-[month]-[day][first [T][ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    let minutes = format_description!("[year]-[month]-[day][first [T][ ]][hour]:[minute]");
    PrimitiveDateTime::parse(text, with_seconds)
        .or_else(|_| PrimitiveDateTime::parse(text, minutes))
        .ok()
}

/// Seconds since 1970 as the form shows them.
pub fn format_epoch(secs: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => {
            let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
            t.format(format).unwrap_or_else(|_| secs.to_string())
        }
        Err(_) => secs.to_string(),
    }
}

/// Reads what `format_epoch` writes, an RFC 3339 date-time, a local date-time taken as UTC,
/// a bare date (midnight UTC) or plain seconds.
pub fn parse_epoch(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<i64>() {
        return Some(secs);
    }
    if let Ok(t) = OffsetDateTime::parse(t, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let local = t.strip_suffix("UTC").map(str::trim_end).unwrap_or(t);
    if let Some(dt) = parse_local_datetime(local) {
        return Some(dt.assume_utc().unix_timestamp());
    }
    if is_date(local) {
        let date = Date::parse(local, format_description!("[year]-[month]-[day]")).ok()?;
        return Some(date.midnight().assume_utc().unix_timestamp());
    }
    None
}

/// The ISO-3166 country a code or English name stands for, in any case, spacing and accents,
/// and in the standard's inverted form ("AU", "aus", "036", "Australia", "AUSTRALIA",
/// "Côte d'Ivoire", "Korea, Republic of").
pub fn country(text: &str) -> Option<celes::Country> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(c) = t.parse::<celes::Country>() {
        return Some(c);
    }
    // Codes are at most three characters and are never squashed ("A U" is not "AU").
    if t.chars().count() <= 3 {
        return None;
    }
    // The crate's name keys are lowercase ASCII with spaces and punctuation removed.
    let squash = |name: &str| -> String {
        name.nfd()
            .filter(|c| !is_combining_mark(*c))
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut candidates = vec![squash(t)];
    // "Korea, Republic of" is "Republic of Korea"; "Congo, The Democratic Republic of the" too.
    if let Some((head, tail)) = t.split_once(',') {
        candidates.push(squash(&format!("{tail} {head}")));
        candidates.push(squash(head));
    }
    // The crate's aliases hold names people write that its main table lacks ("North Macedonia").
    candidates.iter().find_map(|c| {
        c.parse::<celes::Country>()
            .or_else(|_| celes::Country::from_alias(c))
            .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    #[test]
    fn epoch_seconds_round_trip_through_the_readable_form() {
        assert_eq!(format_epoch(1_640_995_200), "2022-01-01 00:00:00 UTC");
        assert_eq!(parse_epoch("2022-01-01 00:00:00 UTC"), Some(1_640_995_200));
        assert_eq!(parse_epoch("2022-01-03T00:00:00Z"), Some(1_641_168_000));
        assert_eq!(parse_epoch("2022-01-01"), Some(1_640_995_200));
        assert_eq!(parse_epoch("1641168000"), Some(1_641_168_000));
        assert_eq!(parse_epoch("yesterday"), None);
        let shown = from_json(Kind::EpochSeconds, Some(&Json::from(1_641_168_000)));
        assert_eq!(shown, t("2022-01-03 00:00:00 UTC"));
        assert_eq!(
            to_json(Kind::EpochSeconds, None, &shown),
            Ok(Json::from(1_641_168_000))
        );
    }

    #[test]
    fn dates_and_datetimes() {
        assert!(is_date("2001-08-01"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2001-8-1"));
        assert!(!is_date("01/08/2001"));
        assert!(is_datetime("2026-04-24T10:59:50.6554761+00:00"));
        assert!(is_datetime("2026-04-24T10:59:50"));
        assert!(is_datetime("2026-04-24T10:59"));
        assert!(is_datetime("2026-04-24"));
        assert!(!is_datetime("2026-04-24T25:00:00"));
        assert!(!is_datetime("April 24"));
    }

    #[test]
    fn datetimes_are_sent_with_an_offset_and_without_one_read_as_utc() {
        let sent = |text: &str| to_json(Kind::DateTime, None, &t(text));
        let offset = "2026-04-24T10:59:50.6554761+00:00";
        assert_eq!(sent(offset), Ok(Json::from(offset)));
        assert_eq!(
            sent("2026-04-24T10:59:50+02:00"),
            Ok(Json::from("2026-04-24T10:59:50+02:00"))
        );
        assert_eq!(
            sent("2026-04-24 10:59:50"),
            Ok(Json::from("2026-04-24T10:59:50+00:00"))
        );
        assert_eq!(
            sent("2026-04-24T10:59"),
            Ok(Json::from("2026-04-24T10:59:00+00:00"))
        );
        assert_eq!(
            sent("1980-05-17"),
            Ok(Json::from("1980-05-17T00:00:00+00:00"))
        );
        assert_eq!(sent(""), Ok(Json::from("")));
        assert!(sent("2026-04-24 noon").is_err());
        for text in ["2026-04-24 10:59:50", "1980-05-17", "2026-04-24T10:59"] {
            let Ok(Json::String(s)) = sent(text) else {
                panic!("{text}")
            };
            assert!(OffsetDateTime::parse(&s, &Rfc3339).is_ok(), "{s}");
        }
    }

    #[test]
    fn flags_in_each_encoding() {
        let yes = t("TRUE");
        assert_eq!(to_json(Kind::Bool, None, &yes), Ok(Json::Bool(true)));
        assert_eq!(
            to_json(Kind::BoolString, None, &yes),
            Ok(Json::from("true"))
        );
        assert_eq!(
            to_json(Kind::FlexibleBool, None, &t("0")),
            Ok(Json::Bool(false))
        );
        assert!(to_json(Kind::Bool, None, &t("1")).is_err());
        assert!(to_json(Kind::FlexibleBool, None, &t("yes")).is_err());
        assert_eq!(
            from_json(Kind::FlexibleBool, Some(&Json::from(1))),
            t("true")
        );
        assert_eq!(
            from_json(Kind::BoolString, Some(&Json::from("false"))),
            t("false")
        );
        assert!(same(Kind::FlexibleBool, None, &t("True"), &t("1")));
        assert!(!same(Kind::FlexibleBool, None, &t("True"), &t("0")));
    }

    #[test]
    fn email_arrays_and_lists() {
        let json = serde_json::json!(["a@example.com", "b@example.org"]);
        let shown = from_json(Kind::EmailArray, Some(&json));
        assert_eq!(shown, t("a@example.com, b@example.org"));
        assert_eq!(to_json(Kind::EmailArray, None, &shown), Ok(json));
        assert_eq!(
            to_json(Kind::EmailArray, None, &t("")),
            Ok(serde_json::json!([]))
        );
        assert!(to_json(Kind::EmailArray, None, &t("a@example.com, nope")).is_err());
        assert!(to_json(Kind::EmailList, None, &t("a@example.com,\n\tb@example.org")).is_ok());
        assert!(to_json(Kind::EmailList, None, &t("a@example.com,")).is_err());
        assert!(same(
            Kind::EmailList,
            None,
            &t("a@x.io,b@y.io"),
            &t("a@x.io, b@y.io")
        ));
    }

    #[test]
    fn emails_need_a_plain_address_with_a_dotted_domain() {
        assert!(is_email("c@v.com"));
        assert!(is_email("john.doe+billing@example.co.uk"));
        assert!(!is_email("john@localhost"));
        assert!(!is_email("John <john@example.com>"));
        assert!(!is_email("john@[127.0.0.1]"));
        assert!(!is_email("john.example.com"));
        // The domain is a host name: no underscore, no hyphen at a label's edge.
        assert!(is_email("a@ex-ample.com"));
        assert!(!is_email("a@ex_ample.com"));
        assert!(!is_email("a@-example.com"));
        assert!(!is_email("a@example-.com"));
        assert!(!is_email("a@exa mple.com"));
    }

    #[test]
    fn countries_by_code_or_name() {
        for good in [
            "AU",
            "aus",
            "036",
            "Australia",
            "AUSTRALIA",
            "united states",
            "New Zealand",
        ] {
            assert!(country(good).is_some(), "{good}");
        }
        for bad in ["", "XX", "Atlantis", "A U"] {
            assert!(country(bad).is_none(), "{bad}");
        }
        assert_eq!(
            to_json(Kind::Country, None, &t(" AU ")),
            Ok(Json::from("AU"))
        );
    }

    #[test]
    fn json_values_compare_parsed() {
        let a = t(r#"{"a": 1, "b": [2]}"#);
        let b = t(r#"{"a":1,"b":[2]}"#);
        assert!(same(Kind::Json, None, &a, &b));
        assert!(to_json(Kind::Json, Some(JsonType::Object), &t("[1]")).is_err());
        assert!(to_json(Kind::Json, Some(JsonType::Array), &t("[1]")).is_ok());
        assert!(to_json(Kind::Json, None, &t("{")).is_err());
    }
}
