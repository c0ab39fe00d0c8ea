//! Clemta, as its page describes it (../shared/vendor-docs/000_e7da66e6512026e3.txt):
//! `X-API-Key`, `PATCH /contacts/{contact_id}`, the `{success, message, data, error}` envelope,
//! epoch-second timestamps. The list endpoint is not on the page; the sandbox pages it with
//! `page`/`per_page` in the same envelope.

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodFilter;
use serde_json::{Value as Json, json};

use super::api::{Desk, Failure, Page};
use super::checks::{Report, now_epoch};
use super::demo::DemoUser;
use super::search::SearchFields;

const FIELDS: [&str; 9] = [
    "type",
    "full_name",
    "email",
    "company_id",
    "status",
    "description",
    "cc_emails",
    "bcc_emails",
    "billing",
];
const READ_ONLY: [&str; 3] = ["id", "created_at", "updated_at"];
const BILLING: [&str; 12] = [
    "email",
    "phone",
    "phone_code",
    "iso_code",
    "country",
    "address_1",
    "address_2",
    "postal_code",
    "district",
    "state",
    "province",
    "tax_id",
];

pub struct Clemta;

fn envelope(status: StatusCode, message: &str, code: &str, details: &str) -> Response {
    let body = json!({"success": false, "message": message, "data": null, "error": {"code": code, "details": details}});
    (status, axum::Json(body)).into_response()
}

fn email_array(report: &mut Report, field: &str, value: &Json) {
    let Some(items) = value.as_array() else {
        report.add(field, "must be an array of e-mail addresses");
        return;
    };
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(text) => report.email(&format!("{field}[{i}]"), text, false),
            None => report.add(&format!("{field}[{i}]"), "must be an e-mail address string"),
        }
    }
}

impl Desk for Clemta {
    fn id(&self) -> &'static str {
        "clemta"
    }

    fn item_routes(&self) -> &'static [&'static str] {
        &["/contacts/{contact_id}"]
    }

    fn list_routes(&self) -> &'static [&'static str] {
        &["/contacts"]
    }

    fn update_method(&self) -> MethodFilter {
        MethodFilter::PATCH
    }

    fn authorize(
        &self,
        user: &DemoUser,
        _method: &Method,
        headers: &HeaderMap,
    ) -> Result<(), Failure> {
        match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
            Some(key) if key == user.secret => Ok(()),
            Some(_) => Err(Failure::Unauthorized("Invalid API key".into())),
            None => Err(Failure::Unauthorized("Missing API key".into())),
        }
    }

    fn demo_headers(&self, user: &DemoUser) -> Vec<(&'static str, String)> {
        vec![("X-API-Key", user.secret.clone())]
    }

    fn failure(&self, failure: Failure) -> Response {
        match failure {
            Failure::Unauthorized(details) => envelope(
                StatusCode::UNAUTHORIZED,
                "Unauthorized - Invalid or missing API key",
                "UNAUTHORIZED",
                &details,
            ),
            Failure::Forbidden(details) => {
                envelope(StatusCode::FORBIDDEN, "Forbidden", "FORBIDDEN", &details)
            }
            Failure::NotFound => {
                envelope(StatusCode::NOT_FOUND, "Contact not found", "NOT_FOUND", "")
            }
            Failure::Stale => envelope(
                StatusCode::PRECONDITION_FAILED,
                "Contact was changed since it was read",
                "PRECONDITION_FAILED",
                "If-Match does not match the current ETag",
            ),
            Failure::Malformed(details) => envelope(
                StatusCode::BAD_REQUEST,
                "Invalid request data",
                "INVALID_JSON",
                &details,
            ),
            Failure::Invalid(violations) => envelope(
                StatusCode::BAD_REQUEST,
                "Invalid request data",
                "VALIDATION_ERROR",
                &Failure::describe(&violations),
            ),
            Failure::Refused(status, code, message) => envelope(status, &message, code, ""),
        }
    }

    fn check_update(&self, _key: &str, _stored: &Json, body: Json) -> Result<Json, Failure> {
        let Some(object) = body.as_object() else {
            return Err(Failure::Invalid(vec![super::checks::Violation::new(
                "(body)",
                "must be a JSON object",
            )]));
        };
        let mut report = Report::default();
        report.only_keys("", object, &FIELDS, &READ_ONLY);
        for (key, value) in object {
            match key.as_str() {
                "type" => {
                    if let Some(t) = report.string("type", value, false) {
                        report.one_of("type", t, &["customer", "vendor"]);
                    }
                }
                "email" => {
                    if let Some(t) = report.string("email", value, false) {
                        report.email("email", t, true);
                    }
                }
                "full_name" | "company_id" | "status" | "description" => {
                    report.string(key, value, false);
                }
                "cc_emails" | "bcc_emails" => email_array(&mut report, key, value),
                "billing" => match value.as_object() {
                    None => report.add("billing", "must be an object"),
                    Some(billing) => {
                        report.only_keys("billing", billing, &BILLING, &[]);
                        for (member, v) in billing {
                            let name = format!("billing.{member}");
                            if let Some(t) = report.string(&name, v, false)
                                && member == "email"
                            {
                                report.email(&name, t, true);
                            }
                        }
                    }
                },
                _ => {}
            }
        }
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
            match (key.as_str(), value) {
                ("billing", Json::Object(members)) => {
                    if !stored["billing"].is_object() {
                        stored["billing"] = json!({});
                    }
                    for (m, v) in members {
                        stored["billing"][m] = v;
                    }
                }
                (_, value) => stored[key] = value,
            }
        }
        let previous = stored["updated_at"].as_i64().unwrap_or(0);
        stored["updated_at"] = json!(now_epoch().max(previous + 1));
    }

    fn read_body(&self, _key: &str, record: &Json) -> Json {
        json!({"success": true, "message": "Contact retrieved successfully", "data": visible(record)})
    }

    fn update_body(&self, _key: &str, record: &Json) -> Option<Json> {
        Some(
            json!({"success": true, "message": "Contact updated successfully", "data": visible(record)}),
        )
    }

    fn search_fields(&self) -> SearchFields {
        SearchFields {
            names: &["full_name"],
            emails: &["email", "billing.email"],
        }
    }

    fn list_response(
        &self,
        _scope: Option<&str>,
        page: Page,
        items: Vec<Json>,
        total: usize,
    ) -> Response {
        let data: Vec<Json> = items.iter().map(visible).collect();
        axum::Json(json!({
            "success": true, "message": "Contacts retrieved successfully", "data": data,
            "pagination": {"page": page.page, "per_page": page.per_page, "total": total, "total_pages": page.total_pages(total), "next_cursor": page.next_cursor}
        }))
        .into_response()
    }
}

/// The page's response shows no `company_id`: the update takes it, reads do not return it.
fn visible(record: &Json) -> Json {
    let mut shown = record.clone();
    if let Some(o) = shown.as_object_mut() {
        o.shift_remove("company_id");
    }
    shown
}
