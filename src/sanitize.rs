//! The one sanitizer for text that leaves rolo for a terminal. Vendor text is hostile: a value
//! holding `ESC ] 52 ; c ; … BEL` writes to the user's clipboard, `ESC [ 2 J` clears the
//! screen, a bidirectional override makes `moc.evil` read as `live.com`. Every such character
//! is shown as a visible escape instead.
//!
//! The escape is JSON's `\uXXXX` form, so the same pass keeps `--json` output valid JSON (inside
//! a JSON string it decodes back to the vendor's character) and makes human output readable.
//! Characters past U+FFFF never need it: none of them is a control or a direction override.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether a character must not reach the terminal as it is: C0 controls other than newline and
/// tab (NUL and ESC included), DEL, C1 controls, and the bidirectional embeddings, overrides and
/// isolates.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character replaced by its `\uXXXX` escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer that escapes unsafe characters on their way out. The CLI writes everything through
/// one of these, so no command can forget it. Bytes that are not UTF-8 are shown as `\xNN`; a
/// character split across two writes is held until its last byte arrives.
pub struct SanitizingWriter<W: Write> {
    inner: W,
    /// The start of a UTF-8 sequence whose remaining bytes have not arrived yet.
    pending: Vec<u8>,
}

impl<W: Write> SanitizingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut rest = bytes;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(text) => return self.inner.write_all(escape(text).as_bytes()),
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // Valid by construction: `valid_up_to` says so.
                    let text = std::str::from_utf8(good).unwrap_or_default();
                    self.inner.write_all(escape(text).as_bytes())?;
                    match e.error_len() {
                        Some(n) => {
                            for b in &bad[..n] {
                                write!(self.inner, "\\x{b:02x}")?;
                            }
                            rest = &bad[n..];
                        }
                        None => {
                            // An incomplete sequence at the end: wait for the rest.
                            self.pending.extend_from_slice(bad);
                            return Ok(());
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        for b in std::mem::take(&mut self.pending) {
            write!(self.inner, "\\x{b:02x}")?;
        }
        Ok(())
    }
}

impl<W: Write> Write for SanitizingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.emit(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.emit(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for SanitizingWriter<W> {
    fn drop(&mut self) {
        // A torn sequence at the very end is shown, not lost; a failing stream has nowhere
        // left to report to.
        if self.flush_pending().is_err() {
            tracing::debug!("could not write the last bytes of the output");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(chunks: &[&[u8]]) -> String {
        let mut shown = Vec::new();
        let mut w = SanitizingWriter::new(&mut shown);
        for c in chunks {
            w.write_all(c).unwrap();
        }
        drop(w);
        String::from_utf8(shown).unwrap()
    }

    #[test]
    fn every_class_of_unsafe_character_is_escaped() {
        let hostile = "a\u{1b}]52;c;SGVsbG8=\u{7}b\u{1b}[2Jc\u{0}d\u{7f}e\u{9b}31mf\u{85}g\u{202e}h\u{2066}i\u{2069}\rj";
        let shown = through(&[hostile.as_bytes()]);
        assert_eq!(
            shown,
            "a\\u001b]52;c;SGVsbG8=\\u0007b\\u001b[2Jc\\u0000d\\u007fe\\u009b31mf\\u0085g\\u202eh\\u2066i\\u2069\\u000dj"
        );
        assert!(!shown.chars().any(is_unsafe));
    }

    #[test]
    fn text_people_write_passes_untouched() {
        let text = "Åland Islands\tMüller · 東京 🚀\nline two\n";
        assert_eq!(through(&[text.as_bytes()]), text);
        assert!(matches!(escape(text), Cow::Borrowed(_)));
    }

    #[test]
    fn a_character_split_across_writes_is_kept_whole() {
        let c1 = "\u{9b}".as_bytes(); // two bytes
        let bidi = "\u{202e}".as_bytes(); // three bytes
        let shown = through(&[
            b"x",
            &c1[..1],
            &c1[1..],
            &bidi[..1],
            &bidi[1..2],
            &bidi[2..],
        ]);
        assert_eq!(shown, "x\\u009b\\u202e");
        let e = "é".as_bytes();
        assert_eq!(through(&[&e[..1], &e[1..]]), "é");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_shown_as_hex() {
        assert_eq!(through(&[b"a\xffb\xc3"]), "a\\xffb\\xc3");
    }

    #[test]
    fn json_stays_json_and_decodes_to_the_vendors_text() {
        let value = "x\u{1b}[2J\u{9b}\u{202e}y";
        let json = serde_json::to_string(&serde_json::json!({ "name": value })).unwrap();
        let shown = through(&[json.as_bytes()]);
        assert!(!shown.chars().any(is_unsafe), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["name"], value);
    }
}
