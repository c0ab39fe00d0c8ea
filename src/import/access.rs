//! How a contact is reached: path parameters (the reference), required headers (profile
//! extras), security schemes (auth headers), and where the envelope keeps its verdict.

use serde_json::Value;

use super::document::{Document, Operation};
use super::schema::{Flat, flatten};
use super::{ImportError, Unmapped, escape_segment};
use crate::spec::{ParamType, Template};

#[derive(Debug, Clone)]
pub(super) struct PathParam {
    /// As rolo's templates take it (`contact-id` becomes `contact_id`).
    pub name: String,
    pub original: String,
    /// "integer", "UUID", "text matching ^…$", for the spec's comment.
    pub describe: String,
    pub example: String,
    /// Its `[reference.types]` entry, when the schema gives one rolo checks.
    pub kind: Option<ParamType>,
}

#[derive(Debug, Clone)]
pub(super) struct Extra {
    pub name: String,
    pub header: String,
    pub kind: &'static str,
    pub help: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Access {
    pub params: Vec<PathParam>,
    pub extras: Vec<Extra>,
    /// (header, value template).
    pub auth: Vec<(String, String)>,
}

impl Access {
    /// The document's path with parameter names as rolo's templates take them.
    pub fn rolo_path(&self, path: &str) -> String {
        let mut out = path.to_string();
        for p in &self.params {
            out = out.replace(&format!("{{{}}}", p.original), &format!("{{{}}}", p.name));
        }
        out
    }

    /// The names of an operation's query parameters.
    pub fn query_params(&self, doc: &Document, op: &Value, op_at: &str) -> Vec<String> {
        parameters(doc, op, op_at)
            .unwrap_or_default()
            .into_iter()
            .filter(|(p, _)| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|(p, _)| p.get("name").and_then(Value::as_str).map(str::to_string))
            .collect()
    }
}

/// The `{name}`s of an OpenAPI path, in order, as the document spells them.
fn path_params(path: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in the path {path:?}"))?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("an empty or broken `{{…}}` in the path {path:?}"));
        }
        names.push(name.to_string());
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// Parameter names as rolo's templates take them: letters, digits and `_`.
fn template_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The operation's parameters and its path item's, resolved, with where each is.
fn parameters<'a>(
    doc: &'a Document,
    op: &'a Value,
    op_at: &str,
) -> Result<Vec<(&'a Value, String)>, ImportError> {
    let item_at = op_at
        .rsplit_once('/')
        .map(|(item, _)| item)
        .unwrap_or(op_at);
    let mut found: Vec<(&Value, String)> = Vec::new();
    let lists = [
        (doc.at(item_at).and_then(|i| i.get("parameters")), item_at),
        (op.get("parameters"), op_at),
    ];
    for (list, at) in lists {
        let Some(Value::Array(list)) = list else {
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            let (p, p_at) = doc.resolve_strict(p, &format!("{at}/parameters/{i}"))?;
            let key = |v: &Value| (v.get("name").cloned(), v.get("in").cloned());
            // An operation's parameter overrides its path item's of the same name and place.
            found.retain(|(q, _)| key(q) != key(p));
            found.push((p, p_at));
        }
    }
    Ok(found)
}

/// Reads the update operation's parameters and security.
pub(super) fn read(
    doc: &Document,
    update: &Operation,
    op: &Value,
    notes: &mut Vec<Unmapped>,
) -> Result<Access, ImportError> {
    let params = parameters(doc, op, &update.pointer)?;
    let mut access = Access::default();
    let path_at = format!("#/paths/{}", escape_segment(&update.path));
    for original in path_params(&update.path).map_err(|m| ImportError::refused(&path_at, m))? {
        let original = original.as_str();
        let declared = params.iter().find(|(p, _)| {
            p.get("in").and_then(Value::as_str) == Some("path")
                && p.get("name").and_then(Value::as_str) == Some(original)
        });
        let (describe, example, kind) = match declared {
            Some((p, at)) => describe_param(doc, p, at, notes)?,
            None => {
                notes.push(Unmapped {
                    pointer: path_at.clone(),
                    what: format!("path parameter {{{original}}} is not declared: taken as text"),
                });
                ("text".to_string(), "abc".to_string(), None)
            }
        };
        access.params.push(PathParam {
            name: template_name(original),
            original: original.to_string(),
            describe,
            example,
            kind,
        });
    }
    if access.params.is_empty() {
        return Err(ImportError::refused(
            &path_at,
            "the update's path has no parameter to name a contact with",
        ));
    }
    security(doc, op, &update.pointer, &mut access, notes)?;
    for (p, at) in &params {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let required = p.get("required") == Some(&Value::Bool(true));
        match p.get("in").and_then(Value::as_str) {
            Some("header") => {
                let lower = name.to_ascii_lowercase();
                if matches!(lower.as_str(), "accept" | "content-type" | "authorization") {
                    continue;
                }
                if !required {
                    notes.push(Unmapped {
                        pointer: at.clone(),
                        what: format!("optional header {name}: rolo does not send it"),
                    });
                    continue;
                }
                let extra = template_name(lower.strip_prefix("x-").unwrap_or(&lower));
                if extra.is_empty()
                    || extra == "secret"
                    || access.extras.iter().any(|e| e.name == extra)
                {
                    notes.push(Unmapped {
                        pointer: at.clone(),
                        what: format!(
                            "required header {name:?}: no profile setting can be named after it"
                        ),
                    });
                    continue;
                }
                let is_integer =
                    p.pointer("/schema/type").and_then(Value::as_str) == Some("integer");
                access.auth.push((name.to_string(), format!("{{{extra}}}")));
                access.extras.push(Extra {
                    name: extra,
                    header: name.to_string(),
                    kind: if is_integer { "integer" } else { "text" },
                    help: format!("sent as the {name} header"),
                });
            }
            Some("query") if required => notes.push(Unmapped {
                pointer: at.clone(),
                what: format!("required query parameter {name}: rolo sends no query string"),
            }),
            Some("cookie") => notes.push(Unmapped {
                pointer: at.clone(),
                what: format!("cookie parameter {name}: rolo sends no cookies"),
            }),
            _ => {}
        }
    }
    Ok(access)
}

/// What one path parameter is ("integer"), an example reference part, and the reference type
/// rolo checks it with: integers, UUIDs (rolo's `guid`) and string patterns.
fn describe_param(
    doc: &Document,
    p: &Value,
    at: &str,
    notes: &mut Vec<Unmapped>,
) -> Result<(String, String, Option<ParamType>), ImportError> {
    let schema = match p.get("schema") {
        Some(s) => flatten(doc, s, &format!("{at}/schema"), notes)?,
        None => Flat::default(),
    };
    let ty = schema.types.first().map(String::as_str).unwrap_or("string");
    let (describe, fallback, kind) = match (ty, schema.format, schema.pattern) {
        ("integer", _, _) => ("integer".to_string(), "1001", Some(ParamType::Integer)),
        (_, Some("uuid"), _) => (
            "UUID".to_string(),
            "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            Some(ParamType::Guid),
        ),
        (_, _, Some(pattern)) => match regex::Regex::new(pattern) {
            // No example is better than one the pattern refuses.
            Ok(regex) => (
                format!("text matching {pattern}"),
                "",
                Some(ParamType::Pattern(regex)),
            ),
            Err(e) => {
                notes.push(Unmapped {
                    pointer: format!("{}/pattern", schema.pointer),
                    what: format!(
                        "pattern {pattern:?} is not one rolo can check ({}): the reference takes any text there",
                        e.to_string().lines().last().unwrap_or_default().trim()
                    ),
                });
                (format!("text matching {pattern}"), "abc", None)
            }
        },
        _ => ("text".to_string(), "abc", None),
    };
    let example = [
        p.get("example"),
        p.pointer("/schema/example"),
        p.pointer("/schema/examples/0"),
    ]
    .into_iter()
    .flatten()
    .find_map(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
    // An example that could leave its path segment would not be a reference.
    .filter(|e| !e.is_empty() && !e.contains(['/', '?', '#', '%', ' ', '{', '}']))
    .filter(|e| kind.as_ref().is_none_or(|k| k.accepts(e)));
    Ok((
        describe,
        example.unwrap_or_else(|| fallback.to_string()),
        kind,
    ))
}

fn security(
    doc: &Document,
    op: &Value,
    op_at: &str,
    access: &mut Access,
    notes: &mut Vec<Unmapped>,
) -> Result<(), ImportError> {
    let (requirements, req_at) = match op.get("security") {
        Some(s) => (s, format!("{op_at}/security")),
        None => match doc.at("#/security") {
            Some(s) => (s, "#/security".to_string()),
            None => return Ok(()),
        },
    };
    let Some(requirements) = requirements.as_array() else {
        return Err(ImportError::refused(&req_at, "`security` is not a list"));
    };
    // The first alternative whose every credential can go in a header; the ones before it
    // are said (a key in the query string is refused, never sent).
    let scheme_at = |name: &str| format!("#/components/securitySchemes/{}", escape_segment(name));
    let in_header = |name: &str| {
        let scheme = doc.at(&scheme_at(name));
        !(scheme.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("apiKey")
            && scheme.and_then(|s| s.get("in")).and_then(Value::as_str) != Some("header"))
    };
    let chosen = requirements
        .iter()
        .filter_map(Value::as_object)
        .position(|r| r.keys().all(|name| in_header(name)));
    let Some(chosen) = chosen else {
        notes.push(Unmapped {
            pointer: req_at.clone(),
            what: "no security alternative rolo can send (API keys in the query string or a cookie are refused: they end up in logs and histories)".into(),
        });
        return Ok(());
    };
    for (i, skipped) in requirements
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != chosen)
    {
        let names: Vec<&str> = skipped
            .as_object()
            .map(|r| r.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let why = if names.iter().all(|n| in_header(n)) {
            "an alternative: rolo sends one"
        } else {
            "refused: an API key in the query string or a cookie ends up in logs and histories; rolo sends credentials only in headers"
        };
        notes.push(Unmapped {
            pointer: format!("{req_at}/{i}"),
            what: format!("security {}: {why}", names.join(" + ")),
        });
    }
    let Some(first) = requirements.get(chosen).and_then(Value::as_object) else {
        return Ok(());
    };
    let mut secrets = 0;
    for name in first.keys() {
        let at = scheme_at(name);
        let scheme = doc.at(&at).ok_or_else(|| {
            ImportError::refused(&req_at, format!("security scheme {name:?} is not declared"))
        })?;
        let (scheme, at) = doc.resolve_strict(scheme, &at)?;
        let kind = scheme
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let header = match kind {
            "http" => match scheme
                .get("scheme")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("bearer") => ("Authorization".to_string(), "Bearer {secret}".to_string()),
                Some("basic") => {
                    notes.push(Unmapped {
                        pointer: at.clone(),
                        what: "HTTP Basic: the profile's secret must be base64 of user:password"
                            .into(),
                    });
                    ("Authorization".to_string(), "Basic {secret}".to_string())
                }
                other => {
                    notes.push(Unmapped {
                        pointer: at.clone(),
                        what: format!("HTTP auth scheme {other:?}: rolo knows bearer and basic"),
                    });
                    continue;
                }
            },
            "apiKey" => {
                let key_name = scheme
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                match scheme.get("in").and_then(Value::as_str) {
                    Some("header") if !key_name.is_empty() => {
                        (key_name.to_string(), "{secret}".to_string())
                    }
                    place => {
                        // Refused, not mapped: a key in a URL or cookie ends up in logs,
                        // histories and proxies; rolo sends credentials in headers only.
                        notes.push(Unmapped {
                            pointer: at.clone(),
                            what: format!(
                                "API key {key_name:?} in the {}: refused, rolo sends credentials only in headers",
                                place.unwrap_or("(unsaid place)")
                            ),
                        });
                        continue;
                    }
                }
            }
            "oauth2" | "openIdConnect" => {
                notes.push(Unmapped {
                    pointer: at.clone(),
                    what: format!("{kind}: rolo does not run the flow; the profile's secret is sent as a bearer token"),
                });
                ("Authorization".to_string(), "Bearer {secret}".to_string())
            }
            other => {
                notes.push(Unmapped {
                    pointer: at.clone(),
                    what: format!("security scheme type {other:?} is not known"),
                });
                continue;
            }
        };
        secrets += 1;
        if secrets > 1 {
            notes.push(Unmapped {
                pointer: at.clone(),
                what: "a second credential: a profile holds one secret, sent in both headers"
                    .into(),
            });
        }
        access.auth.push(header);
    }
    Ok(())
}

/// Refuses an operation whose path rolo cannot send or whose parameters the reference lacks.
pub(super) fn check_params(op: &Operation, access: &Access) -> Result<(), ImportError> {
    let at = format!("#/paths/{}", escape_segment(&op.path));
    let path = &op.path;
    if !path.starts_with('/') || path.starts_with("//") {
        return Err(ImportError::refused(
            &at,
            "a path must start with a single `/`",
        ));
    }
    if let Some(c) = path
        .chars()
        .find(|c| matches!(c, '@' | '\\' | '#' | '?') || c.is_whitespace() || c.is_control())
    {
        return Err(ImportError::refused(
            &at,
            format!("the path holds {c:?}, which could send the request elsewhere"),
        ));
    }
    Template::parse(&access.rolo_path(path))
        .map_err(|e| ImportError::refused(&at, e.to_string()))?;
    for p in path_params(path).map_err(|m| ImportError::refused(&at, m))? {
        if !access.params.iter().any(|known| known.original == p) {
            return Err(ImportError::refused(
                &at,
                format!(
                    "{{{p}}} is not a parameter of the update's path, so no reference gives it"
                ),
            ));
        }
    }
    Ok(())
}

/// `success` and `message` members beside the contact in a success response.
pub(super) fn success_envelope(
    doc: &Document,
    root: &Flat,
    notes: &mut Vec<Unmapped>,
) -> Result<Vec<(&'static str, String)>, ImportError> {
    let mut found = Vec::new();
    for prop in &root.props {
        let inner = flatten(doc, prop.schema, &prop.pointer, notes)?;
        let is = |t: &str| inner.types.iter().any(|x| x == t);
        let lower = prop.name.to_ascii_lowercase();
        if is("boolean") && matches!(lower.as_str(), "success" | "ok" | "succeeded") {
            found.push(("success", prop.name.clone()));
        } else if is("string") && matches!(lower.as_str(), "message" | "detail") {
            found.push(("message", prop.name.clone()));
        }
    }
    Ok(found)
}

/// Where an error response keeps its message, code and details.
pub(super) fn error_envelope(
    doc: &Document,
    op: &Value,
    op_at: &str,
    have: &[(&'static str, String)],
    notes: &mut Vec<Unmapped>,
) -> Result<Vec<(&'static str, String)>, ImportError> {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<(&'static str, String)> = Vec::new();
    for (code, response) in responses {
        if !(code.starts_with('4') || code.starts_with('5') || code == "default") {
            continue;
        }
        let at = format!("{op_at}/responses/{}", escape_segment(code));
        let (response, at) = doc.resolve_strict(response, &at)?;
        let Some(schema) = response
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.iter().find(|(t, _)| super::document::is_json(t)))
            .and_then(|(t, entry)| entry.get("schema").map(|s| (t, s)))
        else {
            continue;
        };
        let schema_at = format!("{at}/content/{}/schema", escape_segment(schema.0));
        let root = flatten(doc, schema.1, &schema_at, notes)?;
        let mut names: Vec<String> = root.props.iter().map(|p| p.name.clone()).collect();
        if let Some(error) = root.props.iter().find(|p| p.name == "error") {
            let inner = flatten(doc, error.schema, &error.pointer, notes)?;
            names.extend(inner.props.iter().map(|p| format!("error.{}", p.name)));
        }
        let wanted: [(&'static str, &[&str]); 3] = [
            (
                "message",
                &["message", "detail", "Message", "error.message", "title"],
            ),
            (
                "error_code",
                &["code", "error_code", "errorCode", "error.code"],
            ),
            (
                "error_details",
                &[
                    "errors",
                    "details",
                    "ModelState",
                    "error.details",
                    "error.errors",
                ],
            ),
        ];
        for (key, candidates) in wanted {
            if have.iter().chain(found.iter()).any(|(k, _)| *k == key) {
                continue;
            }
            if let Some(name) = candidates.iter().find(|c| names.iter().any(|n| n == *c)) {
                found.push((key, name.to_string()));
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    Ok(found)
}
