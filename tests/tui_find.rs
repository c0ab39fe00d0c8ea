//! Finding things in the editor, end to end in a pty against the test's own sandbox: the open
//! dialog finds contacts by name and by e-mail through the vendor's search for every vendor
//! (including exsited contacts on another account and cro contacts of another customer), opens
//! a typed reference no row matches, pages with End and Home; `/` jumps to a field; the command
//! palette lists the keymap's actions and runs one.

mod common;

use common::pty::{DOWN, ENTER, ESC, Tty, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";

/// Opens the dialog and waits for the vendor's list (its first page counted).
fn open_dialog(tty: &mut Tty) {
    tty.keys("o");
    tty.wait_until("the open dialog with its first page", |s| {
        s.contains("Open contact") && s.contains("name or e-mail:") && loaded(s) > 0
    });
}

/// M of the dialog's "N of M" (rows loaded), 0 when not shown.
fn loaded(screen: &str) -> usize {
    screen
        .lines()
        .find_map(|l| {
            let inner = l.split('│').find(|part| part.contains(" of "))?;
            let (_, m) = inner.split_once(" of ")?;
            m.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

/// Moves the dialog's highlight down until it is on `reference`.
fn pick(tty: &mut Tty, reference: &str) {
    let wanted = format!("▶ {reference} ");
    for _ in 0..40 {
        if tty.screen().contains(&wanted) {
            return;
        }
        let before = tty.screen();
        tty.keys(DOWN);
        tty.wait_until("the highlight to move", |s| s != before);
    }
    panic!("{reference} could not be highlighted:\n{}", tty.screen());
}

/// Types `text` into the open dialog, waits until the vendor's answer shows `reference`, picks
/// it and opens it.
fn find_and_open(tty: &mut Tty, text: &str, reference: &str) {
    open_dialog(tty);
    tty.keys(text);
    tty.wait_until(&format!("{reference} found for {text:?}"), |s| {
        s.contains(&format!(" {reference} ")) && !s.contains("searching…")
    });
    pick(tty, reference);
    tty.keys(ENTER);
    tty.wait_for(&format!("Loaded {reference}"));
}

/// For each vendor: what is open first, a name and the contact it finds, an e-mail and the
/// contact it finds. None of the contacts found is on the list's first page (nor, for exsited
/// and cro, in the open contact's account or customer), so only the vendor's search finds it.
/// (text typed, the reference it finds)
type Found = (&'static str, &'static str);

const CASES: [(&str, &str, [Found; 2]); 5] = [
    (
        "sandbox-clemta",
        CLEMTA,
        [
            ("noah jones", "6500000000000000000001a5"),
            ("noah.jones821@", "650000000000000000000335"),
        ],
    ),
    (
        "sandbox-exsited",
        "ACC-1001/CONTACT_1",
        [
            ("noah jones", "ACC-2000/CONTACT_421"),
            ("NOAH.JONES821@example", "ACC-2000/CONTACT_821"),
        ],
    ),
    (
        "sandbox-contactreg",
        "1941877",
        [("noah jones", "2000421"), ("noah.jones821@", "2000821")],
    ),
    (
        "sandbox-cro",
        "1001/5001",
        [
            ("harbour night", "1002/5101"),
            ("noah.jones821@", "1001/6821"),
        ],
    ),
    (
        "sandbox-servicedesk",
        "93498506-9dde-4593-b844-e3c51c0e2bc2",
        [
            ("noah jones", "5d000000-0000-4000-8000-0000000001a5"),
            ("noah.jones821@", "5d000000-0000-4000-8000-000000000335"),
        ],
    ),
];

#[test]
fn every_vendor_finds_a_contact_by_name_and_by_email() {
    let vendor = Vendor::start();
    for (profile, first, queries) in CASES {
        let mut tty = vendor.rolo_sized(&["-p", profile, first], &[], 36, 120);
        tty.wait_for(&format!("Loaded {first}"));
        for (text, reference) in queries {
            find_and_open(&mut tty, text, reference);
        }
        // The e-mail search on cro also crosses customers: back to the second customer's desk.
        if profile == "sandbox-cro" {
            find_and_open(&mut tty, "night@harbourfreight", "1002/5101");
        }
    }
}

#[test]
fn a_typed_reference_no_row_matches_opens_directly_and_text_that_is_none_is_explained() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-contactreg", "1941877"], &[], 36, 120);
    tty.wait_for("Loaded 1941877");
    open_dialog(&mut tty);
    // Not on the first page, and no name or e-mail holds it: no row matches.
    tty.keys("2000999");
    tty.wait_until("offered as typed, the search done", |s| {
        s.contains("▶ 2000999  open as typed") && !s.contains("searching…")
    });
    tty.keys(ENTER);
    tty.wait_for("Loaded 2000999");

    let mut tty = vendor.rolo_sized(&["-p", "sandbox-cro", "1001/5001"], &[], 36, 120);
    tty.wait_for("Loaded 1001/5001");
    open_dialog(&mut tty);
    tty.keys("qqqq");
    tty.wait_until("nothing matched, the search done", |s| {
        s.contains("no contact loaded matches “qqqq”") && !s.contains("searching…")
    });
    tty.keys(ENTER);
    tty.wait_for("\"qqqq\" is not a cro contact reference");
}

#[test]
fn end_loads_the_next_page_and_home_goes_back_to_the_first_row() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 36, 120);
    tty.wait_for("Loaded 64b8f1a2e4b0c8d9f0123456");
    open_dialog(&mut tty);
    tty.wait_for("50 of 50");
    tty.keys("\x1b[F"); // End
    tty.wait_for("100 of 100");
    tty.keys("\x1b[H"); // Home
    tty.wait_for(&format!("▶ {CLEMTA} "));
    tty.keys("\x1b[6~"); // PgDn
    tty.wait_until("a page down", |s| !s.contains(&format!("▶ {CLEMTA} ")));
}

#[test]
fn slash_jumps_to_a_field_and_esc_stays_where_you_were() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    let start = tty.selected_row();
    tty.keys("/");
    tty.wait_for("Jump to a field");
    tty.keys("state");
    tty.wait_for("filter: state");
    tty.keys(ESC);
    tty.wait_until("the jump closed", |s| !s.contains("Jump to a field"));
    assert_eq!(tty.selected_row(), start);
    tty.keys("/");
    tty.wait_for("Jump to a field");
    tty.keys("billing.phone");
    tty.wait_for("▶ Phone · billing.phone ");
    tty.keys(ENTER);
    tty.wait_until("the billing phone selected", |_| {
        tty.selected_row().contains("1234567890")
    });
}

#[test]
fn the_palette_lists_the_keymaps_actions_and_runs_the_one_chosen() {
    let vendor = Vendor::start();
    vendor.write_config("[keys]\nraw = \"x\"\n");
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    tty.keys("\x0b"); // Ctrl-K
    tty.wait_for("Commands");
    tty.keys("raw exchange");
    // The key shown is the one config.toml binds, not the default.
    tty.wait_until("the raw pane's action with its key", |s| {
        s.lines().any(|l| {
            l.split("▶ raw exchange pane")
                .nth(1)
                .and_then(|rest| rest.split('│').next())
                .is_some_and(|cell| cell.trim_end().ends_with(" x"))
        })
    });
    tty.keys(ENTER);
    // The raw pane takes the whole screen: the form's box is gone.
    tty.wait_until("the raw pane maximized", |s| {
        s.contains("Raw · ") && !s.contains(" fields ─")
    });
    tty.wait_until("the palette closed", |s| !s.contains("Commands"));
    // `:` opens it too.
    tty.keys(":");
    tty.wait_for("Commands");
    tty.keys("help");
    tty.wait_for("▶ help ");
    tty.keys(ENTER);
    tty.wait_for("┌ Keys ");
    tty.wait_for("previous field");
}
