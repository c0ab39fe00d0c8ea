//! `rolo vendors import` as the real binary: the choice of the update (asked on a terminal,
//! exit 2 elsewhere), where the spec goes, refusals, and the imported specs at work in `rolo
//! vendors`, `rolo patch` and the editor against the sandbox.

mod common;

use std::path::PathBuf;

use common::home::Home;
use common::pty::Vendor;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openapi")
        .join(name)
}

/// (vendor, document, update operation), as in tests/openapi_import.rs.
const FIXTURES: [(&str, &str, &str); 5] = [
    ("clemta", "clemta.json", "updateContact"),
    (
        "exsited",
        "exsited.yaml",
        "PUT /api/v3/accounts/{account_id}/contacts/{contact_type}",
    ),
    ("contactreg", "contactreg.yaml", "updateContact"),
    ("cro", "cro.yaml", "updateCustomerContact"),
    ("servicedesk", "servicedesk.yaml", "Contact_Put"),
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn without_update_and_no_terminal_it_lists_candidates_and_exits_2() {
    let home = Home::new();
    let file = fixture("crm-contacts.yaml");
    let out = home.run(&["vendors", "import", file.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("PATCH /crm/v3/objects/contacts/{contactId} (updateContact)"),
        "{err}"
    );
    assert!(err.contains("--update"), "{err}");
    assert!(out.stdout.is_empty());
    assert!(!home.config_dir().join("vendors").exists());
}

#[test]
fn an_imported_vendor_is_listed_and_shown() {
    let home = Home::new();
    let file = fixture("crm-contacts.yaml");
    let out = home.run(
        &[
            "vendors",
            "import",
            file.to_str().unwrap(),
            "--update",
            "updateContact",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("not mapped ("), "{err}");
    assert!(err.contains("`rolo vendors acme-crm` shows it"), "{err}");
    assert!(home.config_dir().join("vendors/acme-crm.toml").exists());

    let shown = home.run(&["vendors", "acme-crm"], &[]);
    assert_eq!(shown.status.code(), Some(0), "{}", text(&shown.stderr));
    let stdout = text(&shown.stdout);
    assert!(
        stdout.starts_with(
            "acme-crm (Acme CRM): partial update, PATCH /crm/v3/objects/contacts/{contactId}"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("lifecyclestage"), "{stdout}");
    assert!(shown.stderr.is_empty(), "{}", text(&shown.stderr));
    let listed = home.run(&["vendors"], &[]);
    assert!(text(&listed.stdout).contains("acme-crm"));

    // A second import does not overwrite the first.
    let again = home.run(
        &[
            "vendors",
            "import",
            file.to_str().unwrap(),
            "--update",
            "updateContact",
        ],
        &[],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists"));

    // `-o -` prints the spec instead.
    let printed = home.run(
        &[
            "vendors",
            "import",
            file.to_str().unwrap(),
            "--update",
            "updateContact",
            "-o",
            "-",
        ],
        &[],
    );
    assert_eq!(printed.status.code(), Some(0));
    assert!(text(&printed.stdout).contains("id = \"acme-crm\""));
}

#[test]
fn a_refused_document_exits_2_with_the_pointer() {
    let home = Home::new();
    let path = home.path().join("bad.yaml");
    std::fs::write(&path, "openapi: 2.9\npaths: {}\n").unwrap();
    let out = home.run(
        &["vendors", "import", path.to_str().unwrap(), "--update", "x"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("#/openapi: OpenAPI version 2.9 is not 3.0 or 3.1"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_editor_sends_through_an_imported_spec() {
    // exsited: a wrapper in the request, another place in the response, a response path.
    let env = Vendor::start();
    let path = fixture("exsited.yaml");
    let out = env.run(
        &[
            "vendors",
            "import",
            path.to_str().unwrap(),
            "--update",
            "updateAccountContact",
            "--id",
            "exsited",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut tty = env.rolo(&["-p", "sandbox-exsited", "ACC-1001/CONTACT_1"]);
    tty.wait_for("Liam");
    tty.select("First name");
    tty.keys(common::pty::ENTER);
    tty.wait_for("Edit First name");
    tty.keys("o");
    tty.keys(common::pty::ENTER);
    tty.wait_for("1 unsaved");
    tty.keys("s");
    tty.wait_for("Review before sending");
    tty.wait_for("first_name: Liam → Liamo");
    tty.keys("y");
    tty.wait_for("0 unsaved");
    tty.wait_for("Liamo");
}

#[test]
fn patch_works_with_each_imported_spec_against_the_sandbox() {
    let env = Vendor::start();
    let edits = [
        (
            "clemta",
            "64b8f1a2e4b0c8d9f0123456",
            "full_name=Imported Name",
        ),
        ("exsited", "ACC-1001/CONTACT_1", "first_name=Imported"),
        ("contactreg", "1941877", "taxNumber=TN-42"),
        ("cro", "1001/5001", "name=Imported Desk"),
        (
            "servicedesk",
            "93498506-9dde-4593-b844-e3c51c0e2bc2",
            "firstname=Imported",
        ),
    ];
    for ((vendor, file, update), (_, reference, set)) in FIXTURES.iter().zip(edits) {
        let path = fixture(file);
        let out = env.run(
            &[
                "vendors",
                "import",
                path.to_str().unwrap(),
                "--update",
                update,
                "--id",
                vendor,
            ],
            &[],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{vendor}: {}",
            text(&out.stderr)
        );
        let profile = format!("sandbox-{vendor}");
        let out = env.run(&["patch", "-p", &profile, reference, "--set", set], &[]);
        let stdout = text(&out.stdout);
        let value = set.split_once('=').unwrap().1;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{vendor}: {stdout}{}",
            text(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("(stored: {value})")),
            "{vendor}: {stdout}"
        );
        // The imported spec, not the built-in one, was used.
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("vendor {vendor:?} from"))
                && err.contains("replaces the one from built-in"),
            "{vendor}: {err}"
        );
    }
}

#[test]
fn on_a_terminal_it_asks_which_operation_is_the_update() {
    let home = Home::new();
    let file = fixture("records-api.json");
    let written = home.path().join("records.toml");
    let mut tty = home.pty(
        &[
            "vendors",
            "import",
            file.to_str().unwrap(),
            "-o",
            written.to_str().unwrap(),
        ],
        &[],
        24,
        120,
    );
    tty.wait_for("which one is the update? [1-1]");
    assert!(
        tty.screen()
            .contains("1. POST /Contacts/{record_id} (updateContactRecord)")
    );
    tty.keys("1\r");
    assert_eq!(tty.exit_code(), Some(0), "{}", tty.screen());
    let spec = std::fs::read_to_string(&written).expect("the spec is written");
    assert!(spec.contains("method = \"POST\""));
}
