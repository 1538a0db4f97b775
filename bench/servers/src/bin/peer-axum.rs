//! (c) of the load benchmark: axum 0.8 with a hand-written `jsonwebtoken` bearer extractor,
//! written the way axum's `examples/jwt` does it (`FromRequestParts`, `TypedHeader`,
//! `decode::<Claims>`). jsonwebtoken 11 with the `aws_lc_rs` backend: the same version and
//! HMAC implementation as the authroute runtime.

use std::sync::LazyLock;

use authroute_bench_servers::{AUDIENCE, ISSUER, SECRET, WhoAmI, announce, listen_addr};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, RequestPartsExt, Router};
use axum_extra::TypedHeader;
use axum_extra::headers::Authorization;
use axum_extra::headers::authorization::Bearer;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;

struct Keys {
    decoding: DecodingKey,
    // The example builds `Validation::default()` per request; with an audience and an issuer
    // to check that would allocate two sets per request, which no tuned service does.
    validation: Validation,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[ISSUER]);
    // exp is on by default; nbf too, so that the checks match authroute's policy.
    validation.validate_nbf = true;
    Keys {
        decoding: DecodingKey::from_secret(SECRET.as_bytes()),
        validation,
    }
});

#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Claims {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let TypedHeader(Authorization(bearer)) = parts
            .extract::<TypedHeader<Authorization<Bearer>>>()
            .await
            .map_err(|_| AuthError::InvalidToken)?;
        let token_data = decode::<Claims>(bearer.token(), &KEYS.decoding, &KEYS.validation)
            .map_err(|_| AuthError::InvalidToken)?;
        Ok(token_data.claims)
    }
}

enum AuthError {
    InvalidToken,
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        // The example answers 400; 401 is what RFC 6750 asks and what the other servers do.
        let body = match self {
            AuthError::InvalidToken => Json(json!({"error": "invalid_token"})),
        };
        (StatusCode::UNAUTHORIZED, body).into_response()
    }
}

async fn whoami(claims: Claims) -> Json<WhoAmI> {
    Json(WhoAmI { sub: claims.sub })
}

#[tokio::main]
async fn main() {
    let addr = listen_addr("127.0.0.1:18082");
    LazyLock::force(&KEYS);
    let app = Router::new().route("/jwt/whoami", get(whoami));
    let listener = TcpListener::bind(addr).await.unwrap_or_else(|err| {
        eprintln!("error: cannot bind {addr}: {err}");
        std::process::exit(1);
    });
    announce(listener.local_addr().unwrap_or(addr));
    // authroute's server sets TCP_NODELAY too.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
