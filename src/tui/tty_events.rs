//! The terminal's events as a stream, read on the UI thread itself. crossterm's `EventStream`
//! reads on a thread of its own and wakes the runtime from there: every key paid a hand-off
//! between threads before rolo saw it (issue 18 measured 45–50 µs of a key's answer). Here the
//! UI runtime (current-thread) waits on the terminal itself, through tokio's reactor, and
//! crossterm only reads what is already there (`poll` with a zero timeout, then `read`).
//!
//! A window resize is a signal, not input: crossterm's own SIGWINCH handler queues the event,
//! and a SIGWINCH stream here wakes the loop to read it.

use std::io;
use std::os::fd::OwnedFd;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use crossterm::event::{self, Event};
use futures_util::Stream;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::signal::unix::{Signal, SignalKind, signal};

use super::hangup::{hung_up, open_tty};

/// The terminal's events. Create it on the runtime that polls it (the UI's), so that input
/// wakes that thread directly.
pub struct TtyEvents {
    tty: AsyncFd<OwnedFd>,
    resized: Signal,
}

impl TtyEvents {
    pub fn new() -> io::Result<Self> {
        // The terminal crossterm reads, only waited on here.
        let tty = open_tty()?;
        // SAFETY: the descriptor is owned by the `AsyncFd` and closed only when it is dropped.
        let tty = unsafe { AsyncFd::register_with_interest(tty, Interest::READABLE) }
            .map_err(|e| e.into_parts().1)?;
        Ok(Self {
            tty,
            resized: signal(SignalKind::window_change())?,
        })
    }

    /// A look at the same terminal that the loop keeps while the stream is polled.
    pub fn probe(&self) -> io::Result<TtyProbe> {
        Ok(TtyProbe {
            tty: self.tty.get_ref().try_clone()?,
        })
    }
}

pub struct TtyProbe {
    tty: OwnedFd,
}

impl TtyProbe {
    /// Whether an event can be read without waiting: crossterm's `poll` with a zero timeout,
    /// except on a terminal that hung up, where it is `true` so that the stream is read and
    /// ends (see `hangup`).
    pub fn ready(&self) -> io::Result<bool> {
        if hung_up(&self.tty) {
            return Ok(true);
        }
        event::poll(Duration::ZERO)
    }
}

impl Stream for TtyEvents {
    type Item = io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if hung_up(self.tty.get_ref()) {
                return Poll::Ready(None);
            }
            // crossterm may hold events parsed from an earlier read: those come first.
            match event::poll(Duration::ZERO) {
                Ok(true) => return Poll::Ready(Some(event::read())),
                Ok(false) => {}
                Err(e) => return Poll::Ready(Some(Err(e))),
            }
            // A resize: crossterm's handler has queued it (or is about to: look again).
            if let Poll::Ready(Some(())) = self.resized.poll_recv(cx) {
                continue;
            }
            // Input: forget this readiness only after crossterm found nothing, so bytes that
            // arrive meanwhile set it again (tokio clears only the readiness it reported).
            let mut guard = ready!(self.tty.poll_read_ready(cx))?;
            guard.clear_ready();
        }
    }
}
