//! The terminal side of "nothing lost", in a pty: a paste is text and never commands, the text of
//! an open editor survives `kill -9`, signals from outside restore the terminal and exit 128+n,
//! a secret command is killed when its lookup is cancelled or rolo quits, and no escape byte a
//! hostile vendor sends reaches the terminal.

mod common;

use std::time::{Duration, Instant};

use common::pty::{BACKSPACE, DOWN, ENTER, ESC, Tty, UP, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";

/// Pastes as a terminal does: bracketed when the program asked for it, else as typed keys.
fn paste(tty: &mut Tty, text: &str) {
    let bracketed = String::from_utf8_lossy(&tty.bytes.lock().unwrap()).contains("\x1b[?2004h");
    if bracketed {
        tty.keys(&format!("\x1b[200~{text}\x1b[201~"));
    } else {
        tty.keys(text);
    }
}

/// Opens the editor of the field whose row starts with `row`, emptied.
fn open_editor(tty: &mut Tty, row: &str, erase: usize) {
    tty.select(row);
    tty.keys(ENTER);
    tty.wait_for("Edit ");
    tty.type_keys(&vec![BACKSPACE; erase]);
}

#[test]
fn a_paste_is_text_never_commands() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 40, 120);
    tty.wait_for("John Doe");
    // No editor open: nothing runs (no editor, no review, no raw pane), and the user is told.
    paste(&mut tty, "Name\rsecond line");
    tty.wait_for("paste ignored");
    let screen = tty.screen();
    assert!(screen.contains("0 unsaved"), "{screen}");
    assert!(!screen.contains("Edit "), "{screen}");
    assert!(
        screen.contains("Response"),
        "the raw pane was not toggled:\n{screen}"
    );
    // A single-line field: the line break becomes a space.
    open_editor(&mut tty, "Full name", 10);
    paste(&mut tty, "Name\rsecond line");
    tty.wait_for("Name second line");
    tty.keys("\x13");
    tty.wait_for("1 unsaved");
    // A multi-line field keeps it.
    open_editor(&mut tty, "Description", 20);
    paste(&mut tty, "Name\rsecond line");
    tty.wait_until("two lines in the editor", |s| {
        s.lines()
            .any(|l| l.contains("│Name ") || l.contains("│Name│"))
            && s.lines().any(|l| l.contains("│second line"))
    });
    tty.keys("\x13");
    tty.wait_for("2 unsaved");
    vendor.wait_for_files("the draft", |files| {
        files.iter().any(|(p, t)| {
            p.extension().is_some_and(|e| e == "json")
                && t.contains("Name second line")
                && t.contains("Name\\nsecond line")
        })
    });
}

/// The frames rolo has written so far: each starts with a synchronized-update marker.
fn frames(tty: &Tty) -> usize {
    const MARK: &[u8] = b"\x1b[?2026h";
    let bytes = tty.bytes.lock().unwrap();
    bytes.windows(MARK.len()).filter(|w| *w == MARK).count()
}

#[test]
fn a_ten_kilobyte_paste_into_an_editor_costs_at_most_three_frames() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 40, 120);
    tty.wait_for("John Doe");
    open_editor(&mut tty, "Description", 20);
    // The frames of the keys above are all out before counting starts.
    std::thread::sleep(Duration::from_millis(300));
    let before = frames(&tty);
    assert!(before > 0, "rolo's frames carry the marker");
    // Lines end in CR, as a terminal sends them.
    let text: String = (0..1024).map(|i| format!("line {i:04}\r")).collect();
    assert_eq!(text.len(), 10 * 1024);
    paste(&mut tty, &text);
    tty.wait_for("line 1023");
    // Whatever else the paste causes (its check, the journal) has a moment to draw.
    std::thread::sleep(Duration::from_millis(500));
    let drawn = frames(&tty) - before;
    eprintln!("a 10 KB paste into an editor: {drawn} frame(s)");
    assert!((1..=3).contains(&drawn), "{drawn} frames for one paste");
}

#[test]
fn text_typed_into_an_editor_survives_kill_9() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    open_editor(&mut tty, "Description", 20);
    // Enter is a new line in a multi-line field; nothing is committed.
    tty.keys("half typed");
    tty.keys(ENTER);
    tty.keys("second");
    tty.wait_for("second");
    vendor.wait_for_files("the editor's text in the draft", |files| {
        // In the draft itself (a temp file being written does not count).
        files.iter().any(|(p, t)| {
            p.extension().is_some_and(|e| e == "json") && t.contains("half typed\\nsecond")
        })
    });
    tty.kill_9();
    drop(tty);
    let mut again = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    again.wait_for("Unsent changes found");
    again.wait_for("description (being edited): half typed");
    again.keys("r");
    again.wait_for("Edit ");
    again.wait_until("the text back in its editor", |s| {
        s.contains("half typed") && s.contains("second")
    });
    // Committed, it is a change like any other.
    again.keys("\x13");
    again.wait_for("1 unsaved");
}

/// Whether a process runs (a zombie waiting to be reaped does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat.rsplit_once(") ")?.1.chars().next()?;
            Some(state != 'Z' && state != 'X')
        })
        .unwrap_or(false)
}

fn wait_until_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "the secret command {pid} still runs"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn signals_restore_the_terminal_and_exit_128_plus_n() {
    let vendor = Vendor::start();
    for (name, number) in [("TERM", 15), ("HUP", 1), ("INT", 2), ("QUIT", 3)] {
        let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
        tty.wait_for("John Doe");
        assert!(tty.alternate_screen());
        open_editor(&mut tty, "Description", 20);
        let text = format!("typed before SIG{name}");
        tty.keys(&text);
        tty.wait_for(&text);
        let pid = tty.child.process_id().expect("a pid");
        let _ = std::process::Command::new("kill")
            .args(["-s", name, &pid.to_string()])
            .status();
        assert_eq!(tty.exit_code(), Some(128 + number), "SIG{name}");
        tty.wait_until("the alternate screen left", |_| !tty.alternate_screen());
        let out = String::from_utf8_lossy(&tty.bytes.lock().unwrap()).to_string();
        let tail = &out[out
            .rfind("\x1b[?1049l")
            .expect("the alternate screen is left")..];
        for (what, sequence) in [
            ("mouse tracking off", "\x1b[?1000l"),
            ("bracketed paste off", "\x1b[?2004l"),
        ] {
            assert!(out.contains(sequence), "SIG{name}: {what}");
        }
        assert!(tail.contains("\x1b[?25h"), "SIG{name}: the cursor is shown");
        let files = vendor.files();
        assert!(
            files
                .iter()
                .any(|(p, t)| p.extension().is_some_and(|e| e == "json") && t.contains(&text)),
            "SIG{name}: the editor's text is in the draft"
        );
        std::fs::remove_dir_all(vendor.data_dir()).unwrap();
    }
}

#[test]
fn a_secret_command_is_killed_on_esc_and_on_quit() {
    let vendor = Vendor::start();
    let url = vendor.running.url();
    let pid_file = vendor.home.path().join("secret.pid");
    vendor.write_config(&format!(
        "[profiles.slow]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ command = \"echo $$ > {}; exec sleep 1000\" }}\nsecret_timeout = \"600s\"\n",
        pid_file.display()
    ));
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    for leave in [ESC, "q"] {
        let _ = std::fs::remove_file(&pid_file);
        // The configured profile is listed after the five built-in ones.
        tty.keys("p");
        tty.wait_for("Profiles");
        tty.type_keys(&[UP; 6]);
        tty.type_keys(&[DOWN; 5]);
        tty.keys(ENTER);
        tty.wait_for("opening profile");
        let deadline = Instant::now() + Duration::from_secs(20);
        let pid = loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file)
                .ok()
                .and_then(|t| t.trim().parse::<u32>().ok())
            {
                break pid;
            }
            assert!(
                Instant::now() < deadline,
                "the secret command never started"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(alive(pid));
        tty.keys(leave);
        wait_until_gone(pid);
        if leave == ESC {
            tty.wait_for("Cancelled");
        }
    }
    assert_eq!(tty.exit_code(), Some(0));
}

/// Vendor text full of escape sequences, C1 controls and direction overrides (JSON escapes).
const ESCAPES: &str =
    r"\u001b]52;c;SGVsbG8=\u0007\u001b[2J\u009b31m\u202e\u202a\u2066\u0085\u001b[?1049l";

/// A clemta-shaped vendor whose every value, message and header is hostile.
fn hostile_vendor() -> u16 {
    common::raw_http::serve(|request| {
        let request_line = &request.line;
        let (status, content_type, answer) = if request_line.contains("/contacts/evil-value") {
            (
                "200 OK",
                "application/json",
                format!(
                    r#"{{"success":true,"message":"saved{ESCAPES}","data":{{"id":"evil-value","type":"customer","status":"active","full_name":"Eve{ESCAPES}","email":"eve@example.com","description":"line{ESCAPES}","billing":{{"city":"x{ESCAPES}"}}}}}}"#
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
        } else if request_line.contains("/contacts?") || request_line.contains("/contacts ") {
            (
                "200 OK",
                "application/json",
                format!(
                    r#"{{"success":true,"data":[{{"id":"evil-value","full_name":"Listed{ESCAPES}","email":"l{ESCAPES}"}}]}}"#
                ),
            )
        } else {
            (
                "502 Bad Gateway",
                "text/html",
                "<html><title>Down \u{1b}]52;c;SGk=\u{7} \u{9b}31m \u{202e}</title></html>"
                    .to_string(),
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

/// Whether a character is one the vendor sent that must never reach the terminal as it is.
fn forbidden(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn no_escape_byte_from_a_hostile_vendor_reaches_the_terminal() {
    let vendor = Vendor::start();
    let port = hostile_vendor();
    vendor.write_config(&format!(
        "[profiles.evil]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"K\" }}\n"
    ));
    let mut tty = vendor.rolo_sized(&["-p", "evil", "evil-value"], &[("K", "k")], 40, 160);
    tty.wait_for("Eve");
    // The raw pane (headers and bodies), the list, an error, a page that is not JSON.
    tty.keys("r");
    tty.wait_for("x-evil");
    tty.keys("r");
    tty.keys("o");
    tty.wait_for("Listed");
    tty.keys("evil-error");
    tty.keys(ENTER);
    tty.wait_for("HTTP 400");
    tty.keys("o");
    tty.wait_for("Open contact");
    tty.keys("evil-page");
    tty.keys(ENTER);
    tty.wait_for("HTTP 502");
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
    let bytes = tty.bytes.lock().unwrap().clone();
    let out = String::from_utf8_lossy(&bytes);
    assert!(
        !out.contains("\x1b]52"),
        "the vendor wrote to the clipboard"
    );
    assert!(!out.contains("\x1b[2J"), "the vendor cleared the screen");
    assert_eq!(
        out.matches("\x1b[?1049l").count(),
        1,
        "only rolo's own exit leaves the alternate screen"
    );
    let found: Vec<String> = out
        .chars()
        .filter(|c| forbidden(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(found.is_empty(), "written to the terminal: {found:?}");
}

/// A spec's own text is anyone's too (an imported document, a shared file): a direction mark in
/// a field's label is dropped on its way to the terminal wherever it is drawn, the form's row and
/// the editor's title (where ratatui joins it to the cell before) alike.
#[test]
fn a_direction_mark_in_a_spec_label_never_reaches_the_terminal() {
    let env = Vendor::start();
    let document = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/openapi/exsited.yaml");
    let out = env.run(
        &[
            "vendors",
            "import",
            document.to_str().unwrap(),
            "--update",
            "updateAccountContact",
            "--id",
            "exsited",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let spec = env.config_dir().join("vendors/exsited.toml");
    let text = std::fs::read_to_string(&spec).expect("the imported spec");
    let field = "name = \"first_name\"\n";
    assert!(text.contains(field), "{text}");
    let labelled = text.replace(field, &format!("{field}label = \"First\\u202Ename\"\n"));
    std::fs::write(&spec, labelled).unwrap();
    let mut tty = env.rolo(&["-p", "sandbox-exsited", "ACC-1001/CONTACT_1"]);
    tty.wait_for("Liam");
    tty.select("Firstname");
    tty.keys(ENTER);
    tty.wait_for("(first_name)");
    tty.keys(ESC);
    tty.wait_until("the editor to close", |screen| {
        !screen.contains("(first_name)")
    });
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
    let out = String::from_utf8_lossy(&tty.bytes.lock().unwrap()).into_owned();
    assert!(!out.contains('\u{202e}'), "the mark reached the terminal");
}
