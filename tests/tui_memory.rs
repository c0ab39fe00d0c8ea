//! Memory in the editor: a huge answer of many small keys (`{"data":{"k0":0,"k1":0,…}}`) costs
//! a few times its size on load, with the raw pane shown, and while sending, not copies of the
//! body and a string per indented line. The raw pane shows a body past the display cap capped,
//! with the file holding all of it named. Peak RSS is the real binary's VmHWM
//! (/proc/PID/status), driven in a pty against a loopback server. ROLO_TEST_BODY_MB sets the
//! body's size (BENCHMARKS.md uses 60). A full-replace vendor (servicedesk), which sends the
//! whole contact back and reads it again after its bodiless update, is held to the same budget.

mod common;

use std::path::{Path, PathBuf};

use common::home::Home;
use common::huge::{
    BASE_BYTES, CONTACT, KEY, SERVICEDESK_CONTACT, body_mb, budget, config, huge_answer,
    huge_servicedesk, serve, serve_reads, servicedesk_config,
};
use common::pty::{BACKSPACE, ENTER, Tty};

/// The peak resident set of the process so far, in bytes.
fn peak_rss(tty: &Tty) -> u64 {
    let pid = tty.child.process_id().expect("rolo has a pid");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc is read");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM in {status}"));
    kib * 1024
}

/// The file the raw pane names as holding the whole body, once it shows.
fn saved_path(tty: &Tty, data: &Path) -> PathBuf {
    const NOTE: &str = "the whole body is in ";
    tty.wait_until("the raw pane to name the saved body", |s| s.contains(NOTE));
    let screen = tty.screen();
    let line = screen.lines().find(|l| l.contains(NOTE)).unwrap();
    let (_, rest) = line.split_once(NOTE).unwrap();
    let path = PathBuf::from(rest.trim_end_matches(['│', ' ', ')']));
    assert!(path.starts_with(data), "{line}");
    path
}

fn report(what: &str, peak: u64, size: u64) {
    eprintln!(
        "{what}: body {} MiB, peak RSS {} MiB ({:.2}x the body)",
        size >> 20,
        peak >> 20,
        peak as f64 / size as f64
    );
}

/// What one run drives: the contact, the field edited (its value is "Huge"), the first member
/// the raw pane shows, and the update's method.
struct Drive<'a> {
    contact: &'a str,
    field: &'a str,
    shown: &'a str,
    method: &'a str,
}

/// Loads and shows the raw pane, then (when `send`) edits, reviews and sends; the peak RSS
/// after the load and after the send, each within the budget.
fn load_and_send(home: &Home, size: u64, drive: Drive, send: bool) {
    let mut tty = home.pty(&["-p", "huge", drive.contact], &[KEY], 50, 220);
    tty.wait_for(&format!("Loaded {}", drive.contact));
    // The raw pane, maximized: the body's start, indented.
    tty.keys("r");
    tty.wait_until("the body in the raw pane", |s| {
        s.contains(drive.shown) && s.contains("\"k0\": 0,")
    });
    let loaded = peak_rss(&tty);
    report("load + raw pane", loaded, size);
    let read_saved = saved_path(&tty, &home.data_dir());
    assert!(
        loaded <= budget(size),
        "load: peak RSS {loaded} bytes is over 4x the {size}-byte body + {BASE_BYTES}"
    );
    if !send {
        return;
    }
    // Edit, review and send.
    tty.keys("r");
    tty.select(drive.field);
    tty.keys(ENTER);
    tty.wait_for(&format!("Edit {}", drive.field));
    tty.type_keys(&[BACKSPACE; 4]);
    tty.keys("Small");
    tty.wait_for("Small");
    tty.keys(ENTER);
    tty.wait_for("1 unsaved");
    tty.keys("s");
    tty.wait_for("Review before sending");
    report("load + raw pane + review", peak_rss(&tty), size);
    tty.keys("y");
    tty.wait_for("✓ HTTP 200");
    tty.keys("r");
    let request = format!("> {}", drive.method);
    tty.wait_until("the update's exchange in the raw pane", |s| {
        s.contains(&request) && s.contains("\"k0\": 0,")
    });
    let sent_saved = saved_path(&tty, &home.data_dir());
    let sent = peak_rss(&tty);
    report("load + raw pane + review + send", sent, size);
    if drive.method == "PATCH" {
        // clemta's update answer is the same bytes as the read: saved once, named twice.
        assert_eq!(read_saved, sent_saved, "the same body is one file");
        let saved = std::fs::read_dir(home.data_dir().join("bodies"))
            .expect("the bodies folder")
            .count();
        assert_eq!(saved, 1, "one distinct body, one file");
    }
    assert!(
        sent <= budget(size),
        "send: peak RSS {sent} bytes is over 4x the {size}-byte body + {BASE_BYTES}"
    );
}

fn have_proc() -> bool {
    let have = Path::new("/proc/self/status").exists();
    if !have {
        eprintln!("skipped: no /proc to read the peak RSS from");
    }
    have
}

#[test]
fn a_huge_answer_costs_a_few_times_its_size_on_load_with_the_raw_pane_and_on_send() {
    if !have_proc() {
        return;
    }
    let body = huge_answer(body_mb());
    let size = body.len() as u64;
    // The vendor answers the update with the same huge body.
    let port = serve(body);
    let home = Home::new();
    home.write_config(&config(port));
    load_and_send(
        &home,
        size,
        Drive {
            contact: CONTACT,
            field: "Full name",
            shown: "\"full_name\": \"Huge\"",
            method: "PATCH",
        },
        true,
    );
}

fn full_replace(send: bool) {
    if !have_proc() {
        return;
    }
    let body = huge_servicedesk(body_mb());
    let size = body.len() as u64;
    // The update answers with no body; rolo reads the contact back.
    let port = serve_reads(body);
    let home = Home::new();
    home.write_config(&servicedesk_config(port));
    load_and_send(
        &home,
        size,
        Drive {
            contact: SERVICEDESK_CONTACT,
            field: "First name",
            shown: "\"firstname\": \"Huge\"",
            method: "PUT",
        },
        send,
    );
}

#[test]
fn a_huge_full_replace_contact_costs_a_few_times_its_size_on_load() {
    full_replace(false);
}

/// While sending, the editor holds the fresh read (the raw pane's, the review's and, once
/// confirmed, the form's: one body, its unknown members spans of it), the prepared body (its
/// recorded copy shares it) and the read back (BENCHMARKS.md, "A full-replace vendor").
#[test]
fn a_huge_full_replace_contact_costs_a_few_times_its_size_on_send() {
    full_replace(true);
}

#[test]
fn the_raw_pane_caps_a_body_past_the_display_cap_and_its_file_holds_all_of_it() {
    // Just past the 8 MiB cap.
    let body = huge_answer(9);
    let port = serve(body.clone());
    let home = Home::new();
    home.write_config(&config(port));
    let mut tty = home.pty(&["-p", "huge", CONTACT], &[KEY], 50, 220);
    tty.wait_for(&format!("Loaded {CONTACT}"));
    tty.keys("r");
    let path = saved_path(&tty, &home.data_dir());
    // Capped: the pane holds far fewer lines than the whole body indented would.
    let screen = tty.screen();
    let whole = body.iter().filter(|&&b| b == b',').count();
    let total: usize = screen
        .split_once("Raw · ")
        .and_then(|(_, rest)| rest.split_once(" lines"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no line count in the raw pane's title:\n{screen}"));
    assert!(total < whole, "{total} lines shown for {whole} members");
    let saved = std::fs::read(&path).expect("the saved body is readable");
    assert!(saved == *body, "the saved file is not the whole body");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the saved body is private");
    }
}
