//! The axum example's application, shared with its tests: authroute routes nested in an axum
//! router next to plain axum handlers behind authroute auth layers.

use std::sync::Arc;
use std::time::Duration;

use authroute::directory::{DirectoryError, MemoryDirectory, NewUser, PasswordHasher};
use authroute::{App, Caller, StartupError, Uid, auth, route, routes, validator};
use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The development secret used when `DEMO_JWT_SECRET` is unset (the demo's).
pub const DEV_SECRET: &str = "authroute-demo-development-secret-change-me";
/// The public user anonymous callers run as.
pub const PUBLIC_UID: Uid = Uid(3);

validator! {
    name: "demo",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "HS256",
    secret: env("DEMO_JWT_SECRET", default = "authroute-demo-development-secret-change-me"),
    user: static(2),
    partner: email,
    partner_required: false,
}

/// An authroute route, served by the axum router under `/api`.
#[route("/whoami", methods = ["GET"], auth = "jwt_demo")]
async fn whoami(uid: Uid) -> authroute::Json<Value> {
    authroute::Json(json!({ "uid": uid }))
}

/// Plain axum handlers.
async fn health() -> &'static str {
    "ok"
}

async fn me(uid: Uid) -> axum::Json<Value> {
    axum::Json(json!({ "uid": uid }))
}

async fn maybe(caller: Caller) -> axum::Json<Value> {
    axum::Json(json!({ "uid": caller.uid }))
}

/// Why the example cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ExampleError {
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Startup(#[from] StartupError),
}

/// The whole router: `/axum/health`, `/axum/me`, `/axum/maybe` and `/api/whoami`, wrapped in
/// tower-http's trace and timeout layers.
pub async fn router() -> Result<Router, ExampleError> {
    let directory = MemoryDirectory::new(PasswordHasher::default());
    let marc = directory.add_partner("Marc Demo", Some("mark.brown23@example.com"));
    let public = directory.add_partner("Public user", None);
    directory.add_user_with_id(Uid(2), NewUser::new("Marc Demo").partner(marc))?;
    directory.add_user_with_id(PUBLIC_UID, NewUser::new("Public user").partner(public))?;
    let app = App::builder()
        .directory(Arc::new(directory))
        .public_uid(PUBLIC_UID)
        .routes(routes![whoami])
        .build()
        .await?;

    let router = Router::new()
        .route("/axum/health", get(health))
        .route(
            "/axum/me",
            get(me).layer(app.auth_layer(auth!("jwt_demo"))?),
        )
        .route(
            "/axum/maybe",
            get(maybe).layer(app.auth_layer(auth!("public_or_jwt_demo"))?),
        )
        .nest("/api", app.router())
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(5),
        ))
        .layer(TraceLayer::new_for_http());
    Ok(router)
}
