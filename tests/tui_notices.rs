//! What the editor says before editing: a user spec it skipped, or one that replaces a built-in
//! vendor, is on screen (and in the log), never silent; a profile or contact that cannot open
//! stops it before it takes the terminal, with the reason.

mod common;

use common::home::Home;

#[test]
fn a_skipped_or_replacing_user_spec_is_said_on_screen() {
    let home = Home::new();
    let vendors = home.config_dir().join("vendors");
    std::fs::create_dir_all(&vendors).unwrap();
    std::fs::write(vendors.join("broken.toml"), "id = \"broken\"\nname = 3\n").unwrap();
    let mut tty = home.pty(&["demo"], &[], 24, 140);
    tty.wait_for("John Doe");
    tty.wait_for("1 vendor spec(s) skipped");
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
    let log = std::fs::read_to_string(home.path().join("state").join("rolo.log")).unwrap();
    assert!(
        log.contains("vendor spec skipped") && log.contains("broken.toml"),
        "{log}"
    );

    std::fs::remove_file(vendors.join("broken.toml")).unwrap();
    std::fs::write(vendors.join("clemta.toml"), rolo::spec::BUILT_IN[0].1).unwrap();
    let mut tty = home.pty(&["demo"], &[], 24, 140);
    tty.wait_for("John Doe");
    tty.wait_for("replaces the one from built-in");
    tty.keys("q");
    assert_eq!(tty.exit_code(), Some(0));
}

#[test]
fn a_profile_or_contact_that_cannot_open_stops_rolo_before_the_screen() {
    let home = Home::new();
    home.write_config(
        "[profiles.unset]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:9\"\n\
         secret = { env = \"ROLO_TEST_UNSET_KEY\" }\n",
    );
    // The contact is read on the worker while the editor sets up: what stops it must still be
    // said before the screen (no alternate screen written), as when it opened on the UI thread.
    for (args, said) in [
        (
            ["-p", "sandbox-clemta", "a/b"],
            "\"a/b\" is not a clemta contact reference",
        ),
        (
            ["-p", "unset", "64b8f1a2e4b0c8d9f0123456"],
            "ROLO_TEST_UNSET_KEY is not set",
        ),
    ] {
        let out = home.run(&args, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: the screen was taken");
    }
}
