//! The test harness keeps rolo away from the developer's files: with the parent's HOME, XDG_*
//! and ROLO_* variables all pointing at a "real" home, the rolo processes a test starts (plain
//! and in a pty) read their config from the test's temp dir and write nothing anywhere else.
//!
//! Its own test binary, with one test, because it changes the process environment.

mod common;

use std::path::{Path, PathBuf};

use common::pty::{ENTER, Vendor};

const CLEMTA: &str = "64b8f1a2e4b0c8d9f0123456";

/// Every file under `dir`, with its contents.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn rolo_run_by_the_harness_reads_and_writes_only_its_temp_dir() {
    let real = tempfile::tempdir().unwrap();
    let poisoned = |name: &str| real.path().join(name);
    // A config that would show if read: from ROLO_CONFIG_DIR and from the XDG config folder.
    let config = "[profiles.poisoned]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:9\"\nsecret = \"x\"\n";
    for dir in [poisoned("rolo-config"), poisoned("xdg-config/rolo")] {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), config).unwrap();
    }
    let vendor = Vendor::start();
    let variables = [
        ("HOME", poisoned("")),
        ("XDG_CONFIG_HOME", poisoned("xdg-config")),
        ("XDG_DATA_HOME", poisoned("xdg-data")),
        ("XDG_STATE_HOME", poisoned("xdg-state")),
        ("XDG_CACHE_HOME", poisoned("xdg-cache")),
        ("XDG_RUNTIME_DIR", poisoned("xdg-runtime")),
        ("ROLO_CONFIG_DIR", poisoned("rolo-config")),
        ("ROLO_DATA_DIR", poisoned("rolo-data")),
        (
            "ROLO_SANDBOX_URL",
            PathBuf::from("http://poisoned.invalid:1"),
        ),
        ("ROLO_SOMETHING_NEW", poisoned("rolo-new")),
    ];
    for (name, value) in &variables {
        // SAFETY: this test binary runs this one test, and the sandbox's threads read no
        // environment variables.
        unsafe { std::env::set_var(name, value) };
    }
    let before = snapshot(real.path());
    vendor.write_config(
        "[profiles.mine]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:9\"\nsecret = \"x\"\n",
    );

    // The config read is the temp dir's.
    let out = vendor.run(&["profiles"], &[]);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{listed}");
    assert!(listed.contains("mine"), "{listed}");
    assert!(!listed.contains("poisoned"), "{listed}");
    // A ROLO_* variable of the developer's does not reach a process that sets no other.
    let out = common::home::Home::new().run(&["profiles"], &[]);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(listed.contains("sandbox-clemta"), "{listed}");
    assert!(!listed.contains("poisoned"), "{listed}");
    // The built-in profiles point at the test's sandbox: an update goes through and is
    // written to the history.
    let out = vendor.run(
        &[
            "patch",
            "-p",
            "sandbox-clemta",
            CLEMTA,
            "--set",
            "full_name=John Doe II",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And the editor in a pty, leaving a draft behind when killed.
    let mut tty = vendor.rolo(&["-p", "sandbox-clemta", CLEMTA]);
    tty.wait_for("John Doe II");
    tty.select("Full name");
    tty.keys(ENTER);
    tty.wait_for("Edit Full name");
    tty.keys(" III");
    tty.keys(ENTER);
    tty.wait_for("1 unsaved");
    tty.kill_9();

    let written: Vec<PathBuf> = vendor.files().into_iter().map(|(p, _)| p).collect();
    let inside = |dir: PathBuf| written.iter().any(|p| p.starts_with(&dir));
    assert!(
        inside(vendor.data_dir().join("drafts")),
        "a draft in the temp dir's data folder: {written:?}"
    );
    assert!(
        written.contains(&vendor.data_dir().join("history.jsonl")),
        "the history in the temp dir's data folder: {written:?}"
    );
    assert!(written.iter().all(|p| p.starts_with(vendor.home.path())));
    assert_eq!(
        snapshot(real.path()),
        before,
        "rolo wrote to the developer's folders"
    );
}
