//! The OpenAPI document as JSON: reading (JSON or YAML), `$ref`s within the document, and its
//! operations.

use serde_json::{Map, Number, Value};

use super::{ImportError, escape_segment};

/// How many `$ref`s in a row are followed before the chain counts as a loop.
const MAX_REF_CHAIN: usize = 32;

/// The HTTP methods rolo can send, as OpenAPI path items spell them.
const METHODS: [&str; 5] = ["get", "put", "post", "patch", "delete"];

#[derive(Debug, Clone)]
pub struct Document {
    pub(super) root: Value,
    /// `3.0.x` documents mark clearing with `nullable`, `3.1.x` with `type: [.., "null"]`;
    /// both are read for either, so this only names the version in messages.
    pub version: String,
}

/// One operation of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Upper case: `PATCH`.
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: String,
    /// `#/paths/~1contacts~1{id}/patch`.
    pub pointer: String,
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(id) = &self.operation_id {
            write!(f, " ({id})")?;
        }
        if !self.summary.is_empty() {
            write!(f, ": {}", self.summary)?;
        }
        Ok(())
    }
}

/// Why a `$ref` could not be followed.
#[derive(Debug)]
pub(super) enum RefProblem {
    /// To another file or URL: rolo reads one document.
    External(String),
    /// Broken or looping: the document itself is wrong.
    Broken(ImportError),
}

impl Document {
    pub(super) fn parse(text: &str) -> Result<Self, ImportError> {
        let root: Value = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| ImportError::Syntax(format!("JSON: {e}")))?
        } else {
            let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)
                .map_err(|e| ImportError::Syntax(format!("YAML: {e}")))?;
            yaml_to_json(yaml, "#")?
        };
        if !root.is_object() {
            return Err(ImportError::refused("#", "the document is not an object"));
        }
        if root.get("swagger").is_some() {
            return Err(ImportError::refused(
                "#/swagger",
                "this is a Swagger 2.0 document; convert it to OpenAPI 3 first",
            ));
        }
        // `openapi: 3.1` unquoted is a YAML number; it still says which version.
        let version = match root.get("openapi") {
            Some(Value::Number(n)) if matches!(n.as_f64(), Some(3.0) | Some(3.1)) => n.to_string(),
            Some(Value::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => v.clone(),
            Some(other) => {
                return Err(ImportError::refused(
                    "#/openapi",
                    format!("OpenAPI version {other} is not 3.0 or 3.1"),
                ));
            }
            None => {
                return Err(ImportError::refused(
                    "#",
                    "no `openapi` member: not an OpenAPI 3 document",
                ));
            }
        };
        if !root.get("paths").is_some_and(Value::is_object) {
            return Err(ImportError::refused(
                "#/paths",
                "the document has no `paths` object",
            ));
        }
        Ok(Self { root, version })
    }

    /// The document's title, if it has one.
    pub fn title(&self) -> Option<&str> {
        self.root.pointer("/info/title").and_then(Value::as_str)
    }

    /// The value at a `#/…` pointer.
    pub(super) fn at(&self, pointer: &str) -> Option<&Value> {
        let inner = pointer.strip_prefix('#')?;
        if inner.is_empty() {
            return Some(&self.root);
        }
        self.root.pointer(inner)
    }

    /// Follows `$ref`s from `value` (found at `pointer`) to what they name, and where that is.
    pub(super) fn resolve<'a>(
        &'a self,
        value: &'a Value,
        pointer: &str,
    ) -> Result<(&'a Value, String), RefProblem> {
        let mut current = value;
        let mut at = pointer.to_string();
        for _ in 0..MAX_REF_CHAIN {
            let Some(target) = current.get("$ref") else {
                return Ok((current, at));
            };
            let Some(target) = target.as_str() else {
                return Err(RefProblem::Broken(ImportError::refused(
                    &format!("{at}/$ref"),
                    "`$ref` is not a string",
                )));
            };
            if !target.starts_with('#') {
                return Err(RefProblem::External(target.to_string()));
            }
            current = self.at(target).ok_or_else(|| {
                RefProblem::Broken(ImportError::refused(
                    &format!("{at}/$ref"),
                    format!("`$ref` {target:?} names nothing in this document"),
                ))
            })?;
            at = target.to_string();
        }
        Err(RefProblem::Broken(ImportError::refused(
            &at,
            format!("more than {MAX_REF_CHAIN} `$ref`s in a row (a loop?)"),
        )))
    }

    /// Like `resolve`, for places where an external `$ref` cannot be worked around.
    pub(super) fn resolve_strict<'a>(
        &'a self,
        value: &'a Value,
        pointer: &str,
    ) -> Result<(&'a Value, String), ImportError> {
        self.resolve(value, pointer).map_err(|p| match p {
            RefProblem::External(target) => ImportError::refused(
                pointer,
                format!("`$ref` {target:?} points outside the document; rolo reads one file"),
            ),
            RefProblem::Broken(e) => e,
        })
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        let mut found = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return found;
        };
        for (path, item) in paths {
            let item_pointer = format!("#/paths/{}", escape_segment(path));
            let Ok((item, _)) = self.resolve(item, &item_pointer) else {
                continue;
            };
            for method in METHODS {
                let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                    continue;
                };
                found.push(Operation {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    operation_id: op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    summary: op
                        .get("summary")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    pointer: format!("{item_pointer}/{method}"),
                });
            }
        }
        found
    }

    /// The operation named by an `operationId` or `METHOD /path`.
    pub fn find_operation(&self, wanted: &str) -> Result<Operation, ImportError> {
        let wanted_trimmed = wanted.trim();
        let by_route = wanted_trimmed.split_once(' ').map(|(m, p)| (m, p.trim()));
        self.operations()
            .into_iter()
            .find(|op| {
                op.operation_id.as_deref() == Some(wanted_trimmed)
                    || by_route
                        .is_some_and(|(m, p)| op.method.eq_ignore_ascii_case(m) && op.path == p)
            })
            .ok_or_else(|| ImportError::NoSuchOperation {
                wanted: wanted.to_string(),
            })
    }

    /// Operations that look like a contact update: PATCH, PUT or POST on a path with a
    /// parameter, taking a JSON body.
    pub fn update_candidates(&self) -> Vec<Operation> {
        self.operations()
            .into_iter()
            .filter(|op| matches!(op.method.as_str(), "PATCH" | "PUT" | "POST"))
            .filter(|op| op.path.contains('{'))
            .filter(|op| {
                self.at(&op.pointer)
                    .and_then(|o| o.get("requestBody"))
                    .and_then(|b| self.resolve(b, &op.pointer).ok())
                    .and_then(|(b, _)| b.get("content").and_then(Value::as_object))
                    .is_some_and(|content| content.keys().any(|k| is_json(k)))
            })
            .collect()
    }
}

/// `application/json`, `application/merge-patch+json`, `application/vnd.x+json; charset=…`.
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// YAML as JSON. Map keys that YAML reads as numbers or booleans (`200:` in `responses`)
/// become their text; anything JSON cannot hold is refused with where it is.
fn yaml_to_json(yaml: serde_yaml_ng::Value, pointer: &str) -> Result<Value, ImportError> {
    use serde_yaml_ng::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(Number::from_f64(f).ok_or_else(|| {
                    ImportError::refused(pointer, "a number JSON cannot hold (NaN or infinite)")
                })?)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &format!("{pointer}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    _ => {
                        return Err(ImportError::refused(
                            pointer,
                            "a mapping key that is not text (a list or a mapping)",
                        ));
                    }
                };
                let inner = format!("{pointer}/{}", escape_segment(&key));
                object.insert(key, yaml_to_json(value, &inner)?);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_response_codes_become_text_keys() {
        let doc = Document::parse(
            "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      responses:\n        200:\n          description: ok\n",
        )
        .unwrap();
        assert!(doc.at("#/paths/~1a~1{id}/get/responses/200").is_some());
    }

    #[test]
    fn an_unquoted_version_is_read() {
        let doc = Document::parse("openapi: 3.1\npaths: {}\n").unwrap();
        assert_eq!(doc.version, "3.1");
        let err = Document::parse("openapi: 2.0\npaths: {}\n").unwrap_err();
        assert!(err.to_string().starts_with("#/openapi:"), "{err}");
    }

    #[test]
    fn swagger_2_is_refused_by_pointer() {
        let err = Document::parse("{\"swagger\": \"2.0\", \"paths\": {}}").unwrap_err();
        assert!(err.to_string().starts_with("#/swagger:"), "{err}");
    }

    #[test]
    fn ref_loops_are_refused() {
        let doc = Document::parse(
            "openapi: 3.1.0\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
        )
        .unwrap();
        let a = doc.at("#/components/schemas/A").unwrap();
        assert!(matches!(
            doc.resolve(a, "#/components/schemas/A"),
            Err(RefProblem::Broken(_))
        ));
    }
}
