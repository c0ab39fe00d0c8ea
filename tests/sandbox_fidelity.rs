//! The sandbox's own checks of the pages' finer rules (../shared/vendor-docs/): e-mail domains
//! that are host names, date-times with an offset, trimmed countries, response-only members,
//! and servicedesk's full replace without nulls. Each case is a 400 naming the field, next to
//! a near value that is accepted.

mod common;

use common::http::{Api, start};
use reqwest::{Method, StatusCode};
use serde_json::{Value as Json, json};

const CLEMTA: &str = "/contacts/64b8f1a2e4b0c8d9f0123456";
const EXSITED: &str = "/api/v3/accounts/ACC-1001/contacts/CONTACT_1";
const CONTACTREG: &str = "/contacts/1941877";
const CRO: &str = "/customers/1001/contacts/5001/";
const SERVICEDESK_ID: &str = "93498506-9dde-4593-b844-e3c51c0e2bc2";

async fn send(api: &Api, vendor: &str, path: &str, body: &Json) -> common::http::Reply {
    let verb = match vendor {
        "exsited" | "servicedesk" => Method::PUT,
        _ => Method::PATCH,
    };
    api.call(vendor, verb, path, &[], Some(&body.to_string()))
        .await
}

/// The seeded servicedesk contact as a valid full-replace body, changed by `change`.
fn servicedesk_body(change: impl FnOnce(&mut Json)) -> Json {
    let mut record = common::seed("servicedesk", SERVICEDESK_ID);
    let members = record.as_object_mut().unwrap();
    members.shift_remove("modified_dateutc");
    members.retain(|_, v| !v.is_null());
    change(&mut record);
    record
}

/// Asserts a 400 whose body names `field`.
fn assert_refused(reply: &common::http::Reply, field: &str, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{what}: {}",
        reply.text
    );
    assert!(reply.text.contains(field), "{what}: {}", reply.text);
}

#[tokio::test]
async fn email_domains_must_be_host_names_in_every_email_kind() {
    let api = start(None).await;
    // (vendor, path, body with {addr} in every e-mail place, field named in the refusal)
    let cases: [(&str, &str, &str, &str); 6] = [
        ("clemta", CLEMTA, r#"{"email":"{addr}"}"#, "email"),
        (
            "clemta",
            CLEMTA,
            r#"{"cc_emails":["ok@example.com","{addr}"]}"#,
            "cc_emails[1]",
        ),
        (
            "clemta",
            CLEMTA,
            r#"{"billing":{"email":"{addr}"}}"#,
            "billing.email",
        ),
        (
            "exsited",
            EXSITED,
            r#"{"account":{"contact":{"email":{"address":"{addr}"}}}}"#,
            "email.address",
        ),
        ("contactreg", CONTACTREG, r#"{"email":"{addr}"}"#, "email"),
        (
            "cro",
            CRO,
            r#"{"email":"ok@example.com,\n {addr}"}"#,
            "email",
        ),
    ];
    for (vendor, path, template, field) in cases {
        let body = |addr: &str| -> Json {
            serde_json::from_str(&template.replace("{addr}", addr)).unwrap()
        };
        let ok = send(&api, vendor, path, &body("a@ex-ample.com")).await;
        assert_eq!(ok.status, StatusCode::OK, "{vendor} {field}: {}", ok.text);
        for bad in ["a@ex_ample.com", "a@-example.com", "a@example-.com"] {
            let reply = send(&api, vendor, path, &body(bad)).await;
            assert_refused(&reply, field, &format!("{vendor} {field} {bad}"));
        }
    }
}

#[tokio::test]
async fn servicedesk_dates_need_an_offset_and_its_seeds_carry_one() {
    let api = start(None).await;
    let path = format!("/api/contact/{SERVICEDESK_ID}");
    let seeded = api.get("servicedesk", &path).await.json();
    for key in ["birthdate", "create_date", "modified_dateutc"] {
        let text = seeded[key].as_str().unwrap_or_else(|| panic!("{key}"));
        assert!(
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .is_ok(),
            "{key}: {text}"
        );
    }
    for good in [
        "2026-04-24T10:59:50.6554761+00:00",
        "2026-04-24T10:59:50+02:00",
        "1980-05-17T00:00:00Z",
    ] {
        let body = servicedesk_body(|r| r["birthdate"] = json!(good));
        let reply = send(&api, "servicedesk", &path, &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{good}: {}", reply.text);
    }
    for bad in [
        "2026-04-24 10:59:50",
        "1980-05-17T00:00:00",
        "1980-05-17",
        "17.05.1980",
    ] {
        for key in ["birthdate", "create_date"] {
            let body = servicedesk_body(|r| r[key] = json!(bad));
            let reply = send(&api, "servicedesk", &path, &body).await;
            assert_refused(&reply, &format!("contact.{key}"), bad);
        }
    }
}

#[tokio::test]
async fn servicedesk_refuses_null_members_and_clears_left_out_ones() {
    let api = start(None).await;
    let path = format!("/api/contact/{SERVICEDESK_ID}");
    for key in ["firstname", "birthdate", "company", "archived"] {
        let body = servicedesk_body(|r| r[key] = Json::Null);
        let reply = send(&api, "servicedesk", &path, &body).await;
        assert_refused(&reply, &format!("contact.{key}"), key);
    }
    let body = servicedesk_body(|r| {
        r.as_object_mut().unwrap().shift_remove("firstname");
    });
    let reply = send(&api, "servicedesk", &path, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let stored = api.get("servicedesk", &path).await.json();
    assert_eq!(stored["firstname"], Json::Null);
}

#[tokio::test]
async fn contactreg_refuses_untrimmed_countries() {
    let api = start(None).await;
    for key in ["birthCountry"] {
        let ok = send(&api, "contactreg", CONTACTREG, &json!({ key: "AU" })).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        for bad in [" AU", "AU ", " Australia "] {
            let reply = send(&api, "contactreg", CONTACTREG, &json!({ key: bad })).await;
            assert_refused(&reply, key, bad);
        }
    }
}

#[tokio::test]
async fn exsited_last_name_is_response_only() {
    let api = start(None).await;
    let seeded = api.get("exsited", EXSITED).await.json();
    assert!(seeded["account"]["contacts"]["last_name"].is_string());
    let body = json!({"account": {"contact": {"last_name": "Other"}}});
    let reply = send(&api, "exsited", EXSITED, &body).await;
    assert_refused(&reply, "last_name", "last_name");
    let after = api.get("exsited", EXSITED).await.json();
    assert_eq!(
        after["account"]["contacts"]["last_name"],
        seeded["account"]["contacts"]["last_name"]
    );
}
