//! `rolo vendors [VENDOR]`: the vendor list, or one vendor's field table.

use std::io::{self, Write};

use super::exit;
use super::table::Table;
use crate::paths;
use crate::spec::{Catalog, Field, RecordRule, Semantics, VendorSpec};

pub fn run(vendor: Option<&str>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let catalog = Catalog::load(paths::user_vendor_dir().as_deref());
    // A broken user spec is reported and skipped; the others still work.
    for problem in catalog.problems() {
        tracing::warn!("vendor spec skipped: {problem}");
        let _ = writeln!(err, "warning: vendor spec skipped: {problem}");
    }
    for notice in catalog.replaced() {
        tracing::warn!("{notice}");
        let _ = writeln!(err, "note: {notice}");
    }
    let written = match vendor {
        None => list(&catalog, out),
        Some(id) => match catalog.get(id) {
            Some(spec) => fields(spec, out),
            None => {
                let _ = writeln!(
                    err,
                    "error: no vendor named {id:?}{}; known vendors: {}",
                    crate::suggest::hint(id, catalog.ids()),
                    catalog.ids().join(", ")
                );
                return exit::USAGE;
            }
        },
    };
    match written {
        Ok(()) => exit::OK,
        // A closed pipe (`rolo vendors | head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            exit::USAGE
        }
    }
}

fn semantics(spec: &VendorSpec) -> &'static str {
    match spec.semantics {
        Semantics::Partial => "partial",
        Semantics::FullReplace => "full replace",
    }
}

fn list(catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    let mut table = Table::new(&[
        "VENDOR",
        "NAME",
        "UPDATE",
        "SEMANTICS",
        "FIELDS",
        "REFERENCE",
    ]);
    for spec in catalog.specs() {
        table.row(vec![
            spec.id.clone(),
            spec.name.clone(),
            format!("{} {}", spec.update.method, spec.update.path),
            semantics(spec).to_string(),
            spec.fields.len().to_string(),
            spec.reference.to_string(),
        ]);
    }
    table.write(out)?;
    writeln!(out, "\n`rolo vendors VENDOR` prints a vendor's fields.")
}

fn fields(spec: &VendorSpec, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} ({}): {} update, {} {}",
        spec.id,
        spec.name,
        semantics(spec),
        spec.update.method,
        spec.update.path
    )?;
    writeln!(out, "read: {} {}", spec.read.method, spec.read.path)?;
    if let Some(list) = &spec.list {
        writeln!(out, "list: {} {}", list.method, list.path)?;
    }
    write!(out, "reference: {}", spec.reference)?;
    if !spec.reference_example.is_empty() {
        write!(out, " (e.g. {})", spec.reference_example)?;
    }
    writeln!(out)?;
    for header in &spec.auth {
        writeln!(out, "auth: {}: {}", header.name, header.value)?;
    }
    for extra in &spec.extras {
        let required = if extra.required { ", required" } else { "" };
        writeln!(
            out,
            "profile setting: {} ({}{required}) {}",
            extra.name, extra.kind, extra.help
        )?;
    }
    if !spec.docs.is_empty() {
        writeln!(out, "vendor page: {}", spec.docs)?;
    }
    writeln!(out)?;

    let mut table = Table::new(&[
        "FIELD",
        "KIND",
        "LIMITS",
        "REQUIRED",
        "READ-ONLY",
        "SECRET",
        "CONDITION",
    ]);
    for field in &spec.fields {
        table.row(vec![
            field.name.clone(),
            field.kind.to_string(),
            limits(field),
            yes(field.limits.required),
            yes(field.read_only.is_some()),
            yes(field.is_secret()),
            condition(spec, field),
        ]);
    }
    table.write(out)?;

    if !spec.rules.is_empty() {
        writeln!(out, "\nRecord rules:")?;
        for rule in &spec.rules {
            match rule {
                RecordRule::OneOfRequired { fields } => {
                    let names: Vec<&str> = fields
                        .iter()
                        .map(|&i| spec.fields[i].name.as_str())
                        .collect();
                    writeln!(out, "  one of {} is required", names.join(", "))?;
                }
                RecordRule::ForbidUpdate {
                    field,
                    values,
                    message,
                } => {
                    writeln!(
                        out,
                        "  no update when {} is {}: {message}",
                        spec.fields[*field].name,
                        values.join(" or ")
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn yes(flag: bool) -> String {
    if flag { "yes" } else { "" }.to_string()
}

fn limits(field: &Field) -> String {
    let l = &field.limits;
    let mut parts = Vec::new();
    match (l.min_length, l.max_length) {
        (Some(min), Some(max)) => parts.push(format!("{min}–{max} chars")),
        (Some(min), None) => parts.push(format!("≥ {min} chars")),
        (None, Some(max)) => parts.push(format!("≤ {max} chars")),
        (None, None) => {}
    }
    if !l.values.is_empty() {
        parts.push(l.values.join("|"));
    }
    if let Some(p) = &l.pattern {
        parts.push(p.hint.clone());
    }
    parts.join("; ")
}

fn condition(spec: &VendorSpec, field: &Field) -> String {
    match &field.condition {
        Some(c) => format!("{} is {}", spec.fields[c.field].name, c.values.join(" or ")),
        None => String::new(),
    }
}
