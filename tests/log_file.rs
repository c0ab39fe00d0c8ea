//! The log file: in the state folder, private, at the level ROLO_LOG asks, never the terminal.

mod common;

use common::home::Home;

fn log_text(home: &Home) -> String {
    std::fs::read_to_string(home.path().join("state").join("rolo.log")).unwrap_or_default()
}

#[test]
fn warnings_go_to_a_private_log_file_not_the_terminal() {
    let home = Home::new();
    let vendors = home.config_dir().join("vendors");
    std::fs::create_dir_all(&vendors).unwrap();
    std::fs::write(vendors.join("clemta.toml"), rolo::spec::BUILT_IN[0].1).unwrap();
    let out = home.run(&["vendors"], &[]);
    assert!(out.status.success(), "{out:?}");
    let log = log_text(&home);
    assert!(
        log.contains("WARN") && log.contains("replaces the one from built-in clemta.toml"),
        "{log}"
    );
    // Said once on stderr as a note, not as a log line.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("WARN"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(home.path().join("state")), 0o700);
        assert_eq!(mode(home.path().join("state").join("rolo.log")), 0o600);
    }
}

#[test]
fn rolo_log_sets_the_level_and_a_bad_filter_is_said_once() {
    let home = Home::new();
    let vendors = home.config_dir().join("vendors");
    std::fs::create_dir_all(&vendors).unwrap();
    std::fs::write(vendors.join("clemta.toml"), rolo::spec::BUILT_IN[0].1).unwrap();
    let quiet = home.run(&["vendors"], &[("ROLO_LOG", "error")]);
    assert!(quiet.status.success());
    assert!(!log_text(&home).contains("replaces"), "{}", log_text(&home));

    let bad = home.run(&["vendors"], &[("ROLO_LOG", "rolo=[")]);
    assert!(bad.status.success(), "a bad filter does not stop rolo");
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("running without a log file") && stderr.contains("ROLO_LOG"),
        "{stderr}"
    );
}

#[test]
fn the_first_read_is_logged_however_fast_it_fails() {
    // The first contact is read on the worker while the editor starts the log: a read that fails
    // at once (nothing listens) must still find the log started. Five runs: without the wait,
    // about half of them lost the line.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    for run in 0..5 {
        let home = Home::new();
        home.write_config(&format!(
            "[profiles.refused]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:{port}\"\n\
             secret = {{ env = \"REFUSED_KEY\" }}\n"
        ));
        let args = ["-p", "refused", "64b8f1a2e4b0c8d9f0123456"];
        let mut tty = home.pty(&args, &[("REFUSED_KEY", "k")], 24, 100);
        tty.wait_for("Could not read");
        tty.keys("q");
        assert_eq!(tty.exit_code(), Some(0), "run {run}");
        let log = log_text(&home);
        assert!(log.contains("no answer"), "run {run}: {log}");
    }
}
