//! What a new user tripped on, in the real binary: the header and footer at 60 columns, the
//! raw pane's keys and the value viewer, and the focused pane named without colour.

mod common;

use common::pty::{ENTER, ESC, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";

#[test]
fn at_60_columns_the_header_keeps_the_unsaved_count_and_the_footer_keeps_quit() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 24, 60);
    tty.wait_for("John Doe");
    let first = |s: &str| s.lines().next().unwrap_or("").to_string();
    let last = |s: &str| s.lines().last().unwrap_or("").to_string();
    tty.wait_until("the header's count", |s| first(s).contains("0 unsaved"));
    tty.wait_until("q quit in the footer", |s| last(s).contains("q quit"));
    tty.select("Status");
    tty.keys(ENTER);
    tty.wait_for("Edit Status");
    tty.keys("x");
    tty.keys(ENTER);
    tty.wait_until("the header's count", |s| first(s).contains("1 unsaved"));
}

#[test]
fn the_raw_pane_takes_its_keys_and_a_read_only_value_opens_whole() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_sized(&["-p", "sandbox-clemta", CLEMTA], &[], 40, 140);
    tty.wait_for("John Doe");
    tty.wait_for("Raw · ");
    // Tab twice: the raw pane has the keys; G scrolls it, not the form.
    tty.keys("\t");
    tty.keys("\t");
    tty.wait_for("▶ Raw");
    tty.wait_for("w wrap");
    tty.keys("G");
    tty.keys("w");
    tty.wait_for("wrapped (w)");
    assert!(tty.selected_row().contains("Id"), "{}", tty.screen());
    // Back to the form: Enter on the read-only id shows it whole, Esc closes.
    tty.keys("\t");
    tty.wait_for("▶ Clemta");
    tty.keys(ENTER);
    tty.wait_for("cannot be edited");
    tty.keys(ESC);
    tty.wait_until("the viewer closed", |s| !s.contains("cannot be edited"));
}

#[test]
fn without_colour_the_focused_pane_is_named() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo_with(&["-p", "sandbox-clemta", CLEMTA], &[("NO_COLOR", "1")]);
    tty.wait_for("John Doe");
    tty.wait_for("▶ Clemta");
    tty.keys("\t");
    tty.wait_for("▶ Response");
    assert!(!tty.screen().contains("▶ Clemta"));
}
