//! The importer against generated, structurally valid OpenAPI documents: it never panics,
//! what it makes always loads (`import` checks that itself and says `Generated` when not), and
//! what it refuses names the JSON pointer of the refused part.

use proptest::prelude::*;
use rolo::import::{self, ImportError, Options};
use serde_json::{Value, json};

/// A schema that holds itself, twice per level.
static TREE: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| {
    json!({"type": "object", "properties": {
        "name": {"type": "string"},
        "left": {"$ref": "#/components/schemas/Tree"},
        "right": {"allOf": [{"$ref": "#/components/schemas/Tree"}]}
    }})
});

fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z][a-z_]{0,7}",
        1 => Just("id".to_string()),
        1 => Just("a.b".to_string()),
        1 => Just(String::new()),
        1 => Just("naïve name".to_string()),
        1 => Just("x-y".to_string()),
        1 => "[a-zA-Z0-9_ .-]{1,6}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    let formats = prop_oneof![
        Just("email"),
        Just("date"),
        Just("date-time"),
        Just("uuid"),
        Just("password"),
        Just("byte"),
    ];
    let patterns = prop_oneof![
        Just("^a+$"),
        Just("(?=x)y"),
        Just("["),
        Just("\\d{3}"),
        Just("\\p{L}+")
    ];
    let kinds = prop_oneof![
        Just("flexible_bool"),
        Just("multiline"),
        Just("country"),
        Just("nope"),
        Just("epoch_seconds")
    ];
    prop_oneof![
        Just(json!({"type": "string"})),
        formats.prop_map(|f| json!({"type": "string", "format": f})),
        Just(json!({"type": "integer"})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "file"})),
        (0u64..6, 0u64..6)
            .prop_map(|(a, b)| json!({"type": "string", "minLength": a, "maxLength": b})),
        patterns.prop_map(|p| json!({"type": "string", "pattern": p})),
        prop::collection::vec("[A-Za-z ]{0,4}", 0..4)
            .prop_map(|v| json!({"type": "string", "enum": v})),
        Just(json!({"enum": [1, null, "x"]})),
        Just(json!({"$ref": "#/components/schemas/Shared"})),
        Just(json!({"$ref": "#/components/schemas/Missing"})),
        Just(json!({"$ref": "#/components/schemas/Tree"})),
        Just(json!({"$ref": "other.yaml#/X"})),
        Just(json!({"$ref": 7})),
        Just(json!(true)),
        Just(json!({})),
        Just(json!({"type": ["string", "null"]})),
        Just(json!({"type": ["string", "integer"]})),
        Just(json!({"type": "string", "nullable": true, "readOnly": true})),
        Just(json!({"type": "integer", "writeOnly": true})),
        Just(json!({"type": "string", "writeOnly": true})),
        kinds.prop_map(|k| json!({"type": "string", "x-rolo-kind": k})),
        prop_oneof![Just(""), Just("a..b"), Just("name")]
            .prop_map(|p| json!({"type": "string", "x-rolo-response-path": p})),
        Just(json!({"type": "array", "items": {"type": "string", "format": "email"}})),
        Just(json!({"type": "array"})),
        Just(json!({"type": "object", "additionalProperties": {"type": "string"}})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            (
                prop::collection::vec((member_name(), inner.clone()), 0..6),
                prop::collection::vec(member_name(), 0..3),
                any::<bool>(),
            )
                .prop_map(|(props, required, additional)| {
                    let mut object =
                        json!({"type": "object", "properties": {}, "required": required});
                    for (name, schema) in props {
                        object["properties"][name] = schema;
                    }
                    if additional {
                        object["additionalProperties"] = json!(true);
                    }
                    object
                }),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|parts| json!({"allOf": parts})),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| json!({"oneOf": v})),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| json!({"anyOf": v, "nullable": true})),
            (prop::collection::vec(inner.clone(), 2..4), member_name()).prop_map(
                |(v, property)| {
                    json!({"oneOf": v, "discriminator": {"propertyName": property}})
                }
            ),
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            inner.prop_map(|one| json!({"type": "object", "properties": {"wrapper": one}})),
        ]
    })
}

/// A request body that is an object (the usual case), with members of any shape.
fn body() -> impl Strategy<Value = Value> {
    prop::collection::vec((member_name(), schema()), 1..8).prop_map(|props| {
        let mut object = json!({"type": "object", "properties": {}});
        for (name, schema) in props {
            object["properties"][name] = schema;
        }
        object
    })
}

fn path() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        8 => Just("/c/{id}"),
        4 => Just("/a/{x}/b/{y}/"),
        3 => Just("/c/{id-x}"),
        1 => Just("/c?q/{id}"),
        1 => Just("//c/{id}"),
        1 => Just("/c/{a}{b}"),
        1 => Just("/c/{}"),
        1 => Just("/c"),
        1 => Just("c/{id}"),
    ]
}

fn security() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "http", "scheme": "bearer"})),
        Just(json!({"type": "http", "scheme": "basic"})),
        Just(json!({"type": "http", "scheme": "digest"})),
        Just(json!({"type": "apiKey", "in": "header", "name": "X-Key"})),
        Just(json!({"type": "apiKey", "in": "query", "name": "key"})),
        Just(json!({"type": "apiKey", "in": "cookie", "name": "k"})),
        Just(json!({"type": "oauth2", "flows": {}})),
        Just(json!({"type": "mutualTLS"})),
    ]
}

fn document() -> impl Strategy<Value = Value> {
    (
        prop_oneof![4 => body(), 1 => schema()],
        schema(),
        schema(),
        path(),
        security(),
        prop_oneof![6 => Just("application/json"), 2 => Just("application/merge-patch+json"), 1 => Just("application/x-www-form-urlencoded")],
        prop_oneof![Just("patch"), Just("put"), Just("post")],
        prop_oneof![Just("3.0.3"), Just("3.1.0")],
        prop::collection::vec(
            prop_oneof![Just("x-tenant-id"), Just("x-"), Just("X-Secret"), Just("Accept")],
            0..3,
        ),
    )
        .prop_map(|(body, response, shared, path, scheme, media, method, version, headers)| {
            let params: Vec<Value> = headers
                .iter()
                .map(|h| json!({"name": h, "in": "header", "required": true, "schema": {"type": "integer"}}))
                .collect();
            let mut item = json!({
                "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}},
            });
            item[method] = json!({
                "operationId": "u",
                "parameters": params,
                "requestBody": {"content": {media: {"schema": body}}},
                "responses": {"400": {"description": "bad", "content": {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}}}
            });
            json!({
                "openapi": version,
                "info": {"title": "Fuzzed API", "version": "1"},
                "security": [{"s": []}],
                "paths": {path: item},
                "components": {"schemas": {"Shared": shared, "Tree": TREE.clone()}, "securitySchemes": {"s": scheme}}
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_import_or_are_refused_by_pointer(doc in document(), yaml in any::<bool>()) {
        let text = if yaml {
            serde_yaml_ng::to_string(&doc).unwrap()
        } else {
            serde_json::to_string(&doc).unwrap()
        };
        let parsed = import::parse_document(&text);
        let result = parsed.and_then(|d| import::import(&d, &Options { update: Some("u".into()), ..Options::default() }));
        match result {
            Ok(imported) => {
                prop_assert!(rolo::spec::parse_spec("fuzz", &imported.toml).is_ok());
                for item in &imported.unmapped {
                    prop_assert!(item.pointer.starts_with('#'), "{item:?}");
                }
            }
            Err(ImportError::Refused { pointer, message }) => {
                prop_assert!(pointer.starts_with('#'), "{pointer}: {message}");
                prop_assert!(!message.is_empty());
            }
            Err(ImportError::Generated(e)) => prop_assert!(false, "the importer made a spec that does not load: {e}\n{doc:#}"),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
