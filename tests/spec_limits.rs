//! Hostile user specs: huge, deep, long-named, path-smuggling, and structurally valid specs
//! generated at random. Loading is linear, refuses past documented limits with the line, never
//! panics, and a spec that loads gives a form that can be edited, checked and built.

use proptest::prelude::*;
use rolo::edit::{Form, Value};
use rolo::spec::{Catalog, MAX_FIELDS, MAX_NAME_CHARS, parse_spec};
use serde_json::{Value as Json, json};
use toml::Value as Toml;
use toml::map::Map;

const HEAD: &str = r#"id = "big"
name = "Big"
semantics = "partial"
[reference]
template = "{id}"
[[auth]]
header = "X-Key"
value = "{secret}"
[read]
method = "GET"
path = "/c/{id}"
[update]
method = "PATCH"
path = "/c/{id}"
"#;

fn with_fields(names: impl Iterator<Item = String>) -> String {
    let mut text = HEAD.to_string();
    for name in names {
        text.push_str(&format!("[[fields]]\nname = \"{name}\"\nkind = \"text\"\n"));
    }
    text
}

#[test]
fn a_spec_of_the_most_fields_loads_and_one_more_is_refused() {
    // Nested names in 100 groups: the overlap check sees every prefix. The quadratic loader
    // this replaces took minutes here; no timing is asserted (see BENCHMARKS.md).
    let spec = parse_spec(
        "big.toml",
        &with_fields((0..MAX_FIELDS).map(|i| format!("g{}.f{i}", i % 100))),
    )
    .expect("the largest allowed spec loads");
    assert_eq!(spec.fields.len(), MAX_FIELDS);
    let err = parse_spec(
        "big.toml",
        &with_fields((0..=MAX_FIELDS).map(|i| format!("f{i}"))),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(&format!("rolo reads at most {MAX_FIELDS}")),
        "{err}"
    );
}

#[test]
fn overlapping_and_duplicate_names_are_still_refused_in_any_order() {
    for (a, b) in [
        ("billing", "billing.email"),
        ("billing.email", "billing"),
        ("a.b.c", "a"),
        ("a", "a.b.c"),
        ("x.y", "x.y"),
    ] {
        let err = parse_spec("s.toml", &with_fields([a, b].map(String::from).into_iter()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("overlaps field") || err.contains("used by an earlier field"),
            "{a} / {b}: {err}"
        );
        assert!(err.starts_with("s.toml:"), "{err}");
    }
    // Siblings sharing a prefix are fine.
    parse_spec(
        "s.toml",
        &with_fields(
            ["billing.email", "billing.phone", "billingx"]
                .map(String::from)
                .into_iter(),
        ),
    )
    .expect("siblings load");
}

#[test]
fn names_and_labels_past_the_limit_are_refused_with_their_line() {
    let long = "x".repeat(70_000);
    let err = parse_spec("long.toml", &with_fields([long].into_iter()))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("long.toml:16:"),
        "{}",
        &err[..80.min(err.len())]
    );
    assert!(
        err.contains(&format!("longer than {MAX_NAME_CHARS}")),
        "{err}"
    );
    assert!(
        err.len() < 300,
        "the error quotes the name whole: {} bytes",
        err.len()
    );
    let at_limit = "y".repeat(MAX_NAME_CHARS);
    parse_spec("ok.toml", &with_fields([at_limit].into_iter())).expect("a name at the limit");

    let label = format!(
        "{HEAD}[[fields]]\nname = \"n\"\nkind = \"text\"\nlabel = \"{}\"\n",
        "L".repeat(MAX_NAME_CHARS + 1)
    );
    let err = parse_spec("label.toml", &label).unwrap_err().to_string();
    assert!(err.contains("label is longer"), "{err}");
}

#[test]
fn request_paths_cannot_leave_the_profiles_host() {
    for path in [
        "@other-host:9/contacts/{id}",
        "contacts/{id}",
        "//other-host/contacts/{id}",
        "/contacts@other-host/{id}",
        "/contacts/{id}?to=x",
        "/contacts/{id}#x",
        "/\\\\other/{id}",
        "/contacts/ {id}",
    ] {
        let text = HEAD.replace(
            "[update]\nmethod = \"PATCH\"\npath = \"/c/{id}\"",
            &format!(
                "[update]\nmethod = \"PATCH\"\npath = {}",
                Toml::String(path.into())
            ),
        );
        let text = format!("{text}[[fields]]\nname = \"n\"\nkind = \"text\"\n");
        let err = parse_spec("evil.toml", &text).unwrap_err().to_string();
        assert!(err.contains("update path"), "{path}: {err}");
        assert!(err.starts_with("evil.toml:14:"), "{path}: {err}");
    }
}

#[test]
fn a_user_spec_replacing_a_built_in_is_announced() {
    let dir = tempfile::tempdir().unwrap();
    let clemta = rolo::spec::BUILT_IN[0].1;
    std::fs::write(dir.path().join("clemta.toml"), clemta).unwrap();
    let catalog = Catalog::load(Some(dir.path()));
    assert!(catalog.problems().is_empty(), "{:?}", catalog.problems());
    let replaced = catalog.replaced();
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert!(replaced[0].contains("\"clemta\""), "{replaced:?}");
    assert!(replaced[0].contains("clemta.toml"), "{replaced:?}");
    assert!(Catalog::built_in().replaced().is_empty());
}

// ---- structurally valid specs, generated ----

const KINDS: [&str; 16] = [
    "text",
    "multiline",
    "email",
    "email_list",
    "email_array",
    "bool",
    "bool_string",
    "flexible_bool",
    "integer",
    "date",
    "datetime",
    "epoch_seconds",
    "enum",
    "country",
    "secret",
    "json",
];

/// Names as a hostile file might write them: mostly plain dotted paths, sometimes empty
/// parts, unicode, quotes or past the length limit.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[a-z]{1,6}(\\.[a-z]{1,6}){0,2}",
        1 => "[a-zé_\\.\"\\\\ ]{0,12}",
        1 => Just("x".repeat(MAX_NAME_CHARS + 1)),
        1 => "\\PC{1,8}",
    ]
}

/// Mostly what the loader accepts, each part sometimes wrong: the conversion is reached.
fn field(name: String, others: Vec<String>) -> impl Strategy<Value = Toml> {
    (
        proptest::sample::select(KINDS.to_vec()),
        proptest::collection::vec("[A-Za-z ]{0,4}", 1..4),
        proptest::option::weighted(0.3, (0usize..20, 0usize..20)),
        proptest::option::weighted(
            0.2,
            prop_oneof![
                4 => Just("^[a-z]+$".to_string()),
                1 => Just("(".to_string()),
                4 => Just("\\d{2,}".to_string()),
            ],
        ),
        proptest::option::weighted(0.1, prop_oneof![Just("object"), Just("array"), Just("set")]),
        (
            any::<bool>(),
            proptest::bool::weighted(0.2),
            proptest::bool::weighted(0.1),
        ),
        proptest::option::weighted(0.2, (proptest::sample::select(others), "[A-Za-z]{0,4}")),
        proptest::option::weighted(0.2, prop_oneof![Just("null"), Just("empty"), Just("zero")]),
        proptest::bool::weighted(0.05),
    )
        .prop_map(
            move |(kind, values, lengths, pattern, json_type, flags, when, clear, wrong)| {
                let stringly = !matches!(
                    kind,
                    "bool"
                        | "bool_string"
                        | "flexible_bool"
                        | "integer"
                        | "epoch_seconds"
                        | "json"
                        | "email_array"
                );
                let mut t = Map::new();
                t.insert("name".into(), Toml::String(name.clone()));
                t.insert("kind".into(), Toml::String(kind.into()));
                // `wrong` puts one part where it does not belong.
                if kind == "enum" || wrong {
                    t.insert(
                        "values".into(),
                        Toml::Array(values.into_iter().map(Toml::String).collect()),
                    );
                }
                if let Some((a, b)) = lengths.filter(|_| stringly || wrong) {
                    let (min, max) = if wrong { (a, b) } else { (a.min(b), a.max(b)) };
                    t.insert("min_length".into(), Toml::Integer(min as i64));
                    t.insert("max_length".into(), Toml::Integer(max as i64));
                }
                if let Some(p) = pattern.filter(|_| stringly) {
                    t.insert("pattern".into(), Toml::String(p));
                }
                if let Some(j) = json_type.filter(|_| kind == "json" || wrong) {
                    t.insert("json_type".into(), Toml::String(j.into()));
                }
                let (required, read_only, identity) = flags;
                t.insert("required".into(), Toml::Boolean(required));
                if read_only || identity {
                    t.insert("read_only".into(), Toml::Boolean(read_only || !wrong));
                }
                if identity {
                    t.insert("identity".into(), Toml::Boolean(true));
                }
                if let Some((field, is)) = when {
                    let mut w = Map::new();
                    w.insert("field".into(), Toml::String(field));
                    w.insert("is".into(), Toml::Array(vec![Toml::String(is)]));
                    t.insert("when".into(), Toml::Table(w));
                }
                if let Some(c) = clear {
                    t.insert("clear".into(), Toml::String(c.into()));
                }
                Toml::Table(t)
            },
        )
}

fn spec_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(name(), 1..12).prop_flat_map(|mut names| {
        names.sort();
        names.dedup();
        let fields: Vec<_> = names
            .iter()
            .map(|n| field(n.clone(), names.clone()).boxed())
            .collect();
        (
            fields,
            prop_oneof![8 => Just("partial"), 8 => Just("full_replace"), 1 => Just("both")],
            prop_oneof![
                16 => Just("/c/{id}"),
                1 => Just("/c/{id}/{other}"),
                1 => Just("@h:1/{id}"),
                2 => Just("/c")
            ],
            proptest::option::weighted(
                0.3,
                proptest::collection::vec(proptest::sample::select(names.clone()), 0..4),
            ),
            proptest::option::weighted(
                0.4,
                prop_oneof![8 => Just("data"), 1 => Just("a..b"), 4 => Just("")],
            ),
        )
            .prop_map(|(fields, semantics, path, one_of, wrapper)| {
                let mut text = HEAD
                    .replace(
                        "semantics = \"partial\"",
                        &format!("semantics = \"{semantics}\""),
                    )
                    .replace(
                        "[update]\nmethod = \"PATCH\"\npath = \"/c/{id}\"",
                        &format!("[update]\nmethod = \"PATCH\"\npath = \"{path}\""),
                    );
                if let Some(w) = wrapper {
                    text = format!("request_wrapper = \"{w}\"\nresponse_contact = \"{w}\"\n{text}");
                }
                let mut root = Map::new();
                root.insert("fields".into(), Toml::Array(fields));
                if let Some(names) = one_of {
                    let mut rule = Map::new();
                    rule.insert("rule".into(), Toml::String("one_of_required".into()));
                    rule.insert(
                        "fields".into(),
                        Toml::Array(names.into_iter().map(Toml::String).collect()),
                    );
                    root.insert("rules".into(), Toml::Array(vec![Toml::Table(rule)]));
                }
                let tail = toml::to_string(&Toml::Table(root)).expect("a TOML table serialises");
                format!("{text}{tail}")
            })
    })
}

fn sample_value(i: usize) -> Value {
    match i % 5 {
        0 => Value::text("x"),
        1 => Value::text(""),
        2 => Value::text("a@b.co, c@d.io"),
        3 => Value::Null,
        _ => Value::text("2026-04-24"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_structurally_valid_spec_loads_or_is_refused_with_a_line_and_never_panics(
        text in spec_text(),
        record_values in proptest::collection::vec(any::<u8>(), 0..12),
    ) {
        match parse_spec("gen.toml", &text) {
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("gen.toml"), "{}", message);
                prop_assert!(message.len() < 2_000, "an error quotes at most a snippet");
            }
            Ok(spec) => {
                // A record with some fields present, in the shapes a vendor might send.
                let mut record = json!({});
                for (f, v) in spec.fields.iter().zip(record_values.iter().cycle()) {
                    let value = match v % 4 {
                        0 => Json::String("v".into()),
                        1 => json!(7),
                        2 => json!({"k": [1, "x"]}),
                        _ => Json::Null,
                    };
                    f.response_path.set(&mut record, value);
                }
                let mut form = Form::from_record(std::sync::Arc::new(spec), record);
                for i in 0..form.len() {
                    let _ = form.set(i, sample_value(i));
                    let _ = form.clear(i);
                    let _ = form.set(i, sample_value(i + 1));
                }
                let _ = form.validate();
                let _ = form.build_update();
                while form.undo().is_some() {}
                prop_assert_eq!(form.dirty_count(), 0);
            }
        }
    }
}
