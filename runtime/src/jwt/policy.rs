//! Interim decoding policy (replaced by the full single-pass policy module).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A validator's decoding policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The one accepted algorithm.
    pub algorithm: Algorithm,
    /// Accepted audiences.
    pub audience: Vec<String>,
    /// Expected issuer.
    pub issuer: String,
    /// Leeway in seconds.
    pub leeway: u64,
    /// Required `typ`.
    pub required_typ: Option<String>,
    /// Size cap.
    pub max_token_bytes: usize,
    /// Largest lifetime.
    pub max_lifetime: Option<u64>,
}

impl Policy {
    /// A policy with default settings.
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
            max_token_bytes: 8192,
            max_lifetime: None,
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Malformed.
    #[error("malformed token")]
    Malformed,
    /// Signature.
    #[error("invalid signature")]
    Signature,
    /// Claims.
    #[error("invalid claims: {0}")]
    Claims(&'static str),
}

/// A parsed, not yet verified token.
#[derive(Debug)]
pub struct UnverifiedToken<'t> {
    signing_input: &'t str,
    signature: &'t str,
    kid: Option<String>,
    payload: Vec<u8>,
}

/// Splits and checks a token's structure and header.
pub fn parse<'t>(token: &'t str, policy: &Policy) -> Result<UnverifiedToken<'t>, TokenError> {
    if token.len() > policy.max_token_bytes {
        return Err(TokenError::Malformed);
    }
    let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let (header, payload) = signing_input.split_once('.').ok_or(TokenError::Malformed)?;
    let header: Map<String, Value> = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| TokenError::Malformed)?,
    )
    .map_err(|_| TokenError::Malformed)?;
    let alg: Algorithm = header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(|a| a.parse().ok())
        .ok_or(TokenError::Malformed)?;
    if alg != policy.algorithm || header.contains_key("crit") {
        return Err(TokenError::Malformed);
    }
    let kid = header.get("kid").and_then(Value::as_str).map(String::from);
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| TokenError::Malformed)?;
    Ok(UnverifiedToken {
        signing_input,
        signature,
        kid,
        payload,
    })
}

impl UnverifiedToken<'_> {
    /// The `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Signature, then claims.
    pub fn verify(
        self,
        key: &DecodingKey,
        policy: &Policy,
        now: i64,
    ) -> Result<VerifiedToken, TokenError> {
        let ok = jsonwebtoken::crypto::verify(
            self.signature,
            self.signing_input.as_bytes(),
            key,
            policy.algorithm,
        )
        .map_err(|_| TokenError::Signature)?;
        if !ok {
            return Err(TokenError::Signature);
        }
        let claims: Map<String, Value> =
            serde_json::from_slice(&self.payload).map_err(|_| TokenError::Malformed)?;
        let leeway = policy.leeway as i64;
        let exp = claims
            .get("exp")
            .and_then(Value::as_i64)
            .ok_or(TokenError::Claims("exp"))?;
        if exp < now - leeway {
            return Err(TokenError::Claims("expired"));
        }
        if let Some(nbf) = claims.get("nbf")
            && nbf.as_i64().ok_or(TokenError::Claims("nbf"))? > now + leeway
        {
            return Err(TokenError::Claims("not yet valid"));
        }
        if claims.get("iss").and_then(Value::as_str) != Some(policy.issuer.as_str()) {
            return Err(TokenError::Claims("issuer"));
        }
        let aud_ok = match claims.get("aud") {
            Some(Value::String(a)) => policy.audience.contains(a),
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .any(|a| policy.audience.iter().any(|p| p == a)),
            _ => false,
        };
        if !aud_ok {
            return Err(TokenError::Claims("audience"));
        }
        let email = claims
            .get("email")
            .and_then(Value::as_str)
            .map(String::from);
        Ok(VerifiedToken {
            payload: self.payload,
            exp,
            email,
            kid: self.kid,
        })
    }
}

/// A verified token.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    payload: Vec<u8>,
    exp: i64,
    email: Option<String>,
    kid: Option<String>,
}

impl VerifiedToken {
    /// Claims as `T`.
    pub fn claims<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.payload)
    }
    /// Claims as a map.
    pub fn claims_map(&self) -> Map<String, Value> {
        serde_json::from_slice(&self.payload).unwrap_or_default()
    }
    /// The `email` claim.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
    /// `exp`.
    pub fn exp(&self) -> i64 {
        self.exp
    }
    /// `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}
