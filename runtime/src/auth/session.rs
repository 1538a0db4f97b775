//! `public` and `user`: identity from the session cookie.

use http::HeaderMap;

use super::{AuthEnv, AuthFailure, Identity};
use crate::error::AuthError;
use crate::session::{SESSION_COOKIE, Session};

/// The value of the `session_id` cookie, if the request has one.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    crate::cookie_header::value(headers, SESSION_COOKIE).map(|value| value.trim_matches('"'))
}

/// Loads the session named by the request's cookie; unknown, expired or malformed ids are no
/// session at all. Extends a session that has used up half of its lifetime.
pub(crate) async fn load_session(
    env: AuthEnv<'_>,
    headers: &HeaderMap,
) -> Result<Option<Session>, AuthFailure> {
    let Some(id) = session_cookie(headers) else {
        return Ok(None);
    };
    let store = env.sessions;
    let now = env.clock.now();
    let session = store
        .load(id, now)
        .await
        .map_err(|err| AuthFailure::Internal(err.to_string()))?;
    let Some(mut session) = session else {
        return Ok(None);
    };
    let ttl = env.session_ttl;
    if session.expires_at - now < ttl / 2 {
        let touched = store
            .touch(&session.id, now, ttl)
            .await
            .map_err(|err| AuthFailure::Internal(err.to_string()))?;
        if touched {
            session.expires_at = now + ttl;
        }
    }
    Ok(Some(session))
}

/// `auth = "user"`: a session is required.
pub(crate) fn user(session: Option<Session>) -> Result<Identity, AuthFailure> {
    match session {
        Some(session) => Ok(Identity::authenticated(session.uid, Some(session))),
        None => Err(AuthError::missing("this route requires a logged-in session").into()),
    }
}

/// `auth = "public"`: the session user, else the public user.
pub(crate) fn public(env: AuthEnv<'_>, session: Option<Session>) -> Identity {
    match session {
        Some(session) => Identity::authenticated(session.uid, Some(session)),
        None => Identity::anonymous(env.public_uid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::COOKIE;

    #[test]
    fn finds_the_session_cookie() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, "a=1; session_id=abc; b=2".parse().unwrap());
        assert_eq!(session_cookie(&headers), Some("abc"));
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, "a=1".parse().unwrap());
        headers.append(COOKIE, "session_id=xyz".parse().unwrap());
        assert_eq!(session_cookie(&headers), Some("xyz"));
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }
}
