//! Drafts, history and secrets under stress: two rolo processes on one contact, damaged history
//! lines, secret commands that hang, flood or carry the secret in their arguments, and
//! credentials in a base URL. No secret marker may appear in any output.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::pty::Vendor;
use rolo::client::secret::{CommandLine, DEFAULT_SECRET_TIMEOUT, SecretSource};
use rolo::config::Config;
use rolo::spec::Catalog;
use rolo::store::{DraftError, DraftStore, History, HistoryEntry};

const CRO_REF: &str = "1001/5001";
const CLEMTA_REF: &str = "64b8f1a2e4b0c8d9f0123456";
/// The folder the re-executed test binary claims a contact in (see `helper_claims_and_sleeps`).
const CLAIM_DIR: &str = "ROLO_TEST_CLAIM_DIR";

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Not a test on its own: `two_processes_never_edit_one_contact` runs this test binary again
/// with only this test and `CLAIM_DIR` set, as the first rolo, which claims the contact, saves
/// an edit, says so, and waits to be killed.
#[test]
fn helper_claims_and_sleeps() {
    let Some(dir) = std::env::var_os(CLAIM_DIR) else {
        return;
    };
    let store = DraftStore::new(dir);
    let _lock = store.claim("sandbox-cro", CRO_REF).unwrap();
    let mut form = common::form("cro", CRO_REF);
    common::set(&mut form, "name", "Edited by the first rolo");
    store.save("sandbox-cro", CRO_REF, &form).unwrap();
    // After the harness's "test NAME ... " on the same line.
    println!("ROLO-CLAIMED");
    // Killed long before this ends; the bound only keeps a lost child from living forever.
    std::thread::sleep(Duration::from_secs(300));
}

/// The first process, killed however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn two_processes_never_edit_one_contact() {
    let home = tempfile::tempdir().unwrap();
    let drafts = home.path().join("drafts");
    let mut first = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "helper_claims_and_sleeps", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(CLAIM_DIR, &drafts)
            .env("HOME", home.path())
            .env("ROLO_DATA_DIR", home.path().join("data"))
            .env("ROLO_CONFIG_DIR", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("xdg-data"))
            .env("XDG_CONFIG_HOME", home.path().join("xdg-config"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let out = BufReader::new(first.0.stdout.take().unwrap());
    assert!(
        out.lines()
            .map_while(Result::ok)
            .any(|l| l.ends_with("ROLO-CLAIMED")),
        "the first process never claimed the contact"
    );

    // The second rolo is refused, told who holds the contact, and the first one's edit stays.
    let store = DraftStore::new(&drafts);
    let err = store.claim("sandbox-cro", CRO_REF).unwrap_err();
    assert!(
        matches!(err, DraftError::Busy { pid: Some(pid), .. } if pid == first.0.id()),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&format!("open in another rolo (pid {})", first.0.id())),
        "{err}"
    );
    let draft = || store.read("sandbox-cro", CRO_REF).unwrap().unwrap();
    assert_eq!(
        draft().fields[0].value.as_deref(),
        Some("Edited by the first rolo")
    );

    // kill -9: the OS drops the lock with the process; its draft is still there to restore.
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let lock = store.claim("sandbox-cro", CRO_REF).unwrap();
    assert_eq!(
        std::fs::read_to_string(lock.path()).unwrap().trim(),
        std::process::id().to_string()
    );
    assert_eq!(
        draft().fields[0].value.as_deref(),
        Some("Edited by the first rolo")
    );
}

#[test]
fn rolo_history_warns_about_damaged_lines_and_prints_the_rest() {
    let vendor = Vendor::start();
    let path = vendor.data_dir().join("history.jsonl");
    let history = History::new(&path);
    let entry = |reference: &str| HistoryEntry::new("sandbox-cro", "cro", reference, 200, &[]);
    history.append(&entry("1001/5001")).unwrap();
    // A line that is not UTF-8, then one cut short by a full disk (no newline after it).
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"\xff\xfe{\"time\"\n{\"time\":\"2026-");
    std::fs::write(&path, &bytes).unwrap();
    history.append(&entry("1001/5002")).unwrap();

    let out = vendor.command(&["history"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let shown: Vec<&str> = stdout.lines().collect();
    assert_eq!(shown.len(), 2, "{stdout}");
    assert!(shown[0].contains("1001/5001") && shown[1].contains("1001/5002"));
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings[0].starts_with("warning: ")
            && warnings[0]
                .ends_with("history.jsonl line 2 cannot be read (not UTF-8); it is skipped"),
        "{stderr}"
    );
    assert!(
        warnings[1].ends_with("history.jsonl line 3 cannot be read (cut short); it is skipped"),
        "{stderr}"
    );
}

#[test]
fn rolo_profiles_shows_a_secret_command_by_its_program_only() {
    let vendor = Vendor::start();
    vendor.write_config(
        "[profiles.cmd]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:9/clemta\"\n\
         secret = { command = \"echo MARK-ARG-41\" }\nsecret_timeout = \"30s\"\n\n\
         [profiles.env]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:9/clemta\"\n\
         secret = { command = \"MARK_KEY=MARK-ARG-42 /usr/local/bin/fetch-token\" }\n",
    );
    let out = vendor.command(&["profiles"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("cmd ") && l.contains(" command echo … ")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("env ") && l.contains(" command fetch-token ")),
        "{stdout}"
    );
    assert!(
        !format!("{stdout}{stderr}").contains("MARK"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_base_url_with_credentials_is_refused_and_never_printed() {
    let vendor = Vendor::start();
    for (url, shown) in [
        (
            "http://user:MARK-PASS@127.0.0.1:9/clemta",
            "http://127.0.0.1:9/clemta",
        ),
        ("https://MARK-USER@api.clemta.com", "https://api.clemta.com"),
        ("http://user:MARK-PASS@", "http://"),
        ("ftp://MARK-USER:x@host/x", "ftp://host/x"),
    ] {
        vendor.write_config(&format!(
            "[profiles.acme]\nvendor = \"clemta\"\nbase_url = \"{url}\"\nsecret = {{ env = \"K\" }}\n"
        ));
        for args in [&["profiles"][..], &["get", "-p", "acme", CLEMTA_REF]] {
            let out = vendor.command(args);
            let (stdout, stderr) = text(&out);
            // `rolo profiles` lists the broken profile with its error; using it is exit 2.
            let listing = args[0] == "profiles";
            let said = if listing { &stdout } else { &stderr };
            assert_eq!(
                out.status.code(),
                Some(if listing { 0 } else { 2 }),
                "{url}: {stderr}"
            );
            assert!(
                said.contains(&format!(
                    "config.toml:3: profile \"acme\": base_url \"{shown}\" carries credentials"
                )) && said.contains("put the credential in secret ="),
                "{url}: {said}"
            );
            assert!(
                !format!("{stdout}{stderr}").contains("MARK"),
                "{stdout}{stderr}"
            );
        }
    }
}

#[test]
fn secret_timeout_is_read_per_profile_and_checked() {
    let catalog = Catalog::built_in();
    let parse = |extra: &str, secret: &str| {
        Config::parse(
            Path::new("config.toml"),
            &format!(
                "[profiles.p]\nvendor = \"clemta\"\nbase_url = \"http://h\"\nsecret = {secret}\n{extra}"
            ),
            &catalog,
        )
    };
    for (written, timeout) in [
        ("", DEFAULT_SECRET_TIMEOUT),
        ("secret_timeout = \"30s\"", Duration::from_secs(30)),
        ("secret_timeout = \"500ms\"", Duration::from_millis(500)),
        ("secret_timeout = \"2m\"", Duration::from_secs(120)),
        ("secret_timeout = 45", Duration::from_secs(45)),
    ] {
        let config = parse(written, "{ command = \"pass show x\" }").unwrap();
        assert_eq!(
            config.profile("p").unwrap().secret,
            SecretSource::Command {
                command: CommandLine::new("pass show x"),
                timeout
            },
            "{written}"
        );
    }
    // A broken profile is kept aside with its error (the others still load).
    let broken = |extra: &str, secret: &str| {
        let config = parse(extra, secret).unwrap_or_else(|e| panic!("{e}"));
        assert!(config.profile("p").is_none());
        config
            .broken_profile("p")
            .cloned()
            .unwrap_or_else(|| panic!("profile p should be broken: {extra}"))
    };
    for bad in ["\"soon\"", "0", "\"-3s\"", "\"2h\"", "\"5 days\""] {
        let err = broken(&format!("secret_timeout = {bad}"), "{ keyring = \"x\" }");
        assert_eq!(err.line, Some(5), "{bad}: {err}");
        assert!(err.message.contains("such as \"30s\""), "{bad}: {err}");
    }
    let err = broken("secret_timeout = \"5s\"", "{ env = \"K\" }");
    assert!(
        err.to_string().contains(
            "secret_timeout applies only to a { command = \"…\" } or { keyring = \"…\" } secret"
        ),
        "{err}"
    );
}

/// Gone, or dead and waiting for init to reap it.
fn dead(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| matches!(rest.trim_start().chars().next(), Some('Z' | 'X')))
    })
}

#[cfg(target_os = "linux")]
#[test]
fn a_secret_command_that_hangs_floods_or_fails_is_stopped_and_named_by_program() {
    let vendor = Vendor::start();
    let url = vendor.running.url();
    let pid_file = vendor.home.path().join("sleep.pid");
    vendor.write_config(&format!(
        "[profiles.slowpoke]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\n\
         secret = {{ command = \"sleep 1000 & echo $! > {pids}; wait\" }}\nsecret_timeout = \"1s\"\n\n\
         [profiles.chatty]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\n\
         secret = {{ command = \"yes MARK-FLOOD-7\" }}\n\n\
         [profiles.broken]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\n\
         secret = {{ command = \"cat /nonexistent/MARK-ARG-8\" }}\n",
        pids = pid_file.display()
    ));
    let expected = [
        (
            "slowpoke",
            "profile \"slowpoke\": the secret command `sleep` did not finish within 1s, so it was stopped",
        ),
        (
            "chatty",
            "profile \"chatty\": the secret command `yes` printed more than 64 KiB, so it was stopped",
        ),
        (
            "broken",
            "profile \"broken\": the secret command `cat` failed: exit status: 1 cat: ***: No such file",
        ),
    ];
    for (profile, message) in expected {
        let out = vendor.command(&["get", "-p", profile, CLEMTA_REF]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{profile}: {stderr}");
        assert!(stderr.contains(message), "{profile}: {stderr}");
        assert!(
            !format!("{stdout}{stderr}").contains("MARK"),
            "{stdout}{stderr}"
        );
    }
    // rolo stopped the whole command: the sleep it started in the background is gone too.
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !dead(pid) {
        assert!(
            Instant::now() < deadline,
            "the secret command's sleep {pid} was left running"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
