//! (d) of the load benchmark: the `jwt-authorizer` layer with an HS256 secret.
//!
//! jwt-authorizer 0.15, its newest release, depends on axum 0.7 and jsonwebtoken 9 (whose
//! HMAC comes from `ring`); no release works with axum 0.8, so this peer runs on axum 0.7.

use authroute_bench_servers::{AUDIENCE, ISSUER, SECRET, WhoAmI, announce, listen_addr};
use axum07::routing::get;
use axum07::{Json, Router};
use jwt_authorizer::{Authorizer, IntoLayer, JwtAuthorizer, JwtClaims, Validation};
use serde::Deserialize;
use tokio::net::TcpListener;

#[derive(Debug, Clone, Deserialize)]
struct Claims {
    sub: String,
}

async fn whoami(JwtClaims(claims): JwtClaims<Claims>) -> Json<WhoAmI> {
    Json(WhoAmI { sub: claims.sub })
}

#[tokio::main]
async fn main() {
    let addr = listen_addr("127.0.0.1:18083");
    // exp is on by default; nbf too, so that the checks match authroute's policy.
    let validation = Validation::new().iss(&[ISSUER]).aud(&[AUDIENCE]).nbf(true);
    let auth: Authorizer<Claims> = JwtAuthorizer::from_secret(SECRET)
        .validation(validation)
        .build()
        .await
        .unwrap_or_else(|err| {
            eprintln!("error: {err}");
            std::process::exit(1);
        });
    let app = Router::new()
        .route("/jwt/whoami", get(whoami))
        .layer(auth.into_layer());
    let listener = TcpListener::bind(addr).await.unwrap_or_else(|err| {
        eprintln!("error: cannot bind {addr}: {err}");
        std::process::exit(1);
    });
    announce(listener.local_addr().unwrap_or(addr));
    // authroute's server sets TCP_NODELAY too.
    if let Err(err) = axum07::serve(listener, app).tcp_nodelay(true).await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
