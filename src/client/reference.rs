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

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
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
}
