//! Helpers shared by the integration tests: built-in specs, the seed records, and a way to
//! apply an update body to a record using nothing but the spec's paths.
#![allow(dead_code)]

pub mod home;
pub mod http;
pub mod huge;
pub mod proxy;
pub mod pty;
pub mod raw_http;

use std::sync::{Arc, OnceLock};

use rolo::edit::Form;
use rolo::spec::{Catalog, Semantics, VendorSpec};
use serde_json::Value as Json;

pub const VENDORS: [&str; 5] = ["clemta", "exsited", "contactreg", "cro", "servicedesk"];

pub fn spec(vendor: &str) -> Arc<VendorSpec> {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    let catalog = CATALOG.get_or_init(Catalog::built_in);
    assert!(catalog.problems().is_empty(), "{:?}", catalog.problems());
    catalog
        .get(vendor)
        .unwrap_or_else(|| panic!("no built-in {vendor}"))
        .clone()
}

fn seeds_source(vendor: &str) -> &'static str {
    match vendor {
        "clemta" => include_str!("../../assets/sandbox/clemta.json"),
        "exsited" => include_str!("../../assets/sandbox/exsited.json"),
        "contactreg" => include_str!("../../assets/sandbox/contactreg.json"),
        "cro" => include_str!("../../assets/sandbox/cro.json"),
        "servicedesk" => include_str!("../../assets/sandbox/servicedesk.json"),
        other => panic!("no seeds for {other}"),
    }
}

/// All seed records of a vendor, with their references.
pub fn seeds(vendor: &str) -> Vec<(String, Json)> {
    let all: Json = serde_json::from_str(seeds_source(vendor)).expect("seed file is JSON");
    all.as_array()
        .expect("seed file is an array")
        .iter()
        .map(|s| {
            (
                s["reference"].as_str().unwrap().to_string(),
                s["record"].clone(),
            )
        })
        .collect()
}

pub fn seed(vendor: &str, reference: &str) -> Json {
    seeds(vendor)
        .into_iter()
        .find(|(r, _)| r == reference)
        .unwrap_or_else(|| panic!("no {vendor} seed {reference}"))
        .1
}

pub fn form(vendor: &str, reference: &str) -> Form {
    Form::from_record(spec(vendor), seed(vendor, reference))
}

/// Sets a field by name from text, panicking on a refused edit.
pub fn set(form: &mut Form, name: &str, text: &str) {
    let i = form.index(name).unwrap();
    form.set_text(i, text).unwrap_or_else(|e| panic!("{e}"));
}

/// What a vendor would store after this update, worked out from the spec's paths alone:
/// each value in the body lands at the response path of the field whose request path it sits
/// at (deep merge for partial vendors; the body replaces the record for full-replace ones,
/// read-only fields being the vendor's own).
pub fn apply(spec: &VendorSpec, record: &Json, body: &Json) -> Json {
    let contact = spec
        .request_wrapper
        .get(body)
        .expect("body has the wrapper")
        .clone();
    let mut result = match spec.semantics {
        Semantics::Partial => record.clone(),
        Semantics::FullReplace => {
            let mut kept = Json::Object(Default::default());
            for f in spec.fields.iter().filter(|f| f.read_only.is_some()) {
                if let Some(v) = f.response_path.get(record) {
                    f.response_path.set(&mut kept, v.clone());
                }
            }
            kept
        }
    };
    let mut leaves = Vec::new();
    collect_leaves(&contact, &mut Vec::new(), &mut leaves);
    for (path, value) in leaves {
        let dotted = path.join(".");
        match spec.fields.iter().find(|f| f.name == dotted) {
            Some(field) => field.response_path.set(&mut result, value),
            // Not a field of the spec (full replace carries such keys through unchanged).
            None => rolo::spec::JsonPath::parse(&dotted).set(&mut result, value),
        }
    }
    result
}

/// Leaves of a body: walks objects, except where an object is itself a field's value.
fn collect_leaves(node: &Json, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Json)>) {
    match node {
        Json::Object(map) if !map.is_empty() || path.is_empty() => {
            for (k, v) in map {
                path.push(k.clone());
                collect_leaves(v, path, out);
                path.pop();
            }
        }
        other => out.push((path.clone(), other.clone())),
    }
}
