//! Recorded exchanges: what was sent and what came back, with secrets already replaced by
//! `***`. Redaction happens here, once, when a request or response is recorded; every view
//! and export (`-v`, `--json`, `--curl`, the raw pane) reads the recorded copy.

use std::time::Duration;

use serde_json::{Value as Json, json};

use crate::spec::{JsonPath, VendorSpec};

pub const MASK: &str = "***";

/// Knows what must never be shown: the profile's secret values and the spec's secret fields.
#[derive(Clone)]
pub struct Redactor {
    secrets: Vec<String>,
    request_paths: Vec<JsonPath>,
    response_paths: Vec<JsonPath>,
    /// Where a list answer keeps its items, and the secret fields inside each item.
    list_items: Option<(JsonPath, Vec<JsonPath>)>,
}

impl Redactor {
    pub fn new(spec: &VendorSpec, secrets: Vec<String>) -> Self {
        let fields = spec.fields.iter().filter(|f| f.is_secret());
        let wrap = |prefix: &JsonPath, path: &JsonPath| {
            JsonPath::parse(
                &[prefix.to_string(), path.to_string()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("."),
            )
        };
        Self {
            // Longest first, so that a secret containing another is masked whole.
            secrets: {
                let mut s: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
                s.sort_by_key(|s| std::cmp::Reverse(s.len()));
                s
            },
            request_paths: fields
                .clone()
                .map(|f| wrap(&spec.request_wrapper, &f.request_path))
                .collect(),
            response_paths: fields
                .clone()
                .map(|f| wrap(&spec.response_contact, &f.response_path))
                .collect(),
            list_items: spec.list.as_ref().map(|l| {
                (
                    l.items.clone(),
                    fields.map(|f| f.response_path.clone()).collect(),
                )
            }),
        }
    }

    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    fn json(&self, mut body: Json, paths: &[JsonPath]) -> Json {
        for path in paths {
            if let Some(value) = path.get(&body)
                && !value.is_null()
            {
                path.set(&mut body, Json::String(MASK.into()));
            }
        }
        body
    }

    /// A body as recorded: secret fields masked (in a contact, and in every item of a list),
    /// and any secret value anywhere in the text.
    fn body(&self, bytes: &[u8], paths: &[JsonPath]) -> String {
        let text = String::from_utf8_lossy(bytes);
        if paths.is_empty() {
            return self.text(&text);
        }
        match serde_json::from_str::<Json>(&text) {
            Ok(json) => {
                let mut json = self.json(json, paths);
                if let Some((items, item_paths)) = &self.list_items
                    && !item_paths.is_empty()
                    && items.get(&json).is_some_and(Json::is_array)
                {
                    let list = items.get(&json).cloned().unwrap_or_default();
                    let masked: Vec<Json> = list
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|item| self.json(item.clone(), item_paths))
                        .collect();
                    items.set(&mut json, Json::Array(masked));
                }
                self.text(&json.to_string())
            }
            Err(_) => self.text(&text),
        }
    }

    pub fn request(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<&[u8]>,
    ) -> RecordedRequest {
        RecordedRequest {
            method: method.to_string(),
            url: self.text(url),
            headers: headers
                .iter()
                .map(|(k, v)| (k.clone(), self.text(v)))
                .collect(),
            body: body.map(|b| self.body(b, &self.request_paths)),
        }
    }

    pub fn response(
        &self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
        elapsed: Duration,
    ) -> RecordedResponse {
        RecordedResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.clone(), self.text(v)))
                .collect(),
            body: self.body(body, &self.response_paths),
            elapsed,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub elapsed: Duration,
}

/// One request and, when one came, its response.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
}

fn body_json(body: &str) -> Json {
    serde_json::from_str(body).unwrap_or_else(|_| Json::String(body.to_string()))
}

fn headers_json(headers: &[(String, String)]) -> Json {
    Json::Object(
        headers
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect(),
    )
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

    /// The request as `-v` prints it.
    pub fn to_text(&self) -> String {
        let mut out = format!("> {} {}\n", self.method, self.url);
        for (name, value) in &self.headers {
            out.push_str(&format!("> {name}: {value}\n"));
        }
        if let Some(body) = &self.body {
            out.push_str(&format!(">\n{}\n", pretty(body)));
        }
        out
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

    pub fn to_text(&self) -> String {
        let mut out = format!("< {} ({} ms)\n", self.status, self.elapsed.as_millis());
        for (name, value) in &self.headers {
            out.push_str(&format!("< {name}: {value}\n"));
        }
        if !self.body.is_empty() {
            out.push_str(&format!("<\n{}\n", pretty(&self.body)));
        }
        out
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

    pub fn to_text(&self) -> String {
        let mut out = self.request.to_text();
        match &self.response {
            Some(r) => out.push_str(&r.to_text()),
            None => out.push_str("< (no response)\n"),
        }
        out
    }
}

/// Indented JSON when the text is JSON, else the text as it is.
pub fn pretty(text: &str) -> String {
    match serde_json::from_str::<Json>(text) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_else(|_| text.to_string()),
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
    fn shell_quoting() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
