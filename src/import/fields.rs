//! Schemas to fields: `type`/`format` to a kind, keywords to limits, nested objects to dotted
//! names, `oneOf` with a discriminator to field conditions.

use regex::Regex;
use serde_json::Value;

use super::document::Document;
use super::schema::{Flat, flatten};
use super::{ImportError, Unmapped};
use crate::spec::{Kind, MAX_NAME_CHARS};

/// Objects nested deeper than this are edited as one JSON value: a form of
/// `a.b.c.d.e.f.g.h.i` is no form, and a recursive schema has to stop somewhere.
const MAX_NESTING: usize = 8;

/// More fields than this and the import is refused: a schema that nests itself many times
/// over would otherwise make millions.
const MAX_IMPORTED_FIELDS: usize = 2_000;

/// The pattern rolo writes for `format: uuid`.
pub(super) const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A field on its way to the TOML.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub name: String,
    pub kind: Kind,
    pub required: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub values: Vec<String>,
    /// (regex, what it means).
    pub pattern: Option<(String, String)>,
    pub json_type: Option<&'static str>,
    pub read_only: Option<String>,
    pub nullable: bool,
    pub when: Option<(String, Vec<String>)>,
    pub response_path: Option<String>,
    pub identity: bool,
    pub help: String,
    pub pointer: String,
}

impl Draft {
    fn new(name: String, kind: Kind, pointer: &str) -> Self {
        Draft {
            name,
            kind,
            required: false,
            min_length: None,
            max_length: None,
            values: Vec::new(),
            pattern: None,
            json_type: None,
            read_only: None,
            nullable: false,
            when: None,
            response_path: None,
            identity: false,
            help: String::new(),
            pointer: pointer.to_string(),
        }
    }
}

/// The fields of one contact schema (request or response), conditions included.
pub(super) fn contact_fields(
    doc: &Document,
    contact: &Flat,
    notes: &mut Vec<Unmapped>,
) -> Result<Vec<Draft>, ImportError> {
    let mut out = Vec::new();
    if let Some(at) = &contact.additional {
        notes.push(Unmapped {
            pointer: at.clone(),
            what: "`additionalProperties`: members beyond the named ones (custom properties) are not fields".into(),
        });
    }
    collect(doc, contact, "", false, &mut out, notes, &[])?;
    let Some(alternatives) = &contact.alternatives else {
        return Ok(out);
    };
    let discriminator = alternatives
        .discriminator
        .and_then(|d| d.get("propertyName"))
        .and_then(Value::as_str);
    let usable =
        |p: &&str| !p.is_empty() && !p.contains('.') && p.chars().count() <= MAX_NAME_CHARS;
    let Some(property) = discriminator.filter(usable) else {
        notes.push(Unmapped {
            pointer: alternatives.pointer.clone(),
            what: format!(
                "`{}` without a discriminator (or one whose property cannot be a field name): only the members outside it are fields",
                alternatives.keyword
            ),
        });
        return Ok(out);
    };
    let mapping = alternatives
        .discriminator
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_object);
    // (the discriminator values of a variant, its fields)
    let mut variants: Vec<(Vec<String>, Vec<Draft>)> = Vec::new();
    for (schema, at) in &alternatives.variants {
        let flat = flatten(doc, schema, at, notes)?;
        let mut values: Vec<String> = match (mapping, &flat.reached_by) {
            (Some(mapping), Some(target)) => mapping
                .iter()
                .filter(|(_, t)| t.as_str() == Some(target.as_str()))
                .map(|(value, _)| value.clone())
                .collect(),
            _ => Vec::new(),
        };
        if values.is_empty()
            && let Some(target) = &flat.reached_by
        {
            // Without a mapping the value is the schema's name (OpenAPI "implicit mapping").
            values.push(target.rsplit('/').next().unwrap_or(target).to_string());
        }
        let mut fields = Vec::new();
        collect(doc, &flat, "", false, &mut fields, notes, &[])?;
        variants.push((values, fields));
    }
    let all: Vec<String> = variants.iter().flat_map(|(v, _)| v.clone()).collect();
    let mut merged: Vec<Draft> = Vec::new();
    for (values, fields) in &variants {
        for field in fields {
            if out.iter().any(|f| f.name == field.name) {
                continue;
            }
            match merged.iter_mut().find(|f| f.name == field.name) {
                Some(existing) => {
                    if values.is_empty() {
                        existing.when = None;
                    } else if let Some((_, is)) = &mut existing.when {
                        is.extend(values.iter().cloned());
                    }
                    for v in &field.values {
                        if !existing.values.contains(v) {
                            existing.values.push(v.clone());
                        }
                    }
                }
                None => {
                    let mut field = field.clone();
                    if field.name != property && !values.is_empty() {
                        field.when = Some((property.to_string(), values.clone()));
                    }
                    merged.push(field);
                }
            }
        }
    }
    for field in &mut merged {
        // In every variant: no condition needed.
        if let Some((_, is)) = &field.when
            && all.iter().all(|v| is.contains(v))
        {
            field.when = None;
        }
    }
    out.extend(merged);
    if !all.is_empty() && !out.iter().any(|f| f.name == property) {
        let mut controller = Draft::new(property.to_string(), Kind::Enum, &alternatives.pointer);
        controller.values = all;
        controller.read_only = Some("the discriminator: it decides which fields apply".into());
        out.push(controller);
    }
    Ok(out)
}

/// Adds a field for each property of `flat`, named under `prefix`.
fn collect(
    doc: &Document,
    flat: &Flat,
    prefix: &str,
    parent_read_only: bool,
    out: &mut Vec<Draft>,
    notes: &mut Vec<Unmapped>,
    ancestors: &[&str],
) -> Result<(), ImportError> {
    // The schemas being expanded, this one included: one met again is a recursive schema.
    let mut chain = ancestors.to_vec();
    chain.push(&flat.pointer);
    for prop in &flat.props {
        if out.len() >= MAX_IMPORTED_FIELDS {
            return Err(ImportError::refused(
                &prop.pointer,
                format!(
                    "more than {MAX_IMPORTED_FIELDS} fields: no form anyone edits (a schema nested many times over?)"
                ),
            ));
        }
        let name = if prefix.is_empty() {
            prop.name.clone()
        } else {
            format!("{prefix}.{}", prop.name)
        };
        if prop.name.is_empty() || prop.name.contains('.') {
            notes.push(Unmapped {
                pointer: prop.pointer.clone(),
                what: format!(
                    "property {:?}: a field name cannot be empty or hold `.` (rolo's path separator)",
                    prop.name
                ),
            });
            continue;
        }
        if name.chars().count() > MAX_NAME_CHARS {
            notes.push(Unmapped {
                pointer: prop.pointer.clone(),
                what: format!("a field name longer than {MAX_NAME_CHARS} characters"),
            });
            continue;
        }
        let inner = flatten(doc, prop.schema, &prop.pointer, notes)?;
        let required = flat.required.contains(&prop.name);
        let read_only = parent_read_only || inner.read_only;
        let nests = inner.x_kind.is_none()
            && inner.alternatives.is_none()
            && inner.is_object()
            && !inner.props.is_empty()
            && inner.types.len() <= 1;
        let recursive = chain.contains(&inner.pointer.as_str());
        if nests && (recursive || chain.len() > MAX_NESTING) {
            notes.push(Unmapped {
                pointer: prop.pointer.clone(),
                what: if recursive {
                    format!("{name}: a recursive schema; edited as raw JSON")
                } else {
                    format!(
                        "{name}: nested more than {MAX_NESTING} objects deep; edited as raw JSON"
                    )
                },
            });
        } else if nests {
            if let Some(at) = &inner.additional {
                notes.push(Unmapped {
                    pointer: at.clone(),
                    what: format!(
                        "`additionalProperties` beside named properties: only the named members of {name} are fields"
                    ),
                });
            }
            let before = out.len();
            collect(doc, &inner, &name, read_only, out, notes, &chain)?;
            if out.len() > before {
                continue;
            }
        }
        let mut draft = field(doc, &inner, name, notes)?;
        draft.required = required;
        if read_only {
            draft.read_only = Some("read-only in the vendor's document".into());
        }
        out.push(draft);
    }
    Ok(())
}

/// One field from one (flattened) property schema.
fn field(
    doc: &Document,
    f: &Flat,
    name: String,
    notes: &mut Vec<Unmapped>,
) -> Result<Draft, ImportError> {
    let at = f.pointer.as_str();
    // What this field loses, said once the field is made (`notes` is lent out meanwhile).
    let mut said: Vec<String> = Vec::new();
    let mut draft = Draft::new(name, Kind::Text, at);
    draft.nullable = f.nullable;
    draft.help = f
        .description
        .and_then(|d| d.lines().next())
        .map(|d| d.trim().chars().take(200).collect())
        .unwrap_or_default();
    let string_values = || -> Vec<String> {
        f.enum_values
            .unwrap_or_default()
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    if let Some((kind, kind_at)) = &f.x_kind {
        draft.kind = Kind::from_name(kind).ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|(n, _)| *n).collect();
            ImportError::refused(
                kind_at,
                format!("x-rolo-kind {kind:?} is not one of {}", names.join(", ")),
            )
        })?;
    } else if f.opaque {
        draft.kind = Kind::Json;
    } else if let Some(alt) = &f.alternatives {
        said.push(format!(
            "`{}` inside a field: rolo cannot tell the variants apart here; edited as raw JSON",
            alt.keyword
        ));
        draft.kind = Kind::Json;
    } else if f.types.len() > 1 {
        said.push(format!(
            "several types ({}): edited as raw JSON",
            f.types.join(", ")
        ));
        draft.kind = Kind::Json;
    } else {
        let ty = f.types.first().map(String::as_str).unwrap_or_else(|| {
            if f.enum_values.is_some() {
                "string"
            } else if !f.props.is_empty() {
                "object"
            } else {
                ""
            }
        });
        draft.kind = match (ty, f.format) {
            ("string", _) if f.enum_values.is_some() => Kind::Enum,
            ("string", Some("email")) => Kind::Email,
            ("string", Some("date")) => Kind::Date,
            ("string", Some("date-time")) => Kind::DateTime,
            ("string", Some("password")) => Kind::Secret,
            ("string", Some("uuid")) => {
                draft.pattern = Some((UUID_PATTERN.to_string(), "a UUID".to_string()));
                Kind::Text
            }
            ("string", _) => Kind::Text,
            ("integer", _) => {
                if f.enum_values.is_some() {
                    said.push("`enum` on an integer: rolo checks integers for form only".into());
                }
                Kind::Integer
            }
            ("number", _) => {
                said.push("a decimal number: rolo has no decimal kind; edited as raw JSON".into());
                Kind::Json
            }
            ("boolean", _) => Kind::Bool,
            ("array", _) => {
                let email_items = match &f.items {
                    Some((items, items_at)) => {
                        let items = flatten(doc, items, items_at, notes)?;
                        items.types.iter().any(|t| t == "string") && items.format == Some("email")
                    }
                    None => false,
                };
                if email_items {
                    Kind::EmailArray
                } else {
                    draft.json_type = Some("array");
                    Kind::Json
                }
            }
            ("object", _) => {
                if let Some(additional) = &f.additional {
                    notes.push(Unmapped {
                        pointer: additional.clone(),
                        what: "`additionalProperties` map: edited as one JSON object".into(),
                    });
                }
                draft.json_type = Some("object");
                Kind::Json
            }
            ("", _) => Kind::Json,
            (other, _) => {
                said.push(format!(
                    "type {other:?} is not an OpenAPI type: edited as raw JSON"
                ));
                Kind::Json
            }
        };
    }
    if draft.kind == Kind::Enum {
        draft.values = string_values();
        if draft.values.is_empty() {
            draft.kind = Kind::Text;
        }
    }
    if f.write_only && draft.kind != Kind::Secret {
        if matches!(draft.kind, Kind::Text | Kind::Multiline) {
            draft.kind = Kind::Secret;
        } else {
            said.push(format!(
                "`writeOnly` on a {} field: rolo masks only text",
                draft.kind
            ));
        }
    }
    if let (Some(min), Some(max)) = (f.min_length, f.max_length)
        && min > max
    {
        return Err(ImportError::refused(
            at,
            format!("minLength {min} is greater than maxLength {max}"),
        ));
    }
    if draft.kind.is_stringly() {
        draft.min_length = f.min_length;
        draft.max_length = f.max_length;
        if let Some(pattern) = f.pattern {
            match Regex::new(pattern) {
                Ok(_) => draft.pattern = Some((pattern.to_string(), format!("the pattern {pattern}"))),
                Err(_) => said.push(format!(
                    "pattern {pattern:?} uses syntax rolo's regex engine lacks (lookaround, backreferences): not checked"
                )),
            }
        }
    } else if f.min_length.is_some() || f.max_length.is_some() || f.pattern.is_some() {
        said.push(format!(
            "length or pattern limits on a {} field: rolo checks them on text only",
            draft.kind
        ));
    }
    if !draft.kind.is_stringly() {
        // A `uuid` format under an x-rolo-kind that is not text has nowhere to go.
        if draft.pattern.take().is_some() {
            said.push("`format: uuid` on a field that is not text: not checked".into());
        }
    }
    if let Some(path) = f.x_response_path {
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(ImportError::refused(
                &format!("{at}/x-rolo-response-path"),
                format!("x-rolo-response-path {path:?} is not a dotted path"),
            ));
        }
        draft.response_path = Some(path.to_string());
    }
    notes.extend(said.into_iter().map(|what| Unmapped {
        pointer: at.to_string(),
        what,
    }));
    Ok(draft)
}
