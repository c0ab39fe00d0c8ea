//! Memory: an answer of many small keys (`{"data":{"k0":0,"k1":0,…}}`) costs a few times its
//! size on every CLI path (`get`, `get -v`, `get --json`, `patch`), not gigabytes of parsed
//! values. Peak RSS of the real binary, from `/usr/bin/time -v`, against a loopback server.
//! ROLO_TEST_BODY_MB sets the body's size (BENCHMARKS.md uses 60). A full-replace vendor
//! (servicedesk), which sends every member of the contact back, is held to the same budget.

mod common;

use std::process::{Command, Stdio};

use common::home::Home;
use common::huge::{
    BASE_BYTES, CONTACT, SERVICEDESK_CONTACT, budget, huge_answer, huge_servicedesk, serve,
    serve_reads,
};

/// Runs rolo under `/usr/bin/time -v` and returns its exit code and peak RSS in bytes.
fn peak_rss(home: &Home, args: &[&str]) -> (Option<i32>, u64) {
    let report = home.path().join("time.txt");
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_rolo"))
        .args(args);
    let (remove, set) = home.env();
    for name in remove {
        cmd.env_remove(name);
    }
    for (name, value) in set {
        cmd.env(name, value);
    }
    cmd.env(common::huge::KEY.0, common::huge::KEY.1);
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("/usr/bin/time runs rolo");
    let text = std::fs::read_to_string(&report).expect("time wrote its report");
    let kib: u64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in {text}"));
    (status.code(), kib * 1024)
}

/// Runs each command and asserts its peak RSS is within 4× the body + the base.
fn within_budget(home: &Home, size: u64, commands: &[Vec<&str>]) {
    let budget = budget(size);
    for args in commands {
        let (code, peak) = peak_rss(home, args);
        eprintln!(
            "{args:?}: body {} MiB, peak RSS {} MiB ({:.2}x the body)",
            size >> 20,
            peak >> 20,
            peak as f64 / size as f64
        );
        assert_eq!(code, Some(0), "{args:?}");
        assert!(
            peak <= budget,
            "{args:?}: peak RSS {peak} bytes is over 4x the {size}-byte body + {BASE_BYTES}"
        );
    }
}

fn have_time() -> bool {
    let have = std::path::Path::new("/usr/bin/time").exists();
    // CI must measure: there a missing /usr/bin/time is a failure, not a skip.
    assert!(
        have || std::env::var_os("CI").is_none(),
        "/usr/bin/time is needed to read the peak RSS (Debian package `time`)"
    );
    if !have {
        eprintln!("skipped: /usr/bin/time is not installed");
    }
    have
}

#[test]
fn a_huge_answer_of_small_keys_costs_a_few_times_its_size_on_every_path() {
    if !have_time() {
        return;
    }
    let body = huge_answer(common::huge::body_mb());
    let size = body.len() as u64;
    let port = serve(body);
    let home = Home::new();
    home.write_config(&common::huge::config(port));
    within_budget(
        &home,
        size,
        &[
            vec!["get", "-p", "huge", CONTACT],
            vec!["get", "-p", "huge", CONTACT, "-v"],
            vec!["get", "-p", "huge", CONTACT, "--json"],
            vec!["patch", "-p", "huge", CONTACT, "--set", "full_name=Small"],
        ],
    );
    // Past the display cap, -v shows the body capped and names the file holding all of it.
    let out = home.run(&["get", "-p", "huge", CONTACT, "-v"], &[common::huge::KEY]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("more bytes not shown"))
        .unwrap_or_else(|| panic!("no cap note in -v"));
    let path = line
        .split_once("the whole body is in ")
        .map(|(_, p)| std::path::PathBuf::from(p.trim()))
        .unwrap_or_else(|| panic!("no file named: {line}"));
    assert!(path.starts_with(home.data_dir()), "{line}");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size, "{line}");
    assert!(stderr.len() < (size as usize), "-v printed the whole body");
}

/// servicedesk replaces the whole contact: every member rolo does not know is kept (as text)
/// and sent back, and the update's empty answer is followed by a read back.
#[test]
fn a_huge_full_replace_contact_costs_a_few_times_its_size_read_and_sent() {
    if !have_time() {
        return;
    }
    let body = huge_servicedesk(common::huge::body_mb());
    let size = body.len() as u64;
    let port = serve_reads(body);
    let home = Home::new();
    home.write_config(&common::huge::servicedesk_config(port));
    within_budget(
        &home,
        size,
        &[
            vec!["get", "-p", "huge", SERVICEDESK_CONTACT],
            vec!["get", "-p", "huge", SERVICEDESK_CONTACT, "-v"],
            vec!["get", "-p", "huge", SERVICEDESK_CONTACT, "--json"],
            vec![
                "patch",
                "-p",
                "huge",
                SERVICEDESK_CONTACT,
                "--set",
                "firstname=Small",
            ],
            vec![
                "patch",
                "-p",
                "huge",
                SERVICEDESK_CONTACT,
                "--set",
                "firstname=Small",
                "-v",
            ],
        ],
    );
}
