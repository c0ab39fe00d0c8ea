//! The sandbox over real HTTP: every vendor's read, update, list, auth, rules, errors,
//! ETags, faults and state file. The expectations come from the vendors' pages
//! (../shared/vendor-docs/) and PRODUCT.md's fixtures table.

mod common;

use common::http::{Api, start};
use reqwest::{Method, StatusCode};
use serde_json::{Value as Json, json};

const CLEMTA: &str = "/contacts/64b8f1a2e4b0c8d9f0123456";
const EXSITED: &str = "/api/v3/accounts/ACC-1001/contacts/CONTACT_1";
const CONTACTREG: &str = "/contacts/1941877";
const CRO: &str = "/customers/1001/contacts/5001/";
const SERVICEDESK: &str = "/api/contact/93498506-9dde-4593-b844-e3c51c0e2bc2";

/// Each vendor's seed contact path and update method.
const ITEMS: [(&str, &str, &str); 5] = [
    ("clemta", CLEMTA, "PATCH"),
    ("exsited", EXSITED, "PUT"),
    ("contactreg", CONTACTREG, "PATCH"),
    ("cro", CRO, "PATCH"),
    ("servicedesk", SERVICEDESK, "PUT"),
];

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap()
}

/// A valid update body for each vendor's seed contact.
fn good_update(vendor: &str) -> String {
    match vendor {
        "clemta" => r#"{"full_name":"John Q. Doe"}"#.into(),
        "exsited" => r#"{"account":{"contact":{"first_name":"Liam J."}}}"#.into(),
        "contactreg" => r#"{"title":"Mr"}"#.into(),
        "cro" => r#"{"name":"Dispatch Desk 2"}"#.into(),
        _ => {
            let mut record = common::seed("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2");
            record
                .as_object_mut()
                .unwrap()
                .shift_remove("modified_dateutc");
            record["firstname"] = json!("Annabel");
            record.to_string()
        }
    }
}

async fn update(api: &Api, vendor: &str, body: &str) -> common::http::Reply {
    let (_, path, verb) = ITEMS.iter().find(|(v, _, _)| *v == vendor).unwrap();
    api.call(vendor, method(verb), path, &[], Some(body)).await
}

// ---- reads ----

#[tokio::test]
async fn reads_return_each_vendors_shape_and_an_etag() {
    let api = start(None).await;
    let clemta = api.get("clemta", CLEMTA).await;
    assert_eq!(clemta.status, StatusCode::OK);
    let body = clemta.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["data"]["full_name"], "John Doe");
    assert_eq!(body["data"]["created_at"], 1640995200);
    assert_eq!(body["data"]["billing"]["address_1"], "123 Main Street");

    let exsited = api.get("exsited", EXSITED).await.json();
    assert_eq!(exsited["account"]["id"], "ACC-1001");
    let contact = &exsited["account"]["contacts"];
    assert_eq!(
        contact["salutation"],
        json!({"id": 1, "name": "Mr.", "link": "/api/v3/salutations/1"})
    );
    assert_eq!(contact["phone"]["full"], "+61 2 92550000");
    assert_eq!(contact["billing_contact"], "true");

    let cro = api.get("cro", CRO).await;
    let request_id = cro.header("x-request-id").expect("x-request-id");
    assert!(uuid::Uuid::parse_str(request_id).is_ok(), "{request_id}");
    assert_eq!(cro.json()["id"], 5001);

    let sd = api.get("servicedesk", SERVICEDESK).await.json();
    assert_eq!(sd["company"]["id"], "b2f64bc6-ec41-48d0-814f-e2e71de0ad85");
    for (key, value) in sd.as_object().unwrap() {
        assert!(!value.is_null(), "servicedesk seed leaves {key} empty");
    }

    for (vendor, path, _) in ITEMS {
        let reply = api.get(vendor, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{vendor}");
        assert_eq!(reply.header("etag"), Some("\"1\""), "{vendor}");
    }
}

#[tokio::test]
async fn contactreg_seed_is_the_pages_response_exactly() {
    let api = start(None).await;
    let reply = api.get("contactreg", CONTACTREG).await;
    let page = r#"{"addressId":1675073,"birthCountry":"AUSTRALIA","birthPlace":"CLAYTON","birthState":"VIC","birthday":"2001-08-01","businessNumber":"","companyNumber":null,"contactType":"People","email":"c@v.com","firstName":"Christian","id":1941877,"incorporationDate":null,"lastName":"Vieri","middleName":"","mobile":null,"name":"Christian Vieri","nationality":null,"phone1":null,"phone2":null,"placeOfIncorporation":null,"representativeIds":null,"sex":null,"skype":null,"taxNumber":"","title":null}"#;
    assert_eq!(reply.text, page);
}

// ---- updates ----

#[tokio::test]
async fn clemta_pages_example_request_gets_the_pages_response_shape() {
    let api = start(None).await;
    let request = r#"{
        "type": "customer", "full_name": "John Doe Updated", "email": "john.updated@example.com",
        "company_id": "64b8f1a2e4b0c8d9f0123456", "description": "Updated primary contact",
        "cc_emails": ["cc1@example.com", "cc2@example.com"],
        "billing": {"email": "billing@example.com", "phone": "1234567890", "phone_code": "+1", "iso_code": "US",
            "country": "United States", "address_1": "123 Main Street", "address_2": "Suite 200",
            "postal_code": "12345", "state": "CA"}
    }"#;
    let reply = api
        .call("clemta", Method::PATCH, CLEMTA, &[], Some(request))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "Contact updated successfully");
    let data = body["data"].as_object().unwrap();
    let keys: Vec<&str> = data.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "created_at",
            "updated_at",
            "type",
            "status",
            "full_name",
            "email",
            "description",
            "cc_emails",
            "bcc_emails",
            "billing"
        ]
    );
    assert_eq!(data["full_name"], "John Doe Updated");
    assert_eq!(data["status"], "active");
    assert_eq!(data["created_at"], 1640995200);
    assert!(data["updated_at"].as_i64().unwrap() > 1640995200);
    assert_eq!(
        data["cc_emails"],
        json!(["cc1@example.com", "cc2@example.com"])
    );
    assert_eq!(data["bcc_emails"], json!([]));
    assert_eq!(reply.header("etag"), Some("\"2\""));
}

#[tokio::test]
async fn partial_updates_change_only_what_was_sent() {
    let api = start(None).await;
    // clemta: one billing member.
    let reply = update(&api, "clemta", r#"{"billing":{"phone":"5550001111"}}"#).await;
    let billing = &reply.json()["data"]["billing"];
    assert_eq!(billing["phone"], "5550001111");
    assert_eq!(billing["address_1"], "123 Main Street");
    assert_eq!(
        api.get("clemta", CLEMTA).await.json()["data"]["full_name"],
        "John Doe"
    );

    // exsited: names become objects, `full` follows the parts, version and timestamps move.
    let reply = update(
        &api,
        "exsited",
        r#"{"account":{"contact":{"salutation":"Dr.","phone":{"number":"92559999"}}}}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let contact = &reply.json()["account"]["contacts"];
    assert_eq!(
        contact["salutation"],
        json!({"id": 3, "name": "Dr.", "link": "/api/v3/salutations/3"})
    );
    assert_eq!(contact["phone"]["country_code"], "61");
    assert_eq!(contact["phone"]["full"], "+61 2 92559999");
    assert_eq!(contact["version"], "2");
    assert_ne!(contact["last_updated_on"], "2024-03-01T09:00:00Z");
    assert_eq!(contact["first_name"], "Liam");

    // contactreg: a person's name is derived from their names.
    let reply = update(
        &api,
        "contactreg",
        r#"{"firstName":"Chris","middleName":"A"}"#,
    )
    .await;
    let record = reply.json();
    assert_eq!(record["name"], "Chris A Vieri");
    assert_eq!(record["email"], "c@v.com");
    assert!(record["mobile"].is_null());

    // cro: flags in any accepted spelling are stored as booleans.
    let reply = update(&api, "cro", r#"{"email":"test.updated@contacts.com","notify_on_new_request":"TRUE","notify_on_failed_request":0}"#).await;
    let record = reply.json();
    assert_eq!(record["email"], "test.updated@contacts.com");
    assert_eq!(record["notify_on_new_request"], true);
    assert_eq!(record["notify_on_failed_request"], false);
    assert_eq!(record["name"], "Dispatch Desk");
}

#[tokio::test]
async fn servicedesk_put_replaces_the_whole_contact() {
    let api = start(None).await;
    let reply = update(
        &api,
        "servicedesk",
        r#"{"id":"93498506-9dde-4593-b844-e3c51c0e2bc2","lastname":"Schmidt-Weber","company_code":"ACME-001"}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, "", "the update answers with no body");
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let stored = api.get("servicedesk", SERVICEDESK).await.json();
    assert_eq!(stored["lastname"], "Schmidt-Weber");
    // Left out: cleared.
    assert!(stored["firstname"].is_null());
    assert!(stored["company"].is_null());
    assert!(stored["e_password"].is_null());
    assert_ne!(
        stored["modified_dateutc"],
        "2026-04-24T10:59:50.6554761+00:00"
    );

    // The whole record sent back keeps everything.
    let reply = update(&api, "servicedesk", &good_update("servicedesk")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let stored = api.get("servicedesk", SERVICEDESK).await.json();
    assert_eq!(stored["firstname"], "Annabel");
    assert_eq!(stored["company"]["name"], "Acme Field Services GmbH");
}

// ---- auth ----

#[tokio::test]
async fn missing_or_wrong_credentials_get_each_vendors_401() {
    let api = start(None).await;
    let wrong: [(&str, &[(&str, &str)]); 5] = [
        ("clemta", &[("X-API-Key", "nope")]),
        ("exsited", &[("Authorization", "Bearer nope")]),
        (
            "contactreg",
            &[("Authorization", "Bearer sandbox-contactreg-token")],
        ),
        (
            "cro",
            &[
                ("Authorization", "Bearer other.token"),
                ("x-tenant-id", "1"),
            ],
        ),
        (
            "servicedesk",
            &[("Authorization", "sandbox-servicedesk-token")],
        ),
    ];
    for (vendor, headers) in wrong {
        let (_, path, verb) = ITEMS.iter().find(|(v, _, _)| *v == vendor).unwrap();
        for headers in [&[][..], headers] {
            for m in [Method::GET, method(verb)] {
                let reply = api
                    .send(
                        m.clone(),
                        &format!("/{vendor}{path}"),
                        headers,
                        Some(&good_update(vendor)),
                    )
                    .await;
                assert_eq!(
                    reply.status,
                    StatusCode::UNAUTHORIZED,
                    "{vendor} {m} {headers:?}"
                );
                let body = reply.json();
                match vendor {
                    "clemta" => {
                        assert_eq!(body["success"], false);
                        assert_eq!(body["error"]["code"], "UNAUTHORIZED");
                        assert_eq!(body["message"], "Unauthorized - Invalid or missing API key");
                    }
                    "exsited" => assert_eq!(body["error"]["code"], "UNAUTHORIZED"),
                    "contactreg" => assert_eq!(body["code"], "UNAUTHORIZED"),
                    "cro" => assert!(body["detail"].is_string()),
                    _ => assert_eq!(
                        body["Message"],
                        "Authorization has been denied for this request."
                    ),
                }
            }
        }
    }
    // Nothing changed.
    assert_eq!(
        api.get("clemta", CLEMTA).await.header("etag"),
        Some("\"1\"")
    );
}

#[tokio::test]
async fn cro_needs_a_tenant_and_the_dispatcher_role() {
    let api = start(None).await;
    let path = format!("/cro{CRO}");
    let body = Some(r#"{"name":"X"}"#);
    let dispatcher = ("Authorization", "Bearer sandbox.cro-token");
    let viewer = ("Authorization", "Bearer sandbox.cro-viewer");

    // The tenant id is part of the credentials.
    let no_tenant = api.send(Method::PATCH, &path, &[dispatcher], body).await;
    assert_eq!(no_tenant.status, StatusCode::UNAUTHORIZED);
    assert!(
        no_tenant.json()["detail"]
            .as_str()
            .unwrap()
            .contains("x-tenant-id")
    );
    let bad_tenant = api
        .send(
            Method::PATCH,
            &path,
            &[dispatcher, ("x-tenant-id", "one")],
            body,
        )
        .await;
    assert_eq!(bad_tenant.status, StatusCode::UNAUTHORIZED);
    let other_tenant = api
        .send(
            Method::PATCH,
            &path,
            &[dispatcher, ("x-tenant-id", "2")],
            body,
        )
        .await;
    assert_eq!(other_tenant.status, StatusCode::FORBIDDEN);

    let viewer_update = api
        .send(Method::PATCH, &path, &[viewer, ("x-tenant-id", "1")], body)
        .await;
    assert_eq!(viewer_update.status, StatusCode::FORBIDDEN);
    assert_eq!(viewer_update.json()["code"], "permission_denied");
    assert!(viewer_update.header("x-request-id").is_some());
    let viewer_read = api
        .send(Method::GET, &path, &[viewer, ("x-tenant-id", "1")], None)
        .await;
    assert_eq!(viewer_read.status, StatusCode::OK);

    // The page's pattern: "bearer" in any case, a dotted token.
    let lower = api
        .send(
            Method::GET,
            &path,
            &[
                ("Authorization", "bearer sandbox.cro-token"),
                ("x-tenant-id", "1"),
            ],
            None,
        )
        .await;
    assert_eq!(lower.status, StatusCode::OK);
    let basic = api
        .send(
            Method::GET,
            &path,
            &[
                ("Authorization", "Basic sandbox.cro-token"),
                ("x-tenant-id", "1"),
            ],
            None,
        )
        .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.get("cro", CRO).await.json()["name"], "Dispatch Desk");
}

// ---- validation ----

/// Each documented rule: a body that breaks it, and a word the error must contain.
fn violations() -> Vec<(&'static str, String, &'static str)> {
    let sd = |change: &dyn Fn(&mut Json)| {
        let mut record = serde_json::from_str::<Json>(&good_update("servicedesk")).unwrap();
        change(&mut record);
        record.to_string()
    };
    vec![
        ("clemta", r#"{"type":"partner"}"#.into(), "type"),
        ("clemta", r#"{"email":"john@"}"#.into(), "email"),
        (
            "clemta",
            r#"{"cc_emails":["ok@example.com","nope"]}"#.into(),
            "cc_emails[1]",
        ),
        (
            "clemta",
            r#"{"bcc_emails":"a@example.com"}"#.into(),
            "bcc_emails",
        ),
        (
            "clemta",
            r#"{"billing":{"email":"x"}}"#.into(),
            "billing.email",
        ),
        (
            "clemta",
            r#"{"billing":{"billing.phone":"1"}}"#.into(),
            "billing.billing.phone",
        ),
        (
            "clemta",
            r#"{"id":"64b8f1a2e4b0c8d9f0123456"}"#.into(),
            "id",
        ),
        ("clemta", r#"{"full_name":null}"#.into(), "full_name"),
        (
            "exsited",
            r#"{"contact":{"first_name":"A"}}"#.into(),
            "account.contact",
        ),
        (
            "exsited",
            r#"{"account":{"contact":{"email":{"do_not_email":"yes"}}}}"#.into(),
            "email.do_not_email",
        ),
        (
            "exsited",
            r#"{"account":{"contact":{"email":{"address":"nope"}}}}"#.into(),
            "email.address",
        ),
        (
            "exsited",
            r#"{"account":{"contact":{"phone":{"full":"+61 2 1"}}}}"#.into(),
            "phone.full",
        ),
        (
            "exsited",
            r#"{"account":{"contact":{"mobile":{"do_not_call":true}}}}"#.into(),
            "mobile.do_not_call",
        ),
        (
            "exsited",
            r#"{"account":{"contact":{"receive_billing_information":"1"}}}"#.into(),
            "receive_billing_information",
        ),
        (
            "exsited",
            r#"{"account":{"contact":{"uuid":"x"}}}"#.into(),
            "uuid",
        ),
        (
            "exsited",
            r#"{"account":{"contact":{"custom_attributes":{}}}}"#.into(),
            "custom_attributes",
        ),
        ("contactreg", r#"{"sex":"M"}"#.into(), "sex"),
        (
            "contactreg",
            r#"{"birthState":"Victoria"}"#.into(),
            "birthState",
        ),
        (
            "contactreg",
            r#"{"birthday":"01/08/2001"}"#.into(),
            "birthday",
        ),
        (
            "contactreg",
            r#"{"birthCountry":"Atlantis"}"#.into(),
            "birthCountry",
        ),
        ("contactreg", r#"{"name":"Chris Vieri"}"#.into(), "name"),
        (
            "contactreg",
            r#"{"businessNumber":"1"}"#.into(),
            "businessNumber",
        ),
        ("contactreg", r#"{"addressId":42}"#.into(), "addressId"),
        (
            "contactreg",
            r#"{"contactType":"Company"}"#.into(),
            "contactType",
        ),
        ("contactreg", r#"{"email":"c@v"}"#.into(), "email"),
        (
            "cro",
            r#"{"email":"a@contacts.com; b@contacts.com"}"#.into(),
            "email",
        ),
        (
            "cro",
            format!(r#"{{"email":"{}@contacts.com"}}"#, "a".repeat(250)),
            "email",
        ),
        ("cro", r#"{"fax":"123456"}"#.into(), "fax"),
        ("cro", r#"{"fax":"1234567890123456"}"#.into(), "fax"),
        ("cro", r#"{"name":""}"#.into(), "name"),
        (
            "cro",
            format!(r#"{{"name":"{}"}}"#, "n".repeat(129)),
            "name",
        ),
        ("cro", r#"{"number":""}"#.into(), "number"),
        (
            "cro",
            format!(r#"{{"number":"{}"}}"#, "9".repeat(91)),
            "number",
        ),
        (
            "cro",
            r#"{"notify_on_new_request":"yes"}"#.into(),
            "notify_on_new_request",
        ),
        (
            "cro",
            r#"{"notify_on_completed_request":2}"#.into(),
            "notify_on_completed_request",
        ),
        ("cro", r#"{"id":5002}"#.into(), "id"),
        (
            "servicedesk",
            sd(&|r| r["id"] = json!("11111111-2222-3333-4444-555555555555")),
            "contact.id",
        ),
        (
            "servicedesk",
            sd(&|r| {
                r.as_object_mut().unwrap().shift_remove("id");
            }),
            "contact.id",
        ),
        (
            "servicedesk",
            sd(&|r| r["lastname"] = Json::Null),
            "contact.lastname",
        ),
        (
            "servicedesk",
            sd(&|r| r["lastname"] = json!("l".repeat(51))),
            "contact.lastname",
        ),
        (
            "servicedesk",
            sd(&|r| r["firstname"] = json!("f".repeat(51))),
            "contact.firstname",
        ),
        (
            "servicedesk",
            sd(&|r| {
                r["company_id"] = Json::Null;
                r["company_code"] = json!("");
                r["company"] = Json::Null;
            }),
            "contact.company",
        ),
        (
            "servicedesk",
            sd(&|r| r["company_id"] = json!("acme")),
            "contact.company_id",
        ),
        (
            "servicedesk",
            sd(&|r| r["functions"] = json!("f".repeat(65))),
            "contact.functions",
        ),
        (
            "servicedesk",
            sd(&|r| r["e_login"] = json!("e".repeat(51))),
            "contact.e_login",
        ),
        (
            "servicedesk",
            sd(&|r| r["e_password"] = json!("p".repeat(51))),
            "contact.e_password",
        ),
        (
            "servicedesk",
            sd(&|r| r["mobile"] = json!("1".repeat(51))),
            "contact.mobile",
        ),
        (
            "servicedesk",
            sd(&|r| r["skype"] = json!("s".repeat(251))),
            "contact.skype",
        ),
        (
            "servicedesk",
            sd(&|r| r["reference_back_office"] = json!("r".repeat(51))),
            "contact.reference_back_office",
        ),
        (
            "servicedesk",
            sd(&|r| r["birthdate"] = json!("17.05.1980")),
            "contact.birthdate",
        ),
        (
            "servicedesk",
            sd(&|r| r["archived"] = json!("no")),
            "contact.archived",
        ),
        (
            "servicedesk",
            sd(&|r| r["phone"] = json!("1".repeat(51))),
            "contact.phone",
        ),
        (
            "servicedesk",
            sd(&|r| r["private_phone"] = json!("1".repeat(51))),
            "contact.private_phone",
        ),
        (
            "servicedesk",
            sd(&|r| r["private_mobile"] = json!("1".repeat(51))),
            "contact.private_mobile",
        ),
        (
            "servicedesk",
            sd(&|r| r["email"] = json!("e".repeat(251))),
            "contact.email",
        ),
        (
            "servicedesk",
            sd(&|r| r["private_email"] = json!("e".repeat(251))),
            "contact.private_email",
        ),
        (
            "servicedesk",
            sd(&|r| r["create_date"] = json!("yesterday")),
            "contact.create_date",
        ),
        (
            "servicedesk",
            sd(&|r| r["db_language_id"] = json!("en")),
            "contact.db_language_id",
        ),
        (
            "servicedesk",
            sd(&|r| r["db_title_id"] = json!("mr")),
            "contact.db_title_id",
        ),
    ]
}

#[tokio::test]
async fn every_documented_rule_is_enforced_with_a_400_naming_the_field() {
    let api = start(None).await;
    for (vendor, body, field) in violations() {
        let reply = update(&api, vendor, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{vendor} {body}: {}",
            reply.text
        );
        assert!(
            reply.text.contains(&format!("{field}: ")),
            "{vendor} {body}: {}",
            reply.text
        );
        let error = reply.json();
        match vendor {
            "clemta" => assert_eq!(error["error"]["code"], "VALIDATION_ERROR"),
            "exsited" => assert_eq!(error["error"]["code"], "VALIDATION_FAILED"),
            "contactreg" => assert_eq!(error["code"], "VALIDATION_FAILED"),
            "cro" => assert_eq!(error["code"], "invalid"),
            _ => assert!(error["ModelState"].is_object()),
        }
    }
    // Nothing was stored by any refused update.
    for (vendor, path, _) in ITEMS {
        assert_eq!(
            api.get(vendor, path).await.header("etag"),
            Some("\"1\""),
            "{vendor}"
        );
    }
    // And a good update of each passes.
    for (vendor, _, _) in ITEMS {
        let reply = update(&api, vendor, &good_update(vendor)).await;
        assert_eq!(reply.status, StatusCode::OK, "{vendor}: {}", reply.text);
    }
}

#[tokio::test]
async fn contactreg_type_rules_and_joint_members() {
    let api = start(None).await;
    let company = api
        .call(
            "contactreg",
            Method::PATCH,
            "/contacts/1941878",
            &[],
            Some(r#"{"firstName":"Bob"}"#),
        )
        .await;
    assert_eq!(company.status, StatusCode::BAD_REQUEST);
    assert!(
        company
            .text
            .contains("only allowed if the contactType is 'People'")
    );
    let company = api
        .call("contactreg", Method::PATCH, "/contacts/1941878", &[], Some(r#"{"name":"Southbank Ltd","placeOfIncorporation":"New Zealand","incorporationDate":"2010-01-31"}"#))
        .await;
    assert_eq!(company.status, StatusCode::OK, "{}", company.text);
    let other = api
        .call(
            "contactreg",
            Method::PATCH,
            "/contacts/1941879",
            &[],
            Some(r#"{"incorporationDate":"2010-01-31"}"#),
        )
        .await;
    assert!(
        other
            .text
            .contains("only allowed if the contactType is 'Company'"),
        "{}",
        other.text
    );
    let joint = api
        .call(
            "contactreg",
            Method::PATCH,
            "/contacts/1941880",
            &[],
            Some(r#"{"email":"x@example.com"}"#),
        )
        .await;
    assert_eq!(joint.status, StatusCode::BAD_REQUEST);
    assert_eq!(joint.json()["code"], "JOINT_MEMBER");
}

#[tokio::test]
async fn malformed_json_is_a_400_in_each_vendors_shape() {
    let api = start(None).await;
    for (vendor, _, _) in ITEMS {
        let reply = update(&api, vendor, "{\"name\": ").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{vendor}");
        let body = reply.json();
        let described = match vendor {
            "clemta" => body["error"]["code"] == "INVALID_JSON",
            "exsited" => body["error"]["code"] == "INVALID_JSON",
            "contactreg" => body["code"] == "INVALID_JSON",
            "cro" => body["code"] == "parse_error",
            _ => body["Message"]
                .as_str()
                .is_some_and(|m| m.starts_with("The request is invalid")),
        };
        assert!(described, "{vendor}: {body}");
    }
}

#[tokio::test]
async fn unknown_contacts_are_404() {
    let api = start(None).await;
    let missing = [
        ("clemta", "/contacts/000000000000000000000000"),
        ("exsited", "/api/v3/accounts/ACC-1001/contacts/CONTACT_9"),
        ("contactreg", "/contacts/1"),
        ("cro", "/customers/1001/contacts/1/"),
        (
            "servicedesk",
            "/api/contact/00000000-0000-0000-0000-000000000000",
        ),
    ];
    for (vendor, path) in missing {
        let reply = api.get(vendor, path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{vendor}");
        if vendor == "clemta" {
            // The page's own 404 body.
            assert_eq!(
                reply.json(),
                json!({"success": false, "message": "Contact not found", "data": null, "error": {"code": "NOT_FOUND", "details": ""}})
            );
        }
    }
}

#[tokio::test]
async fn a_stale_if_match_gets_412_and_changes_nothing() {
    let api = start(None).await;
    for (vendor, path, verb) in ITEMS {
        let etag = api
            .get(vendor, path)
            .await
            .header("etag")
            .unwrap()
            .to_string();
        let first = api
            .call(
                vendor,
                method(verb),
                path,
                &[("If-Match", &etag)],
                Some(&good_update(vendor)),
            )
            .await;
        assert_eq!(first.status, StatusCode::OK, "{vendor}: {}", first.text);
        let newer = first.header("etag").unwrap().to_string();
        assert_ne!(newer, etag);
        let before = api.get(vendor, path).await.text;
        let stale = api
            .call(
                vendor,
                method(verb),
                path,
                &[("If-Match", &etag)],
                Some(&good_update(vendor)),
            )
            .await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{vendor}");
        assert_eq!(api.get(vendor, path).await.text, before, "{vendor}");
        let current = api
            .call(
                vendor,
                method(verb),
                path,
                &[("If-Match", &newer)],
                Some(&good_update(vendor)),
            )
            .await;
        assert_eq!(current.status, StatusCode::OK, "{vendor}");
    }
}

// ---- lists ----

#[tokio::test]
async fn lists_page_through_seeds_and_generated_contacts() {
    let api = start(None).await;
    let clemta = api
        .get("clemta", "/contacts?page=21&per_page=50")
        .await
        .json();
    assert_eq!(clemta["pagination"]["total"], 1001);
    assert_eq!(clemta["pagination"]["total_pages"], 21);
    assert_eq!(clemta["data"].as_array().unwrap().len(), 1);
    let first = api.get("clemta", "/contacts").await.json();
    assert_eq!(first["data"][0]["id"], "64b8f1a2e4b0c8d9f0123456");
    assert_eq!(first["data"].as_array().unwrap().len(), 50);

    let seeded = api
        .get("exsited", "/api/v3/accounts/ACC-1001/contacts")
        .await
        .json();
    assert_eq!(seeded["account"]["contacts"].as_array().unwrap().len(), 2);
    let generated = api
        .get(
            "exsited",
            "/api/v3/accounts/ACC-2000/contacts?page=2&per_page=500",
        )
        .await
        .json();
    assert_eq!(generated["pagination"]["total"], 1000);
    assert_eq!(
        generated["account"]["contacts"][499]["type"],
        "CONTACT_1000"
    );
    assert_eq!(
        api.get("exsited", "/api/v3/accounts/ACC-9/contacts")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let reg = api
        .get("contactreg", "/contacts?page=11&per_page=100")
        .await;
    assert_eq!(reg.header("x-total-count"), Some("1004"));
    assert_eq!(reg.json().as_array().unwrap().len(), 4);

    let cro = api
        .get("cro", "/customers/1001/contacts/?per_page=1000")
        .await
        .json();
    assert_eq!(cro["count"], 1001);
    assert_eq!(
        cro["results"].as_array().unwrap().len(),
        500,
        "at most 500 a page"
    );
    assert_eq!(
        cro["next"],
        "/cro/customers/1001/contacts/?page=2&per_page=500"
    );

    let sd = api
        .get("servicedesk", "/api/contact?page=3&per_page=500")
        .await;
    assert_eq!(sd.header("x-total-count"), Some("1001"));
    assert_eq!(sd.json().as_array().unwrap().len(), 1);

    // A generated contact found through the list can be read and updated.
    let id = api
        .get("servicedesk", "/api/contact?page=2&per_page=1")
        .await
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut record = api
        .get("servicedesk", &format!("/api/contact/{id}"))
        .await
        .json();
    let members = record.as_object_mut().unwrap();
    members.shift_remove("modified_dateutc");
    // A generated contact reads with nulls; the page's update never sends null.
    members.retain(|_, value| !value.is_null());
    record["notes"] = json!("reached through the list");
    let reply = api
        .call(
            "servicedesk",
            Method::PUT,
            &format!("/api/contact/{id}"),
            &[],
            Some(&record.to_string()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

// ---- faults ----

#[tokio::test]
async fn injected_faults() {
    let api = start(None).await;
    let fault = |f: &'static str| [("x-sandbox-fault", f)];

    let unavailable = api
        .call("clemta", Method::GET, CLEMTA, &fault("status=503"), None)
        .await;
    assert_eq!(unavailable.status, StatusCode::SERVICE_UNAVAILABLE);

    let limited = api
        .call(
            "cro",
            Method::PATCH,
            CRO,
            &fault("retry-after=2"),
            Some("{}"),
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("retry-after"), Some("2"));

    let html = api
        .call("exsited", Method::GET, EXSITED, &fault("html"), None)
        .await;
    assert_eq!(html.status, StatusCode::BAD_GATEWAY);
    assert!(
        html.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text.starts_with("<!DOCTYPE html>"));

    // A delay longer than the client waits is a timeout; a short one is just slower.
    let slow = api
        .client
        .get(api.url(&format!("/clemta{CLEMTA}")))
        .headers(headers(&[
            ("X-API-Key", "sandbox-clemta-key"),
            ("x-sandbox-fault", "delay=3000"),
        ]))
        .timeout(std::time::Duration::from_millis(300))
        .send()
        .await;
    assert!(slow.unwrap_err().is_timeout());
    let short = api
        .call("clemta", Method::GET, CLEMTA, &fault("delay=20"), None)
        .await;
    assert_eq!(short.status, StatusCode::OK);

    // Dropped: the connection closes with no answer at all.
    let dropped = api
        .client
        .get(api.url(&format!("/servicedesk{SERVICEDESK}")))
        .headers(headers(&[
            ("Authorization", "Bearer sandbox-servicedesk-token"),
            ("x-sandbox-fault", "drop"),
        ]))
        .send()
        .await;
    // Sent, then closed unanswered: not a refused connection, not a timeout.
    let err = dropped.unwrap_err();
    assert!(
        err.is_request() && !err.is_connect() && !err.is_timeout(),
        "{err:?}"
    );

    // Truncated: the head arrives, the body stops half-way.
    let truncated = api
        .client
        .get(api.url(&format!("/contactreg{CONTACTREG}")))
        .headers(headers(&[
            ("Authorization", "sandbox-contactreg-token"),
            ("x-sandbox-fault", "truncate"),
        ]))
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(truncated.status(), StatusCode::OK);
    assert!(truncated.bytes().await.is_err());

    // A fault on an update happens before it: nothing is stored.
    let refused = api
        .call(
            "cro",
            Method::PATCH,
            CRO,
            &fault("status=500"),
            Some(r#"{"name":"never"}"#),
        )
        .await;
    assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(api.get("cro", CRO).await.json()["name"], "Dispatch Desk");

    let nonsense = api
        .call("cro", Method::GET, CRO, &fault("explode"), None)
        .await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
    assert!(nonsense.text.contains("unknown fault"));
}

/// A comma-separated list of valid short addresses exactly `len` characters long.
fn email_list(len: usize) -> String {
    let mut list = String::new();
    let mut n = 0;
    while list.len() + 40 < len {
        list.push_str(&format!(
            "{}u{n:03}@contacts.com",
            if list.is_empty() { "" } else { "," }
        ));
        n += 1;
    }
    let pad = len - list.len() - 1 - "@contacts.com".len();
    list.push_str(&format!(",{}@contacts.com", "p".repeat(pad)));
    assert_eq!(list.len(), len);
    list
}

fn headers(pairs: &[(&'static str, &'static str)]) -> reqwest::header::HeaderMap {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                reqwest::header::HeaderName::from_static(k_lower(k)),
                reqwest::header::HeaderValue::from_static(v),
            )
        })
        .collect()
}

fn k_lower(name: &'static str) -> &'static str {
    match name {
        "X-API-Key" => "x-api-key",
        "Authorization" => "authorization",
        other => other,
    }
}

// ---- state ----

#[tokio::test]
async fn a_state_file_keeps_updates_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    {
        let api = start(Some(state.clone())).await;
        let reply = update(&api, "cro", r#"{"fax":"+61890009999"}"#).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            update(&api, "servicedesk", &good_update("servicedesk"))
                .await
                .status,
            StatusCode::OK
        );
    }
    let api = start(Some(state.clone())).await;
    let cro = api.get("cro", CRO).await;
    assert_eq!(cro.json()["fax"], "+61890009999");
    assert_eq!(cro.header("etag"), Some("\"2\""));
    assert_eq!(
        api.get("servicedesk", SERVICEDESK).await.json()["firstname"],
        "Annabel"
    );
    // Untouched contacts come from the seeds as before.
    assert_eq!(
        api.get("clemta", CLEMTA).await.json()["data"]["full_name"],
        "John Doe"
    );
    // Only the state file is in the folder: no temp files left behind.
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, [std::ffi::OsString::from("sandbox.json")]);
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "{ torn").unwrap();
    let err = rolo::sandbox::start("127.0.0.1:0".parse().unwrap(), Some(state.clone()))
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains(&state.display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn the_index_lists_vendors_and_credentials() {
    let api = start(None).await;
    let index = api.send(Method::GET, "/", &[], None).await.json();
    assert_eq!(
        index["vendors"],
        json!(["clemta", "exsited", "contactreg", "cro", "servicedesk"])
    );
    assert_eq!(api.auth("cro").len(), 2);
    // The same credentials the built-in profiles send, one header per line of `rolo sandbox`.
    assert_eq!(index["credentials"].as_array().map(Vec::len), Some(6));
    let unknown = api.send(Method::GET, "/nowhere", &[], None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn boundary_values_are_accepted() {
    let api = start(None).await;
    let cro = [
        format!(r#"{{"fax":"1234567","name":"{}","number":"{}"}}"#, "n".repeat(128), "9".repeat(90)),
        r#"{"fax":"123456789012345","name":"A","number":"0"}"#.to_string(),
        format!(r#"{{"email":"{}"}}"#, email_list(256)),
        r#"{"email":""}"#.to_string(),
        r#"{"email":"a@contacts.com,\n\tb@contacts.com"}"#.to_string(),
        r#"{"notify_on_new_request":"fAlSe","notify_on_failed_request":1,"notify_on_completed_request":true}"#.to_string(),
    ];
    for body in cro {
        let reply = update(&api, "cro", &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{body}: {}", reply.text);
    }
    let mut record = serde_json::from_str::<Json>(&good_update("servicedesk")).unwrap();
    for (key, len) in [
        ("firstname", 50),
        ("lastname", 50),
        ("functions", 64),
        ("e_login", 50),
        ("e_password", 50),
        ("phone", 50),
        ("mobile", 50),
        ("private_phone", 50),
        ("private_mobile", 50),
        ("reference_back_office", 50),
        ("email", 250),
        ("skype", 250),
        ("private_email", 250),
    ] {
        record[key] = json!("x".repeat(len));
    }
    record["birthdate"] = json!("1980-05-17T00:00:00Z");
    let reply = update(&api, "servicedesk", &record.to_string()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let company = api
        .call(
            "contactreg",
            Method::PATCH,
            "/contacts/1941878",
            &[],
            Some(r#"{"placeOfIncorporation":"Côte d'Ivoire","incorporationDate":"2010-02-28"}"#),
        )
        .await;
    assert_eq!(company.status, StatusCode::OK, "{}", company.text);
    let bad = api
        .call(
            "contactreg",
            Method::PATCH,
            "/contacts/1941878",
            &[],
            Some(r#"{"placeOfIncorporation":"Narnia","incorporationDate":"2010-02-30"}"#),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.text.contains("placeOfIncorporation: ") && bad.text.contains("incorporationDate: "),
        "{}",
        bad.text
    );
}

#[tokio::test]
async fn the_pages_own_example_requests_are_accepted() {
    let api = start(None).await;
    // contactreg's example sends the whole People record back, read-only keys included.
    let page = r#"{"addressId":1675073,"birthCountry":"AUSTRALIA","birthPlace":"CLAYTON","birthState":"VIC","birthday":"2001-08-01","businessNumber":"","companyNumber":null,"contactType":"People","email":"c@v.com","firstName":"Christian","id":1941877,"incorporationDate":null,"lastName":"Vieri","middleName":"","mobile":null,"name":"Christian Vieri","nationality":null,"phone1":null,"phone2":null,"placeOfIncorporation":null,"representativeIds":null,"sex":null,"skype":null,"taxNumber":"","title":null}"#;
    let reply = update(&api, "contactreg", page).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.text, page);
    // servicedesk's sample request, modified_dateutc and all.
    let sample = include_str!("fixtures/servicedesk-page-sample.json");
    let reply = update(&api, "servicedesk", sample).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let stored = api.get("servicedesk", SERVICEDESK).await.json();
    assert_eq!(stored["email"], "sample string 18");
    assert_ne!(
        stored["modified_dateutc"],
        "2026-04-24T10:59:50.6554761+00:00"
    );
    // cro's page writes the path without the trailing slash too.
    let reply = api
        .call(
            "cro",
            Method::PATCH,
            "/customers/1001/contacts/5001",
            &[],
            Some(r#"{"email":"test.updated@contacts.com"}"#),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.header("x-request-id").is_some());
}

#[tokio::test]
async fn paging_edges() {
    let api = start(None).await;
    for (query, expect_len, first_id) in [
        ("?page=0&per_page=2", 2, Some("64b8f1a2e4b0c8d9f0123456")),
        ("?page=999&per_page=2", 0, None),
        ("?page=18446744073709551615&per_page=500", 0, None),
        ("?per_page=0", 1, Some("64b8f1a2e4b0c8d9f0123456")),
        ("?page=x&per_page=y", 50, Some("64b8f1a2e4b0c8d9f0123456")),
    ] {
        let reply = api.get("clemta", &format!("/contacts{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        let data = reply.json()["data"].as_array().unwrap().clone();
        assert_eq!(data.len(), expect_len, "{query}");
        assert_eq!(
            data.first().and_then(|d| d["id"].as_str()),
            first_id,
            "{query}"
        );
    }
}

#[tokio::test]
async fn if_match_star_and_weak_tags() {
    let api = start(None).await;
    let star = api
        .call(
            "clemta",
            Method::PATCH,
            CLEMTA,
            &[("If-Match", "*")],
            Some(&good_update("clemta")),
        )
        .await;
    assert_eq!(star.status, StatusCode::OK);
    let weak = api
        .call(
            "clemta",
            Method::PATCH,
            CLEMTA,
            &[("If-Match", "W/\"2\"")],
            Some(&good_update("clemta")),
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::PRECONDITION_FAILED,
        "a weak tag never matches If-Match"
    );
    let listed = api
        .call(
            "clemta",
            Method::PATCH,
            CLEMTA,
            &[("If-Match", "\"7\", \"2\"")],
            Some(&good_update("clemta")),
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
}

#[tokio::test]
async fn updates_of_unknown_contacts_are_404() {
    let api = start(None).await;
    let missing = [
        ("clemta", "/contacts/000000000000000000000000", "PATCH"),
        (
            "exsited",
            "/api/v3/accounts/ACC-1001/contacts/CONTACT_9",
            "PUT",
        ),
        ("contactreg", "/contacts/1", "PATCH"),
        ("cro", "/customers/1001/contacts/1/", "PATCH"),
        (
            "servicedesk",
            "/api/contact/00000000-0000-0000-0000-000000000000",
            "PUT",
        ),
    ];
    for (vendor, path, verb) in missing {
        let reply = api
            .call(vendor, method(verb), path, &[], Some(&good_update(vendor)))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{vendor}");
    }
}

#[tokio::test]
async fn cro_stamps_every_answer_with_a_request_id() {
    let api = start(None).await;
    let fault = api
        .call(
            "cro",
            Method::GET,
            CRO,
            &[("x-sandbox-fault", "status=503")],
            None,
        )
        .await;
    assert_eq!(fault.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        fault.json()["code"],
        "SANDBOX_FAULT",
        "faults answer in the vendor's shape"
    );
    let wrong_method = api.call("cro", Method::DELETE, CRO, &[], None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    for reply in [&fault, &wrong_method] {
        assert!(uuid::Uuid::parse_str(reply.header("x-request-id").unwrap()).is_ok());
    }
    let no_content = api
        .call(
            "clemta",
            Method::GET,
            CLEMTA,
            &[("x-sandbox-fault", "status=204")],
            None,
        )
        .await;
    assert_eq!(no_content.status, StatusCode::NO_CONTENT);
    assert_eq!(no_content.text, "");
}
