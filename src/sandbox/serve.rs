//! The accept loop. It is axum's `serve` with one addition: a request can ask for its
//! connection to be dropped without an answer (the `drop` fault), which a handler alone cannot do.

use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// Put into every request's extensions; notifying it closes that request's connection.
#[derive(Clone)]
pub struct DropConnection(pub Arc<Notify>);

pub async fn serve(listener: TcpListener, app: Router, mut shutdown: watch::Receiver<bool>) {
    // Failed accepts in a row: logged once per run of them, not every 20 ms.
    let mut failing = 0u64;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => {
                if failing > 0 {
                    tracing::info!(
                        "the sandbox accepts connections again after {failing} failures"
                    );
                    failing = 0;
                }
                stream
            }
            // Out of file descriptors and the like: wait a moment rather than spin.
            Err(e) => {
                if failing == 0 {
                    tracing::warn!("the sandbox could not accept a connection: {e}");
                }
                failing += 1;
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!("the sandbox's connection keeps Nagle's delay: {e}");
        }
        let app = app.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let handle = DropConnection(kill.clone());
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(handle.clone());
                    app.clone().oneshot(request)
                });
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                // Dropping the connection future closes the socket mid-request.
                _ = kill.notified() => {}
            }
        });
    }
}
