//! Search on every list (rolo's convention; no vendor page documents a list): `q` matches
//! names and e-mails, `email` e-mails, `name` names, each a case- and accent-insensitive
//! substring. Written apart from rolo's client and filter, so that it can catch their mistakes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::seed;

/// Where a vendor's records keep their names and e-mails (dotted paths).
pub struct SearchFields {
    /// Joined with spaces into one name, so that "olivia smith" finds first + last.
    pub names: &'static [&'static str],
    pub emails: &'static [&'static str],
}

/// The search a list request asks for; an empty filter lets everything through.
#[derive(Debug, Default)]
pub struct Filter {
    text: Option<String>,
    email: Option<String>,
    name: Option<String>,
}

/// Lowercase, accents removed: "Zoë" and "ZOE" both become "zoe".
pub fn fold(text: &str) -> String {
    // Most names and every generated one are ASCII: skip the decomposition for them.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn at<'a>(record: &'a Json, dotted: &str) -> Option<&'a str> {
    dotted
        .split('.')
        .try_fold(record, |node, key| node.get(key))?
        .as_str()
}

impl Filter {
    pub fn from_query(query: &HashMap<String, String>) -> Self {
        let wanted = |key: &str| {
            query
                .get(key)
                .map(|v| fold(v.trim()))
                .filter(|v| !v.is_empty())
        };
        Self {
            text: wanted("q"),
            email: wanted("email"),
            name: wanted("name"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_none() && self.email.is_none() && self.name.is_none()
    }

    pub fn matches(&self, fields: &SearchFields, record: &Json) -> bool {
        self.is_empty() || self.matches_text(&Text::of(fields, record))
    }

    pub fn matches_text(&self, text: &Text) -> bool {
        let in_name = |needle: &String| text.name.contains(needle.as_str());
        let in_email = |needle: &String| text.emails.iter().any(|e| e.contains(needle.as_str()));
        self.text.as_ref().is_none_or(|t| in_name(t) || in_email(t))
            && self.email.as_ref().is_none_or(in_email)
            && self.name.as_ref().is_none_or(in_name)
    }
}

/// What search reads of a record: its name (the name fields joined by spaces) and its
/// e-mails, folded.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    name: Box<str>,
    emails: Box<[Box<str>]>,
}

impl Text {
    pub fn of(fields: &SearchFields, record: &Json) -> Self {
        let name = fold(
            &fields
                .names
                .iter()
                .filter_map(|p| at(record, p))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        );
        let emails = fields
            .emails
            .iter()
            .filter_map(|p| at(record, p))
            .map(|e| fold(e).into_boxed_str())
            .collect();
        Self {
            name: name.into_boxed_str(),
            emails,
        }
    }
}

/// The search text of each vendor's generated contacts, made on that vendor's first search
/// and kept (generated contacts never change; written ones are searched in the ledger).
/// Deriving the records anew for every search would cost each search the whole generation.
#[derive(Debug, Default)]
pub struct GeneratedTexts(Mutex<HashMap<String, Arc<[Text]>>>);

impl GeneratedTexts {
    /// The text of generated contact `i` is at `i - 1`.
    pub fn of(&self, vendor: &str, fields: &SearchFields, count: usize) -> Arc<[Text]> {
        let mut made = self.0.lock().unwrap_or_else(|p| p.into_inner());
        made.entry(vendor.to_string())
            .or_insert_with(|| {
                (1..=count)
                    .map(|i| Text::of(fields, &seed::generated_record(vendor, i)))
                    .collect()
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: SearchFields = SearchFields {
        names: &["first", "last"],
        emails: &["mail.address"],
    };

    fn filter(pairs: &[(&str, &str)]) -> Filter {
        Filter::from_query(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn matches_names_and_emails_ignoring_case_and_accents() {
        let record =
            json!({"first": "Zoë", "last": "Brontë", "mail": {"address": "ZB@Example.com"}});
        assert!(filter(&[("q", "zoe bro")]).matches(&FIELDS, &record));
        assert!(filter(&[("q", "zb@example")]).matches(&FIELDS, &record));
        assert!(filter(&[("name", "BRONTE")]).matches(&FIELDS, &record));
        assert!(!filter(&[("name", "zb@")]).matches(&FIELDS, &record));
        assert!(!filter(&[("email", "zoe")]).matches(&FIELDS, &record));
        assert!(filter(&[("q", "  ")]).matches(&FIELDS, &record));
    }
}
