//! A contact object as read, and an update's body. A full-replace vendor (servicedesk) gets
//! back every member it sent, also those rolo does not know; those are kept as their JSON
//! text, shared, and written back verbatim: as parsed values a contact of millions of small
//! members cost ~15× its text per copy (BENCHMARKS.md, "A full-replace vendor").

use std::fmt;
use std::ops::{Deref, Index, Range};
use std::sync::Arc;

use bytestring::ByteString;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value as Json;
use serde_json::value::RawValue;

/// Members of a JSON object kept as text, exactly as read: `{"k0":0,"k1":[1,2]}`. They are
/// spans of the text they were read from (the recorded answer, shared, not copied), and are
/// shared by every copy of the record, the forms made from it and the update body built on it.
#[derive(Clone, Default)]
pub struct RawMembers(Option<Arc<Spans>>);

/// Runs of consecutive members in `source` (`"k0":0,"k1":1`; what lies between two members,
/// a comma and whitespace, is kept as written).
struct Spans {
    source: ByteString,
    runs: Vec<Range<usize>>,
}

impl RawMembers {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The runs of members' text, each without braces (`"k0":0,"k1":[1,2]`).
    fn runs(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .flat_map(|spans| spans.runs.iter().map(|run| &spans.source[run.clone()]))
    }

    /// The members' text without the braces, runs joined by commas, appended to `out`.
    fn write_inner(&self, out: &mut String) {
        for (i, run) in self.runs().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(run);
        }
    }

    /// The members as an object text, or `{}` (built: for tests and the rare comparison).
    pub fn object_text(&self) -> String {
        let mut text = String::with_capacity(self.len() + 2);
        text.push('{');
        self.write_inner(&mut text);
        text.push('}');
        text
    }

    /// Bytes of the members' text (without braces).
    pub fn len(&self) -> usize {
        let runs = self.0.as_ref().map_or(0, |spans| spans.runs.len());
        self.runs().map(str::len).sum::<usize>() + runs.saturating_sub(1)
    }

    /// Whether the members' text lies in `text` (shared with it, not a copy).
    pub fn is_span_of(&self, text: &str) -> bool {
        self.0.as_ref().is_some_and(|spans| {
            let (at, range) = (
                spans.source.as_ptr() as usize,
                text.as_bytes().as_ptr_range(),
            );
            at >= range.start as usize && at + spans.source.len() <= range.end as usize
        })
    }

    /// Parsed, for the rare reader that needs values (comparing a record read back from a
    /// plan file with a fresh one).
    fn parsed(&self) -> serde_json::Map<String, Json> {
        match serde_json::from_str(&self.object_text()) {
            Ok(Json::Object(map)) => map,
            // Built only from text serde_json read as an object: cannot happen.
            _ => Default::default(),
        }
    }
}

impl PartialEq for RawMembers {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || self.object_text() == other.object_text(),
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}

/// A contact object: the members parsed (every one the spec names, and any other when the
/// record was made from a value), and the members kept as text.
#[derive(Clone, Default)]
pub struct Record {
    members: Json,
    unknown: RawMembers,
}

impl Record {
    /// Reads a JSON object text, parsing the members `known` names and keeping the others as
    /// their text. Members that are `null` are left out: a body never sends null (under a
    /// full replace a member left out is cleared just the same; `Form::build_update`).
    /// `on_known` sees each parsed member's text (numbers as the vendor wrote them). When
    /// `text` lies inside `source` (the recorded answer), the others are spans of it, not a
    /// copy.
    pub fn from_object_text(
        text: &str,
        source: Option<&ByteString>,
        known: &dyn Fn(&str) -> bool,
        on_known: &mut dyn FnMut(&str),
    ) -> serde_json::Result<Self> {
        let within = source.and_then(|source| {
            let start = (text.as_ptr() as usize).checked_sub(source.as_ptr() as usize)?;
            (start + text.len() <= source.len()).then(|| (source.clone(), start))
        });
        let mut de = serde_json::Deserializer::from_str(text);
        let record = de.deserialize_map(Split {
            text,
            within,
            known,
            on_known,
        })?;
        de.end()?;
        Ok(record)
    }

    /// The parsed members (an object, or what a record made from a value holds).
    pub fn members(&self) -> &Json {
        &self.members
    }

    pub fn members_mut(&mut self) -> &mut Json {
        &mut self.members
    }

    /// The members kept as text.
    pub fn unknown(&self) -> &RawMembers {
        &self.unknown
    }

    /// The whole object as one value (a large one costs a parsed tree: for tests and the
    /// rare comparison only).
    pub fn to_json(&self) -> Json {
        let mut json = self.members.clone();
        if let Json::Object(map) = &mut json {
            map.extend(self.unknown.parsed());
        }
        json
    }

    /// The whole object's JSON text: the parsed members, then the others as read.
    pub fn text(&self) -> String {
        splice(self.members.to_string(), &self.unknown, 0)
    }
}

impl From<Json> for Record {
    fn from(members: Json) -> Self {
        Self {
            members,
            unknown: RawMembers::default(),
        }
    }
}

/// Reads like the parsed members; the unknown ones are text (`unknown`).
impl Deref for Record {
    type Target = Json;
    fn deref(&self) -> &Json {
        &self.members
    }
}

impl Index<&str> for Record {
    type Output = Json;
    fn index(&self, key: &str) -> &Json {
        &self.members[key]
    }
}

/// The same object, however it is held: byte-equal text is equal without parsing.
impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        if self.unknown == other.unknown {
            return self.members == other.members;
        }
        self.to_json() == other.to_json()
    }
}

impl PartialEq<Json> for Record {
    fn eq(&self, other: &Json) -> bool {
        if self.unknown.is_empty() {
            return &self.members == other;
        }
        &self.to_json() == other
    }
}

/// A record may hold secret fields (servicedesk e_password): its shape only.
impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("unknown_bytes", &self.unknown.len())
            .finish_non_exhaustive()
    }
}

/// Written whole (a plan file stores the record), the unknown members verbatim.
impl Serialize for Record {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.unknown.is_empty() {
            return self.members.serialize(serializer);
        }
        raw(self.text())?.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Json::deserialize(de).map(Self::from)
    }
}

fn raw<E: serde::ser::Error>(text: String) -> Result<Box<RawValue>, E> {
    RawValue::from_string(text).map_err(E::custom)
}

/// An update's body: JSON, and for a full-replace vendor the contact's members rolo does not
/// know, written verbatim at the end of the contact object (`depth` wrapper objects down).
#[derive(Clone, Default)]
pub struct Body {
    pub json: Json,
    pub unknown: RawMembers,
    /// How many single-member objects wrap the contact (the spec's `request_wrapper`).
    pub depth: usize,
    /// A body read back from a plan file: its text as the plan wrote it, sent as it is (so
    /// the unknown members stay as the vendor wrote them); `json` is that text parsed.
    written: Option<Arc<str>>,
}

impl Body {
    pub fn new(json: Json) -> Self {
        Self::contact(json, RawMembers::default(), 0)
    }

    /// A body whose contact, `depth` wrappers down, also gets `unknown`.
    pub fn contact(json: Json, unknown: RawMembers, depth: usize) -> Self {
        Self {
            json,
            unknown,
            depth,
            written: None,
        }
    }

    /// The body's JSON text. `rewrite` may change the text of the parsed part (numbers
    /// written back as the vendor wrote them); the unknown members are already as written.
    pub fn text(&self, rewrite: impl FnOnce(String) -> String) -> String {
        if let Some(written) = &self.written {
            return written.to_string();
        }
        splice(rewrite(self.json.to_string()), &self.unknown, self.depth)
    }
}

/// Reads like the parsed JSON; the unknown members are text (`unknown`).
impl Deref for Body {
    type Target = Json;
    fn deref(&self) -> &Json {
        &self.json
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Self) -> bool {
        match (&self.written, &other.written) {
            (None, None) => {
                self.json == other.json
                    && self.unknown == other.unknown
                    && self.depth == other.depth
            }
            _ => self.text(|t| t) == other.text(|t| t),
        }
    }
}

impl PartialEq<Json> for Body {
    fn eq(&self, other: &Json) -> bool {
        self.unknown.is_empty() && &self.json == other
    }
}

/// The body may hold a secret field's value: its size only.
impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body")
            .field("unknown_bytes", &self.unknown.len())
            .finish_non_exhaustive()
    }
}

/// Written whole, the unknown members verbatim (a plan file stores the body to send).
impl Serialize for Body {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.unknown.is_empty() && self.written.is_none() {
            return self.json.serialize(serializer);
        }
        raw(self.text(|t| t))?.serialize(serializer)
    }
}

/// Kept as written, and parsed for reading.
impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = Box::<RawValue>::deserialize(de)?;
        let json = serde_json::from_str(text.get()).map_err(serde::de::Error::custom)?;
        Ok(Self {
            written: Some(Arc::from(text.get())),
            ..Self::new(json)
        })
    }
}

/// `text` (a compact JSON text whose object `depth` single-member objects down is the
/// contact) with `members` added at the end of the contact object.
fn splice(text: String, members: &RawMembers, depth: usize) -> String {
    if members.is_empty() {
        return text;
    }
    // Compact text: the contact's `}` is followed by one `}` per wrapper.
    let closing = depth + 1;
    let ends_right = text.len() > closing && text.bytes().rev().take(closing).all(|b| b == b'}');
    if !ends_right {
        // Only an object contact has unknown members: nothing else can reach here.
        tracing::warn!("an update body is not an object: its unknown members were not added");
        return text;
    }
    let at = text.len() - closing;
    let empty = text[..at].ends_with('{');
    let mut out = String::with_capacity(text.len() + members.len() + 1);
    out.push_str(&text[..at]);
    if !empty {
        out.push(',');
    }
    members.write_inner(&mut out);
    out.push_str(&text[at..]);
    out
}

/// Splits an object's members into parsed and text, by position in the source text.
struct Split<'t, 'k, 'o> {
    text: &'t str,
    /// The text `text` lies in and where: the unknown members are spans of it. None: a copy
    /// of `text` is made when there are any.
    within: Option<(ByteString, usize)>,
    known: &'k dyn Fn(&str) -> bool,
    on_known: &'o mut dyn FnMut(&str),
}

impl<'de, 't: 'de> Visitor<'de> for Split<'t, '_, '_> {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let base = self.text.as_ptr() as usize;
        // Where the previous member's value ended: the next member's key is the first `"`
        // after it (only a comma and whitespace lie between).
        let mut after = match self.text.find('{') {
            Some(open) => open + 1,
            None => return Err(serde::de::Error::custom("not an object")),
        };
        let mut members = serde_json::Map::new();
        // Runs of consecutive unknown members, in `text`; the last one may still grow.
        let mut runs: Vec<Range<usize>> = Vec::new();
        let mut growing = false;
        while let Some(key) = map.next_key::<String>()? {
            let value: &'de RawValue = map.next_value()?;
            let value_text = value.get();
            let start = value_text.as_ptr() as usize - base;
            let end = start + value_text.len();
            if (self.known)(&key) {
                (self.on_known)(value_text);
                let parsed: Json = serde_json::from_str(value_text)
                    .map_err(|e| serde::de::Error::custom(format!("member {key:?}: {e}")))?;
                members.insert(key, parsed);
                growing = false;
            } else if value_text != "null" {
                match runs.last_mut() {
                    Some(run) if growing => run.end = end,
                    _ => {
                        let key_start = self.text[after..start]
                            .find('"')
                            .map_or(after, |at| after + at);
                        runs.push(key_start..end);
                    }
                }
                growing = true;
            } else {
                growing = false;
            }
            after = end;
        }
        let unknown = if runs.is_empty() {
            RawMembers::default()
        } else {
            let (source, offset) = self
                .within
                .unwrap_or_else(|| (ByteString::from(self.text.to_string()), 0));
            for run in &mut runs {
                *run = run.start + offset..run.end + offset;
            }
            runs.shrink_to_fit();
            RawMembers(Some(Arc::new(Spans { source, runs })))
        };
        Ok(Record {
            members: Json::Object(members),
            unknown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn split(text: &str) -> Record {
        Record::from_object_text(text, None, &|k| k == "id" || k == "name", &mut |_| {}).unwrap()
    }

    #[test]
    fn unknown_members_stay_as_written() {
        let text = r#" { "id" : "x", "k\u0041" : 1e400 ,"n":{"a":[1, 2]},"name":"N","z":null,
            "s":"é\"\n" } "#;
        let record = split(text.trim());
        assert_eq!(record.members(), &json!({"id": "x", "name": "N"}));
        assert_eq!(
            record.unknown().object_text(),
            r#"{"k\u0041" : 1e400 ,"n":{"a":[1, 2]},"s":"é\"\n"}"#
        );
        assert_eq!(
            record.text(),
            r#"{"id":"x","name":"N","k\u0041" : 1e400 ,"n":{"a":[1, 2]},"s":"é\"\n"}"#
        );
        let big: Json = serde_json::from_str("1e400").unwrap();
        assert_eq!(record.to_json()["kA"], big);
    }

    #[test]
    fn a_body_carries_the_unknown_members_inside_its_wrapper() {
        let record = split(r#"{"id":"x","k":[1]}"#);
        let body = Body::contact(
            json!({"a": {"b": {"id": "x"}}}),
            record.unknown().clone(),
            2,
        );
        assert_eq!(body.text(|t| t), r#"{"a":{"b":{"id":"x","k":[1]}}}"#);
        let empty = Body::contact(json!({}), record.unknown().clone(), 0);
        assert_eq!(empty.text(|t| t), r#"{"k":[1]}"#);
        // Read back from a plan: sent as written.
        let planned = r#"{"id":"x","k":[ 1e400 ]}"#;
        let back: Body = serde_json::from_str(planned).unwrap();
        assert_eq!(back.text(|_| unreachable!()), planned);
        assert_eq!(back["id"], json!("x"));
        assert_eq!(serde_json::to_string(&back).unwrap(), planned);
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"id":"x","k":[1]}"#
        );
        let back: Record = serde_json::from_str(r#"{"id":"x","k":[1]}"#).unwrap();
        assert_eq!(back, record);
        assert_ne!(back, split(r#"{"id":"x","k":[2]}"#));
    }
}
