//! The per-request path over the compiled route table: route, CORS preflight, authenticate
//! (from the head alone, before any body byte is read), check grants and groups, read the body,
//! extract, call the handler, finish the response. Every failure is a response; nothing here panics.

mod body;
mod cors;
mod grants;
mod groups;
mod trace;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode, header};
use http_body::Body;
use tracing::Instrument;

use crate::auth::AuthFailure;
use crate::compile::table::{PathEntry, RouteEntry, RouteTable};
use crate::jwt::config::Validators;
use crate::observe::{self, Outcome};
use crate::registry::{AuthDef, RouteDef};
use crate::render::ErrorView;
use crate::request::RequestContext;
use crate::response::Response;
use crate::rpc::{self, RpcError};
use crate::services::Services;

/// The compiled application: its route table, validators and shared services.
#[derive(Debug)]
pub(crate) struct Pipeline {
    pub table: RouteTable,
    pub validators: Validators,
    pub services: Arc<Services>,
}

impl Pipeline {
    /// Serves one request and logs it on the access log (`authroute::access`).
    pub(crate) async fn handle<B>(self: &Arc<Self>, request: Request<B>) -> Response
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        logged(request, |request| self.dispatch(request)).await
    }

    async fn dispatch<B>(self: &Arc<Self>, request: Request<B>) -> (Response, Option<&'static str>)
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let Some((entry, path_params)) = self.table.at(request.uri().path()) else {
            let view = ErrorView::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no route matches this path",
            );
            return (self.render(&view), None);
        };
        let params: Vec<(String, String)> = path_params
            .iter()
            .map(|(k, v)| (k.to_string(), percent_decode(v)))
            .collect();
        self.serve_path(entry, params, request).await
    }
}

/// Runs `serve` on `request` and logs the outcome on the access log (`authroute::access`).
pub(crate) async fn logged<B, F>(
    request: Request<B>,
    serve: impl FnOnce(Request<B>) -> F,
) -> Response
where
    F: Future<Output = (Response, Option<&'static str>)>,
{
    let started = Instant::now();
    // Serving consumes the request: keep what the log line needs, only if it is wanted.
    let logged = tracing::enabled!(target: trace::ACCESS_TARGET, tracing::Level::INFO)
        .then(|| (request.method().clone(), request.uri().path().to_owned()));
    let (response, auth) = serve(request).await;
    let Some((method, path)) = logged else {
        return response;
    };
    tracing::info!(
        target: trace::ACCESS_TARGET,
        method = %method,
        path = %path.escape_debug(),
        auth = auth.unwrap_or("-"),
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
    );
    response
}

impl Pipeline {
    /// Serves a request already matched to the path pattern of `entry` (by our router, or by
    /// axum's when the routes are mounted in an axum `Router`), with its decoded parameters,
    /// in the request's span.
    pub(crate) async fn serve_path<B>(
        self: &Arc<Self>,
        entry: &PathEntry,
        params: Vec<(String, String)>,
        request: Request<B>,
    ) -> (Response, Option<&'static str>)
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let template = entry.routes.first().map_or("", |(_, route)| &*route.path);
        let _active = observe::ActiveRequest::start();
        let started = Instant::now();
        let method = request.method().clone();
        let span = trace::request_span(&method, template);
        let (response, auth) = self
            .serve_matched(entry, params, request)
            .instrument(span.clone())
            .await;
        trace::record_status(&span, response.status());
        observe::request_served(&method, template, response.status(), started.elapsed());
        (response, auth)
    }

    async fn serve_matched<B>(
        self: &Arc<Self>,
        entry: &PathEntry,
        params: Vec<(String, String)>,
        request: Request<B>,
    ) -> (Response, Option<&'static str>)
    where
        B: Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (mut head, body) = request.into_parts();
        mark_credentials_sensitive(&mut head.headers);

        if head.method == Method::OPTIONS
            && let Some(requested) = head.headers.get(header::ACCESS_CONTROL_REQUEST_METHOD)
            && let Some(route) = Method::from_bytes(requested.as_bytes())
                .ok()
                .and_then(|m| entry.route_for(&m))
            && route.cors_origin.is_some()
        {
            return (
                cors::preflight(route, &head.headers),
                Some(route.def.auth_name),
            );
        }

        let Some(route) = entry.route_for(&head.method).cloned() else {
            let view = ErrorView::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this path does not accept this method",
            )
            .on_route(entry.routes.first().map(|(_, route)| &*route.path));
            let mut response = self.render(&view);
            response
                .headers_mut()
                .insert(header::ALLOW, entry.allow.clone());
            return (response, None);
        };
        let auth_name = route.def.auth_name;

        let services = &self.services;
        let mut identity = match route.auth.authenticate(services.auth_env(), &head).await {
            Ok(identity) => identity,
            Err(failure) => return (self.auth_failure(&route, failure), Some(auth_name)),
        };
        if let Err(refusal) = grants::check(&route, &identity) {
            return (self.auth_failure(&route, refusal.into()), Some(auth_name));
        }
        if let Err(failure) = groups::check(&route, &identity, &*services.directory).await {
            return (self.auth_failure(&route, failure), Some(auth_name));
        }
        trace::record_auth(auth_name, Outcome::Accepted.as_str(), Some(&identity));
        observe::auth_decision(
            auth_name,
            validator_label(route.def),
            Outcome::Accepted,
            "ok",
        );

        let config = &services.config;
        let body = match body::read_body(
            &head.headers,
            body,
            config.body_limit,
            config.body_timeout,
        )
        .await
        {
            Ok(body) => body,
            Err(err) => {
                let (status, code, message) = err.parts();
                let mut response =
                    self.route_failure(&route, ErrorView::new(status, code, message));
                if err == body::BodyError::Timeout {
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                return (response, Some(auth_name));
            }
        };

        let rpc = if route.def.json {
            match rpc::parse_call(&body) {
                Ok(call) => Some(call),
                Err(err) => {
                    let code = match err.code() {
                        rpc::PARSE_ERROR => "parse_error",
                        _ => "invalid_request",
                    };
                    let view = ErrorView::new(err.status(), code, err.message())
                        .on_route(Some(&route.path))
                        .rpc(&err, None);
                    let response = self.render(&view);
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
            route: route.path.clone(),
            identity,
            services: self.services.clone(),
            app: self.clone(),
            json: route.def.json,
            cors_origin: route.cors_origin.clone(),
            rpc,
            set_cookies,
            handler_cookies: None,
        };
        let handler = CatchUnwind((route.def.handler)(ctx));
        let response = match tokio::time::timeout(config.handler_timeout, handler).await {
            Ok(Ok(response)) => response,
            Ok(Err(())) => {
                tracing::error!(handler = route.def.name, "handler panicked");
                let view = ErrorView::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "the handler failed",
                );
                self.route_failure(&route, view)
            }
            Err(_elapsed) => {
                tracing::error!(
                    handler = route.def.name,
                    timeout_ms = config.handler_timeout.as_millis() as u64,
                    "handler timed out"
                );
                let view = ErrorView::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "handler_timeout",
                    "the handler did not answer in time",
                );
                self.route_failure(&route, view)
            }
        };
        (response, Some(auth_name))
    }

    fn auth_failure(&self, route: &RouteEntry, failure: AuthFailure) -> Response {
        let (outcome, reason) = match &failure {
            AuthFailure::Refused(err) => (Outcome::Refused, err.error_code()),
            AuthFailure::Internal(_) => (Outcome::Unavailable, "backend_unavailable"),
        };
        trace::record_auth(route.def.auth_name, outcome.as_str(), None);
        let validator = validator_label(route.def);
        observe::auth_decision(route.def.auth_name, validator, outcome, reason);
        let response = self.refusal(&route.path, Some(&route.path), route.def.json, failure);
        route_error(route, response)
    }

    /// A plain error on `route`, with its CORS header.
    fn route_failure(&self, route: &RouteEntry, view: ErrorView<'_>) -> Response {
        let view = view
            .on_route(Some(&route.path))
            .on_json_route(route.def.json);
        route_error(route, self.render(&view))
    }

    /// The application's rendering of a framework error.
    fn render(&self, view: &ErrorView<'_>) -> Response {
        self.services.renderer.response(view)
    }

    /// The answer to a failed authentication of a request to `path` (logged), on `route` (the
    /// matched pattern, if any): 401/403/503 with the challenge and `Retry-After`, as JSON or
    /// as a JSON-RPC error.
    pub(crate) fn refusal(
        &self,
        path: &str,
        route: Option<&str>,
        json: bool,
        failure: AuthFailure,
    ) -> Response {
        let realm = &self.services.config.realm;
        match failure {
            AuthFailure::Refused(err) => {
                tracing::debug!(route = path, reason = %err.description(), "authentication refused");
                let rpc_error = json.then(|| RpcError::from(&err));
                let mut view = ErrorView::new(err.status(), err.error_code(), err.description())
                    .on_route(route)
                    .on_json_route(json)
                    .with_scope(err.scope())
                    .with_retry_after(err.retry_after());
                if let Some(rpc_error) = &rpc_error {
                    view = view.rpc(rpc_error, None);
                }
                let mut response = self.render(&view);
                err.add_headers(&mut response, realm);
                response
            }
            AuthFailure::Internal(reason) => {
                tracing::error!(route = path, %reason, "authentication backend failed");
                let view = ErrorView::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "the authentication backend is unavailable",
                )
                .on_route(route)
                .on_json_route(json);
                self.render(&view)
            }
        }
    }
}

/// Flags credential headers so that no `Debug` of the request (in a handler's log line, an
/// auth method's `AuthRequest`) prints them.
pub(crate) fn mark_credentials_sensitive(headers: &mut http::HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if name == header::AUTHORIZATION
            || name == header::COOKIE
            || name == header::PROXY_AUTHORIZATION
        {
            value.set_sensitive(true);
        }
    }
}

/// The validator a route names, for metric labels (`""` for other auth methods).
fn validator_label(def: &RouteDef) -> &'static str {
    match def.auth {
        AuthDef::Jwt(validator) | AuthDef::PublicOrJwt(validator) => validator.name,
        _ => "",
    }
}

/// Adds the route's CORS header to an error response.
fn route_error(route: &RouteEntry, mut response: Response) -> Response {
    route.add_cors_headers(response.headers_mut());
    response
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
