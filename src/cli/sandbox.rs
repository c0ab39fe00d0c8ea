//! `rolo sandbox [--listen ADDR] [--state FILE]`: serve the emulated vendor APIs until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::exit;
use crate::sandbox;

pub fn run(listen: &str, state: Option<PathBuf>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
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
        let running = match sandbox::start(addr, state.clone()).await {
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
        let _ = writeln!(out, "Ctrl-C stops it.");
        let _ = out.flush();
        let _ = tokio::signal::ctrl_c().await;
        drop(running);
        exit::OK
    })
}
