//! `e` and `E`: editing in the user's own editor, end to end. `$EDITOR` is a small shell script
//! the test writes into its Home; the script keeps a copy of the file it was given at each
//! round (`round-N` in the Home), so the test can read what rolo wrote, and changes the file
//! as a user would (sed), or not at all.

mod common;

use std::path::PathBuf;

use common::pty::{Tty, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";
const SERVICEDESK: &str = "93498506-9dde-4593-b844-e3c51c0e2bc2";

/// Writes the editor script (rounds counted by the copies it keeps) and returns the value for
/// `$EDITOR`: `sh SCRIPT`, so the command is split into words too.
fn editor(vendor: &Vendor, body: &str) -> String {
    let path = vendor.home.path().join("editor.sh");
    let script = format!(
        "n=1; while [ -e \"$HOME/round-$n\" ]; do n=$((n+1)); done\n\
         cp \"$1\" \"$HOME/round-$n\"\n{body}\n"
    );
    std::fs::write(&path, script).unwrap();
    format!("sh {}", path.display())
}

/// rolo on a contact with `$EDITOR` set (and `$VISUAL` empty, whatever the developer has).
fn rolo(vendor: &Vendor, editor: &str, profile: &str, reference: &str) -> Tty {
    vendor.rolo_with(
        &["-p", profile, reference],
        &[("EDITOR", editor), ("VISUAL", "")],
    )
}

/// What rolo gave the editor at round `n`.
fn round(vendor: &Vendor, n: usize) -> String {
    std::fs::read_to_string(vendor.home.path().join(format!("round-{n}")))
        .unwrap_or_else(|e| panic!("no round {n}: {e}"))
}

fn rounds(vendor: &Vendor) -> usize {
    (1..)
        .take_while(|n| vendor.home.path().join(format!("round-{n}")).exists())
        .count()
}

/// The files for the editor and the drafts rolo keeps now.
fn kept(vendor: &Vendor) -> Vec<PathBuf> {
    vendor
        .files()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            let name = p.to_string_lossy();
            name.contains("/drafts/") && (name.contains(".edit") || name.ends_with(".json"))
        })
        .collect()
}

#[test]
fn e_edits_one_field_in_the_editor_with_the_terminal_handed_over_and_undo_works() {
    let vendor = Vendor::start();
    // The script reads the new value from the terminal: rolo must not read those keys itself.
    let editor = editor(
        &vendor,
        "printf 'EDITOR READY\\n'; read line; printf '%s\\n' \"$line\" > \"$1\"",
    );
    let mut tty = rolo(&vendor, &editor, "sandbox-clemta", CLEMTA);
    tty.wait_for("John Doe");
    tty.select("Full name");
    tty.keys("e");
    tty.wait_for("EDITOR READY");
    assert!(!tty.alternate_screen(), "the editor has the main screen");
    // While the editor runs, the draft names its file, and the file is private.
    let files = vendor.wait_for_files("the draft naming the editor's file", |files| {
        files
            .iter()
            .any(|(p, t)| p.extension().is_some_and(|e| e == "json") && t.contains("\"external\""))
    });
    let (file, text) = files
        .iter()
        .find(|(p, _)| p.to_string_lossy().contains(".edit-full_5fname.txt"))
        .expect("the editor's file beside the draft");
    assert_eq!(text, "John Doe\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    tty.keys("Jane Roe\r");
    tty.wait_for("Applied 1 change(s)");
    assert!(tty.alternate_screen(), "rolo has its screen back");
    tty.wait_for("1 unsaved");
    assert!(tty.selected_row().contains("Jane Roe"), "{}", tty.screen());
    assert!(tty.selected_row().contains('*'), "{}", tty.selected_row());
    assert_eq!(round(&vendor, 1), "John Doe\n");
    // An ordinary edit: undone with u.
    tty.keys("u");
    tty.wait_for("0 unsaved");
    assert!(tty.selected_row().contains("John Doe"), "{}", tty.screen());
    // The edit is over: its file is gone, and so is the draft (nothing unsaved).
    vendor.wait_for_files("the editor's file and the draft to go", |_| {
        kept(&vendor).is_empty()
    });
}

#[test]
fn big_e_edits_nested_fields_as_one_toml_document() {
    let vendor = Vendor::start();
    let editor = editor(
        &vendor,
        "sed -i 's/^phone.number = .*/phone.number = \"92559999\"/' \"$1\"",
    );
    let mut tty = rolo(&vendor, &editor, "sandbox-exsited", "ACC-1001/CONTACT_1");
    tty.wait_for("Liam");
    tty.keys("E");
    tty.wait_for("Applied 1 change(s)");
    tty.wait_for("1 unsaved");
    assert!(tty.selected_row().contains("92559999"), "{}", tty.screen());
    let given = round(&vendor, 1);
    assert!(given.starts_with("# rolo · sandbox-exsited · exsited · ACC-1001/CONTACT_1\n"));
    assert!(given.contains("\nphone.number = \"92550000\"\n"), "{given}");
    assert!(
        given.contains("email.address = \"liam.carter@example.com\""),
        "{given}"
    );
    assert!(
        given.contains("· email · an e-mail address such as"),
        "{given}"
    );
    assert!(given.contains("# read-only: "), "{given}");
    tty.keys("u");
    tty.wait_for("0 unsaved");
    assert!(tty.selected_row().contains("92550000"), "{}", tty.screen());
}

#[test]
fn an_invalid_value_reopens_the_editor_with_the_problem_on_top_until_it_is_fixed() {
    let vendor = Vendor::start();
    let long = "x".repeat(51);
    let editor = editor(
        &vendor,
        &format!(
            "case $n in\n\
             1) sed -i 's/^lastname = .*/lastname = \"\"/' \"$1\";;\n\
             2) sed -i -e 's/^lastname = .*/lastname = \"Smith-Jones\"/' \
                       -e 's/^firstname = .*/firstname = \"{long}\"/' \"$1\";;\n\
             3) sed -i 's/^firstname = .*/firstname = \"Annabel\"/' \"$1\";;\n\
             esac"
        ),
    );
    let mut tty = rolo(&vendor, &editor, "sandbox-servicedesk", SERVICEDESK);
    tty.wait_for("Loaded");
    tty.keys("E");
    tty.wait_for("Applied 2 change(s)");
    tty.wait_for("2 unsaved");
    assert_eq!(rounds(&vendor), 3);
    // Round 2: the problem on top, the user's own text kept below.
    let second = round(&vendor, 2);
    assert!(
        second.starts_with("#! rolo did not apply this file: 1 problem(s)."),
        "{second}"
    );
    assert!(second.contains("#! ✗ lastname: is required\n"), "{second}");
    assert!(second.contains("\nlastname = \"\"\n"), "{second}");
    // Round 3: the new problem replaces the old one; nothing stacks.
    let third = round(&vendor, 3);
    assert_eq!(third.matches("rolo did not apply").count(), 1, "{third}");
    assert!(!third.contains("is required"), "{third}");
    assert!(
        third.contains("#! ✗ firstname: must be at most 50 characters long (it has 51)"),
        "{third}"
    );
    assert!(third.contains("\nlastname = \"Smith-Jones\"\n"), "{third}");
    let screen = tty.screen();
    assert!(
        screen.contains("Smith-Jones") && screen.contains("Annabel"),
        "{screen}"
    );
}

#[test]
fn leaving_the_editor_without_saving_or_emptying_the_file_changes_nothing() {
    let vendor = Vendor::start();
    // Round 1 leaves the file as it is; round 2 empties it.
    let editor = editor(&vendor, "[ $n = 2 ] && : > \"$1\"; exit 0");
    let mut tty = rolo(&vendor, &editor, "sandbox-clemta", CLEMTA);
    tty.wait_for("John Doe");
    tty.keys("E");
    tty.wait_for("Nothing changed: the file");
    tty.wait_for("was left as it");
    tty.keys("E");
    tty.wait_for("emptied");
    assert_eq!(rounds(&vendor), 2);
    assert!(tty.screen().contains("0 unsaved"), "{}", tty.screen());
    vendor.wait_for_files("no editor's file nor draft left", |_| {
        kept(&vendor).is_empty()
    });
}

#[test]
fn text_saved_in_the_editor_survives_kill_9_and_is_applied_on_restore() {
    let vendor = Vendor::start();
    let editor_a = editor(
        &vendor,
        "sed -i 's/^full_name = .*/full_name = \"Recovered Name\"/' \"$1\"\n\
         printf 'EDITOR WAITING\\n'; sleep 60",
    );
    let mut tty = rolo(&vendor, &editor_a, "sandbox-clemta", CLEMTA);
    tty.wait_for("John Doe");
    tty.keys("E");
    tty.wait_for("EDITOR WAITING");
    vendor.wait_for_files("the draft naming the document", |files| {
        files.iter().any(|(p, t)| {
            p.extension().is_some_and(|e| e == "json")
                && t.contains("\"external\"")
                && t.contains(".edit.toml")
        })
    });
    tty.kill_9();
    drop(tty);

    // The next rolo (the editor now a script that changes nothing) offers the text back.
    let editor_b = editor(&vendor, "exit 0");
    let mut again = rolo(&vendor, &editor_b, "sandbox-clemta", CLEMTA);
    again.wait_for("Unsent changes found");
    again.wait_for("the whole contact: was open in your editor");
    again.keys("r");
    again.wait_for("Applied 1 change(s)");
    again.wait_for("1 unsaved");
    assert!(
        again.screen().contains("Recovered Name"),
        "{}",
        again.screen()
    );
    // The editor was given the recovered text (round 2: the script counts across both).
    assert!(round(&vendor, 2).contains("full_name = \"Recovered Name\""));
}

#[test]
fn sigterm_while_the_editor_runs_stops_it_and_ends_rolo_keeping_its_text() {
    let vendor = Vendor::start();
    let editor = editor(
        &vendor,
        "sed -i 's/^full_name = .*/full_name = \"Kept Name\"/' \"$1\"\n\
         printf 'EDITOR WAITING\\n'; exec sleep 60",
    );
    let mut tty = rolo(&vendor, &editor, "sandbox-clemta", CLEMTA);
    tty.wait_for("John Doe");
    tty.keys("E");
    tty.wait_for("EDITOR WAITING");
    let pid = tty.child.process_id().expect("a pid");
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    assert_eq!(tty.exit_code(), Some(128 + 15));
    // The file and the draft naming it stay for the next start.
    let files = vendor.files();
    assert!(
        files
            .iter()
            .any(|(p, t)| p.to_string_lossy().ends_with(".edit.toml") && t.contains("Kept Name")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|(p, t)| p.extension().is_some_and(|e| e == "json") && t.contains("\"external\"")),
        "{files:?}"
    );
}

#[test]
fn an_editor_that_cannot_start_is_named_and_rolo_carries_on() {
    let vendor = Vendor::start();
    let mut tty = rolo(
        &vendor,
        "/nonexistent/editor --wait",
        "sandbox-clemta",
        CLEMTA,
    );
    tty.wait_for("John Doe");
    tty.keys("E");
    tty.wait_for("cannot start");
    assert!(tty.alternate_screen(), "rolo has its screen back");
    assert!(tty.screen().contains("0 unsaved"), "{}", tty.screen());
    // Keys work as before.
    tty.select("Full name");
    vendor.wait_for_files("no editor's file nor draft left", |_| {
        kept(&vendor).is_empty()
    });
}
