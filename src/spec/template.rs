//! `{name}` templates: request paths (`/contacts/{contact_id}`), contact references
//! (`{account_id}/{contact_type}`) and auth header values (`Bearer {secret}`).

use std::collections::BTreeMap;
use std::fmt;

/// One piece of a template: literal text or a named placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Param(String),
}

/// A parsed template. Placeholders are `{name}`, where a name is ASCII letters, digits or `_`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unclosed `{{` in template {0:?}")]
    Unclosed(String),
    #[error(
        "empty or invalid placeholder name {name:?} in template {template:?} (use letters, digits and `_`)"
    )]
    BadName { template: String, name: String },
    #[error(
        "template {0:?} has two placeholders with nothing between them, so it cannot be read back"
    )]
    Adjacent(String),
}

impl Template {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let mut pieces = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Literal(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| TemplateError::Unclosed(source.to_string()))?;
            let name = &after[..close];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(TemplateError::BadName {
                    template: source.to_string(),
                    name: name.to_string(),
                });
            }
            if matches!(pieces.last(), Some(Piece::Param(_))) {
                return Err(TemplateError::Adjacent(source.to_string()));
            }
            pieces.push(Piece::Param(name.to_string()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_string()));
        }
        Ok(Self {
            source: source.to_string(),
            pieces,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// Placeholder names in order of appearance.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Param(name) => Some(name.as_str()),
            Piece::Literal(_) => None,
        })
    }

    /// Fills the placeholders; `Err` names the first placeholder `lookup` has no value for.
    pub fn render<S: AsRef<str>>(
        &self,
        lookup: impl Fn(&str) -> Option<S>,
    ) -> Result<String, String> {
        let mut out = String::with_capacity(self.source.len() + 16);
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Param(name) => {
                    out.push_str(lookup(name).ok_or_else(|| name.clone())?.as_ref())
                }
            }
        }
        Ok(out)
    }

    /// Reads values back out of a string written with this template, e.g. `ACC-1001/CONTACT_1`
    /// against `{account_id}/{contact_type}`. A placeholder takes the shortest non-empty text up
    /// to the next literal. Values go into URL paths, so one that could step out of its path
    /// segment (`/`, `?`, `#`, `%`, `..`, spaces, control characters) is refused.
    pub fn capture(&self, input: &str) -> Option<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        let mut rest = input;
        let mut pieces = self.pieces.iter().peekable();
        while let Some(piece) = pieces.next() {
            match piece {
                Piece::Literal(text) => rest = rest.strip_prefix(text.as_str())?,
                Piece::Param(name) => {
                    let end = match pieces.peek() {
                        Some(Piece::Literal(next)) => rest.find(next.as_str())?,
                        _ => rest.len(),
                    };
                    let value = &rest[..end];
                    if !is_safe_value(value) {
                        return None;
                    }
                    values.insert(name.clone(), value.to_string());
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(values)
    }
}

fn is_safe_value(value: &str) -> bool {
    !value.is_empty()
        && value != "."
        && value != ".."
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "/?#%\\".contains(c))
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_renders_and_captures() {
        let t = Template::parse("{account_id}/{contact_type}").unwrap();
        assert_eq!(
            t.params().collect::<Vec<_>>(),
            ["account_id", "contact_type"]
        );
        let values = t.capture("ACC-1001/CONTACT_1").unwrap();
        assert_eq!(values["account_id"], "ACC-1001");
        assert_eq!(values["contact_type"], "CONTACT_1");
        let rendered = t
            .render(|name| values.get(name).map(String::as_str))
            .unwrap();
        assert_eq!(rendered, "ACC-1001/CONTACT_1");
    }

    #[test]
    fn capture_refuses_what_does_not_fit() {
        let t = Template::parse("{customer_id}/{customer_contact_id}").unwrap();
        assert!(t.capture("1001").is_none());
        assert!(t.capture("/5001").is_none());
        assert!(t.capture("1001/").is_none());
        let path =
            Template::parse("/customers/{customer_id}/contacts/{customer_contact_id}/").unwrap();
        let v = path.capture("/customers/1/contacts/2/").unwrap();
        assert_eq!(v["customer_contact_id"], "2");
        assert!(path.capture("/customers/1/contacts/2").is_none());
        // Nothing may step out of its path segment.
        for smuggled in [
            "1001/5001/../../x",
            "1001/5001?x=1",
            "1001/50%2F01",
            "1001/..",
            "1001/50 01",
            "1001/5001#x",
        ] {
            assert!(t.capture(smuggled).is_none(), "{smuggled}");
        }
        let one = Template::parse("{id}").unwrap();
        assert!(
            one.capture("93498506-9dde-4593-b844-e3c51c0e2bc2")
                .is_some()
        );
        assert!(one.capture("a/b").is_none());
    }

    #[test]
    fn render_names_the_missing_value() {
        let t = Template::parse("Bearer {secret}").unwrap();
        assert_eq!(t.render(|_| None::<&str>), Err("secret".to_string()));
    }

    #[test]
    fn malformed_templates_are_refused() {
        assert!(matches!(
            Template::parse("/a/{id"),
            Err(TemplateError::Unclosed(_))
        ));
        assert!(matches!(
            Template::parse("/a/{}"),
            Err(TemplateError::BadName { .. })
        ));
        assert!(matches!(
            Template::parse("/a/{a b}"),
            Err(TemplateError::BadName { .. })
        ));
        assert!(matches!(
            Template::parse("{a}{b}"),
            Err(TemplateError::Adjacent(_))
        ));
    }
}
