//! How the process's allocator gives memory back. glibc raises its mmap threshold to the size
//! of the largest block freed (up to 32 MiB) and its trim threshold to twice that, so once a
//! 16 MiB body has come and gone, every buffer under 16 MiB (an indented raw pane, the next
//! body's growing text) is carved from the heap and up to 32 MiB of freed heap stays resident per
//! arena. A long-lived editor then grows with each large exchange (a 16 MiB body: 124 MiB
//! resident after one send, 67 MiB with fixed thresholds). Fixed thresholds keep large buffers
//! in their own mappings, returned to the system when freed.

/// Blocks of this size and more are mapped on their own, and freed heap beyond it is trimmed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const LARGE: libc::c_int = 1 << 20;

/// Sets fixed allocator thresholds (glibc on Linux; elsewhere nothing to do). Called once at
/// start, before any large allocation.
pub fn give_back_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt(3) takes two integers and only changes the allocator's parameters; it is
    // called at start, from one thread, before any other thread allocates.
    unsafe {
        for param in [libc::M_MMAP_THRESHOLD, libc::M_TRIM_THRESHOLD] {
            if libc::mallopt(param, LARGE) != 1 {
                tracing::warn!("mallopt({param}) was refused: freed memory may stay resident");
            }
        }
    }
}
