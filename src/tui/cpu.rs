//! Making room for the worker thread at start (Linux). A new thread is queued on the CPU of
//! the thread that spawned it and first runs when that thread blocks, or when the load
//! balancer moves one of them a few milliseconds later. Measured on the 2-core CI machine: a
//! thread spawned by a thread busy for 300 µs first ran ~300 µs later, and two 300 µs halves
//! took 620 µs instead of ~370 µs. The editor's thread is busy from its start until the first
//! frame, so the worker (the sandbox, the spec, the read) waited behind it. The editor's thread
//! therefore moves itself once to another CPU it may use, and gives its whole mask back at
//! once: nothing stays pinned, the user's own mask (`taskset`) is kept, and on one CPU
//! nothing is done.

/// Moves the calling thread off its current CPU onto another allowed one.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn leave_cpu_to_new_threads() -> std::io::Result<()> {
    use std::io::Error;
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: the cpu_set_t values are plain bit sets owned here, `size` is their size, and
    // pid 0 names the calling thread; these calls change only where this thread runs.
    unsafe {
        let mut allowed: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, size, &mut allowed) != 0 {
            return Err(Error::last_os_error());
        }
        let here = libc::sched_getcpu();
        if here < 0 {
            return Err(Error::last_os_error());
        }
        let mut elsewhere = allowed;
        libc::CPU_CLR(here as usize, &mut elsewhere);
        if libc::CPU_COUNT(&elsewhere) == 0 {
            return Ok(());
        }
        if libc::sched_setaffinity(0, size, &elsewhere) != 0 {
            return Err(Error::last_os_error());
        }
        if libc::sched_setaffinity(0, size, &allowed) != 0 {
            return Err(Error::last_os_error());
        }
    }
    Ok(())
}

/// Elsewhere threads are left where the system puts them.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn leave_cpu_to_new_threads() -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;

    fn allowed() -> Vec<usize> {
        // SAFETY: as above; the set is read only.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            assert_eq!(
                libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set),
                0
            );
            (0..libc::CPU_SETSIZE as usize)
                .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
                .collect()
        }
    }

    #[test]
    fn the_thread_moves_to_another_cpu_and_keeps_its_whole_mask() {
        // On a thread of its own: the test harness's threads keep their masks whatever happens.
        std::thread::spawn(|| {
            let mask = allowed();
            // SAFETY: sched_getcpu takes nothing and only reads.
            let before = unsafe { libc::sched_getcpu() };
            leave_cpu_to_new_threads().expect("the affinity calls succeed");
            let after = unsafe { libc::sched_getcpu() };
            assert_eq!(allowed(), mask, "the mask is given back whole");
            if mask.len() > 1 {
                // The move is synchronous: the balancer would take milliseconds to move it back.
                assert_ne!(before, after, "moved off its CPU");
            } else {
                assert_eq!(before, after, "one CPU: nowhere to go");
            }
        })
        .join()
        .expect("the checks pass");
    }
}
