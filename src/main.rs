use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    rolo::cli::run(rolo::cli::Cli::parse())
}
