//! The command line: argument parsing and the subcommands that print.

mod contact;
mod context;
mod history;
mod profiles;
mod sandbox;
mod table;
mod vendors;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes of PRODUCT.md "Command line".
pub mod exit {
    pub const OK: u8 = 0;
    /// Usage or configuration error.
    pub const USAGE: u8 = 2;
    /// Refused before sending (validation, a read-only field, a conflict).
    pub const REFUSED: u8 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "rolo",
    version,
    about = "Edit contacts that live in other companies' systems"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Open the editor on this profile (default: default_profile in config.toml; with no
    /// config, the demo)
    #[arg(short, long)]
    pub profile: Option<String>,
    /// Contact to open, e.g. ACC-1001/CONTACT_1
    pub reference: Option<String>,
    /// Colour theme: dark, light, or a file NAME.toml in the config folder's themes/
    #[arg(long, global = true)]
    pub theme: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the sandbox on a free loopback port and open the editor on it
    Demo,
    /// List vendors; with a name, its field table
    Vendors {
        /// A vendor id, e.g. clemta
        vendor: Option<String>,
    },
    /// List profiles (built-in and configured)
    Profiles,
    /// List confirmed updates made from this machine
    History {
        #[arg(short, long)]
        profile: Option<String>,
        reference: Option<String>,
    },
    /// Read one contact
    Get {
        /// Profile to use (default: default_profile in config.toml)
        #[arg(short, long)]
        profile: Option<String>,
        /// Contact reference, as `rolo vendors VENDOR` shows it (e.g. ACC-1001/CONTACT_1)
        reference: String,
        /// Print the exchange as JSON
        #[arg(long)]
        json: bool,
        /// Print the recorded exchange (secrets redacted) to stderr
        #[arg(short, long)]
        verbose: bool,
    },
    /// Change fields of one contact, sending only what the vendor needs
    Patch {
        #[arg(short, long)]
        profile: Option<String>,
        reference: String,
        /// FIELD=VALUE, with FIELD as `rolo vendors VENDOR` names it (e.g. billing.phone)
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// Clear FIELD (the vendor's null or empty value)
        #[arg(long = "clear", value_name = "FIELD")]
        clear: Vec<String>,
        /// Print the request without sending it (with --json: as JSON)
        #[arg(long)]
        dry_run: bool,
        /// Print {"method","url","headers","body"} (and the response, when sent) as JSON
        #[arg(long, conflicts_with = "curl")]
        json: bool,
        /// Print the request as a curl command instead of sending it (nothing is sent)
        #[arg(long)]
        curl: bool,
        #[arg(short, long)]
        verbose: bool,
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
    let Some(command) = cli.command else {
        let args = crate::tui::TuiArgs {
            profile: cli.profile,
            reference: cli.reference,
            theme: cli.theme,
            demo: false,
        };
        return ExitCode::from(crate::tui::run(args, &mut err));
    };
    let code = match command {
        Command::Demo => crate::tui::run(
            crate::tui::TuiArgs {
                profile: None,
                reference: None,
                theme: cli.theme,
                demo: true,
            },
            &mut err,
        ),
        Command::Vendors { vendor } => vendors::run(vendor.as_deref(), &mut out, &mut err),
        Command::Sandbox { listen, state } => sandbox::run(&listen, state, &mut out, &mut err),
        Command::Profiles => profiles::run(&mut out, &mut err),
        Command::History { profile, reference } => {
            history::run(profile.as_deref(), reference.as_deref(), &mut out, &mut err)
        }
        Command::Get {
            profile,
            reference,
            json,
            verbose,
        } => contact::get(
            contact::GetArgs {
                profile: profile.as_deref(),
                reference: &reference,
                json,
                verbose,
            },
            &mut out,
            &mut err,
        ),
        Command::Patch {
            profile,
            reference,
            set,
            clear,
            dry_run,
            json,
            curl,
            verbose,
        } => contact::patch(
            contact::PatchArgs {
                profile: profile.as_deref(),
                reference: &reference,
                set: &set,
                clear: &clear,
                dry_run,
                json,
                curl,
                verbose,
            },
            &mut out,
            &mut err,
        ),
    };
    ExitCode::from(code)
}
