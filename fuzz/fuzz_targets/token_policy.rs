//! The token decoding policy on its own (SPEC section 5), in two modes chosen by the first byte:
//! - even: the rest is a compact token, parsed and verified as is;
//! - odd: the rest is `header JSON \0 claims JSON`, encoded and HS256-signed with the right
//!   secret, so that the fuzzer reaches the header and claim checks behind the signature.
//!
//! Whatever the policy accepts must also pass the reference (`jsonwebtoken::decode` plus the
//! hand-written checks of `authroute_fuzz::reference_accepts`).
#![no_main]

use std::sync::OnceLock;

use authroute::jwt::keys::hmac_key;
use authroute::jwt::policy::{Policy, parse};
use authroute_fuzz::{AUDIENCE, ISSUER, NOW, SECRET, reference_accepts};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static DecodingKey {
    static KEY: OnceLock<DecodingKey> = OnceLock::new();
    KEY.get_or_init(|| hmac_key(SECRET.as_bytes(), Algorithm::HS256).expect("a 41-byte secret"))
}

fn sign(header: &[u8], claims: &[u8]) -> String {
    let input = format!("{}.{}", B64.encode(header), B64.encode(claims));
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::HS256)
        .expect("HS256 signs anything");
    format!("{input}.{signature}")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let token = if mode % 2 == 0 {
        match std::str::from_utf8(rest) {
            Ok(text) => text.to_string(),
            Err(_) => return,
        }
    } else {
        let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        let (header, claims) = rest.split_at(split);
        sign(header, claims.get(1..).unwrap_or_default())
    };
    let mut policy = Policy::new(Algorithm::HS256, [AUDIENCE], ISSUER);
    // Mode bits also vary the optional checks.
    if mode & 2 != 0 {
        policy.required_typ = Some("at+jwt".into());
    }
    if mode & 4 != 0 {
        policy.max_lifetime = Some(3600);
    }
    let verdict =
        parse(&token, &policy).and_then(|unverified| unverified.verify(key(), &policy, NOW));
    if let Ok(verified) = verdict {
        if let Err(reason) = reference_accepts(&token) {
            panic!("accepted {token:?}, which the reference refuses: {reason}");
        }
        assert!(verified.exp() > NOW, "accepted an expired token {token:?}");
        // The lazily deserialised claims are the payload we were given.
        let claims: serde_json::Value = verified.claims().expect("accepted claims deserialise");
        assert!(claims.is_object(), "claims of {token:?} are not an object");
    }
});
