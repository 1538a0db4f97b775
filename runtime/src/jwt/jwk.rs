//! Interim JWKS parsing.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};

/// Keys usable by one validator.
#[derive(Debug)]
pub struct KeySet {
    keys: Vec<(Option<String>, DecodingKey)>,
}

/// Why no key was selected.
#[derive(Debug, thiserror::Error)]
pub enum KeySelectError {
    /// No key.
    #[error("no usable key for this token")]
    NoKey,
}

impl KeySet {
    /// The key for a `kid`.
    pub fn select(&self, kid: Option<&str>) -> Result<&DecodingKey, KeySelectError> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|(k, _)| k.as_deref() == Some(kid))
                .map(|(_, key)| key),
            None if self.keys.len() == 1 => Some(&self.keys[0].1),
            None => None,
        }
        .ok_or(KeySelectError::NoKey)
    }
}

/// Parses a JWKS document.
pub fn parse_key_set(bytes: &[u8], alg: Algorithm, max: usize) -> Result<KeySet, String> {
    let _ = alg;
    if bytes.len() > max {
        return Err("too large".into());
    }
    let set: JwkSet = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let keys = set
        .keys
        .iter()
        .filter(|k| {
            !matches!(
                k.common.public_key_use,
                Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
            )
        })
        .filter_map(|k| {
            DecodingKey::from_jwk(k)
                .ok()
                .map(|d| (k.common.key_id.clone(), d))
        })
        .collect();
    Ok(KeySet { keys })
}
