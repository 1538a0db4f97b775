//! Cookie mode: after a bearer token is accepted, the response carries a
//! cookie holding a fresh HS256 token signed with the application's cookie secret; later
//! requests may present that cookie instead of the header.

use http::HeaderValue;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde_json::Value;

use super::keys::VerifyingKey;
use super::policy::{Policy, VerifiedToken};

/// Cookie mode settings as declared.
#[derive(Debug, Clone, Copy)]
pub struct CookieDef {
    /// Cookie name.
    pub name: &'static str,
    /// Cookie path.
    pub path: &'static str,
    /// Lifetime in seconds.
    pub max_age: i64,
    /// `Secure` attribute.
    pub secure: bool,
    /// `SameSite`: `Strict`, `Lax` or `None`.
    pub same_site: &'static str,
}

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
        crate::cookie_header::value(headers, self.settings.name)
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
        let mut value = HeaderValue::from_str(&cookie.to_string()).ok()?;
        // The cookie holds a token: its `Debug` (say, of a handler's context) prints `Sensitive`.
        value.set_sensitive(true);
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::policy::parse;

    const SECRET: &[u8] = b"a-cookie-secret-for-the-unit-test-LEAK!!";

    #[test]
    fn neither_the_mode_nor_the_cookie_shows_a_secret_in_debug() {
        let settings = CookieDef {
            name: "authorization",
            path: "/",
            max_age: 600,
            secure: true,
            same_site: "Strict",
        };
        let audience = ["api".to_string()];
        let mode = CookieMode::new(settings, "me", &audience, SECRET);
        let claims = serde_json::json!({"aud": "api", "iss": "me", "exp": 2_000});
        let encoding = EncodingKey::from_secret(SECRET);
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &encoding).unwrap();
        let verified = parse(&token, &mode.policy)
            .unwrap()
            .verify(&mode.decoding, &mode.policy, 1_000)
            .unwrap();
        let cookie = mode.issue(&verified, "me", &audience, 1_000).unwrap();
        let jwt = cookie.to_str().unwrap();
        assert!(jwt.starts_with("authorization=ey"), "{jwt}");
        assert_eq!(format!("{cookie:?}"), "Sensitive");
        let output: String = format!("{mode:#?}").split_whitespace().collect();
        assert!(!output.contains("LEAK"), "{output}");
        assert!(
            !output.contains(&format!("{SECRET:?}").replace(' ', "")),
            "{output}"
        );
    }
}
