//! Auth methods: what runs before each handler to establish who is calling.
//!
//! One file per family: `session` (`public`, `user`), [`custom`] (`#[auth_method]`); the
//! JWT family lives in `jwt`.

pub mod custom;
pub(crate) mod jwt;
pub(crate) mod session;

use std::sync::Arc;

use crate::jwt::policy::VerifiedToken;

use crate::directory::Partner;
use crate::identity::Uid;
use crate::session::Session;

/// The value of the first cookie called `name` in the request's `Cookie` headers.
pub(crate) fn cookie_value<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The identity the route's auth method established.
#[derive(Debug, Default)]
pub(crate) struct Identity {
    /// The authenticated user, if any.
    pub uid: Option<Uid>,
    /// The user the request runs as: the authenticated one, or the public user.
    pub effective_uid: Option<Uid>,
    /// The logged-in session, if the request carried a valid one.
    pub session: Option<Session>,
    /// The partner matched by a JWT validator's partner strategy.
    pub partner: Option<Partner>,
    /// The verified token, on JWT routes.
    pub token: Option<Arc<VerifiedToken>>,
    /// The validator that accepted the token.
    pub validator: Option<&'static str>,
    /// A cookie-mode `Set-Cookie` for the response.
    pub set_cookie: Option<http::HeaderValue>,
}

impl Identity {
    pub(crate) fn authenticated(uid: Uid, session: Option<Session>) -> Self {
        Self {
            uid: Some(uid),
            effective_uid: Some(uid),
            session,
            ..Self::default()
        }
    }

    pub(crate) fn anonymous(public_uid: Uid) -> Self {
        Self {
            effective_uid: Some(public_uid),
            ..Self::default()
        }
    }
}

/// Why the auth step did not produce an identity.
#[derive(Debug)]
pub(crate) enum AuthFailure {
    /// 401/503 for the client.
    Refused(crate::error::AuthError),
    /// A store failed; 500 with the reason logged, never sent.
    Internal(String),
}

impl From<crate::error::AuthError> for AuthFailure {
    fn from(err: crate::error::AuthError) -> Self {
        AuthFailure::Refused(err)
    }
}
