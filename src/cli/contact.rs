//! `rolo get` and `rolo patch`: the same session, form and update builder the TUI uses.

use std::io::Write;

use serde_json::Value as Json;

use super::context::{self, Context};
use super::exit;
use crate::client::Session;
use crate::edit::{EditError, Form, Update, Value};
use crate::send::{self, ReviewError};
use crate::spec::Field;

pub struct GetArgs<'a> {
    pub profile: Option<&'a str>,
    pub reference: &'a str,
    pub json: bool,
    pub verbose: bool,
}

pub struct PatchArgs<'a> {
    pub profile: Option<&'a str>,
    pub reference: &'a str,
    pub set: &'a [String],
    pub clear: &'a [String],
    pub dry_run: bool,
    pub json: bool,
    pub curl: bool,
    pub verbose: bool,
}

/// Prints an exchange as `--json` does, written as it goes (a large body builds no values).
fn print_exchange_json(out: &mut dyn Write, exchange: &crate::client::Exchange) {
    let _ = exchange.write_json(out);
    let _ = writeln!(out);
}

fn print_json(out: &mut dyn Write, json: &Json) {
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(json).unwrap_or_default()
    );
}

/// A value as the CLI prints it: secrets masked, null shown as such.
fn shown(field: Option<&Field>, value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Text(_) if field.is_none_or(Field::is_secret) => "***".into(),
        Value::Text(t) => t.replace('\n', "\\n"),
    }
}

fn open(
    profile: Option<&str>,
    reference: &str,
    err: &mut dyn Write,
) -> Result<(Context, Session, crate::client::Reference), u8> {
    let ctx = context::load(err)?;
    let session = ctx.session(profile, err)?;
    let reference = session.reference(reference).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        exit::USAGE
    })?;
    Ok((ctx, session, reference))
}

pub fn get(args: GetArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (_ctx, session, reference) = match open(args.profile, args.reference, err) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let runtime = match context::runtime(err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (form, loaded) = match runtime.block_on(session.load(&reference)) {
        Ok(v) => v,
        Err(f) => return context::failed(&f, &session, args.verbose, err),
    };
    if args.verbose {
        context::verbose(&loaded.exchange, err);
    }
    if args.json {
        print_exchange_json(out, &loaded.exchange);
        return exit::OK;
    }
    let _ = writeln!(
        out,
        "{} {} ({})",
        session.spec.id, reference.text, session.profile
    );
    let width = form
        .fields()
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(0);
    for (i, field) in form.fields().iter().enumerate() {
        let _ = writeln!(
            out,
            "{:width$}  {}",
            field.name,
            shown(Some(field), form.value(i))
        );
    }
    exit::OK
}

/// Applies `--clear` then `--set` edits; a field named by both is a usage error.
fn apply_edits(form: &mut Form, args: &PatchArgs, err: &mut dyn Write) -> Result<(), u8> {
    let mut sets = Vec::new();
    for item in args.set {
        let Some((name, value)) = item.split_once('=') else {
            let _ = writeln!(err, "error: --set {item:?} needs the form FIELD=VALUE");
            return Err(exit::USAGE);
        };
        sets.push((name.trim(), value));
    }
    if let Some(both) = args.clear.iter().find(|c| sets.iter().any(|(n, _)| n == c)) {
        let _ = writeln!(err, "error: {both} is both --set and --clear; give one");
        return Err(exit::USAGE);
    }
    let index = |form: &Form, name: &str, err: &mut dyn Write| {
        form.index(name).map_err(|e| {
            let _ = writeln!(err, "error: {e}");
            exit::USAGE
        })
    };
    let refused = |e: EditError, err: &mut dyn Write| {
        let _ = writeln!(err, "error: refused before sending: {e}");
        exit::REFUSED
    };
    for name in args.clear {
        let i = index(form, name, err)?;
        form.clear(i).map_err(|e| refused(e, err))?;
    }
    for (name, value) in sets {
        let i = index(form, name, err)?;
        form.set_text(i, value).map_err(|e| refused(e, err))?;
    }
    Ok(())
}

pub fn patch(args: PatchArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if args.set.is_empty() && args.clear.is_empty() {
        let _ = writeln!(
            err,
            "error: nothing to change: give --set FIELD=VALUE or --clear FIELD (`rolo vendors VENDOR` lists the fields)"
        );
        return exit::USAGE;
    }
    let (_ctx, session, reference) = match open(args.profile, args.reference, err) {
        Ok(v) => v,
        Err(code) => return code,
    };
    // A mistyped field name is a usage error before anything is read.
    let names = args.clear.iter().map(String::as_str).chain(
        args.set
            .iter()
            .filter_map(|s| s.split_once('=').map(|(n, _)| n.trim())),
    );
    for name in names {
        if session.spec.field(name).is_none() {
            let unknown = EditError::UnknownField {
                vendor: session.spec.id.clone(),
                name: name.to_string(),
                hint: crate::suggest::hint(
                    name,
                    session.spec.fields.iter().map(|f| f.name.as_str()),
                ),
            };
            let _ = writeln!(err, "error: {unknown}");
            return exit::USAGE;
        }
    }
    let runtime = match context::runtime(err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // The one read before the write: the edits are made on it and the update is built on it.
    let (mut form, loaded) = match runtime.block_on(session.load(&reference)) {
        Ok(v) => v,
        Err(f) => return context::failed(&f, &session, args.verbose, err),
    };
    if args.verbose {
        context::verbose(&loaded.exchange, err);
    }
    if let Err(code) = apply_edits(&mut form, &args, err) {
        return code;
    }
    let review = match send::prepare_on(&session, &reference, &form, loaded) {
        Ok(review) => review,
        Err(e @ ReviewError::NothingToSend { .. }) => {
            if args.json {
                let said =
                    serde_json::json!({"changes": [], "sent": false, "message": e.to_string()});
                print_json(out, &said);
            } else {
                let _ = writeln!(err, "{e}");
            }
            return exit::OK;
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return e.exit_code();
        }
    };
    // The user's form holds the contact as read: a large one goes before sending.
    drop(form);
    if args.dry_run || args.curl {
        // What is printed is the prepared request itself, byte for byte what would be sent.
        let recorded = session.record(&review.prepared);
        if args.json {
            let _ = recorded.write_json(out);
            let _ = writeln!(out);
        } else if args.curl {
            let _ = writeln!(out, "{}", recorded.to_curl());
        } else {
            let _ = recorded.write_text(out, None);
        }
        return exit::OK;
    }
    let send::Review {
        fresh,
        form: rebased,
        update: Update { body, changes },
        prepared,
    } = review;
    // What the update was built from and on goes before sending: the read's exchange, and a
    // full-replace contact's members (the prepared bytes carry them), which may be large.
    drop((fresh, rebased, body));
    let sent = match runtime.block_on(session.send_update(&reference, prepared)) {
        Ok(s) => s,
        Err(f) => return context::failed(&f, &session, args.verbose, err),
    };
    if let Some(history) = crate::paths::history() {
        let entry = crate::store::HistoryEntry::new(
            &session.profile,
            &session.spec.id,
            &reference.text,
            sent.status,
            &changes,
        );
        if let Err(e) = history.append(&entry) {
            let _ = writeln!(
                err,
                "warning: the update was confirmed but the history could not be written: {e}"
            );
        }
    }
    if args.verbose {
        for exchange in &sent.exchanges {
            context::verbose(exchange, err);
        }
    }
    if let Some(e) = sent.unread() {
        let _ = writeln!(
            err,
            "warning: the vendor applied the update (HTTP {}), but what it stored could not be read back: {e}; `rolo get` shows it",
            sent.status
        );
    }
    if args.json {
        if let Some(e) = sent.update_exchange(&session.spec.update.method) {
            print_exchange_json(out, e);
        }
        return exit::OK;
    }
    let message = sent
        .outcome
        .message
        .clone()
        .unwrap_or_else(|| "the vendor accepted the update".into());
    let _ = writeln!(out, "HTTP {}: {message}", sent.status);
    let stored = sent
        .record()
        .map(|record| Form::from_record(session.spec.clone(), record.clone()));
    for change in &changes {
        let field = session.spec.field(&change.field);
        let now = match (&stored, session.spec.field_index(&change.field)) {
            (Some(stored), Some(i)) => shown(field, stored.value(i)),
            (Some(_), None) => "null".to_string(),
            (None, _) => "not read back".to_string(),
        };
        let _ = writeln!(
            out,
            "  {}: {} → {} (stored: {now})",
            change.field,
            shown(field, &change.before),
            shown(field, &change.after),
        );
    }
    exit::OK
}
