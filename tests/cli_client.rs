//! `rolo profiles`, `rolo get` and `rolo patch` as real processes against the in-process
//! sandbox: output, exit codes, dry-run versus the real request, and secrets that never show.

mod common;

use std::process::Output;

use common::pty::Vendor;
use serde_json::Value as Json;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const REFS: [(&str, &str, &str); 5] = [
    (
        "clemta",
        "64b8f1a2e4b0c8d9f0123456",
        "billing.phone=5550001111",
    ),
    ("exsited", "ACC-1001/CONTACT_1", "phone.number=92559999"),
    ("contactreg", "1941877", "birthPlace=MELBOURNE"),
    ("cro", "1001/5001", "fax=+61890001234"),
    (
        "servicedesk",
        "93498506-9dde-4593-b844-e3c51c0e2bc2",
        "firstname=Annabel",
    ),
];

#[test]
fn get_prints_the_contact() {
    let env = Vendor::start();
    let out = env.run(&["get", "-p", "sandbox-exsited", "ACC-1001/CONTACT_1"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("exsited ACC-1001/CONTACT_1 (sandbox-exsited)\n"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["salutation", "Mr."]),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["phone.full", "+61", "2", "92550000"]),
        "{text}"
    );

    let out = env.run(
        &[
            "get",
            "-p",
            "sandbox-clemta",
            "64b8f1a2e4b0c8d9f0123456",
            "--json",
        ],
        &[],
    );
    let json: Json = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["method"], "GET");
    assert_eq!(json["headers"]["x-api-key"], "***");
    assert_eq!(json["response"]["status"], 200);
    assert_eq!(json["response"]["body"]["data"]["full_name"], "John Doe");
}

#[test]
fn the_dry_run_is_the_request_then_sent() {
    let env = Vendor::start();
    for (vendor, reference, edit) in REFS {
        let profile = format!("sandbox-{vendor}");
        let dry = env.run(
            &[
                "patch",
                "-p",
                &profile,
                reference,
                "--set",
                edit,
                "--dry-run",
                "--json",
            ],
            &[],
        );
        assert_eq!(dry.status.code(), Some(0), "{vendor}: {}", stderr(&dry));
        let planned: Json = serde_json::from_str(&stdout(&dry)).unwrap();
        let sent = env.run(
            &["patch", "-p", &profile, reference, "--set", edit, "--json"],
            &[],
        );
        assert_eq!(sent.status.code(), Some(0), "{vendor}: {}", stderr(&sent));
        let mut actual: Json = serde_json::from_str(&stdout(&sent)).unwrap();
        let response = actual
            .as_object_mut()
            .unwrap()
            .shift_remove("response")
            .expect("a sent request has its response");
        assert_eq!(response["status"], 200, "{vendor}");
        assert_eq!(
            planned, actual,
            "{vendor}: the dry run differs from what was sent"
        );
        // The edit reached the vendor.
        let (field, value) = edit.split_once('=').unwrap();
        let get = env.run(&["get", "-p", &profile, reference], &[]);
        assert!(
            stdout(&get)
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")
                    == format!("{field} {value}")),
            "{vendor}: {}",
            stdout(&get)
        );
    }
}

#[test]
fn patch_reports_the_outcome_and_curl_export() {
    let env = Vendor::start();
    let out = env.run(
        &[
            "patch",
            "-p",
            "sandbox-clemta",
            "64b8f1a2e4b0c8d9f0123456",
            "--set",
            "full_name=John Q. Doe",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "HTTP 200: Contact updated successfully\n  full_name: John Doe → John Q. Doe (stored: John Q. Doe)\n"
    );
    let out = env.run(
        &[
            "patch",
            "-p",
            "sandbox-cro",
            "1001/5001",
            "--set",
            "name=Desk",
            "--dry-run",
            "--curl",
        ],
        &[],
    );
    let curl = stdout(&out);
    let base = env.running.url();
    assert_eq!(
        curl.trim_end(),
        format!(
            "curl -X PATCH '{base}/cro/customers/1001/contacts/5001/' -H 'authorization: Bearer ***' -H 'x-tenant-id: 1' -H 'user-agent: rolo/0.1.0' -H 'accept: application/json' -H 'content-type: application/json' -H 'if-match: \"1\"' --data-raw '{{\"name\":\"Desk\"}}'"
        )
    );
    let out = env.run(
        &[
            "patch",
            "-p",
            "sandbox-cro",
            "1001/5001",
            "--set",
            "name=Dispatch Desk",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("nothing to send"), "{}", stderr(&out));
}

#[test]
fn exit_codes() {
    let env = Vendor::start();
    let code = |args: &[&str]| env.run(args, &[]).status.code();
    // 2: usage and configuration.
    assert_eq!(code(&["get", "-p", "sandbox-exsited", "ACC-1001"]), Some(2));
    assert_eq!(code(&["get", "-p", "nobody", "1"]), Some(2));
    assert_eq!(code(&["get", "1"]), Some(2), "no profile and no default");
    assert_eq!(
        code(&["patch", "-p", "sandbox-cro", "1001/5001"]),
        Some(2),
        "nothing to change"
    );
    assert_eq!(
        code(&["patch", "-p", "sandbox-cro", "1001/5001", "--set", "nope=1"]),
        Some(2)
    );
    assert_eq!(
        code(&["patch", "-p", "sandbox-cro", "1001/5001", "--set", "fax"]),
        Some(2)
    );
    // 3: refused before sending, naming field and rule.
    let out = env.run(
        &[
            "patch",
            "-p",
            "sandbox-cro",
            "1001/5001",
            "--set",
            "fax=1",
            "--set",
            "email=nope",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("fax: must be at least 7 characters long (it has 1)"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("email: entry 1 (\"nope\") is not a valid e-mail address"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        code(&[
            "patch",
            "-p",
            "sandbox-clemta",
            "64b8f1a2e4b0c8d9f0123456",
            "--set",
            "id=x"
        ]),
        Some(3)
    );
    assert_eq!(
        code(&[
            "patch",
            "-p",
            "sandbox-contactreg",
            "1941880",
            "--set",
            "email=a@b.co"
        ]),
        Some(3)
    );
    // 4: the vendor answered with an error status.
    let out = env.run(
        &["get", "-p", "sandbox-clemta", "000000000000000000000000"],
        &[],
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("NOT_FOUND: Contact not found"),
        "{}",
        stderr(&out)
    );
    // 5: network.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = env.run(
        &["get", "-p", "sandbox-clemta", "64b8f1a2e4b0c8d9f0123456"],
        &[("ROLO_SANDBOX_URL", &format!("http://127.0.0.1:{port}"))],
    );
    assert_eq!(out.status.code(), Some(5));
    assert!(
        stderr(&out).contains("connection refused"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_problems_are_usage_errors_with_file_and_line() {
    let env = Vendor::start();
    // A broken profile is its own error when used (the others still work: cli_frictions.rs).
    let used = |name: &str| env.run(&["get", "-p", name, "1"], &[]);
    env.write_config("default_profile = \"acme\"\n\n[profiles.acme]\nvendor = \"clemta\"\nbase_url = \"ftp://x\"\nsecret = { env = \"K\" }\n");
    let out = used("acme");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "config.toml:5: profile \"acme\": base_url \"ftp://x\" is not an http(s) URL"
        ),
        "{}",
        stderr(&out)
    );

    env.write_config(
        "[profiles.d]\nvendor = \"cro\"\nbase_url = \"http://h\"\nsecret = { env = \"K\" }\n",
    );
    let out = used("d");
    assert!(
        stderr(&out).contains("config.toml:1: profile \"d\": cro needs tenant_id"),
        "{}",
        stderr(&out)
    );

    env.write_config("[profiles.d]\nvendor = \"cro\"\nbase_url = \"http://h\"\nsecret = { env = \"K\" }\ntenant_id = \"one\"\n");
    assert!(
        stderr(&used("d"))
            .contains("config.toml:5: profile \"d\": tenant_id must be a whole number")
    );

    env.write_config("[profiles.d]\nvendor = \"clemta\"\nbase_url = \"http://h\"\nsecret = { env = \"K\" }\ncolour = 1\n");
    assert!(
        stderr(&used("d")).contains(
            "config.toml:5: profile \"d\": unknown key \"colour\" (clemta takes no extras)"
        )
    );

    env.write_config("[profiles.acme]\nvendor = \"clemta\"\nbase_url = \"https://api.clemta.com\"\nsecret = { command = \"pass show clemta\" }\n");
    let out = env.run(&["profiles"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).lines().any(|l| l.starts_with("acme ")
            && l.contains("command pass …")
            && l.ends_with("config.toml")),
        "{}",
        stdout(&out)
    );
}

#[cfg(unix)]
#[test]
fn a_literal_secret_needs_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let env = Vendor::start();
    let url = env.running.url();
    env.write_config(&format!("[profiles.lit]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = \"sandbox-clemta-key\"\n"));
    let path = env.config_dir().join("config.toml");
    assert_eq!(
        env.run(&["get", "-p", "lit", "64b8f1a2e4b0c8d9f0123456"], &[])
            .status
            .code(),
        Some(0)
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.run(&["get", "-p", "lit", "64b8f1a2e4b0c8d9f0123456"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
}

/// Every file under a folder, as text.
#[test]
fn a_secret_marker_appears_in_no_output_and_no_file() {
    let env = Vendor::start();
    let url = env.running.url();
    // Profiles whose secrets come from the environment: the demo keys (accepted), and a unique
    // marker that the sandbox refuses (every error path).
    let marker = "ROLO-SECRET-MARKER-5f0c9e2d71";
    let password = "ROLO-PASSWORD-MARKER-88aa";
    let token_file = env.home.path().join("token");
    std::fs::write(&token_file, "sandbox-servicedesk-token\n").unwrap();
    let token_file = token_file.display();
    env.write_config(&format!(
        "[profiles.ok-clemta]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"OK_KEY\" }}\n\n\
         [profiles.ok-sd]\nvendor = \"servicedesk\"\nbase_url = \"{url}/servicedesk\"\nsecret = {{ command = \"cat {token_file}\" }}\n\n\
         [profiles.bad]\nvendor = \"cro\"\nbase_url = \"{url}/cro\"\nsecret = {{ env = \"BAD_KEY\" }}\ntenant_id = 1\n\n\
         [profiles.echo]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"BAD_KEY\" }}\nheaders = {{ \"x-sandbox-fault\" = \"echo\" }}\n\n\
         [profiles.sd-echo]\nvendor = \"servicedesk\"\nbase_url = \"{url}/servicedesk\"\nsecret = {{ command = \"cat {token_file}\" }}\nheaders = {{ \"x-sandbox-fault\" = \"echo-body, only=PUT\" }}\n"
    ));
    let env_vars = [("OK_KEY", "sandbox-clemta-key"), ("BAD_KEY", marker)];
    let clemta = "64b8f1a2e4b0c8d9f0123456";
    let sd = "93498506-9dde-4593-b844-e3c51c0e2bc2";
    let set_password = format!("e_password={password}");
    let set_password_again = format!("e_password={password}-again");
    let runs: Vec<Vec<&str>> = vec![
        vec!["profiles"],
        vec!["get", "-p", "ok-clemta", clemta],
        vec!["get", "-p", "ok-clemta", clemta, "--json", "-v"],
        vec![
            "patch",
            "-p",
            "ok-clemta",
            clemta,
            "--set",
            "full_name=X",
            "--dry-run",
        ],
        vec![
            "patch",
            "-p",
            "ok-clemta",
            clemta,
            "--set",
            "full_name=X",
            "--dry-run",
            "--json",
            "-v",
        ],
        vec![
            "patch",
            "-p",
            "ok-clemta",
            clemta,
            "--set",
            "full_name=X",
            "--dry-run",
            "--curl",
        ],
        vec![
            "patch",
            "-p",
            "ok-clemta",
            clemta,
            "--set",
            "full_name=Y",
            "--json",
            "-v",
        ],
        vec![
            "patch",
            "-p",
            "ok-clemta",
            clemta,
            "--set",
            "full_name=Z",
            "--curl",
            "-v",
        ],
        vec![
            "patch",
            "-p",
            "ok-clemta",
            clemta,
            "--set",
            "email=nope",
            "-v",
        ],
        vec!["get", "-p", "ok-clemta", "000000000000000000000000", "-v"],
        vec![
            "patch",
            "-p",
            "ok-sd",
            sd,
            "--set",
            &set_password,
            "--dry-run",
            "--json",
            "-v",
        ],
        vec![
            "patch",
            "-p",
            "ok-sd",
            sd,
            "--set",
            &set_password,
            "--dry-run",
            "--curl",
        ],
        vec![
            "patch",
            "-p",
            "ok-sd",
            sd,
            "--set",
            &set_password,
            "--json",
            "-v",
        ],
        vec!["get", "-p", "ok-sd", sd, "--json", "-v"],
        vec!["get", "-p", "ok-sd", sd],
        vec!["get", "-p", "bad", "1001/5001", "-v"],
        vec!["get", "-p", "bad", "1001/5001", "--json"],
        vec![
            "patch",
            "-p",
            "bad",
            "1001/5001",
            "--set",
            "name=x",
            "--json",
            "-v",
        ],
        vec![
            "patch",
            "-p",
            "bad",
            "1001/5001",
            "--set",
            "name=x",
            "--dry-run",
            "--curl",
            "-v",
        ],
        vec!["get", "-p", "echo", clemta],
        vec!["get", "-p", "echo", clemta, "-v", "--json"],
        // The vendor quotes the typed password back (in its error, in -v, in --json).
        vec![
            "patch",
            "-p",
            "sd-echo",
            sd,
            "--set",
            &set_password_again,
            "-v",
        ],
        vec![
            "patch",
            "-p",
            "sd-echo",
            sd,
            "--set",
            &set_password_again,
            "--json",
        ],
    ];
    let secrets = [
        marker,
        password,
        "sandbox-clemta-key",
        "sandbox-servicedesk-token",
    ];
    for args in &runs {
        let out = env.run(args, &env_vars);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        // Each run got as far as it should: the refused credentials reached the vendor.
        let expected = match args.get(2).copied().unwrap_or("") {
            "bad" | "echo" | "sd-echo" => 4,
            _ if args.contains(&"email=nope") => 3,
            _ if args.contains(&"000000000000000000000000") => 4,
            _ => 0,
        };
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {all}");
        if args.get(2) == Some(&"sd-echo") {
            assert!(
                all.contains("invalid values") && all.contains("\"e_password\":\"***\""),
                "{args:?}: {all}"
            );
        }
        if args.get(2) == Some(&"echo") {
            assert!(
                all.contains("rejected credentials") && all.contains("x-api-key=***"),
                "{args:?}: {all}"
            );
        }
        assert!(!all.is_empty(), "{args:?} printed nothing");
        for secret in secrets {
            assert!(!all.contains(secret), "{args:?} printed {secret}:\n{all}");
        }
    }
    // The password did reach the vendor (so the runs above really carried it).
    let reply = env.runtime.block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/servicedesk/api/contact/{sd}"))
            .header("Authorization", "Bearer sandbox-servicedesk-token")
            .send()
            .await
            .unwrap()
            .json::<Json>()
            .await
            .unwrap()
    });
    assert_eq!(reply["e_password"], password);
    // The log file has the requests (from the recorded exchanges), and is checked below.
    let log = std::fs::read_to_string(env.home.path().join("state").join("rolo.log")).unwrap();
    assert!(
        log.contains("method=PUT") && log.contains("status=400") && log.contains("/servicedesk/"),
        "{log}"
    );
    // And no file rolo wrote holds a secret (the token file is the test's own).
    for (path, text) in env
        .files()
        .into_iter()
        .filter(|(p, _)| !p.ends_with("token"))
    {
        for secret in secrets {
            assert!(!text.contains(secret), "{} holds {secret}", path.display());
        }
    }
}
