//! The binary: parse the arguments, then hand over to one front end. The editor and the command
//! line never start each other; this is the only place that chooses between them.

use std::process::ExitCode;

use clap::Parser;
use rolo::cli::{Cli, Command};
use rolo::tui::TuiArgs;

fn main() -> ExitCode {
    // Before any thread or large buffer: freed bodies go back to the system.
    rolo::heap::give_back_large_blocks();
    let args = Cli::parse();
    let editor = match args.command {
        Some(Command::Cli(command)) => {
            let _log = start_log();
            return rolo::cli::run(command);
        }
        // Plain `rolo` is the demo when no profile is asked for and none is configured; the
        // editor decides that, as it reads the config.
        None => TuiArgs {
            profile: args.profile,
            reference: args.reference,
            theme: args.theme,
            demo: false,
        },
        Some(Command::Demo { theme }) => TuiArgs {
            profile: None,
            reference: None,
            theme,
            demo: true,
        },
    };
    // What the editor prints before or after the screen (errors naming vendor text) is
    // sanitized like the CLI's output.
    let mut err = rolo::sanitize::SanitizingWriter::new(std::io::stderr().lock());
    ExitCode::from(rolo::tui::run(editor, start_log, &mut err))
}

/// The log file, for both front ends; without one rolo still runs, and says why once.
fn start_log() -> Option<rolo::log::LogGuard> {
    rolo::log::init()
        .inspect_err(|e| eprintln!("warning: running without a log file: {e}"))
        .ok()
}
