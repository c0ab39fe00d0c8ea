//! Shared by the benches: the largest built-in form, and a synthetic 500-field spec.
#![allow(dead_code)]

use std::sync::Arc;

use rolo::edit::Form;
use rolo::spec::{Catalog, VendorSpec, parse_spec};
use serde_json::{Map, Value as Json};

/// The built-in vendor with the most fields (exsited, 43) and its seed contact.
pub fn largest_vendor_form() -> Form {
    let catalog = Catalog::built_in();
    let spec = catalog
        .specs()
        .max_by_key(|s| s.fields.len())
        .unwrap()
        .clone();
    let seeds: Json = serde_json::from_str(include_str!("../assets/sandbox/exsited.json")).unwrap();
    Form::from_record(spec, seeds[0]["record"].clone())
}

/// A spec of `n` fields of mixed kinds and rules, and a record that fills them.
pub fn synthetic(n: usize) -> (Arc<VendorSpec>, Json) {
    let mut toml = String::from(
        "id = \"synthetic\"\nname = \"Synthetic\"\nsemantics = \"partial\"\n[reference]\ntemplate = \"{id}\"\n\
         [[auth]]\nheader = \"Authorization\"\nvalue = \"Bearer {secret}\"\n[read]\nmethod = \"GET\"\npath = \"/c/{id}\"\n\
         [update]\nmethod = \"PATCH\"\npath = \"/c/{id}\"\n",
    );
    let mut record = Map::new();
    for i in 0..n {
        let (kind, extra, value) = match i % 6 {
            0 => (
                "text",
                "max_length = 50\n",
                Json::from(format!("value {i}")),
            ),
            1 => ("email", "", Json::from(format!("user{i}@example.com"))),
            2 => ("enum", "values = [\"a\", \"b\", \"c\"]\n", Json::from("a")),
            3 => ("bool", "", Json::from(i % 2 == 0)),
            4 => ("date", "", Json::from("2024-05-01")),
            _ => ("integer", "", Json::from(i)),
        };
        let group = i / 25;
        toml.push_str(&format!(
            "[[fields]]\nname = \"g{group}.f{i}\"\nkind = \"{kind}\"\n{extra}"
        ));
        let g = record
            .entry(format!("g{group}"))
            .or_insert_with(|| Json::Object(Map::new()));
        g[format!("f{i}")] = value;
    }
    (
        Arc::new(parse_spec("synthetic.toml", &toml).unwrap()),
        Json::Object(record),
    )
}

pub fn synthetic_form(n: usize) -> Form {
    let (spec, record) = synthetic(n);
    Form::from_record(spec, record)
}

/// A text that stays valid for the field's kind, different from the seed value.
pub fn edit_value(form: &Form, i: usize) -> String {
    use rolo::spec::Kind;
    match form.fields()[i].kind {
        Kind::Email => format!("changed{i}@example.org"),
        Kind::Enum => form.fields()[i]
            .limits
            .values
            .last()
            .cloned()
            .unwrap_or_default(),
        Kind::Bool | Kind::BoolString | Kind::FlexibleBool => {
            if form.value(i).as_text() == Some("true") {
                "false".into()
            } else {
                "true".into()
            }
        }
        Kind::Date => "2025-01-31".into(),
        Kind::Integer => format!("{}", 900_000 + i),
        Kind::Json => format!("[{i}]"),
        _ => format!("changed {i}"),
    }
}

/// The editable fields of a form.
pub fn editable(form: &Form) -> Vec<usize> {
    (0..form.len())
        .filter(|&i| matches!(form.access(i), rolo::edit::Access::Editable))
        .collect()
}
