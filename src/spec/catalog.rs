//! The set of vendors rolo knows: the built-in specs, overridden or extended by the user's
//! `vendors/*.toml` in the config folder.
//!
//! A built-in spec is parsed when it is first asked for: a profile needs one vendor, and
//! parsing all five was a fifth of the editor's start-up (issue 18). Its id is its file's stem,
//! so the catalog knows every id without parsing (a test holds each spec to its file name). A
//! user spec is parsed at load, so that a broken one is refused then, with its line.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::{SpecError, VendorSpec, parse_built_in, parse_spec};

/// The built-in specs, compiled into the binary: (file name, contents). The file's stem is the
/// vendor's id.
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

/// One vendor of the catalog: a parsed spec, or a built-in one not parsed yet.
#[derive(Debug)]
struct Entry {
    id: String,
    origin: String,
    spec: OnceLock<Option<Arc<VendorSpec>>>,
    /// The compiled-in text, for a built-in spec not asked for yet.
    built_in: Option<&'static str>,
}

impl Entry {
    fn built_in(file: &'static str, source: &'static str) -> Self {
        Self {
            id: file.trim_end_matches(".toml").to_string(),
            origin: format!("built-in {file}"),
            spec: OnceLock::new(),
            built_in: Some(source),
        }
    }

    fn parsed(spec: VendorSpec) -> Self {
        Self {
            id: spec.id.clone(),
            origin: spec.origin.clone(),
            spec: OnceLock::from(Some(Arc::new(spec))),
            built_in: None,
        }
    }

    /// The spec, parsing a built-in one the first time. A built-in spec that does not parse
    /// (a defect the tests catch) is logged and is no vendor.
    fn spec(&self) -> Option<&Arc<VendorSpec>> {
        self.spec
            .get_or_init(|| {
                let source = self.built_in?;
                match parse_built_in(&self.origin, source) {
                    Ok(spec) if spec.id == self.id => Some(Arc::new(spec)),
                    Ok(spec) => {
                        tracing::error!("{}: id {:?} is not its file's name", self.origin, spec.id);
                        None
                    }
                    Err(problem) => {
                        tracing::error!("{problem}");
                        None
                    }
                }
            })
            .as_ref()
    }
}

/// Loaded specs plus the problems met on the way; one bad file never hides the others.
#[derive(Debug, Default)]
pub struct Catalog {
    entries: Vec<Entry>,
    problems: Vec<SpecError>,
    /// User specs that replaced a built-in one: said aloud (and logged by the front ends), since
    /// the user's file then decides where that vendor's credentials go.
    replaced: Vec<String>,
}

impl Catalog {
    /// Only the built-in specs (each parsed when first asked for).
    pub fn built_in() -> Self {
        Self {
            entries: BUILT_IN
                .iter()
                .map(|(file, source)| Entry::built_in(file, source))
                .collect(),
            ..Self::default()
        }
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
            Ok(spec) => match self.entries.iter_mut().find(|e| e.id == spec.id) {
                Some(existing) => {
                    let notice = format!(
                        "vendor {:?} from {} replaces the one from {}",
                        spec.id, spec.origin, existing.origin
                    );
                    self.replaced.push(notice);
                    *existing = Entry::parsed(spec);
                }
                None => self.entries.push(Entry::parsed(spec)),
            },
            Err(problem) => self.problems.push(problem),
        }
    }

    /// Every spec, in the catalog's order (parsing the built-in ones not asked for yet).
    pub fn specs(&self) -> impl Iterator<Item = &Arc<VendorSpec>> {
        self.entries.iter().filter_map(Entry::spec)
    }

    /// The spec of a vendor id in any case (`CLEMTA`, `Clemta`), an exact match first. Only that
    /// vendor's spec is parsed.
    pub fn get(&self, id: &str) -> Option<&Arc<VendorSpec>> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .or_else(|| self.entries.iter().find(|e| e.id.eq_ignore_ascii_case(id)))
            .and_then(Entry::spec)
    }

    pub fn problems(&self) -> &[SpecError] {
        &self.problems
    }

    /// One sentence per user spec that replaced an earlier (built-in) spec of the same id.
    pub fn replaced(&self) -> &[String] {
        &self.replaced
    }

    pub fn ids(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A built-in spec is parsed only when asked for, under the id its file name gives: every
    /// one must parse, and under that id.
    #[test]
    fn every_built_in_spec_parses_under_its_file_name() {
        for (file, source) in BUILT_IN {
            let spec = parse_built_in(file, source).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(format!("{}.toml", spec.id), file);
        }
        let catalog = Catalog::built_in();
        assert_eq!(catalog.specs().count(), BUILT_IN.len());
    }

    #[test]
    fn asking_for_one_vendor_parses_only_that_spec() {
        let catalog = Catalog::built_in();
        assert_eq!(catalog.get("CRO").map(|s| s.id.as_str()), Some("cro"));
        let parsed: Vec<&str> = catalog
            .entries
            .iter()
            .filter(|e| e.spec.get().is_some())
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(parsed, ["cro"]);
        assert_eq!(catalog.ids().len(), BUILT_IN.len());
    }

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
