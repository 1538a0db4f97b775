//! authroute inside an axum service: `cargo run --example axum_mount`. Listens on
//! `AUTHROUTE_ADDR` (default 127.0.0.1:8070); the contract is in the README's axum section.

// `app` is shared with the tests, which use a few items the binary does not.
#[allow(dead_code)]
mod app;

const DEFAULT_ADDR: &str = "127.0.0.1:8070";

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=debug".into()),
        )
        .init();
    let addr = std::env::var("AUTHROUTE_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_string());
    if std::env::var_os("DEMO_JWT_SECRET").is_none() {
        tracing::warn!("DEMO_JWT_SECRET is unset; using the demo's development secret");
    }
    let router = match app::router().await {
        Ok(router) => router,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    };
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot listen on {addr} (AUTHROUTE_ADDR): {err}");
            std::process::exit(1);
        }
    };
    println!("authroute axum example listening on http://{addr}");
    println!("  GET /axum/health   plain axum, no auth");
    println!("  GET /axum/me       plain axum behind the jwt_demo layer");
    println!("  GET /axum/maybe    plain axum behind the public_or_jwt_demo layer");
    println!("  GET /api/whoami    the authroute route /whoami, nested under /api");
    if let Err(err) = axum::serve(listener, router).await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
