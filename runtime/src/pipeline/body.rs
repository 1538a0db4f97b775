//! Reading a request body: within the size limit and the body timeout, and only once the
//! request is authenticated.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use http_body::Body;
use http_body_util::{BodyExt, Limited};

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Beyond the size limit: 413.
    TooLarge,
    /// The stream broke: 400.
    Broken,
    /// Not received within the body timeout: 408, and the connection is closed.
    Timeout,
}

impl BodyError {
    /// The status, machine code and message of the error response.
    pub(crate) fn parts(self) -> (StatusCode, &'static str, &'static str) {
        match self {
            BodyError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body exceeds the size limit",
            ),
            BodyError::Broken => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the request body could not be read",
            ),
            BodyError::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "the request body did not arrive in time",
            ),
        }
    }
}

/// Reads the body within `limit` bytes and `timeout`.
pub(crate) async fn read_body<B>(
    headers: &HeaderMap,
    body: B,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError>
where
    B: Body<Data = Bytes> + Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(err)) if err.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Ok(Err(_)) => Err(BodyError::Broken),
        Err(_elapsed) => Err(BodyError::Timeout),
    }
}
