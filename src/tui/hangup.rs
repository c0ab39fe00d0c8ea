//! A terminal that hangs up (its window closed). rolo started by a shell gets no SIGHUP of its
//! own then, only the end of its input, and crossterm 0.29 reads an ended terminal again and
//! again without returning (`event/source/unix/mio.rs`): on the UI thread that would stop the
//! loop, signals and all. So crossterm is never asked once the terminal has hung up
//! (`tty_events`, `external`), and a watch on the worker ends rolo if a hang-up slips in
//! between that look and crossterm's read.

use std::io::{self, IsTerminal};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::Duration;

/// How long the render loop has to end rolo itself after a hang-up (journal, flush, restore)
/// before the watch ends it: long enough for a slow disk's fsync, short enough that a stuck
/// rolo does not linger.
const GRACE: Duration = Duration::from_secs(5);

/// The terminal crossterm reads: stdin when it is one, else `/dev/tty`, as a descriptor of our
/// own.
pub fn open_tty() -> io::Result<OwnedFd> {
    if io::stdin().is_terminal() {
        io::stdin().as_fd().try_clone_to_owned()
    } else {
        Ok(std::fs::File::open("/dev/tty")?.into())
    }
}

/// Whether the terminal behind `tty` hung up.
pub fn hung_up(tty: &OwnedFd) -> bool {
    let mut poll = libc::pollfd {
        fd: tty.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    let found = unsafe { libc::poll(&mut poll, 1, 0) };
    found > 0 && poll.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// Whether an error from the terminal says it is gone: a hung-up terminal answers EIO, and
/// opening it again ENXIO (or ENOTTY, where it no longer is one).
pub fn is_gone(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::EIO | libc::ENXIO | libc::ENOTTY)
    )
}

/// Whether rolo's terminal is gone: hung up, or no longer to be opened as one. Any other
/// failure to open it (out of descriptors, say) is not a hang-up: logged, and rolo goes on.
pub fn terminal_hung_up() -> bool {
    match open_tty() {
        Ok(tty) => hung_up(&tty),
        Err(e) if is_gone(&e) => true,
        Err(e) => {
            tracing::warn!("cannot look at the terminal for a hang-up: {e}");
            false
        }
    }
}

/// The error that says the terminal is gone (what a hung-up terminal answers a write with).
pub fn gone() -> io::Error {
    io::Error::from_raw_os_error(libc::EIO)
}

/// Ends when the terminal behind `tty` hangs up. It waits for priority data, which a terminal
/// never has, so keys do not wake it; the kernel reports a hang-up to every waiter.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub async fn hangup_of(tty: OwnedFd) -> io::Result<()> {
    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;
    // SAFETY: the descriptor is owned by the `AsyncFd` and closed only when it is dropped.
    let tty = unsafe { AsyncFd::register_with_interest(tty, Interest::PRIORITY) }
        .map_err(|e| e.into_parts().1)?;
    loop {
        let mut guard = tty.ready(Interest::PRIORITY).await?;
        if guard.ready().is_read_closed() {
            return Ok(());
        }
        guard.clear_ready();
    }
}

/// The backstop: once the terminal has hung up, rolo has `GRACE` to end by itself; if it has
/// not (its UI thread caught in crossterm's read), it exits here as on SIGHUP. The caller stops
/// this watch as soon as the render loop has returned, so a slow flush of the drafts at the
/// end is never cut short; before that, the draft has been written as the user typed (at most
/// a write still queued is lost). Linux only: elsewhere the kernel offers no wait for a
/// hang-up alone.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub async fn exit_if_stuck(tty: OwnedFd) {
    if let Err(e) = hangup_of(tty).await {
        tracing::warn!("cannot watch the terminal for a hang-up: {e}");
        return;
    }
    tokio::time::sleep(GRACE).await;
    // Straight to the file: the log's own writer would not get to it before the exit.
    crate::log::write_now(
        "ERROR",
        module_path!(),
        &format!("the terminal hung up {GRACE:?} ago and rolo had not ended: exiting"),
    );
    std::process::exit(128 + libc::SIGHUP);
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;
    use std::os::fd::FromRawFd;

    /// A pseudo-terminal pair: (master, slave).
    fn pty() -> (OwnedFd, OwnedFd) {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty writes two new descriptors, owned here from now on.
        let done = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(done, 0, "openpty: {}", io::Error::last_os_error());
        // SAFETY: both were just opened and are not owned elsewhere.
        unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
    }

    #[test]
    fn a_hangup_is_seen_when_the_other_end_closes_and_input_is_not_one() {
        let (master, slave) = pty();
        assert!(!hung_up(&slave));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut watch = tokio::spawn(hangup_of(slave.try_clone().unwrap()));
            // Keys typed into the terminal: not a hang-up.
            let mut input = std::fs::File::from(master.try_clone().unwrap());
            std::io::Write::write_all(&mut input, b"abc\r").unwrap();
            let early = tokio::time::timeout(Duration::from_millis(200), &mut watch).await;
            assert!(early.is_err(), "keys ended the watch: {early:?}");
            drop(input);
            drop(master);
            tokio::time::timeout(Duration::from_secs(20), watch)
                .await
                .expect("the watch ends once the terminal hangs up")
                .unwrap()
                .unwrap();
        });
        assert!(hung_up(&slave));
    }
}
