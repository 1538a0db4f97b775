//! The demo's single-page app (SPEC section 15): a static page on a second origin that calls
//! the API origin cross-origin. Served by a plain axum `Router`, since it is not an API route of
//! the demo and must not appear in its route table.

use std::net::SocketAddr;

use axum::response::Html;
use axum::routing::get;

/// The page, with `__API_ORIGIN__` standing for the API's origin.
const PAGE: &str = include_str!("spa.html");

/// Where the SPA listens unless `AUTHROUTE_SPA_ADDR` says otherwise.
pub const DEFAULT_SPA_ADDR: &str = "127.0.0.1:8071";

/// `AUTHROUTE_SPA_ADDR`, else the default.
pub fn spa_addr() -> Result<SocketAddr, String> {
    let value = std::env::var("AUTHROUTE_SPA_ADDR").unwrap_or_else(|_| DEFAULT_SPA_ADDR.into());
    value.parse().map_err(|_| {
        format!("invalid AUTHROUTE_SPA_ADDR `{value}`; expected HOST:PORT like {DEFAULT_SPA_ADDR}")
    })
}

/// Binds the SPA's listener; the error names the variable to change.
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr).await.map_err(|err| {
        format!("cannot listen on AUTHROUTE_SPA_ADDR={addr}: {err}; set AUTHROUTE_SPA_ADDR to a free HOST:PORT")
    })
}

/// Serves the page, pointing it at the API on `api`.
pub async fn serve(listener: tokio::net::TcpListener, api: SocketAddr) -> std::io::Result<()> {
    let page = PAGE.replace("__API_ORIGIN__", &format!("http://{api}"));
    let router = axum::Router::new().route("/", get(move || async move { Html(page) }));
    axum::serve(listener, router).await
}
