//! # authroute
//!
//! Routes declare how they are authenticated, and the compiler checks it.
//!
//! ```standalone_crate
//! use authroute::{AuthError, AuthRequest, Caller, Json, Uid, auth_method, route};
//! use serde_json::{Value, json};
//!
//! /// `Authorization: 42` runs as user 1 (Odoo's classic custom auth method example).
//! #[auth_method]
//! fn custom(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
//!     match req.header("authorization") {
//!         Some(b"42") => Ok(req.session_uid().unwrap_or(Uid(1))),
//!         _ => Err(AuthError::denied("the `Authorization` header must be 42")),
//!     }
//! }
//!
//! #[route("/whoami", methods = ["GET"], auth = "custom")]
//! async fn whoami(uid: Uid) -> Json<Value> {
//!     Json(json!({ "uid": uid }))
//! }
//!
//! #[route("/hello", methods = ["GET"], auth = "public", cors = "*")]
//! async fn hello(caller: Caller) -> Json<Value> {
//!     Json(json!({ "uid": caller.uid }))
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use authroute::directory::{MemoryDirectory, NewUser, PasswordHasher};
//! let directory = MemoryDirectory::new(PasswordHasher::default());
//! let public = directory.add_user(NewUser::new("Public user"))?;
//! let app = authroute::App::builder()
//!     .directory(std::sync::Arc::new(directory))
//!     .public_uid(public)
//!     .build()
//!     .await?;
//! let server = app.spawn("127.0.0.1:0".parse()?).await?;
//! # server.shutdown().await;
//! # Ok(()) }
//! # fn main() { tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap(); }
//! ```
//!
//! A typo such as `auth = "custm"` does not compile: the error sits under the string and
//! rustc suggests `auth_custom`, the marker of the method you meant. Asking for `Uid` on an
//! `auth = "none"` route does not compile either:
//!
//! ```compile_fail
//! #[authroute::route("/x", auth = "none")]
//! async fn x(uid: authroute::Uid) -> String { uid.to_string() }
//! # fn main() {}
//! ```
//!
//! ## How it fits together
//!
//! - [`route`], [`auth_method`] and [`validator!`] declare static descriptors and register them
//!   through `inventory`. A route's auth string is parsed once, by the macro, into a reference
//!   to the exact validator or method it names; nothing is looked up by name at run time.
//! - [`App::builder`] gathers the routes (every route of the binary, or explicit
//!   [`RouteSet`]s, possibly under prefixes), the stores, the settings ([`Config`]) and the
//!   application state ([`State`]), checks the whole configuration once ([`StartupError`]
//!   lists every [`Problem`]), and compiles the route table (`matchit`), each route with its
//!   ready authenticator.
//! - Per request, the route's auth method runs on the request head; the body is read only
//!   once the caller is authenticated, then the handler runs. [`App::handle`] serves one
//!   `http::Request` in process (the app is also a `tower::Service`); [`App::serve`] is the
//!   built-in hyper server, with the head, body and handler timeouts of [`Config`].
//!
//! ## Cargo features
//!
//! | feature | default | adds | brings in |
//! |---|---|---|---|
//! | `sqlite` | yes | `directory::SqliteDirectory`, `session::SqliteSessionStore`; implies `password` | rusqlite with bundled SQLite |
//! | `jwks` | yes | validators with `jwks_uri` or `discovery: true`: keys fetched over HTTPS, cached and refreshed (`jwt::jwks::JwksCache`) | reqwest, rustls |
//! | `password` | yes | password hashing (argon2id) and logins: [`directory::PasswordHasher`], [`SessionControl::authenticate`] | argon2 |
//! | `metrics` | yes | request, auth-decision and JWKS metrics through the `metrics` facade, with OpenTelemetry's HTTP names ([`observe`]); a no-op until the application installs an exporter | metrics |
//! | `openapi` | yes | `App::openapi`: an OpenAPI 3.1 document of the routes, their parameters and their security, from the checked auth declarations ([`openapi`]) | utoipa |
//! | `testing` | no | `testing::mint` (tokens for the declared validators) and `testing::TestClient` (requests in process), for application tests | - |
//! | `axum` | no | `App::router`, `App::auth_layer` and axum extractors for authroute's identity types (see `authroute::axum`) | axum 0.8 (without its default features) |
//!
//! With `default-features = false` an application keeps everything else: the macros, HMAC and
//! PEM validators, custom auth methods, the in-memory directory and session store, and the server
//! (HTTP/1.1 and HTTP/2), with half the dependencies (85 crates instead of 176 when this was
//! written; CI keeps it at 90 or fewer).
//!
//! - Without `jwks`, a `validator!` declaring `jwks_uri` or `discovery: true` still compiles (the
//!   macro cannot see the runtime's features) but is a startup problem,
//!   [`Problem::Validator`], that names the validator and the feature, reported with the others.
//! - Without `password`, [`directory::PasswordHasher`] remains so that
//!   `MemoryDirectory::new(PasswordHasher::default())` and users without a password (such as the
//!   public user) work unchanged, but it hashes nothing: adding a user with a password and every
//!   login fail with [`directory::DirectoryError::PasswordFeatureDisabled`] (a login route
//!   answers 503 and logs that error).
//!
//! ## Auth methods
//!
//! | auth string | meaning |
//! |---|---|
//! | `none` | no authentication, no user |
//! | `public` | the session user if logged in, else the configured public user |
//! | `user` (default) | a logged-in session is required, else 401 |
//! | `jwt_<validator>` | a valid bearer token for that validator (or its cookie, in cookie mode), else 401; a request with a logged-in session is refused |
//! | `public_or_jwt_<validator>` | no `Authorization` header (and no cookie): as `public`; otherwise exactly as `jwt_<validator>` (a bad token is 401, never anonymous) |
//! | `jwt`, `public_or_jwt` | the same with the application's only validator (zero or several is a startup error) |
//! | any other name | a custom method declared with [`auth_method`] |
//!
//! The name after `jwt_` is the validator's whole name: `jwt_jwt_x` is validator `jwt_x`.
//!
//! Every 401 carries one `WWW-Authenticate: Bearer realm="..."` header and a JSON body
//! `{"error", "error_description"}` (RFC 6750); on `type = "json"` routes the body is a
//! JSON-RPC error object with the same status.
//!
//! ## Scopes, roles and claims-only validators
//!
//! A validator declares where its grants live and which exist; a route lists the ones it
//! requires (`scopes`/`roles`: all of them, `any_scopes`/`any_roles`: one of them). A grant
//! the validator does not declare is a compile error under the name, listing the declared
//! ones; grants on a route that cannot carry them (`none`, `public`, `user`) are a compile
//! error too (session routes require groups instead, below).
//!
//! ```
//! use authroute::{Json, Uid, route, validator};
//!
//! validator! {
//!     name: "api", issuer: "https://issuer.example", audience: ["api"], algorithm: "HS256",
//!     secret: env("API_SECRET"), user: claim("email"),
//!     // a space-separated string or an array of strings; dotted paths reach nested claims
//!     // such as Keycloak's `realm_access.roles`
//!     grants: { claim: "scope", known: ["read", "write"] },
//! }
//!
//! #[route("/notes", methods = ["POST"], auth = "jwt_api", scopes = ["write"])]
//! async fn create(uid: Uid) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "uid": uid }))
//! }
//! # fn main() {}
//! ```
//!
//! A token without a required grant gets `403` with `WWW-Authenticate: Bearer realm="api",
//! error="insufficient_scope", scope="write"` (RFC 6750 3.1), checked after authentication and
//! before the body is read; in a chain the grants of the validator that accepted the token
//! count, and an anonymous caller of a `public_or_jwt_*` route holds none.
//!
//! The `user` strategy says who the token is: `static(<uid>)`, `claim("email")` (the active
//! directory user whose login equals that string claim, else 401), `custom(path)`, or `none`:
//! a **claims-only** validator, for services without a user table. Its routes take
//! [`Claims<T>`] and [`ValidatorName`], and asking for [`Uid`] is a compile error (the columns
//! "claims-only" below). A chain's validators are all claims-only or none is.
//!
//! ## Groups
//!
//! Session users may belong to groups (Odoo's `res.groups`), which the [`Directory`] knows
//! ([`Directory::groups`]; seed them with [`directory::NewUser::group`] or `add_to_group`). A
//! `user` or `public` route may require groups: `groups = [...]` (every one) and
//! `any_groups = [...]` (at least one), both optional.
//! The names are checked at compile time against those declared with [`groups!`], with the
//! error under the string:
//!
//! ```
//! authroute::groups!("admin", "billing");
//!
//! #[authroute::route("/web/admin/ping", type = "json", auth = "user", groups = ["admin"])]
//! async fn ping(uid: authroute::Uid) -> authroute::Json<serde_json::Value> {
//!     authroute::Json(serde_json::json!({ "uid": uid }))
//! }
//! # fn main() {}
//! ```
//!
//! After authentication and before the body is read, the directory is asked for the session
//! user's groups. Outside them: `403` with `{"error": "forbidden", "error_description"}` (on
//! `type = "json"` routes, a JSON-RPC error with the same status and `data.error`), no
//! `WWW-Authenticate`, and the handler does not run; the refusal is logged at `info` with the
//! route and the required groups. The public user of an anonymous request on a `public` route
//! holds no groups, so it gets the 403 too; without a session a `user` route still answers 401
//! first. A directory failure is a 503. Groups on `none`, custom or JWT routes do not compile
//! (JWT routes require scopes or roles instead, declared by their validator).
//!
//! ## Error responses
//!
//! The errors the framework answers itself (404, 405, the 401/403/503 of authentication, 400
//! for an unreadable body, a bad JSON-RPC envelope or arguments that do not extract, 413, 408,
//! the 503 of a handler timeout, the 500 of a handler panic, and the JSON-RPC error objects of
//! those on `type = "json"` routes) get their body from an [`ErrorRenderer`], registered with
//! [`AppBuilder::error_renderer`]; the default, [`DefaultErrorRenderer`], is the JSON described
//! above. The renderer sees an [`ErrorView`] (status, a stable code such as `invalid_token` or
//! `payload_too_large`, the message safe to show, the matched route, the required grants of a
//! 403, the JSON-RPC error object and id) and answers a [`RenderedError`]: body, content type,
//! extra headers. Whatever it answers, the framework sets the status, `WWW-Authenticate`,
//! `Retry-After`, `Allow`, `Connection: close`, `Set-Cookie` and CORS headers itself, after it;
//! a renderer that panics gets the default body for that error and a log line at `error`
//! level. The same renderer serves the built-in server, [`App::handle`] (and the test client),
//! `App::router` and the axum auth layers. Errors a handler returns are its own and do not go
//! through it, and neither do the rejections of the axum extractors nor axum's own 404.
//!
//! ## Handler arguments
//!
//! Which arguments a handler may take depends on its route's auth method; any other argument
//! is a compile error naming the argument and the auth method.
//!
//! | argument | `none` | `public` | `user` | custom | `jwt_*` | `public_or_jwt_*` | claims-only `jwt_*` | claims-only `public_or_jwt_*` |
//! |---|---|---|---|---|---|---|---|---|
//! | [`Uid`] (the authenticated user) |  |  | yes | yes | yes |  |  |  |
//! | `Option<Uid>` (the authenticated user, `None` when anonymous) |  | yes |  |  |  | yes |  |  |
//! | [`Caller`] (the uid the request runs as) |  | yes | yes | yes | yes | yes |  |  |
//! | [`Session`] |  |  | yes |  |  |  |  |  |
//! | `Option<Session>` |  | yes |  | yes |  |  |  |  |
//! | [`Option<Partner>`](Partner), `Option<PartnerId>` |  |  |  |  | yes | yes | yes | yes |
//! | [`Claims<T>`] |  |  |  |  | yes |  | yes |  |
//! | `Option<Claims<T>>` (custom: the method's [`MethodIdentity::claims`]) |  |  |  | yes |  | yes |  | yes |
//! | [`ValidatorName`] |  |  |  |  | yes |  | yes |  |
//! | `Option<ValidatorName>` |  |  |  |  |  | yes |  | yes |
//! | [`Path<T>`], [`PathParams`], [`Query<T>`] | yes | yes | yes | yes | yes | yes | yes | yes |
//! | [`Json<T>`], [`Form<T>`], [`Bytes`], [`Params<T>`] (`type = "json"` routes) | yes | yes | yes | yes | yes | yes | yes | yes |
//! | [`http::HeaderMap`], [`http::Method`], [`http::Uri`], [`Cookies`], [`ClientAddr`], `Option<ClientAddr>`, [`RawRequest`] | yes | yes | yes | yes | yes | yes | yes | yes |
//! | [`State<T>`], [`App`], [`SessionControl`] | yes | yes | yes | yes | yes | yes | yes | yes |
//!
//! The body arguments ([`Json<T>`], [`Form<T>`], [`Bytes`], [`Params<T>`], [`RawRequest`])
//! see a body read only after the request was authenticated.
//!
//! ## Security model
//!
//! Every header, token, cookie, JWKS document and body is treated as hostile.
//!
//! | input | rejected | status |
//! |---|---|---|
//! | `Authorization` | absent (`jwt_*`), repeated, not `Bearer <token68>` (scheme matched case-insensitively, RFC 9110 11.1), non-UTF-8, control characters, tabs, comma-joined pairs | 401, `error="invalid_request"` when present but malformed (RFC 6750 3.1) |
//! | token size | over the validator's cap (default 8 KiB), checked before any decoding | 401 `invalid_token` |
//! | structure | not three base64url segments without padding (RFC 7515 7.1), five segments (JWE, RFC 7516), JSON serialization | 401 `invalid_token` |
//! | header | `alg` other than the validator's one algorithm (so `none` in any case, and RS/HS confusion, RFC 8725 3.1-3.2), `crit` (RFC 7515 4.1.11: we understand no extension), `b64` (RFC 7797), `zip`, `enc`, `cty: JWT` (nested tokens), wrong JSON types, duplicate members (RFC 7515 5.2, RFC 8259 4), a `typ` other than the required one (RFC 9068) | 401 `invalid_token` |
//! | keys | never taken from the token: `jwk`, `jku`, `x5u`, `x5c` are ignored, `kid` is only a lookup key (RFC 8725 3.10) | - |
//! | claims | `exp`, `aud`, `iss` missing or of the wrong JSON type, `iss` arrays, `nbf`, `iat`, `sub`, `jti` of the wrong JSON type (RFC 7519 4.1), `aud` not containing an accepted audience (exact comparison), expired, `nbf`/`iat` in the future (RFC 7519 4.1), lifetime over `max_lifetime`, duplicate members, non-object payloads | 401 `invalid_token` |
//! | JWKS | keys whose `kty`/curve do not fit, `use` other than `sig`, `key_ops` without `verify`, another `alg`, private members, RSA under 2048 bits (RFC 7517, RFC 7518 3.3); documents over the size cap, redirects to other hosts, plain http unless allowed | keys skipped; no keys at all: 503 with `Retry-After` |
//! | session cookie | unknown, expired or malformed ids are no session; a JWT route called with a session | 401 |
//! | body | over the limit (default 1 MiB) | 413 |
//! | slow clients | a request head not received within `head_timeout` (default 15 s); a body not received within `body_timeout` (30 s) | connection closed; 408 |
//! | slow handlers | running past `handler_timeout` (30 s) | 503 |
//!
//! Error bodies are JSON `{"error", "error_description"}` and never contain the token; the
//! description is the same for every cause inside `invalid_token`, details go to `tracing` at
//! `info` level (never the token itself). A validator chain lists one line per validator.
//! Configuration mistakes (short HMAC secrets, unreadable or wrong-kind keys, missing
//! environment variables, duplicate routes or validators, chain cycles, unknown static users)
//! are compile errors or startup errors, never per-request 500s.
//!
//! Secrets (HMAC secrets, the cookie secret, values given with [`AppBuilder::var`]) are held in
//! a [`Secret`], whose `Debug` prints `[redacted]`: the `Debug` of the configuration, of a
//! validator or of a key never shows one, and neither does the log.
#![deny(missing_docs)]

// The layers, top to bottom; a module uses only the ones below it:
//   app           App and AppBuilder: gather, compile, serve
//   server        serves any tower Service (hyper): accept loop, head timeout, shutdown
//   pipeline      per request: route, preflight, authenticate (head only), body, handler
//   compile       startup: descriptors + config + stores -> route table, or every problem
//   extract       handler arguments, typed by auth kind
//   auth          where the caller is identified; auth/jwt.rs checks bearer tokens
//   route_set     which declared routes an application serves, under which prefix
//   registry      what the macros declare: descriptors linked by reference
//   request       what user code sees of a request: RequestContext, AuthRequest, Identity
//   services      the shared stores, clock, settings and state
//   config, state, cookie_header, and the leaves: jwt (decoding policy, keys, caches),
//   directory, session, rpc, response, error, identity, clock, kind, secret
mod app;
mod auth;
#[cfg(feature = "axum")]
pub mod axum;
mod compile;
mod config;
mod cookie_header;
mod extract;
mod pipeline;
mod registry;
mod render;
mod request;
mod route_set;
mod server;
mod services;
mod state;

pub mod clock;
mod defaults;
pub mod directory;
mod error;
mod identity;
pub mod jwt;
pub mod kind;
pub mod observe;
#[cfg(feature = "openapi")]
pub mod openapi;
mod response;
pub mod rpc;
mod secret;
pub mod session;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

pub use app::{App, AppBuilder};
pub use compile::table::RouteInfo;
pub use compile::{Problem, StartupError, UserProblem};
pub use config::Config;
pub use directory::{Directory, Partner, User};
pub use error::{AuthError, BearerError};
pub use extract::{
    Caller, Claims, ClientAddr, Cookies, Form, FromRequest, Params, Path, PathParams, Query,
    RawRequest, SessionControl, State, ValidatorName,
};
pub use identity::{PartnerId, Uid};
pub use jwt::config::TokenContext;
pub use registry::{Auth, IntoMethodIdentity, MethodIdentity};
pub use render::{DefaultErrorRenderer, ErrorRenderer, ErrorView, RenderedError};
pub use request::AuthRequest;
pub use response::{HttpError, IntoResponse, Json, Response};
pub use route_set::RouteSet;
pub use rpc::{IntoRpcResult, RpcError};
pub use secret::Secret;
pub use server::ServerHandle;
pub use session::{Session, SessionStore};

/// Request and response bodies as bytes.
pub use bytes::Bytes;
/// The `http` crate, whose types (`HeaderMap`, `Method`, `Uri`, `StatusCode`, `Request`) appear
/// in handler arguments and responses.
pub use http;

/// Declares an HTTP route on an `async fn` handler.
///
/// ```
/// use authroute::{Json, Uid, route};
///
/// #[route("/me", methods = ["GET"], auth = "user", cors = "*")]
/// async fn me(uid: Uid) -> Json<serde_json::Value> {
///     Json(serde_json::json!({ "uid": uid }))
/// }
/// # fn main() {}
/// ```
///
/// Arguments: the path (a string literal: `/`-separated literal segments and `{name}`
/// parameters, `{*rest}` last), then any of `methods = ["GET", ...]` (default: every method),
/// `auth = "..."` (default `user`), `type = "http" | "json"` (default `http`; `json` speaks
/// JSON-RPC 2.0), `cors = "<origin>"`, on JWT routes `scopes = [...]` / `any_scopes = [...]`
/// (alias `roles`, `any_roles`), and on `user` and `public` routes `groups = [...]` /
/// `any_groups = [...]` (groups declared with [`groups!`]; see the crate docs' "Groups").
///
/// # Scoping rule for auth names
///
/// `auth = "custom"`, `auth = "jwt_<name>"` and `auth = "public_or_jwt_<name>"` are resolved
/// by rustc, through hidden marker types that the declarations emit:
///
/// | declaration | marker |
/// |---|---|
/// | `validator! { name: "demo", ... }` | `jwt_demo` (for `jwt_demo` and `public_or_jwt_demo`) |
/// | `#[auth_method] fn custom` | `auth_custom` |
///
/// A marker has the declaration's visibility: the function's for an auth method, the
/// validator's optional leading one (`validator! { pub name: "demo", ... }`); without one it is
/// `pub(crate)` (write `pub(self)` to keep it in its module). A route, or a validator's `next`,
/// sees a marker when it is in scope as an ordinary item: declared in the same module (in any
/// order), or imported with `use` from another module (`use crate::auth::auth_custom;`,
/// `use super::jwt_demo;`, a glob) or from another crate that declares it `pub`
/// (`use shared_auth::{jwt_corp, auth_api_key};`, re-exports included). Markers are types, so
/// a function or constant of the same name does not clash with them (a type or module would).
/// When one is missing, the compiler says "cannot find type `auth_custm` in this scope" under
/// the string and suggests the similar name or the import.
///
/// Declarations from other crates join the registry like local ones: an application built with
/// the default route set makes every validator of the binary ready at startup (each needs its
/// configuration, such as its `env("...")` variables), one built with [`AppBuilder::routes`]
/// only those its routes use.
pub use authroute_macros::route;

/// Declares a custom auth method: a plain `fn(&AuthRequest<'_>) -> Result<Uid, AuthError>`
/// or an `async fn` with the same argument and output, whose name becomes a valid
/// `auth = "..."` string. It may not reuse a built-in name (`none`, `public`, `user`, `jwt`,
/// `public_or_jwt`) nor start with `jwt_` or `public_or_jwt_`.
///
/// ```
/// use authroute::{AuthError, AuthRequest, Uid, auth_method};
///
/// #[auth_method]
/// fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
///     match req.header("x-api-key") {
///         Some(b"s3cr3t") => Ok(Uid(2)),
///         _ => Err(AuthError::denied("a valid `X-Api-Key` header is required")),
///     }
/// }
/// # fn main() {}
/// ```
///
/// An `async fn` may `.await`, for example the [`AuthRequest::directory`]; its future must be
/// `Send`, and it runs before the body is read, like every auth method. Its refusals are 401s, with
/// `WWW-Authenticate: Bearer realm="<app realm>"` by default. `challenge = "<scheme>"` names
/// the scheme its 401s announce instead, and `realm = "..."` their realm (default: the
/// application's, [`AppBuilder::realm`]); every 401 still carries exactly one challenge, on
/// `type = "json"` routes too:
///
/// ```
/// use std::collections::HashMap;
/// use authroute::{AuthError, AuthRequest, Uid, auth_method};
///
/// /// Registered with `AppBuilder::state`.
/// #[derive(Clone)]
/// struct ApiKeys(HashMap<String, Uid>);
///
/// /// `X-Api-Key: <key>` runs as the key's user while that user is active; refusals answer
/// /// `401` with `WWW-Authenticate: ApiKey realm="<app realm>"`.
/// #[auth_method(challenge = "ApiKey")]
/// async fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
///     let refused = || AuthError::denied("a valid `X-Api-Key` header is required");
///     let key = req.header("x-api-key").ok_or_else(refused)?;
///     let keys = req.state::<ApiKeys>().ok_or_else(refused)?;
///     let key = std::str::from_utf8(key).map_err(|_| refused())?;
///     let uid = *keys.0.get(key).ok_or_else(refused)?;
///     match req.directory().user(uid).await {
///         Ok(Some(user)) if user.active => Ok(uid),
///         _ => Err(refused()),
///     }
/// }
/// # fn main() {}
/// ```
///
/// Arguments, each at most once: `challenge` (an RFC 9110 auth scheme token) and `realm`
/// (printable ASCII without `"` or `\`). A realm set on the returned [`AuthError`] wins over
/// the declared one.
pub use authroute_macros::auth_method;

/// Declares a JWT validator; `auth = "jwt_<name>"` and `"public_or_jwt_<name>"` then refer to
/// it (see [`route`] for the scoping rule).
///
/// ```
/// authroute::validator! {
///     name: "demo",
///     issuer: "theissuer",
///     audience: ["auth_jwt_test_api"],
///     algorithm: "HS256",
///     secret: env("DEMO_JWT_SECRET", default = "a development secret of at least 32 bytes!"),
///     user: static(2),
///     partner: email,
/// }
///
/// #[authroute::route("/whoami", methods = ["GET"], auth = "jwt_demo")]
/// async fn whoami(uid: authroute::Uid) -> String { uid.to_string() }
/// # fn main() {}
/// ```
///
/// Fields: `name`, `issuer`, `audience` (list, or `env("VAR")` comma-separated), `algorithm`
/// (HS256/384/512, RS*, PS*, ES256/384, EdDSA), exactly one key source (`secret`,
/// `public_key` (PEM text), `public_key_file`, `jwks_uri`, `discovery: true`), `leeway`
/// (seconds, default 0, at most 300), `typ`, `max_lifetime`, `user` (`static(<uid>)` or
/// `custom(path)`), `partner` (`none`, `email` or `custom(path)`), `partner_required`,
/// `next` (chain), `cookie` (`true` or `{ name, path, max_age, secure, same_site }`),
/// `allow_http`. String values may be `env("VAR")` or `env("VAR", default = "...")`, read at
/// startup. Mistakes are compile errors under the offending token.
///
/// An optional leading visibility is that of the validator's `jwt_<name>` marker (default
/// `pub(crate)`): a library declares `validator! { pub name: "corp", ... }` and applications
/// `use the_library::jwt_corp;` before naming `auth = "jwt_corp"`.
/// `jwks_uri` and `discovery` need the `jwks` feature (on by default); without it they are a
/// startup error naming the validator and the feature.
pub use authroute_macros::validator;

/// Declares the group names that `groups = [...]` and `any_groups = [...]` on `user` and
/// `public` routes may require: `groups!("admin", "billing");`, at item level.
///
/// A name is a lower-case ASCII letter or `_`, then lower-case ASCII letters, digits, `_` or
/// `-` ([`directory::is_valid_group_name`]), declared once. Each group becomes a hidden marker
/// type, `group_<name>` (a `-` is written `_H_`: `read-only` is `group_read_H_only`), which
/// routes resolve like validators' markers (see [`route`], "Scoping rule for auth names"): it is
/// `pub(crate)` unless the declaration starts with a visibility (`groups!(pub "admin")` lets
/// other crates `use the_crate::group_admin;`). A route naming an undeclared group does not
/// compile: "cannot find type `group_admn` in this scope", under the string, with rustc's
/// suggestion of the similar name. Declaring a group does not create it anywhere: membership
/// lives in the directory.
///
/// ```
/// authroute::groups!("admin", "read-only");
///
/// #[authroute::route("/reports", auth = "user", any_groups = ["admin", "read-only"])]
/// async fn reports() -> &'static str { "reports" }
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// authroute::groups!("admin");
///
/// #[authroute::route("/billing", auth = "user", groups = ["billing"])]
/// async fn billing() -> &'static str { "billing" }
/// # fn main() {}
/// ```
pub use authroute_macros::groups;

/// An explicit set of routes, named by their handler functions (paths work too):
/// `routes![whoami, admin::stats]`. A name that is not a `#[route]` handler does not compile.
/// See [`RouteSet`].
///
/// ```standalone_crate
/// use authroute::{route, routes};
///
/// #[route("/whoami", methods = ["GET"], auth = "none")]
/// async fn whoami() -> &'static str { "nobody" }
///
/// # async fn run() -> Result<(), authroute::StartupError> {
/// let app = authroute::App::builder().mount("/api", routes![whoami]).build().await?;
/// assert_eq!(app.routes()[0].path, "/api/whoami");
/// # Ok(()) }
/// # fn main() { tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap(); }
/// ```
pub use authroute_macros::routes;

/// A compile-checked reference to an auth method, for code outside `#[route]` (the axum
/// layer): `auth!("jwt_demo")` is checked exactly as `#[route(..., auth = "jwt_demo")]` is,
/// with the error under the string when the validator or method does not exist. See [`Auth`].
pub use authroute_macros::auth;

/// For generated code only; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::extract::FromRequest;
    pub use crate::extract::{DeclareNeeds, DeclareNothing, NeedsOf};
    pub use crate::jwt::config::{
        CookieDef, GrantsDef, KeySource, ListSource, PartnerStrategy, UserStrategy, ValidatorDef,
        ValueSource, check_grant,
    };
    pub use crate::registry::{
        AuthDef, AuthMethodDef, AuthMethodLink, GrantRule, GroupLink, HandlerFuture, Needs,
        PLACEHOLDER_AUTH_METHOD, PLACEHOLDER_VALIDATOR, RegisteredAuthMethod, RegisteredRoute,
        RegisteredValidator, RouteDef, RouteLink, ValidatorLink,
    };
    pub use crate::registry::{
        AuthFuture, AuthMethodFn, MethodGrants, check_method_grant, method_result,
    };
    pub use crate::request::{RequestContext, finish_http, finish_json};
    pub use inventory;
}
