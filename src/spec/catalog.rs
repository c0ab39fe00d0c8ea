//! The set of vendors rolo knows: the built-in specs, overridden or extended by the user's
//! `vendors/*.toml` in the config folder.

use std::path::Path;
use std::sync::Arc;

use super::{SpecError, VendorSpec, parse_built_in, parse_spec};

/// The built-in specs, compiled into the binary: (file name, contents).
pub const BUILT_IN: [(&str, &str); 5] = [
    (
        "clemta.toml",
        include_str!("../../assets/vendors/clemta.toml"),
    ),
    (
        "exsited.toml",
        include_str!("../../assets/vendors/exsited.toml"),
    ),
    (
        "contactreg.toml",
        include_str!("../../assets/vendors/contactreg.toml"),
    ),
    ("cro.toml", include_str!("../../assets/vendors/cro.toml")),
    (
        "servicedesk.toml",
        include_str!("../../assets/vendors/servicedesk.toml"),
    ),
];

/// Loaded specs plus the problems met on the way; one bad file never hides the others.
#[derive(Debug, Default)]
pub struct Catalog {
    specs: Vec<Arc<VendorSpec>>,
    problems: Vec<SpecError>,
    /// User specs that replaced a built-in one: said aloud (and logged by the front ends), since
    /// the user's file then decides where that vendor's credentials go.
    replaced: Vec<String>,
}

impl Catalog {
    /// Only the built-in specs.
    pub fn built_in() -> Self {
        let mut catalog = Self::default();
        for (file, source) in BUILT_IN {
            catalog.add(parse_built_in(&format!("built-in {file}"), source));
        }
        catalog
    }

    /// The built-in specs, then every `*.toml` in `dir` (in file-name order). A user spec with a
    /// built-in id replaces it. A missing folder is not a problem; an unreadable file is.
    pub fn load(user_dir: Option<&Path>) -> Self {
        let mut catalog = Self::built_in();
        let Some(dir) = user_dir else {
            return catalog;
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return catalog,
            Err(err) => {
                catalog.problems.push(SpecError {
                    origin: dir.display().to_string(),
                    line: None,
                    message: format!("cannot read the vendor folder: {err}"),
                });
                return catalog;
            }
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let origin = path.display().to_string();
            let loaded = std::fs::read_to_string(&path)
                .map_err(|err| SpecError {
                    origin: origin.clone(),
                    line: None,
                    message: format!("cannot read the file: {err}"),
                })
                .and_then(|source| parse_spec(&origin, &source));
            catalog.add(loaded);
        }
        catalog
    }

    fn add(&mut self, loaded: Result<VendorSpec, SpecError>) {
        match loaded {
            Ok(spec) => match self.specs.iter_mut().find(|s| s.id == spec.id) {
                Some(existing) => {
                    let notice = format!(
                        "vendor {:?} from {} replaces the one from {}",
                        spec.id, spec.origin, existing.origin
                    );
                    self.replaced.push(notice);
                    *existing = Arc::new(spec);
                }
                None => self.specs.push(Arc::new(spec)),
            },
            Err(problem) => self.problems.push(problem),
        }
    }

    pub fn specs(&self) -> &[Arc<VendorSpec>] {
        &self.specs
    }

    /// The spec of a vendor id in any case (`CLEMTA`, `Clemta`), an exact match first.
    pub fn get(&self, id: &str) -> Option<&Arc<VendorSpec>> {
        self.specs
            .iter()
            .find(|s| s.id == id)
            .or_else(|| self.specs.iter().find(|s| s.id.eq_ignore_ascii_case(id)))
    }

    pub fn problems(&self) -> &[SpecError] {
        &self.problems
    }

    /// One sentence per user spec that replaced an earlier (built-in) spec of the same id.
    pub fn replaced(&self) -> &[String] {
        &self.replaced
    }

    pub fn ids(&self) -> Vec<&str> {
        self.specs.iter().map(|s| s.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built-in patterns are compiled when first used (not at start), so this is where one that
    /// does not compile is caught.
    #[test]
    fn every_built_in_pattern_compiles() {
        let catalog = Catalog::built_in();
        assert!(catalog.problems().is_empty(), "{:?}", catalog.problems());
        let mut patterns = 0;
        for spec in catalog.specs() {
            for field in &spec.fields {
                if let Some(pattern) = &field.limits.pattern {
                    let compiled = regex::Regex::new(pattern.source());
                    assert!(compiled.is_ok(), "{} {}: {compiled:?}", spec.id, field.name);
                    patterns += 1;
                }
            }
        }
        assert!(patterns > 0, "the built-in specs have patterns");
    }

    #[test]
    fn a_user_spec_with_a_broken_pattern_is_refused_at_load() {
        let (_, built_in) = BUILT_IN
            .iter()
            .find(|(file, _)| *file == "servicedesk.toml")
            .unwrap();
        let source = built_in.replacen("pattern = '", "pattern = '(", 1);
        assert_ne!(&source, built_in, "servicedesk has a pattern");
        let error = parse_spec("user servicedesk.toml", &source).unwrap_err();
        assert!(
            error.message.contains("pattern does not compile"),
            "{error}"
        );
    }
}
