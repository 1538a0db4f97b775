//! The demo application: routes, auth methods and data, shared by the demo binary and the
//! tests that check its contract (SPEC section 12).

use std::fmt::Write as _;
use std::net::SocketAddr;

use authroute::{App, AuthError, AuthRequest, Json, StartupError, Uid, auth_method, route};
use serde_json::{Value, json};

/// The public user (SPEC section 12).
pub const PUBLIC_UID: Uid = Uid(3);
/// The administrator.
pub const ADMIN_UID: Uid = Uid(1);

/// What the demo reads from its environment.
#[derive(Debug, Clone, Default)]
pub struct DemoConfig {}

impl DemoConfig {
    pub fn from_env() -> Self {
        DemoConfig {}
    }
}

/// Builds the demo application.
pub async fn build(config: &DemoConfig) -> Result<App, StartupError> {
    let _ = config;
    App::builder()
        .realm("authroute-demo")
        .public_uid(PUBLIC_UID)
        .secure_session_cookie(false)
        .build()
        .await
}

/// The startup banner: the route table and ready-to-paste curl lines.
pub fn banner(app: &App, addr: SocketAddr) -> String {
    let mut out = String::from("routes:\n");
    for route in app.routes() {
        let methods = if route.methods.is_empty() {
            "*".to_string()
        } else {
            route.methods.join(",")
        };
        let _ = writeln!(out, "  {methods:<8} {:<48} auth={}", route.path, route.auth);
    }
    let base = format!("http://{addr}");
    let _ = writeln!(out, "\ntry:");
    let _ = writeln!(out, "  curl -s {base}/");
    let _ = writeln!(
        out,
        "  curl -s -X POST {base}/custom_auth/test -H 'Content-Type: application/json' -H 'Authorization: 42' --data '{{\"params\": {{}}}}'"
    );
    out
}

/// Seed 004's custom method: `Authorization: 42` runs as the administrator, or as the
/// logged-in user when there is a session (the header is still required).
#[auth_method]
pub fn custom(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    match req.header("authorization") {
        Some(b"42") => Ok(req.session_uid().unwrap_or(ADMIN_UID)),
        _ => Err(AuthError::denied("this route requires `Authorization: 42`")),
    }
}

/// `GET /`: the route index.
#[route("/", methods = ["GET"], auth = "none")]
async fn index(app: App) -> Json<Value> {
    let routes: Vec<Value> = app
        .routes()
        .into_iter()
        .map(
            |r| json!({"path": r.path, "methods": r.methods, "auth": r.auth, "type": r.route_type}),
        )
        .collect();
    Json(json!({ "name": "authroute demo", "routes": routes }))
}

/// `POST /custom_auth/test` (seed 004).
#[route("/custom_auth/test", methods = ["POST"], type = "json", auth = "custom")]
async fn custom_auth_test(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}
