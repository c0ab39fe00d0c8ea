//! `rolo vendors import`: OpenAPI documents of the five built-in vendors (tests/fixtures/openapi)
//! must import to their built-in specs field by field; two other real-world-shaped documents
//! import with what they lose listed; refusals name their JSON pointer; the CLI writes a spec
//! (tests/openapi_import_cli.rs) that `rolo vendors` shows and `rolo patch` and the editor use.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use rolo::import::{self, ImportError, Imported, Options};
use rolo::spec::{Catalog, Field, VendorSpec, parse_spec};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openapi")
        .join(name)
}

/// (vendor, document, update operation)
const FIXTURES: [(&str, &str, &str); 5] = [
    ("clemta", "clemta.json", "updateContact"),
    (
        "exsited",
        "exsited.yaml",
        "PUT /api/v3/accounts/{account_id}/contacts/{contact_type}",
    ),
    ("contactreg", "contactreg.yaml", "updateContact"),
    ("cro", "cro.yaml", "updateCustomerContact"),
    ("servicedesk", "servicedesk.yaml", "Contact_Put"),
];

/// Differences the documents keep on purpose: each is the document being stricter than the
/// built-in spec, where the page says more than the built-in spec checks.
const KNOWN: [&str; 1] = [
    // The page shows `representativeIds` as an array of ids; the built-in takes any JSON.
    "contactreg: representativeIds: json_type: built-in None, imported Some(Array)",
];

fn import_file(file: &str, update: &str, id: Option<&str>) -> Result<Imported, ImportError> {
    let text = std::fs::read_to_string(fixture(file)).expect("the fixture is readable");
    let doc = import::parse_document(&text)?;
    import::import(
        &doc,
        &Options {
            update: Some(update.to_string()),
            id: id.map(str::to_string),
            docs: file.to_string(),
            ..Options::default()
        },
    )
}

fn load(imported: &Imported) -> VendorSpec {
    parse_spec("imported", &imported.toml)
        .unwrap_or_else(|e| panic!("the generated spec does not load: {e}\n{}", imported.toml))
}

fn condition(spec: &VendorSpec, field: &Field) -> Option<(String, BTreeSet<String>)> {
    field.condition.as_ref().map(|c| {
        (
            spec.fields[c.field].name.clone(),
            c.values.iter().cloned().collect(),
        )
    })
}

fn describe_type(kind: &rolo::spec::ParamType) -> String {
    match kind {
        rolo::spec::ParamType::Pattern(regex) => format!("pattern {}", regex.as_str()),
        named => named.name().to_string(),
    }
}

/// Every way the imported spec differs from the built-in one, one line each.
fn differences(vendor: &str, built: &VendorSpec, got: &VendorSpec) -> Vec<String> {
    let mut out = Vec::new();
    let mut differ = |what: String, a: String, b: String| {
        if a != b {
            out.push(format!("{vendor}: {what}: built-in {a}, imported {b}"));
        }
    };
    differ(
        "reference".into(),
        built.reference.to_string(),
        got.reference.to_string(),
    );
    let types = |s: &VendorSpec| -> Vec<String> {
        s.reference_types
            .iter()
            .map(|(name, kind)| format!("{name}: {}", describe_type(kind)))
            .collect()
    };
    differ(
        "reference types".into(),
        format!("{:?}", types(built)),
        format!("{:?}", types(got)),
    );
    differ(
        "semantics".into(),
        format!("{:?}", built.semantics),
        format!("{:?}", got.semantics),
    );
    for (what, a, b) in [
        ("read", &built.read, &got.read),
        ("update", &built.update, &got.update),
    ] {
        differ(
            what.into(),
            format!("{} {}", a.method, a.path),
            format!("{} {}", b.method, b.path),
        );
    }
    differ(
        "request_wrapper".into(),
        built.request_wrapper.to_string(),
        got.request_wrapper.to_string(),
    );
    differ(
        "response_contact".into(),
        built.response_contact.to_string(),
        got.response_contact.to_string(),
    );
    let auth = |s: &VendorSpec| -> BTreeSet<String> {
        s.auth
            .iter()
            .map(|h| format!("{}: {}", h.name.to_ascii_lowercase(), h.value))
            .collect()
    };
    differ(
        "auth".into(),
        format!("{:?}", auth(built)),
        format!("{:?}", auth(got)),
    );
    let extras = |s: &VendorSpec| -> Vec<String> {
        s.extras
            .iter()
            .map(|e| format!("{} {} {}", e.name, e.kind, e.required))
            .collect()
    };
    differ(
        "extras".into(),
        format!("{:?}", extras(built)),
        format!("{:?}", extras(got)),
    );
    for field in &built.fields {
        let Some(other) = got.field(&field.name) else {
            differ(
                format!("field {}", field.name),
                "present".into(),
                "missing".into(),
            );
            continue;
        };
        let (a, b) = (&field.limits, &other.limits);
        let name = &field.name;
        differ(
            format!("{name}: kind"),
            field.kind.to_string(),
            other.kind.to_string(),
        );
        differ(
            format!("{name}: required"),
            a.required.to_string(),
            b.required.to_string(),
        );
        differ(
            format!("{name}: min_length"),
            format!("{:?}", a.min_length),
            format!("{:?}", b.min_length),
        );
        differ(
            format!("{name}: max_length"),
            format!("{:?}", a.max_length),
            format!("{:?}", b.max_length),
        );
        differ(
            format!("{name}: values"),
            format!("{:?}", a.values),
            format!("{:?}", b.values),
        );
        differ(
            format!("{name}: pattern"),
            format!("{:?}", a.pattern.as_ref().map(|p| p.source())),
            format!("{:?}", b.pattern.as_ref().map(|p| p.source())),
        );
        differ(
            format!("{name}: json_type"),
            format!("{:?}", a.json_type),
            format!("{:?}", b.json_type),
        );
        differ(
            format!("{name}: read-only"),
            field.read_only.is_some().to_string(),
            other.read_only.is_some().to_string(),
        );
        differ(
            format!("{name}: identity"),
            field.identity.to_string(),
            other.identity.to_string(),
        );
        differ(
            format!("{name}: secret"),
            field.is_secret().to_string(),
            other.is_secret().to_string(),
        );
        differ(
            format!("{name}: response path"),
            field.response_path.to_string(),
            other.response_path.to_string(),
        );
        differ(
            format!("{name}: condition"),
            format!("{:?}", condition(built, field)),
            format!("{:?}", condition(got, other)),
        );
    }
    for field in &got.fields {
        if built.field(&field.name).is_none() {
            differ(
                format!("field {}", field.name),
                "missing".into(),
                "present".into(),
            );
        }
    }
    out
}

#[test]
fn the_five_documents_import_to_the_built_in_specs() {
    let catalog = Catalog::built_in();
    let mut all = Vec::new();
    for (vendor, file, update) in FIXTURES {
        let imported = import_file(file, update, Some(vendor))
            .unwrap_or_else(|e| panic!("{file} does not import: {e}"));
        let got = load(&imported);
        let built = catalog.get(vendor).expect("a built-in vendor");
        all.extend(differences(vendor, built, &got));
    }
    assert_eq!(
        all,
        KNOWN,
        "differences from the built-in specs:\n{}",
        all.join("\n")
    );
}

#[test]
fn the_comparison_sees_a_planted_difference() {
    // The field-by-field diff must be able to fail: a document with one limit changed.
    let text = std::fs::read_to_string(fixture("cro.yaml")).unwrap();
    let planted = text.replace("maxLength: 128", "maxLength: 127");
    let doc = import::parse_document(&planted).unwrap();
    let options = Options {
        update: Some("updateCustomerContact".into()),
        ..Options::default()
    };
    let got = load(&import::import(&doc, &options).unwrap());
    let diffs = differences("cro", Catalog::built_in().get("cro").unwrap(), &got);
    assert_eq!(
        diffs,
        ["cro: name: max_length: built-in Some(128), imported Some(127)"]
    );
}

#[test]
fn the_comparison_sees_a_planted_reference_type() {
    // A path parameter's type is compared too: cro's customer_id made text.
    let text = std::fs::read_to_string(fixture("cro.yaml")).unwrap();
    let planted = text.replace(
        "schema: {type: integer, example: 1001}",
        "schema: {type: string, example: \"1001\"}",
    );
    let doc = import::parse_document(&planted).unwrap();
    let options = Options {
        update: Some("updateCustomerContact".into()),
        ..Options::default()
    };
    let got = load(&import::import(&doc, &options).unwrap());
    let diffs = differences("cro", Catalog::built_in().get("cro").unwrap(), &got);
    assert_eq!(
        diffs,
        [
            "cro: reference types: built-in [\"customer_contact_id: integer\", \"customer_id: integer\"], imported [\"customer_contact_id: integer\"]"
        ]
    );
}

#[test]
fn a_built_in_document_imports_with_nothing_lost_but_what_it_says() {
    for (vendor, file, update) in FIXTURES {
        let imported = import_file(file, update, None).unwrap();
        let pointers: Vec<&str> = imported
            .unmapped
            .iter()
            .map(|u| u.pointer.as_str())
            .collect();
        match vendor {
            // Its page offers form bodies beside JSON.
            "servicedesk" => assert_eq!(
                pointers,
                [
                    "#/paths/~1api~1contact~1{id}/put/requestBody/content/application~1x-www-form-urlencoded"
                ]
            ),
            _ => assert!(pointers.is_empty(), "{vendor}: {:?}", imported.unmapped),
        }
        // What is not mapped is in the file too.
        for item in &imported.unmapped {
            assert!(imported.toml.contains(&item.pointer), "{vendor}: {item:?}");
        }
    }
}

#[test]
fn a_crm_contacts_patch_with_custom_properties() {
    let imported = import_file("crm-contacts.yaml", "updateContact", None).unwrap();
    let spec = load(&imported);
    assert_eq!(spec.id, "acme-crm");
    assert_eq!(spec.request_wrapper.to_string(), "properties");
    assert_eq!(spec.response_contact.to_string(), "properties");
    assert_eq!(
        spec.field("email").map(|f| f.kind.to_string()),
        Some("email".into())
    );
    assert_eq!(
        spec.field("lifecyclestage").map(|f| f.limits.values.len()),
        Some(4)
    );
    assert!(
        spec.field("hs_object_id")
            .is_some_and(|f| f.read_only.is_some())
    );
    let said: Vec<String> = imported
        .unmapped
        .iter()
        .map(|u| format!("{}: {}", u.pointer, u.what))
        .collect();
    let has = |needle: &str| said.iter().any(|s| s.contains(needle));
    assert!(has("additionalProperties"), "{said:#?}");
    assert!(has("hapikey: refused"), "{said:#?}");
    assert!(has("decimal number"), "{said:#?}");
    assert!(has("`oneOf` inside a field"), "{said:#?}");
    assert!(has("external `$ref`"), "{said:#?}");
    // Record-level rules are listed, each by its pointer; `required` became a field's limit.
    let listed = |pointer: &str| imported.unmapped.iter().any(|u| u.pointer == pointer);
    for keyword in ["minProperties", "dependentRequired", "x-acme-searchable"] {
        assert!(
            listed(&format!("#/components/schemas/ContactProperties/{keyword}")),
            "{keyword}: {:#?}",
            imported.unmapped
        );
    }
    // The path parameter's pattern is the reference's type: checked before any request.
    assert_eq!(
        spec.reference_types.get("contactId").map(describe_type),
        Some("pattern ^[0-9]+$".to_string())
    );
    assert!(rolo::client::Reference::parse(&spec, "151").is_ok());
    let refused = rolo::client::Reference::parse(&spec, "abc").unwrap_err();
    assert!(
        refused.to_string().contains("text matching ^[0-9]+$"),
        "{refused}"
    );
    assert_eq!(spec.auth.len(), 1);
    assert_eq!(spec.auth[0].value.to_string(), "Bearer {secret}");
}

#[test]
fn a_post_update_with_a_wrapper_array() {
    let imported = import_file("records-api.json", "updateContactRecord", None).unwrap();
    let spec = load(&imported);
    assert_eq!(spec.update.method, "POST");
    assert_eq!(spec.request_wrapper.to_string(), "data");
    // `record_id` has a pattern and no example: the example is left empty, not made up.
    assert_eq!(
        spec.reference_types.get("record_id").map(describe_type),
        Some("pattern ^[0-9]{18,19}$".to_string())
    );
    assert_eq!(spec.reference_example, "");
    assert_eq!(
        spec.field("Email").map(|f| f.kind.to_string()),
        Some("email".into())
    );
    assert_eq!(
        spec.field("Date_of_Birth").map(|f| f.kind.to_string()),
        Some("date".into())
    );
    let said: Vec<&str> = imported.unmapped.iter().map(|u| u.what.as_str()).collect();
    assert!(
        said.iter().any(|s| s.contains("sits in an array")),
        "{said:#?}"
    );
    assert!(
        said.iter().any(|s| s.contains("a POST update")),
        "{said:#?}"
    );
    assert!(said.iter().any(|s| s.contains("form")), "{said:#?}");
}

fn refusal(doc: &str, update: &str) -> (String, String) {
    let result = import::parse_document(doc).and_then(|d| {
        import::import(
            &d,
            &Options {
                update: Some(update.into()),
                ..Options::default()
            },
        )
    });
    match result {
        Err(ImportError::Refused { pointer, message }) => (pointer, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const MINIMAL: &str = r##"{"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
 "paths": {"/c/{id}": {
   "get": {"responses": {"200": {"description": "ok"}}},
   "patch": {"operationId": "u", "requestBody": {"content": {"application/json": {"schema": SCHEMA}}},
             "responses": {"200": {"description": "ok"}}}}},
 "components": {"schemas": {"Name": {"type": "string", "minLength": 5, "maxLength": 2}}}}"##;

#[test]
fn refusals_name_the_json_pointer() {
    let with = |schema: &str| MINIMAL.replace("SCHEMA", schema);
    let (pointer, message) = refusal(
        &with(
            r##"{"type": "object", "properties": {"name": {"$ref": "#/components/schemas/Name"}}}"##,
        ),
        "u",
    );
    assert_eq!(pointer, "#/components/schemas/Name");
    assert!(
        message.contains("minLength 5 is greater than maxLength 2"),
        "{message}"
    );

    let (pointer, message) = refusal(&with(r#"{"$ref": "other.yaml#/Contact"}"#), "u");
    assert_eq!(
        pointer,
        "#/paths/~1c~1{id}/patch/requestBody/content/application~1json/schema"
    );
    assert!(message.contains("outside the document"), "{message}");

    let (pointer, _) = refusal(
        &with(
            r#"{"type": "object", "properties": {"a": {"type": "string", "x-rolo-kind": "colour"}}}"#,
        ),
        "u",
    );
    assert_eq!(
        pointer,
        "#/paths/~1c~1{id}/patch/requestBody/content/application~1json/schema/properties/a/x-rolo-kind"
    );

    let (pointer, message) = refusal(&with(r##"{"$ref": "#/components/schemas/Nope"}"##), "u");
    assert_eq!(
        pointer,
        "#/paths/~1c~1{id}/patch/requestBody/content/application~1json/schema/$ref"
    );
    assert!(message.contains("names nothing"), "{message}");

    let no_read = with(r#"{"type": "object", "properties": {"a": {"type": "string"}}}"#).replace(
        r#""get": {"responses": {"200": {"description": "ok"}}},"#,
        "",
    );
    let (pointer, message) = refusal(&no_read, "u");
    assert_eq!(pointer, "#/paths/~1c~1{id}");
    assert!(message.contains("--read"), "{message}");

    let (pointer, _) = refusal("{\"swagger\": \"2.0\"}", "u");
    assert_eq!(pointer, "#/swagger");
}

#[test]
fn a_recursive_schema_becomes_raw_json_where_it_recurs() {
    let doc = MINIMAL
        .replace("SCHEMA", r##"{"$ref": "#/components/schemas/Node"}"##)
        .replace(
            r#""Name": {"#,
            r##""Node": {"type": "object", "properties": {"label": {"type": "string"},
                "parent": {"$ref": "#/components/schemas/Node"},
                "owner": {"type": "object", "properties": {"node": {"$ref": "#/components/schemas/Node"}}}}},
             "Name": {"##,
        );
    let doc = import::parse_document(&doc).unwrap();
    let options = Options {
        update: Some("u".into()),
        ..Options::default()
    };
    let imported = import::import(&doc, &options).unwrap();
    let spec = load(&imported);
    let names: Vec<(&str, String)> = spec
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.kind.to_string()))
        .collect();
    assert_eq!(
        names,
        [
            ("label", "text".to_string()),
            ("parent", "json".into()),
            ("owner.node", "json".into())
        ]
    );
    assert!(
        imported
            .unmapped
            .iter()
            .any(|u| u.what.contains("a recursive schema"))
    );
}
