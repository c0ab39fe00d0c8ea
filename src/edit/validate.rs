//! The vendor's rules, checked before anything is sent. Each problem names the field and rule.

use std::fmt;

use super::{Value, codec};
use crate::spec::{Field, Kind};

/// Which rule a value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Required,
    MinLength,
    MaxLength,
    /// Not one of an enum's values.
    AllowedValues,
    /// Not a value of the field's kind (e-mail, date, flag, country, …).
    Kind(Kind),
    Pattern,
    /// Set while another field's value makes this field not applicable.
    Condition,
    OneOfRequired,
    ForbidUpdate,
    /// An identity field that is missing, malformed or not the contact the request addresses.
    Identity,
}

/// One broken rule, written so that a user can act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The field's name (as in `rolo vendors VENDOR`), or `None` for a record-level rule.
    pub field: Option<String>,
    pub rule: Rule,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl Issue {
    pub(crate) fn field(field: &Field, rule: Rule, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.name.clone()),
            rule,
            message: message.into(),
        }
    }
}

/// Checks one value against its field's kind and limits. Record-level rules and conditions,
/// which depend on other fields, are checked by `Form`.
pub fn check_value(field: &Field, value: &Value) -> Result<(), Issue> {
    let limits = &field.limits;
    if value.is_blank() && limits.required {
        return Err(Issue::field(field, Rule::Required, "is required"));
    }
    let Value::Text(text) = value else {
        return Ok(());
    };
    codec::to_json(field.kind, limits.json_type, value)
        .map_err(|e| Issue::field(field, Rule::Kind(field.kind), e.message))?;
    if field.kind.is_stringly() {
        // Vendors count characters, not bytes.
        let len = text.chars().count();
        if let Some(min) = limits.min_length
            && len < min
        {
            return Err(Issue::field(
                field,
                Rule::MinLength,
                length_message("at least", min, len),
            ));
        }
        if let Some(max) = limits.max_length
            && len > max
        {
            return Err(Issue::field(
                field,
                Rule::MaxLength,
                length_message("at most", max, len),
            ));
        }
    }
    if !limits.values.is_empty() && !limits.values.iter().any(|v| v == text) {
        return Err(Issue::field(
            field,
            Rule::AllowedValues,
            format!("must be one of {}", limits.values.join(", ")),
        ));
    }
    if let Some(pattern) = &limits.pattern
        && !text.is_empty()
        && !pattern.is_match(text)
    {
        return Err(Issue::field(
            field,
            Rule::Pattern,
            format!("must be {}", pattern.hint),
        ));
    }
    Ok(())
}

fn length_message(bound: &str, limit: usize, len: usize) -> String {
    let unit = if limit == 1 {
        "character"
    } else {
        "characters"
    };
    format!("must be {bound} {limit} {unit} long (it has {len})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Catalog;

    fn check(vendor: &str, field: &str, text: &str) -> Result<(), Rule> {
        let catalog = Catalog::built_in();
        let spec = catalog.get(vendor).unwrap();
        let field = spec
            .field(field)
            .unwrap_or_else(|| panic!("{vendor} has no field {field}"));
        check_value(field, &Value::text(text)).map_err(|issue| {
            assert_eq!(issue.field.as_deref(), Some(field.name.as_str()));
            assert!(!issue.message.is_empty());
            issue.rule
        })
    }

    /// Every rule the vendors' pages state, with a value it accepts and one it refuses.
    #[test]
    fn each_vendor_rule_accepts_good_and_refuses_bad() {
        let cases: &[(&str, &str, &str, &str, Rule)] = &[
            ("clemta", "type", "customer", "client", Rule::AllowedValues),
            ("clemta", "type", "vendor", "Vendor", Rule::AllowedValues),
            (
                "clemta",
                "email",
                "john@example.com",
                "john@",
                Rule::Kind(Kind::Email),
            ),
            (
                "clemta",
                "billing.email",
                "billing@example.com",
                "billing at example",
                Rule::Kind(Kind::Email),
            ),
            (
                "clemta",
                "cc_emails",
                "a@example.com, b@example.com",
                "a@example.com, b",
                Rule::Kind(Kind::EmailArray),
            ),
            (
                "clemta",
                "bcc_emails",
                "a@example.com",
                "a@@example.com",
                Rule::Kind(Kind::EmailArray),
            ),
            (
                "exsited",
                "email.address",
                "jane@example.com",
                "jane",
                Rule::Kind(Kind::Email),
            ),
            (
                "exsited",
                "email.do_not_email",
                "false",
                "no",
                Rule::Kind(Kind::BoolString),
            ),
            (
                "exsited",
                "phone.do_not_call",
                "true",
                "1",
                Rule::Kind(Kind::BoolString),
            ),
            (
                "exsited",
                "receive_billing_information",
                "TRUE",
                "yes",
                Rule::Kind(Kind::BoolString),
            ),
            (
                "exsited",
                "custom_attributes",
                r#"[{"name":"tier","value":"gold"}]"#,
                r#"{"tier":1}"#,
                Rule::Kind(Kind::Json),
            ),
            ("contactreg", "sex", "Female", "female", Rule::AllowedValues),
            (
                "contactreg",
                "birthState",
                "VIC",
                "Victoria",
                Rule::AllowedValues,
            ),
            (
                "contactreg",
                "birthState",
                "Foreign",
                "XYZ",
                Rule::AllowedValues,
            ),
            (
                "contactreg",
                "birthday",
                "2001-08-01",
                "01/08/2001",
                Rule::Kind(Kind::Date),
            ),
            (
                "contactreg",
                "incorporationDate",
                "1999-12-31",
                "1999-13-01",
                Rule::Kind(Kind::Date),
            ),
            (
                "contactreg",
                "birthCountry",
                "AUSTRALIA",
                "Oz",
                Rule::Kind(Kind::Country),
            ),
            (
                "contactreg",
                "birthCountry",
                "AU",
                "ZZ",
                Rule::Kind(Kind::Country),
            ),
            (
                "contactreg",
                "placeOfIncorporation",
                "NZL",
                "Middle Earth",
                Rule::Kind(Kind::Country),
            ),
            (
                "contactreg",
                "addressId",
                "1675073",
                "16a",
                Rule::Kind(Kind::Integer),
            ),
            (
                "contactreg",
                "email",
                "c@v.com",
                "c@v",
                Rule::Kind(Kind::Email),
            ),
            (
                "cro",
                "email",
                "a@example.com, b@example.com",
                "a@example.com; b@example.com",
                Rule::Kind(Kind::EmailList),
            ),
            (
                "cro",
                "email",
                "a@example.com,\n\tb@example.com",
                "a@example.com,,b@example.com",
                Rule::Kind(Kind::EmailList),
            ),
            ("cro", "fax", "5551234", "555123", Rule::MinLength),
            (
                "cro",
                "fax",
                "123456789012345",
                "1234567890123456",
                Rule::MaxLength,
            ),
            ("cro", "name", "A", "", Rule::MinLength),
            (
                "cro",
                "name",
                &"n".repeat(128),
                &"n".repeat(129),
                Rule::MaxLength,
            ),
            ("cro", "number", "0", "", Rule::MinLength),
            (
                "cro",
                "number",
                &"9".repeat(90),
                &"9".repeat(91),
                Rule::MaxLength,
            ),
            (
                "cro",
                "notify_on_new_request",
                "0",
                "2",
                Rule::Kind(Kind::FlexibleBool),
            ),
            (
                "cro",
                "notify_on_acknowledged_request",
                "True",
                "T",
                Rule::Kind(Kind::FlexibleBool),
            ),
            (
                "cro",
                "notify_on_dispatched_request",
                "fAlSe",
                "no",
                Rule::Kind(Kind::FlexibleBool),
            ),
            (
                "cro",
                "notify_on_completed_request",
                "1",
                "yes",
                Rule::Kind(Kind::FlexibleBool),
            ),
            (
                "cro",
                "notify_on_failed_request",
                "false",
                "-1",
                Rule::Kind(Kind::FlexibleBool),
            ),
            ("servicedesk", "lastname", "Doe", "", Rule::Required),
            (
                "servicedesk",
                "lastname",
                &"l".repeat(50),
                &"l".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "firstname",
                &"é".repeat(50),
                &"é".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "functions",
                &"f".repeat(64),
                &"f".repeat(65),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "e_login",
                &"e".repeat(50),
                &"e".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "e_password",
                &"p".repeat(50),
                &"p".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "phone",
                &"1".repeat(50),
                &"1".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "mobile",
                &"1".repeat(50),
                &"1".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "private_phone",
                &"1".repeat(50),
                &"1".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "private_mobile",
                &"1".repeat(50),
                &"1".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "reference_back_office",
                &"r".repeat(50),
                &"r".repeat(51),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "skype",
                &"s".repeat(250),
                &"s".repeat(251),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "email",
                "anna@example.com",
                &"e".repeat(251),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "private_email",
                "anna@home.example",
                &"e".repeat(251),
                Rule::MaxLength,
            ),
            (
                "servicedesk",
                "company_id",
                "1f3140d0-8161-4c80-b961-1ed5a3f38d8e",
                "1f3140d0",
                Rule::Pattern,
            ),
            (
                "servicedesk",
                "db_language_id",
                "79360b29-fb5a-4e28-84c4-ede0e9cc6549",
                "english",
                Rule::Pattern,
            ),
            (
                "servicedesk",
                "company",
                r#"{"name":"Acme"}"#,
                r#"["Acme"]"#,
                Rule::Kind(Kind::Json),
            ),
            (
                "servicedesk",
                "archived",
                "false",
                "archived",
                Rule::Kind(Kind::Bool),
            ),
            (
                "servicedesk",
                "birthdate",
                "1980-05-17",
                "17.05.1980",
                Rule::Kind(Kind::DateTime),
            ),
            (
                "servicedesk",
                "create_date",
                "2026-04-24T10:59:50.6554761+00:00",
                "2026-04-24 noon",
                Rule::Kind(Kind::DateTime),
            ),
        ];
        for (vendor, field, good, bad, rule) in cases {
            assert_eq!(
                check(vendor, field, good),
                Ok(()),
                "{vendor}.{field} should accept {good:?}"
            );
            assert_eq!(
                check(vendor, field, bad),
                Err(*rule),
                "{vendor}.{field} should refuse {bad:?}"
            );
        }
    }

    /// The vendors refuse a domain that is not a host name (`ex_ample.com`) in every e-mail kind.
    #[test]
    fn every_email_kind_wants_a_host_name_domain() {
        let cases = [
            ("clemta", "email", Kind::Email),
            ("clemta", "billing.email", Kind::Email),
            ("clemta", "cc_emails", Kind::EmailArray),
            ("exsited", "email.address", Kind::Email),
            ("contactreg", "email", Kind::Email),
            ("cro", "email", Kind::EmailList),
        ];
        for (vendor, field, kind) in cases {
            assert_eq!(check(vendor, field, "a@ex-ample.com"), Ok(()), "{field}");
            for bad in ["a@ex_ample.com", "a@-example.com", "a@example-.com"] {
                assert_eq!(
                    check(vendor, field, bad),
                    Err(Rule::Kind(kind)),
                    "{field} {bad}"
                );
            }
        }
        assert_eq!(
            check("cro", "email", "a@example.com, b@ex_ample.com"),
            Err(Rule::Kind(Kind::EmailList))
        );
    }

    #[test]
    fn a_long_email_is_refused_by_length_even_when_well_formed() {
        let local = "a".repeat(60);
        let long = format!("{local}@{}.example.com", "b".repeat(60));
        let ok = format!("{local}@example.com");
        assert_eq!(check("servicedesk", "email", &ok), Ok(()));
        let mut parts = vec![long.clone(); 2];
        parts.push(long);
        let list = parts.join(",");
        assert_eq!(check("cro", "email", &list), Err(Rule::MaxLength));
    }

    #[test]
    fn messages_name_the_field_and_the_rule() {
        let catalog = Catalog::built_in();
        let fax = catalog.get("cro").unwrap().field("fax").unwrap();
        let issue = check_value(fax, &Value::text("12345")).unwrap_err();
        assert_eq!(
            issue.to_string(),
            "fax: must be at least 7 characters long (it has 5)"
        );
        let sex = catalog.get("contactreg").unwrap().field("sex").unwrap();
        let issue = check_value(sex, &Value::text("M")).unwrap_err();
        assert_eq!(issue.to_string(), "sex: must be one of Male, Female");
    }

    #[test]
    fn null_is_fine_unless_required() {
        let catalog = Catalog::built_in();
        let sd = catalog.get("servicedesk").unwrap();
        assert!(check_value(sd.field("firstname").unwrap(), &Value::Null).is_ok());
        let err = check_value(sd.field("lastname").unwrap(), &Value::Null).unwrap_err();
        assert_eq!(err.rule, Rule::Required);
    }
}
