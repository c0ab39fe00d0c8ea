//! Exsited account contacts (../shared/vendor-docs/001_2d24b7492fd449bd.txt): bearer token,
//! `PUT /api/v3/accounts/{account_id}/contacts/{contact_type}` with the contact under
//! `account.contact`, the reply under `account.contacts`; salutation and designation sent as
//! names and returned as `{id, name, link}`; flags as the strings "true"/"false".
//! Not on the page, so the sandbox's own: the error body `{"error": {code, message, details}}`
//! the list `GET /api/v3/accounts/{account_id}/contacts` (paged, searchable) and the list
//! across accounts `GET /api/v3/contacts` (`{"contacts", "pagination"}`), whose items carry
//! their `account_id`.

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodFilter;
use serde_json::{Map, Value as Json, json};

use super::api::{Desk, Failure, Page};
use super::checks::{Report, Violation, now_rfc3339};
use super::demo::DemoUser;
use super::search::SearchFields;

const FIELDS: [&str; 19] = [
    "salutation",
    "designation",
    "first_name",
    "middle_name",
    "email",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "post_code",
    "city",
    "state",
    "country",
    "phone",
    "fax",
    "mobile",
    "custom_attributes",
    "receive_billing_information",
];
/// Response-only members: `last_name` is in the page's response but not in its request table
/// nor its example request.
const READ_ONLY: [&str; 11] = [
    "type",
    "last_name",
    "type_display_name",
    "billing_contact",
    "shipping_contact",
    "created_by",
    "created_on",
    "last_updated_by",
    "last_updated_on",
    "uuid",
    "version",
];
const NUMBER_PARTS: [&str; 4] = ["country_code", "area_code", "number", "do_not_call"];

/// Names the sandbox knows for salutations and designations, with their ids.
const SALUTATIONS: [&str; 6] = ["Mr.", "Ms.", "Dr.", "Mrs.", "Prof.", "Mx."];
const DESIGNATIONS: [(u64, &str); 4] = [
    (7, "CEO"),
    (8, "CFO"),
    (9, "Warehouse Manager"),
    (10, "Accounts"),
];

pub struct Exsited;

fn error(status: StatusCode, code: &str, message: &str, details: &[Violation]) -> Response {
    let details: Vec<Json> = details
        .iter()
        .map(|v| json!({"field": v.field, "message": v.message}))
        .collect();
    (
        status,
        axum::Json(json!({"error": {"code": code, "message": message, "details": details}})),
    )
        .into_response()
}

fn bool_string(report: &mut Report, field: &str, value: &Json) {
    if let Some(t) = report.string(field, value, false)
        && t != "true"
        && t != "false"
    {
        report.add(field, "must be the string \"true\" or \"false\"");
    }
}

fn check_contact(contact: &Map<String, Json>) -> Report {
    let mut report = Report::default();
    report.only_keys("", contact, &FIELDS, &READ_ONLY);
    for (key, value) in contact {
        match key.as_str() {
            "email" => match value.as_object() {
                None => report.add("email", "must be an object {address, do_not_email}"),
                Some(email) => {
                    report.only_keys("email", email, &["address", "do_not_email"], &[]);
                    if let Some(address) = email.get("address")
                        && let Some(t) = report.string("email.address", address, false)
                    {
                        report.email("email.address", t, true);
                    }
                    if let Some(flag) = email.get("do_not_email") {
                        bool_string(&mut report, "email.do_not_email", flag);
                    }
                }
            },
            "phone" | "fax" | "mobile" => match value.as_object() {
                None => report.add(
                    key,
                    "must be an object {country_code, area_code, number, do_not_call}",
                ),
                Some(number) => {
                    report.only_keys(key, number, &NUMBER_PARTS, &["full"]);
                    for (part, v) in number {
                        let name = format!("{key}.{part}");
                        if part == "do_not_call" {
                            bool_string(&mut report, &name, v);
                        } else if NUMBER_PARTS.contains(&part.as_str()) {
                            report.string(&name, v, false);
                        }
                    }
                }
            },
            "receive_billing_information" => bool_string(&mut report, key, value),
            "custom_attributes" if !value.is_array() => report.add(key, "must be an array"),
            "custom_attributes" => {}
            _ if FIELDS.contains(&key.as_str()) => {
                report.string(key, value, false);
            }
            _ => {}
        }
    }
    report
}

/// "+61 2 92550000" from the parts, as the vendor's `full` shows it.
fn full_number(number: &Json) -> String {
    let part = |k: &str| {
        number
            .get(k)
            .and_then(Json::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let (cc, area, n) = (part("country_code"), part("area_code"), part("number"));
    if n.is_empty() {
        return String::new();
    }
    let mut out = Vec::new();
    if !cc.is_empty() {
        out.push(format!("+{cc}"));
    }
    if !area.is_empty() {
        out.push(area);
    }
    out.push(n);
    out.join(" ")
}

fn named(kind: &str, name: &str) -> Json {
    let id = match kind {
        "salutations" => SALUTATIONS
            .iter()
            .position(|s| *s == name)
            .map(|i| i as u64 + 1),
        _ => DESIGNATIONS
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| *id),
    }
    // A name the sandbox has not seen gets an id derived from it, stable across requests.
    .unwrap_or_else(|| 1000 + name.bytes().fold(0u64, |h, b| (h * 31 + b as u64) % 9000));
    json!({"id": id, "name": name, "link": format!("/api/v3/{kind}/{id}")})
}

impl Desk for Exsited {
    fn id(&self) -> &'static str {
        "exsited"
    }

    fn item_routes(&self) -> &'static [&'static str] {
        &["/api/v3/accounts/{account_id}/contacts/{contact_type}"]
    }

    fn list_routes(&self) -> &'static [&'static str] {
        &["/api/v3/accounts/{account_id}/contacts", "/api/v3/contacts"]
    }

    fn update_method(&self) -> MethodFilter {
        MethodFilter::PUT
    }

    fn authorize(
        &self,
        user: &DemoUser,
        _method: &Method,
        headers: &HeaderMap,
    ) -> Result<(), Failure> {
        let value = headers.get("authorization").and_then(|v| v.to_str().ok());
        match value.and_then(|v| v.strip_prefix("Bearer ")) {
            Some(token) if token == user.secret => Ok(()),
            Some(_) => Err(Failure::Unauthorized(
                "the bearer token is not valid".into(),
            )),
            None => Err(Failure::Unauthorized(
                "missing `Authorization: Bearer <token>`".into(),
            )),
        }
    }

    fn demo_headers(&self, user: &DemoUser) -> Vec<(&'static str, String)> {
        vec![("Authorization", format!("Bearer {}", user.secret))]
    }

    fn failure(&self, failure: Failure) -> Response {
        match failure {
            Failure::Unauthorized(m) => error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", &m, &[]),
            Failure::Forbidden(m) => error(StatusCode::FORBIDDEN, "FORBIDDEN", &m, &[]),
            Failure::NotFound => error(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "Account contact not found",
                &[],
            ),
            Failure::Stale => error(
                StatusCode::PRECONDITION_FAILED,
                "VERSION_CONFLICT",
                "The contact was changed since it was read",
                &[],
            ),
            Failure::Malformed(m) => error(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                &format!("Request body is not valid JSON: {m}"),
                &[],
            ),
            Failure::Invalid(v) => error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                &format!("Validation failed: {}", Failure::describe(&v)),
                &v,
            ),
            Failure::Refused(status, code, m) => error(status, code, &m, &[]),
        }
    }

    fn check_update(&self, _key: &str, _stored: &Json, body: Json) -> Result<Json, Failure> {
        let contact = body
            .get("account")
            .and_then(|a| a.get("contact"))
            .and_then(Json::as_object);
        let Some(contact) = contact else {
            return Err(Failure::Invalid(vec![Violation::new(
                "account.contact",
                "the body must be {\"account\": {\"contact\": {…}}}",
            )]));
        };
        let report = check_contact(contact);
        if report.is_empty() {
            Ok(Json::Object(contact.clone()))
        } else {
            Err(Failure::Invalid(report.0))
        }
    }

    fn apply(&self, stored: &mut Json, update: Json) {
        let Json::Object(update) = update else {
            return;
        };
        for (key, value) in update {
            match (key.as_str(), value) {
                ("salutation", Json::String(name)) => stored[key] = named("salutations", &name),
                ("designation", Json::String(name)) => stored[key] = named("designations", &name),
                ("email" | "phone" | "fax" | "mobile", Json::Object(members)) => {
                    if !stored[&key].is_object() {
                        stored[&key] = json!({});
                    }
                    for (m, v) in members {
                        stored[&key][m] = v;
                    }
                }
                (_, value) => stored[key] = value,
            }
        }
        for number in ["phone", "fax", "mobile"] {
            if stored[number].is_object() {
                stored[number]["full"] = json!(full_number(&stored[number]));
            }
        }
        let version = stored["version"]
            .as_str()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        stored["version"] = json!((version + 1).to_string());
        stored["last_updated_on"] = json!(now_rfc3339());
        stored["last_updated_by"] = json!("api");
    }

    fn read_body(&self, key: &str, record: &Json) -> Json {
        let account = key.split('/').next().unwrap_or_default();
        json!({"account": {"contacts": record, "id": account}})
    }

    fn update_body(&self, key: &str, record: &Json) -> Option<Json> {
        Some(self.read_body(key, record))
    }

    fn list_item(&self, key: &str, record: &Json) -> Json {
        let mut item = record.clone();
        if let (Some(o), Some((account, _))) = (item.as_object_mut(), key.split_once('/')) {
            o.insert("account_id".into(), json!(account));
        }
        item
    }

    fn search_fields(&self) -> SearchFields {
        SearchFields {
            names: &["first_name", "middle_name", "last_name"],
            emails: &["email.address"],
        }
    }

    fn list_response(
        &self,
        scope: Option<&str>,
        page: Page,
        items: Vec<Json>,
        total: usize,
    ) -> Response {
        let pagination = json!({"page": page.page, "per_page": page.per_page, "total": total,
            "total_pages": page.total_pages(total), "next_cursor": page.next_cursor});
        let body = match scope {
            Some(account) => {
                json!({"account": {"contacts": items, "id": account}, "pagination": pagination})
            }
            None => json!({"contacts": items, "pagination": pagination}),
        };
        axum::Json(body).into_response()
    }
}
