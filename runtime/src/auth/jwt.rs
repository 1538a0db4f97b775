//! `jwt_<name>` and `public_or_jwt_<name>`: bearer tokens checked by a validator chain
//! (session guard, header or cookie, chains).

use std::sync::Arc;

use http::HeaderMap;
use http::header::AUTHORIZATION;

use super::{AuthEnv, AuthFailure, Identity};
use crate::directory::Partner;
use crate::error::AuthError;
use crate::identity::Uid;
use crate::jwt::config::{PartnerStrategy, TokenContext, UserStrategy, Validator, VerificationKey};
use crate::jwt::cookie::CookieMode;
#[cfg(feature = "jwks")]
use crate::jwt::jwks::KeyLookupError;
use crate::jwt::policy::{self, VerifiedToken};

/// Whether every byte is a token68 character (RFC 7235 2.1: letters, digits, `-._~+/=`).
/// Branch-free over fixed 32-byte blocks so that the compiler turns it into vector code: tokens
/// are hundreds of bytes and this runs on every request.
fn is_token68(token: &[u8]) -> bool {
    fn allowed(b: u8) -> bool {
        let alnum = b.is_ascii_digit() | (b | 0x20).is_ascii_lowercase();
        let symbol = (b == b'-') | (b == b'.') | (b == b'_') | (b == b'~');
        alnum | symbol | (b == b'+') | (b == b'/') | (b == b'=')
    }
    let (blocks, rest) = token.as_chunks::<32>();
    let bad = |block: &[u8]| {
        block
            .iter()
            .fold(0_u8, |bad, &b| bad | u8::from(!allowed(b)))
    };
    blocks.iter().all(|block| bad(block) == 0) && bad(rest) == 0
}

fn malformed() -> AuthError {
    AuthError::invalid_request("the `Authorization` header must be `Bearer <token>`")
}

/// The `Authorization` header is parsed strictly: one header, `Bearer` (any case), one space, a
/// token of token68 characters. Anything else is `invalid_request` (RFC 6750 section 3.1).
/// This is the structure, with the token returned unchecked; [`token68_text`] checks it.
fn bearer_raw(headers: &HeaderMap) -> Result<Option<&[u8]>, AuthError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(AuthError::invalid_request(
            "several `Authorization` headers were sent",
        ));
    }
    let value = value.as_bytes();
    let space = value
        .iter()
        .position(|&b| b == b' ')
        .ok_or_else(malformed)?;
    let (scheme, token) = (&value[..space], &value[space + 1..]);
    if !scheme.eq_ignore_ascii_case(b"bearer") || token.is_empty() {
        return Err(malformed());
    }
    Ok(Some(token))
}

/// The token, if it is all token68 characters.
fn token68_text(raw: &[u8]) -> Result<&str, AuthError> {
    if !is_token68(raw) {
        return Err(malformed());
    }
    // token68 characters are ASCII, so this cannot fail.
    std::str::from_utf8(raw).map_err(|_| malformed())
}

/// A `jwt_*` or `public_or_jwt_*` route's auth: its validator chain, resolved at startup.
#[derive(Debug)]
pub(crate) struct JwtAuth {
    /// The route's validator first, then the ones its `next` links name, in order.
    chain: Box<[Arc<Validator>]>,
    /// `public_or_jwt_*`: no credentials at all is anonymous.
    public: bool,
}

impl JwtAuth {
    /// `chain` must not be empty: its first validator is the route's own.
    pub(crate) fn new(chain: Vec<Arc<Validator>>, public: bool) -> Option<Self> {
        (!chain.is_empty()).then(|| JwtAuth {
            chain: chain.into_boxed_slice(),
            public,
        })
    }

    /// The route's own validator, whose name is the realm of its challenges.
    pub(crate) fn validator(&self) -> &Validator {
        &self.chain[0]
    }

    /// Runs the route's validator chain on the request.
    pub(crate) async fn authenticate(
        &self,
        env: AuthEnv<'_>,
        head: &http::request::Parts,
    ) -> Result<Identity, AuthFailure> {
        let validator = self.validator();
        if let Some(session) = super::session::load_session(env, &head.headers).await? {
            tracing::warn!(
                validator = validator.name,
                uid = session.uid.0,
                "JWT route called with a logged-in session; refused (a bearer token never mixes with a session)"
            );
            return Err(AuthError::invalid_request(
                "this route accepts bearer tokens only; log out of the session first",
            )
            .with_realm(validator.name)
            .into());
        }
        // The header always wins; a malformed header never falls back to the cookie.
        let raw = match bearer_raw(&head.headers) {
            Err(err) => return Err(err.with_realm(validator.name).into()),
            Ok(Some(raw)) => raw,
            Ok(None) => {
                let cookie = validator
                    .cookie
                    .as_ref()
                    .and_then(|c| c.read(&head.headers).map(|t| (c, t)));
                return match cookie {
                    Some((mode, cookie_token)) => {
                        from_cookie(env, validator, mode, cookie_token).await
                    }
                    None if self.public => Ok(Identity::anonymous(env.public_uid)),
                    None => Err(AuthError::missing("a bearer token is required")
                        .with_realm(validator.name)
                        .into()),
                };
            }
        };

        // The exact text the route's validator remembers passed the token68 check and the
        // whole policy before (see `jwt::cache`): it needs neither again.
        if let Some(identity) = remembered(env, validator, raw).await {
            return Ok(identity);
        }
        let token =
            token68_text(raw).map_err(|err| AuthFailure::from(err.with_realm(validator.name)))?;

        let mut reasons: Vec<String> = Vec::new();
        let mut last_error = None;
        for (position, candidate) in self.chain.iter().enumerate() {
            // The first validator's memory was asked above, before the token68 check.
            if position > 0
                && let Some(identity) = remembered(env, candidate, raw).await
            {
                return Ok(identity);
            }
            match accept(env, candidate, token).await {
                Ok(identity) => return Ok(identity),
                Err(Refusal::Auth(err, detail))
                    if err.status() == http::StatusCode::UNAUTHORIZED =>
                {
                    reasons.push(format!("{}: {detail}", candidate.name));
                    last_error = Some(err);
                }
                Err(Refusal::Auth(err, _)) => return Err(err.into()),
                Err(Refusal::Other(other)) => return Err(other),
            }
        }
        match (reasons.len(), last_error) {
            (1, Some(err)) => Err(err.into()),
            _ => Err(AuthError::invalid_token(reasons.join("\n"))
                .with_realm(validator.name)
                .into()),
        }
    }
}

/// Why one validator refused: the client-facing error, plus the detail a chain's composite
/// description lists (never token text).
enum Refusal {
    Auth(AuthError, String),
    Other(AuthFailure),
}

impl From<AuthFailure> for Refusal {
    fn from(failure: AuthFailure) -> Self {
        match failure {
            AuthFailure::Refused(err) => {
                let detail = err.description().to_string();
                Refusal::Auth(err, detail)
            }
            other => Refusal::Other(other),
        }
    }
}

fn refusal(validator: &Validator, detail: String) -> Refusal {
    Refusal::Auth(
        AuthError::invalid_token("the access token is invalid").with_realm(validator.name),
        detail,
    )
}

/// A cookie-mode cookie instead of the header: checked against the cookie secret, then the
/// validator's strategies run and the cookie is renewed.
async fn from_cookie(
    env: AuthEnv<'_>,
    validator: &Validator,
    mode: &CookieMode,
    token: &str,
) -> Result<Identity, AuthFailure> {
    let verified = policy::parse(token, &mode.policy)
        .and_then(|unverified| unverified.verify(&mode.decoding, &mode.policy, env.clock.now()))
        .map_err(|err| {
            tracing::info!(validator = validator.name, reason = %err, "cookie token refused");
            AuthError::invalid_token("the access token is invalid").with_realm(validator.name)
        })?;
    match identify(env, validator, Arc::new(verified)).await {
        Ok(identity) => Ok(identity),
        Err(Refusal::Auth(err, _)) => Err(err.into()),
        Err(Refusal::Other(other)) => Err(other),
    }
}

/// The identity for a token the validator remembers, if it does and the identity can still be
/// built; otherwise [`accept`] runs the whole check and reports any refusal.
// Without the `jwks` feature, `Static` is the only kind of key.
#[cfg_attr(not(feature = "jwks"), allow(irrefutable_let_patterns))]
async fn remembered(env: AuthEnv<'_>, validator: &Validator, raw: &[u8]) -> Option<Identity> {
    let VerificationKey::Static(fixed) = &validator.key else {
        return None;
    };
    let verified = fixed
        .verified
        .get(raw, env.clock.now(), validator.policy.leeway)?;
    identify(env, validator, verified).await.ok()
}

/// One validator's verdict on a token it does not remember (see [`remembered`]).
// Without the `jwks` feature, `Static` is the only kind of key.
#[cfg_attr(not(feature = "jwks"), allow(irrefutable_let_patterns))]
async fn accept(env: AuthEnv<'_>, validator: &Validator, token: &str) -> Result<Identity, Refusal> {
    let unverified = policy::parse(token, &validator.policy).map_err(|err| {
        tracing::info!(validator = validator.name, reason = %err, "token refused");
        refusal(validator, err.to_string())
    })?;
    let verified = match &validator.key {
        VerificationKey::Static(fixed) => {
            unverified.verify(&fixed.key, &validator.policy, env.clock.now())
        }
        #[cfg(feature = "jwks")]
        VerificationKey::Jwks(cache) => {
            let kid = unverified.kid().map(str::to_string);
            let keys = match cache.key(kid.as_deref()).await {
                Ok(keys) => keys,
                Err(KeyLookupError::Unknown(detail)) => return Err(refusal(validator, detail)),
                Err(KeyLookupError::Unavailable) => {
                    let err =
                        AuthError::keys_unavailable(cache.retry_after()).with_realm(validator.name);
                    return Err(Refusal::Auth(err, "signing keys unavailable".to_string()));
                }
            };
            match keys.select(kid.as_deref()) {
                Ok(key) => unverified.verify(key, &validator.policy, env.clock.now()),
                Err(err) => return Err(refusal(validator, err.to_string())),
            }
        }
    }
    .map_err(|err| {
        tracing::info!(validator = validator.name, reason = %err, "token refused");
        refusal(validator, err.to_string())
    })?;
    let verified = Arc::new(verified);
    if let VerificationKey::Static(fixed) = &validator.key {
        fixed.verified.insert(token, &verified);
    }
    identify(env, validator, verified).await
}

/// The validator's user, partner and cookie settings applied to an accepted token.
async fn identify(
    env: AuthEnv<'_>,
    validator: &Validator,
    verified: Arc<VerifiedToken>,
) -> Result<Identity, Refusal> {
    let context = TokenContext {
        token: &verified,
        directory: env.directory,
        state: env.state,
    };
    let uid = match validator.def.user {
        UserStrategy::Static(uid) => Some(Uid(uid)),
        UserStrategy::Claim(claim) => {
            Some(user_by_claim(env.directory, validator, &verified, claim).await?)
        }
        UserStrategy::ClaimsOnly => None,
        UserStrategy::Custom(strategy) => Some(
            strategy(&context)
                .await
                .map_err(|err| AuthFailure::Refused(err.with_realm(validator.name)))?,
        ),
    };
    let partner = match validator.def.partner {
        PartnerStrategy::None => None,
        PartnerStrategy::Email => partner_by_email(env.directory, &verified).await?,
        PartnerStrategy::Custom(strategy) => strategy(&context)
            .await
            .map_err(|err| AuthFailure::Refused(err.with_realm(validator.name)))?,
    };
    if validator.def.partner_required && partner.is_none() {
        return Err(refusal(
            validator,
            "no partner matches the token".to_string(),
        ));
    }
    let set_cookie = validator.cookie.as_ref().and_then(|mode| {
        mode.issue(
            &verified,
            &validator.policy.issuer,
            &validator.policy.audience,
            env.clock.now(),
        )
    });
    Ok(Identity {
        uid,
        effective_uid: uid,
        session: None,
        partner,
        token: Some(verified),
        validator: Some(validator.name),
        grants_claim: validator.def.grants.as_ref().map(|g| g.claim),
        method_grants: Vec::new(),
        method_claims: None,
        set_cookie,
    })
}

/// The active user whose login equals the token's `claim` (a string), else a 401.
async fn user_by_claim(
    directory: &dyn crate::directory::Directory,
    validator: &Validator,
    token: &VerifiedToken,
    claim: &str,
) -> Result<Uid, Refusal> {
    let Some(login) = token.string_claim(claim) else {
        return Err(refusal(
            validator,
            format!("the token has no string `{claim}` claim"),
        ));
    };
    match directory.user_by_login(&login).await {
        Ok(Some(user)) if user.active => Ok(user.id),
        Ok(_) => Err(refusal(
            validator,
            format!("no active user matches the token's `{claim}` claim"),
        )),
        Err(err) => Err(AuthFailure::Internal(err.to_string()).into()),
    }
}

/// Exactly one partner with the token's `email`, else none.
async fn partner_by_email(
    directory: &dyn crate::directory::Directory,
    token: &VerifiedToken,
) -> Result<Option<Partner>, AuthFailure> {
    let Some(email) = token.email() else {
        return Ok(None);
    };
    let mut partners = directory
        .partners_by_email(email)
        .await
        .map_err(|err| AuthFailure::Internal(err.to_string()))?;
    Ok(if partners.len() == 1 {
        partners.pop()
    } else {
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(AUTHORIZATION, http::HeaderValue::from_bytes(v).unwrap());
        }
        map
    }

    #[test]
    fn token68_is_exactly_rfc_7235() {
        for b in 0..=255_u8 {
            let expected = b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b);
            assert_eq!(is_token68(&[b]), expected, "byte {b:#04x}");
            // Inside a long token too (the vectorised chunks).
            let mut long = vec![b'a'; 150];
            long[100] = b;
            assert_eq!(is_token68(&long), expected, "byte {b:#04x} at 100");
        }
    }

    /// Both steps of the header parsing, as the unremembered path runs them.
    fn bearer(headers: &HeaderMap) -> Result<Option<&str>, AuthError> {
        bearer_raw(headers)?.map(token68_text).transpose()
    }

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer(&headers(&[])).unwrap(), None);
        assert_eq!(
            bearer(&headers(&[b"Bearer abc.def.ghi"])).unwrap(),
            Some("abc.def.ghi")
        );
        assert_eq!(bearer(&headers(&[b"bEaReR abc"])).unwrap(), Some("abc"));
        for bad in [
            &b"a"[..],
            b"Bearer",
            b"Bearer ",
            b"Bearer x y",
            b"Basic abc",
            b"Bearer\tabc",
            b"Bearer a,b",
            b"Bearer \xff",
        ] {
            let err = bearer(&headers(&[bad])).unwrap_err();
            assert_eq!(
                err.bearer_error(),
                Some(crate::error::BearerError::InvalidRequest),
                "{bad:?}"
            );
        }
        assert!(bearer(&headers(&[b"Bearer a", b"Bearer b"])).is_err());
    }
}
