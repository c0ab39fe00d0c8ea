//! The vendor's verdict, read from its envelope as the spec describes it.

use serde_json::Value as Json;

use crate::spec::{Envelope, JsonPath, VendorSpec};

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

/// A field a vendor's refusal names, with the vendor's words about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The spec's field name (its dotted request path).
    pub field: String,
    pub message: String,
}

/// The fields a refusal's body names, read from where the spec's envelope keeps its details.
/// The details may be text (`"email: is invalid; phone: too long"`), a list of
/// `{"field", "message"}` objects, or an object of field → message(s) (`ModelState`, whose
/// keys may carry a prefix such as `contact.`). Names that match no field of the spec (a
/// record-level `non_field_errors`) are left out: the summary still says them.
pub fn field_errors(spec: &VendorSpec, body: &Json) -> Vec<FieldError> {
    let Some(details) = spec
        .envelope
        .error_details
        .as_ref()
        .and_then(|p| p.get(body))
    else {
        return Vec::new();
    };
    let mut named: Vec<(String, String)> = Vec::new();
    match details {
        Json::String(text) => named.extend(text.split(';').filter_map(split_named)),
        Json::Array(items) => {
            for item in items {
                match item {
                    Json::String(text) => named.extend(split_named(text)),
                    Json::Object(o) => {
                        let key = ["field", "name", "property", "path"]
                            .iter()
                            .find_map(|k| o.get(*k).and_then(Json::as_str));
                        let message = ["message", "detail", "error"]
                            .iter()
                            .find_map(|k| o.get(*k).and_then(Json::as_str));
                        if let (Some(key), Some(message)) = (key, message) {
                            named.push((key.to_string(), message.to_string()));
                        }
                    }
                    _ => {}
                }
            }
        }
        Json::Object(map) => {
            for (key, value) in map {
                let messages: Vec<String> = match value {
                    Json::Array(list) => list.iter().map(json_text).collect(),
                    other => vec![json_text(other)],
                };
                named.push((key.clone(), messages.join("; ")));
            }
        }
        _ => {}
    }
    named
        .into_iter()
        .filter_map(|(key, message)| {
            let field = field_named(spec, &key)?;
            Some(FieldError { field, message })
        })
        .collect()
}

fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "email: is invalid" → ("email", "is invalid").
fn split_named(text: &str) -> Option<(String, String)> {
    let (key, message) = text.split_once(':')?;
    let key = key.trim();
    (!key.is_empty() && !key.contains(' ')).then(|| (key.to_string(), message.trim().to_string()))
}

/// The spec's field a vendor's key names: the same dotted path, or the same path once the
/// key's leading segments (`contact.`) are dropped; letter case aside.
fn field_named(spec: &VendorSpec, key: &str) -> Option<String> {
    let segments: Vec<&str> = key.split('.').collect();
    (0..segments.len()).find_map(|skip| {
        let tail = segments[skip..].join(".");
        spec.fields
            .iter()
            .find(|f| {
                f.name.eq_ignore_ascii_case(&tail)
                    || f.request_path.to_string().eq_ignore_ascii_case(&tail)
            })
            .map(|f| f.name.clone())
    })
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

    fn fields_of(vendor: &str, body: Json) -> Vec<(String, String)> {
        let catalog = Catalog::built_in();
        let spec = catalog.get(vendor).unwrap();
        field_errors(spec, &body)
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn field_errors_from_each_vendors_refusal_shape() {
        let pair = |f: &str, m: &str| (f.to_string(), m.to_string());
        assert_eq!(
            fields_of(
                "clemta",
                json!({"success": false, "message": "Invalid request data", "data": null,
                       "error": {"code": "VALIDATION_ERROR", "details": "email: must be a valid e-mail address; nosuch: x"}})
            ),
            vec![pair("email", "must be a valid e-mail address")]
        );
        assert_eq!(
            fields_of(
                "contactreg",
                json!({"code": "invalid", "message": "bad", "errors": [{"field": "email", "message": "is not an e-mail"}]})
            ),
            vec![pair("email", "is not an e-mail")]
        );
        assert_eq!(
            fields_of(
                "cro",
                json!({"detail": "bad", "code": "invalid", "errors": {"email": ["Enter a valid email address."], "non_field_errors": ["x"]}})
            ),
            vec![pair("email", "Enter a valid email address.")]
        );
        assert_eq!(
            fields_of(
                "servicedesk",
                json!({"Message": "The request is invalid.", "ModelState": {"contact.e_password": ["too short", "no digit"]}})
            ),
            vec![pair("e_password", "too short; no digit")]
        );
        assert_eq!(
            fields_of(
                "exsited",
                json!({"error": {"code": "x", "message": "y", "details": [{"field": "email.address", "message": "invalid"}]}})
            ),
            vec![pair("email.address", "invalid")]
        );
        assert!(fields_of("exsited", json!({"error": {"code": "x", "message": "y"}})).is_empty());
    }
}
