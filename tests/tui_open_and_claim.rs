//! Opening contacts without losing or mixing anything up, end to end in a pty: a listed row
//! opens its own contact (every vendor), unsaved changes stay a draft when another contact is
//! opened, one rolo per contact (claimed, released on switching and on death), unreadable drafts
//! and history lines are said, and a reload that meets a conflicting edit asks.

mod common;

use std::collections::BTreeSet;

use common::pty::{BACKSPACE, DOWN, ENTER, Tty, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";
const PATH: &str = "/clemta/contacts/64b8f1a2e4b0c8d9f0123456";
const KEY: (&str, &str) = ("X-API-Key", "sandbox-clemta-key");

/// The first word after each `▶ ` on screen (the form's selected row and a list's).
fn chosen(screen: &str) -> BTreeSet<String> {
    screen
        .split("▶ ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Selects a field by the start of its row, then edits it (Ctrl-S commits).
fn edit(tty: &mut Tty, row: &str, erase: usize, text: &str) {
    tty.select(row);
    tty.keys(ENTER);
    tty.wait_for("Edit ");
    tty.type_keys(&vec![BACKSPACE; erase]);
    tty.keys(text);
    tty.wait_for(text);
    tty.keys("\x13");
    tty.wait_until("the editor closed", |s| !s.contains(" commit "));
}

/// Opens a contact by typing its reference into the open-contact modal.
fn open_typed(tty: &mut Tty, reference: &str) {
    tty.keys("o");
    tty.wait_for("Open contact");
    tty.keys(reference);
    tty.wait_for(reference);
    tty.keys(ENTER);
}

/// Opens the second row of the open-contact list; returns its reference.
fn open_second_row(tty: &mut Tty, first: &str) -> String {
    tty.keys("o");
    tty.wait_until("the vendor's list", |s| {
        s.contains("Open contact") && s.contains(&format!("▶ {first}"))
    });
    let before = chosen(&tty.screen());
    tty.keys(DOWN);
    tty.wait_until("the next row chosen", |s| {
        chosen(s).difference(&before).count() == 1
    });
    let picked = chosen(&tty.screen())
        .difference(&before)
        .next()
        .cloned()
        .unwrap_or_default();
    tty.keys(ENTER);
    tty.wait_for(&format!("Loaded {picked}"));
    picked
}

#[test]
fn a_listed_row_opens_its_own_contact_for_every_vendor() {
    let vendor = Vendor::start();
    for (profile, first, row) in [
        ("sandbox-clemta", CLEMTA, "Full name"),
        ("sandbox-exsited", "ACC-1001/CONTACT_1", "First name"),
        ("sandbox-contactreg", "1941877", "Name"),
        ("sandbox-cro", "1001/5001", "Name"),
        (
            "sandbox-servicedesk",
            "93498506-9dde-4593-b844-e3c51c0e2bc2",
            "First name",
        ),
    ] {
        let mut tty = vendor.rolo_sized(&["-p", profile, first], &[], 40, 150);
        tty.wait_for(&format!("Loaded {first}"));
        let picked = open_second_row(&mut tty, first);
        assert_ne!(
            picked, first,
            "{profile}: the second row is another contact"
        );
        // The update goes to the contact picked: its reference's parts are in the URL.
        tty.select(row);
        tty.keys(ENTER);
        tty.wait_for("Edit ");
        tty.keys("X");
        tty.keys("\x13");
        tty.wait_for("1 unsaved");
        tty.keys("s");
        // The popup may arrive over several frames: wait for its request line.
        tty.wait_until("the review's request line", |s| {
            s.contains("> PATCH http://") || s.contains("> PUT http://")
        });
        let screen = tty.screen();
        let url = screen
            .lines()
            // The review's request line (the raw pane beside it shows the read).
            .find(|l| l.contains("> PATCH http://") || l.contains("> PUT http://"))
            .unwrap_or_else(|| panic!("{profile}: no URL in the review:\n{screen}"));
        for part in picked.split('/') {
            assert!(
                url.contains(&format!("/{part}")),
                "{profile}: {picked} picked, the update goes to {url}"
            );
        }
        if !first.contains('/') {
            assert!(!url.contains(first), "{profile}: {url}");
        }
    }
}

#[test]
fn one_rolo_per_contact_and_nothing_lost_on_switching() {
    let vendor = Vendor::start();
    let mut first = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    first.wait_for("John Doe");
    edit(&mut first, "Full name", 10, "Johanna Doe");
    first.wait_for("1 unsaved");
    vendor.wait_for_files("the draft", |files| {
        files.iter().any(|(_, t)| t.contains("Johanna Doe"))
    });
    // A second rolo on the same contact is told who has it, and does not load it.
    let pid = first.child.process_id().expect("a pid");
    let mut second = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    second.wait_for(&format!("open in another rolo (pid {pid})"));
    assert!(!second.screen().contains("John Doe"), "{}", second.screen());
    // The first dies without a word: its claim dies with it, its edit is offered back.
    first.kill_9();
    drop(first);
    open_typed(&mut second, CLEMTA);
    second.wait_for("Unsent changes found");
    second.wait_for("full_name: John Doe → Johanna Doe");
    second.keys("r");
    second.wait_for("Restored 1 unsent change(s)");
    second.wait_for("1 unsaved");
    // Opening another contact with an unsaved change keeps it as a draft, and lets go.
    let other = open_second_row(&mut second, CLEMTA);
    assert_ne!(other, CLEMTA);
    second.wait_for("Your 1 unsaved change(s) on");
    let third = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    third.wait_for("Unsent changes found");
    third.wait_for("full_name: John Doe → Johanna Doe");
    assert!(!third.screen().contains("open in another rolo"));
}

#[test]
fn an_unreadable_draft_and_history_line_are_said_on_screen() {
    let vendor = Vendor::start();
    let drafts = vendor.data_dir().join("drafts").join("sandbox-clemta");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(
        drafts.join(format!("{CLEMTA}.json")),
        b"{\"format\":1,\"fie",
    )
    .unwrap();
    std::fs::write(
        vendor.data_dir().join("history.jsonl"),
        format!("{{\"time\":\"2026\",\"profile\":\"sandbox-clemta\",\"reference\":\"{CLEMTA}\"\n"),
    )
    .unwrap();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 40, 150);
    tty.wait_for("John Doe");
    tty.wait_for("could not be read");
    tty.wait_for("it was moved to");
    let kept: Vec<_> = std::fs::read_dir(&drafts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter().any(|n| n.contains(".corrupt-")),
        "moved aside, not lost: {kept:?}"
    );
    tty.keys("h");
    tty.wait_for("History of this contact");
    tty.wait_for("line 1 cannot be read");
}

#[test]
fn a_reload_that_meets_a_conflicting_edit_asks() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    edit(&mut tty, "Full name", 10, "Mine Doe");
    tty.wait_for("1 unsaved");
    assert_eq!(vendor.patch(PATH, KEY, r#"{"full_name":"Their Doe"}"#), 200);
    tty.keys("R");
    tty.wait_for("Changed on the server meanwhile");
    tty.wait_for("loaded John Doe · server Their Doe · mine Mine Doe");
    // Keep mine: the form holds the server's latest with the user's change on top.
    tty.keys("m");
    tty.keys(ENTER);
    tty.wait_for("Conflict resolved on the server's version");
    tty.keys("s");
    tty.wait_for("full_name: Their Doe → Mine Doe");
}
