//! Metrics through the [`metrics`] facade (feature `metrics`): the application installs the
//! exporter it wants (Prometheus, StatsD, OpenTelemetry); without one, recording is a no-op.
//!
//! Names follow OpenTelemetry's HTTP semantic conventions as rendered for Prometheus, plus
//! authroute's own. Labels take only bounded values: the route template (never the raw path),
//! the method, the status, the auth method and validator names, and closed sets of outcomes and
//! reasons. No token, uid, path value or claim is ever a label.
//!
//! `metrics` is the facade most Rust exporters implement, so the choice of backend stays the
//! application's; it costs two small crates.

use std::time::Duration;

use http::{Method, StatusCode};

/// `http_server_request_duration_seconds`: histogram, by method, route template and status.
pub const REQUEST_DURATION: &str = "http_server_request_duration_seconds";
/// `http_server_active_requests`: requests being served.
pub const ACTIVE_REQUESTS: &str = "http_server_active_requests";
/// `authroute_auth_decisions_total`: by auth `method`, `validator`, `outcome`, `reason`.
pub const AUTH_DECISIONS: &str = "authroute_auth_decisions_total";
/// `authroute_jwks_refresh_total`: JWKS fetches by `validator` and `result` (`ok`, `error`).
pub const JWKS_REFRESHES: &str = "authroute_jwks_refresh_total";
/// `authroute_jwks_keys`: usable keys in a validator's current key set.
pub const JWKS_KEYS: &str = "authroute_jwks_keys";

/// Counts a request as active until dropped.
#[derive(Debug)]
pub(crate) struct ActiveRequest(());

impl ActiveRequest {
    pub(crate) fn start() -> Self {
        #[cfg(feature = "metrics")]
        metrics::gauge!(ACTIVE_REQUESTS).increment(1.0);
        ActiveRequest(())
    }
}

impl Drop for ActiveRequest {
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        metrics::gauge!(ACTIVE_REQUESTS).decrement(1.0);
    }
}

/// Records a served request on the route template `route`.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) fn request_served(method: &Method, route: &str, status: StatusCode, took: Duration) {
    #[cfg(feature = "metrics")]
    metrics::histogram!(
        REQUEST_DURATION,
        "http_request_method" => method_label(method),
        "http_route" => route.to_owned(),
        "http_response_status_code" => status.as_str().to_owned(),
    )
    .record(took.as_secs_f64());
}

/// The method as a label: the standard ones as they are, anything else as `_OTHER`, as the
/// conventions ask (a client must not be able to mint label values).
#[cfg(feature = "metrics")]
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "_OTHER",
    }
}

/// An auth method's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Accepted,
    Refused,
    Unavailable,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Refused => "refused",
            Outcome::Unavailable => "unavailable",
        }
    }
}

/// Records an auth decision; `reason` is an OAuth-style error code or `ok`.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) fn auth_decision(
    method: &'static str,
    validator: &'static str,
    outcome: Outcome,
    reason: &'static str,
) {
    #[cfg(feature = "metrics")]
    metrics::counter!(
        AUTH_DECISIONS,
        "method" => method,
        "validator" => validator,
        "outcome" => outcome.as_str(),
        "reason" => reason,
    )
    .increment(1);
}

/// Records a JWKS fetch, and the key count of the set now in use.
#[cfg(feature = "jwks")]
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
pub(crate) fn jwks_refreshed(validator: &'static str, ok: bool, keys: usize) {
    #[cfg(feature = "metrics")]
    {
        let result = if ok { "ok" } else { "error" };
        metrics::counter!(JWKS_REFRESHES, "validator" => validator, "result" => result)
            .increment(1);
        metrics::gauge!(JWKS_KEYS, "validator" => validator).set(keys as f64);
    }
}
