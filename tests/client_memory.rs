//! Memory: an answer of many small keys (`{"data":{"k0":0,"k1":0,…}}`) costs a few times its
//! size on every CLI path (`get`, `get -v`, `get --json`, `patch`), not gigabytes of parsed
//! values. Peak RSS of the real binary, from `/usr/bin/time -v`, against a loopback server.
//! ROLO_TEST_BODY_MB sets the body's size (BENCHMARKS.md uses 60).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::home::Home;

const CONTACT: &str = "64b8f1a2e4b0c8d9f0123456";
/// What the binary costs before any body (the runtime, the HTTP client, the specs).
const BASE_BYTES: u64 = 40 << 20;

/// A clemta answer of about `mb` MiB: the contact with one field rolo knows and many it does not.
fn huge_answer(mb: usize) -> Arc<Vec<u8>> {
    let mut body = Vec::with_capacity((mb << 20) + 64);
    body.extend_from_slice(br#"{"success":true,"data":{"_id":"64b8f1a2e4b0c8d9f0123456","type":"customer","full_name":"Huge","email":"huge@example.com""#);
    let mut n = 0u64;
    while body.len() < (mb << 20) {
        write!(body, ",\"k{n}\":0").unwrap();
        n += 1;
    }
    body.extend_from_slice(b"}}");
    Arc::new(body)
}

/// Answers every request with `body` until the test ends.
fn serve(body: Arc<Vec<u8>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let body = body.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut request_body = vec![0; length];
                let _ = reader.read_exact(&mut request_body);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

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
    cmd.env("HUGE_KEY", "huge-key-value");
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

#[test]
fn a_huge_answer_of_small_keys_costs_a_few_times_its_size_on_every_path() {
    if !std::path::Path::new("/usr/bin/time").exists() {
        eprintln!("skipped: /usr/bin/time is not installed");
        return;
    }
    let mb: usize = std::env::var("ROLO_TEST_BODY_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let body = huge_answer(mb);
    let size = body.len() as u64;
    let port = serve(body);
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.huge]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"HUGE_KEY\" }}\n"
    ));
    let budget = 4 * size + BASE_BYTES;
    for args in [
        vec!["get", "-p", "huge", CONTACT],
        vec!["get", "-p", "huge", CONTACT, "-v"],
        vec!["get", "-p", "huge", CONTACT, "--json"],
        vec!["patch", "-p", "huge", CONTACT, "--set", "full_name=Small"],
    ] {
        let (code, peak) = peak_rss(&home, &args);
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
    // Past the display cap, -v shows the body capped and names the file holding all of it.
    let out = home.run(
        &["get", "-p", "huge", CONTACT, "-v"],
        &[("HUGE_KEY", "huge-key-value")],
    );
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
