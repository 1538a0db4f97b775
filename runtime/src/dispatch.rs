//! Routing (matchit), the method check, CORS preflight, and the per-request flow of SPEC
//! section 3: match, preflight, read the body, authenticate, run the handler, finish.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use http_body::Body;
use http_body_util::{BodyExt, Limited};

use crate::app::{App, RouteInfo};
use crate::auth::{self, AuthFailure, Identity};
use crate::context::RequestContext;
use crate::jwt::config::{Validator, Validators};
use crate::registry::{AuthMethodDef, RouteDef};
use crate::response::{Response, error_response};
use crate::rpc;

/// How a route authenticates, resolved once at startup.
#[derive(Debug)]
pub(crate) enum ResolvedAuth {
    None,
    Public,
    User,
    Custom(&'static AuthMethodDef),
    Jwt(Arc<Validator>),
    PublicOrJwt(Arc<Validator>),
}

/// A route, ready to serve.
#[derive(Debug)]
pub(crate) struct RouteEntry {
    pub def: &'static RouteDef,
    pub auth: ResolvedAuth,
    cors_origin: Option<HeaderValue>,
    methods_header: HeaderValue,
}

impl RouteEntry {
    pub(crate) fn add_cors_headers(&self, headers: &mut HeaderMap) {
        if let Some(origin) = &self.cors_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        }
    }
}

/// The routes of one path, by method (`None`: every method).
type MethodRoutes = Vec<(Option<Method>, Arc<RouteEntry>)>;

/// All routes sharing one path pattern.
#[derive(Debug)]
struct PathEntry {
    /// `None` as method: the route accepts every method.
    routes: MethodRoutes,
    allow: HeaderValue,
}

impl PathEntry {
    fn route_for(&self, method: &Method) -> Option<&Arc<RouteEntry>> {
        self.routes
            .iter()
            .find(|(m, _)| m.as_ref().is_none_or(|m| m == method))
            .map(|(_, route)| route)
    }
}

/// The dispatch table.
#[derive(Debug)]
pub(crate) struct Router {
    paths: matchit::Router<usize>,
    entries: Vec<PathEntry>,
    uses_public: bool,
}

impl Router {
    pub(crate) fn len(&self) -> usize {
        self.entries.iter().map(|e| e.routes.len()).sum()
    }

    pub(crate) fn uses_public(&self) -> bool {
        self.uses_public
    }

    /// The routes of the path pattern matching `path`, with the path's parameters.
    fn at<'r, 'p>(&'r self, path: &'p str) -> Option<(&'r PathEntry, matchit::Params<'r, 'p>)> {
        let matched = self.paths.at(path).ok()?;
        Some((&self.entries[*matched.value], matched.params))
    }

    pub(crate) fn route_infos(&self) -> Vec<RouteInfo> {
        let mut infos: Vec<RouteInfo> = self
            .entries
            .iter()
            .flat_map(|entry| entry.routes.iter())
            .map(|(_, route)| route.def)
            .map(|def| RouteInfo {
                methods: def.methods.to_vec(),
                path: def.path,
                auth: def.auth,
                route_type: if def.json { "json" } else { "http" },
                handler: def.name,
            })
            .collect();
        infos.sort_by(|a, b| (a.path, &a.methods).cmp(&(b.path, &b.methods)));
        infos.dedup();
        infos
    }
}

/// Builds the [`Router`] while collecting configuration problems.
pub(crate) struct RouterBuilder<'a> {
    validators: &'a Validators,
    auth_methods: &'a [&'static AuthMethodDef],
    paths: matchit::Router<usize>,
    entries: Vec<(&'static str, MethodRoutes)>,
    /// Path pattern to its index in `entries`: startup stays linear in the number of routes.
    index_of: HashMap<&'static str, usize>,
    problems: Vec<String>,
    uses_public: bool,
}

impl<'a> RouterBuilder<'a> {
    pub(crate) fn new(
        auth_methods: &'a [&'static AuthMethodDef],
        validators: &'a Validators,
    ) -> Self {
        Self {
            validators,
            auth_methods,
            paths: matchit::Router::new(),
            entries: Vec::new(),
            index_of: HashMap::new(),
            problems: Vec::new(),
            uses_public: false,
        }
    }

    pub(crate) fn add(&mut self, def: &'static RouteDef) {
        let Some(auth) = self.resolve_auth(def) else {
            return;
        };
        let cors_origin = match def.cors.map(HeaderValue::from_str) {
            None => None,
            Some(Ok(origin)) => Some(origin),
            Some(Err(_)) => {
                self.problems.push(format!(
                    "route `{}` ({}): invalid `cors` origin",
                    def.path, def.name
                ));
                return;
            }
        };
        let methods: Vec<Option<Method>> = if def.methods.is_empty() {
            vec![None]
        } else {
            def.methods
                .iter()
                .filter_map(|m| Method::from_bytes(m.as_bytes()).ok())
                .map(Some)
                .collect()
        };
        let methods_header = if def.methods.is_empty() {
            HeaderValue::from_static("*")
        } else {
            HeaderValue::from_str(&def.methods.join(", ")).unwrap_or(HeaderValue::from_static("*"))
        };
        let entry = Arc::new(RouteEntry {
            def,
            auth,
            cors_origin,
            methods_header,
        });

        let index = match self.index_of.get(def.path) {
            Some(&index) => index,
            None => {
                let index = self.entries.len();
                if let Err(err) = self.paths.insert(def.path, index) {
                    self.problems.push(format!(
                        "route `{}` ({}) conflicts with another route: {err}",
                        def.path, def.name
                    ));
                    return;
                }
                self.entries.push((def.path, Vec::new()));
                self.index_of.insert(def.path, index);
                index
            }
        };
        let routes = &mut self.entries[index].1;
        for method in methods {
            let clash = routes.iter().find(|(m, _)| match (m, &method) {
                (None, _) | (_, None) => true,
                (Some(a), Some(b)) => a == b,
            });
            if let Some((_, other)) = clash {
                let shown = method.as_ref().map_or("every method", Method::as_str);
                self.problems.push(format!(
                    "duplicate route {shown} `{}`: declared by `{}` and `{}`; remove one or change its path or methods",
                    def.path, other.def.name, def.name
                ));
                continue;
            }
            routes.push((method, entry.clone()));
        }
    }

    fn resolve_auth(&mut self, def: &'static RouteDef) -> Option<ResolvedAuth> {
        let auth = match def.auth {
            "none" => ResolvedAuth::None,
            "public" => {
                self.uses_public = true;
                ResolvedAuth::Public
            }
            "user" => ResolvedAuth::User,
            "jwt" | "public_or_jwt" => {
                let public = def.auth == "public_or_jwt";
                let mut all: Vec<_> = self.validators.by_name.values().collect();
                if all.len() != 1 {
                    all.sort_by_key(|v| v.name);
                    let names: Vec<_> = all.iter().map(|v| v.name).collect();
                    self.problems.push(format!(
                        "route `{}` ({}) uses auth `{}`, which needs exactly one validator, but the application declares {} ({}); name the validator: `{}_<name>`",
                        def.path, def.name, def.auth, names.len(), names.join(", "), def.auth
                    ));
                    return None;
                }
                return Some(self.jwt_auth(all[0].clone(), public));
            }
            name if name.starts_with("public_or_jwt_") || name.starts_with("jwt_") => {
                let public = name.starts_with("public_or_jwt_");
                let validator_name = name
                    .trim_start_matches("public_or_")
                    .trim_start_matches("jwt_");
                match self.validators.by_name.get(validator_name) {
                    Some(v) => return Some(self.jwt_auth(v.clone(), public)),
                    None => {
                        self.problems.push(format!(
                            "route `{}` ({}) uses auth `{name}`, but validator `{validator_name}` is not available (see the validator problems above)",
                            def.path, def.name
                        ));
                        return None;
                    }
                }
            }
            name => match self.auth_methods.iter().find(|m| m.name == name) {
                Some(method) => ResolvedAuth::Custom(method),
                None => {
                    self.problems.push(format!(
                        "route `{}` ({}) uses auth `{name}`, which is not registered; declare it with `#[auth_method]` or a `validator!`",
                        def.path, def.name
                    ));
                    return None;
                }
            },
        };
        Some(auth)
    }

    fn jwt_auth(&mut self, validator: Arc<Validator>, public: bool) -> ResolvedAuth {
        if public {
            self.uses_public = true;
            ResolvedAuth::PublicOrJwt(validator)
        } else {
            ResolvedAuth::Jwt(validator)
        }
    }

    pub(crate) fn finish(self) -> (Router, Vec<String>) {
        let entries = self
            .entries
            .into_iter()
            .map(|(_, routes)| {
                let mut names: Vec<&str> = Vec::new();
                for (method, _) in &routes {
                    match method {
                        Some(m) => names.push(m.as_str()),
                        None => names.push("*"),
                    }
                }
                let allow = HeaderValue::from_str(&names.join(", "))
                    .unwrap_or(HeaderValue::from_static(""));
                PathEntry { routes, allow }
            })
            .collect();
        let router = Router {
            paths: self.paths,
            entries,
            uses_public: self.uses_public,
        };
        (router, self.problems)
    }
}

impl App {
    /// The handler name of the route serving `method` on `path`: the dispatch table's lookup
    /// alone. Not part of the API; the routing benchmark measures it.
    #[doc(hidden)]
    pub fn __lookup(&self, method: &Method, path: &str) -> Option<&'static str> {
        let (entry, _) = self.router().at(path)?;
        entry.route_for(method).map(|route| route.def.name)
    }

    /// Serves one request: the whole flow of SPEC section 3. Never fails: every error is a
    /// response.
    pub async fn handle<B>(&self, request: Request<B>) -> Response
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let started = Instant::now();
        // Dispatch consumes the request: keep what the log line needs, only if it is wanted.
        let logged = tracing::enabled!(target: "authroute::request", tracing::Level::INFO)
            .then(|| (request.method().clone(), request.uri().path().to_owned()));
        let (response, auth) = self.dispatch(request).await;
        let Some((method, path)) = logged else {
            return response;
        };
        tracing::info!(
            target: "authroute::request",
            method = %method,
            path = %path.escape_debug(),
            auth = auth.unwrap_or("-"),
            status = response.status().as_u16(),
            latency_us = started.elapsed().as_micros() as u64,
        );
        response
    }

    async fn dispatch<B>(&self, request: Request<B>) -> (Response, Option<&'static str>)
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let router = self.router();
        let (head, body) = request.into_parts();
        let Some((entry, path_params)) = router.at(head.uri.path()) else {
            return (not_found(), None);
        };

        if head.method == Method::OPTIONS
            && let Some(requested) = head.headers.get(header::ACCESS_CONTROL_REQUEST_METHOD)
            && let Some(route) = Method::from_bytes(requested.as_bytes())
                .ok()
                .and_then(|m| entry.route_for(&m))
            && route.cors_origin.is_some()
        {
            return (preflight(route, &head.headers), Some(route.def.auth));
        }

        let Some(route) = entry.route_for(&head.method).cloned() else {
            let mut response = error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this path does not accept this method",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, entry.allow.clone());
            return (response, None);
        };
        let auth_name = route.def.auth;
        let params: Vec<(String, String)> = path_params
            .iter()
            .map(|(k, v)| (k.to_string(), percent_decode(v)))
            .collect();

        let body = match read_body(&head.headers, body, self.config().body_limit).await {
            Ok(body) => body,
            Err(response) => return (route_error(&route, response), Some(auth_name)),
        };

        let mut identity = match authenticate(self, &route, &head).await {
            Ok(identity) => identity,
            Err(failure) => return (self.auth_failure(&route, failure), Some(auth_name)),
        };

        let rpc = if route.def.json {
            match rpc::parse_call(&body) {
                Ok(call) => Some(call),
                Err(err) => {
                    let response = rpc::error_response(None, &err);
                    return (route_error(&route, response), Some(auth_name));
                }
            }
        } else {
            None
        };

        let set_cookies = identity.set_cookie.take().into_iter().collect();
        let ctx = RequestContext {
            head,
            body,
            params,
            identity,
            app: self.clone(),
            route: route.clone(),
            rpc,
            set_cookies,
            handler_cookies: None,
        };
        let response = match CatchUnwind((route.def.handler)(ctx)).await {
            Ok(response) => response,
            Err(()) => {
                tracing::error!(handler = route.def.name, "handler panicked");
                let response = error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the handler failed",
                );
                route_error(&route, response)
            }
        };
        (response, Some(auth_name))
    }

    fn auth_failure(&self, route: &RouteEntry, failure: AuthFailure) -> Response {
        let response = match failure {
            AuthFailure::Refused(err) => {
                tracing::debug!(route = route.def.path, reason = %err.description(), "authentication refused");
                if route.def.json {
                    let mut response = rpc::error_response(None, &rpc::RpcError::from(&err));
                    err.add_headers(&mut response, &self.config().realm);
                    response
                } else {
                    err.into_response(&self.config().realm)
                }
            }
            AuthFailure::Internal(reason) => {
                tracing::error!(route = route.def.path, %reason, "authentication backend failed");
                error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "the authentication backend is unavailable",
                )
            }
        };
        route_error(route, response)
    }
}

impl<B> tower_service::Service<Request<B>> for App
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let app = self.clone();
        Box::pin(async move { Ok(app.handle(request).await) })
    }
}

async fn authenticate(
    app: &App,
    route: &RouteEntry,
    head: &http::request::Parts,
) -> Result<Identity, AuthFailure> {
    match &route.auth {
        ResolvedAuth::None => Ok(Identity::default()),
        ResolvedAuth::Public => {
            let session = auth::session::load_session(app, &head.headers).await?;
            Ok(auth::session::public(app, session))
        }
        ResolvedAuth::User => {
            let session = auth::session::load_session(app, &head.headers).await?;
            auth::session::user(session)
        }
        ResolvedAuth::Custom(method) => {
            let session = auth::session::load_session(app, &head.headers).await?;
            let request = auth::custom::AuthRequest {
                head,
                session: session.as_ref(),
                app,
            };
            let uid = (method.func)(&request)?;
            Ok(Identity::authenticated(uid, session))
        }
        ResolvedAuth::Jwt(validator) => auth::jwt::authenticate(app, validator, false, head).await,
        ResolvedAuth::PublicOrJwt(validator) => {
            auth::jwt::authenticate(app, validator, true, head).await
        }
    }
}

/// Adds the route's CORS header to an error response.
fn route_error(route: &RouteEntry, mut response: Response) -> Response {
    route.add_cors_headers(response.headers_mut());
    response
}

fn not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        "no route matches this path",
    )
}

/// The answer to a CORS preflight: 204, no authentication (SPEC section 3).
fn preflight(route: &RouteEntry, request_headers: &HeaderMap) -> Response {
    let mut response = http::Response::new(http_body_util::Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    route.add_cors_headers(headers);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        route.methods_header.clone(),
    );
    let requested = request_headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mentions_authorization = requested
        .split(',')
        .any(|h| h.trim().eq_ignore_ascii_case("authorization"));
    let allow_headers = match (requested.trim().is_empty(), mentions_authorization) {
        (true, _) => "authorization, content-type".to_string(),
        (false, true) => requested.to_string(),
        (false, false) => format!("{requested}, authorization"),
    };
    if let Ok(value) = HeaderValue::from_str(&allow_headers) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("3600"),
    );
    response
}

/// Reads the body within the limit: 413 beyond it, 400 when the stream breaks.
async fn read_body<B>(headers: &HeaderMap, body: B, limit: usize) -> Result<Bytes, Response>
where
    B: Body<Data = Bytes> + Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let too_large = || {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body exceeds the size limit",
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(error_response(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the request body could not be read",
        )),
    }
}

fn percent_decode(value: &str) -> String {
    percent_encoding::percent_decode_str(value)
        .decode_utf8_lossy()
        .into_owned()
}

/// Turns a handler panic into an error value so that one bad handler never takes the
/// connection or the server down.
struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(_) => Poll::Ready(Err(())),
        }
    }
}
