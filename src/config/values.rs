//! Reading a profile's values that need more than a type: a secret's source and its timeout,
//! and a base URL as it may be shown (never with credentials).

use super::*;

/// `base_url` as it may be shown: any `user:password@` between the scheme and the host cut out.
/// Works on any text, parsable URL or not, since an unparsable one is quoted in errors too.
pub(super) fn without_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

/// `secret_timeout = "30s"` (or `"500ms"`, `"2m"`, or a number of seconds).
pub(super) fn parse_timeout(
    name: &str,
    value: &Spanned<toml::Value>,
    err: &ErrAt,
) -> Result<Duration, ConfigError> {
    let bad = || {
        err(
            value.span(),
            format!(
                "profile {name:?}: secret_timeout must be a duration from 1ms to 1h, such as \"30s\", \"500ms\", \"2m\" or 30 (seconds)"
            ),
        )
    };
    let duration = match value.get_ref() {
        toml::Value::Integer(n) => u64::try_from(*n).ok().map(Duration::from_secs),
        toml::Value::String(s) => {
            let s = s.trim();
            let (number, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
                Some(i) => s.split_at(i),
                None => (s, "s"),
            };
            let n: Option<u64> = number.parse().ok();
            match unit.trim() {
                "ms" => n.map(Duration::from_millis),
                "s" => n.map(Duration::from_secs),
                "m" => n.and_then(|n| n.checked_mul(60)).map(Duration::from_secs),
                _ => None,
            }
        }
        _ => None,
    };
    duration
        .filter(|d| !d.is_zero() && *d <= Duration::from_secs(3600))
        .ok_or_else(bad)
}

pub(super) fn parse_secret(
    name: &str,
    value: &Spanned<toml::Value>,
    timeout: Option<Duration>,
    err: &ErrAt,
) -> Result<SecretSource, ConfigError> {
    let bad = || {
        err(
            value.span(),
            format!(
                "profile {name:?}: secret must be {{ env = \"…\" }}, {{ command = \"…\" }}, {{ keyring = \"…\" }} or a string"
            ),
        )
    };
    let source = match value.get_ref() {
        toml::Value::String(s) if !s.is_empty() => SecretSource::Literal(Secret::new(s.clone())),
        toml::Value::Table(t) if t.len() == 1 => {
            let (kind, v) = t.iter().next().ok_or_else(bad)?;
            let v = v
                .as_str()
                .filter(|s| !s.is_empty())
                .ok_or_else(bad)?
                .to_string();
            let wait = timeout.unwrap_or(DEFAULT_SECRET_TIMEOUT);
            match kind.as_str() {
                "env" => SecretSource::Env(v),
                "command" => SecretSource::Command {
                    command: CommandLine::new(v),
                    timeout: wait,
                },
                "keyring" => SecretSource::Keyring {
                    entry: v,
                    timeout: wait,
                },
                _ => return Err(bad()),
            }
        }
        _ => return Err(bad()),
    };
    let waits = matches!(
        source,
        SecretSource::Command { .. } | SecretSource::Keyring { .. }
    );
    if timeout.is_some() && !waits {
        return Err(err(
            value.span(),
            format!(
                "profile {name:?}: secret_timeout applies only to a {{ command = \"…\" }} or {{ keyring = \"…\" }} secret; remove it"
            ),
        ));
    }
    Ok(source)
}
