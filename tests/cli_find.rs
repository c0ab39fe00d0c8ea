//! `rolo find` as a real process against the in-process sandbox: the table, the JSON array,
//! the exit codes (0 found, 1 no match, 2 usage), and matches across accounts and customers.

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

#[test]
fn find_prints_reference_name_and_email_of_every_vendors_matches() {
    let env = Vendor::start();
    let wanted = [
        ("clemta", "john doe", "64b8f1a2e4b0c8d9f0123456", "John Doe"),
        ("exsited", "AVA.NGUYEN@", "ACC-1001/CONTACT_2", "Ava Nguyen"),
        (
            "contactreg",
            "vieri family",
            "1941879",
            "Vieri Family Trust",
        ),
        ("cro", "dispatch", "1001/5001", "Dispatch Desk"),
        (
            "servicedesk",
            "änna",
            "93498506-9dde-4593-b844-e3c51c0e2bc2",
            "Anna Schmidt",
        ),
    ];
    for (vendor, text, reference, name) in wanted {
        let out = env.run(&["find", "-p", &format!("sandbox-{vendor}"), text], &[]);
        assert_eq!(out.status.code(), Some(0), "{vendor}: {}", stderr(&out));
        let printed = stdout(&out);
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["REFERENCE", "NAME", "E-MAIL"],
            "{printed}"
        );
        assert_eq!(lines.len(), 2, "{vendor}: one match\n{printed}");
        assert!(lines[1].starts_with(reference), "{vendor}: {printed}");
        assert!(lines[1].contains(name), "{vendor}: {printed}");
    }
}

#[test]
fn find_json_is_an_array_across_accounts() {
    let env = Vendor::start();
    let out = env.run(
        &["find", "-p", "sandbox-exsited", "noah jones", "--json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Json = serde_json::from_str(&stdout(&out)).unwrap();
    let refs: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        [
            "ACC-2000/CONTACT_21",
            "ACC-2000/CONTACT_421",
            "ACC-2000/CONTACT_821"
        ]
    );
    assert_eq!(rows[0]["name"], "Noah Jones");
    assert_eq!(rows[0]["email"], "noah.jones21@example.com");
}

#[test]
fn find_limits_and_exit_codes() {
    let env = Vendor::start();
    // 50 Olivias among the generated contacts: --limit cuts them and says so.
    let out = env.run(
        &["find", "-p", "sandbox-cro", "olivia", "--limit", "7"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 8);
    assert!(stderr(&out).contains("raise --limit"), "{}", stderr(&out));

    let out = env.run(&["find", "-p", "sandbox-cro", "olivia", "--name"], &[]);
    assert_eq!(stdout(&out).lines().count(), 51, "{}", stderr(&out));
    let out = env.run(&["find", "-p", "sandbox-cro", "olivia", "--email"], &[]);
    assert_eq!(stdout(&out).lines().count(), 51, "{}", stderr(&out));

    let none = env.run(&["find", "-p", "sandbox-clemta", "nobody-like-this"], &[]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(stdout(&none), "");
    assert!(
        stderr(&none).contains("no clemta contact matches \"nobody-like-this\""),
        "{}",
        stderr(&none)
    );
    let none = env.run(
        &["find", "-p", "sandbox-clemta", "nobody-like-this", "--json"],
        &[],
    );
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(stdout(&none).trim(), "[]");

    let blank = env.run(&["find", "-p", "sandbox-clemta", "  "], &[]);
    assert_eq!(blank.status.code(), Some(2));
    let unknown = env.run(&["find", "-p", "no-such-profile", "x"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
}
