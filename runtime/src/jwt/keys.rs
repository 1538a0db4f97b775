//! Interim key helpers.

use jsonwebtoken::{Algorithm, DecodingKey};

/// Key errors.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Short.
    #[error("HMAC secret too short: {len} bytes, at least {min} required")]
    Short {
        /// Length.
        len: usize,
        /// Minimum.
        min: usize,
    },
    /// Bad PEM.
    #[error("not a usable public key for this algorithm: {0}")]
    Pem(String),
}

/// The JOSE name of an algorithm (`HS256`, `EdDSA`...).
pub fn alg_name(alg: Algorithm) -> Option<&'static str> {
    use Algorithm::*;
    Some(match alg {
        HS256 => "HS256",
        HS384 => "HS384",
        HS512 => "HS512",
        RS256 => "RS256",
        RS384 => "RS384",
        RS512 => "RS512",
        PS256 => "PS256",
        PS384 => "PS384",
        PS512 => "PS512",
        ES256 => "ES256",
        ES384 => "ES384",
        EdDSA => "EdDSA",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// Minimum HMAC secret length.
pub fn min_hmac_secret_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        _ => 32,
    }
}

/// HMAC key.
pub fn hmac_key(secret: &[u8], alg: Algorithm) -> Result<DecodingKey, KeyError> {
    let min = min_hmac_secret_len(alg);
    if secret.len() < min {
        return Err(KeyError::Short {
            len: secret.len(),
            min,
        });
    }
    Ok(DecodingKey::from_secret(secret))
}

/// PEM public key.
pub fn pem_public_key(pem: &[u8], alg: Algorithm) -> Result<DecodingKey, KeyError> {
    use Algorithm::*;
    let key = match alg {
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => DecodingKey::from_rsa_pem(pem),
        ES256 | ES384 => DecodingKey::from_ec_pem(pem),
        EdDSA => DecodingKey::from_ed_pem(pem),
        _ => return Err(KeyError::Pem("HMAC algorithms take a secret".into())),
    };
    key.map_err(|e| KeyError::Pem(e.to_string()))
}
