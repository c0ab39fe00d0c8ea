//! The built-in sandbox: the five vendor APIs emulated on loopback under `/<vendor-id>/…`,
//! faithful to each vendor's page (auth, shapes, rules, errors), with seeded contacts, ETags,
//! fault injection and an optional state file. It depends on nothing in rolo but its fixtures:
//! its rules are written apart from the client's so that it can catch the client's mistakes.

mod api;
pub mod chaos;
pub mod checks;
mod clemta;
mod contactreg;
mod cro;
pub mod demo;
mod exsited;
pub mod fault;
pub mod ledger;
pub mod search;
pub mod seed;
mod serve;
mod servicedesk;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use api::{Desk, Sandbox, Shared};
pub use demo::{DemoError, DemoUser, DemoUsers};
pub use ledger::StateError;

/// The default address of `rolo sandbox`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7878";

fn desks() -> Vec<Arc<dyn Desk>> {
    vec![
        Arc::new(clemta::Clemta),
        Arc::new(exsited::Exsited),
        Arc::new(contactreg::ContactReg),
        Arc::new(cro::Cro),
        Arc::new(servicedesk::ServiceDesk),
    ]
}

pub fn vendor_ids() -> Vec<&'static str> {
    desks().iter().map(|d| d.id()).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Demo(#[from] DemoError),
}

/// The sandbox's routes over a given state (tests may call it without a socket).
pub fn router(shared: Shared) -> Router {
    let mut router = Router::new().route("/", axum::routing::get(index));
    for desk in desks() {
        router = router.merge(api::routes(desk));
    }
    router
        .route(
            "/_sandbox/writes/{vendor}",
            axum::routing::get(chaos::writes),
        )
        .fallback(unknown_route)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            chaos::inject,
        ))
        .with_state(shared)
}

/// The demo credentials as headers, vendor by vendor: (vendor, header, value).
pub fn credentials(demo: &DemoUsers) -> Vec<(&'static str, &'static str, String)> {
    desks()
        .iter()
        .filter_map(|desk| Some((desk.id(), desk.demo_headers(demo.get(desk.id())?))))
        .flat_map(|(vendor, headers)| {
            headers
                .into_iter()
                .map(move |(header, value)| (vendor, header, value))
        })
        .collect()
}

async fn index(State(shared): State<Shared>) -> impl IntoResponse {
    let vendors: Vec<_> = credentials(&shared.demo)
        .into_iter()
        .map(|(vendor, header, value)| json!({"vendor": vendor, "header": header, "value": value}))
        .collect();
    axum::Json(json!({"sandbox": "rolo", "vendors": vendor_ids(), "credentials": vendors}))
}

async fn unknown_route(uri: Uri) -> impl IntoResponse {
    let message = format!(
        "no sandbox route {}; vendors live under /{{{}}}/…",
        uri.path(),
        vendor_ids().join(",")
    );
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"message": message})),
    )
}

/// A sandbox serving on a socket. Dropping it stops accepting connections.
pub struct Running {
    pub addr: SocketAddr,
    pub shared: Shared,
    shutdown: watch::Sender<bool>,
}

impl Running {
    /// `http://ADDR`, the base every vendor path goes under.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The demo credentials this sandbox accepts, as headers: (vendor, header, value).
    pub fn credentials(&self) -> Vec<(&'static str, &'static str, String)> {
        credentials(&self.shared.demo)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Seeds the ledger (and restores the state file, if any), binds `listen` (port 0 for any free
/// port) and serves on the current tokio runtime.
pub async fn start(
    listen: SocketAddr,
    state_file: Option<PathBuf>,
) -> Result<Running, SandboxError> {
    start_with(listen, state_file, Options::default()).await
}

/// What batch tests and benchmarks change in a sandbox.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// A rate limit and random faults.
    pub chaos: chaos::Chaos,
    /// Generated contacts per vendor (`seed::GENERATED` by default): a batch of N rows needs
    /// N contacts to run without rows of one contact racing each other.
    pub generated: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            chaos: chaos::Chaos::default(),
            generated: seed::GENERATED,
        }
    }
}

/// `start`, with a rate limit, random faults or more generated contacts.
pub async fn start_with(
    listen: SocketAddr,
    state_file: Option<PathBuf>,
    options: Options,
) -> Result<Running, SandboxError> {
    let Options {
        chaos,
        generated: count,
    } = options;
    let vendors = vendor_ids();
    let demo = DemoUsers::built_in(&vendors)?;
    let mut ledger = ledger::Ledger::seeded(&vendors, count);
    if let Some(path) = &state_file
        && let Some(state) = ledger::load_state(path)?
    {
        ledger.restore(state);
    }
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| SandboxError::Listen {
            addr: listen,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SandboxError::Listen {
            addr: listen,
            source,
        })?;
    let mut sandbox = Sandbox::new(ledger, state_file, demo);
    sandbox.chaos = chaos;
    let shared: Shared = Arc::new(sandbox);
    let (shutdown, stopped) = watch::channel(false);
    let served = shared.clone();
    // The routes are built on the serving task, not before returning: the caller goes on
    // meanwhile (the editor opens its profile), and a request that comes first waits in the
    // listener's queue.
    tokio::spawn(async move { serve::serve(listener, router(served), stopped).await });
    Ok(Running {
        addr,
        shared,
        shutdown,
    })
}
