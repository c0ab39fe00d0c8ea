//! CRO customer contacts (../shared/vendor-docs/003_2ff2b93408e07c83.txt): `Authorization:
//! Bearer …` matching the page's pattern, a required integer `x-tenant-id`, the Dispatcher role
//! for updates, `PATCH /customers/{customer_id}/contacts/{customer_contact_id}/`, the page's
//! field rules, and an `x-request-id` (UUID) on every response.
//! Not on the page, so the sandbox's own: error bodies in the style of the framework the
//! trailing slashes suggest (`{"detail", "code", "errors": {field: [..]}}`), a viewer role that
//! may read but not update, and the paged, searchable lists `{"count", "next", "previous",
//! "results"}` of a customer and across customers (`GET /contacts/`), whose items carry their
//! `customer_id`.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodFilter;
use serde_json::{Map, Value as Json, json};

use super::api::{Desk, Failure, Page};
use super::checks::{Report, Violation};
use super::demo::DemoUser;
use super::search::SearchFields;

/// The sandbox's own second user, which may read but not update (the demo user, from
/// assets/sandbox/profiles.toml, is a Dispatcher).
pub const VIEWER_TOKEN: &str = "sandbox.cro-viewer";

const FIELDS: [&str; 9] = [
    "email",
    "fax",
    "name",
    "number",
    "notify_on_acknowledged_request",
    "notify_on_completed_request",
    "notify_on_dispatched_request",
    "notify_on_failed_request",
    "notify_on_new_request",
];

pub struct Cro;

fn detail(status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(json!({"detail": message, "code": code}))).into_response()
}

/// The page's pattern for the header: `^bearer [a-z0-9-_=]+.[a-z0-9-_=]+.?[a-z0-9-_.+/=]*$`,
/// case-insensitive, at most 256 characters. Returns the token.
fn bearer(value: &str) -> Option<&str> {
    if value.len() > 256 || value.len() < 8 || !value[..7].eq_ignore_ascii_case("bearer ") {
        return None;
    }
    let token = &value[7..];
    let ok = |c: char| c.is_ascii_alphanumeric() || "-_=.+/".contains(c);
    (token.chars().all(ok) && token.contains('.')).then_some(token)
}

/// 0, 1, True, False in any case, as a JSON boolean, number or string.
fn flag(value: &Json) -> Option<bool> {
    match value {
        Json::Bool(b) => Some(*b),
        Json::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Json::String(s) => match s.to_ascii_lowercase().as_str() {
            "0" | "false" => Some(false),
            "1" | "true" => Some(true),
            _ => None,
        },
        _ => None,
    }
}

fn check(body: &Map<String, Json>) -> Report {
    let mut report = Report::default();
    report.only_keys("", body, &FIELDS, &["id"]);
    for (key, value) in body {
        let k = key.as_str();
        if k.starts_with("notify_on_") && FIELDS.contains(&k) {
            if flag(value).is_none() {
                report.add(k, "must be one of 0, 1, True, False (case insensitive)");
            }
            continue;
        }
        let Some(text) = report.string(k, value, false) else {
            continue;
        };
        match k {
            "email" => {
                report.length(k, text, 0, 256);
                if !text.is_empty() {
                    // "List of 1 or more comma-separated email addresses. Whitespace allowed."
                    for (i, entry) in text.split(',').enumerate() {
                        let entry = entry.trim_matches(|c: char| {
                            c == ' ' || c == '\n' || c == '\t' || c == '\r'
                        });
                        if !super::checks::looks_like_email(entry) {
                            report.add(
                                "email",
                                format!(
                                    "entry {} ({entry:?}) is not a valid e-mail address",
                                    i + 1
                                ),
                            );
                        }
                    }
                }
            }
            "fax" => report.length(k, text, 7, 15),
            "name" => report.length(k, text, 1, 128),
            "number" => report.length(k, text, 1, 90),
            _ => {}
        }
    }
    report
}

impl Desk for Cro {
    fn id(&self) -> &'static str {
        "cro"
    }

    /// The page writes the path both with and without the trailing slash.
    fn item_routes(&self) -> &'static [&'static str] {
        &[
            "/customers/{customer_id}/contacts/{customer_contact_id}/",
            "/customers/{customer_id}/contacts/{customer_contact_id}",
        ]
    }

    fn list_routes(&self) -> &'static [&'static str] {
        &[
            "/customers/{customer_id}/contacts/",
            "/customers/{customer_id}/contacts",
            "/contacts/",
            "/contacts",
        ]
    }

    fn update_method(&self) -> MethodFilter {
        MethodFilter::PATCH
    }

    fn authorize(
        &self,
        user: &DemoUser,
        method: &Method,
        headers: &HeaderMap,
    ) -> Result<(), Failure> {
        let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
            return Err(Failure::Unauthorized(
                "Authentication credentials were not provided.".into(),
            ));
        };
        let role = match bearer(value) {
            Some(token) if token == user.secret => "Dispatcher",
            Some(VIEWER_TOKEN) => "Viewer",
            _ => return Err(Failure::Unauthorized("Invalid token.".into())),
        };
        // The tenant id is part of the credentials: missing or malformed is a 401.
        let tenant = headers.get("x-tenant-id").and_then(|v| v.to_str().ok());
        match tenant.map(|t| t.trim().parse::<i64>()) {
            None => {
                return Err(Failure::Unauthorized(
                    "The x-tenant-id header is required.".into(),
                ));
            }
            Some(Err(_)) => {
                return Err(Failure::Unauthorized(
                    "The x-tenant-id header must be an integer.".into(),
                ));
            }
            Some(Ok(tenant)) if Some(tenant.to_string()) == user.extra("tenant_id") => {}
            Some(Ok(_)) => {
                return Err(Failure::Forbidden(
                    "You do not have access to this tenant.".into(),
                ));
            }
        }
        if *method != Method::GET && role != "Dispatcher" {
            return Err(Failure::Forbidden(
                "You do not have permission to perform this action: only the Dispatcher role may update contacts.".into(),
            ));
        }
        Ok(())
    }

    fn demo_headers(&self, user: &DemoUser) -> Vec<(&'static str, String)> {
        let mut headers = vec![("Authorization", format!("Bearer {}", user.secret))];
        if let Some(tenant) = user.extra("tenant_id") {
            headers.push(("x-tenant-id", tenant));
        }
        headers
    }

    fn failure(&self, failure: Failure) -> Response {
        match failure {
            Failure::Unauthorized(m) => {
                let code = if m.contains("not provided") {
                    "not_authenticated"
                } else {
                    "authentication_failed"
                };
                detail(StatusCode::UNAUTHORIZED, code, &m)
            }
            Failure::Forbidden(m) => detail(StatusCode::FORBIDDEN, "permission_denied", &m),
            Failure::NotFound => detail(StatusCode::NOT_FOUND, "not_found", "Not found."),
            Failure::Stale => detail(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "The contact was changed since it was read.",
            ),
            Failure::Malformed(m) => detail(
                StatusCode::BAD_REQUEST,
                "parse_error",
                &format!("JSON parse error - {m}"),
            ),
            Failure::Invalid(violations) => {
                let mut errors = Map::new();
                for Violation { field, message } in &violations {
                    let list = errors.entry(field.clone()).or_insert_with(|| json!([]));
                    if let Some(list) = list.as_array_mut() {
                        list.push(json!(message));
                    }
                }
                let body = json!({"detail": Failure::describe(&violations), "code": "invalid", "errors": errors});
                (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
            }
            Failure::Refused(status, code, m) => detail(status, code, &m),
        }
    }

    fn check_update(&self, _key: &str, _stored: &Json, body: Json) -> Result<Json, Failure> {
        let Some(object) = body.as_object() else {
            return Err(Failure::Invalid(vec![Violation::new(
                "non_field_errors",
                "must be a JSON object",
            )]));
        };
        let report = check(object);
        if report.is_empty() {
            Ok(body)
        } else {
            Err(Failure::Invalid(report.0))
        }
    }

    fn apply(&self, stored: &mut Json, update: Json) {
        let Json::Object(update) = update else {
            return;
        };
        for (key, value) in update {
            let value = if key.starts_with("notify_on_") {
                flag(&value).map(Json::Bool).unwrap_or(value)
            } else {
                value
            };
            stored[key] = value;
        }
    }

    fn read_body(&self, _key: &str, record: &Json) -> Json {
        record.clone()
    }

    fn update_body(&self, _key: &str, record: &Json) -> Option<Json> {
        Some(record.clone())
    }

    fn list_item(&self, key: &str, record: &Json) -> Json {
        let mut item = record.clone();
        let customer = key.split_once('/').and_then(|(c, _)| c.parse::<u64>().ok());
        if let (Some(o), Some(customer)) = (item.as_object_mut(), customer) {
            o.insert("customer_id".into(), json!(customer));
        }
        item
    }

    fn search_fields(&self) -> SearchFields {
        SearchFields {
            names: &["name"],
            emails: &["email"],
        }
    }

    fn list_response(
        &self,
        scope: Option<&str>,
        page: Page,
        items: Vec<Json>,
        total: usize,
    ) -> Response {
        let path = match scope {
            Some(customer) => format!("/cro/customers/{customer}/contacts/"),
            None => "/cro/contacts/".to_string(),
        };
        let link = |n: usize| json!(format!("{path}?page={n}&per_page={}", page.per_page));
        let next = if page.page < page.total_pages(total) {
            link(page.page + 1)
        } else {
            Json::Null
        };
        let previous = if page.page > 1 {
            link(page.page - 1)
        } else {
            Json::Null
        };
        axum::Json(json!({"count": total, "next": next, "previous": previous, "results": items}))
            .into_response()
    }

    fn finish(&self, response: &mut Response) {
        if let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
            response.headers_mut().insert("x-request-id", id);
        }
    }
}
