//! Cookie mode (SPEC section 8): after a bearer token is accepted, the response carries a
//! cookie holding a fresh HS256 token signed with the application's cookie secret; later
//! requests may present that cookie instead of the header.

use http::HeaderValue;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde_json::Value;

use super::config::CookieDef;
use super::keys::VerifyingKey;
use super::policy::{Policy, VerifiedToken};

/// Smallest accepted cookie secret, in bytes (the HS256 hash output).
pub const MIN_COOKIE_SECRET: usize = 32;

/// A validator's cookie mode, ready to read and write cookies.
pub(crate) struct CookieMode {
    pub settings: CookieDef,
    pub policy: Policy,
    pub decoding: VerifyingKey,
    encoding: EncodingKey,
}

impl std::fmt::Debug for CookieMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieMode")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl CookieMode {
    pub(crate) fn new(
        settings: CookieDef,
        issuer: &str,
        audience: &[String],
        secret: &[u8],
    ) -> Self {
        Self {
            settings,
            policy: Policy::new(Algorithm::HS256, audience.to_vec(), issuer.to_string()),
            // The secret's length was checked at startup (`MIN_COOKIE_SECRET`, HS256's minimum).
            decoding: VerifyingKey::hmac(secret, Algorithm::HS256)
                .unwrap_or_else(|_| DecodingKey::from_secret(secret).into()),
            encoding: EncodingKey::from_secret(secret),
        }
    }

    /// The cookie's value in the request, if present.
    pub(crate) fn read<'h>(&self, headers: &'h http::HeaderMap) -> Option<&'h str> {
        crate::auth::cookie_value(headers, self.settings.name)
    }

    /// The `Set-Cookie` value renewing the cookie from an accepted token, valid `max_age`
    /// seconds from `now`, for the accepting validator's `issuer` and `audience`.
    pub(crate) fn issue(
        &self,
        token: &VerifiedToken,
        issuer: &str,
        audience: &[String],
        now: i64,
    ) -> Option<HeaderValue> {
        let mut claims = token.claims_map();
        claims.insert("exp".into(), Value::from(now + self.settings.max_age));
        claims.insert("aud".into(), Value::from(audience.to_vec()));
        claims.insert("iss".into(), Value::from(issuer));
        let jwt = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|err| tracing::error!(error = %err, "cookie token signing failed"))
            .ok()?;
        let same_site = match self.settings.same_site {
            "Lax" | "lax" => cookie::SameSite::Lax,
            "None" | "none" => cookie::SameSite::None,
            _ => cookie::SameSite::Strict,
        };
        let cookie = cookie::Cookie::build((self.settings.name, jwt))
            .path(self.settings.path)
            .http_only(true)
            .secure(self.settings.secure)
            .same_site(same_site)
            .max_age(cookie::time::Duration::seconds(self.settings.max_age))
            .build();
        HeaderValue::from_str(&cookie.to_string()).ok()
    }
}
