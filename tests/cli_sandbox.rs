//! `rolo sandbox` as a real process: it prints where it listens, serves, and with `--state`
//! keeps an update even when killed with SIGKILL right after answering it.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::home::Home;

/// Starts `rolo sandbox` on a free port and returns it with its base URL.
fn spawn(home: &Home, args: &[&str]) -> (Child, String) {
    let mut child = home
        .command(&["sandbox", "--listen", "127.0.0.1:0"], &[])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rolo starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let _ = tx.send(first);
        for _ in lines {}
    });
    let first = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("rolo sandbox says where it listens");
    let url = first.rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    (child, url)
}

#[test]
fn sandbox_process_keeps_state_across_a_kill() {
    let home = Home::new();
    let state = home.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    let path = "/exsited/api/v3/accounts/ACC-1001/contacts/CONTACT_2";
    let auth = ("Authorization", "Bearer sandbox-exsited-token");

    let (mut first, url) = spawn(&home, &["--state", state_arg]);
    let status = runtime.block_on(async {
        client
            .put(format!("{url}{path}"))
            .header(auth.0, auth.1)
            .body(r#"{"account":{"contact":{"city":"Geelong"}}}"#)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    first.kill().unwrap(); // SIGKILL: no chance to tidy up
    first.wait().unwrap();

    let (mut second, url) = spawn(&home, &["--state", state_arg]);
    let body: serde_json::Value = runtime.block_on(async {
        client
            .get(format!("{url}{path}"))
            .header(auth.0, auth.1)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(body["account"]["contacts"]["city"], "Geelong");
    assert_eq!(body["account"]["contacts"]["version"], "4");
}

#[test]
fn a_taken_port_is_a_usage_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Home::new().run(&["sandbox", "--listen", &addr], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("cannot listen on {addr}")));
}

/// `--generated N` serves N generated contacts per vendor (batch benchmarks need one contact
/// per row), and refuses a count it cannot hold.
#[test]
fn generated_contacts_can_be_more_and_a_bad_count_is_refused() {
    let home = Home::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    let (mut sandbox, url) = spawn(&home, &["--generated", "1500"]);
    let status = |id: u32| {
        runtime.block_on(async {
            client
                .get(format!("{url}/cro/customers/1001/contacts/{id}/"))
                .header("Authorization", "Bearer sandbox.cro-token")
                .header("x-tenant-id", "1")
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    // Generated contact i is 1001/(6000 + i).
    let (last, beyond) = (status(7500), status(7501));
    sandbox.kill().unwrap();
    sandbox.wait().unwrap();
    assert_eq!((last.as_u16(), beyond.as_u16()), (200, 404));
    for bad in ["0", "100001"] {
        let out = home.run(
            &["sandbox", "--listen", "127.0.0.1:0", "--generated", bad],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("give 1 to 100000 contacts per vendor"),
            "{err}"
        );
    }
}

/// Kills the sandbox at arbitrary moments while updates stream in: every time, the state file
/// is whole (or absent) and the sandbox starts again from it.
#[test]
fn a_sandbox_killed_mid_write_leaves_a_whole_state_file() {
    let home = Home::new();
    let state = home.path().join("state.json");
    let state_arg = state.to_str().unwrap().to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Round 0 runs long enough to put all 1,000 generated cro contacts in the state file, so
    // that every later save rewrites ~300 KB and a kill lands inside a write often: a
    // non-atomic writer is then caught (checked by planting one).
    for round in 0..24u64 {
        let (mut child, url) = spawn(&home, &["--state", &state_arg]);
        let writers = runtime.spawn(async move {
            let client = reqwest::Client::new();
            let mut tasks = Vec::new();
            for w in 0..4u64 {
                let (client, url) = (client.clone(), url.clone());
                tasks.push(tokio::spawn(async move {
                    for i in 0..10_000u64 {
                        let body =
                            format!(r#"{{"name":"writer {w} update {i} {}"}}"#, "x".repeat(64));
                        let sent = client
                            .patch(format!(
                                "{url}/cro/customers/1001/contacts/{}/",
                                6001 + (i * 4 + w) % 1000
                            ))
                            .header("Authorization", "Bearer sandbox.cro-token")
                            .header("x-tenant-id", "1")
                            .body(body)
                            .send()
                            .await;
                        if sent.is_err() {
                            break; // the sandbox is gone
                        }
                    }
                }));
            }
            for t in tasks {
                let _ = t.await;
            }
        });
        let pause = if round == 0 {
            4000
        } else {
            40 + (round % 12) * 23
        };
        std::thread::sleep(Duration::from_millis(pause));
        child.kill().unwrap();
        child.wait().unwrap();
        runtime.block_on(writers).unwrap();
        if state.exists() {
            let text = std::fs::read_to_string(&state).unwrap();
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&text);
            assert!(
                parsed.is_ok(),
                "round {round}: torn state file ({} bytes)",
                text.len()
            );
        }
    }
    // And it still starts from what is there.
    let (mut child, _) = spawn(&home, &["--state", &state_arg]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(state.exists(), "some update was saved");
}
