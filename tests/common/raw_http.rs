//! A raw HTTP/1.1 server on loopback for hostile-vendor tests: each connection gets one answer
//! that the test builds byte for byte, including headers a well-behaved server would not send
//! (C1 controls, direction overrides).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request line, e.g. `GET /contacts/1 HTTP/1.1`.
    pub line: String,
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// The answer to write: the status line's text (`200 OK`), headers, body.
pub struct Answer {
    pub status: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Serves `answer` to every request until the test process ends; returns the port.
pub fn serve(answer: impl Fn(&Request) -> Answer + Send + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(request) = read_request(&stream) else {
                continue;
            };
            let answer = answer(&request);
            let mut head = format!(
                "HTTP/1.1 {}\r\ncontent-length: {}\r\nconnection: close\r\n",
                answer.status,
                answer.body.len()
            );
            for (name, value) in &answer.headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&answer.body);
        }
    });
    port
}

fn read_request(stream: &std::net::TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut words = line.split_whitespace();
    Some(Request {
        method: words.next().unwrap_or("").to_string(),
        path: words.next().unwrap_or("").to_string(),
        line,
        body,
    })
}
