//! Auth methods: what runs before each handler to establish who is calling.
//!
//! One file per family: [`session`] (`public`, `user`), [`custom`] (`#[auth_method]`) and
//! `jwt` (`jwt_*`, `public_or_jwt_*`: the bearer token is checked here). Each family sees
//! only [`AuthEnv`], the stores and clock it needs, never the whole application.

pub mod custom;
pub(crate) mod jwt;
pub(crate) mod session;

use std::sync::Arc;

use crate::clock::Clock;
use crate::directory::{Directory, Partner};
use crate::identity::Uid;
use crate::jwt::policy::VerifiedToken;
use crate::registry::AuthMethodDef;
use crate::session::{Session, SessionStore};
use crate::state::StateMap;

/// What auth methods may use: stores, clock, the session lifetime, the public user, state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthEnv<'a> {
    pub sessions: &'a dyn SessionStore,
    pub directory: &'a dyn Directory,
    pub clock: &'a dyn Clock,
    /// Session lifetime in seconds.
    pub session_ttl: i64,
    pub public_uid: Uid,
    pub state: &'a StateMap,
}

/// A route's auth method, ready at startup: everything it names is resolved.
#[derive(Debug)]
pub(crate) enum Authenticator {
    None,
    Public,
    User,
    Custom(&'static AuthMethodDef),
    Jwt(jwt::JwtAuth),
}

impl Authenticator {
    /// Runs the method on the request head (the body is read only after it succeeds).
    pub(crate) async fn authenticate(
        &self,
        env: AuthEnv<'_>,
        head: &http::request::Parts,
    ) -> Result<Identity, AuthFailure> {
        match self {
            Authenticator::None => Ok(Identity::default()),
            Authenticator::Public => {
                let session = session::load_session(env, &head.headers).await?;
                Ok(session::public(env, session))
            }
            Authenticator::User => {
                let session = session::load_session(env, &head.headers).await?;
                session::user(session)
            }
            Authenticator::Custom(method) => {
                let session = session::load_session(env, &head.headers).await?;
                let request = custom::AuthRequest {
                    head,
                    session: session.as_ref(),
                    env,
                };
                let uid = (method.func)(&request)?;
                Ok(Identity::authenticated(uid, session))
            }
            Authenticator::Jwt(auth) => auth.authenticate(env, head).await,
        }
    }
}

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
    /// A store failed; 503 with the reason logged, never sent.
    Internal(String),
}

impl From<crate::error::AuthError> for AuthFailure {
    fn from(err: crate::error::AuthError) -> Self {
        AuthFailure::Refused(err)
    }
}
