//! authroute inside axum (feature `axum`, axum 0.8).
//!
//! Two ways in, both running the same pipeline code as the built-in server:
//!
//! - [`App::router`](crate::App::router): the application's routes as an `axum::Router`. Each
//!   path pattern becomes an axum route, so `Router::new().nest("/api", app.router())` serves
//!   a route declared `/whoami` at `/api/whoami` only; method checks, CORS preflight,
//!   authentication, JSON-RPC and every status work exactly as on the built-in server.
//! - [`App::auth_layer`](crate::App::auth_layer): an authroute auth method as a tower layer for
//!   plain axum handlers, named with [`auth!`](crate::auth) (checked at compile time like a
//!   route's `auth`). It runs the method (session guard, validator chains, cookie mode, the
//!   401/403/503 answers with their `WWW-Authenticate`) and hands the identity to the
//!   extractors [`Uid`], [`Caller`], `Option<Partner>`, [`Claims<T>`], `Option<Claims<T>>`,
//!   [`ValidatorName`] (and `Option<Uid>`, `Option<ValidatorName>`).
//!
//! ```no_run
//! use authroute::{Uid, auth, route};
//! use axum::{Router, routing::get};
//! use serde_json::{Value, json};
//!
//! authroute::validator! {
//!     name: "demo", issuer: "theissuer", audience: ["auth_jwt_test_api"], algorithm: "HS256",
//!     secret: env("DEMO_JWT_SECRET"), user: static(2),
//! }
//!
//! #[route("/whoami", methods = ["GET"], auth = "jwt_demo")]
//! async fn whoami(uid: Uid) -> authroute::Json<Value> {
//!     authroute::Json(json!({ "uid": uid }))
//! }
//!
//! /// A plain axum handler.
//! async fn me(uid: Uid) -> String {
//!     format!("you are user {uid}")
//! }
//!
//! # async fn run(app: authroute::App) -> Result<(), Box<dyn std::error::Error>> {
//! let router: Router = Router::new()
//!     .route("/axum/me", get(me).layer(app.auth_layer(auth!("jwt_demo"))?))
//!     .nest("/api", app.router());
//! # Ok(()) }
//! # fn main() {}
//! ```
//!
//! An extractor used on a handler without the layer answers 500 and logs, once per
//! extractor, which layer is missing: a programming error, not a client's.

use std::collections::HashSet;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use ::axum::body::Body;
use ::axum::extract::{FromRequestParts, OptionalFromRequestParts, RawPathParams};
use ::axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{Request, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::auth::Authenticator;
use crate::directory::Partner;
use crate::extract::{Caller, Claims, ValidatorName};
use crate::identity::Uid;
use crate::pipeline::{Pipeline, mark_credentials_sensitive};
use crate::request::Identity;
use crate::response::error_response;

/// The routes of `pipeline` as an axum router: one axum route per path pattern, each handing
/// the matched request to the pipeline.
pub(crate) fn router<S: Clone + Send + Sync + 'static>(
    pipeline: &Arc<Pipeline>,
) -> ::axum::Router<S> {
    let mut router = ::axum::Router::new();
    for (index, entry) in pipeline.table.entries.iter().enumerate() {
        let Some((_, route)) = entry.routes.first() else {
            continue;
        };
        let service = PathService {
            pipeline: pipeline.clone(),
            index,
        };
        router = router.route_service(&route.path, service);
    }
    router
}

/// One path pattern of the route table, served by the pipeline.
#[derive(Clone)]
struct PathService {
    pipeline: Arc<Pipeline>,
    index: usize,
}

impl tower_service::Service<Request<Body>> for PathService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let pipeline = self.pipeline.clone();
        let index = self.index;
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            // axum matched the path; its parameters arrive percent-decoded.
            let params = match RawPathParams::from_request_parts(&mut parts, &()).await {
                Ok(raw) => raw
                    .iter()
                    .map(|(name, value)| (name.to_string(), value.to_string()))
                    .collect(),
                Err(rejection) => return Ok(rejection.into_response()),
            };
            let request = Request::from_parts(parts, body);
            let entry = &pipeline.table.entries[index];
            let response = crate::pipeline::logged(request, |request| {
                pipeline.serve_path(entry, params, request)
            })
            .await;
            Ok(response.map(Body::new))
        })
    }
}

/// An authroute auth method as a tower layer for axum handlers; made by
/// [`App::auth_layer`](crate::App::auth_layer).
#[derive(Clone)]
pub struct AuthLayer {
    auth: Arc<LayerAuth>,
}

struct LayerAuth {
    pipeline: Arc<Pipeline>,
    authenticator: Authenticator,
    name: &'static str,
}

impl std::fmt::Debug for AuthLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLayer")
            .field("auth", &self.auth.name)
            .finish_non_exhaustive()
    }
}

impl AuthLayer {
    pub(crate) fn new(
        pipeline: Arc<Pipeline>,
        authenticator: Authenticator,
        name: &'static str,
    ) -> Self {
        AuthLayer {
            auth: Arc::new(LayerAuth {
                pipeline,
                authenticator,
                name,
            }),
        }
    }
}

impl<S> tower_layer::Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService {
            inner,
            auth: self.auth.clone(),
        }
    }
}

/// The service [`AuthLayer`] wraps around a handler.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    auth: Arc<LayerAuth>,
}

impl<S> std::fmt::Debug for AuthService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthService")
            .field("auth", &self.auth.name)
            .finish_non_exhaustive()
    }
}

impl<S> tower_service::Service<Request<Body>> for AuthService<S>
where
    S: tower_service::Service<Request<Body>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        // The clone that was polled ready serves this request (tower's usual dance).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let auth = self.auth.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            mark_credentials_sensitive(&mut parts.headers);
            let services = &auth.pipeline.services;
            let identity = auth
                .authenticator
                .authenticate(services.auth_env(), &parts)
                .await;
            let mut identity = match identity {
                Ok(identity) => identity,
                Err(failure) => {
                    let response = auth
                        .pipeline
                        .refusal(parts.uri.path(), None, false, failure);
                    return Ok(response.map(Body::new));
                }
            };
            let set_cookie = identity.set_cookie.take();
            parts.extensions.insert(Authenticated(Arc::new(identity)));
            let mut response = inner.call(Request::from_parts(parts, body)).await?;
            if let Some(cookie) = set_cookie {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            Ok(response)
        })
    }
}

/// The identity an [`AuthLayer`] established, for the extractors.
#[derive(Clone)]
struct Authenticated(Arc<Identity>);

/// Why an authroute extractor refused a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// The handler has no authroute auth layer: 500, logged once per extractor.
    MissingLayer,
    /// The caller is anonymous but the extractor needs an authenticated one: 401.
    Unauthenticated,
    /// The token's claims do not deserialise into the requested type: 400.
    BadClaims(String),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let response = match self {
            Rejection::MissingLayer => error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "the server is misconfigured",
            ),
            Rejection::Unauthenticated => error_response(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this handler needs an authenticated caller",
            ),
            Rejection::BadClaims(reason) => error_response(
                StatusCode::BAD_REQUEST,
                "invalid_claims",
                &format!("the token's claims do not have the expected shape: {reason}"),
            ),
        };
        response.map(Body::new)
    }
}

/// The identity, or the rejection for an extractor used without the layer.
fn identity<'p>(parts: &'p Parts, extractor: &'static str) -> Result<&'p Identity, Rejection> {
    match parts.extensions.get::<Authenticated>() {
        Some(Authenticated(identity)) => Ok(identity),
        None => {
            log_missing_layer_once(extractor);
            Err(Rejection::MissingLayer)
        }
    }
}

fn log_missing_layer_once(extractor: &'static str) {
    static LOGGED: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let logged = LOGGED.get_or_init(Default::default);
    let first = match logged.lock() {
        Ok(mut seen) => seen.insert(extractor),
        Err(poisoned) => poisoned.into_inner().insert(extractor),
    };
    if first {
        tracing::error!(
            extractor,
            "the authroute extractor `{extractor}` is used on a handler without an authroute auth layer; add `.layer(app.auth_layer(authroute::auth!(\"...\"))?)` to its route"
        );
    }
}

fn bad_claims(err: serde_json::Error) -> Rejection {
    Rejection::BadClaims(err.to_string())
}

/// The authenticated user; an anonymous caller (behind a `public*` layer) is 401.
impl<S: Send + Sync> FromRequestParts<S> for Uid {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Rejection> {
        identity(parts, "Uid")?
            .uid
            .ok_or(Rejection::Unauthenticated)
    }
}

/// The authenticated user, `None` when anonymous.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Uid {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Rejection> {
        Ok(identity(parts, "Option<Uid>")?.uid)
    }
}

/// The user the request runs as: the authenticated one, or the public user.
impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Rejection> {
        let identity = identity(parts, "Caller")?;
        let uid = identity.effective_uid.ok_or(Rejection::Unauthenticated)?;
        Ok(Caller {
            uid,
            authenticated: identity.uid.is_some(),
        })
    }
}

/// The partner the validator's partner strategy found, if any.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Partner {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Rejection> {
        Ok(identity(parts, "Option<Partner>")?.partner.clone())
    }
}

/// The verified token's claims; a request without a token (anonymous) is 401.
impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Claims<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Rejection> {
        let token = identity(parts, "Claims")?
            .token
            .as_ref()
            .ok_or(Rejection::Unauthenticated)?;
        token.claims().map(Claims).map_err(bad_claims)
    }
}

/// The verified token's claims, `None` when anonymous.
impl<S: Send + Sync, T: DeserializeOwned> OptionalFromRequestParts<S> for Claims<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Rejection> {
        match &identity(parts, "Option<Claims>")?.token {
            Some(token) => token.claims().map(|c| Some(Claims(c))).map_err(bad_claims),
            None => Ok(None),
        }
    }
}

/// The validator that accepted the token; anonymous is 401.
impl<S: Send + Sync> FromRequestParts<S> for ValidatorName {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Rejection> {
        identity(parts, "ValidatorName")?
            .validator
            .map(ValidatorName)
            .ok_or(Rejection::Unauthenticated)
    }
}

/// The validator that accepted the token, `None` when anonymous.
impl<S: Send + Sync> OptionalFromRequestParts<S> for ValidatorName {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Rejection> {
        Ok(identity(parts, "Option<ValidatorName>")?
            .validator
            .map(ValidatorName))
    }
}
