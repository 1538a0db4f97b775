//! JWKS documents (RFC 7517) parsed and filtered for one validator's algorithm.
//!
//! [`parse_key_set`] keeps the keys a validator may use and records why it skipped the others:
//! a key whose `kty` does not fit the algorithm, whose `use` is not `sig`, whose `key_ops` do not
//! allow `verify`, whose `alg` is another algorithm, that carries private members (`d`, `p`, `q`,
//! `dp`, `dq`, `qi`, `oth`, or `k`: symmetric keys are never taken from a JWKS), that is on
//! another curve, or whose RSA modulus is outside 2048..=8192 bits or whose exponent is not an
//! odd number of at least 3, or whose modulus has the ROCA fingerprint. One malformed key does not spoil the others. The document itself
//! is refused when it is too large, not JSON, not an object with a `keys` array, or when two
//! usable keys share a `kid` with different key material.
//!
//! Fetching and caching are not done here.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use super::keys::{
    KeyFamily, MAX_RSA_BITS, MIN_RSA_BITS, alg_name, roca_fingerprint, unsigned_bits,
};

/// The default cap for a JWKS document, in bytes.
pub const DEFAULT_MAX_JWKS_BYTES: usize = 256 * 1024;

/// Why a JWKS document was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// The document is larger than the cap.
    #[error("jwks document is larger than {max} bytes")]
    TooLarge {
        /// The cap.
        max: usize,
    },
    /// The document is not JSON (an HTML error page, for instance).
    #[error("jwks document is not json")]
    NotJson,
    /// The document is JSON but not an object with a `keys` array.
    #[error("jwks document is not an object with a keys array")]
    NotAKeySet,
    /// The validator's algorithm cannot take keys from a JWKS (HMAC) or is unknown.
    #[error("algorithm {0:?} cannot use keys from a jwks")]
    UnsupportedAlgorithm(Algorithm),
    /// Two usable keys share a `kid` but not their key material.
    #[error("jwks has two different keys with kid {kid:?}")]
    ConflictingKid {
        /// The shared `kid`.
        kid: String,
    },
}

/// Why one key of a JWKS was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The entry is not a JSON object.
    NotAnObject,
    /// `kty` is missing or not a string.
    MissingKty,
    /// `kty` does not fit the validator's algorithm.
    KtyMismatch,
    /// `use` is present and not `sig`.
    NotForSignatures,
    /// `key_ops` is present and does not contain `verify`.
    NoVerifyOperation,
    /// `alg` is present and not the validator's algorithm.
    AlgMismatch,
    /// The key carries a private member (named).
    PrivateMember(&'static str),
    /// `crv` is missing or not the curve of the validator's algorithm.
    CurveMismatch,
    /// `kid` is present and not a string.
    InvalidKid,
    /// A key member (named) is missing, not a string, not base64url, or of the wrong length.
    InvalidMember(&'static str),
    /// The RSA modulus is outside 2048..=8192 bits.
    RsaKeySize(usize),
    /// The RSA public exponent is even, 1, or larger than 64 bits.
    InvalidRsaExponent,
    /// The RSA modulus has the ROCA fingerprint (CVE-2017-15361).
    RocaVulnerable,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotAnObject => f.write_str("entry is not a json object"),
            SkipReason::MissingKty => f.write_str("kty is missing"),
            SkipReason::KtyMismatch => f.write_str("kty does not fit the algorithm"),
            SkipReason::NotForSignatures => f.write_str("use is not sig"),
            SkipReason::NoVerifyOperation => f.write_str("key_ops does not allow verify"),
            SkipReason::AlgMismatch => f.write_str("alg is another algorithm"),
            SkipReason::PrivateMember(name) => write!(f, "private member {name} present"),
            SkipReason::CurveMismatch => f.write_str("crv is not the algorithm's curve"),
            SkipReason::InvalidKid => f.write_str("kid is not a string"),
            SkipReason::InvalidMember(name) => write!(f, "member {name} is missing or malformed"),
            SkipReason::RsaKeySize(bits) => write!(f, "rsa modulus has {bits} bits"),
            SkipReason::InvalidRsaExponent => f.write_str("rsa exponent is not an odd number >= 3"),
            SkipReason::RocaVulnerable => f.write_str("rsa modulus has the roca fingerprint"),
        }
    }
}

/// A key that was skipped, with its position in the document and its `kid` if it had one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedKey {
    /// Index in the `keys` array.
    pub index: usize,
    /// The key's `kid`, when it was a string.
    pub kid: Option<String>,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// Why [`KeySet::select`] found no key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeySelectError {
    /// No key of the set has the token's `kid`.
    #[error("no key has the token's kid")]
    UnknownKid,
    /// The set holds no usable key.
    #[error("the key set holds no usable key")]
    Empty,
    /// The token has no `kid` and several keys fit.
    #[error("the token has no kid and several keys fit")]
    Ambiguous,
}

#[derive(Debug, Clone)]
struct Entry {
    kid: Option<String>,
    material: Vec<u8>,
    key: DecodingKey,
}

/// The usable keys of a JWKS for one algorithm.
#[derive(Debug, Clone)]
pub struct KeySet {
    algorithm: Algorithm,
    keys: Vec<Entry>,
    skipped: Vec<SkippedKey>,
}

impl KeySet {
    /// The key for a token: the one with `kid`; without a `kid`, the only key of the set.
    pub fn select(&self, kid: Option<&str>) -> Result<&DecodingKey, KeySelectError> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|entry| entry.kid.as_deref() == Some(kid))
                .map(|entry| &entry.key)
                .ok_or(KeySelectError::UnknownKid),
            None => match self.keys.as_slice() {
                [] => Err(KeySelectError::Empty),
                [only] => Ok(&only.key),
                _ => Err(KeySelectError::Ambiguous),
            },
        }
    }

    /// The algorithm the set was filtered for.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// How many usable keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no usable key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The `kid` of each usable key (`None` for a key without one), in document order.
    pub fn kids(&self) -> impl Iterator<Item = Option<&str>> {
        self.keys.iter().map(|entry| entry.kid.as_deref())
    }

    /// The keys that were skipped, and why.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }
}

/// Parses a JWKS document for a validator using `algorithm`. See the module docs for the
/// filters.
///
/// ```
/// use authroute::jwt::jwk::{parse_key_set, SkipReason};
/// use jsonwebtoken::Algorithm;
/// let doc = br#"{"keys": [
///     {"kty": "OKP", "crv": "Ed25519", "kid": "a", "x": "NXGTIX2Oi087NtbuSKqNqaqF3sPypO8HD9BXM2r0MD4"},
///     {"kty": "OKP", "crv": "Ed25519", "kid": "b", "use": "enc", "x": "NXGTIX2Oi087NtbuSKqNqaqF3sPypO8HD9BXM2r0MD4"}
/// ]}"#;
/// let set = parse_key_set(doc, Algorithm::EdDSA, 65536).unwrap();
/// assert!(set.select(Some("a")).is_ok());
/// assert_eq!(set.skipped()[0].reason, SkipReason::NotForSignatures);
/// ```
pub fn parse_key_set(
    doc: &[u8],
    algorithm: Algorithm,
    max_bytes: usize,
) -> Result<KeySet, JwksError> {
    if doc.len() > max_bytes {
        return Err(JwksError::TooLarge { max: max_bytes });
    }
    let family = match KeyFamily::of(algorithm) {
        Some(KeyFamily::Hmac) | None => return Err(JwksError::UnsupportedAlgorithm(algorithm)),
        Some(family) => family,
    };
    let alg = alg_name(algorithm).ok_or(JwksError::UnsupportedAlgorithm(algorithm))?;
    let value: Value = serde_json::from_slice(doc).map_err(|_| JwksError::NotJson)?;
    let Some(Value::Array(entries)) = value.as_object().and_then(|o| o.get("keys")) else {
        return Err(JwksError::NotAKeySet);
    };

    let mut set = KeySet {
        algorithm,
        keys: Vec::new(),
        skipped: Vec::new(),
    };
    for (index, entry) in entries.iter().enumerate() {
        let Some(jwk) = entry.as_object() else {
            set.skipped.push(SkippedKey {
                index,
                kid: None,
                reason: SkipReason::NotAnObject,
            });
            continue;
        };
        let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
        match usable_key(jwk, family, algorithm, alg) {
            Err(reason) => set.skipped.push(SkippedKey { index, kid, reason }),
            Ok((material, key)) => {
                if let Some(kid) = &kid {
                    let twin = set
                        .keys
                        .iter()
                        .find(|e| e.kid.as_deref() == Some(kid.as_str()));
                    match twin {
                        Some(twin) if twin.material == material => continue,
                        Some(_) => return Err(JwksError::ConflictingKid { kid: kid.clone() }),
                        None => {}
                    }
                }
                set.keys.push(Entry { kid, material, key });
            }
        }
    }
    Ok(set)
}

/// Private members by `kty` (RFC 7518 6.2.2, 6.3.2, 6.4; RFC 8037 2).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Applies the filters to one JWK; returns its key material (for duplicate detection) and key.
fn usable_key(
    jwk: &Map<String, Value>,
    family: KeyFamily,
    algorithm: Algorithm,
    alg: &str,
) -> Result<(Vec<u8>, DecodingKey), SkipReason> {
    let kty = jwk
        .get("kty")
        .and_then(Value::as_str)
        .ok_or(SkipReason::MissingKty)?;
    if kty != family.kty() {
        return Err(SkipReason::KtyMismatch);
    }
    if let Some(name) = PRIVATE_MEMBERS.iter().find(|name| jwk.contains_key(**name)) {
        return Err(SkipReason::PrivateMember(name));
    }
    match jwk.get("kid") {
        None | Some(Value::String(_)) => {}
        Some(_) => return Err(SkipReason::InvalidKid),
    }
    match jwk.get("use") {
        None => {}
        Some(Value::String(usage)) if usage == "sig" => {}
        Some(_) => return Err(SkipReason::NotForSignatures),
    }
    match jwk.get("key_ops") {
        None => {}
        Some(Value::Array(ops)) if ops.iter().any(|op| op.as_str() == Some("verify")) => {}
        Some(_) => return Err(SkipReason::NoVerifyOperation),
    }
    match jwk.get("alg") {
        None => {}
        Some(Value::String(key_alg)) if key_alg == alg => {}
        Some(_) => return Err(SkipReason::AlgMismatch),
    }
    match family {
        KeyFamily::Rsa => {
            let n = member(jwk, "n")?;
            let e = member(jwk, "e")?;
            let bits = unsigned_bits(&n);
            if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
                return Err(SkipReason::RsaKeySize(bits));
            }
            let e_digits: &[u8] = match e.iter().position(|b| *b != 0) {
                Some(start) => &e[start..],
                None => &[],
            };
            let odd = e_digits.last().is_some_and(|last| last & 1 == 1);
            if !odd || e_digits == [1] || e_digits.len() > 8 {
                return Err(SkipReason::InvalidRsaExponent);
            }
            if roca_fingerprint(&n) {
                return Err(SkipReason::RocaVulnerable);
            }
            let key = DecodingKey::from_rsa_raw_components(&n, &e);
            let mut material = n;
            material.push(b'.');
            material.extend_from_slice(&e);
            Ok((material, key))
        }
        KeyFamily::Ec => {
            let (curve, size) = match algorithm {
                Algorithm::ES256 => ("P-256", 32),
                _ => ("P-384", 48),
            };
            if jwk.get("crv").and_then(Value::as_str) != Some(curve) {
                return Err(SkipReason::CurveMismatch);
            }
            let x = member(jwk, "x")?;
            let y = member(jwk, "y")?;
            if x.len() != size {
                return Err(SkipReason::InvalidMember("x"));
            }
            if y.len() != size {
                return Err(SkipReason::InvalidMember("y"));
            }
            let mut point = Vec::with_capacity(1 + 2 * size);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let key = DecodingKey::from_ec_der(&point);
            Ok((point, key))
        }
        KeyFamily::Okp => {
            if jwk.get("crv").and_then(Value::as_str) != Some("Ed25519") {
                return Err(SkipReason::CurveMismatch);
            }
            let x = member(jwk, "x")?;
            if x.len() != 32 {
                return Err(SkipReason::InvalidMember("x"));
            }
            let key = DecodingKey::from_ed_der(&x);
            Ok((x, key))
        }
        KeyFamily::Hmac => Err(SkipReason::KtyMismatch),
    }
}

/// A strict base64url member, non-empty.
fn member(jwk: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, SkipReason> {
    let text = jwk
        .get(name)
        .and_then(Value::as_str)
        .ok_or(SkipReason::InvalidMember(name))?;
    match URL_SAFE_NO_PAD.decode(text) {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => Err(SkipReason::InvalidMember(name)),
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::jwk::Jwk;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use serde_json::json;

    use super::*;
    use crate::jwt::policy::{Policy, parse};

    const RSA_PRIVATE: &[u8] = include_bytes!("../../tests/keys/rsa2048_private.pem");
    const RSA1024_N: &str = "rJBIp6T1YK-RtPyvYqFFlcucqewSAA_IReSFchE8qyiQrbARqRlXWkB2DR8j_pJQnIpYELbQWZC5Cd0PTGAU8rMbar2AW6zpmBbi7aQf17lUBdt8XI9M9rq7FPVQ1dDdUXm1SVH_9qqWhvMPR422SbfHBEzCAtzK0ANDRo6qz78";
    const P256_PRIVATE: &[u8] = include_bytes!("../../tests/keys/ec_p256_private.pem");
    const P384_PRIVATE: &[u8] = include_bytes!("../../tests/keys/ec_p384_private.pem");
    const ED_PRIVATE: &[u8] = include_bytes!("../../tests/keys/ed25519_private.pem");
    /// The Wycheproof `jws_rsa_roca_key` modulus (2048 bits, ROCA fingerprint).
    const ROCA_N: &str = "AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE";
    const CAP: usize = DEFAULT_MAX_JWKS_BYTES;

    fn public_jwk(key: &EncodingKey, alg: Algorithm, kid: &str) -> Value {
        let mut jwk = serde_json::to_value(Jwk::from_encoding_key(key, alg).unwrap()).unwrap();
        let map = jwk.as_object_mut().unwrap();
        map.insert("kid".into(), json!(kid));
        map.retain(|name, v| !v.is_null() && name != "alg");
        jwk
    }

    fn rsa(kid: &str) -> Value {
        public_jwk(
            &EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
            Algorithm::RS256,
            kid,
        )
    }

    fn doc(keys: &[Value]) -> Vec<u8> {
        serde_json::to_vec(&json!({ "keys": keys })).unwrap()
    }

    fn with(mut jwk: Value, member: &str, value: Value) -> Value {
        jwk.as_object_mut().unwrap().insert(member.into(), value);
        jwk
    }

    fn skipped(jwk: Value, alg: Algorithm) -> SkipReason {
        let set = parse_key_set(&doc(&[jwk]), alg, CAP).unwrap();
        assert!(set.is_empty());
        set.skipped()[0].reason.clone()
    }

    #[test]
    fn keys_of_each_family_verify_tokens() {
        let cases = [
            (
                Algorithm::RS256,
                EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
            ),
            (
                Algorithm::PS384,
                EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
            ),
            (
                Algorithm::ES256,
                EncodingKey::from_ec_pem(P256_PRIVATE).unwrap(),
            ),
            (
                Algorithm::ES384,
                EncodingKey::from_ec_pem(P384_PRIVATE).unwrap(),
            ),
            (
                Algorithm::EdDSA,
                EncodingKey::from_ed_pem(ED_PRIVATE).unwrap(),
            ),
        ];
        for (alg, private) in cases {
            let jwk = public_jwk(&private, alg, "k1");
            let set = parse_key_set(&doc(&[jwk]), alg, CAP).unwrap();
            assert_eq!(set.len(), 1, "{alg:?}: {:?}", set.skipped());
            assert_eq!(set.algorithm(), alg);
            let mut header = Header::new(alg);
            header.kid = Some("k1".into());
            let claims = json!({"aud": "api", "iss": "me", "exp": 2_000_000_000_i64});
            let token = encode(&header, &claims, &private).unwrap();
            let policy = Policy::new(alg, ["api"], "me");
            let parsed = parse(&token, &policy).unwrap();
            let key = set.select(parsed.kid()).unwrap();
            assert!(
                parsed.verify(key, &policy, 1_900_000_000).is_ok(),
                "{alg:?}"
            );
        }
    }

    #[test]
    fn selection() {
        let ec = public_jwk(
            &EncodingKey::from_ec_pem(P256_PRIVATE).unwrap(),
            Algorithm::ES256,
            "e",
        );
        let one = parse_key_set(&doc(&[rsa("a"), ec.clone()]), Algorithm::RS256, CAP).unwrap();
        assert_eq!(one.len(), 1);
        assert!(one.select(Some("a")).is_ok());
        assert!(one.select(None).is_ok());
        assert_eq!(
            one.select(Some("e")).unwrap_err(),
            KeySelectError::UnknownKid
        );
        assert_eq!(
            one.select(Some("A")).unwrap_err(),
            KeySelectError::UnknownKid
        );
        assert_eq!(one.kids().collect::<Vec<_>>(), [Some("a")]);

        let mut second = rsa("b");
        // Different material under another kid: change the exponent.
        second
            .as_object_mut()
            .unwrap()
            .insert("e".into(), json!("Aw"));
        let two = parse_key_set(&doc(&[rsa("a"), second]), Algorithm::RS256, CAP).unwrap();
        assert_eq!(two.len(), 2);
        assert_eq!(two.select(None).unwrap_err(), KeySelectError::Ambiguous);
        assert!(two.select(Some("b")).is_ok());

        let none = parse_key_set(&doc(&[ec]), Algorithm::RS256, CAP).unwrap();
        assert_eq!(none.select(None).unwrap_err(), KeySelectError::Empty);
        assert_eq!(
            none.select(Some("e")).unwrap_err(),
            KeySelectError::UnknownKid
        );
    }

    #[test]
    fn filters() {
        let alg = Algorithm::RS256;
        assert_eq!(
            skipped(with(rsa("a"), "use", json!("enc")), alg),
            SkipReason::NotForSignatures
        );
        assert_eq!(
            skipped(with(rsa("a"), "use", json!(5)), alg),
            SkipReason::NotForSignatures
        );
        assert!(
            parse_key_set(&doc(&[with(rsa("a"), "use", json!("sig"))]), alg, CAP)
                .unwrap()
                .len()
                == 1
        );
        assert_eq!(
            skipped(with(rsa("a"), "key_ops", json!(["sign"])), alg),
            SkipReason::NoVerifyOperation
        );
        assert_eq!(
            skipped(with(rsa("a"), "key_ops", json!("verify")), alg),
            SkipReason::NoVerifyOperation
        );
        assert_eq!(
            skipped(with(rsa("a"), "key_ops", json!([])), alg),
            SkipReason::NoVerifyOperation
        );
        assert_eq!(
            parse_key_set(
                &doc(&[with(rsa("a"), "key_ops", json!(["sign", "verify"]))]),
                alg,
                CAP
            )
            .unwrap()
            .len(),
            1
        );
        assert_eq!(
            skipped(with(rsa("a"), "alg", json!("RS512")), alg),
            SkipReason::AlgMismatch
        );
        assert_eq!(
            skipped(with(rsa("a"), "alg", json!("rs256")), alg),
            SkipReason::AlgMismatch
        );
        assert_eq!(
            parse_key_set(&doc(&[with(rsa("a"), "alg", json!("RS256"))]), alg, CAP)
                .unwrap()
                .len(),
            1
        );
        for member in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
            assert_eq!(
                skipped(with(rsa("a"), member, json!("AQAB")), alg),
                SkipReason::PrivateMember(member)
            );
        }
        assert_eq!(
            skipped(with(rsa("a"), "kty", json!("EC")), alg),
            SkipReason::KtyMismatch
        );
        assert_eq!(
            skipped(with(rsa("a"), "kty", json!("rsa")), alg),
            SkipReason::KtyMismatch
        );
        assert_eq!(
            skipped(with(rsa("a"), "kty", json!(null)), alg),
            SkipReason::MissingKty
        );
        assert_eq!(
            skipped(with(rsa("a"), "kid", json!(5)), alg),
            SkipReason::InvalidKid
        );
        assert_eq!(
            skipped(with(rsa("a"), "n", json!("!!")), alg),
            SkipReason::InvalidMember("n")
        );
        assert_eq!(
            skipped(with(rsa("a"), "n", json!("")), alg),
            SkipReason::InvalidMember("n")
        );
        assert_eq!(
            skipped(with(rsa("a"), "e", json!(65537)), alg),
            SkipReason::InvalidMember("e")
        );
        for e in ["AQ", "Ag", "AAE", "AQAAAAAAAAAB"] {
            assert_eq!(
                skipped(with(rsa("a"), "e", json!(e)), alg),
                SkipReason::InvalidRsaExponent,
                "{e}"
            );
        }
        // A 1024-bit modulus (the Wycheproof `keysize_too_small` key).
        let roca = with(rsa("r"), "n", json!(ROCA_N));
        assert_eq!(skipped(roca, alg), SkipReason::RocaVulnerable);
        let small = with(rsa("s"), "n", json!(RSA1024_N));
        assert_eq!(skipped(small, alg), SkipReason::RsaKeySize(1024));

        let ec = public_jwk(
            &EncodingKey::from_ec_pem(P256_PRIVATE).unwrap(),
            Algorithm::ES256,
            "e",
        );
        assert_eq!(
            skipped(ec.clone(), Algorithm::ES384),
            SkipReason::CurveMismatch
        );
        assert_eq!(
            skipped(with(ec.clone(), "crv", json!("P-384")), Algorithm::ES256),
            SkipReason::CurveMismatch
        );
        assert_eq!(
            skipped(with(ec.clone(), "d", json!("AQAB")), Algorithm::ES256),
            SkipReason::PrivateMember("d")
        );
        assert_eq!(
            skipped(with(ec.clone(), "x", json!("AQAB")), Algorithm::ES256),
            SkipReason::InvalidMember("x")
        );
        assert_eq!(
            skipped(ec.clone(), Algorithm::RS256),
            SkipReason::KtyMismatch
        );
        let ed = public_jwk(
            &EncodingKey::from_ed_pem(ED_PRIVATE).unwrap(),
            Algorithm::EdDSA,
            "o",
        );
        assert_eq!(
            skipped(with(ed.clone(), "crv", json!("Ed448")), Algorithm::EdDSA),
            SkipReason::CurveMismatch
        );
        assert_eq!(
            skipped(with(ed, "x", json!("AQAB")), Algorithm::EdDSA),
            SkipReason::InvalidMember("x")
        );
    }

    #[test]
    fn one_bad_key_does_not_spoil_the_others() {
        let entries = [
            json!("not an object"),
            with(rsa("bad"), "n", json!(7)),
            rsa("good"),
            json!(null),
        ];
        let set = parse_key_set(&doc(&entries), Algorithm::RS256, CAP).unwrap();
        assert_eq!(set.len(), 1);
        assert!(set.select(Some("good")).is_ok());
        let reasons: Vec<_> = set
            .skipped()
            .iter()
            .map(|s| (s.index, s.kid.clone(), s.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            [
                (0, None, SkipReason::NotAnObject),
                (1, Some("bad".into()), SkipReason::InvalidMember("n")),
                (3, None, SkipReason::NotAnObject),
            ]
        );
        assert_eq!(
            set.skipped()[1].reason.to_string(),
            "member n is missing or malformed"
        );
    }

    #[test]
    fn duplicate_kids() {
        let same = parse_key_set(&doc(&[rsa("a"), rsa("a")]), Algorithm::RS256, CAP).unwrap();
        assert_eq!(same.len(), 1);
        let different = with(rsa("a"), "e", json!("Aw"));
        assert_eq!(
            parse_key_set(&doc(&[rsa("a"), different]), Algorithm::RS256, CAP).unwrap_err(),
            JwksError::ConflictingKid { kid: "a".into() }
        );
        // A skipped key does not conflict.
        let enc = with(with(rsa("a"), "e", json!("Aw")), "use", json!("enc"));
        assert_eq!(
            parse_key_set(&doc(&[rsa("a"), enc]), Algorithm::RS256, CAP)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn documents() {
        let alg = Algorithm::RS256;
        assert_eq!(
            parse_key_set(b"{}", alg, CAP).unwrap_err(),
            JwksError::NotAKeySet
        );
        assert_eq!(
            parse_key_set(br#"{"keys":"x"}"#, alg, CAP).unwrap_err(),
            JwksError::NotAKeySet
        );
        assert_eq!(
            parse_key_set(br#"[{"keys":[]}]"#, alg, CAP).unwrap_err(),
            JwksError::NotAKeySet
        );
        assert_eq!(
            parse_key_set(b"<html>502 Bad Gateway</html>", alg, CAP).unwrap_err(),
            JwksError::NotJson
        );
        assert_eq!(
            parse_key_set(b"", alg, CAP).unwrap_err(),
            JwksError::NotJson
        );
        assert_eq!(
            parse_key_set(b"\xff\xfe", alg, CAP).unwrap_err(),
            JwksError::NotJson
        );
        assert!(
            parse_key_set(br#"{"keys":[]}"#, alg, CAP)
                .unwrap()
                .is_empty()
        );
        let big = doc(&[rsa("a")]);
        assert_eq!(
            parse_key_set(&big, alg, big.len() - 1).unwrap_err(),
            JwksError::TooLarge { max: big.len() - 1 }
        );
        assert!(parse_key_set(&big, alg, big.len()).is_ok());
        assert_eq!(
            parse_key_set(
                br#"{"keys":[{"kty":"oct","k":"AAAA"}]}"#,
                Algorithm::HS256,
                CAP
            )
            .unwrap_err(),
            JwksError::UnsupportedAlgorithm(Algorithm::HS256)
        );
        let deep = format!(r#"{{"keys":{}{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(
            parse_key_set(deep.as_bytes(), alg, 1 << 20).unwrap_err(),
            JwksError::NotJson
        );
    }
}
