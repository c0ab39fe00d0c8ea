//! A contact as text for the user's own editor, and back. `render` writes every field that is
//! not a secret as a TOML document, its kind and rules as comments above it; `parse` reads what
//! the user saved, checks every value against the vendor's rules on a copy of the form, and
//! returns the edits to make: only the fields whose value changed. Problems come back as a list
//! that `with_errors` writes as `#!` comments at the top of the user's own text, replacing those
//! of a previous round (as `kubectl edit` does). One field alone (`render_value`,
//! `parse_value`) is its bare value in a plain text file. No terminal, no files in here.

use std::collections::BTreeMap;

use super::rule_text::rule_text;
use super::{Access, Form, Issue, Value, codec};
use crate::spec::{Field, Kind};

/// Lines starting with this at the top of a file are rolo's, not the user's: the problems of
/// the last round. They are removed before the text is read, and replaced on the next round.
pub const ERROR_MARK: &str = "#!";

/// Why a saved document (or value) cannot be applied; each names the field where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("line {line}: not valid TOML: {message}")]
    Syntax { line: usize, message: String },
    #[error(
        "{name}: {vendor} has no such field{hint}; use the keys rolo wrote (`rolo vendors {vendor}` lists every field)"
    )]
    UnknownField {
        name: String,
        vendor: String,
        hint: String,
    },
    #[error("{field}: given twice; keep one")]
    Twice { field: String },
    #[error("{field}: cannot be changed ({reason}); put its value back")]
    NotEditable { field: String, reason: String },
    #[error("{field}: a secret is never written to a file; edit it in rolo (Enter)")]
    Secret { field: String },
    #[error("{field}: must be {expected}, not {found}")]
    WrongType {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("{field}: a single-line field; write its value on one line")]
    MultipleLines { field: String },
    /// A rule of the vendor's, as `validate` words it.
    #[error("{0}")]
    Rule(Issue),
    /// A change the form refuses (a flag that cannot be cleared).
    #[error("{0}")]
    Edit(String),
}

/// The edits a saved text asks for: each changed field and its new value, in spec order.
pub type Edits = Vec<(usize, Value)>;

/// The editable contact as a TOML document. `title` names it in the first comment line.
pub fn render(form: &Form, title: &str) -> String {
    let mut out = format!(
        "# {title}\n\
         # Change values and save: they become unsaved changes, reviewed and sent as any edit.\n\
         # A line removed clears its field; a commented key (# key = …) has no value yet.\n\
         # Quit without saving, or empty the file, to change nothing.\n"
    );
    let mut group = None;
    for (i, field) in form.fields().iter().enumerate() {
        if field.is_secret() {
            continue;
        }
        let access = form.access(i);
        let value = form.value(i);
        if access != Access::Editable && *value == Value::Null {
            continue;
        }
        if group != Some(field.group.as_str()) {
            group = Some(field.group.as_str());
            out.push_str(&format!("\n# ── {} ──\n", field.group));
        }
        out.push_str(&format!(
            "\n# {} · {}\n",
            field.label,
            rule_text(field, form.spec())
        ));
        match &access {
            Access::Editable => {}
            Access::ReadOnly(reason) => {
                out.push_str(&format!("# read-only: {reason} (a change is refused)\n"))
            }
            Access::NotApplicable(reason) | Access::Locked(reason) => {
                out.push_str(&format!("# not editable: {reason} (a change is refused)\n"))
            }
        }
        for line in field.help.lines().filter(|l| !l.trim().is_empty()) {
            out.push_str(&format!("# {}\n", line.trim()));
        }
        let key = toml_key(&field.name);
        match toml_value(field, value) {
            Some(v) => out.push_str(&format!("{key} = {v}\n")),
            None => out.push_str(&format!("# {key} = {}\n", placeholder(field.kind))),
        }
    }
    out
}

/// Reads a saved document against the form it was made from: the edits to make, or every
/// problem found (TOML syntax, unknown or repeated keys, read-only values changed, values of
/// the wrong type, broken rules). Nothing is changed in `form`.
pub fn parse(form: &Form, text: &str) -> Result<Edits, Vec<DocumentError>> {
    let body = strip_errors(text);
    let table = body
        .parse::<toml::Table>()
        .map_err(|e| vec![syntax(body, &e)])?;
    let mut errors = Vec::new();
    let mut given = BTreeMap::new();
    flatten(form, "", table, &mut given, &mut errors);
    let mut draft = form.clone();
    for (i, field) in form.fields().iter().enumerate() {
        let access = form.access(i);
        let Some(toml) = given.remove(&field.name) else {
            // A removed line clears an editable field that has a value.
            if access == Access::Editable
                && !field.is_secret()
                && *form.value(i) != Value::Null
                && let Err(e) = draft.clear(i)
            {
                errors.push(DocumentError::Edit(e.to_string()));
            }
            continue;
        };
        if field.is_secret() {
            errors.push(DocumentError::Secret {
                field: field.name.clone(),
            });
            continue;
        }
        let value = match from_toml(field, toml) {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match access {
            Access::Editable => {
                if let Err(e) = draft.set(i, value) {
                    errors.push(DocumentError::Edit(e.to_string()));
                }
            }
            Access::ReadOnly(reason) | Access::NotApplicable(reason) | Access::Locked(reason) => {
                if !codec::same(field.kind, field.limits.json_type, &value, form.value(i)) {
                    errors.push(DocumentError::NotEditable {
                        field: field.name.clone(),
                        reason,
                    });
                }
            }
        }
    }
    let changed: Vec<usize> = (0..form.len())
        .filter(|&i| {
            let f = &form.fields()[i];
            !codec::same(f.kind, f.limits.json_type, draft.value(i), form.value(i))
        })
        .collect();
    errors.extend(
        changed
            .iter()
            .filter_map(|&i| draft.field_issue(i))
            .map(DocumentError::Rule),
    );
    let before = form.record_issues();
    errors.extend(
        draft
            .record_issues()
            .into_iter()
            .filter(|issue| !before.contains(issue))
            .map(DocumentError::Rule),
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(changed
        .into_iter()
        .map(|i| (i, draft.value(i).clone()))
        .collect())
}

/// One field's value as the text of a file (a final newline added, as editors keep one).
pub fn render_value(form: &Form, field: usize) -> String {
    format!("{}\n", form.value(field).as_text().unwrap_or(""))
}

/// Reads one field's saved value: `None` when it equals the value now, else its new value, or
/// why it cannot be applied. A multi-line field keeps its lines (less the editor's final
/// newline); a single-line one loses trailing newlines and must have no other.
pub fn parse_value(form: &Form, field: usize, text: &str) -> Result<Option<Value>, DocumentError> {
    let f = &form.fields()[field];
    let body = strip_errors(text);
    let value = if matches!(f.kind, Kind::Multiline | Kind::Json) {
        body.strip_suffix('\n')
            .map(|b| b.strip_suffix('\r').unwrap_or(b))
            .unwrap_or(body)
    } else {
        let line = body.trim_end_matches(['\n', '\r']);
        if line.contains('\n') {
            return Err(DocumentError::MultipleLines {
                field: f.name.clone(),
            });
        }
        line
    };
    let mut draft = form.clone();
    if !draft
        .set(field, Value::text(value))
        .map_err(|e| DocumentError::Edit(e.to_string()))?
    {
        return Ok(None);
    }
    match draft.field_issue(field) {
        Some(issue) => Err(DocumentError::Rule(issue)),
        None => Ok(Some(draft.value(field).clone())),
    }
}

/// The user's text with rolo's `#!` lines of a previous round taken off its top.
pub fn strip_errors(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with(ERROR_MARK) {
        rest = rest.find('\n').map_or("", |n| &rest[n + 1..]);
    }
    rest
}

/// The user's text with the problems on top as `#!` lines (those of a previous round replaced).
/// Line numbers in the problems are those of the new text.
pub fn with_errors(text: &str, errors: &[DocumentError]) -> String {
    let body = strip_errors(text);
    // The header, one line per problem, and a closing line.
    let shift = errors.len() + 2;
    let mut out = format!(
        "{ERROR_MARK} rolo did not apply this file: {} problem(s). Fix them and save; quit without \
         saving, or empty the file, to change nothing. (rolo replaces these {ERROR_MARK} lines.)\n",
        errors.len()
    );
    for error in errors {
        let line = match error {
            DocumentError::Syntax { line, message } => DocumentError::Syntax {
                line: line + shift,
                message: message.clone(),
            }
            .to_string(),
            other => other.to_string(),
        };
        out.push_str(&format!("{ERROR_MARK} ✗ {}\n", line.replace('\n', " ")));
    }
    out.push_str(&format!("{ERROR_MARK}\n"));
    out.push_str(body);
    out
}

/// Whether a saved document says nothing: empty, or only blank lines and comments.
pub fn is_blank(text: &str) -> bool {
    strip_errors(text)
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

fn syntax(body: &str, e: &toml::de::Error) -> DocumentError {
    let line = e.span().map_or(1, |span| {
        body[..span.start.min(body.len())].matches('\n').count() + 1
    });
    let message = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    DocumentError::Syntax { line, message }
}

/// Collects each field's value by its dotted name, whether written as nested tables, dotted
/// keys or one quoted key (`"billing.phone"`).
fn flatten(
    form: &Form,
    prefix: &str,
    table: toml::Table,
    given: &mut BTreeMap<String, toml::Value>,
    errors: &mut Vec<DocumentError>,
) {
    for (key, value) in table {
        let name = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        if form.spec().field_index(&name).is_some() {
            if given.insert(name.clone(), value).is_some() {
                errors.push(DocumentError::Twice { field: name });
            }
            continue;
        }
        let parent = format!("{name}.");
        match value {
            toml::Value::Table(inner)
                if form.fields().iter().any(|f| f.name.starts_with(&parent)) =>
            {
                flatten(form, &name, inner, given, errors)
            }
            _ => errors.push(DocumentError::UnknownField {
                hint: crate::suggest::hint(&name, form.fields().iter().map(|f| f.name.as_str())),
                vendor: form.spec().id.clone(),
                name,
            }),
        }
    }
}

fn type_name(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "a number",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

/// The form's text for a TOML value: strings as written, flags, numbers and dates in their
/// usual spelling, e-mail lists from arrays, JSON from arrays and tables.
fn from_toml(field: &Field, value: toml::Value) -> Result<Value, DocumentError> {
    let wrong = |expected, found: &toml::Value| DocumentError::WrongType {
        field: field.name.clone(),
        expected,
        found: type_name(found),
    };
    let text = match value {
        toml::Value::String(s) => s,
        toml::Value::Boolean(b) => codec::bool_text(b).to_string(),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(items) => match field.kind {
            Kind::EmailArray | Kind::EmailList => {
                let mut texts = Vec::with_capacity(items.len());
                for item in &items {
                    match item {
                        toml::Value::String(s) => texts.push(s.clone()),
                        other => return Err(wrong("a list of strings", other)),
                    }
                }
                texts.join(", ")
            }
            Kind::Json => json_text(&toml::Value::Array(items)),
            _ => return Err(wrong("a single value", &toml::Value::Array(items))),
        },
        toml::Value::Table(table) => match field.kind {
            Kind::Json => json_text(&toml::Value::Table(table)),
            _ => return Err(wrong("a single value", &toml::Value::Table(table))),
        },
    };
    Ok(Value::text(text))
}

fn json_text(value: &toml::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A TOML key for a dotted field name: bare segments where TOML allows, quoted otherwise.
fn toml_key(name: &str) -> String {
    name.split('.')
        .map(|segment| {
            let bare = !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if bare {
                segment.to_string()
            } else {
                basic_string(segment)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// What a commented key shows for a field with no value: the shape of its value.
fn placeholder(kind: Kind) -> &'static str {
    match kind {
        k if k.is_bool() => "false",
        Kind::Integer => "0",
        Kind::EmailArray => "[]",
        _ => "\"\"",
    }
}

/// The field's value as a TOML value; `None` for no value (null).
fn toml_value(field: &Field, value: &Value) -> Option<String> {
    let text = value.as_text()?;
    Some(match field.kind {
        k if k.is_bool() => match codec::parse_flag(k, text) {
            Some(b) => codec::bool_text(b).to_string(),
            None => basic_string(text),
        },
        Kind::Integer => match text.trim().parse::<i64>() {
            Ok(n) => n.to_string(),
            Err(_) => basic_string(text),
        },
        Kind::EmailArray => {
            let items: Vec<String> = codec::split_list(text)
                .filter(|e| !e.is_empty())
                .map(basic_string)
                .collect();
            format!("[{}]", items.join(", "))
        }
        _ if text.contains('\n') => multiline_string(text),
        _ => basic_string(text),
    })
}

/// A TOML basic string: `"…"` with quotes, backslashes and control characters escaped.
fn basic_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // What must not reach a terminal as it is, so a value cannot make the document show
            // other text; TOML reads the escape back to the same character.
            c if crate::sanitize::is_unsafe(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML multi-line basic string, so a note reads as its lines: `"""` then the text.
fn multiline_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // A newline right after the opening quotes is not part of the value.
    out.push_str("\"\"\"\n");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            // What must not reach a terminal as it is, so a value cannot make the document show
            // other text; TOML reads the escape back to the same character.
            c if crate::sanitize::is_unsafe(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
    out
}

#[cfg(test)]
mod tests;
