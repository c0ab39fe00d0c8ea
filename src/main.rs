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
    // The log file, for both front ends; without one rolo still runs, and says why once.
    let _log = match rolo::log::init() {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("warning: running without a log file: {e}");
            None
        }
    };
    let editor = match args.command {
        Some(Command::Cli(command)) => return rolo::cli::run(command),
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
    ExitCode::from(rolo::tui::run(editor, &mut err))
}
