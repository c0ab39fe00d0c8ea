//! `rolo vendors import FILE`: a vendor spec from an OpenAPI document, written where
//! `rolo vendors` finds it (or to `-o FILE`), with what was not mapped said on stderr.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::exit;
use crate::import::{self, Document, Operation, Options};
use crate::paths;

pub struct ImportArgs<'a> {
    pub file: &'a Path,
    pub update: Option<String>,
    pub read: Option<String>,
    pub list: Option<String>,
    pub id: Option<String>,
    pub output: Option<&'a Path>,
}

pub fn run(args: ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match import_file(args, out, err) {
        Ok(()) => exit::OK,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            exit::USAGE
        }
    }
}

fn import_file(args: ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), String> {
    let shown = args.file.display().to_string();
    let text =
        std::fs::read_to_string(args.file).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let doc = import::parse_document(&text).map_err(|e| format!("{shown}: {e}"))?;
    let update = match args.update {
        Some(update) => update,
        None => choose_update(&doc, &shown, err)?,
    };
    let options = Options {
        update: Some(update),
        read: args.read,
        list: args.list,
        id: args.id,
        docs: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let imported = import::import(&doc, &options).map_err(|e| format!("{shown}: {e}"))?;

    let destination = match args.output {
        Some(path) if path == Path::new("-") => None,
        Some(path) => Some(path.to_path_buf()),
        None => Some(default_destination(&imported.id)?),
    };
    match &destination {
        None => out
            .write_all(imported.toml.as_bytes())
            .map_err(|e| format!("cannot write the spec: {e}"))?,
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(path, &imported.toml)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    let _ = writeln!(
        err,
        "imported vendor {:?}: {} fields, update {}",
        imported.id, imported.fields, imported.update
    );
    if imported.unmapped.is_empty() {
        let _ = writeln!(err, "everything the operations use was mapped");
    } else {
        let _ = writeln!(
            err,
            "not mapped ({}; also listed at the top of the spec):",
            imported.unmapped.len()
        );
        for item in &imported.unmapped {
            let _ = writeln!(err, "  {}: {}", item.pointer, item.what);
        }
    }
    if let Some(path) = destination {
        let _ = writeln!(
            err,
            "wrote {}; `rolo vendors {}` shows it",
            path.display(),
            imported.id
        );
    }
    Ok(())
}

/// `vendors/ID.toml` in the config folder, never over an existing file.
fn default_destination(id: &str) -> Result<PathBuf, String> {
    let dir = paths::user_vendor_dir()
        .ok_or("no config folder to keep the spec in; give -o FILE (or -o - for stdout)")?;
    let path = dir.join(format!("{id}.toml"));
    if path.exists() {
        return Err(format!(
            "{} already exists; remove it, choose another --id, or give -o FILE",
            path.display()
        ));
    }
    Ok(path)
}

/// Asks which operation is the contact update, on a terminal; elsewhere lists the candidates
/// and stops (exit 2), since a script cannot answer.
fn choose_update(doc: &Document, shown: &str, err: &mut dyn Write) -> Result<String, String> {
    let candidates = doc.update_candidates();
    if candidates.is_empty() {
        return Err(format!(
            "{shown}: no operation looks like a contact update (PATCH, PUT or POST on a path \
             with a parameter, taking JSON); name one with --update"
        ));
    }
    let _ = writeln!(err, "operations that look like a contact update:");
    for (i, op) in candidates.iter().enumerate() {
        let _ = writeln!(err, "  {}. {op}", i + 1);
    }
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(format!(
            "choose one with --update \"{}\" (an operationId or METHOD /path)",
            route(&candidates[0])
        ));
    }
    let _ = write!(err, "which one is the update? [1-{}] ", candidates.len());
    let _ = err.flush();
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    let chosen = answer
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| candidates.get(i))
        .ok_or_else(|| format!("{:?} is not one of 1-{}", answer.trim(), candidates.len()))?;
    Ok(route(chosen))
}

fn route(op: &Operation) -> String {
    format!("{} {}", op.method, op.path)
}
