//! `rolo sandbox [--listen ADDR] [--state FILE] [--rate-limit N/s] [--faults P%] [--generated N]`: serve the
//! emulated vendor APIs until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::exit;
use crate::sandbox;

pub struct SandboxArgs<'a> {
    pub listen: &'a str,
    pub state: Option<PathBuf>,
    pub rate_limit: Option<&'a str>,
    pub faults: Option<&'a str>,
    pub generated: Option<usize>,
}

pub fn run(args: SandboxArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let SandboxArgs { listen, state, .. } = args;
    let mut chaos = sandbox::chaos::Chaos::default();
    if let Some(text) = args.rate_limit {
        match sandbox::chaos::parse_rate_limit(text) {
            Ok(n) => chaos.rate_limit = Some(n),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return exit::USAGE;
            }
        }
    }
    if let Some(text) = args.faults {
        match sandbox::chaos::parse_faults(text) {
            Ok(share) => chaos.faults = share,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return exit::USAGE;
            }
        }
    }
    let mut options = sandbox::Options {
        chaos,
        ..sandbox::Options::default()
    };
    if let Some(n) = args.generated {
        if !(1..=sandbox::seed::MAX_GENERATED).contains(&n) {
            let _ = writeln!(
                err,
                "error: --generated {n}: give 1 to {} contacts per vendor",
                sandbox::seed::MAX_GENERATED
            );
            return exit::USAGE;
        }
        options.generated = n;
    }
    let addr: SocketAddr = match listen.parse() {
        Ok(addr) => addr,
        Err(_) => {
            let _ = writeln!(
                err,
                "error: --listen {listen:?} is not an address such as 127.0.0.1:7878"
            );
            return exit::USAGE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            return exit::USAGE;
        }
    };
    runtime.block_on(async {
        let running = match sandbox::start_with(addr, state.clone(), options).await {
            Ok(running) => running,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return exit::USAGE;
            }
        };
        let _ = writeln!(
            out,
            "rolo sandbox: the five vendor APIs on {}",
            running.url()
        );
        for vendor in sandbox::vendor_ids() {
            let _ = writeln!(out, "  {}/{vendor}", running.url());
        }
        let _ = writeln!(out, "credentials:");
        for (vendor, header, value) in running.credentials() {
            let _ = writeln!(out, "  {vendor:<12} {header}: {value}");
        }
        match &state {
            Some(path) => {
                let _ = writeln!(
                    out,
                    "state: {} (updated contacts survive a restart)",
                    path.display()
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "state: in memory only (use --state FILE to keep updates)"
                );
            }
        }
        if let Some(n) = chaos.rate_limit {
            let _ = writeln!(out, "rate limit: {n}/s (429 with Retry-After beyond)");
        }
        if chaos.faults > 0.0 {
            let _ = writeln!(out, "faults: {}% of requests", chaos.faults * 100.0);
        }
        if options.generated != sandbox::seed::GENERATED {
            let _ = writeln!(out, "generated contacts: {} per vendor", options.generated);
        }
        let _ = writeln!(out, "Ctrl-C stops it.");
        let _ = out.flush();
        let _ = tokio::signal::ctrl_c().await;
        drop(running);
        exit::OK
    })
}
