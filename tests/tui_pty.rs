//! The editor end to end: the real binary in a pseudo-terminal, driven by keystrokes only,
//! against the test's own in-process sandbox (so the test can check what the vendor stored).

mod common;

use common::home::Home;
use common::pty::Vendor;
use common::pty::{BACKSPACE, DOWN, ENTER, ESC, Tty};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";
const CLEMTA_KEY: (&str, &str) = ("X-API-Key", "sandbox-clemta-key");

fn select(tty: &mut Tty, label: &str) {
    tty.select(label);
}

#[test]
fn edit_a_nested_field_review_send_and_reload() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    // Billing → Phone.
    select(&mut tty, "Phone      ");
    tty.keys(ENTER);
    tty.wait_for("Edit Phone (billing.phone)");
    tty.type_keys(&[BACKSPACE; 12]);
    tty.keys("5550001111");
    tty.wait_for("5550001111");
    tty.keys(ENTER);
    tty.wait_for("1 unsaved");
    tty.keys("s");
    tty.wait_for("Review before sending");
    tty.wait_for("billing.phone: 1234567890 → 5550001111");
    tty.wait_for("\"phone\": \"5550001111\"");
    tty.keys("y");
    tty.wait_for("Contact updated successfully");
    tty.wait_for("0 unsaved");
    let (stored, _) = vendor.stored(&format!("/clemta/contacts/{CLEMTA}"), CLEMTA_KEY);
    assert_eq!(stored["data"]["billing"]["phone"], "5550001111");
    assert_eq!(stored["data"]["billing"]["address_1"], "123 Main Street");
    // Reload shows what the vendor stores now, including a colleague's later change.
    assert_eq!(
        vendor.patch(
            &format!("/clemta/contacts/{CLEMTA}"),
            CLEMTA_KEY,
            r#"{"billing":{"state":"NY"}}"#
        ),
        200
    );
    tty.keys("R");
    tty.wait_for("Loaded 64b8f1a2e4b0c8d9f0123456");
    tty.wait_until("the reloaded values", |s| {
        s.contains("5550001111") && s.contains("State        NY")
    });
}

#[test]
fn an_invalid_value_shows_its_rule_and_nothing_is_sent() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    select(&mut tty, "E-mail       john.doe");
    tty.keys(ENTER);
    tty.wait_for("Edit E-mail (email)");
    tty.type_keys(&[BACKSPACE; 24]);
    tty.keys("not-an-address");
    // The rule shows as you type.
    tty.wait_for("✗ must be a valid e-mail address");
    tty.keys(ENTER);
    tty.wait_for("1 unsaved");
    tty.keys("s");
    tty.wait_for("Refused before sending, nothing sent:");
    tty.wait_for("email: must be a valid e-mail address");
    let (stored, etag) = vendor.stored(&format!("/clemta/contacts/{CLEMTA}"), CLEMTA_KEY);
    assert_eq!(stored["data"]["email"], "john.doe@example.com");
    assert_eq!(etag, "\"1\"", "nothing was sent");
    // The change is still there to fix.
    assert!(tty.screen().contains("1 unsaved"));
}

#[test]
fn switching_profiles_keeps_unsaved_changes() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    select(&mut tty, "Full name");
    tty.keys(ENTER);
    tty.wait_for("Edit Full name");
    tty.keys(" Jr.");
    tty.keys(ENTER);
    tty.wait_for("John Doe Jr.");
    tty.wait_for("1 unsaved");
    // To cro: p, down to sandbox-cro, Enter; then open 1001/5001.
    tty.keys("p");
    tty.wait_for("Profiles");
    tty.type_keys(&[DOWN, DOWN, DOWN, ENTER]);
    tty.wait_for("Open contact");
    tty.keys("1001/5001");
    tty.keys(ENTER);
    tty.wait_for("Dispatch Desk");
    tty.wait_for("(+1 in other profiles)");
    // And back: the edit is still there, unsaved.
    tty.keys("p");
    tty.wait_for("1 unsaved");
    tty.type_keys(&[common::pty::UP, common::pty::UP, common::pty::UP, ENTER]);
    tty.wait_until("back on clemta", |s| {
        s.contains("sandbox-clemta") && s.contains("John Doe Jr.") && s.contains("│ 1 unsaved")
    });
    tty.keys(ESC);
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    select(&mut tty, "Status");
    tty.keys(ENTER);
    tty.wait_for("Edit Status");
    tty.keys("x");
    tty.keys(ENTER);
    tty.wait_for("1 unsaved");
    tty.keys("q");
    tty.wait_for("Quit? They stay as drafts");
    tty.keys("n");
    tty.wait_until("the question closed", |s| !s.contains("Quit? They"));
    assert!(
        tty.child.try_wait().unwrap().is_none(),
        "still running after n"
    );
    tty.keys("q");
    tty.wait_for("Quit? They stay as drafts");
    tty.keys("y");
    assert_eq!(tty.exit_code(), Some(0));
    // The reader may still be catching up with the last bytes when the process is gone.
    tty.wait_until("the terminal restored", |_| !tty.alternate_screen());
}

#[test]
fn the_demo_shows_the_seed_contact_with_no_configuration() {
    let home = Home::new();
    let mut tty = home.pty(&["demo"], &[], 24, 80);
    tty.wait_for("John Doe");
    tty.wait_for("sandbox-clemta");
    // The demo can edit and save.
    tty.select("Full name");
    tty.keys(ENTER);
    tty.wait_for("Edit Full name");
    tty.keys(" II");
    tty.keys(ENTER);
    tty.wait_for("John Doe II");
    tty.keys("s");
    tty.wait_for("Review before sending");
    tty.keys("y");
    tty.wait_for("Contact updated successfully");
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
    // Plain `rolo` with no configuration is the demo too.
    let mut plain = home.pty(&[], &[], 24, 80);
    plain.wait_for("John Doe");
    plain.keys("q");
    assert_eq!(plain.exit_code(), Some(0));
}

#[test]
fn every_vendors_form_opens_from_the_demo_by_switching_profiles() {
    let home = Home::new();
    let mut tty = home.pty(&["demo"], &[], 32, 110);
    tty.wait_for("John Doe");
    // (profile position, a value the vendor's first listed contact shows)
    // (profile position, the first listed reference, a value its form shows)
    for (position, vendor, first, shown) in [
        (1, "exsited", "ACC-1001/CONTACT_1", "Liam"),
        (2, "contactreg", "1941877", "Christian"),
        (3, "cro", "1001/5001", "Dispatch Desk"),
        (
            4,
            "servicedesk",
            "93498506-9dde-4593-b844-e3c51c0e2bc2",
            "Schmidt",
        ),
    ] {
        tty.keys("p");
        tty.wait_for("Profiles");
        tty.type_keys(&[common::pty::UP; 6]);
        tty.type_keys(&vec![DOWN; position]);
        tty.keys(ENTER);
        // The open-contact list comes from the vendor's list endpoint; Enter takes the first.
        tty.wait_until("the vendor's list", |s| {
            s.contains("Open contact") && s.contains(&format!("▶ {first}"))
        });
        tty.keys(ENTER);
        tty.wait_until(vendor, |s| {
            s.contains(&format!("│ {vendor} │")) && s.contains(shown) && !s.contains("Open contact")
        });
    }
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
}

#[test]
fn themes_and_no_color() {
    let vendor = Vendor::start();
    let spawn =
        |args: &[&str], no_color: &str| vendor.rolo_sized(args, &[("NO_COLOR", no_color)], 24, 90);
    // One rolo per contact: each ends before the next opens it.
    let mut plain = spawn(&["-p", "sandbox-clemta", CLEMTA], "1");
    plain.wait_for("John Doe");
    assert!(!plain.any_colour(), "NO_COLOR draws no colour");
    plain.kill_9();
    let mut light = spawn(&["-p", "sandbox-clemta", CLEMTA, "--theme", "light"], "");
    light.wait_for("John Doe");
    assert_eq!(
        light.bg(0, 2),
        vt100::Color::Rgb(0x09, 0x69, 0xda),
        "the light theme's header"
    );
    light.kill_9();
    let dark = spawn(&["-p", "sandbox-clemta", CLEMTA], "");
    dark.wait_for("John Doe");
    assert_eq!(
        dark.bg(0, 2),
        vt100::Color::Rgb(0x7f, 0xb4, 0xca),
        "the dark theme's header"
    );
}

#[test]
fn keys_are_rebindable_in_config() {
    let vendor = Vendor::start();
    vendor.write_config("[keys]\nquit = \"x\"\nreview = [\"ctrl-s\"]\n");
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    tty.wait_for("Ctrl-s review");
    tty.keys("?");
    tty.wait_for("Ctrl-s  review and send");
    tty.keys(ESC);
    // Esc and a key in one read mean Alt-key: let the help close first.
    tty.wait_until("help closed", |s| !s.contains("review and send"));
    tty.keys("x");
    assert_eq!(tty.exit_code(), Some(0));
}

#[test]
fn y_copies_the_request_as_curl_with_secrets_masked() {
    use base64::Engine;
    let vendor = Vendor::start();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    tty.keys("y");
    tty.wait_for("copied the request as curl");
    let bytes = tty.bytes.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&bytes);
    let start = text.find("\x1b]52;c;").expect("an OSC 52 sequence") + "\x1b]52;c;".len();
    let end = start + text[start..].find('\x07').unwrap();
    let curl = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&text[start..end])
            .unwrap(),
    )
    .unwrap();
    assert!(
        curl.starts_with(&format!(
            "curl -X GET '{}/clemta/contacts/{CLEMTA}'",
            vendor.running.url()
        )),
        "{curl}"
    );
    assert!(
        curl.contains("-H 'x-api-key: ***'") && !curl.contains("sandbox-clemta-key"),
        "{curl}"
    );
}

#[test]
fn a_modal_key_rebound_in_config_works_and_the_help_lists_it() {
    let vendor = Vendor::start();
    std::fs::create_dir_all(vendor.home.path().join("config")).unwrap();
    std::fs::write(
        vendor.home.path().join("config/config.toml"),
        "[keys.quit]\nconfirm = \"o\"\n",
    )
    .unwrap();
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    tty.keys("?");
    tty.wait_for("Keys");
    // The Quit section is at the end of the help: scroll down to it.
    tty.keys("G");
    tty.wait_for("o  quit (unsent changes stay as drafts)");
    tty.keys(ESC);
    tty.wait_until("help closed", |s| {
        !s.contains("unsent changes stay as drafts")
    });
    select(&mut tty, "Status");
    tty.keys(ENTER);
    tty.wait_for("Edit Status");
    tty.keys("x");
    tty.keys(ENTER);
    tty.wait_for("1 unsaved");
    tty.keys("q");
    tty.wait_for("Quit? They stay as drafts");
    tty.wait_for("o quit");
    tty.keys("y");
    tty.keys("o");
    assert_eq!(tty.exit_code(), Some(0));
}

#[test]
fn a_slow_profile_opens_in_the_background_and_esc_stops_it() {
    let vendor = Vendor::start();
    let url = vendor.running.url();
    // The secret command takes long (a password manager asking for a passphrase).
    vendor.write_config(&format!(
        "[profiles.slow]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ command = \"sleep 30; echo sandbox-clemta-key\" }}\n"
    ));
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe");
    tty.keys("p");
    tty.wait_for("Profiles");
    // The configured profile is listed after the five built-in ones.
    tty.type_keys(&[DOWN; 6]);
    tty.keys(ENTER);
    tty.wait_for("opening profile…");
    // The screen still answers keys while the secret command runs.
    tty.keys("?");
    tty.wait_for("Keys");
    tty.keys(ESC);
    tty.wait_until("help closed", |s| !s.contains("Keys ─"));
    tty.keys(ESC);
    tty.wait_for("Cancelled (opening profile…)");
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
}
