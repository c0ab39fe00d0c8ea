//! The command line: argument parsing and the subcommands that print.

mod sandbox;
mod table;
mod vendors;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes of PRODUCT.md "Command line".
pub mod exit {
    pub const OK: u8 = 0;
    pub const USAGE: u8 = 2;
}

#[derive(Debug, Parser)]
#[command(
    name = "rolo",
    version,
    about = "Edit contacts that live in other companies' systems"
)]
#[command(arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List vendors; with a name, its field table
    Vendors {
        /// A vendor id, e.g. clemta
        vendor: Option<String>,
    },
    /// Serve the five emulated vendor APIs on loopback until Ctrl-C
    Sandbox {
        /// Address to listen on
        #[arg(long, default_value = crate::sandbox::DEFAULT_LISTEN)]
        listen: String,
        /// Keep updated contacts in this file across restarts (written atomically)
        #[arg(long)]
        state: Option<std::path::PathBuf>,
    },
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match cli.command {
        Command::Vendors { vendor } => vendors::run(vendor.as_deref(), &mut out, &mut err),
        Command::Sandbox { listen, state } => sandbox::run(&listen, state, &mut out, &mut err),
    };
    ExitCode::from(code)
}
