//! The command line: argument parsing and the subcommands that print. Which front end runs is
//! main.rs's decision: the editor (`rolo`, `rolo -p P`, `rolo demo`) is not started from here.

mod contact;
mod context;
mod find;
mod history;
mod profiles;
mod sandbox;
mod table;
mod vendors;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::sanitize::SanitizingWriter;

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

/// What to run: the editor on the demo, or one of the command line's own commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the sandbox on a free loopback port and open the editor on it
    Demo,
    #[command(flatten)]
    Cli(CliCommand),
}

/// The commands that print and exit (or serve, for `sandbox`); none opens the editor.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
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
    /// Find contacts by name or e-mail; prints reference, name and e-mail of each match
    ///
    /// Searches the vendor's list as its spec's [list.search] says (across accounts or
    /// customers where the spec has a list across them). Exit codes: 0 matches printed; 1 no
    /// match (a message on stderr; --json prints []); 2 usage or configuration error (also a
    /// vendor whose spec cannot search); 4 the vendor answered with an error; 5 network.
    Find {
        /// Profile to use (default: default_profile in config.toml)
        #[arg(short, long)]
        profile: Option<String>,
        /// Part of a name or an e-mail, any case, accents optional (e.g. "zoe", "@acme")
        text: String,
        /// Match TEXT against e-mails only
        #[arg(long, conflicts_with = "name")]
        email: bool,
        /// Match TEXT against names only
        #[arg(long)]
        name: bool,
        /// Print at most this many matches
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
        /// Print a JSON array of {"reference","name","email"}
        #[arg(long)]
        json: bool,
        /// Print the recorded exchanges (secrets redacted) to stderr
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

/// Runs one of the command line's commands and returns the process exit code.
pub fn run(command: CliCommand) -> ExitCode {
    // Everything the CLI prints, vendor text included, leaves through the one sanitizer.
    let mut out = SanitizingWriter::new(std::io::stdout().lock());
    let mut err = SanitizingWriter::new(std::io::stderr().lock());
    let code = match command {
        CliCommand::Vendors { vendor } => vendors::run(vendor.as_deref(), &mut out, &mut err),
        CliCommand::Sandbox { listen, state } => sandbox::run(&listen, state, &mut out, &mut err),
        CliCommand::Profiles => profiles::run(&mut out, &mut err),
        CliCommand::History { profile, reference } => {
            history::run(profile.as_deref(), reference.as_deref(), &mut out, &mut err)
        }
        CliCommand::Get {
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
        CliCommand::Find {
            profile,
            text,
            email,
            name,
            limit,
            json,
            verbose,
        } => find::run(
            find::FindArgs {
                profile: profile.as_deref(),
                text: &text,
                email,
                name,
                limit: limit as usize,
                json,
                verbose,
            },
            &mut out,
            &mut err,
        ),
        CliCommand::Patch {
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
