//! JSON-RPC 2.0 as Odoo speaks it on `type = "json"` routes.
//!
//! Request: `{"jsonrpc": "2.0", "method": "call", "params": {...}, "id": ...}`; a bare
//! `{"params": {...}}` is accepted. Response: `{"jsonrpc": "2.0", "id": <id or null>, "result": ...}`
//! or `{"jsonrpc": "2.0", "id": ..., "error": {"code", "message", "data"}}` with the HTTP status of
//! the failure (401 for authentication, 400 for malformed requests).

use std::borrow::Cow;

use http::{HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::AuthError;
use crate::response::{HttpError, Json, Response, bytes_response};

/// Parse error: the body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// Invalid request: JSON, but not a JSON-RPC request object.
pub const INVALID_REQUEST: i64 = -32600;
/// Invalid params: the handler could not use the `params`.
pub const INVALID_PARAMS: i64 = -32602;
/// Internal error.
pub const INTERNAL_ERROR: i64 = -32603;
/// Authentication failed (server-defined range).
pub const UNAUTHORIZED: i64 = -32001;
/// Any other handler error (server-defined range).
pub const SERVER_ERROR: i64 = -32000;

/// A parsed request envelope: the `id` to echo and the raw `params`.
#[derive(Debug)]
pub(crate) struct RpcCall {
    pub id: Option<Box<RawValue>>,
    pub params: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    jsonrpc: Option<String>,
    #[serde(default)]
    id: Option<Box<RawValue>>,
    #[serde(default)]
    params: Option<Box<RawValue>>,
}

/// Parses and checks an envelope.
pub(crate) fn parse_call(body: &[u8]) -> Result<RpcCall, RpcError> {
    let trimmed = body.trim_ascii_start();
    if !trimmed.starts_with(b"{") {
        return Err(
            if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
                RpcError::invalid_request("the request must be a JSON object")
            } else {
                RpcError::parse_error()
            },
        );
    }
    let envelope: Envelope = serde_json::from_slice(body).map_err(|err| {
        if err.is_data() {
            RpcError::invalid_request("the request is not a JSON-RPC 2.0 call object")
        } else {
            RpcError::parse_error()
        }
    })?;
    if let Some(version) = &envelope.jsonrpc
        && version != "2.0"
    {
        return Err(RpcError::invalid_request("`jsonrpc` must be \"2.0\""));
    }
    if let Some(id) = &envelope.id {
        let first = id.get().as_bytes().first();
        if matches!(first, Some(b'{') | Some(b'[') | Some(b't') | Some(b'f')) {
            return Err(RpcError::invalid_request(
                "`id` must be a string, a number or null",
            ));
        }
        // Echoed verbatim, so it must read back: a number beyond the f64 range (`1e400`) is
        // valid JSON text that serde_json and most clients refuse (found by fuzzing).
        if matches!(first, Some(b'-' | b'0'..=b'9'))
            && !id.get().parse::<f64>().is_ok_and(f64::is_finite)
        {
            return Err(RpcError::invalid_request("`id` is a number out of range"));
        }
    }
    if let Some(params) = &envelope.params {
        let first = params.get().as_bytes().first();
        if !matches!(first, Some(b'{') | Some(b'[') | Some(b'n')) {
            return Err(RpcError::invalid_request(
                "`params` must be an object or an array",
            ));
        }
    }
    Ok(RpcCall {
        id: envelope.id,
        params: envelope.params,
    })
}

/// A JSON-RPC error object plus the HTTP status it travels with.
///
/// ```
/// use authroute::RpcError;
/// let err = RpcError::new(-32050, "order is closed");
/// assert_eq!(err.code(), -32050);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    status: StatusCode,
    code: i64,
    message: Cow<'static, str>,
    data: Option<serde_json::Value>,
}

impl RpcError {
    /// An application error with this code and message, sent with HTTP 200 as Odoo does.
    pub fn new(code: i64, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status: StatusCode::OK,
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Attaches structured `data`.
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Sets the HTTP status the error travels with.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// `-32602`, HTTP 400: the params do not fit the handler.
    pub fn invalid_params(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(INVALID_PARAMS, message).with_status(StatusCode::BAD_REQUEST)
    }

    pub(crate) fn parse_error() -> Self {
        Self::new(
            PARSE_ERROR,
            "parse error: the request body is not valid JSON",
        )
        .with_status(StatusCode::BAD_REQUEST)
    }

    pub(crate) fn invalid_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(INVALID_REQUEST, message).with_status(StatusCode::BAD_REQUEST)
    }

    /// The error code.
    pub fn code(&self) -> i64 {
        self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The structured `data`, if any.
    pub fn data(&self) -> Option<&serde_json::Value> {
        self.data.as_ref()
    }
}

impl From<HttpError> for RpcError {
    fn from(err: HttpError) -> Self {
        let code = match err.status() {
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => INVALID_PARAMS,
            StatusCode::UNAUTHORIZED => UNAUTHORIZED,
            status if status.is_server_error() => INTERNAL_ERROR,
            _ => SERVER_ERROR,
        };
        RpcError::new(code, err.message().to_string())
            .with_status(err.status())
            .with_data(serde_json::json!({"error": err.code()}))
    }
}

impl From<&AuthError> for RpcError {
    fn from(err: &AuthError) -> Self {
        RpcError::new(UNAUTHORIZED, err.description().to_string())
            .with_status(err.status())
            .with_data(serde_json::json!({"error": err.error_code()}))
    }
}

#[derive(Serialize)]
struct ErrorObject<'a> {
    code: i64,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a serde_json::Value>,
}

/// Converts a `type = "json"` handler's return value into a JSON-RPC `result` or `error`.
///
/// ```
/// use authroute::{IntoRpcResult, Json};
/// let result = Json(serde_json::json!({"uid": 1})).into_rpc_result();
/// assert_eq!(result.unwrap()["uid"], 1);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a `type = \"json\"` route handler",
    label = "JSON-RPC handlers return a type implementing `IntoRpcResult`",
    note = "return `Json<T>`, `serde_json::Value`, `()` or a `Result<_, E>` of those where `E: Into<RpcError>`"
)]
pub trait IntoRpcResult {
    /// Performs the conversion.
    fn into_rpc_result(self) -> Result<serde_json::Value, RpcError>;
}

impl IntoRpcResult for serde_json::Value {
    fn into_rpc_result(self) -> Result<serde_json::Value, RpcError> {
        Ok(self)
    }
}

impl IntoRpcResult for () {
    fn into_rpc_result(self) -> Result<serde_json::Value, RpcError> {
        Ok(serde_json::Value::Null)
    }
}

impl<T: Serialize> IntoRpcResult for Json<T> {
    fn into_rpc_result(self) -> Result<serde_json::Value, RpcError> {
        serde_json::to_value(&self.0).map_err(|err| {
            tracing::error!(error = %err, "JSON-RPC result failed to serialise");
            RpcError::new(INTERNAL_ERROR, "the result could not be serialised")
                .with_status(StatusCode::INTERNAL_SERVER_ERROR)
        })
    }
}

impl<T: IntoRpcResult, E: Into<RpcError>> IntoRpcResult for Result<T, E> {
    fn into_rpc_result(self) -> Result<serde_json::Value, RpcError> {
        self.map_err(Into::into)
            .and_then(IntoRpcResult::into_rpc_result)
    }
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");

fn envelope(id: Option<&RawValue>, member: &str, value: &[u8]) -> Vec<u8> {
    let id = id.map_or("null", RawValue::get);
    let mut body = Vec::with_capacity(32 + id.len() + value.len());
    body.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
    body.extend_from_slice(id.as_bytes());
    body.extend_from_slice(b",\"");
    body.extend_from_slice(member.as_bytes());
    body.extend_from_slice(b"\":");
    body.extend_from_slice(value);
    body.push(b'}');
    body
}

/// `{"jsonrpc":"2.0","id":...,"result":...}` with HTTP 200.
pub(crate) fn result_response(id: Option<&RawValue>, result: &serde_json::Value) -> Response {
    match serde_json::to_vec(result) {
        Ok(value) => bytes_response(StatusCode::OK, JSON, envelope(id, "result", &value)),
        Err(_) => error_response(
            id,
            &RpcError::new(INTERNAL_ERROR, "the result could not be serialised")
                .with_status(StatusCode::INTERNAL_SERVER_ERROR),
        ),
    }
}

/// `{"jsonrpc":"2.0","id":...,"error":{...}}` with the error's HTTP status.
pub(crate) fn error_response(id: Option<&RawValue>, err: &RpcError) -> Response {
    bytes_response(err.status, JSON, error_body(id, err))
}

/// The body of [`error_response`].
pub(crate) fn error_body(id: Option<&RawValue>, err: &RpcError) -> Vec<u8> {
    let object = ErrorObject {
        code: err.code,
        message: &err.message,
        data: err.data.as_ref(),
    };
    let value = serde_json::to_vec(&object).unwrap_or_else(|_| b"{\"code\":-32603}".to_vec());
    envelope(id, "error", &value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes() {
        let call =
            parse_call(br#"{"jsonrpc":"2.0","method":"call","params":{"a":1},"id":7}"#).unwrap();
        assert_eq!(call.id.unwrap().get(), "7");
        assert_eq!(call.params.unwrap().get(), r#"{"a":1}"#);
        let call = parse_call(br#"{"params": {}}"#).unwrap();
        assert!(call.id.is_none());
        assert_eq!(parse_call(b"{").unwrap_err().code(), PARSE_ERROR);
        assert_eq!(parse_call(b"").unwrap_err().code(), PARSE_ERROR);
        assert_eq!(parse_call(b"[1]").unwrap_err().code(), INVALID_REQUEST);
        assert_eq!(
            parse_call(br#"{"jsonrpc":"1.0"}"#).unwrap_err().code(),
            INVALID_REQUEST
        );
        assert_eq!(
            parse_call(br#"{"id":{"a":1}}"#).unwrap_err().code(),
            INVALID_REQUEST
        );
        assert_eq!(
            parse_call(br#"{"params":5}"#).unwrap_err().code(),
            INVALID_REQUEST
        );
    }

    /// Found by the `rpc_envelope` fuzz target: an id that parses as raw JSON text but not as a
    /// number would be echoed into a response clients cannot read.
    #[test]
    fn ids_must_read_back() {
        for id in ["23333330e333333333333", "1e400", "-1e400"] {
            let body = format!(r#"{{"id":{id},"params":{{}}}}"#);
            let err = parse_call(body.as_bytes()).unwrap_err();
            assert_eq!(err.code(), INVALID_REQUEST, "{id}");
        }
        for id in ["1", "-7", "1.5e300", "123456789012345678901234567890", "0"] {
            let body = format!(r#"{{"id":{id},"params":{{}}}}"#);
            let call = parse_call(body.as_bytes()).unwrap();
            assert_eq!(call.id.unwrap().get(), id);
        }
    }

    #[test]
    fn rendering() {
        let id = RawValue::from_string("\"x\"".into()).unwrap();
        let body = envelope(Some(&id), "result", b"{\"uid\":1}");
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"jsonrpc": "2.0", "id": "x", "result": {"uid": 1}})
        );
    }
}
