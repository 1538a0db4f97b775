//! Our decoding policy (SPEC section 5): the token is split and base64-decoded once, its header
//! and claims are each scanned once by the private `scan` module (duplicate members, JSON types, `crit`,
//! `typ`, audience and issuer checked during the scan, strings borrowed), and `jsonwebtoken`
//! only checks the signature (`crypto::verify`, aws-lc-rs backend). Claims reach handlers
//! lazily: [`VerifiedToken::claims`] deserialises the kept payload only when asked.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::{Part, TokenError};
use super::keys::alg_name;
use super::scan::{self, Aud};

/// Deepest JSON nesting accepted in a header or claims object. Claims are flat in practice;
/// the bound keeps hostile nesting from costing stack or time in later deserialisation.
pub const MAX_JSON_DEPTH: usize = 32;

/// Whether `text` nests arrays and objects deeper than `limit` (strings are skipped).
fn too_deep(text: &str, limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Default size cap of a token, in bytes (checked before any decoding).
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 8 * 1024;

/// A validator's decoding policy.
///
/// ```
/// use authroute::jwt::policy::Policy;
/// let policy = Policy::new(jsonwebtoken::Algorithm::HS256, ["api"], "https://issuer.example");
/// assert_eq!(policy.leeway, 0);
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    /// The one accepted algorithm; the token's `alg` must equal it.
    pub algorithm: Algorithm,
    /// Accepted audiences: the token's `aud` must contain at least one (exact comparison).
    pub audience: Vec<String>,
    /// The exact expected `iss`.
    pub issuer: String,
    /// Clock-skew leeway in seconds for `exp`, `nbf` and `iat` (default 0).
    pub leeway: u64,
    /// Required `typ` header (`at+jwt` also accepts `application/at+jwt`, RFC 9068).
    pub required_typ: Option<String>,
    /// Size cap in bytes (default 8 KiB).
    pub max_token_bytes: usize,
    /// Largest accepted lifetime in seconds: bounds `exp - now` and `exp - iat`.
    pub max_lifetime: Option<u64>,
}

impl Policy {
    /// A policy with the defaults: no leeway, no `typ`, 8 KiB cap, no lifetime bound.
    pub fn new(
        algorithm: Algorithm,
        audience: impl IntoIterator<Item = impl Into<String>>,
        issuer: impl Into<String>,
    ) -> Self {
        Self {
            algorithm,
            audience: audience.into_iter().map(Into::into).collect(),
            issuer: issuer.into(),
            leeway: 0,
            required_typ: None,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            max_lifetime: None,
        }
    }
}

/// A token whose structure and header passed the policy; the signature is not checked yet.
#[derive(Debug)]
pub struct UnverifiedToken<'t> {
    signing_input: &'t str,
    signature: &'t str,
    algorithm: Algorithm,
    kid: Option<Box<str>>,
    payload: Vec<u8>,
}

/// Splits the token, checks its size and structure, decodes it once and scans its header.
pub fn parse<'t>(token: &'t str, policy: &Policy) -> Result<UnverifiedToken<'t>, TokenError> {
    if token.len() > policy.max_token_bytes {
        return Err(TokenError::TooLarge {
            max: policy.max_token_bytes,
        });
    }
    if token.trim_start().starts_with('{') {
        return Err(TokenError::JsonSerialization);
    }
    let mut segments = token.split('.');
    let (Some(header), Some(payload), Some(signature)) =
        (segments.next(), segments.next(), segments.next())
    else {
        return Err(TokenError::SegmentCount);
    };
    match segments.count() {
        0 => {}
        2 => return Err(TokenError::Jwe),
        _ => return Err(TokenError::SegmentCount),
    }
    let signing_input = &token[..header.len() + 1 + payload.len()];

    let header_bytes = decode(header, Part::Header)?;
    let header_text =
        std::str::from_utf8(&header_bytes).map_err(|_| TokenError::InvalidJson(Part::Header))?;
    if too_deep(header_text, MAX_JSON_DEPTH) {
        return Err(TokenError::InvalidJson(Part::Header));
    }
    let expected =
        alg_name(policy.algorithm).ok_or(TokenError::UnsupportedAlgorithm(policy.algorithm))?;
    let scanned = scan::header(
        header_text,
        policy.algorithm,
        expected,
        policy.required_typ.as_deref(),
    )?;
    let kid = scanned.kid.map(|kid| Box::from(&*kid));
    if signature.is_empty() || !is_base64url(signature) {
        return Err(TokenError::Base64(Part::Signature));
    }
    let payload = decode(payload, Part::Payload)?;
    Ok(UnverifiedToken {
        signing_input,
        signature,
        algorithm: policy.algorithm,
        kid,
        payload,
    })
}

fn decode(segment: &str, part: Part) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| TokenError::Base64(part))
}

fn is_base64url(segment: &str) -> bool {
    segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl<'t> UnverifiedToken<'t> {
    /// The `kid` header: only a key lookup hint, never a key.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The algorithm (always the policy's).
    pub fn alg(&self) -> Algorithm {
        self.algorithm
    }

    /// The decoded payload bytes, not yet trusted.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Checks the signature only (the JWS layer).
    pub fn verify_signature(&self, key: &DecodingKey) -> Result<(), TokenError> {
        match jsonwebtoken::crypto::verify(
            self.signature,
            self.signing_input.as_bytes(),
            key,
            self.algorithm,
        ) {
            Ok(true) => Ok(()),
            Ok(false) => Err(TokenError::InvalidSignature),
            Err(err) => match err.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidKeyFormat
                | jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => {
                    Err(TokenError::KeyMismatch {
                        alg: self.algorithm,
                    })
                }
                _ => Err(TokenError::InvalidSignature),
            },
        }
    }

    /// Checks the signature, then scans the claims once against the policy at time `now`.
    pub fn verify(
        self,
        key: &DecodingKey,
        policy: &Policy,
        now: i64,
    ) -> Result<VerifiedToken, TokenError> {
        self.verify_signature(key)?;
        let text = std::str::from_utf8(&self.payload)
            .map_err(|_| TokenError::InvalidJson(Part::Payload))?;
        if too_deep(text, MAX_JSON_DEPTH) {
            return Err(TokenError::InvalidJson(Part::Payload));
        }
        let claims = scan::claims(text, &policy.audience, &policy.issuer)?;
        let leeway = i64::try_from(policy.leeway).unwrap_or(i64::MAX);
        let exp = claims.exp.ok_or(TokenError::MissingClaim { name: "exp" })?;
        match claims.aud {
            Aud::Missing => return Err(TokenError::MissingClaim { name: "aud" }),
            Aud::NoMatch => return Err(TokenError::AudienceMismatch),
            Aud::Match => {}
        }
        match claims.iss {
            None => return Err(TokenError::MissingClaim { name: "iss" }),
            Some(false) => return Err(TokenError::IssuerMismatch),
            Some(true) => {}
        }
        if exp < now.saturating_sub(leeway) {
            return Err(TokenError::Expired);
        }
        if claims
            .nbf
            .is_some_and(|nbf| nbf > now.saturating_add(leeway))
        {
            return Err(TokenError::NotYetValid);
        }
        if claims
            .iat
            .is_some_and(|iat| iat > now.saturating_add(leeway))
        {
            return Err(TokenError::IssuedInFuture);
        }
        if let Some(max) = policy.max_lifetime {
            let max_i = i64::try_from(max).unwrap_or(i64::MAX);
            let too_long = exp.saturating_sub(now) > max_i
                || claims
                    .iat
                    .is_some_and(|iat| exp.saturating_sub(iat) > max_i);
            if too_long {
                return Err(TokenError::LifetimeTooLong { max });
            }
        }
        let email = claims.email.map(|email| Box::from(&*email));
        Ok(VerifiedToken {
            payload: self.payload,
            exp,
            email,
            kid: self.kid,
        })
    }
}

/// A token that passed the whole policy. Owns the decoded payload; claims are deserialised
/// only when asked for.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    payload: Vec<u8>,
    exp: i64,
    email: Option<Box<str>>,
    kid: Option<Box<str>>,
}

impl VerifiedToken {
    /// The claims deserialised into `T` (from the already decoded payload).
    pub fn claims<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.payload)
    }

    /// The claims as a JSON object (the scan proved the payload is one).
    pub fn claims_map(&self) -> Map<String, Value> {
        serde_json::from_slice(&self.payload).unwrap_or_default()
    }

    /// The `email` claim, when it is a string.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The `exp` claim.
    pub fn exp(&self) -> i64 {
        self.exp
    }

    /// The `kid` header.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The payload JSON text.
    pub fn payload_json(&self) -> &str {
        std::str::from_utf8(&self.payload).unwrap_or("{}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth() {
        assert!(!too_deep(r#"{"a":[1,{"b":2}]}"#, 3));
        assert!(too_deep(r#"{"a":[1,{"b":[2]}]}"#, 3));
        assert!(!too_deep(r#"{"a":"[[[[[[[[\"[["}"#, 1));
    }
}
