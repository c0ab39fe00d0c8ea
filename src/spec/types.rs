//! A vendor described as data: what `assets/vendors/*.toml` turns into once it has been checked.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value as Json;

use super::list::ListSpec;
use super::param::ParamType;
use super::template::Template;

/// A dotted location inside a JSON document, e.g. `billing.phone` or `account.contact`.
/// The empty path is the document itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath(Vec<String>);

impl JsonPath {
    pub fn parse(dotted: &str) -> Self {
        if dotted.is_empty() {
            return Self(Vec::new());
        }
        Self(dotted.split('.').map(str::to_string).collect())
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The value at this path, if every step exists.
    pub fn get<'a>(&self, doc: &'a Json) -> Option<&'a Json> {
        self.0.iter().try_fold(doc, |node, key| node.get(key))
    }

    /// Writes `value` at this path, creating objects on the way (and replacing non-objects).
    pub fn set(&self, doc: &mut Json, value: Json) {
        let Some((last, parents)) = self.0.split_last() else {
            *doc = value;
            return;
        };
        let mut node = doc;
        for key in parents {
            node = object_entry(node, key);
        }
        if !node.is_object() {
            *node = Json::Object(Default::default());
        }
        if let Json::Object(map) = node {
            map.insert(last.clone(), value);
        }
    }

    /// Removes the value at this path; parents that become empty objects are left in place.
    pub fn remove(&self, doc: &mut Json) -> Option<Json> {
        let (last, parents) = self.0.split_last()?;
        let mut node = doc;
        for key in parents {
            node = node.get_mut(key)?;
        }
        node.as_object_mut()?.shift_remove(last)
    }

    /// Wraps `value` so that it sits at this path of a new document.
    pub fn wrap(&self, value: Json) -> Json {
        let mut doc = Json::Null;
        self.set(&mut doc, value);
        doc
    }
}

fn object_entry<'a>(node: &'a mut Json, key: &str) -> &'a mut Json {
    if !node.is_object() {
        *node = Json::Object(Default::default());
    }
    match node {
        Json::Object(map) => map.entry(key.to_string()).or_insert(Json::Null),
        _ => unreachable!("made an object just above"),
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// Partial vendors get only what changed; full-replace vendors get the whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Semantics {
    Partial,
    FullReplace,
}

/// What clearing a field (`d`) sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearAs {
    /// JSON `null`.
    Null,
    /// The kind's empty value: `""` for strings, `[]` for arrays (`null` where a kind has none).
    Empty,
}

/// How a field's value is written, shown and checked. See `Kind::describe` for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Multiline,
    Email,
    /// One string holding comma-separated e-mails (cro `email`).
    EmailList,
    /// A JSON array of e-mail strings (clemta `cc_emails`).
    EmailArray,
    /// JSON `true`/`false`.
    Bool,
    /// The strings `"true"`/`"false"` (exsited).
    BoolString,
    /// Accepts 0, 1, True, False in any case; sent as JSON `true`/`false` (cro).
    FlexibleBool,
    Integer,
    /// ISO-8601 calendar date, `YYYY-MM-DD`.
    Date,
    /// ISO-8601 date-time (offset optional) or a calendar date.
    DateTime,
    /// A JSON number of seconds since 1970, shown as a UTC date-time.
    EpochSeconds,
    /// One of the field's `values`.
    Enum,
    /// ISO-3166 country: alpha-2, alpha-3, numeric code or English name, any case.
    Country,
    /// Text that is masked on screen and never logged.
    Secret,
    /// Any JSON (embedded objects and arrays such as servicedesk `company`).
    Json,
}

impl Kind {
    pub const ALL: [(&'static str, Kind); 16] = [
        ("text", Kind::Text),
        ("multiline", Kind::Multiline),
        ("email", Kind::Email),
        ("email_list", Kind::EmailList),
        ("email_array", Kind::EmailArray),
        ("bool", Kind::Bool),
        ("bool_string", Kind::BoolString),
        ("flexible_bool", Kind::FlexibleBool),
        ("integer", Kind::Integer),
        ("date", Kind::Date),
        ("datetime", Kind::DateTime),
        ("epoch_seconds", Kind::EpochSeconds),
        ("enum", Kind::Enum),
        ("country", Kind::Country),
        ("secret", Kind::Secret),
        ("json", Kind::Json),
    ];

    pub fn from_name(name: &str) -> Option<Kind> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(n, _)| *n)
            .unwrap_or("text")
    }

    pub fn is_bool(self) -> bool {
        matches!(self, Kind::Bool | Kind::BoolString | Kind::FlexibleBool)
    }

    /// Kinds whose JSON form is a string, so that min/max length apply.
    pub fn is_stringly(self) -> bool {
        matches!(
            self,
            Kind::Text
                | Kind::Multiline
                | Kind::Email
                | Kind::EmailList
                | Kind::Date
                | Kind::DateTime
                | Kind::Enum
                | Kind::Country
                | Kind::Secret
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rule that makes a field applicable only when another field has one of some values
/// (contactreg: person fields only for `People`).
#[derive(Debug, Clone)]
pub struct Condition {
    /// Index of the controlling field in `VendorSpec::fields`.
    pub field: usize,
    pub values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    /// Compiled when first asked: a start-up that validates nothing compiles nothing.
    regex: OnceLock<Option<Regex>>,
    /// What the pattern means, for messages ("a GUID").
    pub hint: String,
}

impl Pattern {
    /// A pattern compiled now (its error said now: a user's spec).
    pub fn compiled(source: &str, hint: String) -> Result<Self, regex::Error> {
        let regex = Regex::new(source)?;
        Ok(Self {
            source: source.to_string(),
            regex: OnceLock::from(Some(regex)),
            hint,
        })
    }

    /// A pattern compiled when first used: a built-in spec's, which a test compiles.
    pub fn deferred(source: &str, hint: String) -> Self {
        Self {
            source: source.to_string(),
            regex: OnceLock::new(),
            hint,
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether `text` matches. A pattern that does not compile (only a built-in one could,
    /// and a test forbids that) is logged and matches everything: it cannot refuse a value.
    pub fn is_match(&self, text: &str) -> bool {
        let regex = self.regex.get_or_init(|| {
            Regex::new(&self.source)
                .inspect_err(|e| tracing::error!("pattern {:?} does not compile: {e}", self.source))
                .ok()
        });
        regex.as_ref().is_none_or(|r| r.is_match(text))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Limits {
    pub required: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub values: Vec<String>,
    pub pattern: Option<Pattern>,
    /// For `json`: the JSON type the value must have ("object" or "array").
    pub json_type: Option<JsonType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Object,
    Array,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The name used by `--set` and shown in messages: the dotted request path.
    pub name: String,
    pub label: String,
    pub group: String,
    pub kind: Kind,
    pub request_path: JsonPath,
    /// Where the value sits in the vendor's response (differs for exsited `salutation.name`).
    pub response_path: JsonPath,
    pub limits: Limits,
    /// `Some(reason)` when the vendor never accepts this field in an update.
    pub read_only: Option<String>,
    /// The record's own id: not editable, but a full-replace body must carry it.
    pub identity: bool,
    pub condition: Option<Condition>,
    pub clear: ClearAs,
    pub help: String,
}

impl Field {
    pub fn is_secret(&self) -> bool {
        self.kind == Kind::Secret
    }
}

/// Rules about the record as a whole.
#[derive(Debug, Clone)]
pub enum RecordRule {
    /// At least one of these fields (indices) must have a value.
    OneOfRequired { fields: Vec<usize> },
    /// No update at all while `field` has one of `values` (contactreg Joint Member).
    ForbidUpdate {
        field: usize,
        values: Vec<String>,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: String,
    pub path: Template,
}

/// One header the vendor's auth needs; the value template may use `{secret}` and profile extras.
#[derive(Debug, Clone)]
pub struct AuthHeader {
    pub name: String,
    pub value: Template,
}

/// A vendor-specific profile setting (cro `tenant_id`).
#[derive(Debug, Clone)]
pub struct ProfileExtra {
    pub name: String,
    pub kind: Kind,
    pub required: bool,
    pub help: String,
}

/// Where the vendor's envelope keeps its verdict. Every path is optional.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    pub success: Option<JsonPath>,
    pub message: Option<JsonPath>,
    pub error_code: Option<JsonPath>,
    pub error_details: Option<JsonPath>,
}

#[derive(Debug, Clone)]
pub struct VendorSpec {
    pub id: String,
    pub name: String,
    /// The vendor's page this spec is drawn from.
    pub docs: String,
    pub semantics: Semantics,
    pub reference: Template,
    /// Types of the reference's placeholders (`[reference.types]`); untyped ones take any text.
    pub reference_types: BTreeMap<String, ParamType>,
    pub reference_example: String,
    pub auth: Vec<AuthHeader>,
    pub extras: Vec<ProfileExtra>,
    pub read: RequestSpec,
    pub update: RequestSpec,
    pub list: Option<ListSpec>,
    /// Where the contact goes inside an update body (`account.contact`); root when empty.
    pub request_wrapper: JsonPath,
    /// Where the contact sits in a read or update response (`data`, `account.contacts`).
    pub response_contact: JsonPath,
    pub envelope: Envelope,
    pub fields: Vec<Field>,
    pub rules: Vec<RecordRule>,
    /// Where the spec came from: `built-in` or a file path.
    pub origin: String,
}

impl VendorSpec {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}
