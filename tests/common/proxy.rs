//! A recording proxy on loopback: forwards each request to a target (the in-process sandbox)
//! and keeps what it received, byte for byte. A test may also script answers (the vendor's
//! answer replaced, with or without forwarding the request) to stage what the sandbox does not.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;

/// One request as the proxy received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_write(&self) -> bool {
        self.method != "GET"
    }
}

/// A scripted answer, used once, for the next request with this method.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub method: &'static str,
    /// Only once a write has gone through the proxy (the re-read after an update).
    pub after_write: bool,
    /// Forward the request anyway (the vendor applies it), answering with this instead.
    pub forward: bool,
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

#[derive(Default)]
struct Shared {
    seen: Vec<Seen>,
    script: Vec<Scripted>,
}

struct Ctx {
    shared: Mutex<Shared>,
    target: String,
    client: reqwest::Client,
}

pub struct Proxy {
    pub addr: SocketAddr,
    ctx: Arc<Ctx>,
}

impl Proxy {
    /// `http://ADDR`: use it where the sandbox's URL would go.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.ctx.shared.lock().unwrap().seen.clone()
    }

    pub fn writes(&self) -> Vec<Seen> {
        self.seen().into_iter().filter(Seen::is_write).collect()
    }

    pub fn methods(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.method).collect()
    }

    /// Forgets what was seen so far.
    pub fn clear(&self) {
        self.ctx.shared.lock().unwrap().seen.clear();
    }

    pub fn script(&self, answer: Scripted) {
        self.ctx.shared.lock().unwrap().script.push(answer);
    }
}

/// Starts a proxy to `target` (e.g. the sandbox's URL) on the current runtime.
pub async fn start(target: String) -> Proxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("a local address");
    let ctx = Arc::new(Ctx {
        shared: Mutex::new(Shared::default()),
        target,
        client: reqwest::Client::new(),
    });
    let app = Router::new().fallback(forward).with_state(ctx.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Proxy { addr, ctx }
}

async fn forward(
    State(ctx): State<Arc<Ctx>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.to_string());
    let scripted = {
        let mut shared = ctx.shared.lock().unwrap();
        let wrote = shared.seen.iter().any(Seen::is_write);
        shared.seen.push(Seen {
            method: method.to_string(),
            path: path.clone(),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        });
        let at = shared
            .script
            .iter()
            .position(|s| s.method == method.as_str() && (!s.after_write || wrote));
        at.map(|i| shared.script.remove(i))
    };
    let answer = |s: &Scripted| {
        Response::builder()
            .status(s.status)
            .header("content-type", s.content_type)
            .body(Body::from(s.body.clone()))
            .expect("a scripted answer")
    };
    if let Some(s) = &scripted
        && !s.forward
    {
        return answer(s);
    }
    let mut request = ctx
        .client
        .request(method, format!("{}{path}", ctx.target))
        .body(body);
    for (k, v) in &headers {
        if !matches!(k.as_str(), "host" | "content-length" | "connection") {
            request = request.header(k, v);
        }
    }
    let reply = match request.send().await {
        Ok(r) => r,
        Err(e) => {
            return Response::builder()
                .status(StatusCode::BAD_GATEWAY)
                .body(Body::from(format!("proxy: {e}")))
                .expect("an error answer");
        }
    };
    if let Some(s) = &scripted {
        return answer(s);
    }
    let mut response = Response::builder().status(reply.status().as_u16());
    for (k, v) in reply.headers() {
        if !matches!(
            k.as_str(),
            "content-length" | "transfer-encoding" | "connection"
        ) {
            response = response.header(k, v);
        }
    }
    let bytes = reply.bytes().await.unwrap_or_default();
    response
        .body(Body::from(bytes))
        .expect("a forwarded answer")
}
