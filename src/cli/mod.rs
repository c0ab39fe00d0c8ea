//! The command line: argument parsing and the subcommands that print. Which front end runs is
//! main.rs's decision: the editor (`rolo`, `rolo -p P`, `rolo demo`) is not started from here.

mod apply;
mod contact;
mod context;
mod find;
mod history;
mod import;
mod plan;
mod profiles;
mod sandbox;
mod table;
mod vendors;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

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
    #[arg(long)]
    pub theme: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to run: the editor on the demo, or one of the command line's own commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the sandbox on a free loopback port and open the editor on it
    Demo {
        /// Colour theme: dark, light, or a file NAME.toml in the config folder's themes/
        #[arg(long)]
        theme: Option<String>,
    },
    #[command(flatten)]
    Cli(CliCommand),
}

/// The commands that print and exit (or serve, for `sandbox`); none opens the editor.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// List vendors; with a name, its field table; `vendors import FILE` makes one
    #[command(args_conflicts_with_subcommands = true, disable_help_subcommand = true)]
    Vendors {
        /// A vendor id in any case, e.g. clemta
        vendor: Option<String>,
        #[command(subcommand)]
        action: Option<VendorsCommand>,
    },
    /// List profiles (built-in and configured)
    Profiles,
    /// List confirmed updates made from this machine
    History {
        /// Only updates made with this profile
        #[arg(short, long)]
        profile: Option<String>,
        /// Only updates of this contact, e.g. ACC-1001/CONTACT_1
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
        /// Profile to use (default: default_profile in config.toml)
        #[arg(short, long)]
        profile: Option<String>,
        /// Contact reference, as `rolo vendors VENDOR` shows it (e.g. ACC-1001/CONTACT_1)
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
        /// Print the recorded exchange (secrets redacted) to stderr
        #[arg(short, long)]
        verbose: bool,
    },
    /// Read, validate and classify a batch of edits (CSV or JSON Lines) into a plan file
    #[command(
        after_help = "CSV: a `reference` column, then one column per field (as `rolo vendors VENDOR` names it); an empty cell leaves the field alone, <clear> clears it.\nJSON Lines: {\"reference\": \"…\", \"set\": {\"field\": \"value\"}, \"clear\": [\"field\"]}\nExit: 0 planned, 3 some rows invalid, 4/5 some contacts could not be read."
    )]
    Plan {
        #[arg(short, long)]
        profile: Option<String>,
        /// The edits: CSV or JSON Lines
        #[arg(required_unless_present_any = ["show", "undo"])]
        file: Option<std::path::PathBuf>,
        /// Where to write the plan (default: FILE.plan.jsonl)
        #[arg(short, long)]
        output: Option<std::path::PathBuf>,
        /// Print a plan for review
        #[arg(long, conflicts_with_all = ["file", "undo"])]
        show: Option<std::path::PathBuf>,
        /// Plan the inverse of an applied batch (old values back) from its results CSV
        #[arg(long, conflicts_with = "file")]
        undo: Option<std::path::PathBuf>,
        /// Contacts read at once
        #[arg(long, default_value_t = 4)]
        jobs: usize,
        /// Requests per second (or N/m), over the profile's `rate`
        #[arg(long)]
        rate: Option<String>,
    },
    /// Send a planned batch: rate-limited, If-Match per row, journaled, resumable
    #[command(
        after_help = "Exit: 0 all rows ok or unchanged; 3 a conflict or invalid row; 4 a row failed at the vendor; 5 network; 130 stopped by Ctrl-C (run again to resume)."
    )]
    Apply {
        plan: std::path::PathBuf,
        /// Requests per second (or N/m), over the profile's `rate`
        #[arg(long)]
        rate: Option<String>,
        /// Rows in flight at once
        #[arg(long, default_value_t = 4)]
        jobs: usize,
        /// Continue from the plan's journal (running again does the same)
        #[arg(long)]
        resume: bool,
        /// Where to write the results CSV (default: PLAN.results.csv)
        #[arg(long)]
        results: Option<std::path::PathBuf>,
    },
    /// Serve the five emulated vendor APIs on loopback until Ctrl-C
    Sandbox {
        /// Address to listen on
        #[arg(long, default_value = crate::sandbox::DEFAULT_LISTEN)]
        listen: String,
        /// Keep updated contacts in this file across restarts (written atomically)
        #[arg(long)]
        state: Option<std::path::PathBuf>,
        /// Accept at most N requests a second (429 with Retry-After beyond), e.g. 100/s
        #[arg(long, value_name = "N/s")]
        rate_limit: Option<String>,
        /// Give this share of requests a random fault (503, dropped connection, delay), e.g. 5%
        #[arg(long, value_name = "P%")]
        faults: Option<String>,
        /// Generated contacts per vendor (default 1000, at most 100000), for batch benchmarks
        #[arg(long, value_name = "N")]
        generated: Option<usize>,
    },
    /// Print a shell completion script, e.g. `rolo completions bash > ~/.local/share/bash-completion/completions/rolo`
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
    },
}

/// The completion script for `shell`, generated from the same definitions `--help` shows.
fn completions(
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "rolo", &mut script);
    match out.write_all(&script) {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            exit::USAGE
        }
    }
}

/// `rolo vendors import`: the one subcommand of `rolo vendors`.
#[derive(Debug, Subcommand)]
pub enum VendorsCommand {
    /// Make a vendor spec from the vendor's OpenAPI 3.0/3.1 document (YAML or JSON)
    Import {
        /// The OpenAPI document
        file: std::path::PathBuf,
        /// The contact update: an operationId or "METHOD /path" (asked when left out)
        #[arg(long, value_name = "OPERATION")]
        update: Option<String>,
        /// The contact read (default: GET on the update's path)
        #[arg(long, value_name = "OPERATION")]
        read: Option<String>,
        /// The contact list (default: GET on the update's parent path, when there is one)
        #[arg(long, value_name = "OPERATION")]
        list: Option<String>,
        /// The vendor id (default: from the document's title)
        #[arg(long, value_name = "NAME")]
        id: Option<String>,
        /// Where to write the spec; `-` for stdout (default: vendors/ID.toml in the config
        /// folder, where `rolo vendors` finds it)
        #[arg(short, long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
}

/// Runs one of the command line's commands and returns the process exit code.
pub fn run(command: CliCommand) -> ExitCode {
    // Everything the CLI prints, vendor text included, leaves through the one sanitizer.
    let mut out = SanitizingWriter::new(std::io::stdout().lock());
    let mut err = SanitizingWriter::new(std::io::stderr().lock());
    let code = match command {
        CliCommand::Vendors {
            action:
                Some(VendorsCommand::Import {
                    file,
                    update,
                    read,
                    list,
                    id,
                    output,
                }),
            ..
        } => import::run(
            import::ImportArgs {
                file: &file,
                update,
                read,
                list,
                id,
                output: output.as_deref(),
            },
            &mut out,
            &mut err,
        ),
        CliCommand::Vendors {
            vendor,
            action: None,
        } => vendors::run(vendor.as_deref(), &mut out, &mut err),
        CliCommand::Profiles => profiles::run(&mut out, &mut err),
        CliCommand::Completions { shell } => completions(shell, &mut out, &mut err),
        CliCommand::Sandbox {
            listen,
            state,
            rate_limit,
            faults,
            generated,
        } => sandbox::run(
            sandbox::SandboxArgs {
                listen: &listen,
                state,
                rate_limit: rate_limit.as_deref(),
                faults: faults.as_deref(),
                generated,
            },
            &mut out,
            &mut err,
        ),
        CliCommand::Plan {
            profile,
            file,
            output,
            show,
            undo,
            jobs,
            rate,
        } => plan::run(
            plan::PlanArgs {
                profile: profile.as_deref(),
                file: file.as_deref(),
                output: output.as_deref(),
                show: show.as_deref(),
                undo: undo.as_deref(),
                jobs,
                rate: rate.as_deref(),
            },
            &mut out,
            &mut err,
        ),
        CliCommand::Apply {
            plan,
            rate,
            jobs,
            resume,
            results,
        } => apply::run(
            apply::ApplyArgs {
                plan: &plan,
                rate: rate.as_deref(),
                jobs,
                resume,
                results: results.as_deref(),
            },
            &mut out,
            &mut err,
        ),
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
