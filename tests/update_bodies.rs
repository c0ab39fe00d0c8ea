//! The exact body built for sets of edits, per vendor, including the example update requests
//! printed on the vendors' pages (../shared/vendor-docs/).

mod common;

use common::{form, seed, set, spec};
use rolo::edit::{BuildError, Form, Rule, Value};
use serde_json::{Value as Json, json};

/// Compares serialized text, so key order matters as well as content.
fn assert_body(form: &Form, expected: Json) {
    let update = form.build_update().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        serde_json::to_string_pretty(&update.body).unwrap(),
        serde_json::to_string_pretty(&expected).unwrap()
    );
}

fn refused_rules(form: &Form) -> Vec<(Option<String>, Rule)> {
    match form.build_update() {
        Err(BuildError::Invalid(issues)) => issues.into_iter().map(|i| (i.field, i.rule)).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// ---- clemta (000_e7da66e6512026e3.txt) ----

#[test]
fn clemta_page_example_request() {
    // A contact on which every field of the page's example differs, so that all are sent.
    let record = json!({
        "id": "64b8f1a2e4b0c8d9f0123456", "created_at": 1640995200, "updated_at": 1640995200,
        "type": "vendor", "status": "active", "full_name": "John Doe", "email": "old@example.com",
        "description": "", "cc_emails": [], "bcc_emails": [], "billing": {}
    });
    let mut f = Form::from_record(spec("clemta"), record);
    // The page's copy masks the addresses as "[email protected]"; any valid ones do.
    for (name, text) in [
        ("type", "customer"),
        ("full_name", "John Doe Updated"),
        ("email", "john.updated@example.com"),
        ("company_id", "64b8f1a2e4b0c8d9f0123456"),
        ("description", "Updated primary contact"),
        ("cc_emails", "cc1@example.com, cc2@example.com"),
        ("billing.email", "billing@example.com"),
        ("billing.phone", "1234567890"),
        ("billing.phone_code", "+1"),
        ("billing.iso_code", "US"),
        ("billing.country", "United States"),
        ("billing.address_1", "123 Main Street"),
        ("billing.address_2", "Suite 200"),
        ("billing.postal_code", "12345"),
        ("billing.state", "CA"),
    ] {
        set(&mut f, name, text);
    }
    assert_body(
        &f,
        json!({
            "type": "customer",
            "full_name": "John Doe Updated",
            "email": "john.updated@example.com",
            "company_id": "64b8f1a2e4b0c8d9f0123456",
            "description": "Updated primary contact",
            "cc_emails": ["cc1@example.com", "cc2@example.com"],
            "billing": {
                "email": "billing@example.com",
                "phone": "1234567890",
                "phone_code": "+1",
                "iso_code": "US",
                "country": "United States",
                "address_1": "123 Main Street",
                "address_2": "Suite 200",
                "postal_code": "12345",
                "state": "CA"
            }
        }),
    );
}

#[test]
fn clemta_nested_change_sends_only_that_member() {
    let mut f = form("clemta", "64b8f1a2e4b0c8d9f0123456");
    set(&mut f, "billing.phone", "5550001111");
    assert_body(&f, json!({"billing": {"phone": "5550001111"}}));
    // A new member of the billing object is added without touching the others.
    set(&mut f, "billing.tax_id", "US-99-1234567");
    assert_body(
        &f,
        json!({"billing": {"phone": "5550001111", "tax_id": "US-99-1234567"}}),
    );
}

#[test]
fn clemta_clear_sends_the_empty_value_and_arrays_stay_arrays() {
    let mut f = form("clemta", "64b8f1a2e4b0c8d9f0123456");
    let description = f.index("description").unwrap();
    f.clear(description).unwrap();
    set(&mut f, "bcc_emails", "audit@example.com");
    assert_body(
        &f,
        json!({"description": "", "bcc_emails": ["audit@example.com"]}),
    );
    let bcc = f.index("bcc_emails").unwrap();
    f.clear(bcc).unwrap();
    // Back to the original empty array: only the description is still a change.
    assert_body(&f, json!({"description": ""}));
}

#[test]
fn clemta_refuses_bad_type_and_email_and_names_them() {
    let mut f = form("clemta", "64b8f1a2e4b0c8d9f0123456");
    set(&mut f, "type", "partner");
    set(&mut f, "cc_emails", "ok@example.com, not-an-address");
    set(&mut f, "full_name", "Fine");
    assert_eq!(
        refused_rules(&f),
        vec![
            (Some("type".into()), Rule::AllowedValues),
            (
                Some("cc_emails".into()),
                Rule::Kind(rolo::spec::Kind::EmailArray)
            ),
        ]
    );
}

#[test]
fn clemta_read_only_fields_cannot_be_edited() {
    let mut f = form("clemta", "64b8f1a2e4b0c8d9f0123456");
    let updated = f.index("updated_at").unwrap();
    assert_eq!(f.value(updated), &Value::text("2022-01-01 00:00:00 UTC"));
    assert!(f.set_text(updated, "2030-01-01 00:00:00 UTC").is_err());
    assert!(f.set_text(f.index("id").unwrap(), "other").is_err());
    assert_eq!(f.dirty_count(), 0);
}

// ---- exsited (001_2d24b7492fd449bd.txt) ----

#[test]
fn exsited_page_request_shape_with_every_field() {
    let mut f = form("exsited", "ACC-1001/CONTACT_2");
    for (name, text) in [
        ("salutation", "Dr."),
        ("designation", "CFO"),
        ("first_name", "Avery"),
        ("middle_name", "Q"),
        ("email.address", "avery@example.com"),
        ("email.do_not_email", "true"),
        ("address_line_1", "L1"),
        ("address_line_2", "L2"),
        ("address_line_3", "L3"),
        ("address_line_4", "L4"),
        ("address_line_5", "L5"),
        ("post_code", "3000"),
        ("city", "Melbourne"),
        ("state", "Victoria"),
        ("country", "New Zealand"),
        ("phone.country_code", "64"),
        ("phone.area_code", "9"),
        ("phone.number", "3000001"),
        ("phone.do_not_call", "true"),
        ("fax.country_code", "64"),
        ("fax.area_code", "9"),
        ("fax.number", "3000002"),
        ("fax.do_not_call", "true"),
        ("mobile.country_code", "64"),
        ("mobile.area_code", "21"),
        ("mobile.number", "3000003"),
        ("mobile.do_not_call", "false"),
        ("custom_attributes", "[]"),
        ("receive_billing_information", "true"),
    ] {
        set(&mut f, name, text);
    }
    // The page's request body, key for key and in its order, with flags as strings.
    assert_body(
        &f,
        json!({"account": {"contact": {
            "salutation": "Dr.",
            "designation": "CFO",
            "first_name": "Avery",
            "middle_name": "Q",
            "email": {"address": "avery@example.com", "do_not_email": "true"},
            "address_line_1": "L1",
            "address_line_2": "L2",
            "address_line_3": "L3",
            "address_line_4": "L4",
            "address_line_5": "L5",
            "post_code": "3000",
            "city": "Melbourne",
            "state": "Victoria",
            "country": "New Zealand",
            "phone": {"country_code": "64", "area_code": "9", "number": "3000001", "do_not_call": "true"},
            "fax": {"country_code": "64", "area_code": "9", "number": "3000002", "do_not_call": "true"},
            "mobile": {"country_code": "64", "area_code": "21", "number": "3000003", "do_not_call": "false"},
            "custom_attributes": [],
            "receive_billing_information": "true"
        }}}),
    );
}

#[test]
fn exsited_salutation_object_is_shown_as_its_name_and_sent_as_a_name() {
    let mut f = form("exsited", "ACC-1001/CONTACT_1");
    let salutation = f.index("salutation").unwrap();
    assert_eq!(f.value(salutation), &Value::text("Mr."));
    set(&mut f, "salutation", "Dr.");
    set(&mut f, "phone.number", "92559999");
    assert_body(
        &f,
        json!({"account": {"contact": {"salutation": "Dr.", "phone": {"number": "92559999"}}}}),
    );
}

#[test]
fn exsited_flags_accept_any_case_but_send_lowercase_strings() {
    let mut f = form("exsited", "ACC-1001/CONTACT_1");
    set(&mut f, "mobile.do_not_call", "TRUE");
    assert_body(
        &f,
        json!({"account": {"contact": {"mobile": {"do_not_call": "true"}}}}),
    );
    set(&mut f, "mobile.do_not_call", "False");
    assert_eq!(f.build_update(), Err(BuildError::NoChanges));
}

#[test]
fn exsited_response_only_and_read_only_fields_are_refused() {
    let mut f = form("exsited", "ACC-1001/CONTACT_1");
    for name in [
        "phone.full",
        "type",
        "billing_contact",
        "uuid",
        "version",
        "last_updated_on",
        "last_name",
    ] {
        let i = f.index(name).unwrap();
        assert!(f.set_text(i, "x").is_err(), "{name} should be read-only");
    }
}

// ---- contactreg (002_ca4c3d203a80a2bf.txt) ----

#[test]
fn contactreg_page_request_sends_only_what_differs_and_never_read_only_keys() {
    // Start from an older version of the page's contact, then apply the page's request values.
    let mut record = seed("contactreg", "1941877");
    record["birthPlace"] = json!("MELBOURNE");
    record["email"] = json!("old@v.com");
    record["birthday"] = json!("2001-01-08");
    let mut f = Form::from_record(spec("contactreg"), record);
    let page: Json = json!({"addressId": 1675073, "birthCountry": "AUSTRALIA", "birthPlace": "CLAYTON",
        "birthState": "VIC", "birthday": "2001-08-01", "businessNumber": "", "companyNumber": null,
        "contactType": "People", "email": "c@v.com", "firstName": "Christian", "id": 1941877,
        "incorporationDate": null, "lastName": "Vieri", "middleName": "", "mobile": null,
        "name": "Christian Vieri", "nationality": null, "phone1": null, "phone2": null,
        "placeOfIncorporation": null, "representativeIds": null, "sex": null, "skype": null,
        "taxNumber": "", "title": null});
    for (key, value) in page.as_object().unwrap() {
        let i = f.index(key).unwrap();
        let value = rolo::edit::codec::from_json(f.fields()[i].kind, Some(value));
        // Read-only and not-applicable keys of the page's body are refused, as the API would.
        let _ = f.set(i, value);
    }
    assert_body(
        &f,
        json!({"email": "c@v.com", "birthday": "2001-08-01", "birthPlace": "CLAYTON"}),
    );
}

#[test]
fn contactreg_company_fields_only_for_companies() {
    let mut company = form("contactreg", "1941878");
    set(&mut company, "name", "Southbank Traders Ltd");
    set(&mut company, "placeOfIncorporation", "New Zealand");
    set(&mut company, "incorporationDate", "2010-01-31");
    assert_body(
        &company,
        json!({"name": "Southbank Traders Ltd", "placeOfIncorporation": "New Zealand", "incorporationDate": "2010-01-31"}),
    );
    let first = company.index("firstName").unwrap();
    let err = company.set_text(first, "Bob").unwrap_err();
    assert_eq!(
        err.to_string(),
        "firstName cannot be edited: only allowed when contactType is People (it is Company)"
    );

    let mut other = form("contactreg", "1941879");
    set(&mut other, "name", "Vieri Trust No. 2");
    let business = other.index("businessNumber").unwrap();
    assert!(other.set_text(business, "123").is_err());
    assert_body(&other, json!({"name": "Vieri Trust No. 2"}));

    let mut person = form("contactreg", "1941877");
    let name = person.index("name").unwrap();
    assert!(
        person.set_text(name, "Chris Vieri").is_err(),
        "name is derived for People"
    );
    set(&mut person, "sex", "Male");
    set(&mut person, "birthCountry", "it");
    assert_body(&person, json!({"sex": "Male", "birthCountry": "it"}));
}

#[test]
fn contactreg_joint_member_cannot_be_updated() {
    let mut joint = form("contactreg", "1941880");
    let email = joint.index("email").unwrap();
    let err = joint.set_text(email, "new@example.com").unwrap_err();
    assert!(err.to_string().contains("Joint Member"), "{err}");
    let issues = joint.validate();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].rule, Rule::ForbidUpdate);
    assert!(matches!(joint.access(email), rolo::edit::Access::Locked(_)));
}

#[test]
fn contactreg_clear_sends_null() {
    let mut f = form("contactreg", "1941877");
    let birthday = f.index("birthday").unwrap();
    f.clear(birthday).unwrap();
    assert_body(&f, json!({"birthday": null}));
}

// ---- cro (003_2ff2b93408e07c83.txt) ----

#[test]
fn cro_page_example_request() {
    let mut f = form("cro", "1001/5001");
    set(&mut f, "email", "test.updated@contacts.com");
    let body = f.build_update().unwrap().body;
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"email":"test.updated@contacts.com"}"#
    );
}

#[test]
fn cro_flags_send_json_booleans() {
    let mut f = form("cro", "1001/5001");
    set(&mut f, "notify_on_new_request", "TRUE");
    set(&mut f, "notify_on_failed_request", "0");
    assert_body(
        &f,
        json!({"notify_on_new_request": true, "notify_on_failed_request": false}),
    );
}

#[test]
fn cro_lengths_and_lists_are_enforced() {
    let mut f = form("cro", "1001/5001");
    set(&mut f, "fax", "12345");
    set(&mut f, "email", "a@contacts.com; b@contacts.com");
    set(&mut f, "number", "");
    assert_eq!(
        refused_rules(&f),
        vec![
            (
                Some("email".into()),
                Rule::Kind(rolo::spec::Kind::EmailList)
            ),
            (Some("number".into()), Rule::MinLength),
            (Some("fax".into()), Rule::MinLength),
        ]
    );
    // An empty e-mail list is allowed ("at least 0 characters").
    let mut g = form("cro", "1001/5001");
    let email = g.index("email").unwrap();
    g.clear(email).unwrap();
    assert_body(&g, json!({"email": ""}));
}

// ---- servicedesk (004_80e5b959a22571f5.txt) ----

/// The sample contact printed on the page, copied verbatim (tests/fixtures/).
fn servicedesk_page_sample() -> Json {
    serde_json::from_str(include_str!("fixtures/servicedesk-page-sample.json"))
        .expect("fixture is JSON")
}

#[test]
fn servicedesk_page_sample_is_sent_whole_with_the_change_merged_in() {
    let sample = servicedesk_page_sample();
    let mut f = Form::from_record(spec("servicedesk"), sample.clone());
    set(&mut f, "lastname", "Schmidt");
    let mut expected = sample;
    expected["lastname"] = json!("Schmidt");
    // Read-only: left out. Everything else, the embedded company included, goes back as read.
    expected
        .as_object_mut()
        .unwrap()
        .shift_remove("modified_dateutc");
    assert_body(&f, expected);
}

#[test]
fn servicedesk_id_in_body_is_the_record_id_and_clears_are_left_out() {
    let mut f = form("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2");
    let notes = f.index("notes").unwrap();
    f.clear(notes).unwrap();
    let body = f.build_update().unwrap().body;
    assert_eq!(body["id"], json!("93498506-9dde-4593-b844-e3c51c0e2bc2"));
    // Under a full replace a member left out is cleared; the page never shows null.
    assert!(body.get("notes").is_none());
    assert_eq!(body["firstname"], json!("Anna"));
    assert!(body.get("modified_dateutc").is_none());
    assert_eq!(body.as_object().unwrap().len(), 23);
}

#[test]
fn servicedesk_needs_lastname_and_one_company_reference() {
    let mut f = form("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2");
    for name in ["company_id", "company_code", "company", "lastname"] {
        let i = f.index(name).unwrap();
        f.clear(i).unwrap();
    }
    assert_eq!(
        refused_rules(&f),
        vec![
            (Some("lastname".into()), Rule::Required),
            (None, Rule::OneOfRequired)
        ]
    );
    let issue = f.validate().into_iter().last().unwrap();
    assert_eq!(
        issue.to_string(),
        "one of company_id, company_code, company must be present"
    );
    // Any one of the three is enough.
    set(&mut f, "lastname", "Schmidt");
    set(&mut f, "company_code", "ACME-002");
    let body = f.build_update().unwrap().body;
    assert_eq!(body["company_code"], json!("ACME-002"));
    assert_eq!(body["company_id"], Json::Null);
    assert_eq!(body["company"], Json::Null);
}

#[test]
fn servicedesk_a_full_replace_checks_untouched_fields_too() {
    let mut record = seed("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2");
    record["functions"] = json!("f".repeat(65));
    let mut f = Form::from_record(spec("servicedesk"), record);
    set(&mut f, "firstname", "Annabel");
    assert_eq!(
        refused_rules(&f),
        vec![(Some("functions".into()), Rule::MaxLength)]
    );
}

#[test]
fn servicedesk_password_is_masked_in_change_debug() {
    let mut f = form("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2");
    set(&mut f, "e_password", "N3w-Secret-Value");
    let update = f.build_update().unwrap();
    assert_eq!(update.body["e_password"], json!("N3w-Secret-Value"));
    let shown = format!("{:?} {:?}", update.changes, f);
    assert!(!shown.contains("N3w-Secret-Value"), "{shown}");
    assert!(!shown.contains("Winter-2026!"), "{shown}");
}

// ---- identity, clearing and reading edge cases ----

fn reference(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn servicedesk_id_must_be_present_a_guid_and_the_reference() {
    let id = "93498506-9dde-4593-b844-e3c51c0e2bc2";
    let edited = |record: Json, reference_id: &str| {
        let mut f = Form::from_record(spec("servicedesk"), record)
            .with_reference(reference(&[("id", reference_id)]));
        set(&mut f, "firstname", "Annabel");
        f
    };
    let seed_record = seed("servicedesk", id);
    // The reference may differ in case only (GUIDs are case-insensitive).
    let ok = edited(seed_record.clone(), &id.to_uppercase());
    assert_eq!(ok.build_update().unwrap().body["id"], json!(id));

    let other = edited(seed_record.clone(), "11111111-2222-3333-4444-555555555555");
    assert_eq!(
        refused_rules(&other),
        vec![(Some("id".into()), Rule::Identity)]
    );

    let mut missing = seed_record.clone();
    missing.as_object_mut().unwrap().shift_remove("id");
    assert_eq!(
        refused_rules(&edited(missing, id)),
        vec![(Some("id".into()), Rule::Required)]
    );

    let mut malformed = seed_record;
    malformed["id"] = json!("not-a-guid");
    assert_eq!(
        refused_rules(&edited(malformed, "not-a-guid")),
        vec![(Some("id".into()), Rule::Pattern)]
    );
}

#[test]
fn flags_without_an_empty_value_cannot_be_cleared() {
    let mut cro = form("cro", "1001/5001");
    let flag = cro.index("notify_on_new_request").unwrap();
    let err = cro.clear(flag).unwrap_err();
    assert_eq!(
        err.to_string(),
        "notify_on_new_request cannot be cleared: cro documents no empty value for a flexible_bool field; set a value instead"
    );
    let mut exsited = form("exsited", "ACC-1001/CONTACT_1");
    let flag = exsited.index("email.do_not_email").unwrap();
    assert!(exsited.clear(flag).is_err());
    assert_eq!(exsited.dirty_count() + cro.dirty_count(), 0);
    // servicedesk's null stands for "no value" in a full replace.
    let mut sd = form("servicedesk", "93498506-9dde-4593-b844-e3c51c0e2bc2");
    let archived = sd.index("archived").unwrap();
    sd.clear(archived).unwrap();
    assert_eq!(sd.build_update().unwrap().body["archived"], Json::Null);
}

#[test]
fn clearing_what_the_record_never_had_sends_nothing() {
    let mut f = form("clemta", "64b8f1a2e4b0c8d9f0123456");
    let tax = f.index("billing.tax_id").unwrap();
    assert_eq!(f.clear(tax), Ok(false));
    set(&mut f, "billing.tax_id", "X-1");
    assert_eq!(f.clear(tax), Ok(true));
    assert_eq!(f.build_update(), Err(BuildError::NoChanges));
}

#[test]
fn exsited_custom_attributes_clear_to_an_empty_array() {
    let mut f = form("exsited", "ACC-1001/CONTACT_2");
    let attrs = f.index("custom_attributes").unwrap();
    f.clear(attrs).unwrap();
    assert_body(
        &f,
        json!({"account": {"contact": {"custom_attributes": []}}}),
    );
}

#[test]
fn cro_email_list_limits() {
    let mut f = form("cro", "1001/5001");
    // Exactly 256 characters is allowed: eleven addresses, the last one longer.
    let mut parts = vec!["abcdefgh@contacts.com".to_string(); 11];
    parts[10] = format!("{}@contacts.com", "b".repeat(23));
    let address = parts.join(",");
    assert_eq!(address.len(), 256);
    set(&mut f, "email", &address);
    assert!(f.build_update().is_ok());
    set(&mut f, "email", &format!("{address},a@contacts.com"));
    assert_eq!(
        refused_rules(&f),
        vec![(Some("email".into()), Rule::MaxLength)]
    );
    set(&mut f, "email", "   ");
    assert_eq!(
        refused_rules(&f),
        vec![(
            Some("email".into()),
            Rule::Kind(rolo::spec::Kind::EmailList)
        )]
    );
}

#[test]
fn contactreg_every_person_field_is_refused_on_a_company() {
    let mut company = form("contactreg", "1941878");
    for name in [
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
    ] {
        let i = company.index(name).unwrap();
        let err = company.set_text(i, "x").unwrap_err();
        assert!(
            err.to_string()
                .contains("only allowed when contactType is People"),
            "{name}: {err}"
        );
    }
    let mut person = form("contactreg", "1941877");
    for name in [
        "name",
        "businessNumber",
        "placeOfIncorporation",
        "incorporationDate",
    ] {
        let i = person.index(name).unwrap();
        assert!(person.set_text(i, "x").is_err(), "{name}");
    }
    assert_eq!(company.dirty_count() + person.dirty_count(), 0);
}

#[test]
fn reading_tolerates_plain_salutations_and_float_integers() {
    let mut record = seed("exsited", "ACC-1001/CONTACT_1");
    record["salutation"] = json!("Prof.");
    let f = Form::from_record(spec("exsited"), record);
    assert_eq!(
        f.value(f.index("salutation").unwrap()),
        &Value::text("Prof.")
    );

    let mut record = seed("contactreg", "1941877");
    record["addressId"] = json!(1675073.0);
    let f = Form::from_record(spec("contactreg"), record);
    assert_eq!(
        f.value(f.index("addressId").unwrap()),
        &Value::text("1675073")
    );
    assert!(f.validate().is_empty());
}
