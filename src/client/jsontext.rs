//! JSON read as text, token by token, without building values: the redactor walks a body's
//! strings and paths with it, and `-v`/`--json` indent a body with it. A 64 MiB answer of small
//! keys costs gigabytes as `serde_json::Value`s and nothing here.

use std::io::{self, Write};
use std::ops::Range;

/// The byte-order mark some vendors put before their JSON.
pub const BOM: char = '\u{feff}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Open(u8),
    Close(u8),
    Colon,
    Comma,
    /// A string, quotes included, escapes as written.
    Str,
    /// A number, `true`, `false` or `null`, as written.
    Scalar,
    /// A byte no JSON token starts with.
    Bad,
}

#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Tokens of a text from `pos`, whitespace skipped; stops after a `Bad` token.
pub struct Lexer<'a> {
    bytes: &'a [u8],
    pub pos: usize,
    done: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        let pos = if text.starts_with(BOM) {
            BOM.len_utf8()
        } else {
            0
        };
        Self {
            bytes: text.as_bytes(),
            pos,
            done: false,
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        if self.done {
            return None;
        }
        let bytes = self.bytes;
        while self.pos < bytes.len() && matches!(bytes[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let start = self.pos;
        let first = *bytes.get(start)?;
        let kind = match first {
            b'{' | b'[' => Kind::Open(first),
            b'}' | b']' => Kind::Close(first),
            b':' => Kind::Colon,
            b',' => Kind::Comma,
            b'"' => {
                let mut at = start + 1;
                loop {
                    match bytes[at.min(bytes.len())..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\')
                    {
                        Some(n) if bytes[at + n] == b'\\' => at += n + 2,
                        Some(n) => {
                            at += n + 1;
                            break;
                        }
                        None => {
                            // Unterminated: the rest is not JSON.
                            self.done = true;
                            at = bytes.len();
                            self.pos = at;
                            return Some(Token {
                                kind: Kind::Bad,
                                start,
                                end: at,
                            });
                        }
                    }
                }
                self.pos = at.min(bytes.len());
                return Some(Token {
                    kind: Kind::Str,
                    start,
                    end: self.pos,
                });
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                let mut at = start;
                while at < bytes.len()
                    && matches!(bytes[at], b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.')
                {
                    at += 1;
                }
                self.pos = at;
                return Some(Token {
                    kind: Kind::Scalar,
                    start,
                    end: at,
                });
            }
            _ => {
                // The rest is not JSON (and may start inside no token at a char boundary).
                self.done = true;
                self.pos = bytes.len();
                return Some(Token {
                    kind: Kind::Bad,
                    start,
                    end: self.pos,
                });
            }
        };
        self.pos = start + 1;
        Some(Token {
            kind,
            start,
            end: self.pos,
        })
    }
}

/// One step of a value's place in the document.
#[derive(Debug, Clone)]
pub enum Step {
    /// The key's token (quotes included).
    Key(Range<usize>),
    Index(usize),
}

/// What the walk reports.
pub enum Visit<'p> {
    /// An object key, with the path of the object holding it.
    Key(Token),
    /// A string or scalar value, or a whole object or array once it closed, at `path`.
    Value {
        path: &'p [Step],
        range: Range<usize>,
        kind: Kind,
    },
}

enum Frame {
    Object { start: usize, expect_key: bool },
    Array { start: usize, index: usize },
}

/// Walks the JSON value the text starts with (after a byte-order mark and whitespace), telling
/// `visit` about every key and value. Returns where that value ends when it is whole; `None`
/// when the text does not start with a complete JSON value (what was walked was still told).
pub fn walk(text: &str, mut visit: impl FnMut(&str, Visit<'_>)) -> Option<usize> {
    let mut lexer = Lexer::new(text);
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: Vec<Step> = Vec::new();
    // A value just ended: the frame it sat in moves on (an array's next index).
    loop {
        let token = lexer.next()?;
        // Where the token stands: a key, after a key's colon, or a value.
        match (frames.last_mut(), token.kind) {
            (Some(Frame::Object { expect_key, .. }), Kind::Str) if *expect_key => {
                *expect_key = false;
                visit(text, Visit::Key(token));
                path.push(Step::Key(token.range()));
                match lexer.next() {
                    Some(Token {
                        kind: Kind::Colon, ..
                    }) => continue,
                    _ => return None,
                }
            }
            (Some(Frame::Object { expect_key, .. }), Kind::Close(b'}')) if *expect_key => {
                // `{}` or a trailing comma: close below.
            }
            (Some(Frame::Object { expect_key, .. }), _) if *expect_key => return None,
            (Some(Frame::Object { .. }), Kind::Comma) => {
                if let Some(Frame::Object { expect_key, .. }) = frames.last_mut() {
                    *expect_key = true;
                }
                continue;
            }
            (Some(Frame::Array { .. }), Kind::Comma) => continue,
            _ => {}
        }
        let ended = match token.kind {
            Kind::Open(b) => {
                frames.push(if b == b'{' {
                    Frame::Object {
                        start: token.start,
                        expect_key: true,
                    }
                } else {
                    Frame::Array {
                        start: token.start,
                        index: 0,
                    }
                });
                if b == b'[' {
                    path.push(Step::Index(0));
                }
                continue;
            }
            Kind::Close(b) => {
                let start = match (frames.pop(), b) {
                    (Some(Frame::Object { start, .. }), b'}') => start,
                    (Some(Frame::Array { start, .. }), b']') => {
                        path.pop();
                        start
                    }
                    _ => return None,
                };
                visit(
                    text,
                    Visit::Value {
                        path: &path,
                        range: start..token.end,
                        kind: Kind::Open(if b == b'}' { b'{' } else { b'[' }),
                    },
                );
                token.end
            }
            Kind::Scalar if !is_scalar(&text[token.range()]) => return None,
            Kind::Str | Kind::Scalar => {
                visit(
                    text,
                    Visit::Value {
                        path: &path,
                        range: token.range(),
                        kind: token.kind,
                    },
                );
                token.end
            }
            Kind::Colon | Kind::Comma | Kind::Bad => return None,
        };
        // The value is done: leave its key, or move the array on.
        match frames.last_mut() {
            None => return Some(ended),
            Some(Frame::Object { .. }) => {
                path.pop();
            }
            Some(Frame::Array { index, .. }) => {
                *index += 1;
                if let Some(Step::Index(i)) = path.last_mut() {
                    *i = *index;
                }
            }
        }
    }
}

/// `true`, `false`, `null` or something shaped like a number (its digits are serde_json's
/// to check).
fn is_scalar(raw: &str) -> bool {
    matches!(raw, "true" | "false" | "null")
        || raw
            .trim_start_matches('-')
            .starts_with(|c: char| c.is_ascii_digit())
}

/// The decoded text of a string token (quotes included); `None` when it is not a valid string.
pub fn decode(token: &str) -> Option<std::borrow::Cow<'_, str>> {
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(inner.into());
    }
    serde_json::from_str::<String>(token).ok().map(Into::into)
}

/// How deep rolo reads JSON: serde_json's own limit when it builds values.
pub const MAX_DEPTH: usize = 128;

/// Whether objects and arrays nest at most `limit` deep (counted outside strings).
pub fn nesting_within(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    for token in Lexer::new(text) {
        match token.kind {
            Kind::Open(_) => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            Kind::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Whether the whole text (after a byte-order mark) is one JSON value, checked without building
/// it (numbers out of f64 range included).
pub fn is_json(text: &str) -> bool {
    if !nesting_within(text, MAX_DEPTH) {
        return false;
    }
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::Deserialize::deserialize(&mut de)
        .map(|_: serde::de::IgnoredAny| ())
        .and_then(|()| de.end())
        .is_ok()
}

/// Writes a JSON text indented two spaces a level (as `serde_json::to_string_pretty` does),
/// tokens as they were written; continuation lines start `level` levels in. The text must be
/// JSON (`is_json`).
pub fn write_pretty(text: &str, level: usize, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = String::with_capacity(64 * 1024);
    let mut depth = level;
    let mut tokens = Lexer::new(text).peekable();
    let newline = |buf: &mut String, depth: usize| {
        buf.push('\n');
        for _ in 0..depth {
            buf.push_str("  ");
        }
    };
    while let Some(token) = tokens.next() {
        let raw = &text[token.range()];
        match token.kind {
            Kind::Open(_) => {
                buf.push_str(raw);
                if matches!(tokens.peek(), Some(t) if matches!(t.kind, Kind::Close(_))) {
                    if let Some(close) = tokens.next() {
                        buf.push_str(&text[close.range()]);
                    }
                } else {
                    depth += 1;
                    newline(&mut buf, depth);
                }
            }
            Kind::Close(_) => {
                depth = depth.saturating_sub(1);
                newline(&mut buf, depth);
                buf.push_str(raw);
            }
            Kind::Comma => {
                buf.push(',');
                newline(&mut buf, depth);
            }
            Kind::Colon => buf.push_str(": "),
            Kind::Str | Kind::Scalar | Kind::Bad => buf.push_str(raw),
        }
        if buf.len() >= 60 * 1024 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(text: &str) -> String {
        let mut out = Vec::new();
        write_pretty(text, 0, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn indents_like_serde_json() {
        for text in [
            r#"{"a":[1,{"b":null,"c":[]},{}],"d":"x\/y","e":{"f":true}}"#,
            r#"[]"#,
            r#""s""#,
            r#"[[1,2],[3]]"#,
        ] {
            let json: serde_json::Value = serde_json::from_str(text).unwrap();
            let want = serde_json::to_string_pretty(&json)
                .unwrap()
                .replace("x/y", r"x\/y");
            assert_eq!(pretty(text), want, "{text}");
        }
    }

    #[test]
    fn walks_paths_and_reports_where_the_leading_value_ends() {
        let text = "\u{feff} {\"a\":{\"b\":[\"x\",{\"c\":1}]},\"d\":\"y\"} trailing";
        let mut seen = Vec::new();
        let end = walk(text, |text, visit| {
            if let Visit::Value { path, range, .. } = visit {
                let path: Vec<String> = path
                    .iter()
                    .map(|s| match s {
                        Step::Key(r) => text[r.clone()].to_string(),
                        Step::Index(i) => i.to_string(),
                    })
                    .collect();
                seen.push(format!("{}={}", path.join("."), &text[range]));
            }
        });
        assert_eq!(&text[end.unwrap()..], " trailing");
        assert_eq!(
            seen,
            [
                "\"a\".\"b\".0=\"x\"",
                "\"a\".\"b\".1.\"c\"=1",
                "\"a\".\"b\".1={\"c\":1}",
                "\"a\".\"b\"=[\"x\",{\"c\":1}]",
                "\"a\"={\"b\":[\"x\",{\"c\":1}]}",
                "\"d\"=\"y\"",
                "={\"a\":{\"b\":[\"x\",{\"c\":1}]},\"d\":\"y\"}",
            ]
        );
        assert_eq!(walk("not json", |_, _| {}), None);
        assert_eq!(walk("{\"a\":", |_, _| {}), None);
        assert!(is_json("\u{feff}{\"n\":1e400}"));
        assert!(!is_json("{\"n\":1} x"));
    }
}
