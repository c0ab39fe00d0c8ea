//! Runs the real binary in a pseudo-terminal and reads its screen through vt100.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

use super::home::Home;

pub struct Tty {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote (escape sequences that do not draw, such as OSC 52).
    pub bytes: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    /// `None` once the terminal has hung up.
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    /// Tells the reader to let go of its end of the terminal.
    stop_reading: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";
pub const BACKSPACE: &str = "\x7f";

impl Tty {
    /// Starts `cmd` in a pty of `rows`×`cols`. Tests go through `Home::pty`, which gives the
    /// process its own folders.
    pub fn spawn(cmd: CommandBuilder, rows: u16, cols: u16) -> Self {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("rolo starts in the pty");
        drop(pair.slave);
        // The reader's own copy of the terminal's end, which it closes when told to stop (a
        // blocking read would hold it open for ever, and a terminal never hangs up then).
        let raw = pair.master.as_raw_fd().expect("a unix pty");
        // A copy of the master's descriptor, owned by whoever takes it.
        // SAFETY: the master is open while `spawn` runs.
        let copy = || {
            unsafe { BorrowedFd::borrow_raw(raw) }
                .try_clone_to_owned()
                .unwrap()
        };
        let reader_end = copy();
        // Keys go through a copy of our own too: portable-pty's writer types a newline and
        // Ctrl-D into the terminal when it is dropped, which `hang_up` must not do.
        let writer = Box::new(std::fs::File::from(copy()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let feed = parser.clone();
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let log = bytes.clone();
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = stop_reading.clone();
        let reader = std::thread::spawn(move || {
            let mut file = std::fs::File::from(reader_end);
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::Relaxed) {
                if !readable(&file, 50) {
                    continue;
                }
                match file.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        feed.lock().unwrap().process(&buf[..n]);
                        log.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Tty {
            parser,
            bytes,
            writer,
            child,
            master: Some(pair.master),
            stop_reading,
            reader: Some(reader),
        }
    }

    /// Closes the terminal as a closed window does: every copy of its end is let go, so the
    /// program reads the end of its input (and only a session leader gets SIGHUP).
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader stops");
        }
        self.writer = Box::new(std::io::sink());
        self.master = None;
    }

    /// Resizes the terminal as a window does (the program gets SIGWINCH); the screen read here
    /// takes the new size, blank until the program draws again.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        let mut parser = self.parser.lock().unwrap();
        parser.screen_mut().set_size(rows, cols);
        parser.process(b"\x1b[2J");
        self.master
            .as_ref()
            .expect("a terminal that has not hung up")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("the pty takes the new size");
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Whether any cell on screen has a colour (foreground or background).
    pub fn any_colour(&self) -> bool {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        (0..rows).any(|r| {
            (0..cols).any(|c| {
                screen.cell(r, c).is_some_and(|cell| {
                    cell.fgcolor() != vt100::Color::Default
                        || cell.bgcolor() != vt100::Color::Default
                })
            })
        })
    }

    /// The background colour of a cell.
    pub fn bg(&self, row: u16, col: u16) -> vt100::Color {
        self.parser
            .lock()
            .unwrap()
            .screen()
            .cell(row, col)
            .map(|c| c.bgcolor())
            .unwrap_or(vt100::Color::Default)
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Waits until the screen shows `text` (rendered text, not the byte stream), or fails
    /// with the screen as it is.
    pub fn wait_for(&self, text: &str) {
        self.wait_until(text, |screen| screen.contains(text));
    }

    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// One key at a time, each given a moment, as a person types.
    pub fn type_keys(&mut self, keys: &[&str]) {
        for k in keys {
            self.keys(k);
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    /// The selected form row (the line with `▶` at its start).
    pub fn selected_row(&self) -> String {
        self.screen()
            .lines()
            .find(|l| l.trim_start_matches('│').starts_with('▶'))
            .unwrap_or("")
            .to_string()
    }

    /// Moves down until the selected row contains `label`, waiting for each move to show.
    pub fn select(&mut self, label: &str) {
        for _ in 0..80 {
            let row = self.selected_row();
            if row.contains(label) {
                return;
            }
            self.keys(DOWN);
            self.wait_until("the selection to move", |_| self.selected_row() != row);
        }
        panic!("could not select {label:?}:\n{}", self.screen());
    }

    /// Sends SIGKILL, which no program can catch.
    pub fn kill_9(&mut self) {
        let pid = self.child.process_id().expect("a pid");
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
        let _ = self.child.wait();
    }

    pub fn exit_code(&mut self) -> Option<u32> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.exit_code());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// Whether `file` has something to read within `ms` milliseconds.
fn readable(file: &std::fs::File, ms: i32) -> bool {
    let mut poll = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut poll, 1, ms) > 0 }
}

impl Drop for Tty {
    fn drop(&mut self) {
        // The terminal closes too: a program the child started is not left behind on it.
        self.stop_reading.store(true, Ordering::Relaxed);
        let _ = self.child.kill();
    }
}

/// The test's own sandbox, and a private `Home` for the rolo it runs, whose built-in sandbox
/// profiles point at that sandbox.
pub struct Vendor {
    pub runtime: tokio::runtime::Runtime,
    pub running: rolo::sandbox::Running,
    pub home: Home,
}

impl Vendor {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let running = runtime
            .block_on(rolo::sandbox::start("127.0.0.1:0".parse().unwrap(), None))
            .unwrap();
        Vendor {
            runtime,
            running,
            home: Home::new(),
        }
    }

    pub fn config_dir(&self) -> std::path::PathBuf {
        self.home.config_dir()
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self.home.data_dir()
    }

    pub fn write_config(&self, text: &str) {
        self.home.write_config(text);
    }

    /// What every process gets on top of its `Home`: this sandbox, and no colour (a test that
    /// checks colour sets NO_COLOR to "").
    fn extra<'a>(&'a self, url: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut pairs = vec![("ROLO_SANDBOX_URL", url), ("NO_COLOR", "1")];
        pairs.extend_from_slice(extra);
        pairs
    }

    /// rolo in a 100×32 terminal.
    pub fn rolo(&self, args: &[&str]) -> Tty {
        self.rolo_with(args, &[])
    }

    pub fn rolo_with(&self, args: &[&str], extra: &[(&str, &str)]) -> Tty {
        self.rolo_sized(args, extra, 32, 100)
    }

    pub fn rolo_sized(&self, args: &[&str], extra: &[(&str, &str)], rows: u16, cols: u16) -> Tty {
        let url = self.running.url();
        self.home.pty(args, &self.extra(&url, extra), rows, cols)
    }

    /// rolo started by a shell in a 100×32 terminal (see `Home::pty_under_shell`).
    pub fn rolo_under_shell(
        &self,
        args: &[&str],
        extra: &[(&str, &str)],
        exit_file: &std::path::Path,
    ) -> Tty {
        let url = self.running.url();
        self.home
            .pty_under_shell(args, &self.extra(&url, extra), exit_file, 32, 100)
    }

    /// rolo as a plain command (no terminal), run to the end.
    pub fn command(&self, args: &[&str]) -> std::process::Output {
        self.run(args, &[])
    }

    pub fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> std::process::Output {
        let url = self.running.url();
        self.home.run(args, &self.extra(&url, extra))
    }

    /// What the vendor stores now, and its ETag.
    pub fn stored(&self, path: &str, auth: (&str, &str)) -> (serde_json::Value, String) {
        self.runtime.block_on(async {
            let r = reqwest::Client::new()
                .get(format!("{}{path}", self.running.url()))
                .header(auth.0, auth.1)
                .send()
                .await
                .unwrap();
            let etag = r.headers()["etag"].to_str().unwrap().to_string();
            (r.json().await.unwrap(), etag)
        })
    }

    /// A second writer: another client changing the contact meanwhile.
    pub fn patch(&self, path: &str, auth: (&str, &str), body: &str) -> u16 {
        self.runtime.block_on(async {
            reqwest::Client::new()
                .patch(format!("{}{path}", self.running.url()))
                .header(auth.0, auth.1)
                .body(body.to_string())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    }

    /// Waits (with a deadline) until the files satisfy `ok`: rolo writes drafts and history on
    /// a writer thread, so the screen can show a change a moment before its file lands.
    pub fn wait_for_files(
        &self,
        what: &str,
        ok: impl Fn(&[(std::path::PathBuf, String)]) -> bool,
    ) -> Vec<(std::path::PathBuf, String)> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let files = self.files();
            if ok(&files) {
                return files;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {files:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every file under the home, as text.
    pub fn files(&self) -> Vec<(std::path::PathBuf, String)> {
        self.home.files()
    }
}
