//! The editor end to end: the real binary in a pseudo-terminal, driven by keystrokes only,
//! against the test's own in-process sandbox (so the test can check what the vendor stored).

mod common;

use common::pty::{BACKSPACE, DOWN, ENTER, ESC, Tty};
use rolo::sandbox::Running;
use serde_json::Value as Json;

struct Vendor {
    runtime: tokio::runtime::Runtime,
    running: Running,
    home: tempfile::TempDir,
}

impl Vendor {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let running = runtime
            .block_on(rolo::sandbox::start("127.0.0.1:0".parse().unwrap(), None))
            .unwrap();
        Vendor {
            runtime,
            running,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// rolo in a 100×32 terminal on a profile and contact.
    fn rolo(&self, args: &[&str]) -> Tty {
        let url = self.running.url();
        let config = self.home.path().join("config");
        let home = self.home.path().to_str().unwrap().to_string();
        Tty::spawn(
            args,
            &[
                ("ROLO_SANDBOX_URL", &url),
                ("ROLO_CONFIG_DIR", config.to_str().unwrap()),
                ("HOME", &home),
                ("NO_COLOR", "1"),
            ],
            32,
            100,
        )
    }

    fn stored(&self, path: &str, auth: (&str, &str)) -> (Json, String) {
        self.runtime.block_on(async {
            let r = reqwest::Client::new()
                .get(format!("{}{path}", self.running.url()))
                .header(auth.0, auth.1)
                .send()
                .await
                .unwrap();
            let etag = r.headers()["etag"].to_str().unwrap().to_string();
            (r.json().await.unwrap(), etag)
        })
    }
}

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";
const CLEMTA_KEY: (&str, &str) = ("X-API-Key", "sandbox-clemta-key");

fn down(tty: &mut Tty, n: usize) {
    tty.type_keys(&vec![DOWN; n]);
}

/// Selects the field whose label starts a row, moving down from the top.
fn select(tty: &mut Tty, label: &str) {
    for _ in 0..60 {
        let screen = tty.screen();
        if screen
            .lines()
            .any(|l| l.trim_start_matches('│').starts_with('▶') && l.contains(label))
        {
            return;
        }
        down(tty, 1);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("could not select {label}:\n{}", tty.screen());
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
    // Reload shows what the vendor stored.
    tty.keys("R");
    tty.wait_for("Loaded 64b8f1a2e4b0c8d9f0123456");
    assert!(tty.screen().contains("5550001111"), "{}", tty.screen());
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
    tty.wait_for("Quit anyway and lose them?");
    tty.keys("n");
    tty.wait_until("the question closed", |s| !s.contains("Quit anyway"));
    assert!(
        tty.child.try_wait().unwrap().is_none(),
        "still running after n"
    );
    tty.keys("q");
    tty.wait_for("Quit anyway and lose them?");
    tty.keys("y");
    assert_eq!(tty.exit_code(), Some(0));
    assert!(!tty.alternate_screen(), "the terminal is restored");
}

#[test]
fn the_demo_shows_the_seed_contact_with_no_configuration() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    let mut tty = Tty::spawn(
        &["demo"],
        &[
            ("ROLO_CONFIG_DIR", config.to_str().unwrap()),
            ("HOME", home.path().to_str().unwrap()),
        ],
        24,
        80,
    );
    tty.wait_for("John Doe");
    tty.wait_for("sandbox-clemta");
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
}
