//! The fields of a spec: their TOML form and their checked conversion, linear in the number of
//! fields (duplicate and overlap checks use sets), with the documented limits.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::SpecError;
use super::raw::{Lines, MAX_FIELDS, MAX_NAME_CHARS, RawWhen, humanize, parse_clear, unknown_kind};
use super::types::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    pub(super) name: Spanned<String>,
    pub(super) kind: Spanned<String>,
    #[serde(default)]
    pub(super) label: Option<String>,
    #[serde(default)]
    pub(super) group: Option<String>,
    #[serde(default)]
    pub(super) response_path: Option<String>,
    #[serde(default)]
    pub(super) required: bool,
    #[serde(default)]
    pub(super) min_length: Option<Spanned<usize>>,
    #[serde(default)]
    pub(super) max_length: Option<usize>,
    #[serde(default)]
    pub(super) values: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub(super) pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) pattern_hint: Option<String>,
    #[serde(default)]
    pub(super) json_type: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) read_only: Option<RawReadOnly>,
    #[serde(default)]
    pub(super) identity: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) when: Option<Spanned<RawWhen>>,
    #[serde(default)]
    pub(super) clear: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) help: String,
}

/// `read_only = true` or `read_only = "why"`.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawReadOnly {
    Flag(bool),
    Reason(String),
}

pub(super) fn convert_fields(
    raw: &[Spanned<RawField>],
    lines: &Lines,
    vendor_clear: ClearAs,
) -> Result<Vec<Field>, SpecError> {
    if raw.is_empty() {
        return Err(SpecError {
            origin: lines.origin.to_string(),
            line: None,
            message: "the spec has no fields".to_string(),
        });
    }
    if raw.len() > MAX_FIELDS {
        return Err(SpecError {
            origin: lines.origin.to_string(),
            line: None,
            message: format!(
                "the spec declares {} fields; rolo reads at most {MAX_FIELDS}",
                raw.len()
            ),
        });
    }
    let mut fields: Vec<Field> = Vec::with_capacity(raw.len());
    // Every name so far, and every proper prefix of one (`billing` for `billing.email`) with
    // the field it came from: duplicate and overlap checks stay linear in the spec's size.
    let mut names: HashSet<String> = HashSet::with_capacity(raw.len());
    let mut prefixes: HashMap<String, usize> = HashMap::new();
    // Conditions name fields that may come later; resolve them once every field is known.
    let mut pending_conditions = Vec::new();
    for spanned in raw {
        let r = spanned.get_ref();
        let name = r.name.get_ref();
        let err = |span: Range<usize>, m: String| lines.error(span, format!("field {name:?}: {m}"));
        let whole = spanned.span();
        if name.is_empty() || name.split('.').any(str::is_empty) {
            return Err(err(
                r.name.span(),
                "a field name must be a dotted path with no empty part".into(),
            ));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(lines.error(
                r.name.span(),
                format!(
                    "a field name is longer than {MAX_NAME_CHARS} characters ({} …)",
                    name.chars().take(40).collect::<String>()
                ),
            ));
        }
        if r.label
            .as_ref()
            .is_some_and(|l| l.chars().count() > MAX_NAME_CHARS)
        {
            return Err(err(
                whole.clone(),
                format!("its label is longer than {MAX_NAME_CHARS} characters"),
            ));
        }
        if names.contains(name.as_str()) {
            return Err(err(
                r.name.span(),
                "this name is used by an earlier field too".into(),
            ));
        }
        // `billing` and `billing.email` cannot both be fields: one value would overwrite the other.
        let outer = name
            .match_indices('.')
            .map(|(at, _)| &name[..at])
            .find(|prefix| names.contains(*prefix))
            .map(str::to_string);
        let inner = prefixes.get(name.as_str()).map(|&i| fields[i].name.clone());
        if let Some(other) = outer.or(inner) {
            return Err(err(
                r.name.span(),
                format!("overlaps field {other:?}: one cannot sit inside the other"),
            ));
        }
        names.insert(name.clone());
        for (at, _) in name.match_indices('.') {
            prefixes
                .entry(name[..at].to_string())
                .or_insert(fields.len());
        }
        if let Some(path) = &r.response_path
            && (path.is_empty() || path.split('.').any(str::is_empty))
        {
            return Err(err(
                whole.clone(),
                format!("response_path {path:?} has an empty part"),
            ));
        }
        let kind = Kind::from_name(r.kind.get_ref())
            .ok_or_else(|| err(r.kind.span(), unknown_kind(r.kind.get_ref())))?;
        let values = r
            .values
            .as_ref()
            .map(|v| v.get_ref().clone())
            .unwrap_or_default();
        if kind == Kind::Enum && values.is_empty() {
            return Err(err(r.kind.span(), "an enum field needs `values`".into()));
        }
        if let Some(v) = &r.values
            && kind != Kind::Enum
        {
            return Err(err(
                v.span(),
                format!("`values` only applies to enum fields, not {kind}"),
            ));
        }
        let min_length = r.min_length.as_ref().map(|m| *m.get_ref());
        if let (Some(min), Some(max)) = (&r.min_length, r.max_length)
            && *min.get_ref() > max
        {
            return Err(err(
                min.span(),
                format!(
                    "min_length {} is greater than max_length {max}",
                    min.get_ref()
                ),
            ));
        }
        if (min_length.is_some() || r.max_length.is_some()) && !kind.is_stringly() {
            return Err(err(
                whole.clone(),
                format!("min_length/max_length do not apply to {kind} fields"),
            ));
        }
        let pattern = match &r.pattern {
            None => None,
            Some(p) => {
                let hint = r
                    .pattern_hint
                    .clone()
                    .unwrap_or_else(|| format!("the pattern {}", p.get_ref()));
                Some(if lines.built_in {
                    Pattern::deferred(p.get_ref(), hint)
                } else {
                    Pattern::compiled(p.get_ref(), hint)
                        .map_err(|e| err(p.span(), format!("pattern does not compile: {e}")))?
                })
            }
        };
        let json_type = match &r.json_type {
            None => None,
            Some(t) => match t.get_ref().as_str() {
                "object" => Some(JsonType::Object),
                "array" => Some(JsonType::Array),
                other => {
                    return Err(err(
                        t.span(),
                        format!("json_type {other:?} is not \"object\" or \"array\""),
                    ));
                }
            },
        };
        let read_only = match &r.read_only {
            None | Some(RawReadOnly::Flag(false)) => None,
            Some(RawReadOnly::Flag(true)) => Some("read-only: the vendor sets it".to_string()),
            Some(RawReadOnly::Reason(reason)) => Some(reason.clone()),
        };
        let identity = r.identity.as_ref().is_some_and(|i| *i.get_ref());
        if let Some(i) = &r.identity
            && identity
            && read_only.is_none()
        {
            return Err(err(
                i.span(),
                "an identity field must also be read_only".into(),
            ));
        }
        let clear = match &r.clear {
            Some(c) => parse_clear(c.get_ref()).map_err(|m| err(c.span(), m))?,
            None => vendor_clear,
        };
        if let Some(when) = &r.when {
            pending_conditions.push((fields.len(), when.get_ref(), when.span()));
        }
        let last = name.rsplit('.').next().unwrap_or(name);
        let group = r
            .group
            .clone()
            .unwrap_or_else(|| match name.split_once('.') {
                Some((parent, _)) => humanize(parent),
                None => "Contact".to_string(),
            });
        fields.push(Field {
            name: name.clone(),
            label: r.label.clone().unwrap_or_else(|| humanize(last)),
            group,
            kind,
            request_path: JsonPath::parse(name),
            response_path: JsonPath::parse(r.response_path.as_deref().unwrap_or(name)),
            limits: Limits {
                required: r.required,
                min_length,
                max_length: r.max_length,
                values,
                pattern,
                json_type,
            },
            read_only,
            identity,
            condition: None,
            clear,
            help: r.help.clone(),
        });
    }
    let by_name: HashMap<&str, usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let mut conditions = Vec::with_capacity(pending_conditions.len());
    for (index, when, span) in pending_conditions {
        let controller = by_name.get(when.field.as_str()).copied().ok_or_else(|| {
            lines.error(
                span.clone(),
                format!(
                    "`when` names {:?}, which is not a field of this spec",
                    when.field
                ),
            )
        })?;
        if controller == index {
            return Err(lines.error(span, "a field's `when` cannot name the field itself"));
        }
        conditions.push((index, controller, when.is.clone()));
    }
    for (index, controller, values) in conditions {
        fields[index].condition = Some(Condition {
            field: controller,
            values,
        });
    }
    Ok(fields)
}
