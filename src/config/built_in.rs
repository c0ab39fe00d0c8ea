//! The built-in `sandbox-<vendor>` profiles, from the sandbox's demo users.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

use super::DEFAULT_SANDBOX_URL;
use super::{ConfigError, Profile, ProfileOrigin};
use crate::client::secret::{Secret, SecretSource};
use crate::spec::Catalog;

/// The sandbox's demo users, compiled in. The sandbox reads the same file to know what it
/// accepts: sharing data rather than code keeps config (and so the client) from importing the
/// sandbox, and the sandbox from importing rolo, while the two cannot disagree.
const SANDBOX_PROFILES: &str = include_str!("../../assets/sandbox/profiles.toml");
const SANDBOX_PROFILES_ORIGIN: &str = "built-in assets/sandbox/profiles.toml";

/// One `[vendor]` table of the sandbox profiles file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoUser {
    secret: String,
    #[serde(default)]
    extras: IndexMap<String, toml::Value>,
}

/// `sandbox-<vendor>` for every vendor of the catalog that has a demo user, with
/// its demo credentials, pointing at `ROLO_SANDBOX_URL` (or the default sandbox address).
pub(super) fn built_in_profiles(catalog: &Catalog) -> Result<Vec<Profile>, ConfigError> {
    let base =
        std::env::var("ROLO_SANDBOX_URL").unwrap_or_else(|_| DEFAULT_SANDBOX_URL.to_string());
    let mut users: BTreeMap<String, DemoUser> =
        toml::from_str(SANDBOX_PROFILES).map_err(|e| ConfigError {
            path: SANDBOX_PROFILES_ORIGIN.to_string(),
            line: None,
            message: e.message().trim().to_string(),
        })?;
    // In the catalog's order, so that `rolo profiles` lists them as `rolo vendors` does.
    Ok(catalog
        .ids()
        .into_iter()
        .filter_map(|vendor| Some((vendor.to_string(), users.remove(vendor)?)))
        .map(|(vendor, user)| Profile {
            name: format!("sandbox-{vendor}"),
            base_url: format!("{}/{vendor}", base.trim_end_matches('/')),
            secret: SecretSource::BuiltIn(Secret::new(user.secret)),
            // As a config.toml profile's extras are kept: the text sent in headers.
            extras: user
                .extras
                .into_iter()
                .map(|(name, value)| match value {
                    toml::Value::String(text) => (name, text),
                    other => (name, other.to_string()),
                })
                .collect(),
            vendor,
            headers: BTreeMap::new(),
            rate: None,
            origin: ProfileOrigin::BuiltIn,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_profiles_come_from_the_sandbox_profiles_file() {
        let catalog = Catalog::built_in();
        let profiles = built_in_profiles(&catalog).unwrap();
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sandbox-clemta",
                "sandbox-exsited",
                "sandbox-contactreg",
                "sandbox-cro",
                "sandbox-servicedesk"
            ]
        );
        let cro = &profiles[3];
        assert_eq!(cro.extras.get("tenant_id").map(String::as_str), Some("1"));
        assert!(profiles[0].extras.is_empty());
    }
}
