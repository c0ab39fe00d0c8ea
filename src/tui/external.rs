//! Running the user's own editor with the terminal handed over. The event loop drops its
//! terminal events first (so nothing of rolo's waits on the keys meant for the editor);
//! here rolo's screen and modes are undone (`terminal::suspend`), the editor runs on a blocking
//! thread (the runtime's workers carry on with other tasks; rolo draws nothing meanwhile), and
//! the terminal is taken back and drawn whole (`terminal::resume`).
//!
//! The editor is `$VISUAL`, else `$EDITOR`, else `vi`, split into words as a shell would
//! (quotes, backslashes) but run without a shell, with the file's path as its last argument.
//! While it runs, SIGINT and SIGQUIT (Ctrl-C, Ctrl-\ typed into the editor reach rolo too)
//! are the editor's business; SIGTERM and SIGHUP stop the editor and end rolo, leaving the file
//! and the draft that names it for the next start.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::{Stream, StreamExt};

use super::app::{EditorRun, Launch};
use super::terminal::{self, Term};

/// The editor when neither `$VISUAL` nor `$EDITOR` is set: the one POSIX systems have.
pub const FALLBACK_EDITOR: &str = "vi";

/// The editor's command as words, and where it came from (for messages).
pub fn editor_command(
    visual: Option<&str>,
    editor: Option<&str>,
) -> Result<(Vec<String>, &'static str), String> {
    let (text, from) = match (
        visual.filter(|v| !v.trim().is_empty()),
        editor.filter(|v| !v.trim().is_empty()),
    ) {
        (Some(v), _) => (v, "$VISUAL"),
        (None, Some(e)) => (e, "$EDITOR"),
        (None, None) => (FALLBACK_EDITOR, "the default"),
    };
    let words = shell_words::split(text)
        .map_err(|e| format!("{from} ({text:?}) cannot be split into words: {e}"))?;
    if words.is_empty() {
        return Err(format!("{from} names no command"));
    }
    Ok((words, from))
}

/// Writes the file (unless its text is to be kept as it is), runs the editor on it until it
/// exits, and reads the file back. Blocks: for a blocking thread.
fn run_blocking(launch: &Launch, child_pid: &AtomicU32) -> EditorRun {
    let path = &launch.path;
    match &launch.text {
        Some(text) => {
            if let Err(e) = launch.store.write_edit_file(&launch.profile, path, text) {
                return EditorRun::Failed(e.to_string());
            }
        }
        None if !path.exists() => {
            return EditorRun::Failed(format!(
                "the text it was editing was not kept ({} is missing): nothing to recover",
                path.display()
            ));
        }
        None => {}
    }
    let visual = std::env::var("VISUAL").ok();
    let editor = std::env::var("EDITOR").ok();
    let (words, from) = match editor_command(visual.as_deref(), editor.as_deref()) {
        Ok(found) => found,
        Err(e) => return EditorRun::Failed(format!("{e}; set $VISUAL or $EDITOR")),
    };
    let mut child = match Command::new(&words[0]).args(&words[1..]).arg(path).spawn() {
        Ok(child) => child,
        Err(e) => {
            return EditorRun::Failed(format!(
                "cannot start {:?} ({from}): {e}; set $VISUAL or $EDITOR to your editor",
                words.join(" ")
            ));
        }
    };
    child_pid.store(child.id(), Ordering::SeqCst);
    let status = child.wait();
    child_pid.store(0, Ordering::SeqCst);
    let status = match status {
        Ok(status) => status,
        Err(e) => return EditorRun::Failed(format!("waiting for {:?}: {e}", words[0])),
    };
    match std::fs::read_to_string(path) {
        Ok(text) => EditorRun::Exited {
            success: status.success(),
            status: status.to_string(),
            text,
        },
        Err(e) => EditorRun::Failed(format!("cannot read {} back: {e}", path.display())),
    }
}

/// Stops the editor (rolo is being ended from outside).
fn stop(pid: u32) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(pid)
        && pid > 0
    {
        // SAFETY: kill(2) on the editor's own pid, which rolo started and has not reaped.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// Runs the editor with the terminal handed over; its outcome, and the signal that ended rolo
/// meanwhile if one did (then the terminal is left as it is: rolo is ending).
pub async fn run(
    terminal: &mut Term,
    launch: Launch,
    mut signals: impl Stream<Item = i32> + Unpin,
) -> std::io::Result<(EditorRun, Option<i32>)> {
    // crossterm must not read a terminal that hung up (`hangup`).
    #[cfg(unix)]
    if super::hangup::terminal_hung_up() {
        return Err(super::hangup::gone());
    }
    // Keys typed ahead, already in the terminal's queue, are read into crossterm's: they are
    // rolo's after the editor, never the editor's.
    if let Err(e) = crossterm::event::poll(Duration::ZERO) {
        tracing::warn!("reading the terminal before the editor: {e}");
    }
    terminal::suspend()?;
    let pid = Arc::new(AtomicU32::new(0));
    let child_pid = pid.clone();
    let mut task = tokio::task::spawn_blocking(move || run_blocking(&launch, &child_pid));
    let mut ended_by = None;
    let run = loop {
        tokio::select! {
            result = &mut task => {
                break result.unwrap_or_else(|e| {
                    EditorRun::Failed(format!("the editor's thread stopped: {e}"))
                });
            }
            Some(n) = signals.next(), if ended_by.is_none() => {
                if is_ending(n) {
                    tracing::info!("signal {n} while the editor runs: stopping it");
                    ended_by = Some(n);
                    stop(pid.load(Ordering::SeqCst));
                } else {
                    tracing::info!("signal {n} while the editor runs: left to the editor");
                }
            }
        }
    };
    // An editor ends when its window closes, possibly before the terminal has fully hung up:
    // taking the terminal back could then succeed, and the editor's failure would be taken
    // for the user's (its file dropped). A closed window is a hang-up.
    #[cfg(unix)]
    if ended_by.is_none() && super::hangup::terminal_hung_up() {
        tracing::info!("the terminal hung up while the editor ran ({run:?})");
        return Err(super::hangup::gone());
    }
    if ended_by.is_none() {
        terminal::resume(terminal)?;
    }
    Ok((run, ended_by))
}

/// SIGTERM and SIGHUP end rolo even while the editor runs; SIGINT and SIGQUIT, which the
/// terminal sends to the editor and rolo alike, do not.
fn is_ending(signal: i32) -> bool {
    #[cfg(unix)]
    {
        signal == libc::SIGTERM || signal == libc::SIGHUP
    }
    #[cfg(not(unix))]
    {
        let _ = signal;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_is_visual_then_editor_then_vi_split_into_words_without_a_shell() {
        let words = |v, e| editor_command(v, e).map(|(w, from)| (w.join("|"), from));
        assert_eq!(
            words(Some("nvim"), Some("nano")),
            Ok(("nvim".into(), "$VISUAL"))
        );
        assert_eq!(
            words(Some("  "), Some("nano -w")),
            Ok(("nano|-w".into(), "$EDITOR"))
        );
        assert_eq!(words(None, None), Ok(("vi".into(), "the default")));
        assert_eq!(
            words(Some("code --wait '/opt/my editor/x' a\\ b"), None),
            Ok(("code|--wait|/opt/my editor/x|a b".into(), "$VISUAL"))
        );
        // No shell: its operators are plain words.
        assert_eq!(
            words(Some("vi; rm -rf x"), None),
            Ok(("vi;|rm|-rf|x".into(), "$VISUAL"))
        );
        assert!(
            words(Some("vi 'unclosed"), None)
                .unwrap_err()
                .contains("$VISUAL")
        );
    }
}
