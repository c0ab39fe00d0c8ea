//! Where things sit in the document: the JSON body of a request or response, the contact
//! inside a response, and a list of contacts.

use serde_json::Value;

use super::access::{self, Access};
use super::document::{Document, Operation, is_json};
use super::emit::ListPlan;
use super::fields::Draft;
use super::schema::{Flat, flatten};
use super::{ImportError, Unmapped, escape_segment};

/// How deep the importer looks for the contact inside a body (`data`, `account.contacts`).
pub(super) const MAX_WRAPPER_DEPTH: usize = 4;
/// How many objects of a response are looked into for the contact.
const MAX_OBJECTS_SEARCHED: usize = 200;

/// A member name that can be one step of a dotted path.
pub(super) fn plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('.')
}

pub(super) fn operation_value<'a>(
    doc: &'a Document,
    op: &Operation,
) -> Result<&'a Value, ImportError> {
    doc.at(&op.pointer)
        .ok_or_else(|| ImportError::refused(&op.pointer, "the operation vanished"))
}

/// The JSON media type of a request body or response, its schema and where that is. Other
/// media types beside it are listed.
pub(super) fn json_schema<'a>(
    body: &'a Value,
    at: &str,
    notes: &mut Vec<Unmapped>,
) -> Option<(&'a str, &'a Value, String)> {
    let content = body.get("content")?.as_object()?;
    let mut chosen = None;
    for (media_type, entry) in content {
        let entry_at = format!("{at}/content/{}", escape_segment(media_type));
        if is_json(media_type) {
            if chosen.is_none() {
                let schema = entry.get("schema")?;
                chosen = Some((media_type.as_str(), schema, format!("{entry_at}/schema")));
            }
        } else {
            notes.push(Unmapped {
                pointer: entry_at,
                what: format!("{media_type} body: rolo sends JSON only"),
            });
        }
    }
    chosen
}

/// The schema of the first 2xx (or `default`) JSON response.
pub(super) fn success_schema<'a>(
    doc: &'a Document,
    op: &'a Value,
    op_at: &str,
    notes: &mut Vec<Unmapped>,
) -> Result<Option<(&'a Value, String)>, ImportError> {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        return Ok(None);
    };
    let mut codes: Vec<&String> = responses
        .keys()
        .filter(|c| c.starts_with('2') || c.as_str() == "default")
        .collect();
    codes.sort_by_key(|c| c.as_str() == "default");
    for code in codes {
        let at = format!("{op_at}/responses/{}", escape_segment(code));
        let (response, at) = doc.resolve_strict(&responses[code.as_str()], &at)?;
        if let Some((_, schema, schema_at)) = json_schema(response, &at, notes) {
            return Ok(Some((schema, schema_at)));
        }
    }
    Ok(None)
}

/// Where the contact sits in a response: the object sharing most member names with the
/// request's contact (the shallowest on a tie), and that object. A contact inside an array
/// is taken and said: rolo's paths do not index arrays.
pub(super) fn find_contact<'a>(
    doc: &'a Document,
    root: &Flat<'a>,
    names: &[String],
    notes: &mut Vec<Unmapped>,
) -> Result<(Vec<String>, Flat<'a>), ImportError> {
    let score = |f: &Flat| {
        f.props.iter().filter(|p| names.contains(&p.name)).count()
            + f.alternatives.as_ref().map_or(0, |_| 1)
    };
    // (score, path, the object, where an array was crossed)
    let mut best = (score(root), Vec::new(), root.clone(), None::<String>);
    let mut frontier = vec![(Vec::<String>::new(), root.clone(), None::<String>)];
    // Wide documents are looked into only so far: the contact sits near the top.
    let mut budget = MAX_OBJECTS_SEARCHED;
    for _ in 0..MAX_WRAPPER_DEPTH {
        let mut next = Vec::new();
        for (path, flat, crossed) in &frontier {
            if budget == 0 {
                break;
            }
            budget -= 1;
            for prop in flat.props.iter().filter(|p| plain_name(&p.name)) {
                let mut inner = flatten(doc, prop.schema, &prop.pointer, notes)?;
                let mut crossed = crossed.clone();
                if inner.types.iter().any(|t| t == "array")
                    && let Some((items, items_at)) = inner.items.clone()
                {
                    crossed = crossed.or_else(|| Some(inner.pointer.clone()));
                    inner = flatten(doc, items, &items_at, notes)?;
                }
                if !inner.is_object() {
                    continue;
                }
                let mut inner_path = path.clone();
                inner_path.push(prop.name.clone());
                let s = score(&inner);
                if s > best.0 {
                    best = (s, inner_path.clone(), inner.clone(), crossed.clone());
                }
                next.push((inner_path, inner, crossed));
            }
        }
        frontier = next;
    }
    if let Some(at) = best.3 {
        notes.push(Unmapped {
            pointer: at,
            what: format!(
                "the response holds the contact in an array ({}): rolo reads an object there, so it shows no values",
                best.1.join(".")
            ),
        });
    }
    Ok((best.1, best.2))
}

/// `/a/{x}/b/{y}/` → `/a/{x}/b`.
pub(super) fn parent_path(path: &str) -> Option<String> {
    let trimmed = path.trim_end_matches('/');
    let (parent, last) = trimmed.rsplit_once('/')?;
    (last.starts_with('{') && !parent.is_empty()).then(|| parent.to_string())
}

pub(super) fn list_plan(
    doc: &Document,
    list: &Operation,
    access: &Access,
    drafts: &[Draft],
    notes: &mut Vec<Unmapped>,
) -> Result<Option<ListPlan>, ImportError> {
    let op = operation_value(doc, list)?;
    if access::check_params(list, access).is_err() {
        notes.push(Unmapped {
            pointer: list.pointer.clone(),
            what: "the list's path parameters are not all in the contact reference: no list".into(),
        });
        return Ok(None);
    }
    let Some((schema, at)) = success_schema(doc, op, &list.pointer, notes)? else {
        return Ok(None);
    };
    let mut flat = flatten(doc, schema, &at, notes)?;
    let mut items_path: Vec<String> = Vec::new();
    // The array of contacts: the body itself, or a member a few objects down.
    'search: for _ in 0..MAX_WRAPPER_DEPTH {
        if flat.types.iter().any(|t| t == "array") {
            break;
        }
        for prop in flat
            .props
            .clone()
            .into_iter()
            .filter(|p| plain_name(&p.name))
        {
            let inner = flatten(doc, prop.schema, &prop.pointer, notes)?;
            if inner.types.iter().any(|t| t == "array") || inner.is_object() {
                items_path.push(prop.name.clone());
                flat = inner;
                continue 'search;
            }
        }
        return Ok(None);
    }
    let Some((items, items_at)) = flat.items.clone() else {
        return Ok(None);
    };
    let item = flatten(doc, items, &items_at, notes)?;
    let last = access
        .params
        .last()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let identity = drafts.iter().find(|d| d.identity).map(|d| d.name.clone());
    let key = [Some(last.clone()), identity, Some("id".to_string())]
        .into_iter()
        .flatten()
        .find(|k| item.props.iter().any(|p| &p.name == k))
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let Some(key) = key else {
        notes.push(Unmapped {
            pointer: items_at,
            what: format!("list items carry no member for {{{last}}}: no list"),
        });
        return Ok(None);
    };
    let mut label: Vec<String> = item
        .props
        .iter()
        .map(|p| p.name.clone())
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            n.contains("name") || n.contains("email")
        })
        .take(2)
        .collect();
    if label.is_empty() {
        label.push(key.clone());
    }
    let query: Vec<String> = access.query_params(doc, op, &list.pointer);
    let find = |names: &[&str]| {
        names
            .iter()
            .find(|n| query.iter().any(|q| q == *n))
            .map(|n| n.to_string())
    };
    Ok(Some(ListPlan {
        path: list.path.clone(),
        items: items_path.join("."),
        key,
        label,
        page_param: find(&["page"]),
        per_page_param: find(&["per_page", "page_size", "pageSize", "limit"]),
    }))
}
