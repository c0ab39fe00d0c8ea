//! An answer read into values keeping only what rolo uses: the envelope's verdict, the
//! contact's fields (the whole contact for a full-replace vendor, which sends it back), a
//! list's references and labels. Everything else is checked as JSON and skipped, so a 64 MiB
//! answer of small keys costs its bytes, not gigabytes of `serde_json::Value`. A full-replace
//! contact is split: the members the spec names parsed, the others kept as text
//! (`edit::Record`), since they are sent back as they came.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bytestring::ByteString;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::jsontext::{BOM, MAX_DEPTH, nesting_within};
use crate::edit::Record;
use crate::spec::{JsonPath, Semantics, VendorSpec};

/// Which parts of an answer to keep: a tree of keys (and "every item" of arrays).
#[derive(Debug, Default, Clone)]
pub struct Wanted {
    /// Keep this value whole.
    all: bool,
    keys: BTreeMap<String, Wanted>,
    items: Option<Box<Wanted>>,
    /// Keep this object as a `Record`: these members (and `keys`) parsed, the others as text.
    split: Option<Arc<BTreeSet<String>>>,
}

impl Wanted {
    fn at(&mut self, path: &JsonPath) -> &mut Wanted {
        path.segments()
            .iter()
            .fold(self, |node, key| node.keys.entry(key.clone()).or_default())
    }

    fn keep(&mut self, path: &JsonPath) {
        self.at(path).all = true;
    }

    fn envelope(spec: &VendorSpec) -> Self {
        let mut wanted = Self::default();
        let e = &spec.envelope;
        for path in [&e.success, &e.message, &e.error_code, &e.error_details]
            .into_iter()
            .flatten()
        {
            wanted.keep(path);
        }
        wanted
    }

    /// What a read or an update answer needs: the verdict and the contact's fields.
    pub fn contact(spec: &VendorSpec) -> Self {
        let mut wanted = Self::envelope(spec);
        let contact = wanted.at(&spec.response_contact);
        if spec.semantics == Semantics::FullReplace {
            // Every member goes back in the body: the ones a field names, where a field may
            // be read or written, are parsed.
            let known = spec
                .fields
                .iter()
                .flat_map(|f| [&f.response_path, &f.request_path])
                .filter_map(|path| path.segments().first().cloned())
                .collect();
            contact.split = Some(Arc::new(known));
        } else {
            for field in &spec.fields {
                contact.keep(&field.response_path);
                // A reshaped field may be read at its request path (`edit::form::read_value`).
                contact.keep(&field.request_path);
            }
        }
        wanted
    }

    /// What a list answer needs: the verdict, and each item's reference values and label.
    pub fn list(spec: &VendorSpec) -> Self {
        let mut wanted = Self::envelope(spec);
        if let Some(list) = &spec.list {
            // What a row is made of: its reference, label, name and e-mail fields, whichever
            // list (its own scope, or across scopes) it came from.
            let mut item = Wanted::default();
            let references =
                std::iter::once(&list.reference).chain(list.across.as_ref().map(|a| &a.reference));
            for param in references.flat_map(|r| r.params()) {
                item.keys.entry(param.to_string()).or_default().all = true;
            }
            for path in list.label.iter().chain(&list.name).chain(&list.email) {
                item.keep(path);
            }
            let item = Box::new(item);
            wanted.at(&list.items).items = Some(item.clone());
            if let Some(across) = &list.across {
                wanted.at(&across.items).items = Some(item);
            }
            if let crate::spec::PagingStyle::Cursor { next } = &list.paging.style {
                wanted.keep(next);
            }
        }
        wanted
    }
}

/// An answer as kept: the values wanted, and the contact split when `Wanted` says so (the
/// value at its place then holds its parsed members only).
pub struct Pruned {
    pub json: Json,
    pub contact: Option<Record>,
    /// The text of the split contact's parsed members, one a line (numbers as written).
    pub known_text: String,
}

#[derive(Default)]
struct Found {
    contact: Option<Record>,
    known_text: String,
}

/// Parses a whole JSON text (after a byte-order mark), keeping what `wanted` names.
/// When `text` lies in `source` (the recorded answer), a split contact's unknown members are
/// spans of it rather than a copy.
pub fn parse(
    text: &str,
    source: Option<&ByteString>,
    wanted: &Wanted,
) -> serde_json::Result<Pruned> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    // Skipped values are not depth-checked by serde_json: checked here, so 10,000 nested
    // arrays are an unreadable answer whatever is kept of them.
    if !nesting_within(text, MAX_DEPTH) {
        return Err(serde::de::Error::custom("nested too deep"));
    }
    let found = RefCell::new(Found::default());
    let mut de = serde_json::Deserializer::from_str(text);
    let json = Keep(wanted, &found, source).deserialize(&mut de)?;
    de.end()?;
    let found = found.into_inner();
    Ok(Pruned {
        json,
        contact: found.contact,
        known_text: found.known_text,
    })
}

#[derive(Clone, Copy)]
struct Keep<'w>(&'w Wanted, &'w RefCell<Found>, Option<&'w ByteString>);

impl<'de> DeserializeSeed<'de> for Keep<'_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Json, D::Error> {
        if let Some(known) = &self.0.split {
            let raw: &RawValue = serde::Deserialize::deserialize(de)?;
            let is_known = |key: &str| known.contains(key) || self.0.keys.contains_key(key);
            let mut known_text = String::new();
            let mut on_known = |text: &str| {
                known_text.push_str(text);
                known_text.push('\n');
            };
            return match Record::from_object_text(raw.get(), self.2, &is_known, &mut on_known) {
                Ok(record) => {
                    let members = record.members().clone();
                    let mut found = self.1.borrow_mut();
                    found.contact = Some(record);
                    found.known_text = known_text;
                    Ok(members)
                }
                // Not an object: kept as it is, for the caller to say there is no contact.
                Err(_) => serde_json::from_str(raw.get()).map_err(serde::de::Error::custom),
            };
        }
        if self.0.all {
            serde::Deserialize::deserialize(de)
        } else {
            de.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Keep<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    // Scalars where an object was wanted are kept as they are (the caller finds no path in
    // them); numbers are skipped, as nothing wanted is under a number.
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match self.0.keys.get(&key) {
                Some(wanted) => {
                    let value = map.next_value_seed(Keep(wanted, self.1, self.2))?;
                    out.insert(key, value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Json::Object(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        match &self.0.items {
            Some(wanted) => {
                while let Some(item) = seq.next_element_seed(Keep(wanted, self.1, self.2))? {
                    out.push(item);
                }
            }
            None => while seq.next_element::<IgnoredAny>()?.is_some() {},
        }
        Ok(Json::Array(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Catalog;
    use serde_json::json;

    #[test]
    fn keeps_the_verdict_and_the_fields_only() {
        let catalog = Catalog::built_in();
        let clemta = catalog.get("clemta").unwrap();
        let text = r#"{"success":true,"message":"ok","junk":[1,2,{"a":1e400}],
            "data":{"full_name":"A","k0":0,"k1":{"x":1},"billing":{"city":"B","zz":1}}}"#;
        let json = parse(text, None, &Wanted::contact(clemta)).unwrap().json;
        assert_eq!(json["success"], json!(true));
        assert_eq!(json["data"]["full_name"], json!("A"));
        assert_eq!(json["data"].get("k0"), None);
        assert_eq!(json.get("junk"), None);
        assert!(parse(&format!("\u{feff}{text}"), None, &Wanted::contact(clemta)).is_ok());
        assert!(parse(&format!("{text} x"), None, &Wanted::contact(clemta)).is_err());
        // A full-replace vendor keeps the whole contact: the fields parsed, the rest as
        // written, the envelope's message too (an error answer is the same object).
        let sd = catalog.get("servicedesk").unwrap();
        // Read from the recorded answer: the members kept as text are spans of it, not a copy.
        let answer = ByteString::from_static(
            r#"{"id":"x","big":1e400,"n":0.10000000000000000555,"Message":"m","birthdate":1E2}"#,
        );
        let pruned = parse(&answer, Some(&answer), &Wanted::contact(sd)).unwrap();
        let unknown = pruned.contact.as_ref().unwrap().unknown();
        assert!(
            unknown.is_span_of(&answer),
            "the unknown members were copied"
        );
        // The same text held elsewhere: copied.
        let elsewhere = answer.as_bytes().to_vec();
        let elsewhere = std::str::from_utf8(&elsewhere).unwrap();
        let copied = parse(elsewhere, Some(&answer), &Wanted::contact(sd)).unwrap();
        assert!(!copied.contact.unwrap().unknown().is_span_of(&answer));
        let parsed: Json =
            serde_json::from_str(r#"{"id":"x","Message":"m","birthdate":1E2}"#).unwrap();
        assert_eq!(pruned.json, parsed);
        let contact = pruned.contact.unwrap();
        assert_eq!(contact.members(), &pruned.json);
        assert_eq!(
            contact.unknown().object_text(),
            r#"{"big":1e400,"n":0.10000000000000000555}"#
        );
        assert_eq!(pruned.known_text, "\"x\"\n\"m\"\n1E2\n");
        // Not an object: no contact, the value as it is.
        let pruned = parse(r#"[1]"#, None, &Wanted::contact(sd)).unwrap();
        assert!(pruned.contact.is_none());
        assert_eq!(pruned.json, json!([1]));
    }
}
