//! ServiceDesk contacts (../shared/vendor-docs/004_80e5b959a22571f5.txt): bearer token,
//! `PUT /api/contact/{id}` replacing the whole contact (a field left out is cleared), the body's
//! `id` equal to the URI's, the page's required fields and lengths, `modified_dateutc` set by
//! the server, and a success with no body.
//! Not on the page, so the sandbox's own: error bodies in the style of the ASP.NET Web API the
//! page comes from (`{"Message", "ModelState"}`), and `GET /api/contact` (paged, root array,
//! total in `X-Total-Count`).

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodFilter;
use serde_json::{Map, Value as Json, json};

use super::api::{Desk, Failure, Page};
use super::checks::{Report, Violation, is_offset_datetime, now_dotnet};
use super::demo::DemoUser;
use super::search::SearchFields;

/// Every documented field of the contact, in the page's order, with its maximum length.
const FIELDS: [(&str, Option<usize>); 24] = [
    ("id", None),
    ("firstname", Some(50)),
    ("lastname", Some(50)),
    ("company_id", None),
    ("company_code", None),
    ("company", None),
    ("db_language_id", None),
    ("db_language_code", None),
    ("db_title_id", None),
    ("archived", None),
    ("functions", Some(64)),
    ("e_login", Some(50)),
    ("e_password", Some(50)),
    ("notes", None),
    ("birthdate", None),
    ("create_date", None),
    ("phone", Some(50)),
    ("mobile", Some(50)),
    ("email", Some(250)),
    ("skype", Some(250)),
    ("private_phone", Some(50)),
    ("private_mobile", Some(50)),
    ("private_email", Some(250)),
    ("reference_back_office", Some(50)),
];
const GUIDS: [&str; 4] = ["id", "company_id", "db_language_id", "db_title_id"];

pub struct ServiceDesk;

fn message(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(json!({"Message": text}))).into_response()
}

fn present(body: &Map<String, Json>, key: &str) -> bool {
    match body.get(key) {
        None | Some(Json::Null) => false,
        Some(Json::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

fn check(uri_id: &str, body: &Map<String, Json>) -> Report {
    let mut report = Report::default();
    let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
    // The page lists modified_dateutc among the body parameters (its sample sends it) as a
    // read-only system field: it is accepted and ignored, and `apply` sets it.
    let mut names = names;
    names.push("modified_dateutc");
    report.only_keys("contact", body, &names, &[]);
    match body.get("id").and_then(Json::as_str) {
        None => report.add("contact.id", "The id field is required."),
        Some(id) if !id.eq_ignore_ascii_case(uri_id) => report.add(
            "contact.id",
            format!("must equal the id in the URI ({uri_id})"),
        ),
        Some(_) => {}
    }
    if !present(body, "lastname") {
        report.add("contact.lastname", "The lastname field is required.");
    }
    if !["company_id", "company_code", "company"]
        .iter()
        .any(|k| present(body, k))
    {
        report.add(
            "contact.company",
            "company_id, company_code or company must be provided.",
        );
    }
    for (key, max) in FIELDS {
        let Some(value) = body.get(key) else {
            continue;
        };
        let field = format!("contact.{key}");
        // The page never shows null; under a full replace a member left out is cleared.
        if value.is_null() {
            report.add(&field, "may not be null: leave the member out to clear it");
            continue;
        }
        match key {
            "archived" => {
                if !value.is_boolean() {
                    report.add(&field, "must be true or false");
                }
            }
            "company" => {
                if !value.is_object() {
                    report.add(&field, "must be a company object");
                }
            }
            _ => {
                let Some(text) = report.string(&field, value, false) else {
                    continue;
                };
                if let Some(max) = max {
                    report.length(&field, text, 0, max);
                }
                if GUIDS.contains(&key) {
                    report.guid(&field, text);
                }
                if (key == "birthdate" || key == "create_date") && !is_offset_datetime(text) {
                    report.add(
                        &field,
                        "is not a valid date: write an ISO 8601 date-time with an offset, \
                         e.g. 2026-04-24T10:59:50+00:00",
                    );
                }
            }
        }
    }
    report
}

impl Desk for ServiceDesk {
    fn id(&self) -> &'static str {
        "servicedesk"
    }

    fn item_routes(&self) -> &'static [&'static str] {
        &["/api/contact/{id}"]
    }

    fn list_routes(&self) -> &'static [&'static str] {
        &["/api/contact"]
    }

    fn update_method(&self) -> MethodFilter {
        MethodFilter::PUT
    }

    /// GUIDs compare without regard to case.
    fn key(&self, params: &[String]) -> String {
        params.join("/").to_ascii_lowercase()
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
            _ => Err(Failure::Unauthorized(
                "Authorization has been denied for this request.".into(),
            )),
        }
    }

    fn demo_headers(&self, user: &DemoUser) -> Vec<(&'static str, String)> {
        vec![("Authorization", format!("Bearer {}", user.secret))]
    }

    fn failure(&self, failure: Failure) -> Response {
        match failure {
            Failure::Unauthorized(m) => message(StatusCode::UNAUTHORIZED, &m),
            Failure::Forbidden(m) => message(StatusCode::FORBIDDEN, &m),
            Failure::NotFound => message(
                StatusCode::NOT_FOUND,
                "No contact found with the specified key.",
            ),
            Failure::Stale => message(
                StatusCode::PRECONDITION_FAILED,
                "The contact was modified since it was read.",
            ),
            Failure::Malformed(m) => message(
                StatusCode::BAD_REQUEST,
                &format!("The request is invalid: {m}"),
            ),
            Failure::Invalid(violations) => {
                let mut state = Map::new();
                for Violation { field, message } in &violations {
                    let list = state.entry(field.clone()).or_insert_with(|| json!([]));
                    if let Some(list) = list.as_array_mut() {
                        list.push(json!(message));
                    }
                }
                let body = json!({
                    "Message": format!("The request is invalid: {}", Failure::describe(&violations)),
                    "ModelState": state
                });
                (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
            }
            Failure::Refused(status, _, m) => message(status, &m),
        }
    }

    fn check_update(&self, key: &str, _stored: &Json, body: Json) -> Result<Json, Failure> {
        let Some(object) = body.as_object() else {
            return Err(Failure::Invalid(vec![Violation::new(
                "contact",
                "must be a JSON object",
            )]));
        };
        let report = check(key, object);
        if report.is_empty() {
            Ok(body)
        } else {
            Err(Failure::Invalid(report.0))
        }
    }

    /// A full replace: every documented field takes the body's value, or null when left out.
    fn apply(&self, stored: &mut Json, update: Json) {
        let mut record = Map::new();
        for (key, _) in FIELDS {
            let value = if key == "id" {
                stored["id"].clone()
            } else {
                update.get(key).cloned().unwrap_or(Json::Null)
            };
            record.insert(key.to_string(), value);
        }
        record.insert("modified_dateutc".into(), json!(now_dotnet()));
        *stored = Json::Object(record);
    }

    fn read_body(&self, _key: &str, record: &Json) -> Json {
        record.clone()
    }

    /// "IHttpActionResult": no documented body.
    fn update_body(&self, _key: &str, _record: &Json) -> Option<Json> {
        None
    }

    fn search_fields(&self) -> SearchFields {
        SearchFields {
            names: &["firstname", "lastname"],
            emails: &["email", "private_email"],
        }
    }

    fn list_response(
        &self,
        _scope: Option<&str>,
        _page: Page,
        items: Vec<Json>,
        total: usize,
    ) -> Response {
        let mut response = axum::Json(items).into_response();
        response
            .headers_mut()
            .insert("x-total-count", HeaderValue::from(total));
        response
    }
}
