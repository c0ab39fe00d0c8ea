//! `rolo profiles`: the built-in and configured profiles. Secrets show only where they come from.

use std::io::{self, Write};

use super::context;
use super::exit;
use super::table::Table;
use crate::config::ProfileOrigin;

pub fn run(out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let ctx = match context::load(err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut table = Table::new(&["PROFILE", "VENDOR", "BASE URL", "SECRET", "ORIGIN"]);
    for p in &ctx.config.profiles {
        let default = if ctx.config.default_profile.as_deref() == Some(p.name.as_str()) {
            " (default)"
        } else {
            ""
        };
        table.row(vec![
            format!("{}{default}", p.name),
            p.vendor.clone(),
            p.base_url.clone(),
            p.secret.describe(),
            match p.origin {
                ProfileOrigin::BuiltIn => "built-in".into(),
                ProfileOrigin::Config => "config.toml".into(),
            },
        ]);
    }
    // A profile that could not be read is listed with why, so it can be fixed.
    for broken in &ctx.config.broken {
        let default = if ctx.config.default_profile.as_deref() == Some(broken.name.as_str()) {
            " (default)"
        } else {
            ""
        };
        table.row(vec![
            format!("{}{default}", broken.name),
            "-".into(),
            "-".into(),
            "-".into(),
            "config.toml (broken)".into(),
        ]);
    }
    let written = table.write(out).and_then(|()| {
        if !ctx.config.broken.is_empty() {
            writeln!(
                out,
                "\nbroken profiles (fix them in config.toml to use them):"
            )?;
        }
        for broken in &ctx.config.broken {
            writeln!(out, "  {}: {}", broken.name, broken.error)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(_) => exit::USAGE,
    }
}
