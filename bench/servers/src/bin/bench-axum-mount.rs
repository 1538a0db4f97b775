//! authroute inside axum, for the axum rows of the load benchmark: on one port an axum router
//! with the authroute route `/jwt/whoami` nested under `/api` (GET /api/jwt/whoami) and a plain
//! axum handler behind the `jwt_bench` auth layer (GET /axum/whoami), both reading the token's
//! `sub` like row (a) of `bench/run.sh`.
//!
//! `bench-axum-mount [ADDR]` (default 127.0.0.1:18086).

use std::sync::Arc;

use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Claims, Json, auth, route, routes, validator};
use authroute_bench_servers::{WhoAmI, announce, listen_addr};
use serde::Deserialize;
use tokio::net::TcpListener;

validator! {
    name: "bench",
    issuer: "https://bench.example",
    audience: ["bench_api"],
    algorithm: "HS256",
    secret: "bench-secret-0123456789abcdef-0123456789",
    user: static(1),
}

#[derive(Deserialize)]
struct Subject {
    sub: String,
}

#[route("/jwt/whoami", methods = ["GET"], auth = "jwt_bench")]
async fn jwt_whoami(Claims(claims): Claims<Subject>) -> Json<WhoAmI> {
    Json(WhoAmI { sub: claims.sub })
}

/// A plain axum handler; the claims come from the authroute layer.
async fn axum_whoami(Claims(claims): Claims<Subject>) -> axum::Json<WhoAmI> {
    axum::Json(WhoAmI { sub: claims.sub })
}

#[tokio::main]
async fn main() {
    let addr = listen_addr("127.0.0.1:18086");
    let directory = MemoryDirectory::new(PasswordHasher::default());
    directory
        .add_user(NewUser::new("Bench user"))
        .expect("an empty directory accepts a user");
    let app = App::builder()
        .directory(Arc::new(directory))
        .routes(routes![jwt_whoami])
        .build()
        .await
        .unwrap_or_else(|err| {
            eprintln!("error: {err}");
            std::process::exit(1);
        });
    let layer = app.auth_layer(auth!("jwt_bench")).unwrap_or_else(|err| {
        eprintln!("error: {err}");
        std::process::exit(1);
    });
    let router = axum::Router::new()
        .route("/axum/whoami", axum::routing::get(axum_whoami).layer(layer))
        .nest("/api", app.router());
    let listener = TcpListener::bind(addr).await.unwrap_or_else(|err| {
        eprintln!("error: cannot bind {addr}: {err}");
        std::process::exit(1);
    });
    announce(listener.local_addr().unwrap_or(addr));
    if let Err(err) = axum::serve(listener, router).await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
