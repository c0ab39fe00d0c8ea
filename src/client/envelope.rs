//! The vendor's verdict, read from its envelope as the spec describes it.

use serde_json::Value as Json;

use crate::spec::{Envelope, JsonPath};

/// What the vendor said about a request, in words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The envelope's success flag, where the vendor has one (clemta) and the body carries it:
    /// `true` only for JSON `true`; a string "false", a number or anything else is not success.
    pub success: Option<bool>,
    pub message: Option<String>,
    pub code: Option<String>,
    pub details: Option<String>,
}

fn text_at(body: &Json, path: &Option<JsonPath>) -> Option<String> {
    let value = path.as_ref()?.get(body)?;
    match value {
        Json::Null => None,
        Json::String(s) if s.is_empty() => None,
        Json::String(s) => Some(s.clone()),
        Json::Array(a) if a.is_empty() => None,
        Json::Object(o) if o.is_empty() => None,
        other => Some(other.to_string()),
    }
}

impl Outcome {
    pub fn read(envelope: &Envelope, body: &Json) -> Self {
        Self {
            success: envelope
                .success
                .as_ref()
                .and_then(|p| p.get(body))
                .map(|flag| flag == &Json::Bool(true)),
            message: text_at(body, &envelope.message),
            code: text_at(body, &envelope.error_code),
            details: text_at(body, &envelope.error_details),
        }
    }

    /// One line: "CODE: message (details)".
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(code) = &self.code {
            parts.push(format!("{code}:"));
        }
        if let Some(message) = &self.message {
            parts.push(message.clone());
        }
        if let Some(details) = &self.details
            && self.message.as_deref() != Some(details.as_str())
        {
            parts.push(format!("({details})"));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Catalog;
    use serde_json::json;

    #[test]
    fn reads_clemtas_documented_404() {
        let catalog = Catalog::built_in();
        let env = &catalog.get("clemta").unwrap().envelope;
        let body = json!({"success": false, "message": "Contact not found", "data": null, "error": {"code": "NOT_FOUND", "details": ""}});
        let outcome = Outcome::read(env, &body);
        assert_eq!(outcome.success, Some(false));
        assert_eq!(
            outcome.summary().as_deref(),
            Some("NOT_FOUND: Contact not found")
        );
    }

    #[test]
    fn only_json_true_is_success() {
        let catalog = Catalog::built_in();
        let env = &catalog.get("clemta").unwrap().envelope;
        for (flag, success) in [
            (json!(true), Some(true)),
            (json!(false), Some(false)),
            (json!("false"), Some(false)),
            (json!("true"), Some(false)),
            (json!(1), Some(false)),
            (Json::Null, Some(false)),
        ] {
            let outcome = Outcome::read(env, &json!({"success": flag, "data": {}}));
            assert_eq!(outcome.success, success, "{flag}");
        }
        assert_eq!(Outcome::read(env, &json!({"data": {}})).success, None);
    }
}
