//! `rolo apply PLAN [--rate N/s] [--jobs N] [--resume]`: thin over `batch::apply`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::context;
use super::exit;
use super::plan::{progress_bar, rate_for};
use crate::batch::plan::PlanReader;
use crate::batch::{Pacer, apply, results};
use crate::store::Journal;

pub struct ApplyArgs<'a> {
    pub plan: &'a Path,
    pub rate: Option<&'a str>,
    pub jobs: usize,
    pub resume: bool,
    pub results: Option<&'a Path>,
}

/// Stopped by Ctrl-C: the journal is resumable.
const STOPPED: u8 = 130;

pub fn run(args: ApplyArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let fail = |e: &dyn std::fmt::Display, err: &mut dyn Write| {
        let _ = writeln!(err, "error: {e}");
        exit::USAGE
    };
    let reader = match PlanReader::open(args.plan) {
        Ok(r) => r,
        Err(e) => return fail(&e, err),
    };
    let header = reader.header.clone();
    // Counted by streaming the file once, for the progress bar's total.
    let total = reader.count() as u64;
    let journal = Journal::path_for(args.plan);
    if args.resume && !journal.exists() {
        let _ = writeln!(
            err,
            "note: no journal {} yet: starting from the first row",
            journal.display()
        );
    }
    let ctx = match context::load(err) {
        Ok(ctx) => ctx,
        Err(code) => return code,
    };
    let session = match ctx.session(Some(&header.profile), err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if session.spec.id != header.vendor {
        let _ = writeln!(
            err,
            "error: the plan is for vendor {}, but profile {} is now {}: plan again",
            header.vendor, header.profile, session.spec.id
        );
        return exit::USAGE;
    }
    let rate = match rate_for(&session, &ctx, args.rate, err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let runtime = match context::runtime(err) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let pacer = Pacer::new(rate);
    let history = crate::paths::history();
    let bar = progress_bar(Some(total));
    let summary = runtime.block_on(async {
        let flag = stop.clone();
        // Ctrl-C: no new row starts; the rows in flight finish and are journaled.
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        });
        let resumed = crate::store::journal::read_state(&journal)
            .map(|s| s.done.len() as u64)
            .unwrap_or(0);
        bar.set_position(resumed);
        apply::run(
            &session,
            &pacer,
            args.plan,
            args.jobs,
            &stop,
            history.as_ref(),
            |_| bar.inc(1),
        )
        .await
    });
    bar.finish_and_clear();
    let summary = match summary {
        Ok(s) => s,
        Err(e) => return fail(&e, err),
    };
    let results_path = args
        .results
        .map_or_else(|| results::path_for(args.plan), Path::to_path_buf);
    if let Err(e) = results::write(&journal, &header.profile, &results_path) {
        let _ = writeln!(err, "error: {e}");
    }
    let done: u64 = summary.counts.values().sum();
    let _ = writeln!(out, "{done}/{total} rows settled:");
    for (kind, n) in &summary.counts {
        let _ = writeln!(out, "  {kind:<10} {n}");
    }
    if summary.resumed > 0 {
        let _ = writeln!(out, "({} settled by an earlier run)", summary.resumed);
    }
    if summary.history_errors > 0 {
        let _ = writeln!(
            err,
            "warning: {} applied rows could not be written to the history",
            summary.history_errors
        );
    }
    let _ = writeln!(out, "results: {}", results_path.display());
    if summary.stopped {
        let _ = writeln!(
            err,
            "stopped after the rows in flight; `rolo apply {}` resumes",
            args.plan.display()
        );
        return STOPPED;
    }
    summary.exit_code()
}
