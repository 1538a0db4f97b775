//! Authentication failures and their RFC 6750 rendering.

use std::borrow::Cow;
use std::fmt;

use http::{HeaderValue, StatusCode, header};

use crate::response::Response;

/// The `error` parameter of a `WWW-Authenticate: Bearer` challenge (RFC 6750 section 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerError {
    /// The request is malformed: bad `Authorization` header, several credentials.
    InvalidRequest,
    /// The token is expired, revoked, malformed or invalid for another reason.
    InvalidToken,
    /// The token is valid but lacks a grant the route requires (403).
    InsufficientScope,
}

impl BearerError {
    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            BearerError::InvalidRequest => "invalid_request",
            BearerError::InvalidToken => "invalid_token",
            BearerError::InsufficientScope => "insufficient_scope",
        }
    }
}

/// Why a request was not authenticated: a 401, a 403 for a missing grant or group, or a 503
/// when signing keys are unavailable.
///
/// Custom auth methods return it to refuse a request:
///
/// ```
/// use authroute::AuthError;
/// let err = AuthError::denied("the `Authorization` header must be 42");
/// assert_eq!(err.status(), http::StatusCode::UNAUTHORIZED);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    status: StatusCode,
    error: Option<BearerError>,
    description: Cow<'static, str>,
    /// The challenge's auth scheme; `None` is `Bearer`.
    scheme: Option<&'static str>,
    realm: Option<Cow<'static, str>>,
    retry_after: Option<u32>,
    /// The `scope` parameter of an `insufficient_scope` challenge.
    scope: Option<String>,
}

impl AuthError {
    /// No credentials at all: 401 without an `error` parameter.
    pub fn missing(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, description)
    }

    /// Credentials were given but refused (custom auth methods): 401 without an `error`
    /// parameter, as nothing bearer-specific went wrong.
    pub fn denied(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, description)
    }

    /// A malformed request (RFC 6750 `invalid_request`).
    pub fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            Some(BearerError::InvalidRequest),
            description,
        )
    }

    /// A bad token (RFC 6750 `invalid_token`).
    pub fn invalid_token(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            Some(BearerError::InvalidToken),
            description,
        )
    }

    /// The caller lacks a grant the route requires: 403 with `error="insufficient_scope"` and
    /// the required grants, space-separated, in `scope` (RFC 6750 section 3.1).
    pub fn insufficient_scope(scope: impl Into<String>) -> Self {
        let mut err = Self::new(
            StatusCode::FORBIDDEN,
            Some(BearerError::InsufficientScope),
            "the access token does not grant what this route requires",
        );
        err.scope = Some(scope.into());
        err
    }

    /// The caller is authenticated but not allowed (a session user outside a group the route
    /// requires): 403 without a challenge, as no other credentials would help.
    pub(crate) fn forbidden(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, None, description)
    }

    /// Signing keys are unavailable: 503 with `Retry-After`.
    pub fn keys_unavailable(retry_after: u32) -> Self {
        let mut err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            "the signing keys are temporarily unavailable",
        );
        err.retry_after = Some(retry_after);
        err
    }

    /// What the auth method needs (a key store, a database) is down: 503 with `Retry-After`
    /// seconds, so clients retry instead of treating it as a refusal.
    pub fn unavailable(description: impl Into<Cow<'static, str>>, retry_after: u32) -> Self {
        let mut err = Self::new(StatusCode::SERVICE_UNAVAILABLE, None, description);
        err.retry_after = Some(retry_after);
        err
    }

    fn new(
        status: StatusCode,
        error: Option<BearerError>,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            scheme: None,
            realm: None,
            retry_after: None,
            scope: None,
        }
    }

    /// Sets the realm (the validator's name) unless one is set already.
    pub fn with_realm(mut self, realm: impl Into<Cow<'static, str>>) -> Self {
        if self.realm.is_none() {
            self.realm = Some(realm.into());
        }
        self
    }

    /// The challenge a custom method declared (`#[auth_method(challenge = "ApiKey", realm =
    /// "...")]`): its scheme replaces `Bearer`, its realm applies unless one is set already.
    pub(crate) fn with_challenge(
        mut self,
        scheme: Option<&'static str>,
        realm: Option<&'static str>,
    ) -> Self {
        if scheme.is_some() {
            self.scheme = scheme;
        }
        match realm {
            Some(realm) => self.with_realm(realm),
            None => self,
        }
    }

    /// The HTTP status: 401, 403 for a missing grant or group, or 503 for unavailable keys.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The RFC 6750 error code, if any.
    pub fn bearer_error(&self) -> Option<BearerError> {
        self.error
    }

    /// The human-readable description sent in `error_description`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The `error` member of the JSON body.
    pub(crate) fn error_code(&self) -> &'static str {
        match (self.error, self.status) {
            (Some(err), _) => err.as_str(),
            (None, StatusCode::SERVICE_UNAVAILABLE) => "temporarily_unavailable",
            (None, StatusCode::FORBIDDEN) => "forbidden",
            (None, _) => "unauthorized",
        }
    }

    /// The `WWW-Authenticate` challenge, with `default_realm` when none was set.
    pub(crate) fn challenge(&self, default_realm: &str) -> HeaderValue {
        let realm = self.realm.as_deref().unwrap_or(default_realm);
        let scheme = self.scheme.unwrap_or("Bearer");
        let mut value = format!("{scheme} realm=\"{}\"", quote_safe(realm));
        if let Some(err) = self.error {
            value.push_str(", error=\"");
            value.push_str(err.as_str());
            value.push('"');
        }
        if let Some(scope) = &self.scope {
            value.push_str(", scope=\"");
            value.push_str(&quote_safe(scope));
            value.push('"');
        }
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("Bearer"))
    }

    /// The required grants of an `insufficient_scope` refusal, space-separated.
    pub(crate) fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The `Retry-After` seconds of a 503.
    pub(crate) fn retry_after(&self) -> Option<u32> {
        self.retry_after
    }

    /// Adds the challenge and `Retry-After` headers to a response.
    pub(crate) fn add_headers(&self, response: &mut Response, default_realm: &str) {
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED || self.scope.is_some() {
            headers.insert(header::WWW_AUTHENTICATE, self.challenge(default_realm));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.description, self.error_code())
    }
}

impl std::error::Error for AuthError {}

/// Realms are our own names, but keep the quoted-string well-formed whatever they hold.
fn quote_safe(realm: &str) -> Cow<'_, str> {
    if realm
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        Cow::Borrowed(realm)
    } else {
        Cow::Owned(
            realm
                .chars()
                .filter(|c| c.is_ascii_graphic() || *c == ' ')
                .filter(|c| *c != '"' && *c != '\\')
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        let err = AuthError::missing("no credentials");
        assert_eq!(err.challenge("app"), "Bearer realm=\"app\"");
        let err = AuthError::invalid_token("expired").with_realm("demo");
        assert_eq!(
            err.challenge("app"),
            "Bearer realm=\"demo\", error=\"invalid_token\""
        );
        let err = AuthError::invalid_request("bad header").with_realm("a\"b\\c");
        assert_eq!(
            err.challenge("app"),
            "Bearer realm=\"abc\", error=\"invalid_request\""
        );
    }

    #[test]
    fn custom_challenges() {
        let err = AuthError::denied("no key").with_challenge(Some("ApiKey"), None);
        assert_eq!(err.challenge("app"), "ApiKey realm=\"app\"");
        let err = AuthError::denied("no key").with_challenge(Some("ApiKey"), Some("keys"));
        assert_eq!(err.challenge("app"), "ApiKey realm=\"keys\"");
        let err = AuthError::denied("no key").with_challenge(None, Some("keys"));
        assert_eq!(err.challenge("app"), "Bearer realm=\"keys\"");
        let err = AuthError::invalid_request("two keys")
            .with_realm("own")
            .with_challenge(Some("ApiKey"), Some("keys"));
        assert_eq!(
            err.challenge("app"),
            "ApiKey realm=\"own\", error=\"invalid_request\""
        );
    }
}
