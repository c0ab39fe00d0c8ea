//! The built-in sandbox: the five vendor APIs emulated on loopback under `/<vendor-id>/…`,
//! faithful to each vendor's page (auth, shapes, rules, errors), with seeded contacts, ETags,
//! fault injection and an optional state file. It depends on nothing in rolo but its fixtures:
//! its rules are written apart from the client's so that it can catch the client's mistakes.

mod api;
pub mod checks;
mod clemta;
mod contactreg;
mod cro;
mod exsited;
pub mod fault;
pub mod seed;
mod serve;
mod servicedesk;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use api::{App, Desk, Sandbox};
pub use store::StateError;

/// How long after start the generated contacts begin to be made.
const GENERATION_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

/// The default address of `rolo sandbox`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7878";

/// The demo secret each vendor accepts (the part a profile's `secret` holds).
pub const DEMO_SECRETS: [(&str, &str); 5] = [
    ("clemta", clemta::API_KEY),
    ("exsited", exsited::TOKEN),
    ("contactreg", contactreg::TOKEN),
    ("cro", cro::DISPATCHER_TOKEN),
    ("servicedesk", servicedesk::TOKEN),
];

/// The tenant id the cro demo user belongs to.
pub const DEMO_TENANT: i64 = cro::TENANT;

/// The demo credentials as headers: (vendor, header, value).
pub const CREDENTIALS: [(&str, &str, &str); 6] = [
    ("clemta", "X-API-Key", clemta::API_KEY),
    ("exsited", "Authorization", "Bearer sandbox-exsited-token"),
    ("contactreg", "Authorization", contactreg::TOKEN),
    ("cro", "Authorization", "Bearer sandbox.cro-token"),
    ("cro", "x-tenant-id", "1"),
    (
        "servicedesk",
        "Authorization",
        "Bearer sandbox-servicedesk-token",
    ),
];

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
}

/// The sandbox's routes over a given state (tests may call it without a socket).
pub fn router(app: App) -> Router {
    let mut router = Router::new().route("/", axum::routing::get(index));
    for desk in desks() {
        router = router.merge(api::routes(desk));
    }
    router.fallback(unknown_route).with_state(app)
}

async fn index() -> impl IntoResponse {
    let vendors: Vec<_> = CREDENTIALS
        .iter()
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
    pub app: App,
    shutdown: watch::Sender<bool>,
}

impl Running {
    /// `http://ADDR`, the base every vendor path goes under.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Seeds the store (and restores the state file, if any), binds `listen` (port 0 for any free
/// port) and serves on the current tokio runtime.
pub async fn start(
    listen: SocketAddr,
    state_file: Option<PathBuf>,
) -> Result<Running, SandboxError> {
    let vendors = vendor_ids();
    let mut store = store::Store::fixtures(&vendors);
    if let Some(path) = &state_file
        && let Some(state) = store::load_state(path)?
    {
        store.restore(state);
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
    let (generated_tx, generated_rx) = watch::channel(false);
    let app: App = Arc::new(Sandbox::new(store, state_file, generated_rx));
    // The fixtures (the demo's contact among them) are served at once; the 1,000 generated
    // contacts per vendor are made off the serving threads and added when ready. They start a
    // moment later so as not to compete with `rolo demo`'s first frame on a 2-core machine
    // (lists and unknown contacts wait for them; see BENCHMARKS.md).
    let filler = app.clone();
    tokio::spawn(async move {
        tokio::time::sleep(GENERATION_DELAY).await;
        let _ = tokio::task::spawn_blocking(move || {
            for vendor in vendors {
                let generated = seed::generated(vendor);
                filler
                    .store
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .add_generated(vendor, generated);
            }
            let _ = generated_tx.send(true);
        })
        .await;
    });
    let (shutdown, stopped) = watch::channel(false);
    tokio::spawn(serve::serve(listener, router(app.clone()), stopped));
    Ok(Running {
        addr,
        app,
        shutdown,
    })
}
