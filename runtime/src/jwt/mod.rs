//! JWT validators: configuration, the decoding policy and key sources.
//!
//! - [`policy`]: our own decoding policy: [`policy::parse`] splits and decodes a
//!   compact JWS once, checks its header, and [`policy::UnverifiedToken::verify`] checks the
//!   signature with `jsonwebtoken::crypto::verify` and then the claims in a single pass.
//! - [`keys`]: HMAC secrets and PEM public keys, with the checks made once at startup.
//! - [`jwk`]: parsing and filtering a JWKS document into a [`jwk::KeySet`].
//! - [`jwks`]: fetching and caching JWKS documents (feature `jwks`, on by default).
//!
//! ```
//! use authroute::jwt::{keys, policy::{self, Policy}};
//! use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
//!
//! let secret = b"a-development-secret-of-32-bytes!";
//! let claims = serde_json::json!({"aud": "api", "iss": "me", "exp": 2_000_000_000_i64});
//! let token = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret)).unwrap();
//!
//! let policy = Policy::new(Algorithm::HS256, ["api"], "me");
//! let key = keys::hmac_key(secret, Algorithm::HS256).unwrap();
//! let verified = policy::parse(&token, &policy).unwrap().verify(&key, &policy, 1_700_000_000).unwrap();
//! assert_eq!(verified.exp(), 2_000_000_000);
//! ```

pub(crate) mod cache;
pub(crate) mod config;
pub(crate) mod cookie;
mod error;
mod grants;
mod json;
pub mod jwk;
pub mod jwks;
pub mod keys;
pub mod policy;
mod scan;

pub use config::Validator;
pub use error::{Part, TokenError};

#[cfg(test)]
mod tests;
