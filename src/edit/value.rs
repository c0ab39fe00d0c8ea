use std::fmt;

/// A field's value as the form holds it: explicit `null`, or the text the user sees and edits.
/// The text is turned into the vendor's JSON only when a body is built (`codec::to_json`), so a
/// value that does not parse yet can be held, shown and reported as invalid.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// Absent from the record, JSON `null`, or cleared with `null`.
    #[default]
    Null,
    Text(String),
}

impl Value {
    pub fn text(text: impl Into<String>) -> Self {
        Value::Text(text.into())
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Null => None,
            Value::Text(t) => Some(t),
        }
    }

    /// Null or empty text: "no value" for required and one-of rules.
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Text(t) => t.trim().is_empty(),
        }
    }
}

/// Debug shows the text; a value knows nothing of its field, so whatever holds values of secret
/// fields (`Form`, `Change`) masks them in its own Debug. Null is written as `null`.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Text(t) => write!(f, "{t:?}"),
        }
    }
}
