//! Loading vendor specs: the built-ins, user specs in the config folder, overrides, and
//! malformed files reported with file and line while the others still load.

mod common;

use std::fs;
use std::path::Path;

use rolo::spec::{Catalog, Kind, Semantics, parse_spec};

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

/// A small valid spec for user files.
const ACME: &str = r#"id = "acme"
name = "Acme CRM"
semantics = "partial"

[reference]
template = "{id}"

[[auth]]
header = "Authorization"
value = "Token {secret}"

[read]
method = "GET"
path = "/people/{id}"

[update]
method = "PATCH"
path = "/people/{id}"

[[fields]]
name = "name"
kind = "text"
max_length = 10
"#;

#[test]
fn built_in_specs_load_without_problems() {
    let catalog = Catalog::built_in();
    assert!(catalog.problems().is_empty(), "{:?}", catalog.problems());
    assert_eq!(catalog.ids(), common::VENDORS);
    for spec in catalog.specs() {
        assert_eq!(spec.origin, format!("built-in {}.toml", spec.id));
        assert!(!spec.docs.is_empty(), "{} cites its page", spec.id);
    }
}

#[test]
fn each_spec_describes_every_field_its_page_documents() {
    let expect: &[(&str, &[&str])] = &[
        (
            "clemta",
            &[
                "id",
                "created_at",
                "updated_at",
                "type",
                "full_name",
                "email",
                "company_id",
                "status",
                "description",
                "cc_emails",
                "bcc_emails",
                "billing.email",
                "billing.phone",
                "billing.phone_code",
                "billing.iso_code",
                "billing.country",
                "billing.address_1",
                "billing.address_2",
                "billing.postal_code",
                "billing.district",
                "billing.state",
                "billing.province",
                "billing.tax_id",
            ],
        ),
        (
            "exsited",
            &[
                "type",
                "type_display_name",
                "billing_contact",
                "shipping_contact",
                "salutation",
                "designation",
                "first_name",
                "middle_name",
                "last_name",
                "email.address",
                "email.do_not_email",
                "address_line_1",
                "address_line_2",
                "address_line_3",
                "address_line_4",
                "address_line_5",
                "post_code",
                "city",
                "state",
                "country",
                "phone.country_code",
                "phone.area_code",
                "phone.number",
                "phone.full",
                "phone.do_not_call",
                "fax.country_code",
                "fax.area_code",
                "fax.number",
                "fax.full",
                "fax.do_not_call",
                "mobile.country_code",
                "mobile.area_code",
                "mobile.number",
                "mobile.full",
                "mobile.do_not_call",
                "custom_attributes",
                "receive_billing_information",
                "created_by",
                "created_on",
                "last_updated_by",
                "last_updated_on",
                "uuid",
                "version",
            ],
        ),
        (
            "contactreg",
            &[
                "id",
                "contactType",
                "firstName",
                "middleName",
                "lastName",
                "name",
                "addressId",
                "title",
                "sex",
                "email",
                "mobile",
                "phone1",
                "phone2",
                "taxNumber",
                "birthday",
                "birthPlace",
                "birthState",
                "birthCountry",
                "skype",
                "businessNumber",
                "placeOfIncorporation",
                "incorporationDate",
                "companyNumber",
                "nationality",
                "representativeIds",
            ],
        ),
        (
            "cro",
            &[
                "id",
                "name",
                "email",
                "number",
                "fax",
                "notify_on_new_request",
                "notify_on_acknowledged_request",
                "notify_on_dispatched_request",
                "notify_on_completed_request",
                "notify_on_failed_request",
            ],
        ),
        (
            "servicedesk",
            &[
                "id",
                "firstname",
                "lastname",
                "company_id",
                "company_code",
                "company",
                "db_language_id",
                "db_language_code",
                "db_title_id",
                "archived",
                "functions",
                "e_login",
                "e_password",
                "notes",
                "birthdate",
                "create_date",
                "phone",
                "mobile",
                "email",
                "skype",
                "private_phone",
                "private_mobile",
                "private_email",
                "reference_back_office",
                "modified_dateutc",
            ],
        ),
    ];
    for (vendor, names) in expect {
        let spec = common::spec(vendor);
        let got: Vec<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(&got, names, "{vendor}");
    }
}

#[test]
fn specs_carry_the_vendor_facts_product_md_lists() {
    let clemta = common::spec("clemta");
    assert_eq!(clemta.update.method, "PATCH");
    assert_eq!(clemta.auth[0].name, "X-API-Key");
    assert_eq!(clemta.response_contact.to_string(), "data");
    assert_eq!(
        clemta.envelope.error_code.as_ref().unwrap().to_string(),
        "error.code"
    );
    assert_eq!(clemta.field("created_at").unwrap().kind, Kind::EpochSeconds);

    let exsited = common::spec("exsited");
    assert_eq!(exsited.update.method, "PUT");
    assert_eq!(exsited.request_wrapper.to_string(), "account.contact");
    assert_eq!(exsited.response_contact.to_string(), "account.contacts");
    assert_eq!(
        exsited
            .field("salutation")
            .unwrap()
            .response_path
            .to_string(),
        "salutation.name"
    );
    assert!(exsited.field("phone.full").unwrap().read_only.is_some());
    assert_eq!(
        exsited.reference.capture("ACC-1001/CONTACT_1").unwrap()["contact_type"],
        "CONTACT_1"
    );

    let cro = common::spec("cro");
    let headers: Vec<(&str, &str)> = cro
        .auth
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    assert_eq!(
        headers,
        [
            ("Authorization", "Bearer {secret}"),
            ("x-tenant-id", "{tenant_id}")
        ]
    );
    assert_eq!(
        cro.update.path.as_str(),
        "/customers/{customer_id}/contacts/{customer_contact_id}/"
    );

    let sd = common::spec("servicedesk");
    assert_eq!(sd.semantics, Semantics::FullReplace);
    assert!(sd.field("e_password").unwrap().is_secret());
    assert!(sd.field("id").unwrap().identity);

    let reg = common::spec("contactreg");
    assert_eq!(reg.auth[0].value.as_str(), "{secret}");
    let birth_state = reg.field("birthState").unwrap();
    assert_eq!(
        birth_state.limits.values,
        [
            "ACT", "NSW", "VIC", "QLD", "SA", "WA", "TAS", "NT", "Foreign"
        ]
    );
}

#[test]
fn user_specs_load_and_override_built_ins() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "acme.toml", ACME);
    let cro_override = include_str!("../assets/vendors/cro.toml")
        .replace("name = \"CRO\"", "name = \"CRO (staging)\"");
    write(dir.path(), "cro.toml", &cro_override);
    write(dir.path(), "notes.txt", "not a spec");
    let catalog = Catalog::load(Some(dir.path()));
    assert!(catalog.problems().is_empty(), "{:?}", catalog.problems());
    assert_eq!(
        catalog.ids(),
        [
            "clemta",
            "exsited",
            "contactreg",
            "cro",
            "servicedesk",
            "acme"
        ]
    );
    let cro = catalog.get("cro").unwrap();
    assert_eq!(cro.name, "CRO (staging)");
    assert!(cro.origin.ends_with("cro.toml") && !cro.origin.starts_with("built-in"));
    assert_eq!(
        catalog.get("acme").unwrap().fields[0].limits.max_length,
        Some(10)
    );
}

#[test]
fn a_missing_user_folder_is_not_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::load(Some(&dir.path().join("nope")));
    assert!(catalog.problems().is_empty());
    assert_eq!(catalog.specs().count(), 5);
}

#[test]
fn malformed_specs_are_reported_with_file_and_line_and_the_rest_load() {
    let dir = tempfile::tempdir().unwrap();
    // Line 22 has an unknown kind.
    write(
        dir.path(),
        "a-bad-kind.toml",
        &ACME.replace("kind = \"text\"", "kind = \"txt\""),
    );
    // Line 3 is not TOML.
    write(
        dir.path(),
        "b-syntax.toml",
        &ACME.replace("semantics = \"partial\"", "semantics = partial ="),
    );
    // Line 23: a `when` naming a field that does not exist.
    write(
        dir.path(),
        "c-when.toml",
        &ACME.replace("id = \"acme\"", "id = \"acme3\"").replace(
            "max_length = 10",
            "when = { field = \"kind\", is = [\"x\"] }",
        ),
    );
    write(
        dir.path(),
        "d-good.toml",
        &ACME.replace("id = \"acme\"", "id = \"acme4\""),
    );
    let catalog = Catalog::load(Some(dir.path()));
    let problems: Vec<String> = catalog.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let at = |file: &str| {
        problems
            .iter()
            .find(|p| p.contains(file))
            .unwrap_or_else(|| panic!("{file}: {problems:#?}"))
    };
    let bad_kind = at("a-bad-kind.toml");
    assert!(bad_kind.contains(".toml:22: "), "{bad_kind}");
    assert!(bad_kind.contains("unknown kind \"txt\""), "{bad_kind}");
    let syntax = at("b-syntax.toml");
    assert!(syntax.contains(".toml:3: "), "{syntax}");
    let when = at("c-when.toml");
    assert!(when.contains(".toml:23: "), "{when}");
    assert!(when.contains("\"kind\", which is not a field"), "{when}");
    // The good user spec and every built-in still load.
    assert_eq!(
        catalog.ids(),
        [
            "clemta",
            "exsited",
            "contactreg",
            "cro",
            "servicedesk",
            "acme4"
        ]
    );
}

#[test]
fn semantic_mistakes_name_their_line() {
    let cases: &[(&str, &str, usize, &str)] = &[
        (
            "path = \"/people/{id}\"\n\n[update]",
            "path = \"/people/{pid}\"\n\n[update]",
            14,
            "{pid}",
        ),
        (
            "value = \"Token {secret}\"",
            "value = \"Token {token}\"",
            10,
            "{token}",
        ),
        (
            "semantics = \"partial\"",
            "semantics = \"merge\"",
            3,
            "\"merge\"",
        ),
        (
            "max_length = 10",
            "max_length = 10\nmin_length = 11",
            24,
            "greater than max_length",
        ),
        (
            "max_length = 10",
            "values = [\"a\"]",
            23,
            "only applies to enum",
        ),
        (
            "max_length = 10",
            "pattern = \"(\"",
            23,
            "pattern does not compile",
        ),
        (
            "template = \"{id}\"",
            "template = \"id\"",
            6,
            "no placeholder",
        ),
        ("method = \"PATCH\"", "method = \"FETCH\"", 17, "\"FETCH\""),
    ];
    for (from, to, line, needle) in cases {
        assert!(ACME.contains(from), "{from}");
        let err = parse_spec("user.toml", &ACME.replacen(from, to, 1)).expect_err(to);
        assert_eq!(err.line, Some(*line), "{to}: {err}");
        assert!(err.to_string().contains(needle), "{to}: {err}");
        assert!(
            err.to_string().starts_with(&format!("user.toml:{line}: ")),
            "{err}"
        );
    }
}

#[test]
fn a_duplicate_field_name_is_refused() {
    let text = format!("{ACME}\n[[fields]]\nname = \"name\"\nkind = \"email\"\n");
    let err = parse_spec("dup.toml", &text).unwrap_err();
    assert_eq!(err.line, Some(26));
    assert!(err.message.contains("used by an earlier field"), "{err}");
}

#[test]
fn overlapping_fields_and_foreign_list_params_are_refused() {
    let overlap = format!("{ACME}\n[[fields]]\nname = \"name.first\"\nkind = \"text\"\n");
    let err = parse_spec("o.toml", &overlap).unwrap_err();
    assert_eq!(err.line, Some(26));
    assert!(err.message.contains("overlaps field \"name\""), "{err}");

    let list = format!("{ACME}\n[list]\npath = \"/orgs/{{org}}/people\"\nreference = \"{{id}}\"\n");
    let err = parse_spec("l.toml", &list).unwrap_err();
    assert_eq!(err.line, Some(26));
    assert!(err.message.contains("list path uses {org}"), "{err}");

    let wrapper = ACME.replacen(
        "semantics = \"partial\"",
        "semantics = \"partial\"\nrequest_wrapper = \"a..b\"",
        1,
    );
    let err = parse_spec("w.toml", &wrapper).unwrap_err();
    assert!(
        err.message
            .contains("request_wrapper \"a..b\" has an empty part"),
        "{err}"
    );
}
