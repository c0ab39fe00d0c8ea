//! The whole spec from the chosen operations: reference, bodies and wrappers, fields of the
//! request merged with those only in the response, semantics, read and list.

use serde_json::Value;

use super::access;
use super::document::{Document, Operation};
use super::emit::{self, Plan};
use super::fields::{Draft, contact_fields};
use super::locate::{
    MAX_WRAPPER_DEPTH, find_contact, json_schema, list_plan, operation_value, parent_path,
    plain_name, success_schema,
};
use super::schema::flatten;
use super::{ImportError, Imported, Options, Unmapped, escape_segment};
use crate::spec::parse_spec;

pub(super) fn build(doc: &Document, options: &Options) -> Result<Imported, ImportError> {
    let mut notes: Vec<Unmapped> = Vec::new();
    let wanted = options.update.as_deref().ok_or_else(|| {
        ImportError::refused("#/paths", "no update operation chosen (give --update)")
    })?;
    let update = doc.find_operation(wanted)?;
    if update.method == "GET" || update.method == "DELETE" {
        return Err(ImportError::refused(
            &update.pointer,
            format!("{} cannot update a contact", update.method),
        ));
    }
    let op = operation_value(doc, &update)?;
    let access = access::read(doc, &update, op, &mut notes)?;
    access::check_params(&update, &access)?;

    // The request body: JSON only, its wrapper, then the contact's fields.
    let body_at = format!("{}/requestBody", update.pointer);
    let body = op.get("requestBody").ok_or_else(|| {
        ImportError::refused(&update.pointer, "the operation takes no request body")
    })?;
    let (body, body_at) = doc.resolve_strict(body, &body_at)?;
    let (media_type, schema, schema_at) = json_schema(body, &body_at, &mut notes).ok_or_else(|| {
        ImportError::refused(
            &format!("{body_at}/content"),
            "the update takes no JSON body (form-encoded and other bodies cannot be sent by rolo)",
        )
    })?;
    let mut request = flatten(doc, schema, &schema_at, &mut notes)?;
    if request.opaque {
        return Err(ImportError::refused(
            &schema_at,
            "the body's schema is a `$ref` outside the document; rolo reads one file",
        ));
    }
    let mut wrapper: Vec<String> = Vec::new();
    loop {
        if request.types.iter().any(|t| t == "array") && request.props.is_empty() {
            notes.push(Unmapped {
                pointer: request.pointer.clone(),
                what: format!(
                    "the contact sits in an array at {}: a spec's paths name object members, not array elements, so rolo sends one object there and the vendor may refuse the update",
                    if wrapper.is_empty() { "the body's root".to_string() } else { wrapper.join(".") }
                ),
            });
            let Some((items, items_at)) = request.items.clone() else {
                break;
            };
            request = flatten(doc, items, &items_at, &mut notes)?;
            continue;
        }
        if request.props.len() != 1 || request.alternatives.is_some() {
            break;
        }
        let only = request.props[0].clone();
        let inner = flatten(doc, only.schema, &only.pointer, &mut notes)?;
        let holds_contact = (inner.is_object() && !inner.props.is_empty())
            || inner.alternatives.is_some()
            || (inner.types.iter().any(|t| t == "array") && inner.items.is_some());
        if !holds_contact || !plain_name(&only.name) || wrapper.len() >= MAX_WRAPPER_DEPTH {
            break;
        }
        wrapper.push(only.name);
        request = inner;
    }
    let mut drafts = contact_fields(doc, &request, &mut notes)?;
    if drafts.is_empty() {
        return Err(ImportError::refused(
            &schema_at,
            "the update body has no member rolo can edit",
        ));
    }

    let semantics = semantics(op, &update, media_type, &mut notes)?;
    let read = match &options.read {
        Some(wanted) => doc.find_operation(wanted)?,
        None => doc
            .operations()
            .into_iter()
            .find(|o| o.method == "GET" && o.path == update.path)
            .ok_or_else(|| {
                ImportError::refused(
                    &format!("#/paths/{}", escape_segment(&update.path)),
                    "no GET on the update's path to read a contact with: name one with --read",
                )
            })?,
    };
    access::check_params(&read, &access)?;

    // The contact as the vendor returns it.
    let top_names: Vec<String> = drafts
        .iter()
        .map(|d| d.name.split('.').next().unwrap_or_default().to_string())
        .collect();
    let read_op = operation_value(doc, &read)?;
    let mut response_contact = String::new();
    let mut envelope = Vec::new();
    match success_schema(doc, read_op, &read.pointer, &mut notes)? {
        Some((schema, at)) => {
            let root = flatten(doc, schema, &at, &mut notes)?;
            let (path, contact) = find_contact(doc, &root, &top_names, &mut notes)?;
            if !path.is_empty() {
                envelope.extend(access::success_envelope(doc, &root, &mut notes)?);
            }
            response_contact = path.join(".");
            let response = contact_fields(doc, &contact, &mut notes)?;
            merge_response(&mut drafts, response, &mut notes);
        }
        None => notes.push(Unmapped {
            pointer: format!("{}/responses", read.pointer),
            what: "the read documents no JSON response: every field comes from the request".into(),
        }),
    }
    envelope.extend(access::error_envelope(
        doc,
        op,
        &update.pointer,
        &envelope,
        &mut notes,
    )?);
    drop_overlaps(&mut drafts, &mut notes);
    drop_dangling_conditions(&mut drafts, &mut notes);
    mark_identity(&mut drafts, &access.params);

    let list = match &options.list {
        Some(wanted) => {
            let list = doc.find_operation(wanted)?;
            Some(
                list_plan(doc, &list, &access, &drafts, &mut notes)?.ok_or_else(|| {
                    ImportError::refused(
                        &list.pointer,
                        "this operation does not answer with a list of contacts rolo can read",
                    )
                })?,
            )
        }
        None => {
            let parent = parent_path(&update.path);
            match doc.operations().into_iter().find(|o| {
                o.method == "GET" && Some(o.path.trim_end_matches('/')) == parent.as_deref()
            }) {
                Some(list) => list_plan(doc, &list, &access, &drafts, &mut notes)?,
                None => None,
            }
        }
    };

    let id = vendor_id(doc, options)?;
    // Schemas met twice (in the request and the response) say their loss once.
    let mut seen = std::collections::HashSet::new();
    notes.retain(|n| seen.insert((n.pointer.clone(), n.what.clone())));
    let plan = Plan {
        name: doc.title().unwrap_or(&id).to_string(),
        id: id.clone(),
        docs: options.docs.clone(),
        version: doc.version.clone(),
        server: doc
            .at("#/servers/0/url")
            .and_then(Value::as_str)
            .map(str::to_string),
        semantics,
        request_wrapper: wrapper.join("."),
        response_contact,
        access,
        update: update.clone(),
        read,
        list,
        envelope,
        fields: drafts,
        notes,
    };
    let toml = emit::write(&plan);
    // The output must load as it is: check it here rather than hand the user a broken file.
    let loaded = parse_spec(&format!("imported {id}"), &toml)
        .map_err(|e| ImportError::Generated(e.to_string()))?;
    Ok(Imported {
        id,
        toml,
        unmapped: plan.notes,
        update,
        fields: loaded.fields.len(),
    })
}

/// Adds response-only fields as read-only, placed after their neighbours in the response.
fn merge_response(drafts: &mut Vec<Draft>, response: Vec<Draft>, notes: &mut Vec<Unmapped>) {
    let mut insert_at = 0;
    let mut said: Vec<String> = Vec::new();
    for mut field in response {
        if let Some(i) = drafts.iter().position(|d| d.name == field.name) {
            if drafts[i].kind == field.kind {
                for v in field.values {
                    if !drafts[i].values.contains(&v) {
                        drafts[i].values.push(v);
                    }
                }
            }
            insert_at = i + 1;
            continue;
        }
        let nested_under = drafts
            .iter()
            .find(|d| field.name.starts_with(&format!("{}.", d.name)));
        if let Some(sent) = nested_under {
            if sent.response_path.is_none() && !said.contains(&sent.name) {
                said.push(sent.name.clone());
                notes.push(Unmapped {
                    pointer: field.pointer.clone(),
                    what: format!(
                        "the response returns {} as an object, the request sends a value: rolo shows what it finds at {} (x-rolo-response-path names the member to show)",
                        sent.name, sent.name
                    ),
                });
            }
            continue;
        }
        if drafts
            .iter()
            .any(|d| d.name.starts_with(&format!("{}.", field.name)))
        {
            notes.push(Unmapped {
                pointer: field.pointer.clone(),
                what: format!(
                    "the response returns {} as one value where the request sends an object: not shown",
                    field.name
                ),
            });
            continue;
        }
        field.required = false;
        field.when = None;
        field.read_only = Some(
            field
                .read_only
                .unwrap_or_else(|| "response only: the update does not take it".into()),
        );
        drafts.insert(insert_at.min(drafts.len()), field);
        insert_at += 1;
    }
}

/// `a` and `a.b` cannot both be fields (oneOf variants may disagree on a member's shape).
fn drop_overlaps(drafts: &mut Vec<Draft>, notes: &mut Vec<Unmapped>) {
    let mut kept: Vec<Draft> = Vec::with_capacity(drafts.len());
    for draft in drafts.drain(..) {
        let clash = kept.iter().find(|k| {
            k.name == draft.name
                || draft.name.starts_with(&format!("{}.", k.name))
                || k.name.starts_with(&format!("{}.", draft.name))
        });
        match clash {
            Some(k) => notes.push(Unmapped {
                pointer: draft.pointer.clone(),
                what: format!("{} overlaps field {}: left out", draft.name, k.name),
            }),
            None => kept.push(draft),
        }
    }
    *drafts = kept;
}

/// A condition whose controlling field was left out (or is the field itself) cannot hold.
fn drop_dangling_conditions(drafts: &mut [Draft], notes: &mut Vec<Unmapped>) {
    let names: Vec<String> = drafts.iter().map(|d| d.name.clone()).collect();
    for draft in drafts.iter_mut() {
        let dangling = draft.when.as_ref().is_some_and(|(field, is)| {
            *field == draft.name || is.is_empty() || !names.contains(field)
        });
        if dangling {
            draft.when = None;
            notes.push(Unmapped {
                pointer: draft.pointer.clone(),
                what: format!(
                    "{}: its discriminator is not a field, so it applies always",
                    draft.name
                ),
            });
        }
    }
}

/// The record's own id: the read-only top-level field named as the reference's last
/// parameter, or whose name ends it (`id` for `contact_id` or `contactId`, `type` for
/// `contact_type`; the longest such), or else `id`.
fn mark_identity(drafts: &mut [Draft], params: &[access::PathParam]) {
    let plain = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let last = plain(params.last().map(|p| p.original.as_str()).unwrap_or("id"));
    let candidates = || {
        drafts
            .iter()
            .enumerate()
            .filter(|(_, d)| d.read_only.is_some() && !d.name.contains('.'))
    };
    let at = candidates()
        .filter(|(_, d)| {
            let name = plain(&d.name);
            !name.is_empty() && last.ends_with(&name)
        })
        .max_by_key(|(_, d)| d.name.len())
        .or_else(|| candidates().find(|(_, d)| d.name == "id"))
        .map(|(i, _)| i);
    if let Some(i) = at {
        drafts[i].identity = true;
    }
}

fn semantics(
    op: &Value,
    update: &Operation,
    media_type: &str,
    notes: &mut Vec<Unmapped>,
) -> Result<&'static str, ImportError> {
    if let Some(said) = op.get("x-rolo-semantics") {
        return match said.as_str() {
            Some("partial") => Ok("partial"),
            Some("full_replace") => Ok("full_replace"),
            _ => Err(ImportError::refused(
                &format!("{}/x-rolo-semantics", update.pointer),
                "x-rolo-semantics is not \"partial\" or \"full_replace\"",
            )),
        };
    }
    Ok(match update.method.as_str() {
        "PUT" if !media_type.contains("merge-patch") => "full_replace",
        "POST" => {
            notes.push(Unmapped {
                pointer: update.pointer.clone(),
                what: "a POST update: sent as a partial update (changed fields only); set x-rolo-semantics if the vendor replaces the record".into(),
            });
            "partial"
        }
        _ => "partial",
    })
}

fn vendor_id(doc: &Document, options: &Options) -> Result<String, ImportError> {
    let valid = |id: &str| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    if let Some(id) = &options.id {
        if !valid(id) {
            return Err(ImportError::refused(
                "--id",
                format!("vendor id {id:?} must be lowercase letters, digits, `-` or `_`"),
            ));
        }
        return Ok(id.clone());
    }
    let mut id = String::new();
    for c in doc.title().unwrap_or_default().chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id
        .trim_end_matches('-')
        .chars()
        .take(40)
        .collect::<String>();
    let id = id.trim_end_matches('-').to_string();
    Ok(if valid(&id) {
        id
    } else {
        "imported".to_string()
    })
}
