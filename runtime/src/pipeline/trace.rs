//! The request span and the access log.
//!
//! One span per matched request, named after OpenTelemetry's HTTP server conventions: span
//! names must be static in `tracing`, so the `{method} {route}` name travels in `otel.name`,
//! which OpenTelemetry bridges (tracing-opentelemetry) read as the span's name. Only the route
//! template is recorded, never the raw path, and never a credential. The uid is recorded as
//! `enduser.id` once authentication established it.

use http::{Method, StatusCode};
use tracing::Span;
use tracing::field::Empty;

use crate::request::Identity;

/// The target of the access log: one `info` line per request.
pub(crate) const ACCESS_TARGET: &str = "authroute::access";

/// The span of a request matched to the route template `route`.
pub(crate) fn request_span(method: &Method, route: &str) -> Span {
    let span = tracing::info_span!(
        target: "authroute::request",
        "request",
        otel.name = Empty,
        otel.kind = "server",
        http.request.method = %method,
        http.route = route,
        http.response.status_code = Empty,
        authroute.auth = Empty,
        authroute.outcome = Empty,
        enduser.id = Empty,
    );
    if !span.is_disabled() {
        span.record("otel.name", format_args!("{method} {route}"));
    }
    span
}

/// Records the auth method's decision on the current request span.
pub(crate) fn record_auth(auth: &str, outcome: &str, identity: Option<&Identity>) {
    let span = Span::current();
    if span.is_disabled() {
        return;
    }
    span.record("authroute.auth", auth);
    span.record("authroute.outcome", outcome);
    if let Some(uid) = identity.and_then(|identity| identity.uid) {
        span.record("enduser.id", uid.0);
    }
}

/// Records the response status on `span`.
pub(crate) fn record_status(span: &Span, status: StatusCode) {
    if !span.is_disabled() {
        span.record("http.response.status_code", status.as_u16());
    }
}
