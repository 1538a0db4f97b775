//! What handlers return: anything that converts into an HTTP response, or, on `type = "json"`
//! routes, into a JSON-RPC result.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body_util::Full;
use serde::Serialize;

/// The response type of the whole runtime.
pub type Response = http::Response<Full<Bytes>>;

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

/// A response with a JSON body. Serialising a `serde_json::Value` or our own types cannot fail;
/// a user type that fails to serialise is a 500 with a logged reason.
pub(crate) fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => bytes_response(status, JSON, body),
        Err(err) => {
            tracing::error!(error = %err, "response body failed to serialise");
            bytes_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                JSON,
                &br#"{"error":"internal_error","error_description":"the response could not be serialised"}"#[..],
            )
        }
    }
}

pub(crate) fn bytes_response(
    status: StatusCode,
    content_type: HeaderValue,
    body: impl Into<Bytes>,
) -> Response {
    let mut response = http::Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response
}

/// A JSON error body `{"error": code, "error_description": description}` with a status.
pub(crate) fn error_response(status: StatusCode, code: &str, description: &str) -> Response {
    json_response(
        status,
        &serde_json::json!({"error": code, "error_description": description}),
    )
}

/// Converts a handler's return value into a response.
///
/// ```
/// use authroute::{IntoResponse, Json};
/// let response = Json(serde_json::json!({"ok": true})).into_response();
/// assert_eq!(response.status(), 200);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a route handler",
    label = "handlers return a type implementing `IntoResponse`",
    note = "return `Json<T>`, `serde_json::Value`, `String`, `&'static str`, `StatusCode`, `(StatusCode, T)`, `HttpError`, a `Response` or a `Result` of those"
)]
pub trait IntoResponse {
    /// Performs the conversion.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        let mut response = http::Response::new(Full::new(Bytes::new()));
        *response.status_mut() = self;
        response
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        bytes_response(StatusCode::OK, TEXT, Bytes::from_static(self.as_bytes()))
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        bytes_response(StatusCode::OK, TEXT, self)
    }
}

impl IntoResponse for serde_json::Value {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self)
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        let mut response = self.1.into_response();
        *response.status_mut() = self.0;
        response
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(err) => err.into_response(),
        }
    }
}

/// A JSON body: as a handler argument, the request body; as a return value, the response body.
///
/// ```
/// use authroute::Json;
/// let Json(value) = Json(serde_json::json!([1, 2]));
/// assert_eq!(value[1], 2);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        json_response(StatusCode::OK, &self.0)
    }
}

/// An error a handler returns: a status and a message, rendered as
/// `{"error": "<reason phrase>", "error_description": "<message>"}`.
///
/// ```
/// use authroute::HttpError;
/// let err = HttpError::new(http::StatusCode::NOT_FOUND, "no such order");
/// assert_eq!(err.status(), 404);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    status: StatusCode,
    message: Cow<'static, str>,
}

impl HttpError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The machine-readable code: the reason phrase in snake case.
    pub(crate) fn code(&self) -> String {
        self.status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for HttpError {}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        error_response(self.status, &self.code(), &self.message)
    }
}
