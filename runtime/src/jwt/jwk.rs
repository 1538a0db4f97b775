//! JWKS documents (RFC 7517) filtered for one validator (SPEC section 9). Fetching and caching
//! live in [`super::jwks`].
//!
//! A key is used only when its `kty` (and curve) fits the validator's algorithm, its `use` is
//! `sig` or absent, its `key_ops` (if any) allow `verify`, its `alg` (if any) equals the
//! validator's, it carries no private members, and an RSA modulus has at least 2048 bits.
//! Other keys are skipped with a logged reason; one bad key never hides the good ones. Two keys
//! with the same `kid` but different material make the whole document suspect: it is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

/// Smallest accepted RSA modulus, in bits (RFC 7518 section 3.3).
pub const MIN_RSA_BITS: usize = 2048;

/// Why a document was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwkError {
    /// Larger than the cap.
    #[error("document larger than {0} bytes")]
    TooLarge(usize),
    /// Not JSON, or not an object with a `keys` array.
    #[error("not a JWK set (an object with a `keys` array)")]
    NotAKeySet,
    /// The same `kid` names different keys.
    #[error("two different keys share one kid")]
    ConflictingKid,
}

/// Why no key fits a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeySelectError {
    /// No key has the token's `kid`.
    #[error("no key has the token's kid")]
    UnknownKid,
    /// The token has no `kid` and several keys fit.
    #[error("the token has no kid and several keys fit")]
    Ambiguous,
    /// The set has no usable key.
    #[error("the key set has no usable key")]
    Empty,
}

/// The usable keys of one document for one algorithm.
#[derive(Debug, Default)]
pub struct KeySet {
    keys: Vec<(Option<String>, DecodingKey)>,
    skipped: Vec<String>,
}

impl KeySet {
    /// The key for a token: by `kid`, or the only key when the token has none.
    pub fn select(&self, kid: Option<&str>) -> Result<&DecodingKey, KeySelectError> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|(k, _)| k.as_deref() == Some(kid))
                .map(|(_, key)| key)
                .ok_or(KeySelectError::UnknownKid),
            None => match self.keys.as_slice() {
                [] => Err(KeySelectError::Empty),
                [(_, key)] => Ok(key),
                _ => Err(KeySelectError::Ambiguous),
            },
        }
    }

    /// How many keys are usable.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is usable.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Why keys were skipped, one line each (key index and reason).
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }
}

/// Parses a JWKS document for a validator's algorithm.
pub fn parse_key_set(bytes: &[u8], alg: Algorithm, max_bytes: usize) -> Result<KeySet, JwkError> {
    if bytes.len() > max_bytes {
        return Err(JwkError::TooLarge(max_bytes));
    }
    let document: Value = serde_json::from_slice(bytes).map_err(|_| JwkError::NotAKeySet)?;
    let Some(Value::Array(keys)) = document.get("keys") else {
        return Err(JwkError::NotAKeySet);
    };
    let mut set = KeySet::default();
    let mut seen: Vec<(Option<String>, &Map<String, Value>)> = Vec::new();
    for (index, key) in keys.iter().enumerate() {
        let Value::Object(key) = key else {
            set.skipped.push(format!("key {index}: not an object"));
            continue;
        };
        match usable_key(key, alg) {
            Ok(decoding) => {
                let kid = match key.get("kid") {
                    Some(Value::String(kid)) => Some(kid.clone()),
                    _ => None,
                };
                if let Some((_, other)) = seen.iter().find(|(k, _)| kid.is_some() && *k == kid) {
                    if !same_material(other, key) {
                        return Err(JwkError::ConflictingKid);
                    }
                    continue;
                }
                seen.push((kid.clone(), key));
                set.keys.push((kid, decoding));
            }
            Err(reason) => set.skipped.push(format!("key {index}: {reason}")),
        }
    }
    for line in &set.skipped {
        tracing::debug!(reason = %line, "JWKS key skipped");
    }
    Ok(set)
}

fn same_material(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    ["kty", "n", "e", "crv", "x", "y"]
        .iter()
        .all(|member| a.get(*member) == b.get(*member))
}

fn text<'a>(key: &'a Map<String, Value>, member: &str) -> Result<&'a str, String> {
    match key.get(member) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(format!("`{member}` is not a string")),
        None => Err(format!("`{member}` is missing")),
    }
}

/// The key as a verification key, or why it is not usable for `alg`.
fn usable_key(key: &Map<String, Value>, alg: Algorithm) -> Result<DecodingKey, String> {
    use Algorithm::*;
    let kty = text(key, "kty")?;
    let (want_kty, want_crv) = match alg {
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => ("RSA", None),
        ES256 => ("EC", Some("P-256")),
        ES384 => ("EC", Some("P-384")),
        EdDSA => ("OKP", Some("Ed25519")),
        _ => return Err("HMAC validators take no JWKS".into()),
    };
    if kty != want_kty {
        return Err(format!(
            "kty `{}` does not fit the algorithm",
            kty.escape_debug()
        ));
    }
    if let Some(crv) = want_crv
        && text(key, "crv")? != crv
    {
        return Err("curve does not fit the algorithm".into());
    }
    match key.get("use") {
        None => {}
        Some(Value::String(usage)) if usage == "sig" => {}
        Some(_) => return Err("`use` is not `sig`".into()),
    }
    match key.get("key_ops") {
        None => {}
        Some(Value::Array(ops)) if ops.iter().any(|op| op == "verify") => {}
        Some(_) => return Err("`key_ops` does not allow `verify`".into()),
    }
    match key.get("alg") {
        None => {}
        Some(Value::String(name)) if Some(name.as_str()) == super::keys::alg_name(alg) => {}
        Some(_) => return Err("`alg` differs from the validator's".into()),
    }
    let private: &[&str] = if kty == "RSA" {
        &["d", "p", "q", "dp", "dq", "qi", "oth"]
    } else {
        &["d"]
    };
    if private.iter().any(|member| key.contains_key(*member)) {
        return Err("carries private key members".into());
    }
    let decoding = match kty {
        "RSA" => {
            let n = text(key, "n")?;
            let modulus = URL_SAFE_NO_PAD
                .decode(n)
                .map_err(|_| "`n` is not base64url".to_string())?;
            let bits = modulus_bits(&modulus);
            if bits < MIN_RSA_BITS {
                return Err(format!("RSA modulus of {bits} bits, under {MIN_RSA_BITS}"));
            }
            DecodingKey::from_rsa_components(n, text(key, "e")?)
        }
        "EC" => DecodingKey::from_ec_components(text(key, "x")?, text(key, "y")?),
        _ => DecodingKey::from_ed_components(text(key, "x")?),
    };
    decoding.map_err(|_| "key material does not parse".to_string())
}

fn modulus_bits(modulus: &[u8]) -> usize {
    let Some(first) = modulus.iter().position(|b| *b != 0) else {
        return 0;
    };
    (modulus.len() - first) * 8 - modulus[first].leading_zeros() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rsa() -> Value {
        let keys: Value =
            serde_json::from_str(include_str!("../../../tests/keys/jwks_keys.json")).unwrap();
        keys["rsa1"].clone()
    }

    fn doc(keys: Vec<Value>) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({ "keys": keys })).unwrap()
    }

    #[test]
    fn filters_keys() {
        let set = parse_key_set(&doc(vec![rsa()]), Algorithm::RS256, 1 << 20).unwrap();
        assert_eq!(set.len(), 1);
        assert!(set.select(Some("rsa1")).is_ok());
        assert!(set.select(None).is_ok());
        assert_eq!(
            set.select(Some("x")).err(),
            Some(KeySelectError::UnknownKid)
        );
        for (member, value) in [
            ("use", serde_json::json!("enc")),
            ("key_ops", serde_json::json!(["encrypt"])),
            ("alg", serde_json::json!("RS512")),
            ("d", serde_json::json!("AAAA")),
            ("kty", serde_json::json!("EC")),
        ] {
            let mut key = rsa();
            key[member] = value;
            let set = parse_key_set(
                &doc(vec![key, serde_json::json!(5)]),
                Algorithm::RS256,
                1 << 20,
            )
            .unwrap();
            assert!(set.is_empty(), "{member}");
            assert_eq!(set.skipped().len(), 2);
        }
        // The RSA key does not serve an ES256 validator.
        assert!(
            parse_key_set(&doc(vec![rsa()]), Algorithm::ES256, 1 << 20)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn refuses_bad_documents() {
        for bad in [&b"<html>"[..], b"{}", br#"{"keys":"x"}"#, b"[]"] {
            assert_eq!(
                parse_key_set(bad, Algorithm::RS256, 1 << 20).unwrap_err(),
                JwkError::NotAKeySet
            );
        }
        assert_eq!(
            parse_key_set(&[b' '; 100], Algorithm::RS256, 10).unwrap_err(),
            JwkError::TooLarge(10)
        );
        let keys: Value =
            serde_json::from_str(include_str!("../../../tests/keys/jwks_keys.json")).unwrap();
        let mut other = keys["rsa2"].clone();
        other["kid"] = serde_json::json!("rsa1");
        assert_eq!(
            parse_key_set(&doc(vec![rsa(), other]), Algorithm::RS256, 1 << 20).unwrap_err(),
            JwkError::ConflictingKid
        );
        // The same key twice under one kid is harmless.
        assert_eq!(
            parse_key_set(&doc(vec![rsa(), rsa()]), Algorithm::RS256, 1 << 20)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn small_rsa_moduli_are_skipped() {
        let mut key = rsa();
        key["n"] = serde_json::json!(URL_SAFE_NO_PAD.encode([0xffu8; 128]));
        let set = parse_key_set(&doc(vec![key]), Algorithm::RS256, 1 << 20).unwrap();
        assert!(set.is_empty());
        assert_eq!(modulus_bits(&[0, 0x01, 0xff]), 9);
    }
}
