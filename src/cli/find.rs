//! `rolo find`: the vendor's contacts matching a name or an e-mail, for people and scripts.
//! Searches across scopes where the spec has a list across them (exsited accounts, cro
//! customers), page after page up to `--limit`.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::json;

use super::context;
use super::exit;
use super::table::Table;
use crate::client::{Match, PageAt, Query};

pub struct FindArgs<'a> {
    pub profile: Option<&'a str>,
    pub text: &'a str,
    /// TEXT is an e-mail (or part of one) rather than free text.
    pub email: bool,
    /// TEXT is a name (or part of one) rather than free text.
    pub name: bool,
    pub limit: usize,
    pub json: bool,
    pub verbose: bool,
}

/// The exit code when nothing matches, as grep: scripts tell "none" from a failure.
pub const NO_MATCH: u8 = 1;

pub fn run(args: FindArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let text = args.text.trim();
    if text.is_empty() {
        let _ = writeln!(
            err,
            "error: give a name or an e-mail (or part of one) to find"
        );
        return exit::USAGE;
    }
    let ctx = match context::load(err) {
        Ok(ctx) => ctx,
        Err(code) => return code,
    };
    let session = match ctx.session(args.profile, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let runtime = match context::runtime(err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let query = match (args.email, args.name) {
        (true, _) => Query {
            email: Some(text.to_string()),
            ..Query::default()
        },
        (_, true) => Query {
            name: Some(text.to_string()),
            ..Query::default()
        },
        _ => Query::text(text),
    };
    let mut found: Vec<Match> = Vec::new();
    let mut skipped = 0;
    let mut at: Option<PageAt> = None;
    let more = loop {
        let page = match runtime.block_on(session.search(&query, &BTreeMap::new(), at.as_ref())) {
            Ok(page) => page,
            Err(f) => return context::failed(&f, &session, args.verbose, err),
        };
        if args.verbose {
            context::verbose(&page.exchange, err);
        }
        skipped += page.skipped;
        found.extend(page.items);
        if found.len() >= args.limit {
            break found.len() > args.limit || page.next.is_some();
        }
        match page.next {
            Some(next) => at = Some(next),
            None => break false,
        }
    };
    found.truncate(args.limit);
    if skipped > 0 {
        let _ = writeln!(
            err,
            "warning: {skipped} listed item(s) had no usable reference (a field the [list] reference needs is missing) and are not shown"
        );
    }
    if args.json {
        let rows: Vec<_> = found
            .iter()
            .map(|m| json!({"reference": m.reference, "name": m.name, "email": m.email}))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
    } else if !found.is_empty() {
        let mut table = Table::new(&["REFERENCE", "NAME", "E-MAIL"]);
        for m in &found {
            table.row(vec![m.reference.clone(), m.name.clone(), m.email.clone()]);
        }
        let _ = table.write(out);
    }
    if more {
        let _ = writeln!(
            err,
            "note: showing the first {} matches; there are more: narrow the search or raise --limit",
            args.limit
        );
    }
    if found.is_empty() {
        let _ = writeln!(err, "no {} contact matches {text:?}", session.spec.id);
        return NO_MATCH;
    }
    exit::OK
}
