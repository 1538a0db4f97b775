//! A JWKS (and OIDC discovery) server on an ephemeral loopback port, with a request counter
//! and knobs for status, latency and body.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};

#[derive(Debug)]
pub struct Knobs {
    pub status: AtomicU16,
    pub delay_ms: AtomicU64,
    pub body: Mutex<Vec<u8>>,
    pub jwks_hits: AtomicUsize,
    pub discovery_issuer: Mutex<String>,
    pub base: String,
}

impl Knobs {
    pub fn set_keys(&self, keys: &[Value]) {
        *self.body.lock().unwrap() = serde_json::to_vec(&json!({ "keys": keys })).unwrap();
    }

    pub fn set_body(&self, body: impl Into<Vec<u8>>) {
        *self.body.lock().unwrap() = body.into();
    }

    pub fn hits(&self) -> usize {
        self.jwks_hits.load(Ordering::SeqCst)
    }

    pub fn jwks_uri(&self) -> String {
        format!("{}/certs", self.base)
    }
}

/// The test keys as JWKs: `rsa1`, `rsa2` (RS256) and `ec1` (ES256).
pub fn jwk(kid: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("../keys/jwks_keys.json")).unwrap();
    all[kid].clone()
}

pub async fn start() -> Arc<Knobs> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let knobs = Arc::new(Knobs {
        status: AtomicU16::new(200),
        delay_ms: AtomicU64::new(0),
        body: Mutex::new(br#"{"keys":[]}"#.to_vec()),
        jwks_hits: AtomicUsize::new(0),
        discovery_issuer: Mutex::new(String::new()),
        base: format!("http://{addr}"),
    });
    let shared = knobs.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let knobs = shared.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let knobs = knobs.clone();
                    async move { Ok::<_, Infallible>(answer(&knobs, request.uri().path()).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    knobs
}

async fn answer(knobs: &Knobs, path: &str) -> hyper::Response<Full<Bytes>> {
    if path.ends_with("/.well-known/openid-configuration") {
        let doc = json!({
            "issuer": *knobs.discovery_issuer.lock().unwrap(),
            "jwks_uri": knobs.jwks_uri(),
        });
        return hyper::Response::new(Full::new(Bytes::from(doc.to_string())));
    }
    knobs.jwks_hits.fetch_add(1, Ordering::SeqCst);
    let delay = knobs.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let body = knobs.body.lock().unwrap().clone();
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(knobs.status.load(Ordering::SeqCst)).unwrap();
    response
}
