//! Recorded exchanges: what was sent and what came back, with secrets already replaced by
//! `***`. Redaction happens here, once, when a request or response is recorded; every view
//! and export (`-v`, `--json`, `--curl`, the raw pane) reads the recorded copy (`redact`).

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use bytestring::ByteString;
use serde_json::{Value as Json, json};

use super::jsontext;
pub use super::redact::Redactor;
use super::spill::save_body;

pub const MASK: &str = "***";

/// Bodies longer than this are shown capped (`-v`, the raw pane); the whole body can be saved
/// to a file (`save_body`) and its path shown.
pub const DISPLAY_CAP: usize = 8 << 20;

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The prepared bytes themselves, shared, when nothing in them was masked.
    pub body: Option<ByteString>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The answer's bytes themselves when nothing was masked; a full-replace contact's
    /// unknown members are spans of them (`edit::RawMembers`).
    pub body: ByteString,
    pub elapsed: Duration,
}

/// One request and, when one came, its response.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
}

fn body_json(body: &str) -> Json {
    let text = body.strip_prefix(jsontext::BOM).unwrap_or(body);
    serde_json::from_str(text).unwrap_or_else(|_| Json::String(body.to_string()))
}

fn headers_json(headers: &[(String, String)]) -> Json {
    Json::Object(
        headers
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect(),
    )
}

/// Writes `"name": value` members of a pretty JSON object at `level`, the way
/// `serde_json::to_string_pretty` lays them out; bodies are written as they came (indented
/// when JSON, a string otherwise) without building them.
struct JsonWriter<'w> {
    out: &'w mut dyn Write,
    level: usize,
    first: bool,
}

impl<'w> JsonWriter<'w> {
    fn open(out: &'w mut dyn Write, level: usize) -> io::Result<Self> {
        out.write_all(b"{")?;
        Ok(Self {
            out,
            level: level + 1,
            first: true,
        })
    }

    fn key(&mut self, name: &str) -> io::Result<()> {
        let sep = if self.first { "" } else { "," };
        self.first = false;
        write!(
            self.out,
            "{sep}\n{}{}: ",
            "  ".repeat(self.level),
            Json::String(name.into())
        )
    }

    fn value(&mut self, name: &str, value: &Json) -> io::Result<()> {
        self.key(name)?;
        let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        let indent = format!("\n{}", "  ".repeat(self.level));
        self.out.write_all(text.replace('\n', &indent).as_bytes())
    }

    fn body(&mut self, name: &str, body: Option<&str>) -> io::Result<()> {
        match body {
            Some(body) if jsontext::is_json(body) => {
                self.key(name)?;
                jsontext::write_pretty(body, self.level, self.out)
            }
            Some(body) => self.value(name, &Json::String(body.to_string())),
            None => self.value(name, &Json::Null),
        }
    }

    fn close(self) -> io::Result<()> {
        if self.first {
            return self.out.write_all(b"}");
        }
        write!(self.out, "\n{}}}", "  ".repeat(self.level - 1))
    }
}

/// Writes a body as `-v` and the raw pane show it: indented when JSON; past `DISPLAY_CAP` the rest is left out, saved whole into `spill` when given. A
/// capped body is said so before it (a reader sees it at once) and after it (where it stops).
fn write_body(body: &str, out: &mut dyn Write, spill: Option<&Path>) -> io::Result<()> {
    let json = jsontext::is_json(body);
    let shown = if body.len() > DISPLAY_CAP {
        let mut cut = DISPLAY_CAP;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        &body[..cut]
    } else {
        body
    };
    // Where the rest is: said before and after the capped text.
    let whole = (shown.len() < body.len()).then(|| match spill.map(|dir| save_body(body, dir)) {
        Some(Ok(path)) => format!("; the whole body is in {}", path.display()),
        Some(Err(e)) => {
            tracing::warn!("a body past the display cap could not be saved: {e}");
            format!("; the whole body could not be saved: {e}")
        }
        None => String::new(),
    });
    if let Some(whole) = &whole {
        writeln!(
            out,
            "… {} bytes, the first {} shown{whole}",
            body.len(),
            shown.len()
        )?;
    }
    if json {
        jsontext::write_pretty(shown, 0, out)?;
    } else {
        out.write_all(shown.as_bytes())?;
    }
    out.write_all(b"\n")?;
    if let Some(whole) = whole {
        let more = body.len() - shown.len();
        writeln!(
            out,
            "… {more} more bytes not shown ({} in all){whole}",
            body.len()
        )?;
    }
    Ok(())
}

impl RecordedRequest {
    /// `{"method","url","headers","body"}` (`--json`).
    pub fn to_json(&self) -> Json {
        json!({
            "method": self.method,
            "url": self.url,
            "headers": headers_json(&self.headers),
            "body": self.body.as_deref().map(body_json).unwrap_or(Json::Null),
        })
    }

    /// `to_json`, pretty, written as it goes (a large body is never built as values).
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = JsonWriter::open(out, 0)?;
        self.members(&mut w)?;
        w.close()
    }

    fn members(&self, w: &mut JsonWriter) -> io::Result<()> {
        w.value("method", &Json::String(self.method.clone()))?;
        w.value("url", &Json::String(self.url.clone()))?;
        w.value("headers", &headers_json(&self.headers))?;
        w.body("body", self.body.as_deref())
    }

    /// A curl command that repeats the request, secrets shown as `***`.
    pub fn to_curl(&self) -> String {
        let mut parts = vec![
            "curl".to_string(),
            "-X".into(),
            self.method.clone(),
            shell_quote(&self.url),
        ];
        for (name, value) in &self.headers {
            parts.push("-H".into());
            parts.push(shell_quote(&format!("{name}: {value}")));
        }
        if let Some(body) = &self.body {
            parts.push("--data-raw".into());
            parts.push(shell_quote(body));
        }
        parts.join(" ")
    }

    /// The request as `-v` prints it (a body past `DISPLAY_CAP` capped).
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        let _ = self.write_text(&mut out, None);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// `to_text`, written as it goes; a capped body is saved whole into `spill`.
    pub fn write_text(&self, out: &mut dyn Write, spill: Option<&Path>) -> io::Result<()> {
        writeln!(out, "> {} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            writeln!(out, "> {name}: {value}")?;
        }
        if let Some(body) = &self.body {
            writeln!(out, ">")?;
            write_body(body, out, spill)?;
        }
        Ok(())
    }
}

impl RecordedResponse {
    pub fn to_json(&self) -> Json {
        json!({
            "status": self.status,
            "headers": headers_json(&self.headers),
            "body": body_json(&self.body),
            "elapsed_ms": self.elapsed.as_millis() as u64,
        })
    }

    fn members(&self, w: &mut JsonWriter) -> io::Result<()> {
        w.value("status", &json!(self.status))?;
        w.value("headers", &headers_json(&self.headers))?;
        w.body("body", Some(&self.body))?;
        w.value("elapsed_ms", &json!(self.elapsed.as_millis() as u64))
    }

    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        let _ = self.write_text(&mut out, None);
        String::from_utf8_lossy(&out).into_owned()
    }

    pub fn write_text(&self, out: &mut dyn Write, spill: Option<&Path>) -> io::Result<()> {
        writeln!(out, "< {} ({} ms)", self.status, self.elapsed.as_millis())?;
        for (name, value) in &self.headers {
            writeln!(out, "< {name}: {value}")?;
        }
        if !self.body.is_empty() {
            writeln!(out, "<")?;
            write_body(&self.body, out, spill)?;
        }
        Ok(())
    }
}

impl Exchange {
    /// The request's JSON, with the response's under `response` when there is one.
    pub fn to_json(&self) -> Json {
        let mut out = self.request.to_json();
        if let (Some(response), Json::Object(map)) = (&self.response, &mut out) {
            map.insert("response".into(), response.to_json());
        }
        out
    }

    /// `to_json`, pretty, written as it goes (`--json` of a 64 MiB answer builds no values).
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = JsonWriter::open(out, 0)?;
        self.request.members(&mut w)?;
        if let Some(response) = &self.response {
            w.key("response")?;
            let mut inner = JsonWriter::open(w.out, w.level)?;
            response.members(&mut inner)?;
            inner.close()?;
        }
        w.close()
    }

    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        let _ = self.write_text(&mut out, None);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The exchange as `-v` prints it; bodies past `DISPLAY_CAP` are capped and saved whole
    /// into `spill` (the data folder's `bodies`), whose file is named.
    pub fn write_text(&self, out: &mut dyn Write, spill: Option<&Path>) -> io::Result<()> {
        self.request.write_text(out, spill)?;
        match &self.response {
            Some(r) => r.write_text(out, spill),
            None => writeln!(out, "< (no response)"),
        }
    }
}

/// Indented JSON when the text is JSON, else the text as it is.
pub fn pretty(text: &str) -> String {
    if !jsontext::is_json(text) {
        return text.to_string();
    }
    let mut out = Vec::new();
    match jsontext::write_pretty(text, 0, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => text.to_string(),
    }
}

/// Single-quotes a word for POSIX shells.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Redactor;
    use crate::spec::Catalog;

    #[test]
    fn secrets_and_secret_fields_are_masked_when_recorded() {
        let catalog = Catalog::built_in();
        let sd = catalog.get("servicedesk").unwrap();
        let r = Redactor::new(sd, vec!["tok-123".into()]);
        let headers = vec![("authorization".to_string(), "Bearer tok-123".to_string())];
        let body = br#"{"id":"x","e_password":"pw!","notes":"my token is tok-123"}"#;
        let req = r.request("PUT", "http://h/api/contact/x", &headers, Some(body));
        assert_eq!(req.headers[0].1, "Bearer ***");
        let sent = req.body.clone().unwrap();
        assert!(!sent.contains("pw!") && !sent.contains("tok-123"), "{sent}");
        assert!(sent.contains(r#""e_password":"***""#));
        let curl = req.to_curl();
        assert!(
            curl.starts_with("curl -X PUT 'http://h/api/contact/x' -H 'authorization: Bearer ***'"),
            "{curl}"
        );
        let resp = r.response(
            200,
            &[],
            br#"{"e_password":"pw!"}"#,
            Duration::from_millis(3),
        );
        assert_eq!(resp.body, r#"{"e_password":"***"}"#);
    }

    #[test]
    fn wrapped_secret_fields_are_found_under_the_wrapper() {
        let catalog = Catalog::built_in();
        let exsited = catalog.get("exsited").unwrap();
        // exsited has no secret field: nothing but the token is masked.
        let r = Redactor::new(exsited, vec!["abc".into()]);
        let req = r.request(
            "PUT",
            "u",
            &[],
            Some(br#"{"account":{"contact":{"city":"abc"}}}"#),
        );
        assert_eq!(
            req.body.unwrap(),
            r#"{"account":{"contact":{"city":"***"}}}"#
        );
    }

    #[test]
    fn json_written_as_it_goes_is_the_pretty_json() {
        let catalog = Catalog::built_in();
        let r = Redactor::new(catalog.get("clemta").unwrap(), vec!["k".into()]);
        for body in [
            &br#"{"a":[1,{"b":null}],"c":{},"d":"x"}"#[..],
            b"not json at all",
            b"",
            b"[]",
        ] {
            let exchange = Exchange {
                request: r.request("GET", "http://h/c/1", &[("x".into(), "y".into())], None),
                response: Some(r.response(200, &[], body, Duration::from_millis(5))),
            };
            let mut out = Vec::new();
            exchange.write_json(&mut out).unwrap();
            let want = serde_json::to_string_pretty(&exchange.to_json()).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
            let mut out = Vec::new();
            exchange.request.write_json(&mut out).unwrap();
            let want = serde_json::to_string_pretty(&exchange.request.to_json()).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
