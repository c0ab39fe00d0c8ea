//! Reading an answer: the vendor's error, an envelope that says it failed, an HTML page or a
//! body that is not JSON, each as its error; otherwise the JSON and the vendor's words.

use bytestring::ByteString;
use reqwest::header::HeaderMap;
use serde_json::Value as Json;

use super::envelope::Outcome;
use super::error::ClientError;
use super::http::retry_after;
use super::jsontext::{BOM, Kind, Lexer};
use super::prune::{self, Pruned, Wanted};
use super::session::Session;

impl Session {
    /// Reads an answer: JSON on success (an envelope saying `success: false` is an error),
    /// the vendor's error otherwise. Only what `wanted` names is kept of the JSON. A leading
    /// byte-order mark is skipped, and numbers beyond f64 are read as written
    /// (serde_json's `arbitrary_precision`), so they go back unchanged in a full-replace body.
    pub(super) fn judge(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        source: Option<&ByteString>,
        want_body: bool,
        wanted: &Wanted,
    ) -> std::result::Result<(Option<Pruned>, Outcome), ClientError> {
        let judged = self.read_answer(status, headers, body, source, want_body, wanted);
        // The outcome in the log: every text in it went through the redactor.
        match &judged {
            Ok((_, outcome)) => tracing::info!(
                profile = %self.profile,
                status,
                outcome = outcome.summary().as_deref().unwrap_or("ok"),
                "accepted"
            ),
            Err(error) => tracing::info!(profile = %self.profile, status, "refused: {error}"),
        }
        judged
    }

    fn read_answer(
        &self,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        source: Option<&ByteString>,
        want_body: bool,
        wanted: &Wanted,
    ) -> std::result::Result<(Option<Pruned>, Outcome), ClientError> {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim_start_matches(BOM).trim_start();
        let html = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html"))
            || trimmed.starts_with("<!DOCTYPE")
            || trimmed.starts_with("<html");
        let retry = retry_after(headers).map(|d| d.as_secs());
        if (300..400).contains(&status) {
            let location = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("(no Location)");
            return Err(ClientError::Redirect {
                status,
                location: self.redactor.text(location),
            });
        }
        if html {
            return Err(ClientError::Html {
                status,
                title: html_title(&text).map(|t| self.redactor.text(&t)),
            });
        }
        if trimmed.is_empty() {
            if status >= 400 {
                return Err(ClientError::Status {
                    status,
                    outcome: Outcome::default(),
                    retry_after: retry,
                });
            }
            if want_body {
                return Err(ClientError::Empty { status });
            }
            return Ok((None, Outcome::default()));
        }
        let pruned = match prune::parse(trimmed, source, wanted) {
            Ok(pruned) => pruned,
            Err(_) if status >= 400 => {
                return Err(ClientError::Status {
                    status,
                    outcome: Outcome {
                        message: Some(snippet(&self.redactor.text(&text))),
                        ..Outcome::default()
                    },
                    retry_after: retry,
                });
            }
            Err(_) => {
                return Err(ClientError::NotJson {
                    status,
                    snippet: snippet(&self.redactor.text(&text)),
                });
            }
        };
        if self.spec.semantics == crate::spec::Semantics::FullReplace {
            // A split contact's other members go back as they came: only its parsed ones
            // are written by serde_json.
            match pruned.contact {
                Some(_) => self.remember_numbers(&pruned.known_text),
                None => self.remember_numbers(trimmed),
            }
        }
        let json = &pruned.json;
        // A vendor may quote what it was sent (an "invalid API key …" message): the outcome is
        // shown and printed, so it goes through the redactor like every recorded text.
        let mut outcome = Outcome::read(&self.spec.envelope, json);
        for text in [
            &mut outcome.message,
            &mut outcome.code,
            &mut outcome.details,
        ]
        .into_iter()
        .flatten()
        {
            *text = self.redactor.text(text);
        }
        if status >= 400 || outcome.success == Some(false) {
            return Err(ClientError::Status {
                status,
                outcome,
                retry_after: retry,
            });
        }
        Ok((Some(pruned), outcome))
    }

    /// Notes the numbers whose text serde_json changes when it reads them (an exponent's
    /// case or missing sign), so that `as_written` puts them back in a body sent.
    fn remember_numbers(&self, text: &str) {
        let mut found = Vec::new();
        for token in Lexer::new(text) {
            let raw = &text[token.range()];
            if token.kind == Kind::Scalar
                && raw.contains(['e', 'E'])
                && let Ok(number) = serde_json::from_str::<serde_json::Number>(raw)
                && number.to_string() != raw
            {
                found.push((number.to_string(), raw.to_string()));
            }
        }
        if !found.is_empty() {
            let mut numbers = self.numbers.lock().unwrap_or_else(|e| e.into_inner());
            numbers.extend(found);
        }
    }

    /// A body's JSON text with the numbers read from this vendor written as it wrote them.
    pub(super) fn as_written(&self, text: String) -> String {
        let numbers = self.numbers.lock().unwrap_or_else(|e| e.into_inner());
        if numbers.is_empty() {
            return text;
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for token in Lexer::new(&text) {
            if token.kind == Kind::Scalar
                && let Some(raw) = numbers.get(&text[token.range()])
            {
                out.push_str(&text[at..token.start]);
                out.push_str(raw);
                at = token.end;
            }
        }
        out.push_str(&text[at..]);
        out
    }

    pub(super) fn contact<'a>(&self, body: &'a Json) -> std::result::Result<&'a Json, ClientError> {
        match self.spec.response_contact.get(body) {
            Some(c) if c.is_object() => Ok(c),
            _ => Err(ClientError::NoContact {
                path: if self.spec.response_contact.is_root() {
                    "(the body)".into()
                } else {
                    self.spec.response_contact.to_string()
                },
            }),
        }
    }
}

fn html_title(text: &str) -> Option<String> {
    // The title is near the top: a huge page is not copied whole to find it.
    let mut head = text.len().min(64 * 1024);
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let text = &text[..head];
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = lower[start..].find("</title>")? + start;
    Some(text[start..end].trim().to_string()).filter(|t| !t.is_empty())
}

fn snippet(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}
