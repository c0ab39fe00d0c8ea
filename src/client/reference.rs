//! Contact references as written on the command line, read with the vendor's template.

use std::collections::BTreeMap;

use crate::spec::VendorSpec;

/// A contact reference and its values by placeholder name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub text: String,
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a {vendor} contact reference: {}write it as {template}, e.g. {example}", .problem.as_ref().map(|p| format!("{p}; ")).unwrap_or_default())]
pub struct ReferenceError {
    pub text: String,
    pub vendor: String,
    pub template: String,
    pub example: String,
    /// Which placeholder has a value of the wrong type, and the type's shape.
    pub problem: Option<String>,
}

impl Reference {
    /// Reads `text` with the vendor's template and checks each value against the placeholder's
    /// type from the page, so that a malformed reference is refused before any request.
    pub fn parse(spec: &VendorSpec, text: &str) -> Result<Self, ReferenceError> {
        let refused = |problem: Option<String>| ReferenceError {
            text: text.to_string(),
            vendor: spec.id.clone(),
            template: spec.reference.to_string(),
            example: spec.reference_example.clone(),
            problem,
        };
        let values = spec
            .reference
            .capture(text.trim())
            .ok_or_else(|| refused(None))?;
        for (name, expected) in &spec.reference_types {
            if let Some(value) = values.get(name)
                && !expected.accepts(value)
            {
                return Err(refused(Some(format!(
                    "{{{name}}} must be {expected} (it is {value:?})"
                ))));
            }
        }
        Ok(Self {
            text: text.trim().to_string(),
            values,
        })
    }

    /// Whether `text` reads as a reference written in full rather than as part of a name or an
    /// e-mail: it parses, and each placeholder the page gives no type has the shape of the
    /// example's value (the same runs of digits, words and marks; a long hexadecimal id of the
    /// same length). The open dialog offers such a text as typed instead of a row that merely
    /// resembles it, so that a reference typed in full never opens another contact.
    pub fn looks_complete(spec: &VendorSpec, text: &str) -> bool {
        let (Ok(typed), Ok(example)) = (
            Self::parse(spec, text),
            Self::parse(spec, &spec.reference_example),
        ) else {
            return false;
        };
        typed.values.iter().all(|(name, value)| {
            spec.reference_types.contains_key(name)
                || example
                    .get(name)
                    .is_some_and(|shown| fits(&shape(value), &shape(shown)))
        })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// One run of a value's shape.
#[derive(Debug, PartialEq, Eq)]
enum Run {
    /// Decimal digits, with the count.
    Digits(usize),
    /// Hexadecimal digits mixed with letters, at least 8 of them (an object id), with the count.
    Hex(usize),
    Word,
    Mark(char),
}

/// Whether a typed value's runs fit the example's: numbers of any length where the example has
/// a number, a hexadecimal id (digits only, by chance, included) of the example's length, words
/// where it has words, the same marks.
fn fits(typed: &[Run], example: &[Run]) -> bool {
    typed.len() == example.len()
        && typed.iter().zip(example).all(|pair| match pair {
            (Run::Digits(_), Run::Digits(_)) | (Run::Word | Run::Hex(_), Run::Word) => true,
            (Run::Digits(n) | Run::Hex(n), Run::Hex(m)) => n == m,
            (Run::Mark(a), Run::Mark(b)) => a == b,
            _ => false,
        })
}

fn shape(value: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut word = String::new();
    let close = |word: &mut String, runs: &mut Vec<Run>| {
        if word.is_empty() {
            return;
        }
        let run = if word.bytes().all(|b| b.is_ascii_digit()) {
            Run::Digits(word.len())
        } else if word.len() >= 8 && word.bytes().all(|b| b.is_ascii_hexdigit()) {
            Run::Hex(word.len())
        } else {
            Run::Word
        };
        runs.push(run);
        word.clear();
    };
    for c in value.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            close(&mut word, &mut runs);
            runs.push(Run::Mark(c));
        }
    }
    close(&mut word, &mut runs);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Catalog;

    #[test]
    fn reads_each_vendors_reference_and_explains_a_bad_one() {
        let catalog = Catalog::built_in();
        let exsited = catalog.get("exsited").unwrap();
        let r = Reference::parse(exsited, "ACC-1001/CONTACT_1").unwrap();
        assert_eq!(r.get("account_id"), Some("ACC-1001"));
        let err = Reference::parse(exsited, "ACC-1001").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"ACC-1001\" is not a exsited contact reference: write it as {account_id}/{contact_type}, e.g. ACC-1001/CONTACT_1"
        );
        let cro = catalog.get("cro").unwrap();
        assert!(Reference::parse(cro, "1001/5001/../x").is_err());
    }

    /// The pages type the path parameters: cro's are integers, servicedesk's id is a GUID.
    #[test]
    fn values_are_checked_against_the_pages_types() {
        let catalog = Catalog::built_in();
        let cro = catalog.get("cro").unwrap();
        assert!(Reference::parse(cro, "1001/5001").is_ok());
        let err = Reference::parse(cro, "abc/5001").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"abc/5001\" is not a cro contact reference: {customer_id} must be a whole number such as 1001 (it is \"abc\"); write it as {customer_id}/{customer_contact_id}, e.g. 1001/5001"
        );
        assert!(Reference::parse(cro, "1001/x1").is_err());
        let sd = catalog.get("servicedesk").unwrap();
        assert!(Reference::parse(sd, "93498506-9dde-4593-b844-e3c51c0e2bc2").is_ok());
        let err = Reference::parse(sd, "abc").unwrap_err();
        assert!(err.to_string().contains("{id} must be a GUID"), "{err}");
        // Untyped placeholders take any text that fits the template.
        let exsited = catalog.get("exsited").unwrap();
        assert!(Reference::parse(exsited, "ACC-1001/CONTACT_1").is_ok());
    }

    #[test]
    fn a_reference_typed_in_full_is_told_from_a_name_or_an_email() {
        let catalog = Catalog::built_in();
        let cases = [
            ("clemta", "650000000000000000000016", true),
            ("clemta", "64B8F1A2E4B0C8D9F0123457", true),
            ("clemta", "64b8f1a2", false),
            ("clemta", "noah", false),
            ("clemta", "noah.jones21@example.com", false),
            ("contactreg", "1941878", true),
            ("contactreg", "olivia smith", false),
            ("exsited", "ACC-2000/CONTACT_3", true),
            ("exsited", "noah/jones", false),
            ("cro", "1002/5101", true),
            ("cro", "harbour", false),
            ("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc3", true),
            ("servicedesk", "93498506", false),
        ];
        for (vendor, text, complete) in cases {
            let spec = catalog.get(vendor).unwrap();
            assert_eq!(
                Reference::looks_complete(spec, text),
                complete,
                "{vendor}: {text}"
            );
        }
    }
}
