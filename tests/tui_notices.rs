//! What the editor says about the vendor specs before editing: a user spec it skipped, or one
//! that replaces a built-in vendor, is on screen (and in the log), never silent.

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
