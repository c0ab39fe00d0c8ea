//! A hostile vendor on loopback answers with terminal escape sequences, C1 controls and
//! bidirectional overrides in values, messages, headers, "not JSON" text and an HTML title.
//! Nothing rolo's CLI prints may carry one of them as it is; `--json` stays JSON and decodes to
//! the vendor's text.

mod common;

use rolo::sanitize::is_unsafe;

const ESCAPES: &str = r"\u001b]52;c;SGVsbG8=\u0007\u001b[2J\u009b31m\u202e\u0000\u007f";

/// Serves canned answers by contact id until the test ends.
fn hostile_vendor() -> u16 {
    common::raw_http::serve(|request| {
        let request_line = &request.line;
        let (status, content_type, answer): (&str, &str, String) = if request_line
            .contains("/contacts/evil-value")
        {
            (
                "200 OK",
                "application/json",
                format!(
                    r#"{{"success":true,"message":"saved{ESCAPES}","data":{{"_id":"evil-value","type":"customer","full_name":"Eve{ESCAPES}","email":"eve@example.com","billing":{{"city":"x{ESCAPES}"}}}}}}"#
                ),
            )
        } else if request_line.contains("/contacts/evil-error") {
            (
                "400 Bad Request",
                "application/json",
                format!(
                    r#"{{"success":false,"message":"bad{ESCAPES}","error":{{"code":"E{ESCAPES}","details":"d{ESCAPES}"}}}}"#
                ),
            )
        } else if request_line.contains("/contacts/evil-text") {
            (
                "200 OK",
                "text/plain",
                "plain \u{1b}[2J text \u{9b}31m \u{202e}".to_string(),
            )
        } else {
            (
                "502 Bad Gateway",
                "text/html",
                "<html><title>Down \u{1b}]52;c;SGk=\u{7} \u{202e}</title></html>".to_string(),
            )
        };
        common::raw_http::Answer {
            status: status.to_string(),
            headers: vec![
                ("content-type".into(), content_type.to_string()),
                ("x-evil".into(), "\u{9b}31m\u{202e}".into()),
            ],
            body: answer.into_bytes(),
        }
    })
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<String> = text
        .chars()
        .filter(|c| is_unsafe(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{what} printed {bad:?}:\n{text}");
}

#[test]
fn no_vendor_text_reaches_the_terminal_unescaped() {
    let port = hostile_vendor();
    let home = common::home::Home::new();
    home.write_config(&format!(
        "[profiles.evil]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"EVIL_KEY\" }}\n"
    ));
    let run = |args: &[&str]| home.run(args, &[("EVIL_KEY", "k")]);

    for args in [
        vec!["get", "-p", "evil", "evil-value"],
        vec!["get", "-p", "evil", "evil-value", "-v"],
        vec!["get", "-p", "evil", "evil-error", "-v"],
        vec!["get", "-p", "evil", "evil-text", "-v"],
        vec!["get", "-p", "evil", "evil-html", "-v"],
        vec![
            "patch",
            "-p",
            "evil",
            "evil-value",
            "--set",
            "full_name=Eve",
            "-v",
        ],
        vec![
            "patch",
            "-p",
            "evil",
            "evil-value",
            "--set",
            "full_name=Eve",
            "--dry-run",
        ],
    ] {
        let out = run(&args);
        let what = args.join(" ");
        assert_clean(&format!("{what} (stdout)"), &out.stdout);
        assert_clean(&format!("{what} (stderr)"), &out.stderr);
        assert!(
            !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
            "{what}"
        );
    }

    // The escapes are shown, so the user can see something is there.
    let shown = run(&["get", "-p", "evil", "evil-value"]);
    let stdout = String::from_utf8_lossy(&shown.stdout);
    assert!(
        stdout.contains(r"Eve\u001b]52;c;SGVsbG8=\u0007"),
        "{stdout}"
    );
    let error = run(&["get", "-p", "evil", "evil-error"]);
    assert_eq!(error.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&error.stderr);
    assert!(stderr.contains(r"bad\u001b]52"), "{stderr}");

    // --json: still JSON, and the value decodes to exactly what the vendor sent.
    let json = run(&["get", "-p", "evil", "evil-value", "--json"]);
    assert_clean("get --json", &json.stdout);
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&json.stdout)));
    let text = parsed.to_string();
    assert!(
        text.contains("Eve\\u001b]52;c;SGVsbG8=\\u0007\\u001b[2J\u{9b}31m\u{202e}"),
        "the value is carried whole: {text}"
    );
}
