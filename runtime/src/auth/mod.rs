//! Auth methods: what runs before each handler to establish who is calling.
//!
//! One file per family: `session` (`public`, `user`), custom methods (`#[auth_method]`, which
//! receive an [`AuthRequest`](crate::AuthRequest)) and `jwt` (`jwt_*`, `public_or_jwt_*`: the
//! bearer token is checked here). Each family sees only `AuthEnv`, the stores and clock it
//! needs, never the whole application.

pub(crate) mod jwt;
pub(crate) mod session;

use crate::registry::{AuthMethodDef, AuthMethodFn};
use crate::request::{AuthRequest, Identity};
pub(crate) use crate::services::AuthEnv;

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
                custom(method, env, head)
                    .await
                    .map_err(|failure| match failure {
                        AuthFailure::Refused(err) => {
                            AuthFailure::Refused(err.with_challenge(method.challenge, method.realm))
                        }
                        internal => internal,
                    })
            }
            Authenticator::Jwt(auth) => auth.authenticate(env, head).await,
        }
    }
}

/// A custom method: sync ones are called, async ones awaited; both see the session.
async fn custom(
    method: &AuthMethodDef,
    env: AuthEnv<'_>,
    head: &http::request::Parts,
) -> Result<Identity, AuthFailure> {
    let session = session::load_session(env, &head.headers).await?;
    let request = AuthRequest {
        head,
        session: session.as_ref(),
        env,
    };
    let found = match method.func {
        AuthMethodFn::Sync(func) => func(&request)?,
        AuthMethodFn::Async(func) => func(&request).await?,
    };
    let mut identity = Identity::authenticated(found.uid, session);
    identity.method_grants = found.grants;
    identity.method_claims = found.claims.map(crate::request::MethodClaims);
    Ok(identity)
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
