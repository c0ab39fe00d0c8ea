//! One schema with its `$ref`s followed and its `allOf` merged: the view the field mapping
//! reads. 3.0 and 3.1 forms are both read (`nullable` and `type: [.., "null"]`).

use std::collections::HashSet;

use serde_json::Value;

use super::document::{Document, RefProblem};
use super::{ImportError, Unmapped, escape_segment};

/// How deep `allOf` may nest before it counts as a loop.
const MAX_ALL_OF_DEPTH: usize = 32;

/// A property of an object schema, not yet resolved.
#[derive(Debug, Clone)]
pub(super) struct Prop<'a> {
    pub name: String,
    pub schema: &'a Value,
    pub pointer: String,
}

/// `oneOf`/`anyOf` alternatives as they appear.
#[derive(Debug, Clone)]
pub(super) struct Alternatives<'a> {
    pub keyword: &'static str,
    pub variants: Vec<(&'a Value, String)>,
    pub discriminator: Option<&'a Value>,
    pub pointer: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Flat<'a> {
    pub pointer: String,
    /// Declared types without `"null"`.
    pub types: Vec<String>,
    pub nullable: bool,
    pub format: Option<&'a str>,
    pub props: Vec<Prop<'a>>,
    pub required: HashSet<String>,
    pub enum_values: Option<&'a [Value]>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<&'a str>,
    pub read_only: bool,
    pub write_only: bool,
    pub items: Option<(&'a Value, String)>,
    pub alternatives: Option<Alternatives<'a>>,
    /// Where `additionalProperties` allows a map of arbitrary keys.
    pub additional: Option<String>,
    pub description: Option<&'a str>,
    pub x_kind: Option<(&'a str, String)>,
    pub x_response_path: Option<&'a str>,
    /// The `$ref` this schema was reached through, if any (for discriminator mappings).
    pub reached_by: Option<String>,
    /// Set when the schema could not be read (an external `$ref`): already listed.
    pub opaque: bool,
}

impl Flat<'_> {
    pub fn is_object(&self) -> bool {
        self.types.iter().any(|t| t == "object")
            || (self.types.is_empty() && !self.props.is_empty())
    }
}

/// Reads `schema` (at `pointer`), following `$ref`s and merging `allOf`.
pub(super) fn flatten<'a>(
    doc: &'a Document,
    schema: &'a Value,
    pointer: &str,
    notes: &mut Vec<Unmapped>,
) -> Result<Flat<'a>, ImportError> {
    flatten_at(doc, schema, pointer, notes, 0)
}

fn flatten_at<'a>(
    doc: &'a Document,
    schema: &'a Value,
    pointer: &str,
    notes: &mut Vec<Unmapped>,
    depth: usize,
) -> Result<Flat<'a>, ImportError> {
    if depth > MAX_ALL_OF_DEPTH {
        return Err(ImportError::refused(
            pointer,
            format!("`allOf` nests more than {MAX_ALL_OF_DEPTH} levels (a loop?)"),
        ));
    }
    let reached_by = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(str::to_string);
    let (schema, at) = match doc.resolve(schema, pointer) {
        Ok(found) => found,
        Err(RefProblem::External(target)) => {
            notes.push(Unmapped {
                pointer: pointer.to_string(),
                what: format!(
                    "external `$ref` {target:?}: rolo reads one document; edited as raw JSON"
                ),
            });
            return Ok(Flat {
                pointer: pointer.to_string(),
                opaque: true,
                ..Flat::default()
            });
        }
        Err(RefProblem::Broken(e)) => return Err(e),
    };
    let mut flat = Flat {
        pointer: at.clone(),
        reached_by,
        ..Flat::default()
    };
    // 3.1 allows `true`/`false` as whole schemas: any value, or none.
    let Some(object) = schema.as_object() else {
        return Ok(flat);
    };
    match object.get("type") {
        Some(Value::String(t)) if t == "null" => flat.nullable = true,
        Some(Value::String(t)) => flat.types.push(t.clone()),
        Some(Value::Array(types)) => {
            for t in types.iter().filter_map(Value::as_str) {
                if t == "null" {
                    flat.nullable = true;
                } else {
                    flat.types.push(t.to_string());
                }
            }
        }
        _ => {}
    }
    flat.nullable |= object.get("nullable") == Some(&Value::Bool(true));
    flat.format = object.get("format").and_then(Value::as_str);
    flat.enum_values = object
        .get("enum")
        .and_then(Value::as_array)
        .map(Vec::as_slice);
    if let Some(Value::Array(values)) = object.get("enum")
        && values.iter().any(Value::is_null)
    {
        flat.nullable = true;
    }
    flat.min_length = object.get("minLength").and_then(Value::as_u64);
    flat.max_length = object.get("maxLength").and_then(Value::as_u64);
    flat.pattern = object.get("pattern").and_then(Value::as_str);
    flat.read_only = object.get("readOnly") == Some(&Value::Bool(true));
    flat.write_only = object.get("writeOnly") == Some(&Value::Bool(true));
    flat.description = object.get("description").and_then(Value::as_str);
    flat.x_kind = object
        .get("x-rolo-kind")
        .and_then(Value::as_str)
        .map(|k| (k, format!("{at}/x-rolo-kind")));
    flat.x_response_path = object.get("x-rolo-response-path").and_then(Value::as_str);
    if let Some(items) = object.get("items") {
        flat.items = Some((items, format!("{at}/items")));
    }
    if let Some(Value::Object(props)) = object.get("properties") {
        for (name, prop) in props {
            flat.props.push(Prop {
                name: name.clone(),
                schema: prop,
                pointer: format!("{at}/properties/{}", escape_segment(name)),
            });
        }
    }
    if let Some(Value::Array(required)) = object.get("required") {
        flat.required.extend(
            required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
    }
    record_rules(object, &at, notes);
    match object.get("additionalProperties") {
        None | Some(Value::Bool(false)) => {}
        Some(_) => flat.additional = Some(format!("{at}/additionalProperties")),
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = object.get(keyword) {
            // `oneOf: [X, {type: null}]` is 3.1's way of saying "X or null".
            let (nulls, others): (Vec<_>, Vec<_>) = variants
                .iter()
                .enumerate()
                .partition(|(_, v)| v.get("type").and_then(Value::as_str) == Some("null"));
            if !nulls.is_empty() {
                flat.nullable = true;
            }
            let variants: Vec<(&Value, String)> = others
                .into_iter()
                .map(|(i, v)| (v, format!("{at}/{keyword}/{i}")))
                .collect();
            if variants.len() == 1 {
                let (only, only_at) = &variants[0];
                let inner = flatten_at(doc, only, only_at, notes, depth + 1)?;
                merge(&mut flat, inner);
            } else if !variants.is_empty() && flat.alternatives.is_none() {
                flat.alternatives = Some(Alternatives {
                    keyword: if keyword == "oneOf" { "oneOf" } else { "anyOf" },
                    variants,
                    discriminator: object.get("discriminator"),
                    pointer: format!("{at}/{keyword}"),
                });
            }
        }
    }
    if let Some(Value::Array(parts)) = object.get("allOf") {
        for (i, part) in parts.iter().enumerate() {
            let inner = flatten_at(doc, part, &format!("{at}/allOf/{i}"), notes, depth + 1)?;
            merge(&mut flat, inner);
        }
    }
    Ok(flat)
}

/// Rules on a record as a whole (or by logic over its values), which a spec's limits, each on
/// one field, cannot say; `required` is mapped (a field's `required`), these are listed.
const RECORD_RULES: [(&str, &str); 10] = [
    ("minProperties", "a least number of members"),
    ("maxProperties", "a most number of members"),
    (
        "dependentRequired",
        "members required when another is there",
    ),
    (
        "dependentSchemas",
        "rules that apply when a member is there",
    ),
    (
        "dependencies",
        "members or rules that apply when a member is there",
    ),
    ("if", "a conditional rule"),
    ("not", "a rule by negation"),
    ("propertyNames", "a rule on member names"),
    ("patternProperties", "members named by a pattern"),
    ("unevaluatedProperties", "members no other keyword declares"),
];

/// Lists the record-level rules and vendor extensions (`x-…`, but rolo's own `x-rolo-…`) of
/// one schema object as not mapped: the vendor still enforces them, rolo does not check them
/// before sending.
fn record_rules(object: &serde_json::Map<String, Value>, at: &str, notes: &mut Vec<Unmapped>) {
    for (keyword, what) in RECORD_RULES {
        match object.get(keyword) {
            None => {}
            // Nothing beyond the declared members: rolo sends only those anyway.
            Some(Value::Bool(false)) if keyword == "unevaluatedProperties" => {}
            Some(_) => notes.push(Unmapped {
                pointer: format!("{at}/{keyword}"),
                what: format!(
                    "`{keyword}` ({what}): a record-level rule; rolo checks each field on its own, the vendor still enforces it"
                ),
            }),
        }
    }
    for key in object
        .keys()
        .filter(|k| k.starts_with("x-") && !k.starts_with("x-rolo-"))
    {
        notes.push(Unmapped {
            pointer: format!("{at}/{}", escape_segment(key)),
            what: format!("extension `{key}`: the vendor's own meaning; not mapped"),
        });
    }
}

/// Adds what `inner` (an `allOf` member) says to `outer`; `outer`'s own keywords win.
fn merge<'a>(outer: &mut Flat<'a>, inner: Flat<'a>) {
    for t in inner.types {
        if !outer.types.contains(&t) {
            outer.types.push(t);
        }
    }
    outer.nullable |= inner.nullable;
    outer.format = outer.format.or(inner.format);
    for prop in inner.props {
        if !outer.props.iter().any(|p| p.name == prop.name) {
            outer.props.push(prop);
        }
    }
    outer.required.extend(inner.required);
    outer.enum_values = outer.enum_values.or(inner.enum_values);
    outer.min_length = outer.min_length.or(inner.min_length);
    outer.max_length = outer.max_length.or(inner.max_length);
    outer.pattern = outer.pattern.or(inner.pattern);
    outer.read_only |= inner.read_only;
    outer.write_only |= inner.write_only;
    outer.items = outer.items.take().or(inner.items);
    outer.alternatives = outer.alternatives.take().or(inner.alternatives);
    outer.additional = outer.additional.take().or(inner.additional);
    outer.description = outer.description.or(inner.description);
    outer.x_kind = outer.x_kind.take().or(inner.x_kind);
    outer.x_response_path = outer.x_response_path.or(inner.x_response_path);
    outer.opaque |= inner.opaque;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat_of(doc: &Document, pointer: &str) -> (bool, Vec<String>, Vec<String>) {
        let mut notes = Vec::new();
        let schema = doc.at(pointer).unwrap();
        let flat = flatten(doc, schema, pointer, &mut notes).unwrap();
        let props = flat.props.iter().map(|p| p.name.clone()).collect();
        (flat.nullable, flat.types, props)
    }

    #[test]
    fn null_is_read_in_both_versions() {
        let doc = Document::parse(
            "openapi: 3.1.0\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, nullable: true}\n    B: {type: [string, 'null']}\n    C: {oneOf: [{type: string}, {type: 'null'}]}\n    D: {type: string}\n",
        )
        .unwrap();
        for name in ["A", "B", "C"] {
            let (nullable, types, _) = flat_of(&doc, &format!("#/components/schemas/{name}"));
            assert!(nullable, "{name}");
            assert_eq!(types, ["string"], "{name}");
        }
        assert!(!flat_of(&doc, "#/components/schemas/D").0);
    }

    #[test]
    fn all_of_merges_members_in_order_through_refs() {
        let doc = Document::parse(
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    Base: {type: object, properties: {a: {type: string}, b: {type: string}}}\n    Both:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - {properties: {c: {type: integer}}, required: [c]}\n",
        )
        .unwrap();
        let (_, types, props) = flat_of(&doc, "#/components/schemas/Both");
        assert_eq!(types, ["object"]);
        assert_eq!(props, ["a", "b", "c"]);
    }
}
