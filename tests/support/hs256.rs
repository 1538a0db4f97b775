//! HS256 test tokens: fixed base claims (issuer, audience `api`, a far expiry) plus the test's own.

use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

/// A token signed with `secret` for issuer `issuer`, audience `api`, expiring in 2096, with the
/// members of `extra` (an object) added or overriding.
pub fn token(secret: &str, issuer: &str, extra: Value) -> String {
    let mut claims = json!({ "iss": issuer, "aud": "api", "exp": 4_000_000_000_u64 });
    claims.as_object_mut().unwrap().extend(
        extra
            .as_object()
            .expect("extra claims are an object")
            .clone(),
    );
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}
