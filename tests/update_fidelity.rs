//! What the client sends for the pages' finer rules: date-times with an offset, trimmed
//! countries, response-only members kept out, and servicedesk's full replace without nulls,
//! which the sandbox (checking on its own) then accepts.

mod common;

use common::http::start;
use common::{form, set, spec};
use reqwest::{Method, StatusCode};
use rolo::edit::{BuildError, Form, Rule, Value};
use serde_json::{Value as Json, json};

const SERVICEDESK_ID: &str = "93498506-9dde-4593-b844-e3c51c0e2bc2";

#[test]
fn datetimes_without_an_offset_are_sent_as_utc_and_reviewed_so() {
    let mut f = form("servicedesk", SERVICEDESK_ID);
    set(&mut f, "birthdate", "2026-04-24 10:59:50");
    let update = f.build_update().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(update.body["birthdate"], json!("2026-04-24T10:59:50+00:00"));
    let change = update
        .changes
        .iter()
        .find(|c| c.field == "birthdate")
        .unwrap();
    assert_eq!(change.after, Value::text("2026-04-24T10:59:50+00:00"));

    set(&mut f, "birthdate", "1980-05-17");
    let body = f.build_update().unwrap().body;
    assert_eq!(body["birthdate"], json!("1980-05-17T00:00:00+00:00"));

    set(&mut f, "birthdate", "2026-04-24T10:59:50-05:00");
    let body = f.build_update().unwrap().body;
    assert_eq!(body["birthdate"], json!("2026-04-24T10:59:50-05:00"));
}

#[test]
fn an_unchanged_datetime_read_without_an_offset_is_sent_with_one() {
    let mut record = common::seed("servicedesk", SERVICEDESK_ID);
    record["birthdate"] = json!("1980-05-17T00:00:00");
    let mut f = Form::from_record(spec("servicedesk"), record);
    set(&mut f, "firstname", "Annabel");
    let body = f.build_update().unwrap().body;
    assert_eq!(body["birthdate"], json!("1980-05-17T00:00:00+00:00"));
    assert_eq!(
        body["create_date"],
        json!("2026-04-24T10:59:50.6554761+00:00")
    );
}

#[test]
fn countries_are_sent_trimmed() {
    let mut f = form("contactreg", "1941877");
    set(&mut f, "birthCountry", " AU ");
    let update = f.build_update().unwrap();
    assert_eq!(update.body, json!({"birthCountry": "AU"}));
    assert_eq!(update.changes[0].after, Value::text("AU"));
}

#[test]
fn exsited_last_name_is_shown_read_only_as_response_only() {
    let spec = spec("exsited");
    let field = spec.field("last_name").unwrap();
    assert_eq!(
        field.read_only.as_deref(),
        Some("response-only on the vendor's page")
    );
    let mut f = form("exsited", "ACC-1001/CONTACT_1");
    let i = f.index("last_name").unwrap();
    let err = f.set_text(i, "Other").unwrap_err();
    assert!(err.to_string().contains("response-only"), "{err}");
    set(&mut f, "first_name", "Liam J.");
    let body = f.build_update().unwrap().body;
    assert!(body["account"]["contact"].get("last_name").is_none());
}

#[test]
fn a_datetime_that_is_not_one_is_refused_with_a_hint() {
    let mut f = form("servicedesk", SERVICEDESK_ID);
    let i = f.index("birthdate").unwrap();
    // The form takes the text; the build refuses it, naming the field and the shape.
    let _ = f.set_text(i, "24.04.2026 10:59");
    match f.build_update() {
        Err(BuildError::Invalid(issues)) => {
            let issue = issues
                .iter()
                .find(|i| i.field.as_deref() == Some("birthdate"))
                .unwrap();
            assert!(matches!(issue.rule, Rule::Kind(_)));
            assert!(issue.message.contains("+00:00"), "{}", issue.message);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A generated servicedesk contact reads with nulls; rolo's full replace of it leaves them out
/// and the sandbox, which refuses null like a validating proxy of the page, accepts it.
#[tokio::test]
async fn a_generated_servicedesk_contact_can_be_updated() {
    let api = start(None).await;
    let listed = api
        .get("servicedesk", "/api/contact?page=2&per_page=1")
        .await
        .json();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/contact/{id}");
    let record = api.get("servicedesk", &path).await.json();
    assert!(
        record.as_object().unwrap().values().any(Json::is_null),
        "a generated contact has empty members"
    );
    let mut f = Form::from_record(spec("servicedesk"), record);
    set(&mut f, "notes", "updated through rolo's body");
    set(&mut f, "birthdate", "1990-01-02 03:04");
    let body = f.build_update().unwrap_or_else(|e| panic!("{e}")).body;
    assert!(
        !body.as_object().unwrap().values().any(Json::is_null),
        "{}",
        body.json
    );
    let reply = api
        .call(
            "servicedesk",
            Method::PUT,
            &path,
            &[],
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let stored = api.get("servicedesk", &path).await.json();
    assert_eq!(stored["notes"], "updated through rolo's body");
    assert_eq!(stored["birthdate"], "1990-01-02T03:04:00+00:00");
}

/// `[reference.types]` is data: a type for a placeholder the template lacks, or a type rolo
/// does not know, is refused with the spec's line.
#[test]
fn reference_types_are_checked_when_the_spec_loads() {
    let head = r#"id = "typed"
name = "Typed"
semantics = "partial"
[reference]
template = "{customer_id}/{id}"
[reference.types]
"#;
    let tail = r#"[[auth]]
header = "X-Key"
value = "{secret}"
[read]
method = "GET"
path = "/c/{customer_id}/{id}"
[update]
method = "PATCH"
path = "/c/{customer_id}/{id}"
[[fields]]
name = "name"
kind = "text"
"#;
    let load = |types: &str| rolo::spec::parse_spec("typed.toml", &format!("{head}{types}{tail}"));
    let spec = load("customer_id = \"integer\"\nid = \"guid\"\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        spec.reference_types.get("customer_id"),
        Some(&rolo::spec::ParamType::Integer)
    );
    let err = load("contact = \"integer\"\n").unwrap_err().to_string();
    assert!(err.starts_with("typed.toml:7:"), "{err}");
    assert!(err.contains("{contact}"), "{err}");
    let err = load("id = \"uuid\"\n").unwrap_err().to_string();
    assert!(err.contains("unknown reference type \"uuid\""), "{err}");
}
