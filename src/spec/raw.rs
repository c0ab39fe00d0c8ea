//! The TOML form of a vendor spec and its checked conversion into `VendorSpec`.
//! Every problem is reported with the line it comes from.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::SpecError;
use super::template::Template;
use super::types::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    docs: String,
    semantics: Spanned<String>,
    #[serde(default)]
    clear: Option<Spanned<String>>,
    reference: RawReference,
    auth: Vec<Spanned<RawAuthHeader>>,
    #[serde(default)]
    extras: Vec<Spanned<RawExtra>>,
    read: Spanned<RawRequest>,
    update: Spanned<RawRequest>,
    #[serde(default)]
    list: Option<Spanned<super::list::RawList>>,
    #[serde(default)]
    request_wrapper: String,
    #[serde(default)]
    response_contact: String,
    #[serde(default)]
    envelope: RawEnvelope,
    fields: Vec<Spanned<super::fields::RawField>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    template: Spanned<String>,
    #[serde(default)]
    example: String,
    /// Placeholder name → type name (`customer_id = "integer"`) or `{ pattern = "…" }`.
    #[serde(default)]
    types: BTreeMap<String, Spanned<super::param::RawParamType>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthHeader {
    header: String,
    value: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtra {
    name: String,
    #[serde(default = "text_kind")]
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    help: String,
}

fn text_kind() -> Spanned<String> {
    Spanned::new(0..0, "text".to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    method: Spanned<String>,
    path: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEnvelope {
    success: Option<String>,
    message: Option<String>,
    error_code: Option<String>,
    error_details: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWhen {
    pub(super) field: String,
    pub(super) is: Vec<String>,
}

#[derive(Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
enum RawRule {
    OneOfRequired { fields: Vec<String> },
    ForbidUpdate { when: RawWhen, message: String },
}

/// The longest field name or label a spec may use, in characters. Longer ones are refused:
/// they make no sense as a form label and would overflow the column widths of tables.
pub const MAX_NAME_CHARS: usize = 256;
/// The most fields a spec may declare. Loading is linear, so this is not about speed: a form
/// of more fields than this is not a form anyone edits, and a runaway generator is caught.
pub const MAX_FIELDS: usize = 100_000;

/// Turns byte offsets into 1-based line numbers for one source text.
pub(super) struct Lines<'a> {
    pub(super) origin: &'a str,
    source: &'a str,
    /// A built-in spec (compiled in, its patterns compiled by a test): its `pattern` regexes
    /// are compiled when first used, not at every start.
    pub(super) built_in: bool,
}

impl Lines<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.source.len());
        self.source.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    pub(super) fn error(&self, span: Range<usize>, message: impl Into<String>) -> SpecError {
        SpecError {
            origin: self.origin.to_string(),
            line: Some(self.line_of(span.start)),
            message: message.into(),
        }
    }
}

/// Parses and checks one spec file. `origin` names it in errors (a path, or `built-in NAME`).
pub fn parse_spec(origin: &str, source: &str) -> Result<VendorSpec, SpecError> {
    parse(Lines {
        origin,
        source,
        built_in: false,
    })
}

/// A spec compiled into rolo (`catalog::BUILT_IN`).
pub fn parse_built_in(origin: &str, source: &str) -> Result<VendorSpec, SpecError> {
    parse(Lines {
        origin,
        source,
        built_in: true,
    })
}

fn parse(lines: Lines) -> Result<VendorSpec, SpecError> {
    let (origin, source) = (lines.origin, lines.source);
    let raw: RawSpec = toml::from_str(source).map_err(|err| SpecError {
        origin: origin.to_string(),
        line: err.span().map(|s| lines.line_of(s.start)),
        message: err.message().trim().to_string(),
    })?;
    convert(raw, &lines, origin)
}

fn convert(raw: RawSpec, lines: &Lines, origin: &str) -> Result<VendorSpec, SpecError> {
    let id = raw.id.get_ref().clone();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(lines.error(
            raw.id.span(),
            format!("vendor id {id:?} must be lowercase letters, digits, `-` or `_`"),
        ));
    }
    let semantics = match raw.semantics.get_ref().as_str() {
        "partial" => Semantics::Partial,
        "full_replace" => Semantics::FullReplace,
        other => {
            return Err(lines.error(
                raw.semantics.span(),
                format!("semantics {other:?} is not one of \"partial\", \"full_replace\""),
            ));
        }
    };
    let vendor_clear = match &raw.clear {
        Some(c) => parse_clear(c.get_ref()).map_err(|m| lines.error(c.span(), m))?,
        None => ClearAs::Null,
    };
    let template = |text: &str, span: Range<usize>| {
        Template::parse(text).map_err(|e| lines.error(span, e.to_string()))
    };
    let reference = template(
        raw.reference.template.get_ref(),
        raw.reference.template.span(),
    )?;
    let ref_params: HashSet<&str> = reference.params().collect();
    if ref_params.is_empty() {
        return Err(lines.error(
            raw.reference.template.span(),
            "the reference template has no placeholder",
        ));
    }
    let reference_types =
        super::param::parse_types(&raw.reference.types, &reference, &|span, message| {
            lines.error(span, message)
        })?;

    let request = |r: &Spanned<RawRequest>, what: &str| -> Result<RequestSpec, SpecError> {
        let r = r.get_ref();
        let path = request_path(lines, r.path.get_ref(), r.path.span(), what)?;
        if let Some(p) = path.params().find(|p| !ref_params.contains(p)) {
            return Err(lines.error(
                r.path.span(),
                format!("{what} path uses {{{p}}}, which the reference template {reference} does not give"),
            ));
        }
        Ok(RequestSpec {
            method: check_method(r.method.get_ref())
                .map_err(|m| lines.error(r.method.span(), m))?,
            path,
        })
    };
    let read = request(&raw.read, "read")?;
    let update = request(&raw.update, "update")?;

    let extras = raw
        .extras
        .iter()
        .map(|e| {
            let r = e.get_ref();
            Ok(ProfileExtra {
                name: r.name.clone(),
                kind: Kind::from_name(r.kind.get_ref())
                    .ok_or_else(|| lines.error(r.kind.span(), unknown_kind(r.kind.get_ref())))?,
                required: r.required,
                help: r.help.clone(),
            })
        })
        .collect::<Result<Vec<_>, SpecError>>()?;
    let auth = raw
        .auth
        .iter()
        .map(|h| {
            let h = h.get_ref();
            let value = template(h.value.get_ref(), h.value.span())?;
            if let Some(p) = value.params().find(|p| *p != "secret" && !extras.iter().any(|e| e.name == *p)) {
                return Err(lines.error(
                    h.value.span(),
                    format!("auth header value uses {{{p}}}, which is neither {{secret}} nor a declared extra"),
                ));
            }
            Ok(AuthHeader {
                name: h.header.clone(),
                value,
            })
        })
        .collect::<Result<Vec<_>, SpecError>>()?;

    let list = raw
        .list
        .as_ref()
        .map(|l| super::list::convert_list(l, lines, &ref_params, &reference))
        .transpose()?;

    for (what, dotted) in [
        ("request_wrapper", &raw.request_wrapper),
        ("response_contact", &raw.response_contact),
    ] {
        if !dotted.is_empty() && dotted.split('.').any(str::is_empty) {
            return Err(SpecError {
                origin: origin.to_string(),
                line: None,
                message: format!("{what} {dotted:?} has an empty part"),
            });
        }
    }
    let fields = super::fields::convert_fields(&raw.fields, lines, vendor_clear)?;
    let by_name: HashMap<&str, usize> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let index_of = |name: &str, span: Range<usize>| {
        by_name
            .get(name)
            .copied()
            .ok_or_else(|| lines.error(span, format!("no field named {name:?} in this spec")))
    };
    let mut rules = Vec::new();
    for rule in &raw.rules {
        rules.push(match rule.get_ref() {
            RawRule::OneOfRequired { fields: names } => {
                if names.len() < 2 {
                    return Err(
                        lines.error(rule.span(), "one_of_required needs at least two fields")
                    );
                }
                RecordRule::OneOfRequired {
                    fields: names
                        .iter()
                        .map(|n| index_of(n, rule.span()))
                        .collect::<Result<_, _>>()?,
                }
            }
            RawRule::ForbidUpdate { when, message } => RecordRule::ForbidUpdate {
                field: index_of(&when.field, rule.span())?,
                values: when.is.clone(),
                message: message.clone(),
            },
        });
    }

    let envelope = Envelope {
        success: raw.envelope.success.as_deref().map(JsonPath::parse),
        message: raw.envelope.message.as_deref().map(JsonPath::parse),
        error_code: raw.envelope.error_code.as_deref().map(JsonPath::parse),
        error_details: raw.envelope.error_details.as_deref().map(JsonPath::parse),
    };

    Ok(VendorSpec {
        id,
        name: raw.name,
        docs: raw.docs,
        semantics,
        reference,
        reference_types,
        reference_example: raw.reference.example,
        auth,
        extras,
        read,
        update,
        list,
        request_wrapper: JsonPath::parse(&raw.request_wrapper),
        response_contact: JsonPath::parse(&raw.response_contact),
        envelope,
        fields,
        rules,
        origin: origin.to_string(),
    })
}

/// A request path is appended to the profile's base URL, which carries the credential: it
/// must start with `/` and its literal text must not be able to move the request to another
/// host (`@evil:80/…`, `//evil/…`, `\\evil`), another scheme or a query that swaps it.
pub(super) fn request_path(
    lines: &Lines,
    text: &str,
    span: Range<usize>,
    what: &str,
) -> Result<Template, SpecError> {
    let refused = |why: &str| lines.error(span.clone(), format!("{what} path {text:?} {why}"));
    if !text.starts_with('/') || text.starts_with("//") {
        return Err(refused("must start with a single `/`"));
    }
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '@' | '\\' | '#' | '?') || c.is_whitespace() || c.is_control())
    {
        return Err(refused(&format!("must not contain {c:?}")));
    }
    Template::parse(text).map_err(|e| lines.error(span, e.to_string()))
}

pub(super) fn parse_clear(text: &str) -> Result<ClearAs, String> {
    match text {
        "null" => Ok(ClearAs::Null),
        "empty" => Ok(ClearAs::Empty),
        other => Err(format!("clear {other:?} is not \"null\" or \"empty\"")),
    }
}

pub(super) fn check_method(method: &str) -> Result<String, String> {
    match method {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" => Ok(method.to_string()),
        other => Err(format!(
            "method {other:?} is not one of GET, POST, PUT, PATCH, DELETE"
        )),
    }
}

pub(super) fn unknown_kind(kind: &str) -> String {
    let names: Vec<&str> = Kind::ALL.iter().map(|(n, _)| *n).collect();
    format!(
        "unknown kind {kind:?} (expected one of {})",
        names.join(", ")
    )
}

/// `phone_code` → "Phone code", `firstName` → "First name".
pub fn humanize(name: &str) -> String {
    let mut words = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            words.push(' ');
            prev_lower = false;
        } else if c.is_ascii_uppercase() && prev_lower {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            words.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanizes_snake_and_camel_case() {
        assert_eq!(humanize("phone_code"), "Phone code");
        assert_eq!(humanize("firstName"), "First name");
        assert_eq!(humanize("address_1"), "Address 1");
        assert_eq!(humanize("e_login"), "E login");
    }
}
