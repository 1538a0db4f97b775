//! Helpers for application tests (feature `testing`): mint tokens that a declared validator
//! accepts, so a route can be tested in two lines.
//!
//! ```no_run
//! # async fn run(app: authroute::App) {
//! let token = authroute::testing::mint(&app, "demo", serde_json::json!({"email": "a@b.c"})).unwrap();
//! // send `Authorization: Bearer {token}`
//! # }
//! ```

use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Map, Value};

use crate::app::App;

/// Why a token could not be minted.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    /// No validator with this name.
    #[error("no validator named `{0}`")]
    UnknownValidator(String),
    /// Only HS* validators hold their signing secret; sign with your own private key otherwise.
    #[error(
        "validator `{0}` verifies with a public key; sign tokens with the matching private key"
    )]
    NotHmac(String),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

/// The claims a validator requires, valid for an hour from the app's clock: `iss`, `aud` (the
/// validator's first audience) and `exp`.
pub fn default_claims(app: &App, validator: &str) -> Result<Map<String, Value>, MintError> {
    let v = app
        .validator(validator)
        .ok_or_else(|| MintError::UnknownValidator(validator.to_string()))?;
    let mut claims = Map::new();
    claims.insert("iss".into(), Value::from(v.policy.issuer.clone()));
    let aud = v.policy.audience.first().cloned().unwrap_or_default();
    claims.insert("aud".into(), Value::from(aud));
    claims.insert("exp".into(), Value::from(app.now() + 3600));
    Ok(claims)
}

/// A token for an HS* validator: [`default_claims`] overridden by `extra` (an object; `null`
/// members remove a default claim).
pub fn mint(app: &App, validator: &str, extra: Value) -> Result<String, MintError> {
    let mut claims = default_claims(app, validator)?;
    if let Value::Object(extra) = extra {
        for (key, value) in extra {
            if value.is_null() {
                claims.remove(&key);
            } else {
                claims.insert(key, value);
            }
        }
    }
    let v = app
        .validator(validator)
        .ok_or_else(|| MintError::UnknownValidator(validator.to_string()))?;
    let secret = v
        .secret
        .as_ref()
        .map(|secret| secret.expose().as_slice())
        .ok_or_else(|| MintError::NotHmac(validator.to_string()))?;
    let header = Header::new(v.policy.algorithm);
    Ok(jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret),
    )?)
}
