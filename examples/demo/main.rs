//! The authroute demo: `cargo run --example demo`. Its contract is fixed by SPEC section 12.

// `app` is shared with the tests, which use a few items the binary does not.
#[allow(dead_code)]
mod app;
mod spa;

use std::net::SocketAddr;

const DEFAULT_ADDR: &str = "127.0.0.1:8069";

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,authroute=info,authroute::access=off".into()),
        )
        .init();

    let addr = match listen_addr() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    let app = match app::build(&app::DemoConfig::from_env()).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    };
    let spa_addr = match spa::spa_addr() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    let spa_listener = match spa::bind(spa_addr).await {
        Ok(listener) => listener,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(1);
        }
    };
    tokio::spawn(async move {
        if let Err(err) = spa::serve(spa_listener, addr).await {
            tracing::error!(%err, "the SPA server stopped");
        }
    });
    println!("authroute demo listening on http://{addr}");
    println!("demo SPA (calls the API cross-origin) on http://{spa_addr}\n");
    print!("{}", app::banner(&app, addr));
    if let Err(err) = app.serve(addr).await {
        eprintln!("error: cannot serve on {addr}: {err}");
        std::process::exit(1);
    }
}

/// `--addr HOST:PORT`, else `AUTHROUTE_ADDR`, else 127.0.0.1:8069.
fn listen_addr() -> Result<SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut chosen = std::env::var("AUTHROUTE_ADDR").ok();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => {
                chosen = Some(
                    args.next()
                        .ok_or("--addr needs a value like 127.0.0.1:8069")?,
                )
            }
            other if other.starts_with("--addr=") => {
                chosen = Some(other["--addr=".len()..].to_string())
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}`; the demo accepts `--addr HOST:PORT`"
                ));
            }
        }
    }
    let value = chosen.unwrap_or_else(|| DEFAULT_ADDR.to_string());
    value.parse().map_err(|_| {
        format!("invalid listen address `{value}`; expected HOST:PORT like {DEFAULT_ADDR}")
    })
}
