//! The demo application: routes, auth methods and data, shared by the demo binary and the
//! tests that check its contract (SPEC section 12).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use rusqlite::OptionalExtension;

use authroute::directory::{Directory, DirectoryError, NewUser, PasswordHasher, SqliteDirectory};
use authroute::session::{SessionError, SqliteSessionStore};
use authroute::{HttpError, Params, SessionControl};
use serde::Deserialize;

use authroute::{
    App, AuthError, AuthRequest, Caller, Claims, Json, Partner, StartupError, Uid, auth_method,
    route, validator,
};
use serde_json::{Value, json};

/// The public user (SPEC section 12).
pub const PUBLIC_UID: Uid = Uid(3);
/// The administrator.
pub const ADMIN_UID: Uid = Uid(1);

/// What the demo reads from its environment.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// The SQLite file (`AUTHROUTE_DB`, default under the system temp dir).
    pub db_path: PathBuf,
    /// Values for the validators' `env(...)` references that override the environment.
    pub vars: Vec<(String, String)>,
}

impl DemoConfig {
    pub fn from_env() -> Self {
        let db_path = std::env::var_os("AUTHROUTE_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("authroute-demo.sqlite3"));
        DemoConfig {
            db_path,
            vars: Vec::new(),
        }
    }

    /// The demo on this database file, other settings from the environment.
    pub fn with_db(db_path: PathBuf) -> Self {
        DemoConfig {
            db_path,
            vars: Vec::new(),
        }
    }
}

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot open the demo database: {0}")]
    Directory(#[from] DirectoryError),
    #[error("cannot open the demo session store: {0}")]
    Sessions(#[from] SessionError),
    #[error("cannot open the demo API key table: {0}")]
    ApiKeys(#[from] rusqlite::Error),
    #[error(transparent)]
    Startup(#[from] StartupError),
}

/// Builds the demo application on its SQLite file, seeding it on first start.
pub async fn build(config: &DemoConfig) -> Result<App, DemoError> {
    prometheus();
    let directory = SqliteDirectory::open(&config.db_path, PasswordHasher::default()).await?;
    seed(&directory).await?;
    let sessions = SqliteSessionStore::open(&config.db_path).await?;
    let api_keys = ApiKeys::open(&config.db_path)?;
    let cookie_secret = std::env::var("AUTHROUTE_COOKIE_SECRET").unwrap_or_else(|_| {
        tracing::warn!(
            "AUTHROUTE_COOKIE_SECRET is unset; using the demo's development cookie secret"
        );
        DEV_COOKIE_SECRET.to_string()
    });
    let mut builder = App::builder();
    for (name, value) in &config.vars {
        builder = builder.var(name, value);
    }
    Ok(builder
        .cookie_secret(cookie_secret)
        .realm("authroute-demo")
        .directory(Arc::new(directory))
        .sessions(Arc::new(sessions))
        .public_uid(PUBLIC_UID)
        .state(api_keys)
        // The demo serves plain http on loopback; real deployments keep `Secure` on.
        .secure_session_cookie(false)
        .build()
        .await?)
}

/// SPEC section 12's users, partners and groups, created once on an empty database.
///
/// A database seeded before groups existed gets the administrator's `admin` group on its next
/// start (idempotent), provided user 1 is still the demo's `admin`.
async fn seed(directory: &SqliteDirectory) -> Result<(), DirectoryError> {
    if !directory.is_empty().await? {
        let admin = directory.user(ADMIN_UID).await?;
        if admin.is_some_and(|user| user.login.as_deref() == Some("admin")) {
            directory.add_to_group(ADMIN_UID, "admin").await?;
        }
        return Ok(());
    }
    let admin = directory
        .add_partner("Administrator", Some("admin@example.com"))
        .await?;
    let marc = directory
        .add_partner("Marc Demo", Some("mark.brown23@example.com"))
        .await?;
    let public = directory.add_partner("Public user", None).await?;
    let users = [
        NewUser::new("Administrator")
            .login("admin")
            .password("admin")
            .partner(admin)
            .group("admin"),
        NewUser::new("Marc Demo")
            .login("demo")
            .password("demo")
            .partner(marc),
        NewUser::new("Public user").partner(public),
    ];
    for user in users {
        directory.add_user(user).await?;
    }
    Ok(())
}

/// The startup banner: the route table and ready-to-paste curl lines.
pub fn banner(app: &App, addr: SocketAddr) -> String {
    let mut out = String::from(
        "note: validator `demo_cookie` sets its `demo_auth` cookie without `Secure` so that it works over plain http; keep `Secure` on in real deployments\n\nroutes:\n",
    );
    for route in app.routes() {
        let methods = if route.methods.is_empty() {
            "*".to_string()
        } else {
            route.methods.join(",")
        };
        let required: Vec<String> = [
            ("grants", &route.grants),
            ("any_grants", &route.any_grants),
            ("groups", &route.groups),
            ("any_groups", &route.any_groups),
        ]
        .into_iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(label, names)| format!(" {label}={}", names.join(",")))
        .collect();
        let _ = writeln!(
            out,
            "  {methods:<8} {:<48} auth={}{}",
            route.path,
            route.auth,
            required.concat()
        );
    }
    let base = format!("http://{addr}");
    let _ = writeln!(out, "\ntry:");
    let _ = writeln!(out, "  curl -s {base}/");
    match authroute::testing::mint(app, "demo", json!({"email": "mark.brown23@example.com"})) {
        Ok(token) => {
            let _ = writeln!(
                out,
                "  curl -s {base}/auth_jwt_demo/whoami -H 'Authorization: Bearer {token}'"
            );
        }
        Err(err) => {
            let _ = writeln!(out, "  (could not mint a demo token: {err})");
        }
    }
    if let Ok(token) = authroute::testing::mint(app, "demo", json!({"scope": "read"})) {
        let _ = writeln!(
            out,
            "  curl -s {base}/auth_jwt_demo/scoped/read -H 'Authorization: Bearer {token}'  # scope read; /scoped/write answers 403"
        );
    }
    let _ = writeln!(
        out,
        "  curl -s {base}/api_key/whoami -H 'X-Api-Key: {DEMO_API_KEY}'"
    );
    let _ = writeln!(out, "  curl -s {base}/auth_jwt_demo/whoami-public-or-jwt");
    let _ = writeln!(
        out,
        "  curl -s -X POST {base}/custom_auth/test -H 'Content-Type: application/json' -H 'Authorization: 42' --data '{{\"params\": {{}}}}'"
    );
    out
}

/// The development secret used when `DEMO_JWT_SECRET` is unset (a warning is logged).
pub const DEV_SECRET: &str = "authroute-demo-development-secret-change-me";

validator! {
    name: "demo",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "HS256",
    secret: env("DEMO_JWT_SECRET", default = "authroute-demo-development-secret-change-me"),
    user: static(2),
    partner: email,
    partner_required: false,
    grants: { claim: "scope", known: ["read", "write"] },
}

validator! {
    name: "demo_claims",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "HS256",
    secret: env("DEMO_JWT_SECRET", default = "authroute-demo-development-secret-change-me"),
    // No user table behind these tokens: the identity is the verified token itself.
    user: none,
    partner: email,
    partner_required: false,
}

validator! {
    name: "demo_cookie",
    issuer: "theissuer",
    audience: ["auth_jwt_test_api"],
    algorithm: "HS256",
    secret: env("DEMO_JWT_SECRET", default = "authroute-demo-development-secret-change-me"),
    user: static(2),
    partner: email,
    partner_required: false,
    // Plain http on loopback: `Secure` cookies would never come back. The banner says so.
    cookie: { name: "demo_auth", secure: false },
}

validator! {
    name: "demo_keycloak",
    issuer: env("DEMO_KEYCLOAK_ISSUER", default = "http://localhost:8080/auth/realms/master"),
    audience: ["auth_jwt_test_api"],
    algorithm: "RS256",
    jwks_uri: env("DEMO_JWKS_URI", default = "http://localhost:8080/auth/realms/master/protocol/openid-connect/certs"),
    // The demo's Keycloak runs on loopback over plain http.
    allow_http: true,
    user: static(1),
    partner: email,
    partner_required: false,
    grants: { claim: "realm_access.roles", known: ["api-admin"] },
}

/// The cookie-mode secret used when `AUTHROUTE_COOKIE_SECRET` is unset (a warning is logged).
pub const DEV_COOKIE_SECRET: &str = "authroute-demo-cookie-secret-change-me-please";

/// `{"uid": ...}` plus the partner's `name` and `email` when one was found.
fn whoami_body(uid: Uid, partner: Option<Partner>) -> Json<Value> {
    let mut body = json!({ "uid": uid });
    if let Some(partner) = partner {
        body["name"] = json!(partner.name);
        body["email"] = json!(partner.email);
    }
    Json(body)
}

#[route("/auth_jwt_demo/whoami", methods = ["GET"], auth = "jwt_demo", cors = "*")]
async fn whoami(uid: Uid, partner: Option<Partner>) -> Json<Value> {
    whoami_body(uid, partner)
}

#[route("/auth_jwt_demo/whoami-public-or-jwt", methods = ["GET"], auth = "public_or_jwt_demo", cors = "*")]
async fn whoami_public_or_jwt(caller: Caller, partner: Option<Partner>) -> Json<Value> {
    whoami_body(caller.uid, partner)
}

#[route("/auth_jwt_demo_cookie/whoami", methods = ["GET"], auth = "jwt_demo_cookie", cors = "*")]
async fn whoami_cookie(uid: Uid, partner: Option<Partner>) -> Json<Value> {
    whoami_body(uid, partner)
}

#[route("/auth_jwt_demo_cookie/whoami-public-or-jwt", methods = ["GET"], auth = "public_or_jwt_demo_cookie", cors = "*")]
async fn whoami_cookie_public_or_jwt(caller: Caller, partner: Option<Partner>) -> Json<Value> {
    whoami_body(caller.uid, partner)
}

#[route("/auth_jwt_demo/keycloak/whoami", methods = ["GET"], auth = "jwt_demo_keycloak", cors = "*")]
async fn whoami_keycloak(uid: Uid, partner: Option<Partner>) -> Json<Value> {
    whoami_body(uid, partner)
}

#[route("/auth_jwt_demo/keycloak/whoami-public-or-jwt", methods = ["GET"], auth = "public_or_jwt_demo_keycloak", cors = "*")]
async fn whoami_keycloak_public_or_jwt(caller: Caller, partner: Option<Partner>) -> Json<Value> {
    whoami_body(caller.uid, partner)
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

#[route("/auth_jwt_demo/scoped/read", methods = ["GET"], auth = "jwt_demo", scopes = ["read"], cors = "*")]
async fn scoped_read(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/auth_jwt_demo/scoped/write", methods = ["GET"], auth = "jwt_demo", scopes = ["write"], cors = "*")]
async fn scoped_write(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[route("/auth_jwt_demo/keycloak/admin", methods = ["GET"], auth = "jwt_demo_keycloak", roles = ["api-admin"], cors = "*")]
async fn keycloak_admin(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[derive(Deserialize)]
struct Subject {
    sub: Value,
}

#[route("/auth_jwt_demo/claims/whoami", methods = ["GET"], auth = "jwt_demo_claims", cors = "*")]
async fn claims_whoami(Claims(token): Claims<Subject>) -> Json<Value> {
    Json(json!({ "sub": token.sub }))
}

/// `GET /api_key/whoami`: the user whose API key is in `X-Api-Key`.
#[route("/api_key/whoami", methods = ["GET"], auth = "api_key")]
async fn api_key_whoami(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

/// The demo's API keys, in a table of its SQLite file. Only SHA-256 digests are stored: keys
/// are long random strings, so a fast digest is enough to make a stolen table useless, and a
/// lookup by digest never compares the key itself.
#[derive(Clone)]
pub struct ApiKeys {
    db: Arc<Mutex<rusqlite::Connection>>,
}

/// The API key the seed gives user 2 (SPEC section 12.1).
pub const DEMO_API_KEY: &str = "demo-api-key-0123456789abcdef";

impl ApiKeys {
    /// Opens the table in the demo database, creating it and seeding user 2's key when new.
    pub fn open(path: &std::path::Path) -> Result<Self, rusqlite::Error> {
        let db = rusqlite::Connection::open(path)?;
        db.busy_timeout(std::time::Duration::from_secs(5))?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS demo_api_keys (
                 key_sha256 BLOB PRIMARY KEY,
                 uid INTEGER NOT NULL
             )",
        )?;
        let empty: bool = db.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM demo_api_keys)",
            [],
            |row| row.get(0),
        )?;
        if empty {
            db.execute(
                "INSERT INTO demo_api_keys (key_sha256, uid) VALUES (?1, ?2)",
                rusqlite::params![digest(DEMO_API_KEY), 2],
            )?;
        }
        Ok(ApiKeys {
            db: Arc::new(Mutex::new(db)),
        })
    }

    /// The uid owning `key`, if any; the query runs on the blocking pool.
    async fn owner(&self, key: &str) -> Result<Option<Uid>, String> {
        let (db, hash) = (self.db.clone(), digest(key));
        tokio::task::spawn_blocking(move || {
            let db = db
                .lock()
                .map_err(|_| "the API key store is poisoned".to_string())?;
            db.query_row(
                "SELECT uid FROM demo_api_keys WHERE key_sha256 = ?1",
                [hash],
                |row| row.get(0).map(Uid),
            )
            .optional()
            .map_err(|err| err.to_string())
        })
        .await
        .map_err(|err| err.to_string())?
    }
}

fn digest(key: &str) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, key.as_bytes())
        .as_ref()
        .to_vec()
}

/// `auth = "api_key"`: the `X-Api-Key` header looked up among the stored keys, then the owner
/// checked active in the directory; a missing or unknown key is 401 with an `ApiKey` challenge.
#[auth_method(challenge = "ApiKey", realm = "authroute-demo")]
pub async fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    let refused = || AuthError::denied("a valid `X-Api-Key` header is required");
    let key = req
        .header("x-api-key")
        .and_then(|key| std::str::from_utf8(key).ok())
        .ok_or_else(refused)?;
    let keys = req
        .state::<ApiKeys>()
        .ok_or_else(|| AuthError::unavailable("the API key store is not configured", 30))?;
    let owner = keys.owner(key).await.map_err(|err| {
        tracing::error!(error = %err, "API key lookup failed");
        AuthError::unavailable("the API key store is unavailable", 5)
    })?;
    let uid = owner.ok_or_else(refused)?;
    match req.directory().user(uid).await {
        Ok(Some(user)) if user.active => Ok(uid),
        Ok(_) => Err(refused()),
        Err(err) => {
            tracing::error!(error = %err, "directory lookup for an API key failed");
            Err(AuthError::unavailable(
                "the user directory is unavailable",
                5,
            ))
        }
    }
}

authroute::groups!("admin");

/// `POST /web/admin/ping`: session users in group `admin` only (user 1); others get 403.
#[route("/web/admin/ping", methods = ["POST"], type = "json", auth = "user", groups = ["admin"])]
async fn admin_ping(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

/// `GET /`: the route index.
#[route("/", methods = ["GET"], auth = "none")]
async fn index(app: App) -> Json<Value> {
    let routes: Vec<Value> = app
        .routes()
        .into_iter()
        .map(
            |r| json!({"path": r.path, "methods": r.methods, "auth": r.auth, "type": r.route_type, "grants": r.grants, "any_grants": r.any_grants, "groups": r.groups, "any_groups": r.any_groups}),
        )
        .collect();
    Json(json!({ "name": "authroute demo", "routes": routes }))
}

/// `POST /auth_jwt_demo/dev_token`: a token for validator `demo` with scope `read`, for the
/// SPA (section 15 of the SPEC). **Demo only**: it hands a valid token to anyone who asks; a
/// real application obtains tokens from its identity provider.
#[route("/auth_jwt_demo/dev_token", methods = ["POST"], auth = "none", cors = "*")]
async fn dev_token(app: App) -> Result<Json<Value>, HttpError> {
    let token =
        authroute::testing::mint(&app, "demo", json!({ "scope": "read" })).map_err(|err| {
            tracing::error!(%err, "cannot mint the demo token");
            HttpError::new(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "cannot mint the demo token",
            )
        })?;
    Ok(Json(json!({ "token": token })))
}

/// OpenTelemetry's default buckets for HTTP server durations, in seconds.
const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The process's Prometheus recorder, installed on first use (the tests build several demos in
/// one process; a process has one global recorder).
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(authroute::observe::REQUEST_DURATION.into()),
                &DURATION_BUCKETS,
            )
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics shows only its own");
        }
        // Histogram samples pile up until the exporter folds them in; fold them even when
        // nobody scrapes.
        let upkeep = handle.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(5));
                upkeep.run_upkeep();
            }
        });
        handle
    })
}

/// `GET /metrics`: the Prometheus text format.
#[route("/metrics", methods = ["GET"], auth = "none")]
async fn metrics_text() -> String {
    prometheus().render()
}

/// `GET /openapi.json`: the OpenAPI 3.1 document of every route, security included.
#[route("/openapi.json", methods = ["GET"], auth = "none", cors = "*")]
async fn openapi_json(app: App) -> Result<Json<Value>, HttpError> {
    let mut document = app.openapi();
    document.info.title = "authroute demo".into();
    document.info.description = Some("SPEC section 12: the demo application".into());
    serde_json::to_value(&document).map(Json).map_err(|err| {
        tracing::error!(%err, "cannot render the OpenAPI document");
        HttpError::new(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            "cannot render the OpenAPI document",
        )
    })
}

/// `POST /custom_auth/test` (seed 004).
#[route("/custom_auth/test", methods = ["POST"], type = "json", auth = "custom")]
async fn custom_auth_test(uid: Uid) -> Json<Value> {
    Json(json!({ "uid": uid }))
}

#[derive(Debug, Deserialize)]
struct Credentials {
    login: String,
    password: String,
}

/// Odoo's login: checks the password, starts a session, sets `session_id`.
#[route("/web/session/authenticate", methods = ["POST"], type = "json", auth = "none")]
async fn session_authenticate(
    Params(credentials): Params<Credentials>,
    control: SessionControl,
) -> Result<Json<Value>, HttpError> {
    let uid = control
        .authenticate(&credentials.login, &credentials.password)
        .await?;
    Ok(Json(json!({ "uid": uid })))
}

/// The logged-in user.
#[route("/web/session/get_session_info", methods = ["POST"], type = "json", auth = "user")]
async fn session_info(uid: Uid, app: App) -> Result<Json<Value>, HttpError> {
    let user =
        app.directory().user(uid).await.map_err(|err| {
            HttpError::new(http::StatusCode::SERVICE_UNAVAILABLE, err.to_string())
        })?;
    let user = user.ok_or_else(|| {
        HttpError::new(
            http::StatusCode::UNAUTHORIZED,
            "the session user no longer exists",
        )
    })?;
    Ok(Json(
        json!({ "uid": user.id, "login": user.login, "name": user.name }),
    ))
}

/// Logout.
#[route("/web/session/destroy", methods = ["POST"], type = "json", auth = "user")]
async fn session_destroy(control: SessionControl) -> Result<Json<Value>, HttpError> {
    control
        .logout()
        .await
        .map_err(|err| HttpError::new(http::StatusCode::SERVICE_UNAVAILABLE, err.to_string()))?;
    Ok(Json(Value::Null))
}
