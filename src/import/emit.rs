//! The spec file's text: the README's "Spec format", with what was not mapped as comments.

use std::fmt::Write;

use super::Unmapped;
use super::access::Access;
use super::document::Operation;
use super::fields::Draft;
use crate::spec::ParamType;

#[derive(Debug, Clone)]
pub(super) struct ListPlan {
    pub path: String,
    pub items: String,
    /// The item member that names a contact (the reference's last part).
    pub key: String,
    pub label: Vec<String>,
    pub page_param: Option<String>,
    pub per_page_param: Option<String>,
}

#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub id: String,
    pub name: String,
    pub docs: String,
    pub version: String,
    pub server: Option<String>,
    pub semantics: &'static str,
    pub request_wrapper: String,
    pub response_contact: String,
    pub access: Access,
    pub update: Operation,
    pub read: Operation,
    pub list: Option<ListPlan>,
    /// (envelope key, dotted path).
    pub envelope: Vec<(&'static str, String)>,
    pub fields: Vec<Draft>,
    pub notes: Vec<Unmapped>,
}

/// A TOML basic string: quotes, backslashes and every control character escaped.
pub(super) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn quote_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Text for a `#` comment: one line, no control characters.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub(super) fn write(plan: &Plan) -> String {
    let mut t = String::new();
    let source = if plan.docs.is_empty() {
        "an OpenAPI document"
    } else {
        &plan.docs
    };
    let _ = writeln!(
        t,
        "# Made by `rolo vendors import` from {} (OpenAPI {}).",
        comment(source),
        comment(&plan.version)
    );
    let _ = writeln!(t, "# Update: {}", comment(&plan.update.to_string()));
    let _ = writeln!(t, "# Read: {}", comment(&plan.read.to_string()));
    if let Some(server) = &plan.server {
        let _ = writeln!(
            t,
            "# The document's first server (a profile's base_url): {}",
            comment(server)
        );
    }
    if plan.notes.is_empty() {
        let _ = writeln!(t, "# Everything the operations use was mapped.");
    } else {
        let _ = writeln!(t, "#\n# Not mapped ({}):", plan.notes.len());
        for note in &plan.notes {
            let _ = writeln!(t, "# - {}: {}", comment(&note.pointer), comment(&note.what));
        }
    }
    let _ = writeln!(t, "id = {}", quote(&plan.id));
    let _ = writeln!(t, "name = {}", quote(&plan.name));
    let _ = writeln!(t, "docs = {}", quote(&plan.docs));
    let _ = writeln!(t, "semantics = {}", quote(plan.semantics));
    let editable: Vec<&Draft> = plan
        .fields
        .iter()
        .filter(|f| f.read_only.is_none())
        .collect();
    let nullable = editable.iter().filter(|f| f.nullable).count();
    let vendor_null = nullable * 2 > editable.len();
    let _ = writeln!(
        t,
        "# Clearing sends null where the document allows null (`nullable`, `type: [.., \"null\"]`), else \"\"/[]."
    );
    let _ = writeln!(
        t,
        "clear = {}",
        quote(if vendor_null { "null" } else { "empty" })
    );
    let _ = writeln!(t, "request_wrapper = {}", quote(&plan.request_wrapper));
    let _ = writeln!(t, "response_contact = {}", quote(&plan.response_contact));
    if plan.access.auth.is_empty() {
        let _ = writeln!(t, "# The update names no credential rolo can send.");
        let _ = writeln!(t, "auth = []");
    }

    let _ = writeln!(t, "\n[reference]");
    for p in &plan.access.params {
        let _ = writeln!(t, "# {{{}}}: {}", p.name, comment(&p.describe));
    }
    let names: Vec<String> = plan
        .access
        .params
        .iter()
        .map(|p| format!("{{{}}}", p.name))
        .collect();
    let examples: Vec<&str> = plan
        .access
        .params
        .iter()
        .map(|p| p.example.as_str())
        .collect();
    let _ = writeln!(t, "template = {}", quote(&names.join("/")));
    let _ = writeln!(t, "example = {}", quote(&examples.join("/")));
    let typed: Vec<_> = plan
        .access
        .params
        .iter()
        .filter_map(|p| Some((&p.name, p.kind.as_ref()?)))
        .collect();
    if !typed.is_empty() {
        let _ = writeln!(t, "\n[reference.types]");
        for (name, kind) in typed {
            let value = match kind {
                ParamType::Pattern(regex) => format!("{{ pattern = {} }}", quote(regex.as_str())),
                named => quote(named.name()),
            };
            let _ = writeln!(t, "{name} = {value}");
        }
    }

    for extra in &plan.access.extras {
        let _ = writeln!(t, "\n# Sent in the {} header.", comment(&extra.header));
        let _ = writeln!(t, "[[extras]]");
        let _ = writeln!(t, "name = {}", quote(&extra.name));
        let _ = writeln!(t, "kind = {}", quote(extra.kind));
        let _ = writeln!(t, "required = true");
        let _ = writeln!(t, "help = {}", quote(&extra.help));
    }
    for (header, value) in &plan.access.auth {
        let _ = writeln!(t, "\n[[auth]]");
        let _ = writeln!(t, "header = {}", quote(header));
        let _ = writeln!(t, "value = {}", quote(value));
    }
    for (table, op) in [("read", &plan.read), ("update", &plan.update)] {
        let _ = writeln!(t, "\n[{table}]");
        let _ = writeln!(t, "method = {}", quote(&op.method));
        let _ = writeln!(t, "path = {}", quote(&plan.access.rolo_path(&op.path)));
    }
    if let Some(list) = &plan.list {
        let _ = writeln!(t, "\n[list]");
        let _ = writeln!(t, "path = {}", quote(&plan.access.rolo_path(&list.path)));
        let _ = writeln!(t, "items = {}", quote(&list.items));
        let mut reference: Vec<String> = names.clone();
        if let Some(last) = reference.last_mut() {
            *last = format!("{{{}}}", list.key);
        }
        let _ = writeln!(t, "reference = {}", quote(&reference.join("/")));
        let _ = writeln!(t, "label = {}", quote_list(&list.label));
        if let Some(p) = &list.page_param {
            let _ = writeln!(t, "page_param = {}", quote(p));
        }
        if let Some(p) = &list.per_page_param {
            let _ = writeln!(t, "per_page_param = {}", quote(p));
        }
    }
    if !plan.envelope.is_empty() {
        let _ = writeln!(t, "\n[envelope]");
        for (key, path) in &plan.envelope {
            let _ = writeln!(t, "{key} = {}", quote(path));
        }
    }
    for f in &plan.fields {
        write_field(&mut t, f, vendor_null);
    }
    t
}

fn write_field(t: &mut String, f: &Draft, vendor_null: bool) {
    let _ = writeln!(t, "\n[[fields]]");
    let _ = writeln!(t, "# {}", comment(&f.pointer));
    let _ = writeln!(t, "name = {}", quote(&f.name));
    let _ = writeln!(t, "kind = {}", quote(f.kind.name()));
    if f.required {
        let _ = writeln!(t, "required = true");
    }
    if let Some(min) = f.min_length {
        let _ = writeln!(t, "min_length = {min}");
    }
    if let Some(max) = f.max_length {
        let _ = writeln!(t, "max_length = {max}");
    }
    if !f.values.is_empty() {
        let _ = writeln!(t, "values = {}", quote_list(&f.values));
    }
    if let Some((pattern, hint)) = &f.pattern {
        let _ = writeln!(t, "pattern = {}", quote(pattern));
        let _ = writeln!(t, "pattern_hint = {}", quote(hint));
    }
    if let Some(json_type) = f.json_type {
        let _ = writeln!(t, "json_type = {}", quote(json_type));
    }
    if let Some(path) = &f.response_path {
        let _ = writeln!(t, "response_path = {}", quote(path));
    }
    if let Some(reason) = &f.read_only {
        let _ = writeln!(t, "read_only = {}", quote(reason));
    }
    if f.identity {
        let _ = writeln!(t, "identity = true");
    }
    if let Some((field, is)) = &f.when {
        let _ = writeln!(
            t,
            "when = {{ field = {}, is = {} }}",
            quote(field),
            quote_list(is)
        );
    }
    if f.read_only.is_none() && f.nullable != vendor_null {
        let _ = writeln!(
            t,
            "clear = {}",
            quote(if f.nullable { "null" } else { "empty" })
        );
    }
    if !f.help.is_empty() {
        let _ = writeln!(t, "help = {}", quote(&f.help));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_toml() {
        for text in ["plain", "a \"b\" \\c", "line\nbreak\u{7f}\u{1}", "ünï"] {
            let doc = format!("v = {}", quote(text));
            let parsed: toml::Table = toml::from_str(&doc).unwrap();
            assert_eq!(parsed["v"].as_str(), Some(text));
        }
    }
}
