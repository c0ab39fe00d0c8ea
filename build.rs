//! Release builds of the `rolo` binary on x86_64 Linux link with the start-up functions side by
//! side (assets/link-order.txt, written by scripts/link-order): start-up then touches a few
//! hundred KiB of code instead of pages spread over the whole binary, which is most of rolo's
//! resident memory and page faults (issue 18, BENCHMARKS.md). Rust links with LLD on that
//! target (since 1.90), and LLD reads the file; elsewhere, in debug builds, or when the build
//! chooses its own linker, nothing changes. `ROLO_LINK_ORDER=0` turns it off.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=assets/link-order.txt");
    println!("cargo:rerun-if-env-changed=ROLO_LINK_ORDER");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let lld_target = var("TARGET") == "x86_64-unknown-linux-gnu";
    // The flags of this build: a chosen linker or linker flavour may not be LLD.
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let own_linker = flags.contains("linker") || flags.contains("link-self-contained");
    let wanted = var("ROLO_LINK_ORDER") != "0";
    if var("PROFILE") != "release" || !lld_target || own_linker || !wanted {
        return;
    }
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
