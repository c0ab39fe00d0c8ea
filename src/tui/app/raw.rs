//! The raw pane's text: every exchange as `-v` prints it, in one string with where every
//! `MARK_EVERY`th line starts. One string, not a string per line: a capped 8 MiB body of small
//! keys is a million indented lines, and a `String` each would cost several times the text
//! (an offset each cost 8 MiB of the editor's budget per capped body).

use std::borrow::Borrow;
use std::path::Path;

use crate::client::Exchange;

/// Lines between two marks: finding a line scans at most this many `\n` (fast: `memchr`).
const MARK_EVERY: usize = 64;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RawText {
    text: String,
    /// Where lines 0, `MARK_EVERY`, 2 × `MARK_EVERY`… start in `text`; a line ends at the next
    /// `\n`.
    marks: Vec<usize>,
    /// Lines in `text`.
    lines: usize,
}

impl RawText {
    /// Every exchange, request then response, a blank line between two, bodies indented when
    /// JSON and capped at `client::DISPLAY_CAP`; a capped body is saved whole into `spill`
    /// (when given) and its file named in the text.
    pub fn format<E: Borrow<Exchange>>(exchanges: &[E], spill: Option<&Path>) -> Self {
        let mut out = Vec::new();
        for (n, exchange) in exchanges.iter().enumerate() {
            if n > 0 {
                out.push(b'\n');
            }
            // Writing into memory fails only on a body that could not be saved, which the
            // text itself then says.
            if let Err(e) = exchange.borrow().write_text(&mut out, spill) {
                tracing::warn!("the raw pane's text is incomplete: {e}");
            }
        }
        if out.last() == Some(&b'\n') {
            out.pop();
        }
        let text = match String::from_utf8(out) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Self::from_text(text)
    }

    /// Lines of `text`, split at `\n`.
    fn from_text(text: String) -> Self {
        if text.is_empty() {
            return Self::default();
        }
        let mut marks = vec![0];
        let mut lines: usize = 1;
        for (at, _) in text.match_indices('\n') {
            if lines.is_multiple_of(MARK_EVERY) {
                marks.push(at + 1);
            }
            lines += 1;
        }
        Self { text, marks, lines }
    }

    /// Adds a line at the end.
    pub fn push(&mut self, line: &str) {
        if self.lines > 0 {
            self.text.push('\n');
        }
        if self.lines.is_multiple_of(MARK_EVERY) {
            self.marks.push(self.text.len());
        }
        self.lines += 1;
        self.text.push_str(line);
    }

    pub fn len(&self) -> usize {
        self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// Where line `n` (< `len`) starts in `text`.
    fn start(&self, n: usize) -> usize {
        let mut at = self.marks[n / MARK_EVERY];
        for _ in 0..n % MARK_EVERY {
            // Lines before the last end with a `\n`.
            at += self.text[at..].find('\n').map_or(0, |end| end + 1);
        }
        at
    }

    /// Line `n` (without its `\n`, nor a `\r` before it); empty past the end.
    pub fn line(&self, n: usize) -> &str {
        self.lines_from(n).next().unwrap_or("")
    }

    /// The lines from `first` on.
    pub fn lines_from(&self, first: usize) -> impl Iterator<Item = &str> {
        let (rest, count) = if first < self.lines {
            (&self.text[self.start(first)..], self.lines - first)
        } else {
            ("", 0)
        };
        rest.split('\n')
            .take(count)
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
    }

    /// The first line of the last exchange (each starts `> METHOD URL` after a blank line),
    /// or 0. Searched in the text: asking each line from the end costs a scan per line.
    pub fn last_exchange_start(&self) -> usize {
        let mut end = self.text.len();
        while let Some(at) = self.text[..end].rfind("\n> ") {
            let previous = self.text[..at].rsplit('\n').next().unwrap_or("");
            if previous.is_empty() || previous == "\r" {
                return self.text[..=at].matches('\n').count();
            }
            end = at;
        }
        0
    }

    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines_from(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{DISPLAY_CAP, RecordedRequest, RecordedResponse};

    fn exchange(url: &str, body: &str) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                url: url.into(),
                headers: vec![],
                body: None,
            },
            response: Some(RecordedResponse {
                status: 200,
                headers: vec![],
                body: body.into(),
                elapsed: std::time::Duration::from_millis(1),
            }),
        }
    }

    /// The app's raw pane text, formatted for `exchanges` as after a read.
    fn app_with(
        body: &str,
    ) -> (
        super::super::App,
        tokio::sync::mpsc::UnboundedReceiver<super::super::Msg>,
    ) {
        use crate::config::Config;
        use crate::spec::Catalog;
        use crate::tui::keymap::Keymap;
        use crate::tui::theme::Theme;
        let catalog = Catalog::built_in();
        let config = Config::built_in(&catalog);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut app =
            super::super::App::new(config, catalog, Theme::monochrome(), Keymap::default(), tx);
        let ws = app.active;
        app.workspaces[ws].exchanges = vec![std::sync::Arc::new(exchange("http://h/a", body))];
        app.refresh_raw(ws);
        (app, rx)
    }

    #[tokio::test]
    async fn a_small_body_is_formatted_in_place_with_no_second_frame_to_wait_for() {
        let (app, mut rx) = app_with("{\"full_name\":\"John Doe\"}");
        let raw = &app.workspaces[app.active].raw;
        assert!(
            raw.lines()
                .any(|l| l.contains("\"full_name\": \"John Doe\"")),
            "{raw:?}"
        );
        assert!(rx.try_recv().is_err(), "no task answers later");
    }

    #[tokio::test]
    async fn a_large_body_is_formatted_on_a_task() {
        let body = format!("{{\"k\":\"{}\"}}", "x".repeat(super::super::RAW_IN_PLACE));
        let (app, mut rx) = app_with(&body);
        assert!(
            app.workspaces[app.active].raw.is_empty(),
            "not on the render loop"
        );
        let Some(super::super::Msg::Raw { lines, .. }) = rx.recv().await else {
            panic!("the task's text")
        };
        assert!(lines.lines().any(|l| l.contains("\"k\": \"xxx")));
    }

    #[test]
    fn lines_are_the_exchanges_text_with_a_blank_line_between() {
        let exchanges = [
            exchange("http://h/a", "{\"a\":1}"),
            exchange("http://h/b", "x\r\ny"),
        ];
        let raw = RawText::format(&exchanges, None);
        let want: Vec<String> = exchanges
            .iter()
            .map(Exchange::to_text)
            .collect::<Vec<_>>()
            .join("\n")
            .lines()
            .map(str::to_string)
            .collect();
        let got: Vec<&str> = raw.lines().collect();
        assert_eq!(got, want);
        assert_eq!(raw.line(0), "> GET http://h/a");
        let second = raw.lines().position(|l| l == "> GET http://h/b").unwrap();
        assert_eq!(raw.last_exchange_start(), second);
        assert_eq!(
            RawText::format(&exchanges[..1], None).last_exchange_start(),
            0
        );
        assert_eq!(raw.line(raw.len()), "");
        assert_eq!(raw.lines_from(raw.len() + 5).count(), 0);
        let mut raw = raw;
        raw.push("filler");
        assert_eq!(raw.line(raw.len() - 1), "filler");
        // Lines past a few marks, each found where it is, pushed or formatted.
        let text: Vec<String> = (0..3 * MARK_EVERY + 5).map(|n| format!("l{n}")).collect();
        let formatted = RawText::from_text(text.join("\n"));
        let mut pushed = RawText::default();
        for line in &text {
            pushed.push(line);
        }
        assert_eq!(formatted, pushed);
        for (n, line) in text.iter().enumerate() {
            assert_eq!(formatted.line(n), line);
        }
        assert_eq!(
            formatted.lines_from(MARK_EVERY + 1).next(),
            Some(text[MARK_EVERY + 1].as_str())
        );
        assert_eq!(formatted.lines_from(2).count(), text.len() - 2);
        assert!(RawText::format::<Exchange>(&[], None).is_empty());
    }

    #[test]
    fn a_body_past_the_cap_is_shown_capped_and_saved_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut body = String::from("{\"data\":{\"a\":0");
        let mut n = 0;
        while body.len() <= DISPLAY_CAP {
            body.push_str(&format!(",\"k{n}\":0"));
            n += 1;
        }
        body.push_str("}}");
        let raw = RawText::format(&[exchange("http://h/big", &body)], Some(dir.path()));
        let note = raw
            .lines()
            .find(|l| l.contains("the whole body is in "))
            .expect("the cap is said before the body");
        let (_, path) = note.split_once("the whole body is in ").unwrap();
        assert_eq!(std::fs::read_to_string(path).unwrap(), body);
        assert!(raw.lines().any(|l| l == "    \"k0\": 0,"));
        assert!(!raw.lines().any(|l| l.contains(&format!("\"k{}\"", n - 1))));
        assert!(raw.text.len() < 3 * DISPLAY_CAP, "{}", raw.text.len());
    }
}
