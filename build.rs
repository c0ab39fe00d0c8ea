//! Release builds of the `rolo` binary on x86_64 Linux link with the start-up functions side by
//! side (assets/link-order.txt, written by scripts/link-order): start-up then touches a few
//! hundred KiB of code instead of pages spread over the whole binary, which is most of rolo's
//! resident memory and page faults (issue 18, BENCHMARKS.md). Rust links with LLD on that
//! target (since 1.90), and LLD reads the file; elsewhere, in debug builds, or when the build
//! chooses its own linker, nothing changes. `ROLO_LINK_ORDER=0` turns it off. The same builds
//! pack their relative relocations (RELR) where the system's glibc can load them.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=assets/link-order.txt");
    println!("cargo:rerun-if-env-changed=ROLO_LINK_ORDER");
    println!("cargo:rerun-if-env-changed=ROLO_RELR");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let lld_target = var("TARGET") == "x86_64-unknown-linux-gnu";
    // The flags of this build: a chosen linker or linker flavour may not be LLD.
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let own_linker = flags.contains("linker") || flags.contains("link-self-contained");
    let wanted = var("ROLO_LINK_ORDER") != "0";
    if var("PROFILE") != "release" || !lld_target || own_linker || !wanted {
        return;
    }
    relative_relocations_packed(&var);
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join("assets/link-order.txt");
    if order.is_file() {
        println!(
            "cargo:rustc-link-arg-bin=rolo=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        // Functions renamed since the file was written are not an error: they are placed
        // with the rest.
        println!("cargo:rustc-link-arg-bin=rolo=-Wl,--no-warn-symbol-ordering");
    }
}

/// The binary's 23,000 relative relocations (pointers in read-only data that the loader adjusts
/// to where the binary landed) take 550 KiB as RELA entries, read and applied at every start;
/// packed as RELR they take a few KiB (issue 18: start-up). The glibc that loads such a binary
/// must know RELR (2.36 and later); it is the one this build runs on, since the binary is built
/// where it runs, so the build asks it. `ROLO_RELR=0` turns it off (a binary meant for an older
/// system).
fn relative_relocations_packed(var: &dyn Fn(&str) -> String) {
    if var("ROLO_RELR") == "0" || var("HOST") != var("TARGET") {
        return;
    }
    let version = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .unwrap_or_default();
    // "glibc 2.36"
    let mut numbers = version
        .trim()
        .trim_start_matches("glibc ")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    if (major, minor) >= (2, 36) {
        println!("cargo:rustc-link-arg-bin=rolo=-Wl,-z,pack-relative-relocs");
    }
}
