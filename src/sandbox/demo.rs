//! The demo user each emulated vendor accepts, read from `assets/sandbox/profiles.toml`.
//!
//! rolo's config reads the same file to make its built-in `sandbox-<vendor>` profiles. Sharing
//! the data file, not code, keeps the sandbox free of rolo's modules (it must be able to catch
//! the client's mistakes) while the two cannot disagree on a credential.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The file, compiled in; `DemoUsers::built_in` checks it at sandbox start.
const PROFILES: &str = include_str!("../../assets/sandbox/profiles.toml");
const ORIGIN: &str = "assets/sandbox/profiles.toml";

/// One vendor's demo user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    /// What a profile's `secret` holds; each desk knows which header carries it.
    pub secret: String,
    /// Vendor extras (cro `tenant_id`).
    #[serde(default)]
    extras: BTreeMap<String, toml::Value>,
}

impl DemoUser {
    /// An extra as the text a header carries (`tenant_id = 1` is "1").
    pub fn extra(&self, name: &str) -> Option<String> {
        match self.extras.get(name)? {
            toml::Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{ORIGIN} (compiled into rolo) is not valid: {0}")]
    Invalid(String),
    #[error("{ORIGIN} (compiled into rolo) has no demo user for {0}; add a [{0}] table")]
    Missing(String),
}

/// The demo users by vendor id.
#[derive(Debug, Clone)]
pub struct DemoUsers(BTreeMap<String, DemoUser>);

impl DemoUsers {
    /// The compiled-in file, with a user for every one of `vendors`.
    pub fn built_in(vendors: &[&str]) -> Result<Self, DemoError> {
        Self::parse(PROFILES, vendors)
    }

    fn parse(text: &str, vendors: &[&str]) -> Result<Self, DemoError> {
        let users: BTreeMap<String, DemoUser> =
            toml::from_str(text).map_err(|e| DemoError::Invalid(e.message().trim().to_string()))?;
        if let Some(missing) = vendors.iter().find(|v| !users.contains_key(**v)) {
            return Err(DemoError::Missing(missing.to_string()));
        }
        Ok(Self(users))
    }

    pub fn get(&self, vendor: &str) -> Option<&DemoUser> {
        self.0.get(vendor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_file_has_a_user_for_every_vendor() {
        let users = DemoUsers::built_in(&super::super::vendor_ids()).unwrap();
        assert_eq!(
            users.get("cro").unwrap().extra("tenant_id").as_deref(),
            Some("1")
        );
        assert!(users.get("clemta").unwrap().extra("tenant_id").is_none());
    }

    #[test]
    fn a_missing_vendor_is_named() {
        let err = DemoUsers::parse("[clemta]\nsecret = \"k\"\n", &["clemta", "cro"]).unwrap_err();
        assert!(err.to_string().contains("no demo user for cro"), "{err}");
        let err = DemoUsers::parse("[clemta]\nsecert = \"k\"\n", &["clemta"]).unwrap_err();
        assert!(err.to_string().contains("not valid"), "{err}");
    }
}
