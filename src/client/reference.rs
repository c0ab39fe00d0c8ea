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
#[error("{text:?} is not a {vendor} contact reference: write it as {template}, e.g. {example}")]
pub struct ReferenceError {
    pub text: String,
    pub vendor: String,
    pub template: String,
    pub example: String,
}

impl Reference {
    pub fn parse(spec: &VendorSpec, text: &str) -> Result<Self, ReferenceError> {
        let values = spec
            .reference
            .capture(text.trim())
            .ok_or_else(|| ReferenceError {
                text: text.to_string(),
                vendor: spec.id.clone(),
                template: spec.reference.to_string(),
                example: spec.reference_example.clone(),
            })?;
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
}
