//! Command-line frictions seen in real sessions: "did you mean", unknown and broken profiles,
//! refused connections, help texts, vendor names in any case, completions, key conflicts and
//! references of the wrong type.

mod common;

use std::process::Output;

use common::home::Home;
use common::pty::Vendor;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

#[test]
fn mistyped_fields_profiles_and_vendors_get_a_did_you_mean() {
    let env = Vendor::start();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "patch",
                "-p",
                "sandbox-clemta",
                "64b8f1a2e4b0c8d9f0123456",
                "--set",
                "fullname=Jo",
            ],
            "did you mean \"full_name\"?",
        ),
        (
            &[
                "patch",
                "-p",
                "sandbox-cro",
                "1001/5001",
                "--set",
                "nmae=Desk",
            ],
            "did you mean \"name\"?",
        ),
        (
            &["patch", "-p", "sandbox-cro", "1001/5001", "--clear", "fxa"],
            "did you mean \"fax\"?",
        ),
        (
            &["get", "-p", "sandbox-crp", "1001/5001"],
            "did you mean \"sandbox-cro\"?",
        ),
        (&["vendors", "clemat"], "did you mean \"clemta\"?"),
    ];
    for (args, hint) in cases {
        let out = env.run(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(hint), "{args:?}: {}", stderr(&out));
    }
    // Nothing close: no guess.
    let out = env.run(&["vendors", "zzzzzz"], &[]);
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

#[test]
fn unknown_profiles_are_errors_that_list_the_profiles() {
    let home = Home::new();
    // The editor says so before it opens a screen.
    let out = home.run(&["-p", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no profile named \"nope\"")
            && stderr(&out).contains("sandbox-clemta, sandbox-exsited"),
        "{}",
        stderr(&out)
    );
    let out = home.run(&["history", "-p", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no profile named \"nope\""),
        "{}",
        stderr(&out)
    );
    let out = home.run(&["history", "-p", "sandbox-cro"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_refused_connection_names_host_and_port_and_suggests_the_sandbox() {
    let home = Home::new();
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}");
    let out = home.run(
        &["get", "-p", "sandbox-cro", "1001/5001"],
        &[("ROLO_SANDBOX_URL", &url)],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains(&format!("cannot connect to 127.0.0.1:{port}")),
        "{text}"
    );
    assert!(text.contains("rolo sandbox"), "{text}");

    // A profile of one's own gets the address but no sandbox hint.
    home.write_config(&format!(
        "[profiles.work]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"K\" }}\n"
    ));
    let out = home.run(
        &["get", "-p", "work", "64b8f1a2e4b0c8d9f0123456"],
        &[("K", "k")],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("127.0.0.1:{port}")),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("rolo sandbox"), "{}", stderr(&out));
}

/// Option and argument lines of a `--help` page whose description column is empty.
fn undescribed(help: &str) -> Vec<String> {
    help.lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with('-') || t.starts_with('[') || t.starts_with('<')
        })
        .filter(|l| l.trim().split("  ").filter(|p| !p.is_empty()).count() < 2)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_option_has_a_description_and_theme_shows_only_for_the_editor() {
    let home = Home::new();
    let pages: [(&[&str], bool); 9] = [
        (&["--help"], true),
        (&["demo", "--help"], true),
        (&["vendors", "--help"], false),
        (&["profiles", "--help"], false),
        (&["history", "--help"], false),
        (&["get", "--help"], false),
        (&["patch", "--help"], false),
        (&["sandbox", "--help"], false),
        (&["completions", "--help"], false),
    ];
    for (args, theme) in pages {
        let out = home.run(args, &[]);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let help = stdout(&out);
        assert_eq!(
            undescribed(&help),
            Vec::<String>::new(),
            "{args:?}:\n{help}"
        );
        assert_eq!(help.contains("--theme"), theme, "{args:?}:\n{help}");
    }
    let out = home.run(&["--version"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim(),
        format!("rolo {}", env!("CARGO_PKG_VERSION"))
    );
    let out = home.run(&["get", "--theme", "light", "1"], &[]);
    assert_eq!(out.status.code(), Some(2), "--theme is not a get option");
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = home.run(&["completions", shell], &[]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.contains("rolo") && script.contains("patch"),
            "{shell}"
        );
    }
    assert_eq!(
        home.run(&["completions", "tcsh"], &[]).status.code(),
        Some(2)
    );
}

#[test]
fn vendor_names_are_case_insensitive() {
    let env = Vendor::start();
    let out = env.run(&["vendors", "CLEMTA"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("clemta (Clemta)"),
        "{}",
        stdout(&out)
    );
    let url = env.running.url();
    env.write_config(&format!(
        "[profiles.mixed]\nvendor = \"Clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"K\" }}\n"
    ));
    let out = env.run(
        &["get", "-p", "mixed", "64b8f1a2e4b0c8d9f0123456"],
        &[("K", "sandbox-clemta-key")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = stdout(&env.run(&["profiles"], &[]));
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("mixed ") && l.contains(" clemta ")),
        "{listed}"
    );
}

#[test]
fn one_broken_profile_breaks_only_itself() {
    let env = Vendor::start();
    let url = env.running.url();
    env.write_config(&format!(
        "default_profile = \"bad\"\n\n[profiles.good]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"K\" }}\n\n[profiles.bad]\nvendor = \"clemta\"\nsecret = {{ env = \"K\" }}\n"
    ));
    let out = env.run(&["profiles"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = stdout(&out);
    assert!(
        listed.lines().any(|l| l.starts_with("bad (default) ")),
        "{listed}"
    );
    assert!(
        listed.contains("config.toml:8: profile \"bad\" needs base_url"),
        "{listed}"
    );
    let out = env.run(
        &["get", "-p", "good", "64b8f1a2e4b0c8d9f0123456"],
        &[("K", "sandbox-clemta-key")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: profile \"bad\" skipped"),
        "{}",
        stderr(&out)
    );
    for args in [
        &["get", "-p", "bad", "64b8f1a2e4b0c8d9f0123456"][..],
        &["get", "64b8f1a2e4b0c8d9f0123456"][..],
        &["-p", "bad"][..],
    ] {
        let out = env.run(args, &[("K", "sandbox-clemta-key")]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("profile \"bad\" needs base_url"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn two_actions_on_one_key_is_a_config_error_naming_both() {
    let home = Home::new();
    home.write_config("[keys]\nundo = \"j\"\n");
    let out = home.run(&["-p", "sandbox-clemta"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("config.toml:2:"), "{text}");
    assert!(text.contains("down") && text.contains("undo"), "{text}");
}

#[test]
fn references_of_the_wrong_type_are_usage_errors_before_any_request() {
    let home = Home::new();
    // Nothing listens: reaching the network would be exit 5, not 2.
    let url = format!("http://127.0.0.1:{}", closed_port());
    let cases = [
        (
            "sandbox-cro",
            "abc/5001",
            "{customer_id} must be a whole number",
        ),
        (
            "sandbox-cro",
            "1001/x",
            "{customer_contact_id} must be a whole number",
        ),
        ("sandbox-servicedesk", "abc", "{id} must be a GUID"),
    ];
    for (profile, reference, expected) in cases {
        let out = home.run(
            &["get", "-p", profile, reference],
            &[("ROLO_SANDBOX_URL", &url)],
        );
        assert_eq!(out.status.code(), Some(2), "{reference}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
}
