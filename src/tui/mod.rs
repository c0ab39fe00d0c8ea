//! The terminal UI: the contact editor. It renders state and turns keys into actions; the
//! vendor specs, the edit model and the client do the work.

pub mod app;
pub mod keymap;
mod run;
mod terminal;
pub mod theme;
pub mod views;

use std::io::Write;

use crate::config::Config;
use crate::paths;
use crate::spec::Catalog;
use app::App;
use keymap::Keymap;
use theme::Theme;

/// The demo's contact: the clemta page's John Doe.
pub const DEMO_PROFILE: &str = "sandbox-clemta";
pub const DEMO_REFERENCE: &str = "64b8f1a2e4b0c8d9f0123456";

pub struct TuiArgs {
    pub profile: Option<String>,
    pub reference: Option<String>,
    pub theme: Option<String>,
    /// Start the sandbox in-process and open the demo contact.
    pub demo: bool,
}

/// The theme to use: none at all under NO_COLOR, else `--theme`, config.toml, or dark.
pub fn pick_theme(asked: Option<&str>, config: &Config) -> Result<Theme, String> {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Ok(Theme::monochrome());
    }
    let name = asked.or(config.theme.as_deref()).unwrap_or("dark");
    Theme::load(
        name,
        paths::config_dir().map(|d| d.join("themes")).as_deref(),
    )
}

pub fn run(args: TuiArgs, err: &mut dyn Write) -> u8 {
    let fail = |err: &mut dyn Write, message: String| {
        let _ = writeln!(err, "error: {message}");
        2
    };
    let catalog = Catalog::load(paths::user_vendor_dir().as_deref());
    let config = match Config::load(paths::config_dir().as_deref(), &catalog) {
        Ok(c) => c,
        Err(e) => return fail(err, e.to_string()),
    };
    let theme = match pick_theme(args.theme.as_deref(), &config) {
        Ok(t) => t,
        Err(e) => return fail(err, e),
    };
    let keymap = match Keymap::with_bindings(&config.keys) {
        Ok(k) => k,
        Err(e) => return fail(err, e),
    };
    // With no profile asked for and no default configured, `rolo` is the demo.
    let demo = args.demo || (args.profile.is_none() && config.default_profile.is_none());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(err, format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async {
        let (config, _sandbox, profile, reference) = if demo {
            let sandbox = match crate::sandbox::start(
                "127.0.0.1:0".parse().expect("a literal address"),
                None,
            )
            .await
            {
                Ok(s) => s,
                Err(e) => return fail(err, e.to_string()),
            };
            let config = config.with_sandbox_url(&sandbox.url());
            let reference = args
                .reference
                .clone()
                .or_else(|| args.profile.is_none().then(|| DEMO_REFERENCE.to_string()));
            (
                config,
                Some(sandbox),
                args.profile.clone().unwrap_or_else(|| DEMO_PROFILE.into()),
                reference,
            )
        } else {
            let profile = args
                .profile
                .clone()
                .or(config.default_profile.clone())
                .unwrap_or_default();
            (config, None, profile, args.reference.clone())
        };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut app = App::new(config, catalog, theme, keymap, tx)
            .with_stores(paths::drafts(), paths::history());
        if let Err(e) = app.activate(&profile) {
            return fail(err, e);
        }
        match reference {
            Some(text) => {
                if let Err(e) = app.open_reference(&text) {
                    return fail(err, e);
                }
            }
            None => app.act(keymap::Action::Open),
        }
        let (mut terminal, guard) = match terminal::enter() {
            Ok(t) => t,
            Err(e) => return fail(err, format!("cannot use the terminal: {e}")),
        };
        let result = run::event_loop(&mut terminal, &mut app, rx).await;
        drop(guard);
        match result {
            Ok(()) => 0,
            Err(e) => fail(err, format!("terminal: {e}")),
        }
    })
}
