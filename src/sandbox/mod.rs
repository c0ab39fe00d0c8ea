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
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

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
    #[error("cannot read the sandbox socket's address: {0}")]
    Address(std::io::Error),
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Demo(#[from] DemoError),
}

/// The sandbox's routes over a given state (tests may call it without a socket).
pub fn router(shared: Shared) -> Router {
    let vendors: Arc<[VendorRoutes]> = desks().into_iter().map(VendorRoutes::new).collect();
    Router::new()
        .route("/", axum::routing::get(index))
        .route(
            "/_sandbox/writes/{vendor}",
            axum::routing::get(chaos::writes),
        )
        .fallback(move |State(shared): State<Shared>, request: Request| {
            let vendors = vendors.clone();
            async move { to_vendor(&vendors, shared, request).await }
        })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            chaos::inject,
        ))
        .with_state(shared)
}

/// One vendor's routes, built when its first request comes: `rolo demo` asks one vendor, and
/// building all five routers up front was most of the sandbox's start (issue 18).
struct VendorRoutes {
    desk: Arc<dyn Desk>,
    built: OnceLock<Router>,
}

impl VendorRoutes {
    fn new(desk: Arc<dyn Desk>) -> Self {
        Self {
            desk,
            built: OnceLock::new(),
        }
    }

    fn router(&self, shared: Shared) -> Router {
        self.built
            .get_or_init(|| {
                api::routes(self.desk.clone())
                    .fallback(unknown_route)
                    .with_state(shared)
            })
            .clone()
    }
}

/// A request under `/<vendor>/…` goes to that vendor's routes; anything else is unknown.
async fn to_vendor(vendors: &[VendorRoutes], shared: Shared, request: Request) -> Response {
    let first = request.uri().path().split('/').nth(1).unwrap_or("");
    match vendors.iter().find(|v| v.desk.id() == first) {
        Some(vendor) => match vendor.router(shared).oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        },
        None => unknown_route(request.uri().clone()).await.into_response(),
    }
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

/// `http://ADDR`: the base URL of a sandbox listening on `addr`.
pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}")
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
        url(self.addr)
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
    start_on(bind(listen)?, state_file, options).await
}

/// A socket for a sandbox, bound at once (on any thread, outside a runtime): its address is
/// known before the sandbox is seeded. The editor binds `rolo demo`'s this way, so that its
/// thread needs no answer from the worker to know the sandbox's URL.
pub fn bind(listen: SocketAddr) -> Result<std::net::TcpListener, SandboxError> {
    let listening = |source| SandboxError::Listen {
        addr: listen,
        source,
    };
    let listener = std::net::TcpListener::bind(listen).map_err(listening)?;
    listener.set_nonblocking(true).map_err(listening)?;
    Ok(listener)
}

/// `start_with` on a socket from `bind`.
pub async fn start_on(
    listener: std::net::TcpListener,
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
    let addr = listener.local_addr().map_err(SandboxError::Address)?;
    let listener =
        TcpListener::from_std(listener).map_err(|source| SandboxError::Listen { addr, source })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn sandbox() -> Running {
        let listener = bind(SocketAddr::from(([127, 0, 0, 1], 0))).expect("a loopback socket");
        start_on(listener, None, Options::default())
            .await
            .expect("the sandbox starts")
    }

    async fn get(vendors: &[VendorRoutes], shared: Shared, path: &str) -> (StatusCode, String) {
        let request = Request::get(path).body(axum::body::Body::empty()).unwrap();
        let response = to_vendor(vendors, shared, request).await;
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn built(vendors: &[VendorRoutes]) -> Vec<&'static str> {
        vendors
            .iter()
            .filter(|v| v.built.get().is_some())
            .map(|v| v.desk.id())
            .collect()
    }

    #[tokio::test]
    async fn a_request_builds_the_routes_of_its_vendor_only() {
        let running = sandbox().await;
        let vendors: Vec<VendorRoutes> = desks().into_iter().map(VendorRoutes::new).collect();
        assert!(
            built(&vendors).is_empty(),
            "nothing is built before a request"
        );
        let path = "/clemta/contacts/64b8f1a2e4b0c8d9f0123456"; // the demo's contact
        let (status, body) = get(&vendors, running.shared.clone(), path).await;
        // Without credentials: the vendor's own answer, not the sandbox's unknown route.
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(built(&vendors), ["clemta"]);
        let (status, body) = get(&vendors, running.shared.clone(), "/clemta/nowhere").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("no sandbox route /clemta/nowhere"), "{body}");
        assert_eq!(built(&vendors), ["clemta"]);
    }

    #[tokio::test]
    async fn a_path_under_no_vendor_is_an_unknown_route() {
        let running = sandbox().await;
        let vendors: Vec<VendorRoutes> = desks().into_iter().map(VendorRoutes::new).collect();
        for path in ["/nobody/contacts/1", "/clemtax/contacts/1", "/_sandboxes/x"] {
            let (status, body) = get(&vendors, running.shared.clone(), path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(body.contains("no sandbox route"), "{path}: {body}");
            assert!(body.contains("clemta,exsited"), "{path}: {body}");
        }
        assert!(built(&vendors).is_empty());
    }
}
