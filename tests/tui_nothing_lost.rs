//! Nothing lost, nothing leaked, end to end: drafts that survive `kill -9` and failed sends,
//! conflicts resolved in the editor, history and reverting a past change, secrets that reach
//! no screen and no file, and a terminal restored after a panic.

mod common;

use common::pty::{BACKSPACE, DOWN, ENTER, Tty, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";
const PATH: &str = "/clemta/contacts/64b8f1a2e4b0c8d9f0123456";
const KEY: (&str, &str) = ("X-API-Key", "sandbox-clemta-key");

/// Selects a field by the start of its row, then edits it to `text` (Ctrl-S commits single-
/// and multi-line fields alike).
fn edit(tty: &mut Tty, row: &str, erase: usize, text: &str) {
    edit_showing(tty, row, erase, text, text);
}

/// As `edit`, waiting for `shown` in the editor (a secret shows only its mask).
fn edit_showing(tty: &mut Tty, row: &str, erase: usize, text: &str, shown: &str) {
    tty.select(row);
    tty.keys(ENTER);
    tty.wait_for("Edit ");
    tty.type_keys(&vec![BACKSPACE; erase]);
    tty.keys(text);
    tty.wait_for(shown);
    tty.keys("\x13");
    tty.wait_until("the editor closed", |s| !s.contains(" commit "));
}

#[test]
fn an_edit_survives_kill_9_and_is_offered_back() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    edit(&mut tty, "Full name", 10, "Johanna Doe");
    tty.wait_for("1 unsaved");
    // The draft reaches the disk (from the writer thread) with the change in it.
    // The committed value in the draft itself (not the editor's text, nor a temp file).
    let drafts: Vec<_> = vendor
        .wait_for_files("the draft", |files| {
            files.iter().any(|(p, t)| {
                p.extension().is_some_and(|e| e == "json")
                    && t.contains("\"value\": \"Johanna Doe\"")
            })
        })
        .into_iter()
        // The contact's lock (held while it is open) lies beside its draft.
        .filter(|(p, _)| {
            p.to_string_lossy().contains("drafts") && p.extension().is_some_and(|e| e == "json")
        })
        .collect();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    tty.kill_9();
    drop(tty);
    // Meanwhile a colleague changes the same field on the server.
    assert_eq!(
        vendor.patch(PATH, KEY, r#"{"full_name":"Jonathan Doe"}"#),
        200
    );

    let mut again = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    again.wait_for("Unsent changes found");
    again.wait_for("full_name: John Doe → Johanna Doe  (changed on the server since)");
    again.keys("r");
    again.wait_for("Restored 1 unsent change(s)");
    again.wait_for("1 unsaved");
    assert!(again.screen().contains("Johanna Doe"));
    // Sent and confirmed: the draft is gone.
    again.keys("s");
    again.wait_for("Review before sending");
    again.keys("y");
    again.wait_for("Contact updated successfully");
    vendor.wait_for_files("the draft to be removed", |files| {
        !files.iter().any(|(p, _)| {
            p.to_string_lossy().contains("drafts") && p.extension().is_some_and(|e| e == "json")
        })
    });
}

#[test]
fn a_failed_send_keeps_the_draft_and_the_unsaved_marks() {
    let vendor = Vendor::start();
    let url = vendor.running.url();
    for (fault, shown) in [
        ("status=503, only=PATCH", "HTTP 503"),
        (
            "drop, only=PATCH",
            "closed the connection without answering",
        ),
        ("delay=3000, only=PATCH", "timeout"),
    ] {
        vendor.write_config(&format!(
            "[http]\ntimeout_ms = 800\n\n[profiles.flaky]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"K\" }}\nheaders = {{ \"x-sandbox-fault\" = \"{fault}\" }}\n"
        ));
        let mut tty = vendor.rolo_with(&["-p", "flaky", CLEMTA], &[("K", "sandbox-clemta-key")]);
        tty.wait_for("John Doe");
        edit(&mut tty, "Status", 6, "paused");
        tty.keys("s");
        tty.wait_for("Review before sending");
        tty.keys("y");
        tty.wait_for("Not saved, your changes are kept");
        tty.wait_for(shown);
        assert!(tty.screen().contains("│ 1 unsaved"), "{}", tty.screen());
        vendor.wait_for_files("the draft", |files| {
            files
                .iter()
                .any(|(p, t)| p.to_string_lossy().contains("flaky") && t.contains("paused"))
        });
        assert_eq!(
            vendor.stored(PATH, KEY).0["data"]["status"],
            "active",
            "{fault}: nothing stored"
        );
        drop(tty);
        std::fs::remove_dir_all(vendor.data_dir()).unwrap();
    }
}

#[test]
fn a_conflict_is_resolved_field_by_field() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    edit(&mut tty, "Full name", 10, "Mine Doe");
    edit(&mut tty, "Description", 20, "mine too");
    // A colleague changes both fields meanwhile.
    assert_eq!(
        vendor.patch(
            PATH,
            KEY,
            r#"{"full_name":"Their Doe","description":"theirs"}"#
        ),
        200
    );
    // The review reads the contact again: the conflict shows before anything can be sent.
    tty.keys("s");
    tty.wait_for("Changed on the server meanwhile");
    tty.wait_for("full_name");
    tty.wait_for("loaded John Doe · server Their Doe · mine Mine Doe");
    // Keep mine for the name, take theirs for the description.
    tty.keys("m");
    tty.keys(DOWN);
    tty.keys("t");
    tty.wait_for("take server's");
    tty.keys(ENTER);
    tty.wait_until("resolved", |s| {
        s.contains("Conflict resolved on the server's version") && s.contains("│ 1 unsaved")
    });
    tty.keys("s");
    tty.wait_for("full_name: Their Doe → Mine Doe");
    tty.keys("y");
    tty.wait_for("Contact updated successfully");
    let stored = vendor.stored(PATH, KEY).0;
    assert_eq!(stored["data"]["full_name"], "Mine Doe");
    assert_eq!(
        stored["data"]["description"], "theirs",
        "never a silent overwrite"
    );
}

#[test]
fn a_change_made_while_the_conflict_is_open_is_a_new_conflict_not_overwritten() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    edit(&mut tty, "Full name", 10, "Mine Doe");
    assert_eq!(vendor.patch(PATH, KEY, r#"{"full_name":"Their Doe"}"#), 200);
    tty.keys("s");
    tty.wait_for("loaded John Doe · server Their Doe · mine Mine Doe");
    // While the user decides, the colleague changes the name again.
    assert_eq!(vendor.patch(PATH, KEY, r#"{"full_name":"Third Doe"}"#), 200);
    tty.keys("m");
    tty.keys(ENTER);
    tty.wait_for("Conflict resolved on the server's version");
    // The next review reads again and sees the newer change: a conflict, nothing sent.
    tty.keys("s");
    tty.wait_for("loaded Their Doe · server Third Doe · mine Mine Doe");
    assert_eq!(vendor.stored(PATH, KEY).0["data"]["full_name"], "Third Doe");
}

#[test]
fn history_lists_updates_and_a_past_change_can_be_reverted() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    edit(&mut tty, "Phone code", 4, "+44");
    tty.keys("s");
    tty.wait_for("Review before sending");
    tty.keys("y");
    tty.wait_for("Contact updated successfully");
    // The history is written by the writer thread, a moment after the screen says so.
    vendor.wait_for_files("the history line", |files| {
        files
            .iter()
            .any(|(p, text)| p.ends_with("history.jsonl") && text.contains("phone_code"))
    });
    // `rolo history` lists it.
    let out = vendor.command(&["history", "-p", "sandbox-clemta"]);
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        listed.contains(&format!(
            "sandbox-clemta  {CLEMTA}  HTTP 200  billing.phone_code: \"+1\" → \"+44\""
        )),
        "{listed}"
    );
    // In the editor: h, Enter reverts (the inverse update), reviewed and sent like any other.
    tty.keys("h");
    tty.wait_for("History of this contact");
    tty.keys(ENTER);
    tty.wait_for("Reverting the update of");
    tty.wait_for("1 unsaved");
    tty.keys("s");
    tty.wait_for("billing.phone_code: +44 → +1");
    tty.keys("y");
    tty.wait_for("Contact updated successfully");
    assert_eq!(
        vendor.stored(PATH, KEY).0["data"]["billing"]["phone_code"],
        "+1"
    );
    let out = vendor.command(&["history"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

#[test]
fn secrets_reach_no_screen_and_no_file() {
    let vendor = Vendor::start();
    let url = vendor.running.url();
    let token = vendor.home.path().join("token");
    std::fs::write(&token, "sandbox-servicedesk-token").unwrap();
    vendor.write_config(&format!(
        "[profiles.sd]\nvendor = \"servicedesk\"\nbase_url = \"{url}/servicedesk\"\nsecret = {{ command = \"cat {}\" }}\n",
        token.display()
    ));
    let password = "Pw-MARKER-77c1";
    let mut tty = vendor.rolo(&["-p", "sd", "93498506-9dde-4593-b844-e3c51c0e2bc2"]);
    tty.wait_for("Schmidt");
    let mut screens = vec![tty.screen()];
    edit_showing(
        &mut tty,
        "Password",
        14,
        password,
        &"•".repeat(password.len()),
    );
    screens.push(tty.screen());
    tty.keys("r");
    tty.wait_until("the raw pane", |s| {
        s.contains("Raw ·") && !s.contains("Response")
    });
    screens.push(tty.screen());
    tty.keys("r");
    tty.keys("s");
    tty.wait_for("Review before sending");
    screens.push(tty.screen());
    tty.keys("y");
    tty.wait_for("accepted the update");
    screens.push(tty.screen());
    tty.keys("y");
    tty.wait_for("copied the request as curl");
    // Quit first: every queued draft and history write is flushed before rolo exits.
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
    let bytes = String::from_utf8_lossy(&tty.bytes.lock().unwrap()).to_string();
    for secret in [password, "sandbox-servicedesk-token", "Winter-2026!"] {
        for screen in &screens {
            assert!(!screen.contains(secret), "{secret} on screen:\n{screen}");
        }
        assert!(!bytes.contains(secret), "{secret} in the terminal output");
        for (path, text) in vendor.files() {
            if !path.ends_with("token") {
                assert!(!text.contains(secret), "{secret} in {}", path.display());
            }
        }
    }
    // The password did reach the vendor.
    let (stored, _) = vendor.stored(
        "/servicedesk/api/contact/93498506-9dde-4593-b844-e3c51c0e2bc2",
        ("Authorization", "Bearer sandbox-servicedesk-token"),
    );
    assert_eq!(stored["e_password"], password);
}

#[test]
fn the_terminal_is_restored_after_a_panic() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_with(
        &["-p", "sandbox-clemta", CLEMTA],
        &[("ROLO_TEST_PANIC", "1")],
    );
    tty.wait_for("John Doe");
    assert!(tty.alternate_screen());
    tty.keys("\x1b[24~"); // F12
    assert_eq!(tty.exit_code(), Some(101), "a panic exits with 101");
    tty.wait_until("the alternate screen left", |_| !tty.alternate_screen());
    let out = String::from_utf8_lossy(&tty.bytes.lock().unwrap()).to_string();
    let restored_at = out
        .find("\x1b[?1049l")
        .expect("the alternate screen is left");
    let message_at = out
        .rfind("test panic requested with F12")
        .expect("the panic message is printed");
    assert!(
        restored_at < message_at,
        "the terminal is restored before the message prints"
    );
    assert!(
        out[restored_at..].contains("\x1b[?25h"),
        "the cursor is shown again"
    );
}

#[test]
fn a_unique_secret_marker_never_shows_in_the_editor() {
    let vendor = Vendor::start();
    let url = vendor.running.url();
    let marker = "ROLO-TUI-MARKER-3b9f7a";
    vendor.write_config(&format!(
        "[profiles.marked]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"MARKED_KEY\" }}\nheaders = {{ \"x-sandbox-fault\" = \"echo\" }}\n"
    ));
    let mut tty = vendor.rolo_with(&["-p", "marked", CLEMTA], &[("MARKED_KEY", marker)]);
    // The vendor refuses the key and quotes it back: rolo shows the refusal, not the key.
    tty.wait_for("rejected credentials");
    let mut screens = vec![tty.screen()];
    tty.keys("r");
    tty.wait_until("the raw pane", |s| s.contains("x-api-key: ***"));
    screens.push(tty.screen());
    tty.keys("y");
    tty.wait_for("copied the request as curl");
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
    let bytes = String::from_utf8_lossy(&tty.bytes.lock().unwrap()).to_string();
    assert!(bytes.contains("x-api-key=***"), "the quoted key is masked");
    for screen in &screens {
        assert!(!screen.contains(marker), "{screen}");
    }
    assert!(!bytes.contains(marker), "the marker reached the terminal");
    for (path, text) in vendor.files() {
        assert!(
            !text.contains(marker),
            "{} holds the marker",
            path.display()
        );
    }
}
