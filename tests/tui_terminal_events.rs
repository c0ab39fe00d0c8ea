//! The terminal's events reach the editor through its own reader (`tui/tty_events.rs`): keys,
//! a window resize (a signal, not input) and keys sent in one burst, in the real binary in a pty.

mod common;

use std::time::{Duration, Instant};

use common::pty::{DOWN, ENTER, UP, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";

/// The rows of the screen as text, one string each.
fn rows(screen: &str) -> Vec<String> {
    screen.lines().map(str::to_string).collect()
}

/// How far the top border of the boxes under the header reaches (its last column is a corner).
fn box_top_width(rows: &[String]) -> Option<usize> {
    let top = rows.get(1)?.trim_end();
    top.ends_with('┐').then(|| top.chars().count())
}

#[test]
fn a_resized_window_is_drawn_again_at_its_new_size() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 24, 80);
    tty.wait_for("John Doe");
    tty.resize(40, 120);
    // The pane boxes reach the new right edge, and rows below the old bottom are drawn.
    tty.wait_until("a frame at 120x40", |screen| {
        let rows = rows(screen);
        box_top_width(&rows) == Some(120) && rows.iter().skip(30).any(|row| row.contains('│'))
    });
    tty.wait_for("John Doe");
    // Smaller again, and keys still arrive afterwards.
    tty.resize(20, 70);
    tty.wait_until("a frame at 70x20", |screen| {
        box_top_width(&rows(screen)) == Some(70)
    });
    let before = tty.selected_row();
    tty.keys(DOWN);
    tty.wait_until("the selection to move", |_| tty.selected_row() != before);
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
}

#[test]
fn keys_sent_in_one_burst_are_all_applied() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 40, 120);
    tty.wait_for("John Doe");
    let first = tty.selected_row();
    // The row three moves down, reached one key at a time; then back to the first.
    let mut rows = vec![first.clone()];
    for _ in 0..3 {
        let before = tty.selected_row();
        tty.keys(DOWN);
        tty.wait_until("the selection to move down", |_| {
            tty.selected_row() != before
        });
        rows.push(tty.selected_row());
    }
    for _ in 0..3 {
        let before = tty.selected_row();
        tty.keys(UP);
        tty.wait_until("the selection to move up", |_| tty.selected_row() != before);
    }
    assert_eq!(tty.selected_row(), first);
    // Four downs and one up in one write land on that same row: a lost down ends above it, a
    // lost up below it (and the top row never stops a move here).
    tty.keys(&format!("{}{UP}", DOWN.repeat(4)));
    tty.wait_until("the selection three rows down", |_| {
        tty.selected_row() == rows[3]
    });
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
}

/// A window that closes under rolo (the terminal hangs up; rolo, started by a shell, gets no
/// SIGHUP of its own, only the end of its input): rolo ends as on SIGHUP, with the open
/// editor's text in the draft, instead of reading the ended terminal again and again.
#[test]
fn a_terminal_that_hangs_up_ends_rolo_as_sighup_with_the_text_kept() {
    let vendor = Vendor::start();
    let exit_file = vendor.home.path().join("exit-code");
    let mut tty = vendor.rolo_under_shell(&["-p", "sandbox-clemta", CLEMTA], &[], &exit_file);
    tty.wait_for("John Doe");
    tty.select("Full name");
    tty.keys(ENTER);
    tty.wait_for("Edit ");
    tty.keys(" typed before the window closed");
    tty.wait_for("typed before the window closed");
    tty.hang_up();
    assert_eq!(
        exit_code_written(&exit_file),
        "129",
        "ended as on SIGHUP, not by a panic"
    );
    assert!(ended_by_itself(&vendor), "ended by its own loop");
    assert!(
        vendor
            .files()
            .iter()
            .any(|(p, t)| p.extension().is_some_and(|e| e == "json")
                && t.contains("John Doe typed before the window closed")),
        "the editor's text is in the draft"
    );
}

/// The same while the user's own editor has the terminal: the editor ends with it, taking the
/// terminal back fails, and rolo ends as on SIGHUP with the editor's file named in the draft
/// (offered back at the next start), not with an error.
#[test]
fn a_terminal_that_hangs_up_under_the_users_editor_ends_rolo_as_sighup() {
    let vendor = Vendor::start();
    let exit_file = vendor.home.path().join("exit-code");
    // An editor that says it is ready and reads its terminal until it ends, as editors do.
    let script = vendor.home.path().join("editor.sh");
    std::fs::write(&script, "printf 'EDITOR READY\\n'; cat > /dev/null\n").unwrap();
    let editor = format!("sh {}", script.display());
    let mut tty = vendor.rolo_under_shell(
        &["-p", "sandbox-clemta", CLEMTA],
        &[("EDITOR", &editor), ("VISUAL", "")],
        &exit_file,
    );
    tty.wait_for("John Doe");
    tty.select("Full name");
    tty.keys("e");
    tty.wait_for("EDITOR READY");
    tty.hang_up();
    assert_eq!(exit_code_written(&exit_file), "129");
    assert!(ended_by_itself(&vendor), "ended by its own loop");
    let drafts: Vec<String> = vendor
        .files()
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "json"))
        .map(|(_, text)| text)
        .collect();
    assert!(
        drafts
            .iter()
            .any(|d| d.contains("\"external\"") && d.contains(".edit-full_5fname.txt")),
        "the draft names the editor's file: {drafts:?}"
    );
}

/// Whether rolo ended by itself on seeing the hang-up (its render loop logs it), not by the
/// backstop that ends a rolo stuck after one (`tui/hangup.rs`), which exits 129 as well.
fn ended_by_itself(vendor: &Vendor) -> bool {
    vendor.files().iter().any(|(path, text)| {
        path.ends_with("rolo.log") && text.contains("rolo::tui::run: the terminal hung up")
    })
}

/// The exit code the shell wrote once rolo ended; fails if rolo is still running.
fn exit_code_written(exit_file: &std::path::Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let written = std::fs::read_to_string(exit_file).unwrap_or_default();
        if written.ends_with('\n') {
            return written.trim().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "rolo is still running after its terminal hung up"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
