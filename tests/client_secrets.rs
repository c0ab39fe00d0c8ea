//! Nothing leaked: a hostile vendor on loopback echoes the key and the passwords it was sent in
//! every encoding of the class (JSON escapes in any mix, percent-encoding, base64 in a Basic
//! header, trailing bytes after the JSON), and none of it reaches stdout, stderr, `--json`,
//! `-v` or the log file. Also: a spec path that would take the credentials to another port is
//! refused before anything is sent, and answers with a byte-order mark or a number beyond f64
//! are read (the number goes back as the same number in a full-replace body).

mod common;

use std::sync::{Arc, Mutex};

use base64::Engine;
use common::home::Home;
use rolo::client::{ClientError, Secret, Session};
use rolo::config::{Config, HttpSettings};
use rolo::spec::{Catalog, Template};
use serde_json::Value as Json;

const KEY: &str = "zq/Secret-77 é";
const OLD_PW: &str = "Old-Pass/4321";
const NEW_PW: &str = "NEW-PW/5678";
const SD: &str = "93498506-9dde-4593-b844-e3c51c0e2bc2";

/// Every way the hostile vendor writes a secret (and a few more): none may be printed.
fn forms(secret: &str) -> Vec<String> {
    let json_escaped = secret.replace('/', r"\/");
    let unicode: String = secret
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let percent: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
    vec![
        secret.to_string(),
        json_escaped,
        unicode,
        percent,
        // The part every spelling shares: the secret's middle, as written.
        secret[2..secret.len() - 2].to_string(),
    ]
}

#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    body: Vec<u8>,
}

type Handler = dyn Fn(&Seen) -> (String, Vec<(String, String)>, Vec<u8>) + Send + Sync;

/// A raw HTTP/1.1 server on loopback: every request is kept and answered by `handler`.
fn serve(handler: Arc<Handler>) -> (u16, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    let port = common::raw_http::serve(move |request| {
        let request = Seen {
            method: request.method.clone(),
            path: request.path.clone(),
            body: request.body.clone(),
        };
        kept.lock().unwrap().push(request.clone());
        let (status, headers, body) = handler(&request);
        common::raw_http::Answer {
            status,
            headers,
            body,
        }
    });
    (port, seen)
}

fn json_headers(extra: &[(&str, String)]) -> Vec<(String, String)> {
    let mut h = vec![("content-type".to_string(), "application/json".to_string())];
    h.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    h
}

/// clemta answers that echo the key, by contact id.
fn clemta_echo(request: &Seen) -> (String, Vec<(String, String)>, Vec<u8>) {
    let escaped = KEY.replace('/', r"\/");
    let unicode: String = KEY
        .chars()
        .map(|c| format!("\\u{:04X}", c as u32))
        .collect();
    let mixed = r"z\u0071\/Secret\u002d77 \u00e9";
    let percent: String = KEY.bytes().map(|b| format!("%{b:02x}")).collect();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("api:{KEY}"));
    let headers = json_headers(&[
        ("x-echo-key", percent.clone()),
        ("x-echo-auth", format!("Basic {basic}")),
    ]);
    let contact = r#"{"_id":"c1","type":"customer","full_name":"Eve","email":"e@example.com"}"#;
    let (status, body) = if request.path.ends_with("/refused") {
        (
            "401 Unauthorized",
            format!(
                r#"{{"success":false,"message":"invalid key {escaped}","data":null,"error":{{"code":"KEY_{unicode}","details":"got {mixed} ({percent})"}}}}"#
            ),
        )
    } else if request.path.ends_with("/trailing") {
        (
            "200 OK",
            format!(
                r#"{{"success":true,"data":{contact},"echo":"{mixed}"}} then {KEY} and {basic}"#
            ),
        )
    } else {
        (
            "200 OK",
            format!(
                r#"{{"success":true,"message":"hello {unicode}","data":{contact},"{escaped}":"{mixed}","b":"{basic}"}}"#
            ),
        )
    };
    (status.to_string(), headers, body.into_bytes())
}

/// servicedesk: the contact holds a password; a PUT is refused quoting the new one (ASP.NET's
/// ModelState), or applied with a read-back whose body has trailing bytes.
fn servicedesk(request: &Seen) -> (String, Vec<(String, String)>, Vec<u8>) {
    let contact = format!(
        "{{\"id\":\"{SD}\",\"firstname\":\"Ann\",\"lastname\":\"Lee\",\"email\":\"ann@example.com\",\"company_code\":\"ACME\",\"e_password\":\"{}\",\"big\":1e400}}",
        OLD_PW.replace('/', r"\/")
    );
    if request.method == "PUT" {
        let sent: Json = serde_json::from_slice(&request.body).unwrap_or_default();
        let pw = sent["e_password"].as_str().unwrap_or("").to_string();
        if pw == NEW_PW {
            let body = format!(
                r#"{{"Message":"The request is invalid.","ModelState":{{"contact.e_password":["The value '{}' is not a valid password."]}}}}"#,
                pw.replace('/', r"\/")
            );
            return (
                "400 Bad Request".into(),
                json_headers(&[]),
                body.into_bytes(),
            );
        }
        return ("200 OK".into(), json_headers(&[]), b"{}".to_vec());
    }
    if request.path.contains("trailing") {
        let body = format!("{contact}\n-- debug: password was {OLD_PW}");
        return ("200 OK".into(), json_headers(&[]), body.into_bytes());
    }
    // A byte-order mark before the JSON.
    let body = format!("\u{feff}{contact}");
    ("200 OK".into(), json_headers(&[]), body.into_bytes())
}

fn assert_nothing_leaked(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        for form in forms(secret) {
            assert!(!text.contains(&form), "{what} shows {form:?}:\n{text}");
        }
    }
}

#[test]
fn a_key_echoed_in_any_encoding_is_never_shown_nor_logged() {
    let (port, _) = serve(Arc::new(clemta_echo));
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.echo]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"ECHO_KEY\" }}\n"
    ));
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec!["get", "-p", "echo", "ok"], 0),
        (vec!["get", "-p", "echo", "ok", "-v"], 0),
        (vec!["get", "-p", "echo", "ok", "--json", "-v"], 0),
        (vec!["get", "-p", "echo", "refused", "-v"], 4),
        (vec!["get", "-p", "echo", "refused", "--json"], 4),
        (vec!["get", "-p", "echo", "trailing", "-v"], 5),
        (
            vec![
                "patch",
                "-p",
                "echo",
                "ok",
                "--set",
                "full_name=X",
                "--json",
                "-v",
            ],
            0,
        ),
        (
            vec![
                "patch",
                "-p",
                "echo",
                "ok",
                "--set",
                "full_name=X",
                "--curl",
            ],
            0,
        ),
    ];
    for (args, code) in &runs {
        let out = home.run(args, &[("ECHO_KEY", KEY), ("ROLO_LOG", "debug")]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {all}");
        if args.contains(&"-v") {
            assert!(all.contains("***"), "{args:?} shows no mask: {all}");
        }
        assert_nothing_leaked(&format!("{args:?}"), &all, &[KEY]);
        if args.contains(&"--json") && *code == 0 {
            let json: Json = serde_json::from_slice(&out.stdout).expect("--json is JSON");
            assert!(json["response"]["body"].is_object() || json["body"].is_object());
        }
    }
    // The log file: requests and answers are there, from the recorded (masked) exchange.
    let log = std::fs::read_to_string(home.path().join("state").join("rolo.log")).unwrap();
    assert!(log.contains("GET") && log.contains("status=401"), "{log}");
    assert_nothing_leaked("rolo.log", &log, &[KEY]);
    for (path, text) in home.files() {
        if !path.ends_with("config.toml") {
            assert_nothing_leaked(&path.display().to_string(), &text, &[KEY]);
        }
    }
}

#[test]
fn passwords_read_or_typed_are_masked_wherever_they_come_back() {
    let (port, seen) = serve(Arc::new(servicedesk));
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.sd]\nvendor = \"servicedesk\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"SD_TOKEN\" }}\n"
    ));
    let set_new = format!("e_password={NEW_PW}");
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec!["get", "-p", "sd", SD, "-v", "--json"], 0),
        (vec!["patch", "-p", "sd", SD, "--set", &set_new, "-v"], 4),
        (
            vec!["patch", "-p", "sd", SD, "--set", &set_new, "--json"],
            4,
        ),
        (
            vec![
                "patch",
                "-p",
                "sd",
                SD,
                "--set",
                &set_new,
                "--dry-run",
                "--curl",
            ],
            0,
        ),
    ];
    for (args, code) in &runs {
        let out = home.run(args, &[("SD_TOKEN", "sd-token-0000")]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {all}");
        assert_nothing_leaked(
            &format!("{args:?}"),
            &all,
            &[OLD_PW, NEW_PW, "sd-token-0000"],
        );
        if *code == 4 {
            assert!(all.contains("is not a valid password"), "{args:?}: {all}");
        }
    }
    // The new password did reach the vendor: the runs above really carried it.
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|s| s.method == "PUT" && String::from_utf8_lossy(&s.body).contains("5678")),
    );
    let log = std::fs::read_to_string(home.path().join("state").join("rolo.log")).unwrap();
    assert_nothing_leaked("rolo.log", &log, &[OLD_PW, NEW_PW, "sd-token-0000"]);
}

#[test]
fn a_password_after_the_json_is_masked_in_the_error() {
    let (port, _) = serve(Arc::new(servicedesk));
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.sd]\nvendor = \"servicedesk\"\nbase_url = \"http://127.0.0.1:{port}/trailing\"\nsecret = {{ env = \"SD_TOKEN\" }}\n"
    ));
    for args in [
        vec!["get", "-p", "sd", SD],
        vec!["get", "-p", "sd", SD, "-v", "--json"],
    ] {
        let out = home.run(&args, &[("SD_TOKEN", "sd-token-0000")]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(5), "{all}");
        assert!(all.contains("not JSON"), "{all}");
        assert_nothing_leaked(&format!("{args:?}"), &all, &[OLD_PW]);
    }
}

#[test]
fn a_byte_order_mark_and_a_number_beyond_f64_are_read_and_sent_back() {
    let (port, seen) = serve(Arc::new(servicedesk));
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.sd]\nvendor = \"servicedesk\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"SD_TOKEN\" }}\n"
    ));
    let env = [("SD_TOKEN", "sd-token-0000")];
    let out = home.run(&["get", "-p", "sd", SD], &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ann"));
    let out = home.run(&["patch", "-p", "sd", SD, "--set", "firstname=Anna"], &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = seen.lock().unwrap();
    let put = seen
        .iter()
        .find(|s| s.method == "PUT")
        .expect("the update was sent");
    let sent: Json = serde_json::from_slice(&put.body).unwrap();
    let served: Json = serde_json::from_str("1e400").unwrap();
    assert_eq!(
        sent["big"],
        served,
        "{}",
        String::from_utf8_lossy(&put.body)
    );
    // Written as the vendor wrote it, not as serde_json would (1e+400).
    assert!(
        String::from_utf8_lossy(&put.body).contains(r#""big":1e400"#),
        "{}",
        String::from_utf8_lossy(&put.body)
    );
    assert_eq!(sent["e_password"], Json::String(OLD_PW.into()));
}

#[test]
fn a_path_that_leaves_the_base_url_is_refused_before_sending() {
    let (port, seen) = serve(Arc::new(clemta_echo));
    let (elsewhere, elsewhere_seen) = serve(Arc::new(clemta_echo));
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog);
    let mut profile = config.profile("sandbox-clemta").unwrap().clone();
    profile.base_url = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for hostile in [
        format!("@127.0.0.1:{elsewhere}/contacts/{{contact_id}}"),
        format!(":{elsewhere}/contacts/{{contact_id}}"),
        format!("0:{elsewhere}/contacts/{{contact_id}}"),
        ".localhost/contacts/{contact_id}".to_string(),
        "@localhost/contacts/{contact_id}".to_string(),
    ] {
        let mut spec = (**catalog.get("clemta").unwrap()).clone();
        spec.read.path = Template::parse(&hostile).unwrap();
        spec.update.path = Template::parse(&hostile).unwrap();
        let session = Session::new(
            Arc::new(spec),
            &profile,
            Secret::new(KEY),
            HttpSettings::default(),
        )
        .unwrap();
        let reference = session.reference("c1").unwrap();
        let failed = runtime.block_on(session.read(&reference)).unwrap_err();
        assert!(
            matches!(failed.error, ClientError::Elsewhere { .. }),
            "{hostile}: {}",
            failed.error
        );
        assert_eq!(failed.error.exit_code(), 2);
        assert!(!failed.error.to_string().contains("Secret-77"));
        let body = rolo::edit::Body::new(serde_json::json!({"full_name": "X"}));
        assert!(matches!(
            session.prepare_update(&reference, &body, None),
            Err(ClientError::Elsewhere { .. })
        ));
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "sent to the base URL's port"
    );
    assert!(elsewhere_seen.lock().unwrap().is_empty(), "sent elsewhere");
}
