//! A huge answer of many small keys, served on loopback, and the memory budget the memory
//! tests hold rolo to (tests/client_memory.rs, tests/tui_memory.rs). ROLO_TEST_BODY_MB sets the
//! body's size (BENCHMARKS.md uses 60).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

pub const CONTACT: &str = "64b8f1a2e4b0c8d9f0123456";
/// What the binary costs before any body (the runtime, the HTTP client, the specs).
pub const BASE_BYTES: u64 = 40 << 20;

/// The body's size in MiB: ROLO_TEST_BODY_MB, else 16 (past the 8 MiB display cap, small
/// enough for CI).
pub fn body_mb() -> usize {
    std::env::var("ROLO_TEST_BODY_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

/// What a process may peak at with a body of `size` bytes: 4× the body and the base.
pub fn budget(size: u64) -> u64 {
    4 * size + BASE_BYTES
}

/// A clemta answer of about `mb` MiB: the contact with one field rolo knows and many it does not.
pub fn huge_answer(mb: usize) -> Arc<Vec<u8>> {
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
pub fn serve(body: Arc<Vec<u8>>) -> u16 {
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

/// The `[profiles.huge]` config for a clemta profile on `port` (key in HUGE_KEY).
pub fn config(port: u16) -> String {
    format!(
        "[profiles.huge]\nvendor = \"clemta\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"HUGE_KEY\" }}\n"
    )
}

pub const KEY: (&str, &str) = ("HUGE_KEY", "huge-key-value");
