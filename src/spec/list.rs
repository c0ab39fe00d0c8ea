//! The `[list]` section of a spec: how a vendor's contacts are listed, paged and searched, and
//! how a list may span scopes (exsited: every account; cro: every customer). None of the
//! vendors' pages document a list: this is rolo's convention, which the sandbox serves.

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::SpecError;
use super::raw::{Lines, check_method, request_path};
use super::template::Template;
use super::types::JsonPath;

/// The items per page when a spec does not say.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// The largest page a spec may ask for: more is one slow answer instead of several quick ones.
pub const MAX_PAGE_SIZE: usize = 1000;

#[derive(Debug, Clone)]
pub struct ListSpec {
    pub method: String,
    /// The list within the open contact's scope (its placeholders come from the reference).
    pub path: Template,
    /// Where the array of contacts sits in the list response.
    pub items: JsonPath,
    /// How one item becomes a contact reference: placeholders are the item's own fields first,
    /// then the list path's values for those the item lacks.
    pub reference: Template,
    /// Item fields shown to the user when picking.
    pub label: Vec<JsonPath>,
    /// Item fields that together make the contact's name (joined with spaces).
    pub name: Vec<JsonPath>,
    /// The item field holding the contact's e-mail.
    pub email: Option<JsonPath>,
    pub paging: Paging,
    /// Query parameters the list takes to search; `None` when it cannot search.
    pub search: Option<SearchParams>,
    /// A list over every scope (no placeholders), whose items carry their full reference.
    pub across: Option<ListSource>,
}

/// A second list path, e.g. exsited's `/api/v3/contacts` across accounts.
#[derive(Debug, Clone)]
pub struct ListSource {
    pub path: Template,
    pub items: JsonPath,
    /// Rendered from the item's fields alone: there is no scope to fill in from.
    pub reference: Template,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingStyle {
    /// `param` is the 1-based page number.
    Page,
    /// `param` is the number of items to skip.
    Offset,
    /// `param` is the cursor the previous answer gave at `next`; the first page has none.
    Cursor { next: JsonPath },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub style: PagingStyle,
    /// The page/offset/cursor parameter; `None` for a list that is not paged.
    pub param: Option<String>,
    /// The page-size parameter, if the list takes one.
    pub size_param: Option<String>,
    pub size: usize,
}

/// Query parameter names for each kind of search; at least one is set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchParams {
    /// Free text, matched against names and e-mails.
    pub text: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawList {
    #[serde(default = "get_method")]
    method: Spanned<String>,
    path: Spanned<String>,
    #[serde(default)]
    items: Option<Spanned<String>>,
    reference: Spanned<String>,
    #[serde(default)]
    label: Vec<String>,
    #[serde(default)]
    name: Vec<Spanned<String>>,
    #[serde(default)]
    email: Option<Spanned<String>>,
    /// Short form of `[list.paging]` with the page style.
    #[serde(default)]
    page_param: Option<Spanned<String>>,
    #[serde(default)]
    per_page_param: Option<Spanned<String>>,
    #[serde(default)]
    paging: Option<Spanned<RawPaging>>,
    #[serde(default)]
    search: Option<Spanned<RawSearch>>,
    #[serde(default)]
    across: Option<Spanned<RawAcross>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaging {
    #[serde(default = "page_style")]
    style: Spanned<String>,
    #[serde(default)]
    param: Option<Spanned<String>>,
    #[serde(default)]
    size_param: Option<Spanned<String>>,
    #[serde(default)]
    size: Option<Spanned<usize>>,
    #[serde(default)]
    next: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    #[serde(default)]
    text: Option<Spanned<String>>,
    #[serde(default)]
    email: Option<Spanned<String>>,
    #[serde(default)]
    name: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAcross {
    path: Spanned<String>,
    #[serde(default)]
    items: Option<Spanned<String>>,
    #[serde(default)]
    reference: Option<Spanned<String>>,
}

fn get_method() -> Spanned<String> {
    Spanned::new(0..0, "GET".to_string())
}

fn page_style() -> Spanned<String> {
    Spanned::new(0..0, "page".to_string())
}

/// A query parameter name goes into URLs as is: keep it to characters that need no escaping.
fn check_param(lines: &Lines, p: &Spanned<String>, what: &str) -> Result<String, SpecError> {
    let name = p.get_ref();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'))
    {
        return Err(lines.error(
            p.span(),
            format!("{what} {name:?} must be letters, digits, `_`, `-`, `.`, `[` or `]`"),
        ));
    }
    Ok(name.clone())
}

fn check_json_path(lines: &Lines, p: &Spanned<String>, what: &str) -> Result<JsonPath, SpecError> {
    let dotted = p.get_ref();
    if dotted.split('.').any(str::is_empty) {
        return Err(lines.error(p.span(), format!("{what} {dotted:?} has an empty part")));
    }
    Ok(JsonPath::parse(dotted))
}

/// Where the items sit: absent or empty means the answer is the array itself.
fn items_path(
    lines: &Lines,
    p: Option<&Spanned<String>>,
    what: &str,
) -> Result<JsonPath, SpecError> {
    match p {
        Some(p) if !p.get_ref().is_empty() => check_json_path(lines, p, what),
        _ => Ok(JsonPath::default()),
    }
}

/// Checks a `[list]` section; `ref_params` are the placeholders of the spec's reference.
pub(super) fn convert_list(
    raw: &Spanned<RawList>,
    lines: &Lines,
    ref_params: &HashSet<&str>,
    reference: &Template,
) -> Result<ListSpec, SpecError> {
    let r = raw.get_ref();
    let template = |s: &Spanned<String>| {
        Template::parse(s.get_ref()).map_err(|e| lines.error(s.span(), e.to_string()))
    };
    let path = request_path(lines, r.path.get_ref(), r.path.span(), "list")?;
    if let Some(p) = path.params().find(|p| !ref_params.contains(p)) {
        return Err(lines.error(
            r.path.span(),
            format!(
                "list path uses {{{p}}}, which the reference template {reference} does not give"
            ),
        ));
    }
    let paging = convert_paging(r, lines)?;
    let search = match &r.search {
        None => None,
        Some(s) => Some(convert_search(s, lines, &paging)?),
    };
    let across = match &r.across {
        None => None,
        Some(a) => {
            let a_ref = a.get_ref();
            let across_path = request_path(
                lines,
                a_ref.path.get_ref(),
                a_ref.path.span(),
                "list.across",
            )?;
            if let Some(p) = across_path.params().next() {
                return Err(lines.error(
                    a_ref.path.span(),
                    format!("list.across path uses {{{p}}}: a list across scopes takes no values from the open contact"),
                ));
            }
            Some(ListSource {
                path: across_path,
                items: items_path(
                    lines,
                    a_ref.items.as_ref().or(r.items.as_ref()),
                    "list.across items",
                )?,
                reference: match &a_ref.reference {
                    Some(t) => template(t)?,
                    None => template(&r.reference)?,
                },
            })
        }
    };
    Ok(ListSpec {
        method: check_method(r.method.get_ref()).map_err(|m| lines.error(r.method.span(), m))?,
        path,
        items: items_path(lines, r.items.as_ref(), "list items")?,
        reference: template(&r.reference)?,
        label: r.label.iter().map(|s| JsonPath::parse(s)).collect(),
        name: r
            .name
            .iter()
            .map(|n| check_json_path(lines, n, "list name"))
            .collect::<Result<_, _>>()?,
        email: r
            .email
            .as_ref()
            .map(|e| check_json_path(lines, e, "list email"))
            .transpose()?,
        paging,
        search,
        across,
    })
}

fn convert_paging(r: &RawList, lines: &Lines) -> Result<Paging, SpecError> {
    let Some(paging) = &r.paging else {
        // The short form: `page_param`/`per_page_param` in `[list]` mean page-number paging.
        return Ok(Paging {
            style: PagingStyle::Page,
            param: r
                .page_param
                .as_ref()
                .map(|p| check_param(lines, p, "page_param"))
                .transpose()?,
            size_param: r
                .per_page_param
                .as_ref()
                .map(|p| check_param(lines, p, "per_page_param"))
                .transpose()?,
            size: DEFAULT_PAGE_SIZE,
        });
    };
    if let Some(p) = r.page_param.as_ref().or(r.per_page_param.as_ref()) {
        return Err(lines.error(
            p.span(),
            "give page_param/per_page_param or [list.paging], not both",
        ));
    }
    let raw = paging.get_ref();
    let style = match (raw.style.get_ref().as_str(), &raw.next) {
        ("page", None) => PagingStyle::Page,
        ("offset", None) => PagingStyle::Offset,
        ("cursor", Some(next)) => PagingStyle::Cursor {
            next: check_json_path(lines, next, "list.paging next")?,
        },
        ("cursor", None) => {
            return Err(lines.error(
                paging.span(),
                "cursor paging needs `next`: where the next cursor sits in the answer",
            ));
        }
        ("page" | "offset", Some(next)) => {
            return Err(lines.error(next.span(), "`next` only applies to style = \"cursor\""));
        }
        (other, _) => {
            return Err(lines.error(
                raw.style.span(),
                format!("paging style {other:?} is not one of \"page\", \"offset\", \"cursor\""),
            ));
        }
    };
    let size = match &raw.size {
        None => DEFAULT_PAGE_SIZE,
        Some(s) if (1..=MAX_PAGE_SIZE).contains(s.get_ref()) => *s.get_ref(),
        Some(s) => {
            return Err(lines.error(
                s.span(),
                format!(
                    "page size {} is not between 1 and {MAX_PAGE_SIZE}",
                    s.get_ref()
                ),
            ));
        }
    };
    let param = match &raw.param {
        Some(p) => check_param(lines, p, "list.paging param")?,
        None => {
            return Err(lines.error(
                paging.span(),
                "[list.paging] needs `param`: the query parameter that says which page",
            ));
        }
    };
    let size_param = raw
        .size_param
        .as_ref()
        .map(|p| check_param(lines, p, "list.paging size_param"))
        .transpose()?;
    if size_param.as_deref() == Some(param.as_str()) {
        return Err(lines.error(
            paging.span(),
            format!("param and size_param are both {param:?}"),
        ));
    }
    Ok(Paging {
        style,
        param: Some(param),
        size_param,
        size,
    })
}

fn convert_search(
    s: &Spanned<RawSearch>,
    lines: &Lines,
    paging: &Paging,
) -> Result<SearchParams, SpecError> {
    let raw = s.get_ref();
    let mut taken: Vec<String> = paging
        .param
        .iter()
        .chain(&paging.size_param)
        .cloned()
        .collect();
    let mut one = |p: &Option<Spanned<String>>, what: &str| -> Result<Option<String>, SpecError> {
        let Some(p) = p else { return Ok(None) };
        let name = check_param(lines, p, what)?;
        if taken.contains(&name) {
            return Err(lines.error(
                p.span(),
                format!("{what} {name:?} is already used by another list parameter"),
            ));
        }
        taken.push(name.clone());
        Ok(Some(name))
    };
    let search = SearchParams {
        text: one(&raw.text, "list.search text")?,
        email: one(&raw.email, "list.search email")?,
        name: one(&raw.name, "list.search name")?,
    };
    if search == SearchParams::default() {
        return Err(lines.error(
            s.span(),
            "[list.search] names no parameter: give text, email and/or name",
        ));
    }
    Ok(search)
}
