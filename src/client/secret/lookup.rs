//! Looking a secret up where that can hang or flood: a command (a password manager waiting for
//! a PIN that never comes, or printing a file) or the OS keyring (a stuck D-Bus service). Each
//! gets a deadline and an output cap, and can be stopped; a stopped command is killed with its
//! whole process group, so nothing it started is left running.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use super::{CommandLine, Secret, SecretError, SecretSource};

/// How long a command or keyring lookup may take unless the profile sets `secret_timeout`.
pub const DEFAULT_SECRET_TIMEOUT: Duration = Duration::from_secs(10);

/// The most a secret command may print: more is an error, never a truncated secret.
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

/// Of a failing command's stderr, only this much is kept (its first line is reported).
const STDERR_KEPT: usize = 4096;

/// A duration as config.toml writes it (`10s`, `250ms`).
pub(super) fn shown(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

enum Event {
    Stdout(Result<Vec<u8>, String>),
    StdoutTooLong,
    Stderr(Vec<u8>),
    Keyring(Result<String, String>),
    Cancel,
}

enum Job {
    Done(Result<Secret, SecretError>),
    Command { child: Child, command: CommandLine },
    Keyring { entry: String },
}

/// A secret lookup under way. `wait` for its result (on a thread other than a UI's); dropping
/// it, or `CancelLookup::cancel` from elsewhere, stops it and kills a running command.
pub struct SecretLookup {
    job: Option<Job>,
    events: Receiver<Event>,
    sender: Sender<Event>,
    deadline: Instant,
    timeout: Duration,
}

/// Stops a `SecretLookup` from another thread; its `wait` then returns `Cancelled`.
#[derive(Clone)]
pub struct CancelLookup(Sender<Event>);

impl CancelLookup {
    pub fn cancel(&self) {
        // Fails only when the lookup is gone, and then there is nothing left to stop.
        let _ = self.0.send(Event::Cancel);
    }
}

impl SecretLookup {
    /// Starts looking up `source`: a command is spawned, a keyring lookup starts on a thread of
    /// its own, any other source is answered at once.
    pub fn start(source: &SecretSource, config_path: Option<&Path>) -> Self {
        let (sender, events) = mpsc::channel();
        let timeout = match source {
            SecretSource::Command { timeout, .. } | SecretSource::Keyring { timeout, .. } => {
                *timeout
            }
            _ => DEFAULT_SECRET_TIMEOUT,
        };
        let job = match source {
            SecretSource::Command { command, .. } => spawn(command, &sender),
            SecretSource::Keyring { entry, .. } => {
                ask_keyring(entry, &sender);
                Job::Keyring {
                    entry: entry.clone(),
                }
            }
            SecretSource::Env(name) => Job::Done(super::from_env(name)),
            SecretSource::Literal(secret) => Job::Done(super::literal(secret, config_path)),
            SecretSource::BuiltIn(secret) => Job::Done(Ok(secret.clone())),
        };
        Self {
            job: Some(job),
            events,
            sender,
            deadline: Instant::now() + timeout,
            timeout,
        }
    }

    pub fn canceller(&self) -> CancelLookup {
        CancelLookup(self.sender.clone())
    }

    /// Blocks until the secret is read, the lookup fails, its timeout passes or it is cancelled.
    pub fn wait(mut self) -> Result<Secret, SecretError> {
        match self.job.take() {
            Some(Job::Done(result)) => result,
            // Only `wait` takes the job, and it consumes the lookup.
            None => Err(SecretError::Cancelled),
            Some(Job::Keyring { entry }) => self.wait_keyring(entry),
            Some(Job::Command { child, command }) => self.wait_command(child, command),
        }
    }

    fn wait_keyring(&mut self, entry: String) -> Result<Secret, SecretError> {
        loop {
            match self.next_event() {
                // The thread is left to finish on its own: a blocked D-Bus call cannot be
                // interrupted, and it holds nothing but its own connection.
                None => {
                    return Err(SecretError::KeyringTimedOut {
                        entry,
                        timeout: self.timeout,
                    });
                }
                Some(Event::Cancel) => return Err(SecretError::Cancelled),
                Some(Event::Keyring(Ok(value))) if value.len() > MAX_SECRET_BYTES => {
                    return Err(SecretError::Keyring {
                        entry,
                        reason: format!("its value is longer than {} KiB", MAX_SECRET_BYTES / 1024),
                    });
                }
                Some(Event::Keyring(Ok(value))) => return Ok(Secret::new(value)),
                Some(Event::Keyring(Err(reason))) => {
                    return Err(SecretError::Keyring { entry, reason });
                }
                Some(_) => {}
            }
        }
    }

    fn wait_command(
        &mut self,
        mut child: Child,
        command: CommandLine,
    ) -> Result<Secret, SecretError> {
        let program = command.program();
        let failed = |reason: String| SecretError::Command {
            program: program.clone(),
            reason,
        };
        let mut stdout = None;
        let mut stderr = None;
        // Both pipes close when the command (and whatever it started) is done with them.
        while stdout.is_none() || stderr.is_none() {
            let stop = match self.next_event() {
                Some(Event::Stdout(Ok(bytes))) => {
                    stdout = Some(bytes);
                    continue;
                }
                Some(Event::Stderr(bytes)) => {
                    stderr = Some(bytes);
                    continue;
                }
                Some(Event::Stdout(Err(reason))) => {
                    failed(format!("cannot read its output: {reason}"))
                }
                Some(Event::StdoutTooLong) => SecretError::CommandTooLong {
                    program: program.clone(),
                },
                Some(Event::Cancel) => SecretError::Cancelled,
                Some(Event::Keyring(_)) => continue,
                None => SecretError::CommandTimedOut {
                    program: program.clone(),
                    timeout: self.timeout,
                },
            };
            kill(&mut child);
            return Err(stop);
        }
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => {
                    kill(&mut child);
                    return Err(failed(format!("cannot wait for it: {e}")));
                }
            }
            // Its pipes are closed, so it is exiting: look again shortly, unless told to stop.
            let stop = match self.events.recv_timeout(Duration::from_millis(5)) {
                Ok(Event::Cancel) => Some(SecretError::Cancelled),
                _ if Instant::now() >= self.deadline => Some(SecretError::CommandTimedOut {
                    program: program.clone(),
                    timeout: self.timeout,
                }),
                _ => None,
            };
            if let Some(stop) = stop {
                kill(&mut child);
                return Err(stop);
            }
        };
        if !status.success() {
            let stderr = String::from_utf8_lossy(stderr.as_deref().unwrap_or_default());
            let first = arguments_hidden(&command, stderr.lines().next().unwrap_or(""));
            let first: String = first
                .trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            return Err(failed(format!("{status} {first}").trim().to_string()));
        }
        let stdout = String::from_utf8(stdout.unwrap_or_default())
            .map_err(|_| failed("its output is not UTF-8".into()))?;
        let line = stdout.lines().next().unwrap_or("").trim_end_matches('\r');
        if line.is_empty() {
            return Err(SecretError::EmptyCommand(program));
        }
        Ok(Secret::new(line))
    }

    /// The next event before the deadline (`None` once it has passed).
    fn next_event(&self) -> Option<Event> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        // Never disconnected: `self.sender` is alive, so an error is the deadline.
        self.events.recv_timeout(left).ok()
    }
}

impl Drop for SecretLookup {
    fn drop(&mut self) {
        if let Some(Job::Command { child, .. }) = &mut self.job {
            kill(child);
        }
    }
}

/// Runs the command line in the shell, in a process group of its own (so a timeout can stop
/// everything it started), with stdout and stderr read on threads of their own.
fn spawn(command: &CommandLine, sender: &Sender<Event>) -> Job {
    let program = command.program();
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let mut cmd = Command::new(shell);
    // stderr goes to a pipe too: a password manager's prompt or error must not reach the TUI.
    cmd.args([flag, command.line()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Job::Done(Err(SecretError::CommandStart {
                program,
                reason: e.to_string(),
            }));
        }
    };
    if let Some(out) = child.stdout.take() {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let event = match out
                .take(MAX_SECRET_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
            {
                Ok(_) if bytes.len() > MAX_SECRET_BYTES => Event::StdoutTooLong,
                Ok(_) => Event::Stdout(Ok(bytes)),
                Err(e) => Event::Stdout(Err(e.to_string())),
            };
            // The lookup may be gone (dropped): nobody is waiting for this any more.
            let _ = sender.send(event);
        });
    }
    if let Some(mut err) = child.stderr.take() {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            // Read errors end the reading: stderr only ever explains a failure.
            let _ = (&mut err).take(STDERR_KEPT as u64).read_to_end(&mut kept);
            let _ = std::io::copy(&mut err, &mut std::io::sink());
            let _ = sender.send(Event::Stderr(kept));
        });
    }
    Job::Command {
        child,
        command: command.clone(),
    }
}

/// Asks the keyring on a thread of its own: the keyring crate drives D-Bus on a runtime of its
/// own, which must not start inside ours, and its call cannot be interrupted.
fn ask_keyring(entry: &str, sender: &Sender<Event>) {
    let entry = entry.to_string();
    let sender = sender.clone();
    std::thread::spawn(move || {
        // A panic in the keyring crate is an answer too, not a wait until the deadline.
        let found = std::panic::catch_unwind(|| {
            keyring::Entry::new("rolo", &entry)
                .and_then(|e| e.get_password())
                .map_err(|e| e.to_string())
        })
        .unwrap_or_else(|_| Err("the keyring lookup failed".into()));
        // The lookup may have timed out or been dropped: then nobody needs the answer.
        let _ = sender.send(Event::Keyring(found));
    });
}

/// A line of the command's stderr with its arguments masked: tools repeat them in their
/// errors (`cat: TOKEN: No such file`), and an argument can be the secret.
fn arguments_hidden(command: &CommandLine, line: &str) -> String {
    let words = super::shell_words(command.line());
    let program = words.iter().position(|w| !super::is_assignment(w));
    let mut line = line.to_string();
    for (i, word) in words.iter().enumerate() {
        if Some(i) != program && word.len() >= 3 {
            line = line.replace(word.as_str(), "***");
        }
    }
    line
}

/// Kills the command and everything in its process group, and reaps it.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        if let Ok(pgid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: kill(2) takes plain integers and touches no memory of ours. A negative pid
            // names the process group the child leads (spawned with process_group(0)); the
            // child is not reaped yet, so its id cannot have been reused.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
    // The group kill covers it on unix; elsewhere this is the only kill. An error means it has
    // already exited.
    let _ = child.kill();
    // Reaped so no zombie is left; after SIGKILL this returns at once.
    let _ = child.wait();
}

#[cfg(all(test, unix))]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn command(line: &str, timeout: Duration) -> SecretSource {
        SecretSource::Command {
            command: CommandLine::new(line),
            timeout,
        }
    }

    /// A command that starts `sleep 1000` in the background, writes its pid to a file, and
    /// waits: stopping only the shell would leave the sleep behind.
    fn sleeper(dir: &Path) -> (String, PathBuf) {
        let pid_file = dir.join("sleep.pid");
        let line = format!("sleep 1000 & echo $! > {}; wait", pid_file.display());
        (line, pid_file)
    }

    fn wait_for_file(path: &Path) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(pid) = std::fs::read_to_string(path)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                return pid;
            }
            assert!(
                Instant::now() < deadline,
                "{} never written",
                path.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Gone, or dead and waiting to be reaped by init: /proc says which.
    fn dead(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            // The state follows the command name, which is in parentheses.
            Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| {
                matches!(rest.trim_start().chars().next(), Some('Z' | 'X'))
            }),
        }
    }

    fn assert_killed(pid: u32) {
        // SIGKILL is delivered asynchronously: give the kernel a moment, with a deadline.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !dead(pid) {
            assert!(Instant::now() < deadline, "process {pid} is still running");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_hanging_command_is_killed_with_its_children_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let (line, pid_file) = sleeper(dir.path());
        let err = SecretLookup::start(&command(&line, Duration::from_secs(2)), None)
            .wait()
            .unwrap_err();
        assert_eq!(
            err,
            SecretError::CommandTimedOut {
                program: "sleep".into(),
                timeout: Duration::from_secs(2)
            }
        );
        assert!(err.to_string().contains("within 2s"), "{err}");
        assert_killed(wait_for_file(&pid_file));
    }

    #[test]
    fn a_flood_of_output_is_an_error_not_a_truncated_secret() {
        for line in ["head -c 102400 /dev/zero | tr '\\0' a", "yes TOKEN-MARK-7"] {
            let err = SecretLookup::start(&command(line, Duration::from_secs(60)), None)
                .wait()
                .unwrap_err();
            assert!(
                matches!(err, SecretError::CommandTooLong { .. }),
                "{line}: {err}"
            );
            assert!(err.to_string().contains("more than 64 KiB"), "{err}");
            assert!(!err.to_string().contains("TOKEN"), "{err}");
        }
        // Just under the cap is a secret (its first line).
        let line = format!(
            "printf 'tok\\n'; head -c {} /dev/zero",
            MAX_SECRET_BYTES - 4
        );
        let secret = SecretLookup::start(&command(&line, Duration::from_secs(60)), None)
            .wait()
            .unwrap();
        assert_eq!(secret.expose(), "tok");
    }

    #[test]
    fn a_lookup_can_be_cancelled_from_another_thread_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (line, pid_file) = sleeper(dir.path());
        let lookup = SecretLookup::start(&command(&line, Duration::from_secs(600)), None);
        let cancel = lookup.canceller();
        let waiting = std::thread::spawn(move || lookup.wait());
        let pid = wait_for_file(&pid_file);
        cancel.cancel();
        assert_eq!(waiting.join().unwrap().unwrap_err(), SecretError::Cancelled);
        assert_killed(pid);

        std::fs::remove_file(&pid_file).unwrap();
        let lookup = SecretLookup::start(&command(&line, Duration::from_secs(600)), None);
        let pid = wait_for_file(&pid_file);
        drop(lookup);
        assert_killed(pid);
    }

    #[test]
    fn a_failing_command_is_named_by_program_and_its_arguments_stay_hidden() {
        let err = SecretLookup::start(
            &command("cat /nonexistent/TOKEN-MARK-9", Duration::from_secs(60)),
            None,
        )
        .wait()
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("the secret command `cat` failed: exit status: 1"),
            "{text}"
        );
        assert!(text.contains("No such file"), "{text}");
        assert!(!text.contains("TOKEN"), "{text}");
    }
}
