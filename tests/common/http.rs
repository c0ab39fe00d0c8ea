//! A sandbox on a free loopback port and a small client for it.
#![allow(dead_code)]

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use rolo::sandbox::{self, Running};
use serde_json::Value as Json;

pub struct Api {
    pub running: Running,
    pub client: reqwest::Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Json {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn start(state: Option<std::path::PathBuf>) -> Api {
    let running = sandbox::start("127.0.0.1:0".parse().unwrap(), state)
        .await
        .expect("sandbox starts");
    Api {
        running,
        client: reqwest::Client::new(),
    }
}

impl Api {
    /// The demo credentials of a vendor, as headers.
    pub fn auth(&self, vendor: &str) -> Vec<(&'static str, String)> {
        self.running
            .credentials()
            .into_iter()
            .filter(|(v, _, _)| *v == vendor)
            .map(|(_, header, value)| (header, value))
            .collect()
    }

    /// The secret a vendor's demo user holds (what a profile's `secret` is).
    pub fn demo_secret(&self, vendor: &str) -> String {
        self.running
            .shared
            .demo
            .get(vendor)
            .unwrap_or_else(|| panic!("no demo user for {vendor}"))
            .secret
            .clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    /// Sends a request with the given headers (no credentials are added).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("request completes");
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body reads"),
        }
    }

    /// A request as the vendor's demo user, plus extra headers.
    pub async fn call(
        &self,
        vendor: &str,
        method: Method,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let auth = self.auth(vendor);
        let mut headers: Vec<(&str, &str)> = auth.iter().map(|(h, v)| (*h, v.as_str())).collect();
        headers.extend_from_slice(extra);
        self.send(method, &format!("/{vendor}{path}"), &headers, body)
            .await
    }

    pub async fn get(&self, vendor: &str, path: &str) -> Reply {
        self.call(vendor, Method::GET, path, &[], None).await
    }
}
