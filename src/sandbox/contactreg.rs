//! The contact register (../shared/vendor-docs/002_ca4c3d203a80a2bf.txt): `Authorization: TOKEN`
//! (no scheme), `PATCH /contacts/{contactId}`, partial ("any missing details will NOT be
//! updated"), fields allowed by `contactType`, no update of a Joint Member, the full record in
//! the reply with nulls and, for People, a `name` derived from the person's names.
//! Not on the page, so the sandbox's own: the error body `{code, message, errors: [...]}`, the
//! set of existing address ids, and `GET /contacts` (paged, total in `X-Total-Count`).

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodFilter;
use serde_json::{Value as Json, json};

use super::api::{Desk, Failure, Page};
use super::checks::{Report, Violation};
use super::demo::DemoUser;
use super::search::SearchFields;

/// Address ids the sandbox treats as existing ("Must be a valid existing addressId").
pub const ADDRESS_IDS: [i64; 4] = [1675073, 1675074, 1675075, 1675076];

const PERSON: [&str; 11] = [
    "firstName",
    "middleName",
    "lastName",
    "addressId",
    "title",
    "sex",
    "birthday",
    "birthPlace",
    "birthState",
    "birthCountry",
    "skype",
];
const COMPANY: [&str; 3] = [
    "businessNumber",
    "placeOfIncorporation",
    "incorporationDate",
];
const ANYONE: [&str; 5] = ["email", "mobile", "phone1", "phone2", "taxNumber"];
const READ_ONLY: [&str; 5] = [
    "id",
    "contactType",
    "companyNumber",
    "nationality",
    "representativeIds",
];
const BIRTH_STATES: [&str; 9] = [
    "ACT", "NSW", "VIC", "QLD", "SA", "WA", "TAS", "NT", "Foreign",
];

pub struct ContactReg;

fn error(status: StatusCode, code: &str, message: &str, errors: &[Violation]) -> Response {
    let errors: Vec<Json> = errors
        .iter()
        .map(|v| json!({"field": v.field, "message": v.message}))
        .collect();
    (
        status,
        axum::Json(json!({"code": code, "message": message, "errors": errors})),
    )
        .into_response()
}

/// ISO 3166 code or English name (any case, accents, the standard's "Korea, Republic of"
/// order). The sandbox reads the standard through `celes` with a matcher of its own, not
/// through rolo's country check.
fn is_country(text: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let key = |s: &str| -> String {
        s.nfkd()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let mut keys = vec![text.trim().to_string(), key(text)];
    if let Some((head, tail)) = text.split_once(',') {
        keys.push(key(&format!("{tail}{head}")));
    }
    keys.iter()
        .any(|k| !k.is_empty() && k.parse::<celes::Country>().is_ok())
}

/// Whether a contact of this type may set this key.
fn allowed(kind: &str, key: &str) -> bool {
    ANYONE.contains(&key)
        || (kind == "People" && PERSON.contains(&key))
        || (kind == "Company" && COMPANY.contains(&key))
        || ((kind == "Company" || kind == "Other Entity") && key == "name")
}

fn check(kind: &str, body: &serde_json::Map<String, Json>) -> Report {
    let mut report = Report::default();
    for key in body.keys() {
        let k = key.as_str();
        if READ_ONLY.contains(&k) {
            report.add(k, "is read-only and cannot be updated");
        } else if k == "name" && kind == "People" {
            report.add(
                k,
                "is only allowed if the contactType is 'Company'/'Other Entity'",
            );
        } else if PERSON.contains(&k) && kind != "People" {
            report.add(k, "is only allowed if the contactType is 'People'");
        } else if COMPANY.contains(&k) && kind != "Company" {
            report.add(k, "is only allowed if the contactType is 'Company'");
        } else if !allowed(kind, k) {
            report.add(k, "is not a field of a contact");
        }
    }
    for (key, value) in body {
        let k = key.as_str();
        if !allowed(kind, k) {
            continue;
        }
        if k == "addressId" {
            match value {
                Json::Null => {}
                Json::Number(n) => {
                    if !n.as_i64().is_some_and(|id| ADDRESS_IDS.contains(&id)) {
                        report.add(k, "must be a valid existing addressId");
                    }
                }
                _ => report.add(k, "must be a number"),
            }
            continue;
        }
        let Some(text) = report.string(k, value, true) else {
            continue;
        };
        match k {
            "sex" => report.one_of(k, text, &["Male", "Female"]),
            "birthState" => report.one_of(k, text, &BIRTH_STATES),
            "birthday" | "incorporationDate" if !text.is_empty() => report.date(k, text),
            "birthCountry" | "placeOfIncorporation" if text.trim() != text => {
                report.add(k, "must not begin or end with spaces")
            }
            "birthCountry" | "placeOfIncorporation" if !text.is_empty() && !is_country(text) => {
                report.add(k, "must be an ISO 3166 country code or name")
            }
            "email" => report.email(k, text, true),
            _ => {}
        }
    }
    report
}

impl Desk for ContactReg {
    fn id(&self) -> &'static str {
        "contactreg"
    }

    fn item_routes(&self) -> &'static [&'static str] {
        &["/contacts/{contactId}"]
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
        match headers.get("authorization").and_then(|v| v.to_str().ok()) {
            Some(token) if token == user.secret => Ok(()),
            Some(_) => Err(Failure::Unauthorized("Invalid token".into())),
            None => Err(Failure::Unauthorized("Missing Authorization header".into())),
        }
    }

    fn demo_headers(&self, user: &DemoUser) -> Vec<(&'static str, String)> {
        vec![("Authorization", user.secret.clone())]
    }

    fn failure(&self, failure: Failure) -> Response {
        match failure {
            Failure::Unauthorized(m) => error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", &m, &[]),
            Failure::Forbidden(m) => error(StatusCode::FORBIDDEN, "FORBIDDEN", &m, &[]),
            Failure::NotFound => {
                error(StatusCode::NOT_FOUND, "NOT_FOUND", "Contact not found", &[])
            }
            Failure::Stale => error(
                StatusCode::PRECONDITION_FAILED,
                "PRECONDITION_FAILED",
                "The contact was changed since it was read",
                &[],
            ),
            Failure::Malformed(m) => error(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                &format!("Malformed JSON: {m}"),
                &[],
            ),
            Failure::Invalid(v) => error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                &Failure::describe(&v),
                &v,
            ),
            Failure::Refused(status, code, m) => error(status, code, &m, &[]),
        }
    }

    fn check_update(&self, _key: &str, stored: &Json, body: Json) -> Result<Json, Failure> {
        let kind = stored["contactType"].as_str().unwrap_or_default();
        if kind == "Joint Member" {
            return Err(Failure::Refused(
                StatusCode::BAD_REQUEST,
                "JOINT_MEMBER",
                "contactType cannot be 'Joint Member': a Joint Member contact cannot be updated"
                    .into(),
            ));
        }
        let Some(object) = body.as_object() else {
            return Err(Failure::Invalid(vec![Violation::new(
                "(body)",
                "must be a JSON object",
            )]));
        };
        // The page's own example request sends the whole record back: keys that change nothing
        // (a read-only or not-allowed key with the stored value, or null/"" for a field this
        // contact type does not have) are passed over rather than refused.
        let changes: serde_json::Map<String, Json> = object
            .iter()
            .filter(|(k, v)| allowed(kind, k) || stored.get(k.as_str()) != Some(*v))
            .filter(|(k, v)| allowed(kind, k) || !(v.is_null() || v.as_str() == Some("")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let report = check(kind, &changes);
        if report.is_empty() {
            Ok(Json::Object(changes))
        } else {
            Err(Failure::Invalid(report.0))
        }
    }

    fn apply(&self, stored: &mut Json, update: Json) {
        let Json::Object(update) = update else {
            return;
        };
        for (key, value) in update {
            stored[key] = value;
        }
        if stored["contactType"] == "People" {
            let name: Vec<&str> = ["firstName", "middleName", "lastName"]
                .iter()
                .filter_map(|k| stored[*k].as_str())
                .filter(|s| !s.is_empty())
                .collect();
            stored["name"] = json!(name.join(" "));
        }
    }

    fn read_body(&self, _key: &str, record: &Json) -> Json {
        record.clone()
    }

    fn update_body(&self, _key: &str, record: &Json) -> Option<Json> {
        Some(record.clone())
    }

    fn search_fields(&self) -> SearchFields {
        SearchFields {
            names: &["name", "firstName", "middleName", "lastName"],
            emails: &["email"],
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
