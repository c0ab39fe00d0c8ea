//! Types of a reference template's placeholders, as the vendor's page gives them for the path
//! parameters (cro: `customer_id Integer`; servicedesk: `id globally unique identifier`), so a
//! malformed reference is refused before any request instead of coming back as a 404.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::SpecError;
use super::template::Template;

/// What a placeholder's value must look like. A placeholder without a type takes any text.
#[derive(Debug, Clone)]
pub enum ParamType {
    /// Decimal digits (a whole number, not negative).
    Integer,
    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal digits, any case.
    Guid,
    /// Text the pattern matches (`{ pattern = "^[0-9]{18,19}$" }`; found anywhere in the value
    /// unless anchored, as in JSON Schema and a field's `pattern`).
    Pattern(Regex),
}

impl PartialEq for ParamType {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ParamType::Pattern(a), ParamType::Pattern(b)) => a.as_str() == b.as_str(),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

impl Eq for ParamType {}

/// A type as the spec file writes it: a name, or a table with a pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawParamType {
    Name(String),
    Pattern { pattern: String },
}

impl ParamType {
    /// The types known by name.
    pub const NAMED: [(&'static str, ParamType); 2] =
        [("integer", ParamType::Integer), ("guid", ParamType::Guid)];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.clone())
    }

    /// "integer", "guid", or "pattern".
    pub fn name(&self) -> &'static str {
        match self {
            ParamType::Integer => "integer",
            ParamType::Guid => "guid",
            ParamType::Pattern(_) => "pattern",
        }
    }

    pub fn accepts(&self, text: &str) -> bool {
        match self {
            ParamType::Integer => {
                !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit())
            }
            ParamType::Guid => {
                let groups: Vec<&str> = text.split('-').collect();
                groups.len() == 5
                    && groups
                        .iter()
                        .zip([8, 4, 4, 4, 12])
                        .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
            }
            ParamType::Pattern(regex) => regex.is_match(text),
        }
    }
}

/// The expected shape, as an error message ends: "a whole number" or "a GUID (…)".
impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamType::Integer => f.write_str("a whole number such as 1001"),
            ParamType::Guid => f.write_str("a GUID such as 93498506-9dde-4593-b844-e3c51c0e2bc2"),
            ParamType::Pattern(regex) => write!(f, "text matching {}", regex.as_str()),
        }
    }
}

/// `[reference.types]`: each name a placeholder of the template, each type one rolo knows or
/// a pattern that compiles.
pub(super) fn parse_types(
    raw: &BTreeMap<String, Spanned<RawParamType>>,
    reference: &Template,
    error: &dyn Fn(Range<usize>, String) -> SpecError,
) -> Result<BTreeMap<String, ParamType>, SpecError> {
    let mut types = BTreeMap::new();
    for (name, kind) in raw {
        if !reference.params().any(|p| p == name) {
            return Err(error(
                kind.span(),
                format!(
                    "reference.types names {{{name}}}, which the reference template {reference} does not have"
                ),
            ));
        }
        let known = match kind.get_ref() {
            RawParamType::Name(type_name) => ParamType::from_name(type_name).ok_or_else(|| {
                let names: Vec<&str> = ParamType::NAMED.iter().map(|(n, _)| *n).collect();
                error(
                    kind.span(),
                    format!(
                        "unknown reference type {type_name:?} (use one of {}, or {{ pattern = \"…\" }})",
                        names.join(", ")
                    ),
                )
            })?,
            RawParamType::Pattern { pattern } => {
                ParamType::Pattern(Regex::new(pattern).map_err(|e| {
                    error(
                        kind.span(),
                        format!("the pattern of {{{name}}} does not compile: {e}"),
                    )
                })?)
            }
        };
        types.insert(name.clone(), known);
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_guids() {
        assert!(ParamType::Integer.accepts("5001"));
        for bad in ["", "abc", "-1", "1.5", " 1", "12345678901234567890"] {
            assert!(!ParamType::Integer.accepts(bad), "{bad:?}");
        }
        assert!(ParamType::Guid.accepts("93498506-9DDE-4593-b844-e3c51c0e2bc2"));
        for bad in [
            "abc",
            "93498506-9dde-4593-b844-e3c51c0e2bc",
            "93498506x9dde-4593-b844-e3c51c0e2bc2",
        ] {
            assert!(!ParamType::Guid.accepts(bad), "{bad:?}");
        }
        assert_eq!(ParamType::from_name("guid"), Some(ParamType::Guid));
        assert_eq!(ParamType::from_name("uuid"), None);
        let digits = ParamType::Pattern(Regex::new("^[0-9]{18,19}$").unwrap());
        assert!(digits.accepts("123456789012345678"));
        assert!(!digits.accepts("12345"));
        assert_eq!(digits.to_string(), "text matching ^[0-9]{18,19}$");
        assert_ne!(digits, ParamType::Pattern(Regex::new("^[0-9]+$").unwrap()));
    }
}
