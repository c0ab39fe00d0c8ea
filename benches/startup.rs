//! Start-up: from exec until the seed contact's name is on screen, `rolo demo` against the
//! minimal ratatui program (examples/minimal_draw.rs), 20 runs each, alternating, in a
//! pseudo-terminal; peak RSS of each. Then idle: bytes drawn and CPU used by `rolo demo` over
//! 10 s with nothing happening.

use std::io::Read;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

mod programs;

/// A program running in a pty: the child, how long until the text showed, a count of the bytes
/// it wrote afterwards, and the pty (kept open while the child runs).
type Started = (
    Box<dyn portable_pty::Child + Send + Sync>,
    Duration,
    Arc<Mutex<u64>>,
    Box<dyn portable_pty::MasterPty + Send>,
);

struct Run {
    on_screen: Duration,
    peak_rss_kib: u64,
}

fn status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// utime + stime in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields
        .get(11)
        .and_then(|u| u.parse::<u64>().ok())
        .unwrap_or(0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
}

/// Starts `program` in a pty and waits for `text` on its screen. Returns the child, how long
/// it took, the pid, and a byte counter of everything it writes afterwards.
fn start(program: &PathBuf, args: &[&str], env: &[(&str, String)], text: &'static str) -> Started {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(program);
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    // The developer's own ROLO_* settings do not leak into the measured runs.
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("ROLO_")) {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut reader = pair.master.try_clone_reader().unwrap();
    let (tx, rx) = mpsc::channel();
    let bytes = Arc::new(Mutex::new(0u64));
    let counter = bytes.clone();
    let started = Instant::now();
    let child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    std::thread::spawn(move || {
        let mut parser = vt100::Parser::new(30, 100, 0);
        let mut buf = [0u8; 65536];
        let mut seen = false;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            if seen {
                *counter.lock().unwrap() += n as u64;
                continue;
            }
            parser.process(&buf[..n]);
            if parser.screen().contents().contains(text) {
                seen = true;
                let _ = tx.send(Instant::now());
            }
        }
    });
    let at = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the text appears");
    (child, at - started, bytes, pair.master)
}

fn summary(name: &str, runs: &[Run]) -> (f64, String) {
    let mut ms: Vec<f64> = runs
        .iter()
        .map(|r| r.on_screen.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut rss: Vec<u64> = runs.iter().map(|r| r.peak_rss_kib).collect();
    rss.sort();
    let median = (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) / 2.0;
    (
        median,
        format!(
            "{name:<14} median {median:6.2} ms  p25 {:6.2}  p75 {:6.2}  min {:6.2}  max {:6.2}   peak RSS median {} KiB",
            ms[ms.len() / 4],
            ms[ms.len() * 3 / 4],
            ms[0],
            ms[ms.len() - 1],
            rss[rss.len() / 2]
        ),
    )
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    let programs::Programs {
        rolo,
        minimal,
        home,
        env,
    } = programs::programs("startup");

    let (mut rolo_runs, mut minimal_runs) = (Vec::new(), Vec::new());
    for i in 0..42 {
        let is_rolo = i % 2 == 0;
        let (program, args) = if is_rolo {
            (&rolo, vec!["demo"])
        } else {
            (&minimal, vec![])
        };
        let (mut child, took, _, _master) = start(program, &args, &env, "John Doe");
        let pid = child.process_id().unwrap_or(0);
        let peak = status_kib(pid, "VmHWM:");
        let _ = child.kill();
        let _ = child.wait();
        // The first pair warms the page cache.
        if i >= 2 {
            let run = Run {
                on_screen: took,
                peak_rss_kib: peak,
            };
            if is_rolo {
                rolo_runs.push(run)
            } else {
                minimal_runs.push(run)
            }
        }
    }
    let (r, rolo_line) = summary("rolo demo", &rolo_runs);
    let (m, minimal_line) = summary("minimal_draw", &minimal_runs);
    println!("start-up, exec → \"John Doe\" on screen, 20 runs each, alternating, 100x30 pty:");
    println!("  {rolo_line}");
    println!("  {minimal_line}");
    println!("  ratio rolo/minimal: {:.2}x", r / m);

    // Idle: nothing happens for 10 s.
    let (mut child, _, bytes, _master) = start(&rolo, &["demo"], &env, "John Doe");
    let pid = child.process_id().unwrap_or(0);
    std::thread::sleep(Duration::from_millis(500));
    let (b0, c0) = (*bytes.lock().unwrap(), cpu_ticks(pid));
    std::thread::sleep(Duration::from_secs(10));
    let (b1, c1) = (*bytes.lock().unwrap(), cpu_ticks(pid));
    let settled_peak = status_kib(pid, "VmHWM:");
    let settled_rss = status_kib(pid, "VmRSS:");
    let _ = child.kill();
    let _ = child.wait();
    let tick_ms = 1000.0 / 100.0; // USER_HZ is 100 on Linux
    println!(
        "idle over 10 s: {} bytes written to the terminal, {:.0} ms of CPU ({} ticks)",
        b1 - b0,
        (c1 - c0) as f64 * tick_ms,
        c1 - c0
    );
    println!("rolo demo after 10.5 s: RSS {settled_rss} KiB, peak RSS {settled_peak} KiB");

    // A profile against a vendor in another process: `rolo sandbox` on loopback.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let mut sandbox = std::process::Command::new(&rolo)
        .args(["sandbox", "--listen", &format!("127.0.0.1:{port}")])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "rolo sandbox listens");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut with_url = env.clone();
    with_url.push(("ROLO_SANDBOX_URL", format!("http://127.0.0.1:{port}")));
    let (mut child, took, _, _master) = start(
        &rolo,
        &["-p", "sandbox-clemta", "64b8f1a2e4b0c8d9f0123456"],
        &with_url,
        "John Doe",
    );
    let pid = child.process_id().unwrap_or(0);
    std::thread::sleep(Duration::from_millis(10_500));
    let (rss, peak) = (status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"));
    let _ = child.kill();
    let _ = child.wait();
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    println!(
        "rolo -p sandbox-clemta (rolo sandbox in another process): on screen in {:.2} ms; after 10.5 s: RSS {rss} KiB, peak RSS {peak} KiB",
        took.as_secs_f64() * 1000.0
    );
    let _ = std::fs::remove_dir_all(home);
}
