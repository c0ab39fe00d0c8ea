//! `rolo history [-p PROFILE] [REF]`: confirmed updates made from this machine, oldest first;
//! lines of the history that cannot be read are warnings on stderr.

use std::io::Write;

use super::exit;

pub fn run(
    profile: Option<&str>,
    reference: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    // A mistyped profile would otherwise list nothing and look like an empty history.
    if let Some(name) = profile {
        let ctx = match super::context::load(err) {
            Ok(ctx) => ctx,
            Err(code) => return code,
        };
        if ctx.config.profile(name).is_none() && ctx.config.broken_profile(name).is_none() {
            let _ = writeln!(
                err,
                "error: {}",
                crate::client::OpenError::unknown_profile(name, &ctx.config)
            );
            return exit::USAGE;
        }
    }
    let Some(history) = crate::paths::history() else {
        let _ = writeln!(
            err,
            "error: no data folder for rolo on this system (set ROLO_DATA_DIR)"
        );
        return exit::USAGE;
    };
    match history.read(profile, reference) {
        Ok(listing) => {
            // A damaged line is told on stderr; the readable entries still print.
            for skipped in &listing.skipped {
                let _ = writeln!(err, "warning: {skipped}");
            }
            if listing.entries.is_empty() {
                let _ = writeln!(err, "no confirmed updates recorded yet");
            }
            for e in listing.entries {
                let _ = writeln!(out, "{}", e.describe());
            }
            exit::OK
        }
        Err(e) => {
            let _ = writeln!(err, "error: cannot read the history: {e}");
            exit::USAGE
        }
    }
}
