//! Custom error responses: the application decides the body (and a few extra headers) of every
//! error the framework itself answers, through an [`ErrorRenderer`]; the framework keeps the
//! status and the protocol headers (`WWW-Authenticate`, `Retry-After`, `Allow`, CORS).

use std::fmt;
use std::panic::AssertUnwindSafe;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use http_body_util::Full;
use serde_json::value::RawValue;

use crate::response::Response;
use crate::rpc::{self, RpcError};

/// A framework-generated error, as an [`ErrorRenderer`] sees it: what went wrong, never a
/// secret (no token, no credential, no internal reason; those go to the log).
///
/// The framework builds it; renderers only read it.
#[derive(Debug, Clone, Copy)]
pub struct ErrorView<'a> {
    status: StatusCode,
    code: &'a str,
    message: &'a str,
    route: Option<&'a str>,
    scope: Option<&'a str>,
    retry_after: Option<u32>,
    json_rpc: bool,
    rpc_error: Option<&'a RpcError>,
    rpc_id: Option<&'a RawValue>,
}

impl<'a> ErrorView<'a> {
    /// A plain error: `status`, its machine `code` and the `message` safe to show.
    pub(crate) fn new(status: StatusCode, code: &'a str, message: &'a str) -> Self {
        Self {
            status,
            code,
            message,
            route: None,
            scope: None,
            retry_after: None,
            json_rpc: false,
            rpc_error: None,
            rpc_id: None,
        }
    }

    /// The route path pattern the request matched, if any.
    pub(crate) fn on_route(mut self, route: Option<&'a str>) -> Self {
        self.route = route;
        self
    }

    /// Whether the matched route is a `type = "json"` route.
    pub(crate) fn on_json_route(mut self, json: bool) -> Self {
        self.json_rpc = json;
        self
    }

    /// The JSON-RPC error object the default renderer sends, and the request's `id`.
    pub(crate) fn rpc(mut self, error: &'a RpcError, id: Option<&'a RawValue>) -> Self {
        self.json_rpc = true;
        self.rpc_error = Some(error);
        self.rpc_id = id;
        self
    }

    pub(crate) fn with_scope(mut self, scope: Option<&'a str>) -> Self {
        self.scope = scope;
        self
    }

    pub(crate) fn with_retry_after(mut self, seconds: Option<u32>) -> Self {
        self.retry_after = seconds;
        self
    }

    /// The HTTP status the response is sent with, whatever the renderer does.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A stable machine code: `not_found`, `method_not_allowed`, `unauthorized`,
    /// `invalid_request`, `invalid_token`, `insufficient_scope`, `temporarily_unavailable`,
    /// `payload_too_large`, `request_timeout`, `bad_request`, `handler_timeout`,
    /// `internal_error`, `parse_error` (a JSON-RPC body that is not JSON), or the
    /// snake-case reason phrase of an argument that could not be extracted (`bad_request`,
    /// `unprocessable_entity`...).
    pub fn code(&self) -> &str {
        self.code
    }

    /// The human-readable description, safe to show to the client.
    pub fn message(&self) -> &str {
        self.message
    }

    /// The path pattern of the matched route (`/orders/{id}`, with its mount prefix), if the
    /// request matched one; `None` for 404s and on axum auth layers.
    pub fn route(&self) -> Option<&str> {
        self.route
    }

    /// On a 403 for a missing grant: the required grants, space-separated.
    pub fn scope(&self) -> Option<&str> {
        self.scope
    }

    /// The `Retry-After` the response carries, in seconds.
    pub fn retry_after(&self) -> Option<u32> {
        self.retry_after
    }

    /// Whether the matched route is a `type = "json"` (JSON-RPC) route.
    pub fn is_json_rpc(&self) -> bool {
        self.json_rpc
    }

    /// The JSON-RPC error object the default renderer sends, when the default answer is one.
    /// Failures before the call is understood (body size and timeouts, an unavailable
    /// authentication backend, handler timeouts) are plain JSON even on JSON-RPC routes.
    pub fn rpc_error(&self) -> Option<&RpcError> {
        self.rpc_error
    }

    /// The JSON-RPC request's `id` as raw JSON text (`7`, `"abc"`), when the body was read
    /// and carried one. Authentication runs before the body is read, so its errors have none.
    pub fn rpc_id(&self) -> Option<&str> {
        self.rpc_id.map(RawValue::get)
    }
}

/// What an [`ErrorRenderer`] answers: a body, its content type and extra headers.
///
/// ```
/// use authroute::RenderedError;
/// let rendered = RenderedError::new("text/plain; charset=utf-8", "no such page")
///     .header("cache-control", "no-store");
/// # let _ = rendered;
/// ```
#[derive(Debug, Clone)]
pub struct RenderedError {
    content_type: HeaderValue,
    body: Bytes,
    headers: HeaderMap,
}

impl RenderedError {
    /// A body with its content type. An invalid content type falls back to
    /// `application/octet-stream`.
    pub fn new(content_type: impl AsRef<str>, body: impl Into<Bytes>) -> Self {
        let content_type = HeaderValue::from_str(content_type.as_ref())
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        Self {
            content_type,
            body: body.into(),
            headers: HeaderMap::new(),
        }
    }

    /// A JSON body (`application/json`).
    pub fn json(value: &serde_json::Value) -> Self {
        Self::new(
            "application/json",
            serde_json::to_vec(value).unwrap_or_default(),
        )
    }

    /// Adds a header. Headers the framework owns are ignored (see [`ErrorRenderer`]), and so
    /// is a name or value that is not valid HTTP.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_ref().as_bytes()),
            HeaderValue::from_str(value.as_ref()),
        ) {
            self.headers.append(name, value);
        }
        self
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The content type.
    pub fn content_type(&self) -> &HeaderValue {
        &self.content_type
    }
}

/// Decides the body of every error the framework answers itself: 404, 405, the 401/403/503 of
/// authentication, 400 (unreadable body, bad JSON-RPC envelope, arguments that do not
/// extract), 413, 408, the 503 of a handler timeout, the 500 of a handler panic, and the
/// JSON-RPC error objects of `type = "json"` routes for those. Errors a handler returns are
/// its own business and do not come here. Registered with
/// [`AppBuilder::error_renderer`](crate::AppBuilder::error_renderer); a closure
/// `Fn(&ErrorView<'_>) -> RenderedError` is one too.
///
/// The framework sets, after the renderer, the status, `WWW-Authenticate`, `Retry-After`,
/// `Allow` (405), `Connection: close` (408), `Set-Cookie` and the CORS headers, so a renderer
/// cannot break them. Extra headers the renderer names `content-type` (use
/// [`RenderedError::new`]), `content-length`, `transfer-encoding`, `connection`, `keep-alive`,
/// `upgrade`, `te`, `trailer`, `www-authenticate`, `proxy-authenticate`, `retry-after`,
/// `allow`, `set-cookie` or `access-control-*` are ignored.
///
/// A renderer that panics does not take the server down: that error gets the default body
/// ([`DefaultErrorRenderer`]) and one line is logged at `error` level.
///
/// ```
/// use authroute::{DefaultErrorRenderer, ErrorRenderer, ErrorView, RenderedError};
/// use serde_json::json;
///
/// /// RFC 9457 problem details on plain routes; JSON-RPC routes keep the default.
/// struct Problems;
///
/// impl ErrorRenderer for Problems {
///     fn render(&self, error: &ErrorView<'_>) -> RenderedError {
///         if error.is_json_rpc() {
///             return DefaultErrorRenderer.render(error);
///         }
///         let body = json!({
///             "type": format!("https://errors.example.com/{}", error.code()),
///             "title": error.status().canonical_reason(),
///             "status": error.status().as_u16(),
///             "detail": error.message(),
///         });
///         RenderedError::new("application/problem+json", body.to_string())
///     }
/// }
///
/// # async fn run() -> Result<(), authroute::StartupError> {
/// let app = authroute::App::builder().error_renderer(Problems).build().await?;
/// # Ok(()) }
/// # fn main() {}
/// ```
pub trait ErrorRenderer: Send + Sync + 'static {
    /// The body and extra headers for `error`.
    fn render(&self, error: &ErrorView<'_>) -> RenderedError;
}

impl<F> ErrorRenderer for F
where
    F: Fn(&ErrorView<'_>) -> RenderedError + Send + Sync + 'static,
{
    fn render(&self, error: &ErrorView<'_>) -> RenderedError {
        self(error)
    }
}

/// authroute's own error bodies: JSON `{"error": code, "error_description": message}`, or the
/// JSON-RPC error envelope `{"jsonrpc": "2.0", "id": ..., "error": {...}}` where the default
/// answer is one. Custom renderers may delegate to it.
///
/// ```
/// use authroute::{DefaultErrorRenderer, ErrorView, RenderedError};
///
/// let renderer = |error: &ErrorView<'_>| match error.status().as_u16() {
///     404 => RenderedError::new("text/html", "<h1>Not found</h1>"),
///     _ => authroute::ErrorRenderer::render(&DefaultErrorRenderer, error),
/// };
/// # let _ = authroute::App::builder().error_renderer(renderer);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultErrorRenderer;

impl ErrorRenderer for DefaultErrorRenderer {
    fn render(&self, error: &ErrorView<'_>) -> RenderedError {
        match error.rpc_error {
            Some(rpc_error) => {
                RenderedError::new("application/json", rpc::error_body(error.rpc_id, rpc_error))
            }
            None => RenderedError::json(&serde_json::json!({
                "error": error.code,
                "error_description": error.message,
            })),
        }
    }
}

/// The renderer an application uses; `Debug` for the services that hold it.
#[derive(Clone)]
pub(crate) struct Renderer(pub std::sync::Arc<dyn ErrorRenderer>);

impl Default for Renderer {
    fn default() -> Self {
        Renderer(std::sync::Arc::new(DefaultErrorRenderer))
    }
}

impl fmt::Debug for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErrorRenderer")
    }
}

impl Renderer {
    /// The response for `error`: its status, the renderer's body, content type and allowed
    /// headers. Callers add the protocol headers afterwards.
    pub(crate) fn response(&self, error: &ErrorView<'_>) -> Response {
        let rendered = match std::panic::catch_unwind(AssertUnwindSafe(|| self.0.render(error))) {
            Ok(rendered) => rendered,
            Err(_) => {
                tracing::error!(
                    status = error.status.as_u16(),
                    code = error.code,
                    "the error renderer panicked; the default error body was sent"
                );
                DefaultErrorRenderer.render(error)
            }
        };
        let mut response = http::Response::new(Full::new(rendered.body));
        *response.status_mut() = error.status;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, rendered.content_type);
        let mut last = None::<HeaderName>;
        for (name, value) in rendered.headers {
            // `HeaderMap::into_iter` names only the first value of each header.
            if let Some(name) = name {
                last = (!is_reserved(&name)).then_some(name);
            }
            if let Some(name) = &last {
                headers.append(name.clone(), value);
            }
        }
        response
    }
}

/// Headers the framework owns on error responses.
fn is_reserved(name: &HeaderName) -> bool {
    const RESERVED: [HeaderName; 13] = [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        header::CONNECTION,
        HeaderName::from_static("keep-alive"),
        header::UPGRADE,
        header::TE,
        header::TRAILER,
        header::WWW_AUTHENTICATE,
        header::PROXY_AUTHENTICATE,
        header::RETRY_AFTER,
        header::ALLOW,
        header::SET_COOKIE,
    ];
    RESERVED.contains(name) || name.as_str().starts_with("access-control-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_headers_are_dropped() {
        let renderer = Renderer(std::sync::Arc::new(|_: &ErrorView<'_>| {
            RenderedError::new("text/plain", "x")
                .header("www-authenticate", "Basic")
                .header("Retry-After", "1")
                .header("access-control-allow-origin", "*")
                .header("x-trace", "a")
                .header("x-trace", "b")
                .header("content-type", "text/html")
        }));
        let view = ErrorView::new(StatusCode::NOT_FOUND, "not_found", "none");
        let response = renderer.response(&view);
        assert_eq!(response.status(), 404);
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "text/plain");
        assert_eq!(headers.get_all("x-trace").iter().count(), 2);
        assert!(headers.get(header::WWW_AUTHENTICATE).is_none());
        assert!(headers.get(header::RETRY_AFTER).is_none());
        assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    }
}
