//! Making room for the worker thread at start. Linux queues a new thread on the CPU of the
//! thread that spawned it, and it first runs when that thread blocks or when the load balancer
//! moves one of them, milliseconds later. Measured on the 2-core CI machine: a thread spawned by
//! a thread busy for 300 µs first ran ~300 µs later; two 300 µs halves took 620–690 µs, and
//! 390–450 µs when the parent slept 1 µs right after the spawn. The editor's thread is busy from
//! its start until the first frame, so the worker (the sandbox, the profile, the read) waited
//! behind it. A short sleep lets the worker take this CPU, and the wake-up puts the editor's
//! thread on an idle one. (Moving it with `sched_setaffinity` did as well, but leaves the
//! thread with a fixed CPU list that a later-grown cpuset would not widen.)

use std::time::Duration;

/// Blocks the calling thread for a moment, so that threads it just started get its CPU. Its
/// effect is a matter of time only, so the `startup` benchmark measures it, not a test (one
/// pinning a parent and its child to one CPU passed with this call removed: the child got the
/// CPU at its start anyway).
pub fn make_room_for_new_threads() {
    std::thread::sleep(Duration::from_micros(1));
}
