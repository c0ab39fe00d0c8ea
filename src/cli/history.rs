//! `rolo history [-p PROFILE] [REF]`: confirmed updates made from this machine, oldest first.

use std::io::Write;

use super::exit;

pub fn run(
    profile: Option<&str>,
    reference: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let Some(history) = crate::paths::history() else {
        let _ = writeln!(
            err,
            "error: no data folder for rolo on this system (set ROLO_DATA_DIR)"
        );
        return exit::USAGE;
    };
    match history.list(profile, reference) {
        Ok(entries) if entries.is_empty() => {
            let _ = writeln!(err, "no confirmed updates recorded yet");
            exit::OK
        }
        Ok(entries) => {
            for e in entries {
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
