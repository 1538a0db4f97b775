//! CORS preflight: answered before authentication, on routes declared with `cors`.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::compile::table::RouteEntry;
use crate::response::Response;

/// The answer to a CORS preflight: 204, no authentication.
pub(crate) fn preflight(route: &RouteEntry, request_headers: &HeaderMap) -> Response {
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
