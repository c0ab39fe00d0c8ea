//! `rolo plan -p PROFILE FILE [-o PLAN]`, `rolo plan --show PLAN`, `rolo plan --undo RESULTS`:
//! thin over `batch::plan`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::context;
use super::exit;
use crate::batch::plan::{PlanReader, PlanSummary, write_plan};
use crate::batch::{Class, Pacer, PlanHeader, PlanRow, Rate, input, results};
use crate::client::Session;
use crate::edit::Form;

pub struct PlanArgs<'a> {
    pub profile: Option<&'a str>,
    pub file: Option<&'a Path>,
    pub output: Option<&'a Path>,
    pub show: Option<&'a Path>,
    pub undo: Option<&'a Path>,
    pub jobs: usize,
    pub rate: Option<&'a str>,
}

/// `--rate`, else the profile's `rate`, else no limit.
pub fn rate_for(
    session: &Session,
    ctx: &context::Context,
    asked: Option<&str>,
    err: &mut dyn Write,
) -> Result<Option<Rate>, u8> {
    let configured = ctx
        .config
        .profile(&session.profile)
        .and_then(|p| p.rate.clone());
    let Some(text) = asked.map(str::to_string).or(configured) else {
        return Ok(None);
    };
    text.parse::<Rate>().map(Some).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        exit::USAGE
    })
}

pub fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    // indicatif draws only when stderr is a terminal: quiet in pipes, CI and tests.
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let template = if total.is_some() {
        "{pos}/{len} rows  {per_sec}  ETA {eta}  {msg}"
    } else {
        "{pos} rows  {per_sec}  {msg}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    bar
}

pub fn run(args: PlanArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if let Some(plan) = args.show {
        return show(plan, out, err);
    }
    let ctx = match context::load(err) {
        Ok(ctx) => ctx,
        Err(code) => return code,
    };
    let (rows, profile, source, default_out, secrets): (input::Rows, _, _, PathBuf, _) =
        match (args.file, args.undo) {
            (Some(file), None) => {
                let (rows, fields) = match input::open(file) {
                    Ok(v) => v,
                    Err(e) => {
                        let _ = writeln!(err, "error: {e}");
                        return exit::USAGE;
                    }
                };
                (
                    rows,
                    args.profile.map(str::to_string),
                    fields,
                    with_suffix(file, ".plan.jsonl"),
                    None,
                )
            }
            (None, Some(results_file)) => {
                let (undo, named) = match results::undo_rows(results_file) {
                    Ok(v) => v,
                    Err(e) => {
                        let _ = writeln!(err, "error: {e}");
                        return exit::USAGE;
                    }
                };
                let secrets = undo.skipped_secrets.clone();
                (
                    Box::new(undo) as input::Rows,
                    args.profile.map(str::to_string).or(named),
                    Vec::new(),
                    with_suffix(results_file, ".undo.plan.jsonl"),
                    Some(secrets),
                )
            }
            _ => {
                let _ = writeln!(
                    err,
                    "error: give an edits FILE (CSV or JSON Lines), --show PLAN or --undo RESULTS"
                );
                return exit::USAGE;
            }
        };
    let session = match ctx.session(profile.as_deref(), err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // A column that is no field of the vendor is a mistake in the whole file: say so at once.
    let blank = Form::from_record(session.spec.clone(), serde_json::Value::Null);
    for name in &source {
        if let Err(e) = blank.index(name) {
            let _ = writeln!(
                err,
                "error: column {name:?}: {e} (`rolo vendors {}` lists the fields)",
                session.spec.id
            );
            return exit::USAGE;
        }
    }
    let rate = match rate_for(&session, &ctx, args.rate, err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let output = args.output.map_or(default_out, Path::to_path_buf);
    let runtime = match context::runtime(err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let header = PlanHeader {
        rolo_plan: crate::batch::PLAN_FORMAT,
        profile: session.profile.clone(),
        vendor: session.spec.id.clone(),
        source: args
            .file
            .or(args.undo)
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    };
    let pacer = Pacer::new(rate);
    let bar = progress_bar(None);
    let planned = runtime.block_on(write_plan(
        &session,
        &pacer,
        &header,
        rows,
        args.jobs,
        &output,
        |_| bar.inc(1),
    ));
    bar.finish_and_clear();
    let summary = match planned {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return exit::USAGE;
        }
    };
    if let Some(n) = secrets.map(|s| s.load(std::sync::atomic::Ordering::Relaxed))
        && n > 0
    {
        let _ = writeln!(
            err,
            "warning: {n} secret field change(s) cannot be undone (their values were never kept)"
        );
    }
    print_summary(&summary, out);
    let _ = writeln!(
        out,
        "plan: {}  (review: rolo plan --show {0}; send: rolo apply {0})",
        output.display()
    );
    summary.exit_code()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn print_summary(summary: &PlanSummary, out: &mut dyn Write) {
    let total: u64 = summary.counts.values().sum();
    let _ = writeln!(out, "{total} rows:");
    for class in Class::ALL {
        let _ = writeln!(out, "  {:<10} {}", class.name(), summary.count(class));
    }
    if !summary.first_invalid.is_empty() {
        let _ = writeln!(out, "first invalid rows:");
        for (row, reference, why) in &summary.first_invalid {
            let _ = writeln!(out, "  row {row} {reference}: {why}");
        }
    }
}

fn show_value(v: &Option<String>) -> String {
    v.as_deref().map_or("null".into(), |t| format!("{t:?}"))
}

fn show_row(row: &PlanRow, out: &mut dyn Write) {
    let _ = write!(
        out,
        "row {} {} {}",
        row.row,
        row.reference,
        row.class.name()
    );
    match &row.message {
        Some(m) => {
            let _ = writeln!(out, ": {m}");
        }
        None => {
            let _ = writeln!(out);
        }
    }
    for c in &row.changes {
        let _ = writeln!(
            out,
            "    {}: {} → {}",
            c.field,
            show_value(&c.old),
            show_value(&c.new)
        );
    }
    if let Some(request) = &row.request {
        let if_match = request
            .if_match
            .as_deref()
            .map(|t| format!(" (If-Match: {t})"))
            .unwrap_or_else(|| " (no ETag: values re-read before sending)".into());
        let _ = writeln!(out, "    {} {}{if_match}", request.method, request.url);
    }
    if let Some(note) = &row.note {
        let _ = writeln!(out, "    note: {note}");
    }
}

/// Prints a plan for review, row by row, then its summary.
fn show(plan: &Path, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let reader = match PlanReader::open(plan) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return exit::USAGE;
        }
    };
    let _ = writeln!(
        out,
        "plan for {} ({}), from {}",
        reader.header.profile, reader.header.vendor, reader.header.source
    );
    let mut summary = PlanSummary::default();
    for row in reader {
        match row {
            Ok(row) => {
                show_row(&row, out);
                summary.add(&row);
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return exit::USAGE;
            }
        }
    }
    print_summary(&summary, out);
    exit::OK
}
