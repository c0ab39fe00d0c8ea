//! A field's kind and rules in words, for the comments of the document a user edits in their own
//! editor (`edit::document`). The words match what `validate` and `codec` say when a value breaks
//! the rule, so the comment above a value and the error about it read alike.

use crate::spec::{Field, JsonType, Kind, VendorSpec};

/// What a value of this kind looks like.
pub fn kind_text(field: &Field) -> String {
    match field.kind {
        Kind::Text => "text".into(),
        Kind::Multiline => "text (several lines allowed)".into(),
        Kind::Email => "an e-mail address such as name@example.com".into(),
        Kind::EmailList => "e-mail addresses separated by commas, in one string".into(),
        Kind::EmailArray => "a list of e-mail addresses".into(),
        Kind::Bool | Kind::BoolString => "true or false".into(),
        Kind::FlexibleBool => "0, 1, true or false (any case)".into(),
        Kind::Integer => "a whole number".into(),
        Kind::Date => "an ISO-8601 date, YYYY-MM-DD".into(),
        Kind::DateTime => "an ISO-8601 date-time such as 2024-05-01T09:30:00+00:00 \
             (a date, or a time without an offset, is read as UTC)"
            .into(),
        Kind::EpochSeconds => {
            "a UTC date-time such as 2024-05-01 09:30:00, or seconds since 1970".into()
        }
        Kind::Enum => format!("one of {}", field.limits.values.join(", ")),
        Kind::Country => "an ISO-3166 country code or name, e.g. AU, AUS or Australia".into(),
        Kind::Secret => "a secret".into(),
        Kind::Json => match field.limits.json_type {
            Some(JsonType::Object) => "a JSON object {…}, as a string".into(),
            Some(JsonType::Array) => "a JSON array […], as a string".into(),
            None => "JSON, as a string".into(),
        },
    }
}

/// The field's limits beyond its kind: required, lengths, pattern, condition.
pub fn limits_text(field: &Field, spec: &VendorSpec) -> Vec<String> {
    let limits = &field.limits;
    let mut parts = Vec::new();
    if limits.required {
        parts.push("required".to_string());
    }
    let chars = |n: usize| if n == 1 { "character" } else { "characters" };
    match (limits.min_length, limits.max_length) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} {}", chars(max))),
        (Some(min), None) => parts.push(format!("at least {min} {}", chars(min))),
        (None, Some(max)) => parts.push(format!("at most {max} {}", chars(max))),
        (None, None) => {}
    }
    if let Some(pattern) = &limits.pattern {
        parts.push(format!("must be {}", pattern.hint));
    }
    if let Some(condition) = &field.condition {
        parts.push(format!(
            "only when {} is {}",
            spec.fields[condition.field].name,
            condition.values.join(" or ")
        ));
    }
    parts
}

/// `kind · its words · limits…`: one line describing what the field takes.
pub fn rule_text(field: &Field, spec: &VendorSpec) -> String {
    let mut parts = vec![field.kind.to_string()];
    let words = kind_text(field);
    if words != field.kind.name() {
        parts.push(words);
    }
    parts.extend(limits_text(field, spec));
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Catalog;

    #[test]
    fn rules_read_as_the_vendor_pages_state_them() {
        let catalog = Catalog::built_in();
        let text = |vendor: &str, field: &str| {
            let spec = catalog.get(vendor).unwrap();
            rule_text(spec.field(field).unwrap(), spec)
        };
        assert_eq!(
            text("clemta", "type"),
            "enum · one of customer, vendor".to_string()
        );
        assert_eq!(text("cro", "fax"), "text · 7 to 15 characters");
        assert!(
            text("servicedesk", "lastname").contains("required · at most 50 characters"),
            "{}",
            text("servicedesk", "lastname")
        );
        assert!(text("contactreg", "birthState").contains("only when contactType is People"));
        assert!(text("cro", "notify_on_new_request").contains("0, 1, true or false"));
    }
}
