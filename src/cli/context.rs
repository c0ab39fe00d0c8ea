//! What the commands that talk to vendors share: the catalog, the config, the chosen profile,
//! and a small async runtime.

use std::io::Write;

use super::exit;
use crate::client::{ClientError, Exchange, Failed, Session};
use crate::config::Config;
use crate::paths;
use crate::spec::Catalog;

pub struct Context {
    pub catalog: Catalog,
    pub config: Config,
}

/// Loads vendor specs (broken user specs are warnings) and config.toml (a broken one is an
/// error, exit 2).
pub fn load(err: &mut dyn Write) -> Result<Context, u8> {
    let catalog = Catalog::load(paths::user_vendor_dir().as_deref());
    for problem in catalog.problems() {
        tracing::warn!("vendor spec skipped: {problem}");
        let _ = writeln!(err, "warning: vendor spec skipped: {problem}");
    }
    for notice in catalog.replaced() {
        tracing::warn!("{notice}");
        let _ = writeln!(err, "note: {notice}");
    }
    match Config::load(paths::config_dir().as_deref(), &catalog) {
        Ok(config) => Ok(Context { catalog, config }),
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Err(exit::USAGE)
        }
    }
}

impl Context {
    /// The profile asked for, or the default one.
    pub fn profile_name(&self, asked: Option<&str>, err: &mut dyn Write) -> Result<String, u8> {
        match asked.or(self.config.default_profile.as_deref()) {
            Some(name) => Ok(name.to_string()),
            None => {
                let _ = writeln!(
                    err,
                    "error: no profile given: use -p PROFILE (`rolo profiles` lists them) or set default_profile in config.toml"
                );
                Err(exit::USAGE)
            }
        }
    }

    pub fn session(&self, asked: Option<&str>, err: &mut dyn Write) -> Result<Session, u8> {
        let name = self.profile_name(asked, err)?;
        // The other profiles still work; a broken one is said rather than skipped silently.
        for broken in self.config.broken.iter().filter(|b| b.name != name) {
            let _ = writeln!(
                err,
                "warning: profile {:?} skipped: {}",
                broken.name, broken.error
            );
        }
        Session::open(&name, &self.config, &self.catalog).map_err(|e| {
            let _ = writeln!(err, "error: {e}");
            exit::USAGE
        })
    }
}

pub fn runtime(err: &mut dyn Write) -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            exit::USAGE
        })
}

/// Reports a failed exchange: `-v` shows what was exchanged; the error and its exit code.
pub fn failed(failed: &Failed, session: &Session, verbose: bool, err: &mut dyn Write) -> u8 {
    if verbose {
        for exchange in &failed.exchanges {
            self::verbose(exchange, err);
        }
    }
    match &failed.error {
        // The address with its port says which service is not running.
        ClientError::Refused { .. } => {
            let _ = writeln!(
                err,
                "error: cannot connect to {}: connection refused (is the service running and the base URL right?)",
                session.address()
            );
            if session.profile.starts_with("sandbox-") {
                let _ = writeln!(
                    err,
                    "hint: {} talks to the built-in sandbox: start it with `rolo sandbox` in another terminal (or try `rolo demo`)",
                    session.profile
                );
            }
        }
        other => {
            let _ = writeln!(err, "error: {other}");
        }
    }
    failed.error.exit_code()
}

/// `-v`: the recorded exchange, written as it goes; a body past the display cap is shown capped
/// and saved whole under the data folder's `bodies`, whose file is named.
pub fn verbose(exchange: &Exchange, err: &mut dyn Write) {
    let spill = paths::data_dir().map(|d| d.join("bodies"));
    let _ = exchange.write_text(err, spill.as_deref());
}
