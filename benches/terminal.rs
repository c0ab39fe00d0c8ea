//! Measured from outside, in a pseudo-terminal, against examples/minimal_draw in the same run:
//! a key (↓/↑ in the form) → the first byte of the frame that answers it, `rolo demo` vs
//! `minimal_draw`, one key to each in turn. Each key is sent only once the program has been
//! quiet for 30 ms, so frames never overlap. (The frames a 10 KB paste costs are counted by a
//! test: tests/tui_terminal_safety.rs.)

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

mod programs;

const ROWS: u16 = 45;
const COLS: u16 = 140;
const DOWN: &[u8] = b"\x1b[B";
const UP: &[u8] = b"\x1b[A";

/// A program in a pty; every chunk it writes arrives on `chunks` with the time it was read.
struct Program {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    chunks: mpsc::Receiver<(Instant, Vec<u8>)>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Program {
    fn start(program: &PathBuf, args: &[&str], env: &[(&str, String)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("ROLO_")) {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let (tx, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        Program {
            child,
            writer,
            chunks,
            _master: pair.master,
        }
    }

    /// Waits until `text` is on the emulated screen, then until the program is quiet.
    fn wait_for(&mut self, text: &str) {
        let mut parser = vt100::Parser::new(ROWS, COLS, 0);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !parser.screen().contents().contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            let (_, bytes) = self.chunks.recv_timeout(left).expect("the text appears");
            parser.process(&bytes);
        }
        self.quiet(Duration::from_millis(500));
    }

    /// Reads until nothing has come for `gap`; what came.
    fn quiet(&mut self, gap: Duration) -> Vec<u8> {
        let mut all = Vec::new();
        while let Ok((_, bytes)) = self.chunks.recv_timeout(gap) {
            all.extend_from_slice(&bytes);
        }
        all
    }

    fn send(&mut self, bytes: &[u8]) -> Instant {
        let at = Instant::now();
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        at
    }

    /// Sends a key and returns how long until the first byte that answered it.
    fn key(&mut self, key: &[u8]) -> Duration {
        let sent = self.send(key);
        let (at, _) = self
            .chunks
            .recv_timeout(Duration::from_secs(5))
            .expect("a frame answers the key");
        self.quiet(Duration::from_millis(30));
        at - sent
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn line(name: &str, times: &mut [Duration]) -> f64 {
    times.sort();
    let at = |p: f64| micros(times[((times.len() as f64 * p) as usize).min(times.len() - 1)]);
    println!(
        "  {name:<14} median {:7.1} µs  p25 {:7.1}  p75 {:7.1}  p99 {:7.1}  max {:7.1}  ({} keys)",
        at(0.5),
        at(0.25),
        at(0.75),
        at(0.99),
        micros(times[times.len() - 1]),
        times.len()
    );
    at(0.5)
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
    } = programs::programs("terminal");

    let mut demo = Program::start(&rolo, &["demo"], &env);
    demo.wait_for("John Doe");
    let mut yardstick = Program::start(&minimal, &[], &env);
    yardstick.wait_for("John Doe");
    let (mut rolo_times, mut minimal_times) = (Vec::new(), Vec::new());
    for batch in 0..12 {
        for n in 0..50 {
            let key = if n % 2 == 0 { DOWN } else { UP };
            let took_rolo = demo.key(key);
            let took_minimal = yardstick.key(key);
            // The first batch warms both up.
            if batch > 0 {
                rolo_times.push(took_rolo);
                minimal_times.push(took_minimal);
            }
        }
    }
    println!("key (↓/↑) → first byte of its frame, {COLS}x{ROWS} pty, alternating batches:");
    let r = line("rolo demo", &mut rolo_times);
    let m = line("minimal_draw", &mut minimal_times);
    println!("  ratio of medians rolo/minimal: {:.2}x", r / m);
    drop(yardstick);
    drop(demo);
    let _ = std::fs::remove_dir_all(home);
}
